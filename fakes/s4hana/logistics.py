"""Outbound deliveries (API_OUTBOUND_DELIVERY_SRV;v=0002) and goods issue.

A delivery references sales order items (``ReferenceSDDocument``/``ReferenceSDDocumentItem``)
for partial quantities from a plant and storage location. Creating it updates the order's
delivery status (A/B/C, as SD does when the delivery is saved); ``PostGoodsIssue`` checks and
reduces unrestricted stock, completes picking and goods movement and stamps the order. An
order with a delivery block or a failed credit check cannot be delivered (FM-T03).

Delivery items are numbered ``000010``, ``000020``, ... and ``ReferenceSDDocumentItem`` carries
the order item zero-padded, as the delivery API renders NUMC fields; inputs accept either.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.s4hana import billing, products, sales
from fakes.s4hana.errors import business
from fakes.s4hana.odata.payload import EntityInput

if TYPE_CHECKING:
    from fakes.s4hana.state import S4Backend, Written

Record = dict[str, Any]
HEADER, ITEM = "A_OutbDeliveryHeader", "A_OutbDeliveryItem"


@dataclass
class Line:
    order: Record
    item: Record
    quantity: Decimal
    plant: str
    sloc: str


def padded(item: str | int) -> str:
    return str(int(item)).zfill(6)


def order_item(b: S4Backend, sales_order: str, item: Any) -> tuple[Record, Record]:
    order = b.get(sales.ORDER, {"SalesOrder": sales_order})
    number = str(int(item)) if str(item).strip().isdigit() else str(item)
    found = b.tables[sales.ITEM].find(SalesOrder=sales_order, SalesOrderItem=number)
    if found is None:
        raise business(
            "item_missing",
            f"Item {item} does not exist in sales order {sales_order}",
            "ReferenceSDDocumentItem",
        )
    return order, found


def _line(b: S4Backend, sales_order: str, item: Any, quantity: Any, plant: Any, sloc: Any) -> Line:
    order, record = order_item(b, sales_order, item)
    qty = sales.open_quantity(record) if quantity in (None, "") else Decimal(str(quantity))
    return Line(
        order,
        record,
        qty,
        str(plant or record["ProductionPlant"]),
        str(sloc or record.get("StorageLocation") or ""),
    )


# -- creation --------------------------------------------------------------------------------
def create_delivery(b: S4Backend, entity: EntityInput, user: str) -> Written:
    children = entity.children.get("to_DeliveryDocumentItem", [])
    if not children:
        raise business(
            "required",
            "Enter at least one item referencing a sales order item",
            "to_DeliveryDocumentItem",
        )
    lines = [
        _line(
            b,
            str(c.values.get("ReferenceSDDocument") or ""),
            c.values.get("ReferenceSDDocumentItem") or "",
            c.values.get("ActualDeliveryQuantity"),
            c.values.get("Plant"),
            c.values.get("StorageLocation"),
        )
        for c in children
    ]
    header = build(b, lines, b.updatable(HEADER, entity.values))
    return b.written(HEADER, header, [])


def deliver(b: S4Backend, sales_order: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Event ``deliver``: a delivery for ``items`` (all open items if empty), goods issued."""
    order = b.get(sales.ORDER, {"SalesOrder": sales_order})
    wanted = items or [
        {"item": i["SalesOrderItem"]}
        for i in sales.items_of(b, order)
        if not i.get("SalesDocumentRjcnReason") and sales.open_quantity(i) > 0
    ]
    lines = [
        _line(
            b,
            sales_order,
            w.get("item"),
            w.get("quantity"),
            w.get("plant"),
            w.get("storage_location"),
        )
        for w in wanted
    ]
    _check(b, lines)
    for ln in lines:
        ln.sloc = ln.sloc or _pick_location(b, ln.item["Material"], ln.plant, ln.quantity)
    _check_stock(b, [(ln.item["Material"], ln.plant, ln.sloc, ln.quantity) for ln in lines])
    header = build(b, lines, {})
    post_goods_issue(b, header["DeliveryDocument"])
    return {
        "delivery": header["DeliveryDocument"],
        "sales_order": sales_order,
        "items": [
            {"item": ln.item["SalesOrderItem"], "quantity": str(ln.quantity)} for ln in lines
        ],
    }


def _check(b: S4Backend, lines: list[Line]) -> None:
    if not lines:
        raise business("required", "Nothing to deliver", "to_DeliveryDocumentItem")
    if len({ln.order["SoldToParty"] for ln in lines}) > 1:
        raise business("required", "Items of different sold-to parties cannot share a delivery")
    taken: dict[tuple[str, str], Decimal] = {}
    for ln in lines:
        _check_order(ln.order)
        key = (ln.item["SalesOrder"], ln.item["SalesOrderItem"])
        taken[key] = taken.get(key, Decimal(0)) + ln.quantity
        _check_line(b, ln, taken[key])


