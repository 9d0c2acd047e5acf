"""Microsoft Dynamics 365 Business Central failure modes (FM-D*).

FM-D01 and FM-D02 point a fresh instance of the connector under test at the wrong place, as an
operator's configuration would (the sandbox's environment name; another company's id, with the
expected company name set), through :func:`pointed_at`; the first instance never runs. The
harness has no other way yet to hand a connector credentials that differ from the fake's own,
so :func:`pointed_at` overrides the fake's ``credentials()`` before making the instance. The
fake itself stays as seeded: the company of record is the first company of production.

FM-D03 changes the per-location stock page (the Analytics API shape the world serves, see
:mod:`scenarios.erps.business_central`) in the middle of a read; FM-D04 takes that page away,
leaving only the standard API, which has no per-location stock.

FM-D05 makes Magento and Business Central disagree on two exported orders: one is shipped in
Business Central (``ship_order``) and then cancelled in Magento (``set_order_status``), the other
is cancelled in Business Central (``cancel_order``: deleted, as nothing had shipped) while
Magento still has it processing. The connector under test must raise a ``status_mismatch``
alert naming each; a connector without alerting fails with the disagreements as evidence.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scenarios.catalog import scenario
from scenarios.connectors.base import ConnectorUnderTest
from scenarios.context import Ctx
from scenarios.erps.business_central import (
    ANALYTICS_PATH,
    companies,
    erp_orders,
    of_record,
    stock_of,
)
from scenarios.views import magento_stock

SANDBOX = "sandbox"
MARKED = 3  # products whose stock is changed where it must not be read from


def pointed_at(ctx: Ctx, **credentials: str) -> ConnectorUnderTest:
    """Another instance of the connector under test, configured with ``credentials`` over
    the fake's own (the scenario's configuration mistake); the harness closes it."""
    fake = ctx.world.erp_fake
    own = fake.credentials
    setattr(fake, "credentials", lambda: {**own(), **credentials})  # noqa: B010
    return ctx.another_instance()


def run(ctx: Ctx, connector: ConnectorUnderTest, cycles: int, step_s: float = 60.0) -> None:
    for _ in range(cycles):
        connector.cycle()
        ctx.world.advance(step_s)


def _codes(ctx: Ctx) -> list[str]:
    items = ctx.world.profile.get("items", {})
    return [items.get(p.sku, p.sku) for p in ctx.world.magento.ctx.dataset.products[:MARKED]]


def _written_elsewhere(ctx: Ctx, where: str) -> list[str]:
    """Sales orders in any company but the company of record."""
    evidence = []
    for n, (env, name, snapshot) in enumerate(companies(ctx.world.erp_fake.state())):
        if n == 0:
            continue
        for order in erp_orders(snapshot):
            refs = ", ".join(sorted({r.lower() for r in order.refs})) or "no reference"
            evidence.append(
                f"order {refs} was written to {where}: {name} in environment {env}, as "
                f"{order.label}"
            )
    return evidence


def _num(value: Decimal | None) -> str:
    return "nothing" if value is None else format(value.normalize(), "f")


def _magento_unchanged(ctx: Ctx, before: dict[tuple[str, str], Decimal], why: str) -> list[str]:
    """The marked products' Magento stock (changed only in the wrong place) did not move."""
    marked = {p.sku for p in ctx.world.magento.ctx.dataset.products[:MARKED]}
    after = magento_stock(ctx.world.magento.state())
    return [
        f"stock {sku} @ {source} changed from {_num(before.get((sku, source)))} to {_num(qty)}: "
        f"{why} (its stock changed only there)"
        for (sku, source), qty in sorted(after.items())
        if sku in marked and before.get((sku, source), qty) != qty
    ]


def _refused(
    ctx: Ctx, connector: ConnectorUnderTest, placed: list[dict[str, Any]], word: str
) -> list[str]:
    """Each placed order is held by ``connector`` with a reason naming the ``word``."""
    return ctx.held_back(placed, mention=word, connector=connector)


