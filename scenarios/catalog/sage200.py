"""Sage 200 failure modes (FM-SG*) the orders and stock flows can carry.

Not here, and why:
* FM-SG04 (tax-code mismatch): the mapping profile has no tax-class -> tax-code table and the
  canonical order carries no tax or shipping amounts, so neither a mapping check nor a
  per-order totals variance can be made; it needs a tax mapping and a reconciliation flow.
* FM-SG05 (manual amendments do not flow back): seeing an operator's edit in Sage needs an
  ERP -> Magento order change-detection flow (``sop_orders`` by ``date_time_updated``); the
  orders flow only exports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scenarios.catalog import scenario
from scenarios.context import Ctx
from scenarios.views import magento_orders, magento_stock
from scenarios.world import default_profile

HOLDINGS_PATH = r"^/uk/sage200(extra)?/accounts/v1/warehouse_holdings/?$"
STALE_AGE_S = 6 * 3600
GHOST_EMAIL = "ghost.buyer@example.com"
GHOST_ACCOUNT = "GHOST01"
WALK_IN_EMAIL = "walk.in@example.com"
DEFAULT_ACCOUNT = "CUST0001"


def _held_reasons(ctx: Ctx, order: dict[str, Any]) -> list[str] | None:
    held = ctx.connector.quarantined()
    if held is None:
        return None
    key = f"magento-order:{order['entity_id']}"
    return [q["reason"] for q in held if q["entity"] == key]


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