def _check_order(order: Record) -> None:
    if order.get("DeliveryBlockReason"):
        raise business(
            "delivery_block",
            f"Sales order {order['SalesOrder']} has delivery block {order['DeliveryBlockReason']}",
        )
    if order.get("TotalCreditCheckStatus") == "B":
        raise business(
            "credit_block", f"Sales order {order['SalesOrder']} is blocked by credit management"
        )


def _check_line(b: S4Backend, ln: Line, total: Decimal) -> None:
    item = ln.item
    if item.get("SalesDocumentRjcnReason"):
        raise business(
            "item_missing",
            f"Item {item['SalesOrderItem']} of sales order {item['SalesOrder']} is rejected",
        )
    if ln.quantity <= 0 or total > sales.open_quantity(item):
        raise business(
            "over_delivery",
            f"Delivery quantity {total} exceeds the open quantity "
            f"{sales.open_quantity(item)} of item {item['SalesOrderItem']} "
            f"of sales order {item['SalesOrder']}",
            "ActualDeliveryQuantity",
        )
    products.require_plant(b, item["Material"], ln.plant, ln.sloc or None)


def build(b: S4Backend, lines: list[Line], values: dict[str, Any]) -> Record:
    _check(b, lines)
    first = lines[0].order
    header = _header(b, first, lines[0].plant, values)
    b.tables[HEADER].put(header)
    for index, ln in enumerate(lines):
        b.tables[ITEM].put(_item(b, header, ln, index))
        ln.item["_delivered"] = Decimal(ln.item["_delivered"]) + ln.quantity
    for order in {ln.order["SalesOrder"]: ln.order for ln in lines}.values():
        sales.touch(b, order)
    return header


def _header(b: S4Backend, order: Record, plant: str, values: dict[str, Any]) -> Record:
    now, today = b.now(), b.today()
    header = {
        "DeliveryDocumentType": "LF",
        "DocumentDate": today,
        "DeliveryDate": today,
        "PlannedGoodsIssueDate": today,
        "ShippingPoint": plant,
        "ShippingCondition": order.get("ShippingCondition", ""),
        **values,
    }
    header.update(
        {
            "DeliveryDocument": b.next_number("DeliveryDocument"),
            "CreationDate": today,
            "CreationTime": now.time().replace(microsecond=0, tzinfo=None),
            "LastChangeDate": today,
            "DeliveryVersion": "1",
            "SalesOrganization": order["SalesOrganization"],
            "SoldToParty": order["SoldToParty"],
            "ShipToParty": order["SoldToParty"],
            "OverallGoodsMovementStatus": "A",
            "OverallPickingStatus": "A",
            "OverallDelivReltdBillgStatus": "A",
            "HeaderWeightUnit": "KG",
        }
    )
    return header


def _item(b: S4Backend, header: Record, ln: Line, index: int) -> Record:
    item = ln.item
    product = products.require(b, item["Material"])
    return {
        "DeliveryDocument": header["DeliveryDocument"],
        "DeliveryDocumentItem": padded((index + 1) * 10),
        "DeliveryVersion": "1",
        "ActualDeliveryQuantity": ln.quantity,
        "OriginalDeliveryQuantity": ln.quantity,
        "ActualDeliveredQtyInBaseUnit": ln.quantity,
        "DeliveryQuantityUnit": item["RequestedQuantityUnit"],
        "BaseUnit": item["RequestedQuantityUnit"],
        "Material": item["Material"],
        "DeliveryDocumentItemText": item.get("SalesOrderItemText", ""),
        "DeliveryDocumentItemCategory": "TAN",
        "GoodsMovementType": "601",
        "GoodsMovementStatus": "A",
        "PickingStatus": "A",
        "Plant": ln.plant,
        "StorageLocation": ln.sloc,
        "ReferenceSDDocument": item["SalesOrder"],
        "ReferenceSDDocumentItem": padded(item["SalesOrderItem"]),
        "ReferenceSDDocumentCategory": "C",
        "DistributionChannel": ln.order["DistributionChannel"],
        "Division": ln.order["OrganizationDivision"],
        "CreationDate": header["CreationDate"],
        "CreationTime": header["CreationTime"],
        "InternationalArticleNumber": product.get("ProductStandardID", ""),
        "IsCompletelyDelivered": sales.open_quantity(item) - ln.quantity <= 0,
        "_billed": Decimal(0),
    }


