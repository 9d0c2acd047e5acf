"""The failure-mode catalog as runnable scenarios, by the ids of docs/failure-modes.md.

A scenario script sets the world up, strikes it with the failure, lets the connector under
test run on simulated time, and returns evidence from the fakes' state (empty = passed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from scenarios.context import Ctx

Script = Callable[[Ctx], list[str]]


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    erps: tuple[str, ...]
    harm: str
    invariant: str
    script: Script
    world: dict[str, Any] = field(default_factory=dict)


CATALOG: dict[str, Scenario] = {}


def scenario(
    id: str, title: str, erps: tuple[str, ...], harm: str, invariant: str, **world: Any
) -> Callable[[Script], Script]:
    def register(script: Script) -> Script:
        CATALOG[id] = Scenario(id, title, erps, harm, invariant, script, dict(world))
        return script

    return register


ORDER_WRITES = r"^/services/rest/record/v1/salesOrder(/eid:[^/]+)?/?$"


@scenario(
    "FM-G07",
    "Lost response after commit",
    ("netsuite",),
    harm="the retry creates a second ERP order",
    invariant="exactly one ERP order per Magento order",
)
def lost_response(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    for method in ("POST", "PUT"):
        erp.add_fault(
            {
                "id": f"lose-{method}",
                "target": {"method": method, "path": ORDER_WRITES},
                "effect": {"kind": "lose_response", "after": "timeout"},
                "trigger": {"calls": [1, 3, 4]},
            }
        )
    ctx.place(6)
    ctx.cycles(20)
    ctx.metrics["responses_lost"] = sum(f.hits for f in erp.faults.active())
    return ctx.judge_orders()


@scenario(
    "FM-G09",
    "ERP outage",
    ("netsuite",),
    harm="orders dropped during the outage, or the ERP hammered with retries",
    invariant="work buffered durably, drained after recovery, no loss, no duplicate, "
    "at most a few calls a minute while it is down",
)
def outage(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    start = ctx.world.clock.now() + timedelta(seconds=120)
    end = start + timedelta(minutes=45)
    erp.add_fault(
        {
            "id": "outage",
            "target": {"path": "^/services/rest/"},
            "effect": {
                "kind": "http_error",
                "status": 503,
                "code": "UNEXPECTED_ERROR",
                "message": "Service Unavailable",
            },
            "trigger": {"start": start.isoformat(), "end": end.isoformat()},
        }
    )
    ctx.place(3)
    ctx.cycles(2)
    for _ in range(9):  # orders keep arriving during the outage
        ctx.place(1)
        ctx.cycles(5)
    ctx.cycles(60)
    outage_fault = erp.faults.get("outage")
    calls = outage_fault.hits if outage_fault else 0
    per_minute = calls / 45
    ctx.metrics.update(calls_during_outage=calls, calls_per_minute=round(per_minute, 2))
    evidence = ctx.judge_orders()
    if per_minute > 6:
        evidence.append(
            f"{calls} calls hit the ERP during a 45-minute outage "
            f"({per_minute:.1f}/min): no circuit breaking or backoff"
        )
    return evidence


@scenario(
    "FM-G13",
    "Paging and watermark pitfalls",
    ("netsuite",),
    harm="orders missed or exported twice; endless paging loops",
    invariant="every order exported exactly once (stable cursor, overlap, de-duplication)",
    magento_page_size=10,
)
def paging(ctx: Ctx) -> list[str]:
    ctx.place(40)  # many orders on one timestamp, an exact multiple of the page size
    ctx.connector.cycle()
    ctx.place(5)  # same instant, after the run started: a strict "> last run" misses these
    ctx.world.advance(60)
    ctx.connector.cycle()
    for order in ctx.placed[:10]:  # edits move orders to the end of an updated_at sort
        ctx.world.magento.event("touch_order", entity_id=order["entity_id"])
    ctx.place(3)
    ctx.cycles(20)
    return ctx.judge_orders()


@scenario(
    "FM-N05",
    "Duplicate external ids across stores",
    ("netsuite",),
    harm="an upsert by bare increment id overwrites another store's order, or two ERP "
    "orders carry the same ambiguous reference",
    invariant="external ids namespaced per store; no order overwritten",
)
def duplicate_external_ids(ctx: Ctx) -> list[str]:
    for n in range(3):
        increment = f"{700000001 + n}"
        ctx.place(1, store_code="default", increment_id=increment)
        ctx.place(1, store_code="eu", increment_id=increment)
    ctx.place(2, store_code="eu")
    ctx.cycles(15)
    return ctx.judge_orders()


@scenario(
    "FM-G11",
    "Poison message",
    ("netsuite",),
    harm="the queue blocks behind a bad order, or the order is skipped silently",
    invariant="each bad order quarantined with a reason naming the order and the field; "
    "every other order still flows",
)
def poison(ctx: Ctx) -> list[str]:
    ctx.place(2)
    bad = {
        "unknown SKU": ctx.place(1, poison=True, lines=[{"sku": "NO-SUCH-SKU", "qty": 1}]),
        "missing address": ctx.place(1, poison=True, shipping_address="missing"),
        "zero quantity": ctx.place(
            1, poison=True, lines=[{"sku": ctx.lines(1)[0]["sku"], "qty": 0}]
        ),
    }
    ctx.place(3)
    ctx.cycles(10)
    evidence = ctx.judge_orders()
    held = ctx.connector.quarantined()
    if held is None:
        return evidence
    for kind, (order,) in bad.items():
        key = f"magento-order:{order['entity_id']}"
        reasons = [q["reason"] for q in held if q["entity"] == key]
        if not reasons:
            evidence.append(f"order {order['increment_id']} ({kind}) was not quarantined")
        elif order["increment_id"] not in reasons[0]:
            evidence.append(
                f"quarantine reason for {order['increment_id']} does not name the "
                f"order: {reasons[0]!r}"
            )
    ctx.metrics["quarantined"] = len(held)
    return evidence


@scenario("FM-N04", "Inventory-location mismatch", ("netsuite",),
          harm="stock of every location lands in one Magento source, or in the wrong one",
          invariant="per-location stock maps to the right source; unmapped locations reported")
def location_mismatch(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    products = ctx.world.magento.ctx.dataset.products[:4]
    for n, product in enumerate(products):
        for location, qty in (("1", 10 + n), ("2", 40 + n), ("3", 70 + n)):
            erp.event("set_stock", item_code=product.sku, location_id=location, quantity=qty)
    ctx.cycles(8, step_s=300)
    return ctx.judge_stock()


def select(ids: list[str] | None, erp: str) -> list[Scenario]:
    if ids:
        unknown = [i for i in ids if i not in CATALOG]
        if unknown:
            raise KeyError(
                f"unknown scenario id(s): {', '.join(unknown)}; see `erp-harness scenarios`"
            )
        return [CATALOG[i] for i in ids]
    return [s for s in CATALOG.values() if erp in s.erps]
