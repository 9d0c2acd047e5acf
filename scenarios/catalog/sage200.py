"""Sage 200 failure modes (FM-SG*) the orders and stock flows can carry.

FM-SG04 gives the builtin connector a tax-code table (``erp_settings`` ``tax_codes``, which
maps 5 % to the standard code by mistake) and changes Magento's tax rate between orders (the
Magento fake has one store-wide rate and no event for it, so the scenario sets its option: see
the report): 20 % orders are booked right, 5 % orders are booked at 20 % (a totals variance to
report), 17.5 % orders have no Sage code (to hold). FM-SG05 amends an exported order in Sage
(``amend_order``: a quantity cut, a price change) and expects an ``erp_amendment`` alert; the
change flowing back into Magento needs an ERP -> Magento order flow, which does not exist yet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scenarios.catalog import scenario
from scenarios.context import Ctx
from scenarios.views import decimal as to_decimal
from scenarios.views import magento_orders, magento_stock
from scenarios.world import default_profile

HOLDINGS_PATH = r"^/uk/sage200(extra)?/accounts/v1/warehouse_holdings/?$"
STALE_AGE_S = 6 * 3600
GHOST_EMAIL = "ghost.buyer@example.com"
GHOST_ACCOUNT = "GHOST01"
WALK_IN_EMAIL = "walk.in@example.com"
DEFAULT_ACCOUNT = "CUST0001"


def _held_reasons(ctx: Ctx, order: dict[str, Any]) -> list[str] | None:
    held = ctx.held(int(order["entity_id"]))
    return None if held is None else [str(q["reason"]) for q in held]


# -- FM-SG01 --------------------------------------------------------------------------------------
@scenario(
    "FM-SG01",
    "Missing endpoint coverage",
    ("sage200",),
    harm="orders are exported while stock cannot be read: the integration half-runs on a "
    "Sage 200 site that lacks an endpoint a flow needs",
    invariant="the connector refuses to run, naming the missing endpoint; nothing is written "
    "to Sage; every order is set aside with that reason",
    erp_options={"unavailable_endpoints": ["warehouse_holdings"]},
)
def missing_endpoint(ctx: Ctx) -> list[str]:
    placed = ctx.place(4, poison=True)  # poison: must be held back while the site lacks it
    ctx.cycles(10)
    evidence = ctx.judge_orders()
    for order in placed:
        reasons = _held_reasons(ctx, order)
        if reasons is None:
            break
        if not any("warehouse_holdings" in reason for reason in reasons):
            evidence.append(
                f"order {order['increment_id']} was not set aside with a reason naming the "
                f"missing endpoint GET warehouse_holdings (reasons: {reasons})"
            )
    return evidence


# -- FM-SG02 --------------------------------------------------------------------------------------
@scenario(
    "FM-SG02",
    "Stale stock exports",
    ("sage200",),
    harm="a stock export hours old is copied over newer figures: Magento goes back to stock "
    "Sage no longer has",
    invariant="a value older than the one applied is never written (versions from "
    "date_time_updated); Magento ends on Sage's newest figures",
)
def stale_stock(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    sku = ctx.world.magento.ctx.dataset.products[0].sku
    home = ctx.world.profile["locations"]["default"]
    ctx.cycles(2, step_s=300)
    erp.add_fault(
        {
            "id": "stale-export",
            "target": {"method": "GET", "path": HOLDINGS_PATH},
            "effect": {"kind": "vendor", "name": "stale_stock", "params": {"age_s": STALE_AGE_S}},
            # the export is taken at the first read; later reads alternate with fresh ones
            "trigger": {"calls": list(range(1, 400, 2))},
        }
    )
    ctx.cycles(1, step_s=300)
    before = _magento_qty(ctx, sku)
    ctx.support.set_stock(erp, sku, home, int(before) + 37)
    evidence = _watch_for_regressions(ctx, sku)
    fault = erp.faults.get("stale-export")
    ctx.metrics["stale_reads"] = fault.hits if fault else 0
    erp.clear_faults("stale-export")
    ctx.cycles(3, step_s=300)
    return evidence + ctx.judge_stock()


def _magento_qty(ctx: Ctx, sku: str) -> Decimal:
    return magento_stock(ctx.world.magento.state()).get((sku, "default"), Decimal(0))


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _watch_for_regressions(ctx: Ctx, sku: str) -> list[str]:
    """After Sage's figure changed, Magento may move to it but never away from it again."""
    newest: Decimal | None = None
    baseline = _magento_qty(ctx, sku)
    for _ in range(8):
        ctx.cycles(1, step_s=300)
        qty = _magento_qty(ctx, sku)
        if newest is None and qty != baseline:
            newest = qty
        elif newest is not None and qty != newest:
            return [
                f"stock {sku} @ default went back from {_num(newest)} to {_num(qty)} when Sage "
                f"served a {STALE_AGE_S // 3600} h old export: stale figures applied over "
                f"newer ones"
            ]
    if newest is None:
        return [f"stock {sku} @ default never took Sage's new figure"]
    return []


