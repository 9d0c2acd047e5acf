"""Posting: item ledger entries (the only way stock changes), sales order shipment and
invoicing (``shipAndInvoice`` and the operator's partial shipment), credit memo posting and
item journal adjustments.

As in Business Central, ``inventory`` is the sum of the item's ledger entries; posting does not
modify the item record itself, so its ``lastModifiedDateTime`` and ETag do not move. A sales
order that is completely shipped and invoiced is deleted by posting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fakes.business_central.company import Company
from fakes.business_central.documents import (
    CREDIT_MEMO,
    ORDER,
    ZERO,
    check_can_post,
    line_amounts,
    recalculate,
)
from fakes.business_central.errors import Dialog
from fakes.business_central.schema import EMPTY_GUID, STANDARD
from fakes.business_central.values import iso_now, money

LEDGER = STANDARD["itemLedgerEntries"]
SHIPMENT = STANDARD["salesShipments"]
SHIPMENT_LINE = STANDARD["salesShipmentLines"]
INVOICE = STANDARD["salesInvoices"]
INVOICE_LINE = STANDARD["salesInvoiceLines"]
HEADER_COPY = (
    "externalDocumentNumber", "customerNumber", "customerName", "billToName",
    "billToCustomerNumber", "shipToName", "shipToContact", "currencyCode", "salesperson",
    "pricesIncludeTax", "phoneNumber", "email",
)
ADDRESS_PREFIXES = ("sellTo", "billTo", "shipTo")
ADDRESS_PARTS = ("AddressLine1", "AddressLine2", "City", "Country", "State", "PostCode")


@dataclass(frozen=True)
class PostingRules:
    prevent_negative_inventory: bool
    delete_fully_posted_orders: bool


@dataclass(frozen=True)
class Movement:
    item_number: str
    location_code: str
    quantity: Decimal
    entry_type: str
    document_type: str
    document_number: str
    source_number: str = ""
    description: str = ""
    sales_amount: Decimal = ZERO


def post_ledger(company: Company, move: Movement, now: datetime) -> dict[str, Any]:
    item = company.item_by_number(move.item_number)
    if item is None:
        raise Dialog(f"The Item does not exist. Identification fields and values: "
                     f"No.='{move.item_number}'", code="Internal_RecordNotFound", status=404)
    entry = company.insert(LEDGER, {
        "entryNumber": company.counter("itemLedger", 1), "itemNumber": item["number"],
        "postingDate": now.date().isoformat(), "entryType": move.entry_type,
        "sourceNumber": move.source_number,
        "sourceType": "Customer" if move.source_number else " ",
        "documentNumber": move.document_number, "documentType": move.document_type,
        "description": move.description or item["displayName"], "quantity": move.quantity,
        "salesAmountActual": move.sales_amount,
        "costAmountActual": money(item["unitCost"] * move.quantity),
    }, now)
    entry["_locationCode"] = move.location_code
    item["inventory"] = item["inventory"] + move.quantity
    stock = company.stock(item)
    stock[move.location_code] = stock.get(move.location_code, ZERO) + move.quantity
    return entry


def post_item_journal(
    company: Company, item_number: str, location_code: str, quantity: Decimal, now: datetime
) -> dict[str, Any]:
    if location_code and company.location_by_code(location_code) is None:
        raise ValueError(f"no location {location_code!r} in company {company.name!r}")
    if company.item_by_number(item_number) is None:
        raise ValueError(f"no item {item_number!r} in company {company.name!r}")
    entry_type = "Positive Adjmt." if quantity >= 0 else "Negative Adjmt."
    number = f"T{company.counter('itemJournal', 1):05d}"
    return post_ledger(company, Movement(item_number, location_code, quantity, entry_type, " ",
                                         number), now)


# -- sales orders ----------------------------------------------------------------------------


def post_order(
    company: Company, order: dict[str, Any], now: datetime, rules: PostingRules, *,
    invoice: bool, ship_plan: dict[int, Decimal] | None = None,
) -> dict[str, Any]:
    """Ship (and optionally invoice) an order; ``ship_plan`` maps sequence -> quantity."""
    lines = [ln for ln in company.lines(order, "salesOrderLines") if ln["lineType"] == "Item"]
    customer = company.table("customers")[order["customerId"]]
    check_can_post(customer, ("Ship", "Invoice", "All") if invoice else ("Ship", "All"))
    plan = {ln["id"]: _ship_qty(ln, ship_plan) for ln in lines}
    bills = {ln["id"]: _invoice_qty(ln, plan[ln["id"]]) if invoice else ZERO for ln in lines}
    if not any(plan.values()) and not any(bills.values()):
        raise Dialog("There is nothing to post.")
    _check_complete(order, lines, plan)
    _check_stock(company, lines, plan, rules)
    shipment = _post_shipment(company, order, lines, plan, now) if any(plan.values()) else None
    invoiced = _post_invoice(company, order, lines, bills, now) if any(bills.values()) else None
    _after_posting(company, order, lines, plan, bills, now)
    deleted = rules.delete_fully_posted_orders and _fully_posted(company, order)
    if deleted:
        _delete_order(company, order)
    return {"shipment": shipment, "invoice": invoiced, "order_deleted": deleted}


def _ship_qty(line: dict[str, Any], plan: dict[int, Decimal] | None) -> Decimal:
    outstanding: Decimal = line["quantity"] - line["shippedQuantity"]
    if plan is None:
        return min(Decimal(line["shipQuantity"]), outstanding)
    wanted = plan.get(line["sequence"], ZERO)
    if wanted > outstanding:
        raise ValueError(
            f"line {line['sequence']}: cannot ship {wanted}, {outstanding} outstanding")
    return wanted


def _invoice_qty(line: dict[str, Any], shipping: Decimal) -> Decimal:
    shipped_not_invoiced: Decimal = line["shippedQuantity"] - line["invoicedQuantity"] + shipping
    return min(Decimal(line["invoiceQuantity"]), shipped_not_invoiced)


def _check_complete(
    order: dict[str, Any], lines: list[dict[str, Any]], plan: dict[str, Decimal]
) -> None:
    """Shipping advice "Complete" (``partialShipping`` false): all or nothing."""
    if order["partialShipping"] or not any(plan.values()):
        return
    if any(plan[ln["id"]] != ln["quantity"] - ln["shippedQuantity"] for ln in lines):
        raise Dialog("This order must be a complete shipment.")


def _check_stock(
    company: Company, lines: list[dict[str, Any]], plan: dict[str, Decimal],
    rules: PostingRules,
) -> None:
    if not rules.prevent_negative_inventory:
        return
    for line in lines:
        item = company.table("items")[line["itemId"]]
        have = company.stock(item).get(company.location_code(line["locationId"]), ZERO)
        if plan[line["id"]] > have:
            raise Dialog(f"You have insufficient quantity of Item {item['number']} on inventory.")


def _copy_header(order: dict[str, Any]) -> dict[str, Any]:
    values = {key: order[key] for key in HEADER_COPY}
    for prefix in ADDRESS_PREFIXES:
        values.update({f"{prefix}{p}": order[f"{prefix}{p}"] for p in ADDRESS_PARTS})
    posting = order["postingDate"]
    values.update(postingDate=posting, invoiceDate=posting, dueDate=posting,
                  orderNumber=order["number"])
    return values


def _post_shipment(
    company: Company, order: dict[str, Any], lines: list[dict[str, Any]],
    plan: dict[str, Decimal], now: datetime,
) -> str:
    number = company.next_number("salesShipments")
    header = company.insert(SHIPMENT, {**_copy_header(order), "number": number}, now)
    header["_lines"] = []
    for line in lines:
        quantity = plan[line["id"]]
        if not quantity:
            continue
        shipped = company.insert(SHIPMENT_LINE, {
            "documentId": header["id"], "documentNo": number, "sequence": line["sequence"],
            "lineType": "Item", "lineObjectNumber": line["lineObjectNumber"],
            "description": line["description"], "unitOfMeasureCode": line["unitOfMeasureCode"],
            "unitPrice": line["unitPrice"], "quantity": quantity,
            "discountPercent": line["discountPercent"], "taxPercent": line["taxPercent"],
            "shipmentDate": now.date().isoformat(),
        }, now)
        location = company.location_code(line["locationId"])
        shipped["_locationCode"] = location
        company.link_line(header, shipped, SHIPMENT_LINE.set_name)
        post_ledger(company, Movement(
            line["lineObjectNumber"], location, -quantity, "Sale", "Sales Shipment", number,
            order["customerNumber"], line["description"]), now)
    return number


def _post_invoice(
    company: Company, order: dict[str, Any], lines: list[dict[str, Any]],
    bills: dict[str, Decimal], now: datetime,
) -> str:
    number = company.next_number("salesInvoices")
    values = {**_copy_header(order), "number": number, "orderId": order["id"],
              "customerId": order["customerId"], "billToCustomerId": order["billToCustomerId"],
              "currencyId": order["currencyId"], "status": "Open"}
    header = company.insert(INVOICE, values, now)
    header["_lines"] = []
    for line in lines:
        if bills[line["id"]]:
            _invoice_line(company, header, line, bills[line["id"]], now)
    recalculate_posted(company, header, INVOICE_LINE.set_name, order["pricesIncludeTax"])
    header["remainingAmount"] = header["totalAmountIncludingTax"]
    return number


def _invoice_line(
    company: Company, header: dict[str, Any], line: dict[str, Any], quantity: Decimal,
    now: datetime,
) -> None:
    copied = {f.name: line[f.name] for f in INVOICE_LINE.fields if f.name in line}
    copied.update(id=None, documentId=header["id"], quantity=quantity)
    if line["quantity"]:
        copied["discountAmount"] = money(line["discountAmount"] * quantity / line["quantity"])
    created = company.insert(INVOICE_LINE, copied, now)
    created["_locationCode"] = company.location_code(line["locationId"])
    company.link_line(header, created, INVOICE_LINE.set_name)


def recalculate_posted(
    company: Company, header: dict[str, Any], lines_set: str, prices_include_tax: bool
) -> None:
    lines = company.lines(header, lines_set)
    for line in lines:
        line.update(line_amounts(line, prices_include_tax))
        line.update(invoiceDiscountAllocation=ZERO, netAmount=line["amountExcludingTax"],
                    netTaxAmount=line["totalTaxAmount"],
                    netAmountIncludingTax=line["amountIncludingTax"])
    header["totalAmountExcludingTax"] = sum((ln["netAmount"] for ln in lines), ZERO)
    header["totalTaxAmount"] = sum((ln["netTaxAmount"] for ln in lines), ZERO)
    header["totalAmountIncludingTax"] = header["totalAmountExcludingTax"] + header["totalTaxAmount"]


def _after_posting(
    company: Company, order: dict[str, Any], lines: list[dict[str, Any]],
    plan: dict[str, Decimal], bills: dict[str, Decimal], now: datetime,
) -> None:
    for line in lines:
        line["shippedQuantity"] += plan[line["id"]]
        line["invoicedQuantity"] += bills[line["id"]]
        line["shipQuantity"] = line["quantity"] - line["shippedQuantity"]
        line["invoiceQuantity"] = line["quantity"] - line["invoicedQuantity"]
        if plan[line["id"]] or bills[line["id"]]:
            company.touch(line, now)
    order["status"] = "Released"
    recalculate(company, ORDER, order)
    company.touch(order, now)


def _fully_posted(company: Company, order: dict[str, Any]) -> bool:
    lines = [ln for ln in company.lines(order, "salesOrderLines") if ln["lineType"] == "Item"]
    return all(ln["shippedQuantity"] == ln["quantity"] == ln["invoicedQuantity"]
               for ln in lines)


def _delete_order(company: Company, order: dict[str, Any]) -> None:
    for line in company.lines(order, "salesOrderLines"):
        company.remove(ORDER.line, line["id"])
    company.remove(ORDER.header, order["id"])


def cancel_order(company: Company, order: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What an operator does to cancel: delete the order, or cut it down to what shipped."""
    lines = company.lines(order, "salesOrderLines")
    if not any(ln.get("shippedQuantity", ZERO) for ln in lines):
        _delete_order(company, order)
        return {"deleted": True, "number": order["number"]}
    for line in lines:
        line["quantity"] = line["shippedQuantity"]
        line["shipQuantity"] = ZERO
        line["invoiceQuantity"] = line["quantity"] - line["invoicedQuantity"]
        company.touch(line, now)
    recalculate(company, ORDER, order)
    company.touch(order, now)
    return {"deleted": False, "number": order["number"]}


# -- credit memos ----------------------------------------------------------------------------


def post_credit_memo(company: Company, memo: dict[str, Any], now: datetime) -> dict[str, Any]:
    if memo.get("_posted"):
        raise Dialog(f"Sales credit memo {memo['number']} has already been posted.")
    lines = company.lines(memo, CREDIT_MEMO.line.set_name)
    if not any(ln["lineType"] != "Comment" and ln["quantity"] for ln in lines):
        raise Dialog("There is nothing to post.")
    check_can_post(company.table("customers")[memo["customerId"]], ("All",))
    for line in lines:
        if line["lineType"] == "Item" and line["quantity"]:
            post_ledger(company, Movement(
                line["lineObjectNumber"], company.location_code(line["locationId"]),
                line["quantity"], "Sale", "Sales Credit Memo", memo["number"],
                memo["customerNumber"], line["description"], -line["netAmount"]), now)
    memo["_posted"] = iso_now(now)
    memo["status"] = "Open"
    company.touch(memo, now)
    return {"number": memo["number"], "status": memo["status"]}


def location_id_for(company: Company, code: str) -> str:
    location = company.location_by_code(code)
    return str(location["id"]) if location else EMPTY_GUID
