"""SAP price and finance failure modes on Business One and S/4HANA: FM-S03 (price-list
mismatch) and FM-S06 (finance-document reconciliation).

ERP specifics come from hooks of the ERP's harness module (:mod:`scenarios.erps.sap_b1`,
:mod:`scenarios.erps.s4hana`): ``account_email``, ``account_price``, ``line_prices``,
``bill`` and ``credit``. Evidence is the connector's alerts (``price_variance``,
``finance_mismatch``) and the ERP order's prices; a connector that cannot say what it raised
(the naive script) shows the harm as the disagreement nobody reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from scenarios.catalog import scenario
from scenarios.catalog.sap import required_hook
from scenarios.context import Ctx

SAP = ("sap-b1", "s4hana")
REPRICED = 2  # products whose ERP price differs from Magento's
FAST = {"policies": {"reconcile_s": 300.0}}


def _alerts(ctx: Ctx, kind: str) -> list[str] | None:
    raised = ctx.connector.alerts()
    if raised is None:
        return None
    return [str(a["message"]) for a in raised if a["kind"] == kind]


def _erp_id(ctx: Ctx, increment: str) -> str | None:
    return next((erp for erp, inc in ctx.judge_refs() if inc == increment), None)


@scenario(
    "FM-S03",
    "Price-list mismatch",
    SAP,
    harm="Magento charged a price that differs from the ERP price list for the account; the "
    "order is booked at one price or the other and nobody hears of the variance",
    invariant="every line whose Magento price differs from the ERP's price for the account is "
    "reported (order and line) and the configured policy applies (here: Magento's price)",
    erp_settings={"price_policy": "magento"},
)
def price_list_mismatch(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    products = ctx.world.magento.ctx.dataset.products[:4]
    items = ctx.world.profile.get("items", {})
    email = required_hook(ctx, "account_email")(erp)
    repriced = {p.sku: Decimal(str(p.price)) + Decimal("7.50") for p in products[:REPRICED]}
    for sku, price in repriced.items():
        required_hook(ctx, "account_price")(erp, email, items.get(sku, sku), price)
    lines = [{"sku": p.sku, "qty": 1} for p in products]
    fields: dict[str, Any] = {"customer_email": email} if email else {}
    placed = ctx.place(2, lines=lines, **fields)
    ctx.cycles(8, step_s=120)
    evidence = ctx.judge_orders()
    reported = _alerts(ctx, "price_variance")
    for order in placed:
        increment = str(order["increment_id"])
        if reported is None:
            evidence.append(
                f"order {increment}: {REPRICED} line(s) priced unlike {ctx.world.erp} were "
                "exported with no price variance reported"
            )
            continue
        for sku in repriced:
            if not any(increment in m and sku in m for m in reported):
                evidence.append(f"order {increment} {sku}: price variance not reported")
        for product in products[REPRICED:]:
            if any(increment in m and product.sku in m for m in reported):
                evidence.append(f"order {increment} {product.sku}: variance reported wrongly")
        evidence += _magento_prices(ctx, increment, products)
    return evidence


def _magento_prices(ctx: Ctx, increment: str, products: Sequence[Any]) -> list[str]:
    """Policy ``magento``: the ERP order carries Magento's price on every line."""
    order_id = _erp_id(ctx, increment)
    if order_id is None:
        return []
    items = ctx.world.profile.get("items", {})
    prices = required_hook(ctx, "line_prices")(ctx.world.erp_fake, order_id)
    evidence = []
    for product in products:
        have = prices.get(items.get(product.sku, product.sku))
        want = Decimal(str(product.price))
        if have is not None and abs(have - want) > Decimal("0.005"):
            evidence.append(
                f"order {increment} {product.sku}: {ctx.world.erp} price {have}, "
                f"Magento charged {want} (policy magento)"
            )
    return evidence


@scenario(
    "FM-S06",
    "Finance-document reconciliation",
    SAP,
    harm="the ERP invoices an order for another total, or credits it, and Magento's invoices "
    "and credit memos silently disagree with the ledger",
    invariant="reconciliation compares invoiced and credited totals per exported order and "
    "raises a finance_mismatch naming the order and both totals; agreeing orders raise none",
    **FAST,
)
def finance_reconciliation(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    agreed, overbilled, credited = ctx.place(3)
    ctx.cycles(4)
    evidence = ctx.judge_orders()
    ids = {str(o["increment_id"]): _erp_id(ctx, str(o["increment_id"])) for o in ctx.placed}
    if any(v is None for v in ids.values()):
        return evidence + [f"orders not exported, cannot strike: {ids}"]
    required_hook(ctx, "bill")(erp, ids[str(agreed["increment_id"])])
    required_hook(ctx, "bill")(erp, ids[str(overbilled["increment_id"])], Decimal("1.1"))
    required_hook(ctx, "credit")(erp, ids[str(credited["increment_id"])])
    ctx.cycles(6, step_s=120)
    reported = _alerts(ctx, "finance_mismatch")
    if reported is None:
        return evidence + [
            f"orders {overbilled['increment_id']} (billed for another total) and "
            f"{credited['increment_id']} (credited in {ctx.world.erp}) disagree with "
            "Magento, and no reconciliation reported it"
        ]
    for order in (overbilled, credited):
        if not any(str(order["increment_id"]) in m for m in reported):
            evidence.append(f"order {order['increment_id']}: no finance_mismatch raised")
    if any(str(agreed["increment_id"]) in m for m in reported):
        evidence.append(f"order {agreed['increment_id']}: finance_mismatch raised, totals agree")
    return evidence
