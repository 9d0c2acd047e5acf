"""Fulfilment views of SAP Business One (``DeliveryNotes`` copied from ``Orders``) and S/4HANA
(outbound deliveries with goods issue posted). Neither delivery carries a tracking number the
fakes' ``deliver`` events set, so ``tracking`` is not used here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scenarios.context import Ctx
from scenarios.flowviews.fulfilment import (
    FulfilmentView,
    Key,
    Lines,
    add,
    increment,
    location,
    no_tracking,
    register,
    source_of,
)


# -- SAP Business One ----------------------------------------------------------------------------
def b1_deliver(ctx: Ctx, placed: dict[str, Any], lines: Lines, tracking: str | None = None) -> None:
    """Deliver ``(sku, qty, Magento source)`` of the B1 order for ``placed`` in one note."""
    state = ctx.world.erp_fake.state()
    order = next(
        o
        for o in state["Orders"]
        if increment(str(o.get("NumAtCard") or "")) == placed["increment_id"]
    )
    spec = []
    for sku, qty, source in lines:
        line = next(x for x in order["DocumentLines"] if x["ItemCode"] == sku)
        spec.append(
            {"line_num": line["LineNum"], "quantity": qty, "warehouse": location(ctx, source)}
        )
    ctx.world.erp_fake.event("deliver", doc_entry=order["DocEntry"], lines=spec)


def b1_delivered(ctx: Ctx) -> dict[Key, Decimal]:
    state = ctx.world.erp_fake.state()
    refs = {int(o["DocEntry"]): str(o.get("NumAtCard") or "") for o in state["Orders"]}
    found: dict[Key, Decimal] = {}
    for note in state["DeliveryNotes"]:
        if note.get("Cancelled") == "tYES":
            continue
        for line in note["DocumentLines"]:
            if line.get("BaseType") != 17:
                continue
            ref = refs.get(int(line["BaseEntry"]), "")
            key = (increment(ref), str(line["ItemCode"]), source_of(ctx, line["WarehouseCode"]))
            add(found, key, line["Quantity"])
    return found


# -- S/4HANA -------------------------------------------------------------------------------------
def s4_deliver(ctx: Ctx, placed: dict[str, Any], lines: Lines, tracking: str | None = None) -> None:
    """Deliver ``(sku, qty, Magento source)`` of the sales order for ``placed``, goods issued."""
    state = ctx.world.erp_fake.state()
    order = next(
        o
        for o in state["salesOrders"]
        if increment(str(o.get("PurchaseOrderByCustomer") or "")) == placed["increment_id"]
    )
    items = []
    for sku, qty, source in lines:
        item = next(i for i in order["items"] if i["Material"] == sku)
        plant, _, sloc = location(ctx, source).partition("/")
        items.append(
            {
                "item": item["SalesOrderItem"],
                "quantity": str(qty),
                "plant": plant,
                "storage_location": sloc,
            }
        )
    ctx.world.erp_fake.event("deliver", sales_order=order["SalesOrder"], items=items)


def s4_delivered(ctx: Ctx) -> dict[Key, Decimal]:
    state = ctx.world.erp_fake.state()
    refs = {
        str(o["SalesOrder"]): str(o.get("PurchaseOrderByCustomer") or "")
        for o in state["salesOrders"]
    }
    found: dict[Key, Decimal] = {}
    for delivery in state["deliveries"]:
        if delivery.get("OverallGoodsMovementStatus") != "C":
            continue
        for item in delivery.get("items") or []:
            ref = refs.get(str(item["ReferenceSDDocument"]), "")
            where = f"{item['Plant']}/{item['StorageLocation']}"
            key = (increment(ref), str(item["Material"]), source_of(ctx, where))
            add(found, key, item["ActualDeliveryQuantity"])
    return found


register("sap-b1", FulfilmentView(b1_deliver, b1_delivered, no_tracking))
register("s4hana", FulfilmentView(s4_deliver, s4_delivered, no_tracking))