@scenario(
    "FM-D01",
    "Environment mismatch",
    ("business-central",),
    harm="the connector, pointed at a sandbox copied from production (same company ids), "
    "writes real orders into the sandbox and copies the sandbox's stock into Magento",
    invariant="environment asserted at start (exists, and is of the expected type); the run "
    "refuses: nothing written to the sandbox, nothing read from it into Magento",
    erp_options={"sandbox_is_copy": True},
)
def environment_mismatch(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    for code in _codes(ctx):  # a tester's adjustments in the sandbox
        erp.event(
            "post_item_journal",
            item_number=code,
            location_code="MAIN",
            quantity=500,
            environment=SANDBOX,
        )
    before = magento_stock(ctx.world.magento.state())
    connector = pointed_at(ctx, environment=SANDBOX)
    placed = ctx.place(4)
    run(ctx, connector, 12)
    return (
        _written_elsewhere(ctx, "the wrong environment")
        + _magento_unchanged(ctx, before, "read from the sandbox")
        + _refused(ctx, connector, placed, "environment")
    )


@scenario(
    "FM-D02",
    "Company-code mistake",
    ("business-central",),
    harm="orders land in another company of the tenant (its id was configured by mistake), "
    "and that company's stock is copied into Magento",
    invariant="company asserted at start (exists in the environment, name as expected) and per "
    "request (URL and answer); nothing written to another company",
)
def company_mismatch(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    listed = list(companies(erp.state()))
    (_, right, _), (env, wrong, wrong_snapshot) = listed[0], listed[1]
    for code in _codes(ctx):  # the other company's stock differs
        erp.event(
            "post_item_journal",
            item_number=code,
            location_code="MAIN",
            quantity=300,
            environment=env,
            company=wrong,
        )
    before = magento_stock(ctx.world.magento.state())
    connector = pointed_at(ctx, company_id=str(wrong_snapshot["id"]), company_name=right)
    placed = ctx.place(4)
    run(ctx, connector, 12)
    return (
        _written_elsewhere(ctx, "another company")
        + _magento_unchanged(ctx, before, f"read from company {wrong}")
        + _refused(ctx, connector, placed, "company")
    )


@scenario(
    "FM-D03",
    "Custom API regression",
    ("business-central",),
    harm="the per-location stock page changes under the connector (a field renamed by an "
    "update, mid-read): rows are misread as zeros or put in the wrong source, or half a "
    "ledger is written",
    invariant="contract checked at start ($metadata) and per answer; a changed page is a clear "
    "error; Magento keeps the last good figures, never a misread or partial one",
    erp_options={"page_size": 40},
)
def custom_api_regression(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    locations: dict[str, str] = ctx.world.profile["locations"]
    ctx.place(2)
    ctx.cycles(3, step_s=300)
    good = stock_of(next(snap for _, _, snap in companies(erp.state())))
    erp.add_fault(
        {
            "id": "extension-update",
            "target": {"method": "GET", "path": ANALYTICS_PATH + "$"},
            "effect": {
                "kind": "vendor",
                "name": "custom_api_regression",
                "params": {
                    "entity_set": "itemLedgerEntries",
                    "rename": {"locationCode": "location"},
                },
            },
            "trigger": {"calls": [2]},  # the second page of the next read
        }
    )
    for n, code in enumerate(_codes(ctx)):
        ctx.support.set_stock(erp, code, locations["wh-north"], 7 + n)
    ctx.place(2)
    ctx.cycles(6, step_s=300)
    now = stock_of(next(snap for _, _, snap in companies(erp.state())))
    ctx.metrics["regressions"] = sum(f.hits for f in erp.faults.active())
    return _only_true_figures(ctx, locations, good, now) + ctx.judge_orders()


def _only_true_figures(
    ctx: Ctx,
    locations: dict[str, str],
    *pictures: dict[tuple[str, str], Decimal],
) -> list[str]:
    """Magento's quantity per SKU x source is one the ERP really held at the mapped location."""
    items = ctx.world.profile.get("items", {})
    evidence = []
    for (sku, source), qty in sorted(magento_stock(ctx.world.magento.state()).items()):
        location = locations.get(source)
        if location is None:
            continue
        held = [p.get((items.get(sku, sku), location), Decimal(0)) for p in pictures]
        if qty not in held:
            shown = " or ".join(sorted({format(h.normalize(), "f") for h in held}))
            evidence.append(
                f"stock {sku} @ {source}: magento {format(qty.normalize(), 'f')} is no figure "
                f"{ctx.world.erp} held at location {location} ({shown})"
            )
    return evidence


@scenario(
    "FM-D04",
    "Incomplete field exposure",
    ("business-central",),
    harm="the standard API has no per-location stock (items.inventory is a company total, "
    "item ledger entries carry no location): the totals of every location land in one source",
    invariant="the gap is named and the stock flow refuses rather than guess; Magento keeps "
    "true per-source figures; orders still flow",
    erp_options={"custom_apis": []},
)
def incomplete_exposure(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    locations: dict[str, str] = ctx.world.profile["locations"]
    first = magento_stock(ctx.world.magento.state())
    items = ctx.world.profile.get("items", {})
    seeded = {
        (items.get(sku, sku), locations[src]): qty
        for (sku, src), qty in first.items()
        if src in locations
    }
    for n, code in enumerate(_codes(ctx)):
        ctx.support.set_stock(erp, code, locations["wh-north"], 11 + n)
    ctx.place(3)
    ctx.cycles(8, step_s=300)
    now = stock_of(next(snap for _, _, snap in companies(erp.state())))
    return _only_true_figures(ctx, locations, seeded, now) + ctx.judge_orders()


# -- FM-D05 ---------------------------------------------------------------------------------------
def _bc_number(ctx: Ctx, order_id: str) -> str:
    for raw in of_record(ctx.world.erp_fake.state()).get("salesOrders", []):
        if raw.get("id") == order_id:
            return str(raw["number"])
    raise LookupError(f"no sales order {order_id} in the company of record")


def _entity_id(ctx: Ctx, increment: str) -> int:
    for placed in ctx.placed:
        if str(placed["increment_id"]) == increment:
            return int(placed["entity_id"])
    raise LookupError(f"order {increment} was not placed by this scenario")


@scenario(
    "FM-D05",
    "Order-state disagreement",
    ("business-central",),
    harm="Magento and Business Central disagree on an order's state: goods shipped for an order "
    "the customer cancelled (refund owed, stock gone), or a customer told an order Business "
    "Central cancelled is still coming",
    invariant="status reconciliation raises a status_mismatch alert naming every order whose "
    "states disagree (cancelled in Magento vs shipped in Business Central, and the reverse)",
)
def order_state_disagreement(ctx: Ctx) -> list[str]:
    erp, magento = ctx.world.erp_fake, ctx.world.magento
    ctx.place(4)
    ctx.cycles(5)
    exported = ctx.judge_refs()
    if len(exported) < 2:
        return [f"only {len(exported)} of 4 orders reached Business Central; nothing to compare"]
    (shipped_id, shipped), (dropped_id, dropped) = exported[0], exported[1]
    number = _bc_number(ctx, shipped_id)
    erp.event("ship_order", number=number)
    magento.event(
        "set_order_status", entity_id=_entity_id(ctx, shipped), state="canceled", status="canceled"
    )
    erp.event("cancel_order", number=_bc_number(ctx, dropped_id))
    ctx.cycles(15, step_s=600)
    disagreements = {
        shipped: f"order {shipped} is canceled in Magento but Business Central shipped it "
        f"(sales order {number})",
        dropped: f"order {dropped} is processing in Magento but Business Central cancelled "
        f"(deleted) it",
    }
    alerts = ctx.connector.alerts()
    if alerts is None:
        return [f"{why}, and the connector has no alerting" for why in disagreements.values()]
    flagged = [str(a["message"]) for a in alerts if a["kind"] == "status_mismatch"]
    ctx.metrics["status_mismatch_alerts"] = flagged
    return [
        f"{why}, and no status_mismatch alert names it"
        for increment, why in disagreements.items()
        if not any(increment in message for message in flagged)
    ]
