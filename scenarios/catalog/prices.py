"""Price failure modes: FM-T06 (batch preview, approval and rollback), FM-T02 (effective
dates) and FM-G05 (a partial batch reported as success: Magento's price API fails k of n rows
inside a 200).

The ERP's pricing clerk changes prices through :mod:`scenarios.flowviews.prices`; the verdict
reads Magento's state (base prices, special prices with their dates). The operator's part of
FM-T06 (look at the held batch, approve it, roll it back) is the engine's price commands; a
connector without them has no batch to approve or roll back, which is itself the evidence.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from scenarios.catalog import scenario
from scenarios.context import Ctx
from scenarios.flowviews.prices import (
    BC_PRICE_SERVICE,
    DATED,
    ERPS,
    SAGE_DATED_BAND,
    magento_base,
    magento_charges,
    products,
    set_base,
)
from sync_core.flows.prices import FLOW, PricesFlow

PRICE_RUN_S = 300.0  # these scenarios run prices every 300 s (the engine's default is hourly)
PRICE_FLOW = {"prices": {"every_s": PRICE_RUN_S}}
CENT = Decimal("0.01")


def _flow(ctx: Ctx) -> PricesFlow | None:
    engine = getattr(ctx.connector, "engine", None)
    if engine is None:
        return None
    found = next((f for f, _ in engine.optional if f.name == FLOW), None)
    return found if isinstance(found, PricesFlow) else None


def _runs(ctx: Ctx, count: int) -> None:
    """``count`` cycles, each late enough for a price run."""
    ctx.cycles(count, step_s=PRICE_RUN_S)


def _moved(price: Decimal, factor: str) -> Decimal:
    return (price * Decimal(factor)).quantize(CENT)


def _mismatches(ctx: Ctx, expected: dict[str, Decimal], why: str) -> list[str]:
    held = magento_base(ctx)
    return [
        f"{sku}: {why}: expected {price:f}, Magento holds {held.get(sku, Decimal(0)):f}"
        for sku, price in expected.items()
        if abs(held.get(sku, Decimal(0)) - price) > Decimal("0.005")
    ]


def _ledger(flow: PricesFlow | None) -> list[str]:
    """accepted + rejected + pending = submitted for every batch the engine kept."""
    if flow is None:
        return []
    out = []
    for batch in flow.batches.batches():
        counts = flow.batches.counts(int(batch["id"]))
        if counts["accepted"] + counts["rejected"] + counts["pending"] != counts["submitted"]:
            out.append(f"price batch {batch['id']}: outcomes do not add up: {counts}")
    return out


# -- FM-T06 -------------------------------------------------------------------------------------
@scenario(
    "FM-T06",
    "Price batch preview and rollback",
    ERPS,
    harm="a price change goes live unseen: no preview, a 60% jump applied without approval, and "
    "no way back to the prices Magento had",
    invariant="the batch's diff can be previewed before it applies; a change above "
    "price_approval_pct waits for approval (nothing applied meanwhile); a rollback restores "
    "Magento's prices exactly and they stay restored",
    flows=PRICE_FLOW,
)
def batch_preview_rollback(ctx: Ctx) -> list[str]:
    (a, pa), (b, pb), (c, pc) = products(ctx, 3)
    _runs(ctx, 1)
    new = {a: _moved(pa, "1.05"), b: _moved(pb, "0.97"), c: _moved(pc, "1.60")}
    for sku, price in new.items():
        set_base(ctx, sku, price)
    before = magento_base(ctx)
    _runs(ctx, 1)
    evidence = _mismatches(ctx, {c: before[c]}, "a 60% change reached Magento before approval")
    flow = _flow(ctx)
    if flow is None:
        evidence.append(
            f"{c}: no price batch to preview, approve or roll back: Magento's previous prices "
            f"({', '.join(f'{s} {before[s]:f}' for s in new)}) cannot be restored"
        )
        return evidence
    return evidence + _approve_and_roll_back(ctx, flow, new, before)


def _approve_and_roll_back(
    ctx: Ctx, flow: PricesFlow, new: dict[str, Decimal], before: dict[str, Decimal]
) -> list[str]:
    held = flow.batches.batches(("pending_approval",))
    if not held:
        return [f"{', '.join(new)}: no batch waits for approval after a 60% change"]
    batch_id = int(held[-1]["id"])
    shown = {str(i["key"]).split("|")[1]: i for i in flow.batches.items(batch_id)}
    evidence = [
        f"{sku}: the preview of batch {batch_id} does not show {before[sku]:f} -> {price:f}"
        for sku, price in new.items()
        if sku not in shown or abs(Decimal(str(shown[sku]["new"]["price"])) - price) > CENT / 2
    ]
    evidence += _mismatches(ctx, {s: before[s] for s in new}, "applied before approval")
    flow.approve(batch_id)
    ctx.cycles(1)
    evidence += _mismatches(ctx, new, "approved batch not applied")
    flow.rollback(batch_id)
    _runs(ctx, 2)
    evidence += _mismatches(ctx, before, f"not restored by the rollback of batch {batch_id}")
    return evidence + _ledger(flow)


# -- FM-T02 -------------------------------------------------------------------------------------
Period = tuple[Decimal, date, date]


def _periods(ctx: Ctx, price: Decimal) -> list[Period]:
    """B1: period discounts (Magento special prices); S/4HANA: dated list prices (base)."""
    today = ctx.world.clock.now().date()
    first, second = ("0.85", "0.90") if ctx.world.erp == "sap-b1" else ("1.10", "0.95")
    return [
        (_moved(price, first), today + timedelta(days=1), today + timedelta(days=2)),
        (_moved(price, second), today + timedelta(days=3), today + timedelta(days=3)),
    ]


@scenario(
    "FM-T02",
    "Price change with effective dates",
    tuple(DATED),
    harm="a dated ERP price (a period discount, a future list price) goes live the moment it is "
    "read, days early, and never ends",
    invariant="right after every run Magento charges the ERP's price of that moment; between "
    "runs it charges that price or the one of the last run (a change lags one run at most), "
    "never a price before its first day",
    flows=PRICE_FLOW,
    erp_settings={
        "dated_price_bands": f"{SAGE_DATED_BAND}1,{SAGE_DATED_BAND}2",  # sage200
        "price_list_service": BC_PRICE_SERVICE,  # business-central
    },
)
def effective_dates(ctx: Ctx) -> list[str]:
    ((sku, price),) = products(ctx, 1)
    ctx.cycles(1, step_s=0)
    periods = _periods(ctx, price)
    DATED[ctx.world.erp](ctx, sku, periods)
    evidence: list[str] = []
    last_run = ctx.world.clock.now()
    for _ in range(5 * 4):  # five days in steps of six hours
        now = ctx.world.clock.now()
        allowed = {_expected(price, periods, now), _expected(price, periods, last_run), price}
        evidence += _check_moment(ctx, sku, periods, allowed)
        ctx.cycles(1, step_s=0)
        last_run = now
        evidence += _check_moment(ctx, sku, periods, {_expected(price, periods, now)})
        ctx.world.advance(6 * 3600)
    return evidence[:8]


def _expected(base: Decimal, periods: list[Period], at: datetime) -> Decimal:
    for special, start, end in periods:
        first = datetime.combine(start, time.min, at.tzinfo)
        if first <= at <= datetime.combine(end, time(23, 59, 59), at.tzinfo):
            return special
    return base


def _check_moment(ctx: Ctx, sku: str, periods: list[Period], allowed: set[Decimal]) -> list[str]:
    at = ctx.world.clock.now()
    charged = magento_charges(ctx, sku, at)
    if any(abs(charged - price) <= Decimal("0.005") for price in allowed):
        return []
    dated = {p for p, _, _ in periods}
    early = charged in dated and at.date() < periods[0][1]
    when = "early" if early else "outside its dates"
    shown = " or ".join(f"{p:f}" for p in sorted(allowed))
    return [
        f"{sku} at {at:%Y-%m-%d %H:%M}: Magento charges {charged:f}, the ERP's price then is "
        f"{shown} (dated price applied {when})"
    ]


# -- FM-G05 -------------------------------------------------------------------------------------
def _reject(ctx: Ctx, fault_id: str, count: int, trigger: dict[str, Any]) -> None:
    ctx.world.magento.add_fault(
        {
            "id": fault_id,
            "target": {"method": "POST", "path": r"/V1/products/base-prices$"},
            "effect": {
                "kind": "vendor",
                "name": "partial_price_batch",
                "params": {"reject": count, "which": "last"},
            },
            "trigger": trigger,
        }
    )


@scenario(
    "FM-G05",
    "Partial batch reported as success",
    ERPS,
    harm="Magento's price API answers 200 with k of n rows failed; the job shows success and "
    "the rejected prices vanish",
    invariant="per-item outcomes recorded (accepted + rejected + pending = submitted); every "
    "rejected price is sent again once Magento accepts it, or dead-lettered and reported",
    flows=PRICE_FLOW,
)
def partial_price_batch(ctx: Ctx) -> list[str]:
    chosen = products(ctx, 6)
    _runs(ctx, 1)
    first = {sku: _moved(price, "1.04") for sku, price in chosen[:5]}
    for sku, price in first.items():
        set_base(ctx, sku, price)
    _reject(ctx, "g05-transient", 2, {"first": 2})
    _runs(ctx, 4)
    evidence = _mismatches(ctx, first, "rejected inside a 200 and never sent again")
    sku, price = chosen[5]
    stuck = _moved(price, "1.03")
    set_base(ctx, sku, stuck)
    _reject(ctx, "g05-always", 1, {})
    _runs(ctx, 5)
    ctx.world.magento.clear_faults("g05-always")
    evidence += _stuck_reported(ctx, sku, stuck)
    return evidence + _ledger(_flow(ctx))


def _stuck_reported(ctx: Ctx, sku: str, price: Decimal) -> list[str]:
    """A price Magento keeps refusing must be dead-lettered and reported with the reason."""
    if not _mismatches(ctx, {sku: price}, ""):
        return []
    alerts = ctx.connector.alerts() or []
    if any(sku in str(a.get("message")) for a in alerts):
        return []
    return [
        f"{sku}: Magento refused {price:f} inside every 200; it is neither applied nor "
        f"dead-lettered and reported (Magento still holds {magento_base(ctx)[sku]:f})"
    ]
