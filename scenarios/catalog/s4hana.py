"""SAP S/4HANA failure modes (FM-S01, FM-S02, FM-S04 of the catalog, on S/4HANA).

Registered as ``FM-S01-S4``, ``FM-S02-S4`` and ``FM-S04-S4`` so they do not clash with the
SAP Business One scripts that own ``FM-S01``.. in :mod:`scenarios.catalog.sap`; they are to
be merged into those ids (one id, several ERPs) later.
"""

from __future__ import annotations

from typing import Any

from scenarios.catalog import scenario
from scenarios.context import Ctx

UNMAPPED_LOCATION = "1010/0009"  # a storage location no Magento source maps to


@scenario(
    "FM-S01-S4",
    "Duplicate order submission",
    ("s4hana",),
    harm="a retried POST after a lost answer, or a redelivered order event, creates a second "
    "sales order (S/4HANA does not refuse a repeated PurchaseOrderByCustomer)",
    invariant="one sales order per Magento order (binding plus lookup on "
    "PurchaseOrderByCustomer before every create)",
)
def duplicate_submission(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    for n, (method, path) in enumerate(ctx.support.order_writes):
        erp.add_fault(
            {
                "id": f"lost-answers-{n}",
                "target": {"method": method, "path": path},
                "effect": {"kind": "lose_response", "after": "reset"},
                "trigger": {"calls": [1, 2, 5]},
            }
        )
    ctx.place(4)
    ctx.cycles(3)
    for order in list(ctx.placed):  # the storefront emits every order again (redelivery)
        ctx.world.magento.event("touch_order", entity_id=order["entity_id"])
    ctx.place(2)
    ctx.cycles(15)
    ctx.metrics["answers_lost"] = sum(f.hits for f in erp.faults.active())
    return ctx.judge_orders()


@scenario(
    "FM-S02-S4",
    "Failed business-partner lookup",
    ("s4hana",),
    harm="an order whose customer has no business partner is dropped, or booked on "
    "whatever sold-to party comes first",
    invariant="the order is held with a reason naming the order and the customer; every "
    "other order still flows; nothing is booked on a wrong sold-to party",
)
def no_business_partner(ctx: Ctx) -> list[str]:
    ctx.place(2)
    strangers = [
        ctx.place(1, poison=True, customer_email=f"walk-in-{n}@example.net")[0] for n in range(2)
    ]
    ctx.place(2)
    ctx.cycles(10)
    evidence = ctx.judge_orders()
    held = ctx.connector.quarantined()
    if held is not None:
        evidence += _unheld(strangers, held)
    return evidence


def _unheld(orders: list[dict[str, Any]], held: list[dict[str, Any]]) -> list[str]:
    evidence = []
    for order in orders:
        key = f"magento-order:{order['entity_id']}"
        reasons = [str(q["reason"]) for q in held if q["entity"] == key]
        if not reasons:
            evidence.append(
                f"order {order['increment_id']} (no business partner) was not held with a reason"
            )
        elif order["increment_id"] not in reasons[0] or "customer_email" not in reasons[0]:
            evidence.append(
                f"hold reason for {order['increment_id']} does not name the order and the "
                f"customer: {reasons[0]!r}"
            )
    return evidence


@scenario(
    "FM-S04-S4",
    "Warehouse-code mismatch",
    ("s4hana",),
    harm="stock of every plant and storage location lands in one Magento source, including "
    "stock at a storage location no source maps to",
    invariant="stock per Material x PLANT/SLOC reaches the mapped source only; an unmapped "
    "storage location is reported, never written",
)
def plant_mismatch(ctx: Ctx) -> list[str]:
    erp = ctx.world.erp_fake
    locations = list(ctx.world.profile["locations"].values())
    for n, product in enumerate(ctx.world.magento.ctx.dataset.products[:4]):
        for k, location in enumerate(locations):
            ctx.support.set_stock(erp, product.sku, location, 10 + 30 * k + n)
        ctx.support.set_stock(erp, product.sku, UNMAPPED_LOCATION, 500 + n)
    ctx.cycles(4, step_s=300)
    product = ctx.world.magento.ctx.dataset.products[0]
    ctx.support.set_stock(erp, product.sku, locations[0], 3)  # a later move at one place
    ctx.cycles(4, step_s=300)
    return ctx.judge_stock()
