"""Scenarios that apply to every ERP: lost responses, outages, poison orders, paging."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from scenarios.catalog import scenario
from scenarios.context import Ctx


@scenario(
    "FM-G07",
    "Lost response after commit",
    ("*",),
    harm="the retry creates a second ERP order",
    invariant="exactly one ERP order per Magento order",
)
def lost_response(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    for n, (method, path) in enumerate(ctx.support.order_writes):
        erp.add_fault(
            {
                "id": f"lose-{n}",
                "target": {"method": method, "path": path},
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
    ("*",),
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
            "target": {"path": ctx.support.api_paths},
            "effect": {
                "kind": "http_error",
                "status": 503,
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
    ("*",),
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
    "FM-G11",
    "Poison message",
    ("*",),
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
    for kind, placed in bad.items():
        evidence += ctx.held_back(placed, kind)
    ctx.metrics["quarantined"] = len(held)
    return evidence


@scenario(
    "FM-G01",
    "Overlapping scheduled jobs",
    ("*",),
    harm="double exports, stale stock written over fresh",
    invariant="one owner at a time (lease with fencing); no duplicate ERP document; final "
    "stock equals the latest ERP value",
)
def overlapping_runs(ctx: Ctx) -> list[str]:
    first, second = ctx.connector, ctx.another_instance()
    erp = ctx.world.erp_fake
    product = ctx.world.magento.ctx.dataset.products[0]
    location = next(iter(ctx.world.profile["locations"].values()))
    ctx.place(6)
    first.arm_crash(3)  # dies mid-run, holding whatever it had claimed
    for step in range(30):
        if step in (5, 12):
            ctx.support.set_stock(erp, product.sku, location, 100 + step)
            ctx.place(2)
        first.cycle()
        second.cycle()
        ctx.world.advance(60)
    return ctx.judge_orders() + ctx.judge_stock()


RETRY_AFTER_S = 120


@scenario(
    "FM-G08",
    "Rate and concurrency limits",
    ("*",),
    harm="a retry storm against a throttled ERP, failed orders, lockout",
    invariant="Retry-After honoured for every call to the ERP; all orders delivered",
)
def throttling(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    erp.add_fault(
        {
            "id": "throttle",
            "target": {"path": ctx.support.api_paths},
            "effect": {"kind": "throttle", "retry_after_s": RETRY_AFTER_S},
            "trigger": {"calls": [2, 3, 9]},
        }
    )
    ctx.place(6)
    ctx.cycles(60, step_s=10)
    evidence = ctx.judge_orders()
    entries = erp.entries()
    for throttled, following in zip(entries, entries[1:], strict=False):
        if throttled.status != 429:
            continue
        waited = (_at(following.at) - _at(throttled.at)).total_seconds()
        if waited < RETRY_AFTER_S:
            evidence.append(
                f"{following.method} {following.path} reached the ERP {waited:.0f}s after a "
                f"429 that asked for Retry-After: {RETRY_AFTER_S}"
            )
    ctx.metrics["throttled"] = sum(1 for e in entries if e.status == 429)
    return evidence


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


@scenario(
    "FM-G14",
    "Worker crash mid-batch",
    ("*",),
    harm="orders lost or sent twice",
    invariant="durable outbox: 0 lost, 0 duplicated after restart",
)
def crash_mid_batch(ctx: Ctx) -> list[str]:
    for point in range(1, 9):
        ctx.place(2)
        ctx.connector.arm_crash(point, after_send=point % 2 == 1)
        ctx.connector.cycle()
        ctx.world.advance(60)
    ctx.cycles(20, step_s=300)
    return ctx.judge_orders()


@scenario(
    "FM-G06",
    "Missing reconciliation and alerting",
    ("*",),
    harm="the ERP answers success but keeps nothing; nobody notices the missing orders",
    invariant="every order the ERP did not keep is found and delivered; nothing is left "
    "missing without an alert",
)
def silent_drop(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    for n, (method, path) in enumerate(ctx.support.order_writes):
        erp.add_fault(
            {
                "id": f"drop-{n}",
                "target": {"method": method, "path": path},
                "effect": {"kind": "silent_drop"},
                "trigger": {"calls": [1, 2, 4]},
            }
        )
    ctx.place(6)
    ctx.cycles(30, step_s=300)
    evidence = ctx.judge_orders()
    alerts = ctx.connector.alerts()
    if evidence and alerts is not None and not any(a["kind"] == "missing_in_erp" for a in alerts):
        evidence.append("orders are missing in the ERP and no alert was raised")
    ctx.metrics["writes_dropped"] = sum(f.hits for f in erp.faults.active())
    return evidence


@scenario(
    "FM-G15",
    "Updates silently stopped",
    ("*",),
    harm="stock frozen for days and nobody sees it",
    invariant="a staleness monitor per source raises an alert within its threshold (6 h)",
)
def updates_stopped(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    product = ctx.world.magento.ctx.dataset.products[0]
    locations = ctx.world.profile["locations"]
    for step in range(4):  # stock moves every 15 minutes at every location
        for k, location in enumerate(locations.values()):
            ctx.support.set_stock(erp, product.sku, location, 50 + 10 * step + k)
        ctx.cycles(3, step_s=300)
    frozen_at = ctx.world.clock.now()
    ctx.cycles(30, step_s=900)  # 7.5 hours with no change at all
    alerts = ctx.connector.alerts()
    if alerts is None:
        return ["the connector has no alerting: frozen stock would go unseen"]
    stale = [a for a in alerts if a["kind"] == "stock_stale"]
    sources = {src for src in locations if any(src in a["message"] for a in stale)}
    evidence = [
        f"no staleness alert for source {src} after 7.5 h without a stock change"
        for src in sorted(set(locations) - sources)
    ]
    late = [a for a in stale if (a["at"] - frozen_at).total_seconds() > 7 * 3600]
    evidence += [f"alert came late: {a['message']} at {a['at']}" for a in late]
    return evidence


@scenario(
    "FM-G16",
    "Unexplained cancellations",
    ("*",),
    harm="the ERP cancels an order and the customer is still told it is coming",
    invariant="status reconciliation flags every disagreement",
)
def erp_cancellations(ctx: Ctx) -> list[str]:
    if ctx.support.cancel_order is None:
        return ["the harness cannot cancel orders in this ERP fake yet"]
    ctx.place(4)
    ctx.cycles(5)
    cancelled = ctx.judge_refs()[:2]
    for order_id, _increment in cancelled:
        ctx.support.cancel_order(ctx.world.erp_fake, order_id)
    ctx.cycles(15, step_s=600)
    alerts = ctx.connector.alerts()
    if alerts is None:
        return ["the connector has no status reconciliation: cancellations go unseen"]
    flagged = [a["message"] for a in alerts if a["kind"] == "status_mismatch"]
    return [
        f"ERP cancelled order {increment} and nothing flagged it"
        for _id, increment in cancelled
        if not any(increment in m for m in flagged)
    ]


# How each ERP fake expires what a client logged in with (none for NetSuite TBA or Basic auth).
EXPIRY_EVENTS = {
    "sap-b1": "expire_sessions",
    "s4hana": "expire_csrf",
    "sage200": "revoke_tokens",
    "business-central": "revoke_tokens",
}


@scenario(
    "FM-G10",
    "Credentials expire mid-run",
    ("*",),
    harm="the run aborts and orders are stuck; secrets are printed in errors",
    invariant="transparent re-authentication; nothing lost; no secret in journals, "
    "quarantine reasons or alerts",
    magento_auth="admin",
)
def credentials_expire(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    for round_ in range(4):
        ctx.place(2)
        ctx.cycles(3)
        ctx.world.magento.event("revoke_admin_tokens")
        if ctx.world.erp in EXPIRY_EVENTS:
            erp.event(EXPIRY_EVENTS[ctx.world.erp])
        ctx.metrics["expiries"] = round_ + 1
    ctx.cycles(10)
    evidence = ctx.judge_orders()
    secrets = {
        str(v)
        for fake in (ctx.world.magento, erp)
        for k, v in fake.credentials().items()
        if len(str(v)) >= 6 and any(w in k for w in ("pass", "secret", "token", "key"))
    }
    texts = [json.dumps(e.to_dict()) for fake in (ctx.world.magento, erp) for e in fake.entries()]
    texts += [str(q) for q in ctx.connector.quarantined() or []]
    texts += [str(a) for a in ctx.connector.alerts() or []]
    leaked = sorted({secret[:4] for secret in secrets for text in texts if secret in text})
    evidence += [
        f"a credential starting {prefix!r} appears in a journal, a quarantine reason or an alert"
        for prefix in leaked
    ]
    return evidence


@scenario(
    "FM-G03",
    "Inventory drift after failed or delayed jobs",
    ("*",),
    harm="Magento sells stock the ERP does not have",
    invariant="after the failure heals, drift is 0 for every SKU x source",
)
def inventory_drift(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    start = ctx.world.clock.now() + timedelta(minutes=10)
    end = start + timedelta(minutes=40)
    erp.add_fault(
        {
            "id": "stock-window",
            "target": {"path": ctx.support.api_paths},
            "effect": {"kind": "http_error", "status": 503},
            "trigger": {"start": start.isoformat(), "end": end.isoformat()},
        }
    )
    products = ctx.world.magento.ctx.dataset.products[:3]
    locations = list(ctx.world.profile["locations"].values())
    for step in range(12):
        for n, product in enumerate(products):
            ctx.support.set_stock(
                erp, product.sku, locations[(step + n) % len(locations)], 5 + step + n
            )
        ctx.place(1)
        ctx.cycles(1, step_s=300)
    ctx.cycles(12, step_s=300)
    return ctx.judge_stock() + ctx.judge_orders()


@scenario(
    "FM-G02",
    "Stopped queue consumers",
    ("*",),
    harm="bulk requests are accepted but never applied; the backlog grows unseen",
    invariant="an open-backlog alert within its threshold (15 min); nothing lost once the "
    "consumers run again",
    policies={"stock_via_async_bulk": True},
)
def stopped_consumers(ctx: Ctx) -> list[str]:
    magento, erp = ctx.world.magento, ctx.world.erp_fake
    ctx.cycles(2, step_s=300)
    magento.event("stop_consumers")
    stopped_at = ctx.world.clock.now()
    locations = list(ctx.world.profile["locations"].values())
    for n, product in enumerate(ctx.world.magento.ctx.dataset.products[:3]):
        for k, location in enumerate(locations):
            ctx.support.set_stock(erp, product.sku, location, 7 + 10 * k + n)
    ctx.cycles(8, step_s=300)
    evidence = []
    alerts = ctx.connector.alerts()
    if alerts is None:
        evidence.append("the connector has no alerting: a stopped Magento consumer goes unseen")
    else:
        raised = [a for a in alerts if a["kind"] == "bulk_open"]
        if not raised:
            evidence.append("Magento's consumers stopped for 40 min and no alert was raised")
        elif (raised[0]["at"] - stopped_at).total_seconds() > 30 * 60:
            evidence.append(f"the backlog alert came late, at {raised[0]['at']}")
    magento.event("start_consumers")
    ctx.cycles(6, step_s=300)
    return evidence + ctx.judge_stock()