# -- goods issue -----------------------------------------------------------------------------
def items_of(b: S4Backend, delivery: str) -> list[Record]:
    return b.tables[ITEM].where(DeliveryDocument=delivery)


def post_goods_issue(b: S4Backend, delivery: str) -> list[dict[str, Any]]:
    """``PostGoodsIssue``: all items leave stock at once, or none does (SAP's deficit error)."""
    header = b.get(HEADER, {"DeliveryDocument": delivery})
    if header["OverallGoodsMovementStatus"] == "C":
        raise business(
            "already_posted", f"Goods issue for delivery {delivery} has already been posted"
        )
    items = items_of(b, delivery)
    for item in items:
        item["StorageLocation"] = item["StorageLocation"] or _pick_location(
            b, item["Material"], item["Plant"], Decimal(item["ActualDeliveryQuantity"])
        )
    _check_stock(
        b,
        [
            (i["Material"], i["Plant"], i["StorageLocation"], Decimal(i["ActualDeliveryQuantity"]))
            for i in items
        ],
    )
    for item in items:
        products.issue(
            b,
            item["Material"],
            item["Plant"],
            item["StorageLocation"],
            Decimal(item["ActualDeliveryQuantity"]),
        )
        item.update({"GoodsMovementStatus": "C", "PickingStatus": "C"})
    now = b.now()
    header.update(
        {
            "OverallGoodsMovementStatus": "C",
            "OverallPickingStatus": "C",
            "ActualGoodsMovementDate": b.today(),
            "LastChangeDate": b.today(),
            "ActualGoodsMovementTime": now.time().replace(microsecond=0, tzinfo=None),
        }
    )
    _bump_version(b, header)
    _after_goods_issue(b, items)
    return []


def _pick_location(b: S4Backend, material: str, plant: str, need: Decimal) -> str:
    """The first storage location of ``plant`` holding ``need`` (picking determination)."""
    rows = b.tables[products.STOCK].where(Material=material, Plant=plant)
    for row in rows:
        if Decimal(row["MatlWrhsStkQtyInMatlBaseUnit"]) >= need:
            return str(row["StorageLocation"])
    return str(rows[0]["StorageLocation"]) if rows else "0001"


def _check_stock(b: S4Backend, moves: list[tuple[str, str, str, Decimal]]) -> None:
    need: dict[tuple[str, str, str], Decimal] = {}
    for material, plant, sloc, qty in moves:
        key = (material, plant, sloc)
        need[key] = need.get(key, Decimal(0)) + qty
    for (material, plant, sloc), qty in need.items():
        available = products.quantity(b, material, plant, sloc)
        if available < qty:
            raise business(
                "stock_deficit",
                f"Deficit of SL Unrestricted-use {qty - available} PC : {material} {plant} {sloc}",
                "StorageLocation",
            )


def _after_goods_issue(b: S4Backend, items: list[Record]) -> None:
    orders = {item["ReferenceSDDocument"] for item in items}
    for number in sorted(orders):
        sales.touch(b, b.get(sales.ORDER, {"SalesOrder": number}))
        if b.options.auto_bill:
            billing.invoice(b, number)


def _bump_version(b: S4Backend, header: Record) -> None:
    version = str(int(header.get("DeliveryVersion") or "0") + 1)
    header["DeliveryVersion"] = version
    for item in items_of(b, header["DeliveryDocument"]):
        item["DeliveryVersion"] = version


# -- change ----------------------------------------------------------------------------------
def update_delivery(b: S4Backend, header: Record, entity: EntityInput, user: str) -> Written:
    header.update(b.updatable(HEADER, entity.values))
    header["LastChangeDate"] = b.today()
    _bump_version(b, header)
    return b.written(HEADER, header, [])


def delete_delivery(b: S4Backend, header: Record) -> None:
    if header["OverallGoodsMovementStatus"] == "C":
        raise business(
            "has_followups",
            f"Delivery {header['DeliveryDocument']} cannot be deleted: goods issue has been posted",
        )
    table = b.tables[ITEM]
    for item in items_of(b, header["DeliveryDocument"]):
        _, ordered = order_item(b, item["ReferenceSDDocument"], item["ReferenceSDDocumentItem"])
        ordered["_delivered"] = Decimal(ordered["_delivered"]) - Decimal(
            item["ActualDeliveryQuantity"]
        )
        sales.touch(b, b.get(sales.ORDER, {"SalesOrder": item["ReferenceSDDocument"]}))
        table.delete(table.key_of(item))
    b.tables[HEADER].delete((header["DeliveryDocument"],))
