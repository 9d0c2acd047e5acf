"""Billing documents (API_BILLING_DOCUMENT_SRV, read-only): invoices and credit memos.

Invoices (F2, category ``M``) bill goods-issued delivery quantities, item by item, with the
order's prices; credit memos (G2, category ``O``) credit billed quantities. Amounts are
positive in both; the category gives the sign, as in SD. Items carry ``SalesDocument`` and
``SalesDocumentItem``, so finance can reconcile totals per sales order (FM-S06, FM-T04).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fakes.s4hana import sales
from fakes.s4hana.errors import business

if TYPE_CHECKING:
    from fakes.s4hana.state import S4Backend

Record = dict[str, Any]
HEADER, ITEM = "A_BillingDocument", "A_BillingDocumentItem"
DELIVERY_ITEM, DELIVERY = "A_OutbDeliveryItem", "A_OutbDeliveryHeader"
Line = tuple[Record, Decimal, Record | None]  # order item, quantity, delivery item


def invoice(b: S4Backend, sales_order: str) -> dict[str, Any]:
    """Event ``bill``: invoice every goods-issued quantity of ``sales_order`` not billed yet."""
    order = b.get(sales.ORDER, {"SalesOrder": sales_order})
    if order.get("HeaderBillingBlockReason"):
        raise business(
            "delivery_block",
            f"Sales order {sales_order} has billing block {order['HeaderBillingBlockReason']}",
        )
    lines: list[Line] = []
    for row in b.tables[DELIVERY_ITEM].all():
        if row["ReferenceSDDocument"] == sales_order and row["GoodsMovementStatus"] == "C":
            open_qty = Decimal(row["ActualDeliveryQuantity"]) - row["_billed"]
            if open_qty > 0:
                _, item = _order_item(b, sales_order, row["ReferenceSDDocumentItem"])
                lines.append((item, open_qty, row))
    if not lines:
        raise business(
            "required",
            f"Sales order {sales_order} has no goods-issued quantity that is not billed yet",
        )
    header = _document(b, order, lines, "F2", "M")
    for item, qty, delivery_item in lines:
        item["_billed"] = Decimal(item["_billed"]) + qty
        if delivery_item is not None:
            delivery_item["_billed"] = Decimal(delivery_item["_billed"]) + qty
            _delivery_billed(b, delivery_item["DeliveryDocument"])
    sales.touch(b, order)
    return {
        "billing_document": header["BillingDocument"],
        "net_amount": str(header["TotalNetAmount"]),
    }


def credit_memo(
    b: S4Backend, sales_order: str, items: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """Event ``credit_memo``: credit ``items`` [{item, quantity}] (default: all that is billed)."""
    order = b.get(sales.ORDER, {"SalesOrder": sales_order})
    wanted = items or [{"item": i["SalesOrderItem"]} for i in sales.items_of(b, order)]
    lines: list[Line] = []
    for want in wanted:
        _, item = _order_item(b, sales_order, want.get("item"))
        creditable = Decimal(item["_billed"]) - Decimal(item.get("_credited", 0))
        qty = creditable if want.get("quantity") is None else Decimal(str(want["quantity"]))
        if qty <= 0 or qty > creditable:
            raise business(
                "quantity",
                f"Credit quantity {qty} exceeds the creditable quantity "
                f"{creditable} of item {item['SalesOrderItem']}",
            )
        lines.append((item, qty, None))
    header = _document(b, order, lines, "G2", "O")
    for item, qty, _ in lines:
        item["_credited"] = Decimal(item.get("_credited", 0)) + qty
    return {
        "billing_document": header["BillingDocument"],
        "net_amount": str(header["TotalNetAmount"]),
    }


def _order_item(b: S4Backend, sales_order: str, item: Any) -> tuple[Record, Record]:
    number = str(int(item)) if str(item).strip().isdigit() else str(item)
    found = b.tables[sales.ITEM].find(SalesOrder=sales_order, SalesOrderItem=number)
    if found is None:
        raise business("item_missing", f"Item {item} does not exist in sales order {sales_order}")
    return b.get(sales.ORDER, {"SalesOrder": sales_order}), found


def _document(b: S4Backend, order: Record, lines: list[Line], kind: str, category: str) -> Record:
    today, now = b.today(), b.now()
    number = b.next_number("BillingDocument")
    items = [_item(number, order, line, index, category) for index, line in enumerate(lines)]
    for item in items:
        item["CreationDate"] = today
    net = sum((i["NetAmount"] for i in items), Decimal(0))
    header = {
        "BillingDocument": number,
        "SDDocumentCategory": category,
        "BillingDocumentType": kind,
        "CreationDate": today,
        "CreationTime": now.time().replace(microsecond=0, tzinfo=None),
        "LastChangeDate": today,
        "LastChangeDateTime": b.stamp(),
        "BillingDocumentDate": today,
        "SalesOrganization": order["SalesOrganization"],
        "DistributionChannel": order["DistributionChannel"],
        "Division": order["OrganizationDivision"],
        "TotalNetAmount": net,
        "TransactionCurrency": order["TransactionCurrency"],
        "TaxAmount": Decimal(0),
        "TotalGrossAmount": net,
        "PayerParty": order["SoldToParty"],
        "SoldToParty": order["SoldToParty"],
        "CustomerPaymentTerms": order.get("CustomerPaymentTerms", ""),
        "PurchaseOrderByCustomer": order.get("PurchaseOrderByCustomer", ""),
        "CompanyCode": "1010",
        "FiscalYear": str(today.year),
        "AccountingDocument": number,
        "OverallSDProcessStatus": "C",
        "OverallBillingStatus": "C",
        "AccountingPostingStatus": "C",
    }
    b.tables[HEADER].put(header)
    for item in items:
        b.tables[ITEM].put(item)
    return header


def _item(number: str, order: Record, line: Line, index: int, category: str) -> Record:
    item, qty, delivery_item = line
    reference = (
        (delivery_item["DeliveryDocument"], str(int(delivery_item["DeliveryDocumentItem"])), "J")
        if delivery_item is not None
        else (item["SalesOrder"], item["SalesOrderItem"], "C")
    )
    return {
        "BillingDocument": number,
        "BillingDocumentItem": str((index + 1) * 10),
        "SalesDocumentItemCategory": "TAN" if category == "M" else "G2N",
        "Material": item["Material"],
        "Plant": item["ProductionPlant"],
        "StorageLocation": delivery_item["StorageLocation"] if delivery_item else "",
        "BillingDocumentItemText": item.get("SalesOrderItemText", ""),
        "BillingQuantity": qty,
        "BillingQuantityUnit": item["RequestedQuantityUnit"],
        "BillingQuantityInBaseUnit": qty,
        "BaseUnit": item["RequestedQuantityUnit"],
        "NetAmount": sales.money(item["_price"] * qty),
        "GrossAmount": sales.money(item["_price"] * qty),
        "TaxAmount": Decimal(0),
        "TransactionCurrency": order["TransactionCurrency"],
        "Division": order["OrganizationDivision"],
        "ReferenceSDDocument": reference[0],
        "ReferenceSDDocumentItem": reference[1],
        "ReferenceSDDocumentCategory": reference[2],
        "SalesDocument": item["SalesOrder"],
        "SalesDocumentItem": item["SalesOrderItem"],
        "SalesSDDocumentCategory": "C",
    }


def _delivery_billed(b: S4Backend, delivery: str) -> None:
    rows = b.tables[DELIVERY_ITEM].where(DeliveryDocument=delivery)
    billed = all(r["_billed"] >= Decimal(r["ActualDeliveryQuantity"]) for r in rows)
    header = b.get(DELIVERY, {"DeliveryDocument": delivery})
    header["OverallDelivReltdBillgStatus"] = "C" if billed else "B"
