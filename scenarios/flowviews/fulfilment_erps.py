"""Fulfilment views of NetSuite (``fulfill_lines``: an item fulfilment whose lines leave from
named locations, with a package per tracking number), Business Central
(``ship_from_locations``: lines moved to the location they leave from, then a posted Sales
Shipment; API v2.0 carries no tracking number), Sage 200 (``amend_order`` moves a line
to the warehouse it will leave from, then ``despatch`` with a consignment number) and the
legacy ERP
(``ship_from_warehouses``: one shipment, each line picked from a named warehouse, with a
tracking number)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scenarios.context import Ctx
from scenarios.erps.business_central import of_record
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


# -- NetSuite ------------------------------------------------------------------------------------
def _ns_increment(order: dict[str, Any]) -> str:
    return increment(str(order.get("externalId") or order.get("otherRefNum") or ""))


def netsuite_deliver(
    ctx: Ctx, placed: dict[str, Any], lines: Lines, tracking: str | None = None
) -> None:
    state = ctx.world.erp_fake.state()
    order = next(o for o in state["salesOrders"] if _ns_increment(o) == placed["increment_id"])
    ids = {str(i["itemId"]): str(i["id"]) for i in state["inventoryItems"]}
    spec = []
    for sku, qty, source in lines:
        line = next(x for x in order["item"] if str(x["item"]["id"]) == ids[sku])
        spec.append({"line": line["line"], "quantity": qty, "location": location(ctx, source)})
    ctx.world.erp_fake.event(
        "fulfill_lines", id=order["id"], lines=spec, tracking=[tracking] if tracking else []
    )


def _ns_orders(state: dict[str, Any]) -> dict[str, str]:
    return {str(o["id"]): _ns_increment(o) for o in state["salesOrders"]}


def netsuite_delivered(ctx: Ctx) -> dict[Key, Decimal]:
    state = ctx.world.erp_fake.state()
    codes = {str(i["id"]): str(i["itemId"]) for i in state["inventoryItems"]}
    orders = _ns_orders(state)
    found: dict[Key, Decimal] = {}
    for shipment in state["itemFulfillments"]:
        ref = orders.get(str(shipment["createdFrom"]["id"]), "?")
        for line in shipment["item"]:
            where = source_of(ctx, str(line["location"]["id"]))
            add(found, (ref, codes.get(str(line["item"]["id"]), "?"), where), line["quantity"])
    return found


def netsuite_tracked(ctx: Ctx) -> dict[str, set[str]]:
    state = ctx.world.erp_fake.state()
    orders = _ns_orders(state)
    found: dict[str, set[str]] = {}
    for shipment in state["itemFulfillments"]:
        ref = orders.get(str(shipment["createdFrom"]["id"]), "?")
        for package in shipment.get("package") or []:
            if package.get("packageTrackingNumber"):
                found.setdefault(ref, set()).add(str(package["packageTrackingNumber"]))
    return found


# -- Business Central ----------------------------------------------------------------------------
def _bc(ctx: Ctx) -> dict[str, Any]:
    return of_record(ctx.world.erp_fake.state())


def bc_deliver(ctx: Ctx, placed: dict[str, Any], lines: Lines, tracking: str | None = None) -> None:
    order = next(
        o
        for o in _bc(ctx)["salesOrders"]
        if increment(str(o.get("externalDocumentNumber") or "")) == placed["increment_id"]
    )
    spec = []
    for sku, qty, source in lines:
        line = next(x for x in order["salesOrderLines"] if x["lineObjectNumber"] == sku)
        spec.append(
            {"sequence": line["sequence"], "quantity": qty, "location_code": location(ctx, source)}
        )
    ctx.world.erp_fake.event("ship_from_locations", number=order["number"], lines=spec)


def bc_delivered(ctx: Ctx) -> dict[Key, Decimal]:
    found: dict[Key, Decimal] = {}
    for shipment in _bc(ctx)["salesShipments"]:
        ref = increment(str(shipment.get("externalDocumentNumber") or ""))
        for line in shipment["salesShipmentLines"]:
            if line.get("lineType") != "Item":
                continue
            where = source_of(ctx, str(line.get("locationCode") or ""))
            add(found, (ref, str(line["lineObjectNumber"]), where), line["quantity"])
    return found


# -- Sage 200 ------------------------------------------------------------------------------------
def sage_deliver(
    ctx: Ctx, placed: dict[str, Any], lines: Lines, tracking: str | None = None
) -> None:
    state = ctx.world.erp_fake.state()
    order = next(
        o
        for o in state["sop_orders"]
        if increment(str(o.get("customer_document_no") or "")) == placed["increment_id"]
        and o.get("document_status") != "Cancelled"
    )
    sites = {str(w["name"]): int(w["id"]) for w in state["warehouses"]}
    moves, picks = [], []
    for sku, qty, source in lines:
        line = next(x for x in order["lines"] if x["code"] == sku)
        site = sites[location(ctx, source)]
        if int(line["warehouse_id"]) != site:
            moves.append({"id": line["id"], "warehouse_id": site})
        picks.append({"line_id": line["id"], "quantity": qty})
    if moves:  # the warehouse picks from another site: the line is moved there first
        ctx.world.erp_fake.event("amend_order", id=order["id"], changes={"lines": moves})
    ctx.world.erp_fake.event("despatch", id=order["id"], lines=picks, consignment_no=tracking)


def _sage_orders(state: dict[str, Any]) -> dict[int, str]:
    return {
        int(o["id"]): increment(str(o.get("customer_document_no") or ""))
        for o in state["sop_orders"]
    }


def sage_delivered(ctx: Ctx) -> dict[Key, Decimal]:
    state = ctx.world.erp_fake.state()
    orders = _sage_orders(state)
    found: dict[Key, Decimal] = {}
    for record in state["despatches"]:
        ref = orders.get(int(record["sop_order_id"]), "?")
        for line in record["lines"]:
            where = source_of(ctx, str(line["warehouse_name"]))
            add(found, (ref, str(line["product_code"]), where), line["quantity"])
    return found


def sage_tracked(ctx: Ctx) -> dict[str, set[str]]:
    state = ctx.world.erp_fake.state()
    orders = _sage_orders(state)
    found: dict[str, set[str]] = {}
    for record in state["despatches"]:
        if record.get("consignment_no"):
            ref = orders.get(int(record["sop_order_id"]), "?")
            found.setdefault(ref, set()).add(str(record["consignment_no"]))
    return found


# -- legacy --------------------------------------------------------------------------------------
def _legacy_order(ctx: Ctx, placed: dict[str, Any]) -> dict[str, Any]:
    return next(
        o
        for o in ctx.world.erp_fake.state()["orders"]
        if increment(str(o["order_ref"])) == placed["increment_id"] and o["status"] != "cancelled"
    )


def legacy_deliver(
    ctx: Ctx, placed: dict[str, Any], lines: Lines, tracking: str | None = None
) -> None:
    order = _legacy_order(ctx, placed)
    picks = []
    for sku, qty, source in lines:
        line = next(x for x in order["lines"] if x["sku"] == sku)
        picks.append(
            {"line_no": line["line_no"], "quantity": qty, "warehouse": location(ctx, source)}
        )
    ctx.world.erp_fake.event(
        "ship_from_warehouses", erp_order_no=order["erp_order_no"], lines=picks, tracking=tracking
    )


def legacy_delivered(ctx: Ctx) -> dict[Key, Decimal]:
    found: dict[Key, Decimal] = {}
    for shipment in ctx.world.erp_fake.state()["shipments"]:
        ref = increment(str(shipment["order_ref"]))
        for line in shipment["lines"]:
            add(found, (ref, str(line["sku"]), source_of(ctx, line["warehouse"])), line["quantity"])
    return found


def legacy_tracked(ctx: Ctx) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for shipment in ctx.world.erp_fake.state()["shipments"]:
        if shipment.get("tracking"):
            found.setdefault(increment(str(shipment["order_ref"])), set()).add(
                str(shipment["tracking"])
            )
    return found


register("netsuite", FulfilmentView(netsuite_deliver, netsuite_delivered, netsuite_tracked))
register("business-central", FulfilmentView(bc_deliver, bc_delivered, no_tracking))
register("sage200", FulfilmentView(sage_deliver, sage_delivered, sage_tracked))
register("legacy", FulfilmentView(legacy_deliver, legacy_delivered, legacy_tracked))