# -- FM-SG03 --------------------------------------------------------------------------------------
def _sg03_profile() -> dict[str, Any]:
    profile = default_profile("sage200")
    profile["accounts"] = {GHOST_EMAIL: GHOST_ACCOUNT}  # Sage has no GHOST01
    profile["default_customer"] = DEFAULT_ACCOUNT
    return profile


@scenario(
    "FM-SG03",
    "Account-code mismatch",
    ("sage200",),
    harm="an order whose customer maps to no Sage account lands on some other account",
    invariant="an order mapped to a missing account is held with a reason naming it (no "
    "fallback); every exported order is on its own account, or the default account by policy",
    profile=_sg03_profile(),
)
def account_mismatch(ctx: Ctx) -> list[str]:
    ghosts = ctx.place(2, poison=True, customer_email=GHOST_EMAIL)
    ctx.place(2, customer_email=WALK_IN_EMAIL)  # no Sage contact: the default account
    ctx.place(4)
    ctx.cycles(10)
    evidence = ctx.judge_orders() + _wrong_accounts(ctx)
    for order in ghosts:
        reasons = _held_reasons(ctx, order)
        if reasons is not None and not any(GHOST_ACCOUNT in reason for reason in reasons):
            evidence.append(
                f"order {order['increment_id']} was not held with a reason naming Sage "
                f"account {GHOST_ACCOUNT} (reasons: {reasons})"
            )
    return evidence


def _expected_account(ctx: Ctx, email: str) -> str:
    accounts: dict[str, str] = ctx.world.profile.get("accounts", {})
    if email in accounts:
        return accounts[email]
    for person in ctx.world.magento.ctx.dataset.customers:
        if person.email == email:
            return f"CUST{person.id:04d}"
    return DEFAULT_ACCOUNT


def _wrong_accounts(ctx: Ctx) -> list[str]:
    magento = ctx.world.magento.state()
    emails = {int(o["entity_id"]): str(o.get("customer_email")) for o in magento["orders"]}
    by_ref: dict[str, tuple[str, str]] = {}
    for order in magento_orders(magento):
        if order.entity_id in ctx.excluded:
            continue  # must be held back: judge_orders says so if it is not
        for ref in (*order.references(), order.increment_id):
            by_ref.setdefault(ref, (order.label, emails[order.entity_id]))
    evidence = []
    for raw in ctx.world.erp_fake.state().get("sop_orders", []):
        owner = by_ref.get(str(raw.get("customer_document_no")))
        if owner is None:
            continue
        label, email = owner
        expected, actual = _expected_account(ctx, email), raw.get("customer_reference")
        if actual != expected:
            evidence.append(
                f"order {label} ({email}) is on Sage account {actual}, expected {expected}"
            )
    return evidence


# -- FM-SG04 --------------------------------------------------------------------------------------
TAX_CODES = '{"20": "1", "5": "1", "0": "2"}'  # 5 % -> the standard code: a mapping mistake
UNMAPPED_RATE = 17.5


def _set_magento_rate(ctx: Ctx, rate: float) -> None:
    """The merchant changes the store's tax rate (no control-plane event for it yet)."""
    ctx.world.magento.backend.options["tax_rate"] = rate  # type: ignore[attr-defined]


def _tax_evidence(ctx: Ctx) -> list[str]:
    """Sage orders whose tax differs from what Magento charged, unless an alert names them."""
    alerts = ctx.connector.alerts()
    flagged = [str(a["message"]) for a in alerts or [] if a["kind"] == "tax_variance"]
    magento = {str(o["increment_id"]): o for o in ctx.world.magento.state()["orders"]}
    evidence = []
    for row in ctx.world.erp_fake.state().get("sop_orders", []):
        increment = str(row.get("customer_document_no") or "").rsplit("-", 1)[-1]
        order = magento.get(increment)
        if order is None:
            continue
        charged = sum(
            (
                to_decimal(i.get("tax_amount"))
                for i in order["items"]
                if not i.get("parent_item_id")
            ),
            Decimal(0),
        )
        booked = to_decimal(row.get("total_tax_value"))
        if abs(booked - charged) > Decimal("0.01") * len(order["items"]):
            if any(increment in message for message in flagged):
                continue
            rate = order["items"][0].get("tax_percent")
            evidence.append(
                f"order {increment}: Magento charged tax {charged} at {rate}% but Sage booked "
                f"{booked} ({row.get('document_no')}), and "
                + ("the connector has no alerting" if alerts is None else "no alert names it")
            )
    return evidence


@scenario(
    "FM-SG04",
    "Tax-code mismatch",
    ("sage200",),
    harm="orders are booked in Sage at a tax code that is not the rate Magento charged (a rate "
    "with no Sage code falls to the default code; a wrongly mapped rate books wrong tax), and "
    "nobody sees the VAT difference",
    invariant="an order whose tax rate has no Sage tax code is held with a reason naming the "
    "order, the line and the rate; every order whose Sage totals differ from Magento's is "
    "reported (tax_variance alert naming it)",
    erp_settings={"tax_codes": TAX_CODES},
)
def tax_code_mismatch(ctx: Ctx) -> list[str]:
    ctx.place(2)
    _set_magento_rate(ctx, 5.0)
    ctx.place(2)
    _set_magento_rate(ctx, UNMAPPED_RATE)
    unmapped = ctx.place(2, poison=True)  # no Sage tax code: must be held
    _set_magento_rate(ctx, 20.0)
    ctx.cycles(12, step_s=300)
    evidence = ctx.judge_orders() + _tax_evidence(ctx)
    ctx.metrics["tax_variance_alerts"] = [
        a["message"] for a in ctx.connector.alerts() or [] if a["kind"] == "tax_variance"
    ]
    for order in unmapped:
        reasons = _held_reasons(ctx, order)
        if reasons is None:
            break
        if not any("tax" in r and f"{UNMAPPED_RATE}%" in r for r in reasons):
            evidence.append(
                f"order {order['increment_id']} was not held with a reason naming its "
                f"{UNMAPPED_RATE}% tax rate (reasons: {reasons})"
            )
    return evidence


# -- FM-SG05 --------------------------------------------------------------------------------------
def _sage_row(ctx: Ctx, increment: str) -> dict[str, Any] | None:
    for row in ctx.world.erp_fake.state().get("sop_orders", []):
        if str(row.get("customer_document_no") or "").rsplit("-", 1)[-1] == increment:
            return dict(row)
    return None


@scenario(
    "FM-SG05",
    "Manual amendments do not flow back",
    ("sage200",),
    harm="an operator edits an exported order in Sage (quantity cut, price changed); Magento "
    "and the customer never hear of it",
    invariant="the ERP-side change is detected and surfaced: an erp_amendment alert names "
    "every amended order",
)
def manual_amendments(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    ctx.place(4)
    ctx.cycles(5)
    amended: dict[str, str] = {}
    for (order_id, increment), change in zip(
        ctx.judge_refs()[:2], ("quantity", "price"), strict=False
    ):
        row = _sage_row(ctx, increment)
        if row is None or not row.get("lines"):
            continue
        line = row["lines"][0]
        edit: dict[str, Any] = {"id": line["id"]}
        if change == "quantity":
            edit["line_quantity"] = float(line["line_quantity"]) + 1
        else:
            edit["selling_unit_price"] = float(line["selling_unit_price"]) + 1
        erp.event("amend_order", id=int(order_id), changes={"lines": [edit]})
        amended[increment] = f"line 1 {change} of Sage order {row.get('document_no')}"
    if len(amended) < 2:
        return [f"only {len(amended)} of 4 orders reached Sage to be amended"]
    ctx.cycles(15, step_s=600)
    alerts = ctx.connector.alerts()
    flagged = [str(a["message"]) for a in alerts or [] if a["kind"] == "erp_amendment"]
    ctx.metrics["erp_amendment_alerts"] = flagged
    return [
        f"order {increment}: an operator changed {what} in Sage and "
        + ("the connector has no alerting" if alerts is None else "no erp_amendment alert names it")
        for increment, what in amended.items()
        if not any(increment in message for message in flagged)
    ]
