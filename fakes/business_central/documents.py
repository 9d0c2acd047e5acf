"""Sales documents that clients write: sales orders and sales credit memos with their lines.

Rules follow the APIV2 page sources: the sell-to customer comes from ``customerId`` and/or
``customerNumber`` (which must agree), addresses default from the customer, lines resolve
their item from ``itemId`` or ``lineObjectNumber``, totals are recalculated on every write.
Every check runs before anything is stored, so a rejected deep insert leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fakes.business_central.company import Company
from fakes.business_central.errors import Dialog, TableRelation
from fakes.business_central.options import TAX_RATES
from fakes.business_central.schema import EMPTY_GUID, STANDARD, EntityDef
from fakes.business_central.values import check_body, money

ZERO = Decimal(0)
LINE_STEP = 10_000
RELEASED_EDITABLE = {"shipQuantity", "invoiceQuantity", "shipmentDate", "description"}
ADDRESS_PARTS = ("AddressLine1", "AddressLine2", "City", "Country", "State", "PostCode")
CUSTOMER_ADDRESS = ("addressLine1", "addressLine2", "city", "country", "state", "postalCode")


@dataclass(frozen=True)
class DocKind:
    """What differs between an order and a credit memo."""

    header: EntityDef
    line: EntityDef
    series: str
    blocked_on_create: tuple[str, ...]
    ship_to: bool


ORDER = DocKind(STANDARD["salesOrders"], STANDARD["salesOrderLines"], "salesOrders",
                ("Ship", "Invoice", "All"), True)
CREDIT_MEMO = DocKind(STANDARD["salesCreditMemos"], STANDARD["salesCreditMemoLines"],
                      "salesCreditMemos", ("All",), False)
KINDS = {k.header.set_name: k for k in (ORDER, CREDIT_MEMO)}
KIND_OF_LINES = {k.line.set_name: k for k in (ORDER, CREDIT_MEMO)}


# -- headers ---------------------------------------------------------------------------------


def create_document(
    company: Company, kind: DocKind, body: Any, now: datetime
) -> dict[str, Any]:
    values = check_body(kind.header, body, allow=(kind.line.set_name,))
    raw_lines = body.get(kind.line.set_name, []) if isinstance(body, dict) else []
    if not isinstance(raw_lines, list):
        raise Dialog(f"The value of '{kind.line.set_name}' must be an array.")
    customer = _sell_to(company, values)
    _check_blocked(customer, kind.blocked_on_create, "create")
    header = {**_from_customer(company, kind, customer, now), **values}
    header.update(customerId=customer["id"], customerNumber=customer["number"])
    _bill_to(company, header, values)
    _currency(company, header, values)
    _link_invoice(company, kind, header, values)
    prepared = _prepare_lines(company, kind, header, raw_lines)
    header["number"] = company.next_number(kind.series)
    header["status"] = "Draft"
    record = company.insert(kind.header, header, now)
    record["_lines"] = []
    for line in prepared:
        line["documentId"] = record["id"]
        company.link_line(record, company.insert(kind.line, line, now), kind.line.set_name)
    recalculate(company, kind, record)
    return record


def update_document(
    company: Company, kind: DocKind, record: dict[str, Any], body: Any, now: datetime
) -> dict[str, Any]:
    _check_editable(record)
    values = check_body(kind.header, body)
    customer = None
    before = record["customerId"]
    if {"customerId", "customerNumber"} & set(values):
        customer = _sell_to(company, values)
        if customer["id"] != record["customerId"]:
            _check_no_postings(company, kind, record)
            _check_blocked(customer, kind.blocked_on_create, "create")
            refreshed = _from_customer(company, kind, customer, now)
            record.update({k: v for k, v in refreshed.items() if k not in values})
    record.update(values)
    if customer is not None:
        record.update(customerId=customer["id"], customerNumber=customer["number"])
    _bill_to(company, record, values, keep=customer is None or customer["id"] == before)
    _currency(company, record, values)
    _link_invoice(company, kind, record, values)
    recalculate(company, kind, record)
    company.touch(record, now)
    return record


def delete_document(company: Company, kind: DocKind, record: dict[str, Any]) -> None:
    _check_editable(record)
    if any(ln.get("shippedQuantity", ZERO) != ln.get("invoicedQuantity", ZERO)
           for ln in company.lines(record, kind.line.set_name)):
        raise Dialog("You cannot delete the order because it has shipped lines that are not "
                     "invoiced.")
    for line in company.lines(record, kind.line.set_name):
        company.remove(kind.line, line["id"])
    company.remove(kind.header, record["id"])


def _check_editable(record: dict[str, Any]) -> None:
    if record.get("_posted"):
        raise Dialog(f"Sales credit memo {record['number']} has been posted and can no longer "
                     "be changed.")


def _sell_to(company: Company, values: dict[str, Any]) -> dict[str, Any]:
    by_id = values.get("customerId")
    by_number = values.get("customerNumber")
    customer = None
    if by_id and by_id != EMPTY_GUID:
        customer = company.table("customers").get(by_id)
        if customer is None:
            raise Dialog("The sell-to customer cannot be found.")
    if by_number:
        if customer is not None:
            if customer["number"].lower() != by_number.lower():
                raise Dialog("The sell-to customer values do not match to a specific Customer.")
        else:
            customer = company.find("customers", number=by_number)
            if customer is None:
                raise Dialog("The sell-to customer cannot be found.")
    if customer is None:
        raise Dialog('A "customerNumber" or a "customerId" must be provided.')
    return customer


def _check_blocked(customer: dict[str, Any], blocking: tuple[str, ...], verb: str) -> None:
    if customer["blocked"] in blocking:
        raise Dialog(
            f"You cannot {verb} this type of document when Customer {customer['number']} "
            f"is blocked with type {customer['blocked']}"
        )


def check_can_post(customer: dict[str, Any], blocking: tuple[str, ...]) -> None:
    _check_blocked(customer, blocking, "post")


def _from_customer(
    company: Company, kind: DocKind, customer: dict[str, Any], now: datetime
) -> dict[str, Any]:
    today = now.date().isoformat()
    values: dict[str, Any] = {
        "customerId": customer["id"], "customerNumber": customer["number"],
        "customerName": customer["displayName"], "phoneNumber": customer["phoneNumber"],
        "email": customer["email"], "currencyCode": customer["currencyCode"] or "GBP",
        "postingDate": today, "orderDate" if kind is ORDER else "creditMemoDate": today,
    }
    if kind is CREDIT_MEMO:
        values["dueDate"] = today
    else:
        values["partialShipping"] = True
    prefixes = ("sellTo", "shipTo") if kind.ship_to else ("sellTo",)
    for prefix in prefixes:
        values.update(_address_from(prefix, customer))
    if kind.ship_to:
        values["shipToName"] = customer["displayName"]
    return values


def _address_from(prefix: str, customer: dict[str, Any]) -> dict[str, Any]:
    return {f"{prefix}{part}": customer[src] for part, src in zip(ADDRESS_PARTS, CUSTOMER_ADDRESS,
                                                                   strict=True)}


def _bill_to(
    company: Company, header: dict[str, Any], values: dict[str, Any], keep: bool = False
) -> None:
    bill_id = values.get("billToCustomerId")
    bill_no = values.get("billToCustomerNumber")
    customer = None
    if bill_id and bill_id != EMPTY_GUID:
        customer = company.table("customers").get(bill_id)
        if customer is None:
            raise Dialog("The bill-to customer cannot be found.")
        if bill_no and customer["number"].lower() != bill_no.lower():
            raise Dialog("The bill-to customer values do not match to a specific Customer.")
    elif bill_no:
        customer = company.find("customers", number=bill_no)
        if customer is None:
            raise Dialog("The bill-to customer cannot be found.")
    if customer is None:
        kept = header.get("billToCustomerId", EMPTY_GUID)
        customer = company.table("customers").get(kept) if keep else None
    if customer is None:
        customer = company.table("customers")[header["customerId"]]
    header["billToCustomerId"] = customer["id"]
    header["billToCustomerNumber"] = customer["number"]
    header["billToName"] = customer["displayName"]
    header.update(_address_from("billTo", customer))


def _currency(company: Company, header: dict[str, Any], values: dict[str, Any]) -> None:
    """``currencyCode`` and ``currencyId`` must name the same currency; blank means GBP (LCY)."""
    by_id = values.get("currencyId", EMPTY_GUID)
    by_code = str(values.get("currencyCode", "")).upper()
    code_of = {guid: code for code, guid in company.currencies.items()}
    if by_id != EMPTY_GUID and by_id not in code_of:
        raise Dialog('The "currencyId" does not match to a Currency.')
    if by_code not in ("", "GBP", *company.currencies):
        raise Dialog('The "currencyCode" does not match to a Currency.')
    if by_id != EMPTY_GUID and by_code and code_of[by_id] != by_code:
        raise Dialog("The currency values do not match to a specific Currency.")
    if by_id != EMPTY_GUID:
        header.update(currencyId=by_id, currencyCode=code_of[by_id])
    elif "currencyCode" in values:
        header["currencyCode"] = by_code or "GBP"
        header["currencyId"] = company.currencies.get(by_code, EMPTY_GUID)


def _link_invoice(
    company: Company, kind: DocKind, header: dict[str, Any], values: dict[str, Any]
) -> None:
    if kind is not CREDIT_MEMO:
        return
    invoice = None
    if values.get("invoiceId") and values["invoiceId"] != EMPTY_GUID:
        invoice = company.table("salesInvoices").get(values["invoiceId"])
        if invoice is None:
            raise Dialog('The "invoiceId" does not match to an invoice.')
    elif values.get("invoiceNumber"):
        invoice = company.find("salesInvoices", number=values["invoiceNumber"])
        if invoice is None:
            raise Dialog('The "invoiceNumber" does not match to an invoice.')
    if invoice is not None:
        header["invoiceId"] = invoice["id"]
        header["invoiceNumber"] = invoice["number"]


def _check_no_postings(company: Company, kind: DocKind, record: dict[str, Any]) -> None:
    lines = company.lines(record, kind.line.set_name)
    if any(ln.get("shippedQuantity", ZERO) for ln in lines):
        raise Dialog(f"You cannot change Sell-to Customer No. because the order "
                     f"{record['number']} has been shipped.")


# -- lines -----------------------------------------------------------------------------------


def _prepare_lines(
    company: Company, kind: DocKind, header: dict[str, Any], raw: list[Any]
) -> list[dict[str, Any]]:
    prepared: list[dict[str, Any]] = []
    for index, body in enumerate(raw, start=1):
        values = check_body(kind.line, body)
        values.setdefault("sequence", index * LINE_STEP)
        prepared.append(_resolve_line(company, kind, values, {}, set(values)))
    return prepared


def create_line(
    company: Company, kind: DocKind, header: dict[str, Any], body: Any, now: datetime
) -> dict[str, Any]:
    _check_editable(header)
    _check_open(header)
    values = check_body(kind.line, body)
    if values.get("documentId") not in (None, EMPTY_GUID, header["id"]):
        raise Dialog('The value for "documentId" cannot be modified.')
    existing = company.lines(header, kind.line.set_name)
    last = max((ln["sequence"] for ln in existing), default=0)
    values.setdefault("sequence", last + LINE_STEP)
    if any(ln["sequence"] == values["sequence"] for ln in existing):
        raise Dialog(f"The {kind.line.table} already exists. Identification fields and values: "
                     f"Document Id='{header['id']}',Line No.='{values['sequence']}'",
                     code="Internal_EntityWithSameKeyExists", status=409)
    line = _resolve_line(company, kind, values, {}, set(values))
    line["documentId"] = header["id"]
    record = company.insert(kind.line, line, now)
    company.link_line(header, record, kind.line.set_name)
    recalculate(company, kind, header)
    company.touch(header, now)
    return record


def update_line(
    company: Company, kind: DocKind, header: dict[str, Any], line: dict[str, Any], body: Any,
    now: datetime,
) -> dict[str, Any]:
    _check_editable(header)
    values = check_body(kind.line, body)
    if set(values) - RELEASED_EDITABLE:
        _check_open(header)
    if "sequence" in values and values["sequence"] != line["sequence"]:
        raise Dialog("The value for sequence cannot be modified. Delete and insert the line again.")
    if values.get("documentId", line["documentId"]) != line["documentId"]:
        raise Dialog('The value for "documentId" cannot be modified.')
    if "lineObjectNumber" in values and "itemId" not in values and line["lineObjectNumber"] and \
            values["lineObjectNumber"].lower() != line["lineObjectNumber"].lower():
        raise Dialog('The value for "lineObjectNumber" cannot be modified.')
    merged = {**_editable(kind, line), **values}
    if "itemId" in values and "lineObjectNumber" not in values:
        merged.pop("lineObjectNumber", None)
    line.update(_resolve_line(company, kind, merged, line, set(values)))
    company.touch(line, now)
    recalculate(company, kind, header)
    company.touch(header, now)
    return line


def delete_line(
    company: Company, kind: DocKind, header: dict[str, Any], line: dict[str, Any], now: datetime
) -> None:
    _check_editable(header)
    _check_open(header)
    if line.get("shippedQuantity", ZERO):
        raise Dialog(f"You cannot delete line {line['sequence']} because it has been shipped.")
    company.unlink_line(header, line["id"], kind.line.set_name)
    recalculate(company, kind, header)
    company.touch(header, now)


def _check_open(header: dict[str, Any]) -> None:
    if header.get("status") == "Released":
        raise Dialog(
            f"Status must be equal to 'Open'  in Sales Header: Document Type=Order, "
            f"No.={header['number']}. Current value is 'Released'.",
            code="Application_FieldValidationException",
        )


def _editable(kind: DocKind, line: dict[str, Any]) -> dict[str, Any]:
    return {f.name: line[f.name] for f in kind.line.fields if not f.read_only}


def _resolve_line(
    company: Company, kind: DocKind, values: dict[str, Any], current: dict[str, Any],
    sent: set[str],
) -> dict[str, Any]:
    line = dict(values)
    item = _resolve_item(company, line, current)
    if item is not None:
        _item_defaults(company, line, item, current, sent)
    elif line.get("lineType") == "Account" or line.get("accountId", EMPTY_GUID) != EMPTY_GUID:
        raise Dialog("Account does not exist.")
    else:
        line["lineType"] = line.get("lineType") or "Comment"
    _check_location(company, line)
    _check_tax(line)
    if kind is ORDER:
        _ship_defaults(line, current, sent)
    return line


def _resolve_item(
    company: Company, line: dict[str, Any], current: dict[str, Any]
) -> dict[str, Any] | None:
    if line.get("lineType") not in (None, "Item"):
        return None
    item_id = line.get("itemId", EMPTY_GUID)
    number = line.get("lineObjectNumber", "")
    if item_id == EMPTY_GUID and not number:
        if line.get("lineType") is None:
            return None
        raise Dialog("Item does not exist.")
    if item_id != EMPTY_GUID:
        item = company.table("items").get(item_id)
    else:
        item = company.item_by_number(number)
    if item is None:
        raise Dialog("Item does not exist.")
    if number and item_id != EMPTY_GUID and number.lower() != item["number"].lower():
        raise Dialog('The value for "lineObjectNumber" cannot be modified.')
    if current.get("shippedQuantity") and current.get("itemId") != item["id"]:
        raise Dialog('The value for "lineObjectNumber" cannot be modified.')
    if item["blocked"]:
        raise Dialog(f"Blocked must be equal to 'No'  in Item: No.={item['number']}. "
                     "Current value is 'Yes'.", code="Application_FieldValidationException")
    return item


def _item_defaults(
    company: Company, line: dict[str, Any], item: dict[str, Any], current: dict[str, Any],
    sent: set[str],
) -> None:
    fresh = current.get("itemId") != item["id"]
    line["lineType"] = "Item"
    line["itemId"] = item["id"]
    line["lineObjectNumber"] = item["number"]
    if fresh and "description" not in sent:
        line["description"] = item["displayName"]
    if fresh and "unitPrice" not in sent:
        line["unitPrice"] = item["unitPrice"]
    if fresh and "unitOfMeasureCode" not in sent:
        line["unitOfMeasureCode"] = item["baseUnitOfMeasureCode"]
    code = str(line.get("unitOfMeasureCode") or item["baseUnitOfMeasureCode"]).upper()
    if code not in company.units:
        raise TableRelation(
            f"The field Unit of Measure Code of table Sales Line contains a value ({code}) that "
            "cannot be found in the related table (Item Unit of Measure)."
        )
    line["unitOfMeasureCode"] = code
    line["unitOfMeasureId"] = company.units[code]


def _check_location(company: Company, line: dict[str, Any]) -> None:
    location_id = line.get("locationId", EMPTY_GUID)
    if location_id != EMPTY_GUID and location_id not in company.table("locations"):
        raise TableRelation(
            f"The field Location Code of table Sales Line contains a value ({location_id}) that "
            "cannot be found in the related table (Location)."
        )


def _check_tax(line: dict[str, Any]) -> None:
    if line.get("lineType") == "Comment":
        line["taxCode"] = ""
        return
    code = str(line.get("taxCode") or "STANDARD").upper()
    if code not in TAX_RATES:
        raise TableRelation(
            f"The field VAT Prod. Posting Group of table Sales Line contains a value ({code}) "
            "that cannot be found in the related table (VAT Product Posting Group)."
        )
    line["taxCode"] = code


def _ship_defaults(line: dict[str, Any], current: dict[str, Any], sent: set[str]) -> None:
    quantity = line.get("quantity", ZERO)
    shipped = current.get("shippedQuantity", ZERO)
    invoiced = current.get("invoicedQuantity", ZERO)
    if quantity < shipped:
        raise Dialog(f"Quantity must not be less than {shipped} units, the quantity already "
                     "shipped.")
    reinit = not current or "quantity" in sent
    if "shipQuantity" not in sent and reinit:
        line["shipQuantity"] = quantity - shipped
    if line.get("shipQuantity", ZERO) > quantity - shipped:
        raise Dialog(f"You cannot ship more than {quantity - shipped} units.")
    if "invoiceQuantity" not in sent and reinit:
        line["invoiceQuantity"] = quantity - invoiced
    if line.get("invoiceQuantity", ZERO) > quantity - invoiced:
        raise Dialog(f"You cannot invoice more than {quantity - invoiced} units.")


# -- totals ----------------------------------------------------------------------------------


def line_amounts(line: dict[str, Any], prices_include_tax: bool) -> dict[str, Decimal]:
    """Amounts of one line for its quantity (before the document discount is allocated)."""
    if line.get("lineType") == "Comment":
        return {"discountAmount": ZERO, "amountExcludingTax": ZERO, "taxPercent": ZERO,
                "totalTaxAmount": ZERO, "amountIncludingTax": ZERO}
    gross = line.get("quantity", ZERO) * line.get("unitPrice", ZERO)
    percent = line.get("discountPercent", ZERO)
    discount = money(gross * percent / 100) if percent else line.get("discountAmount", ZERO)
    rate = Decimal(TAX_RATES.get(line.get("taxCode") or "STANDARD", 0))
    amount = money(gross - discount)
    excl = money(amount / (1 + rate / 100)) if prices_include_tax else amount
    tax = amount - excl if prices_include_tax else money(excl * rate / 100)
    return {"discountAmount": discount, "amountExcludingTax": excl, "taxPercent": rate,
            "totalTaxAmount": tax, "amountIncludingTax": excl + tax}


def recalculate(company: Company, kind: DocKind, header: dict[str, Any]) -> None:
    lines = company.lines(header, kind.line.set_name)
    for line in lines:
        line.update(line_amounts(line, header["pricesIncludeTax"]))
    _allocate_discount(lines, header.get("discountAmount", ZERO))
    header["totalAmountExcludingTax"] = sum((ln["netAmount"] for ln in lines), ZERO)
    header["totalTaxAmount"] = sum((ln["netTaxAmount"] for ln in lines), ZERO)
    header["totalAmountIncludingTax"] = header["totalAmountExcludingTax"] + header["totalTaxAmount"]
    if kind is ORDER:
        items = [ln for ln in lines if ln["lineType"] == "Item"]
        header["fullyShipped"] = bool(items) and all(
            ln["shippedQuantity"] >= ln["quantity"] for ln in items)


def _allocate_discount(lines: list[dict[str, Any]], discount: Decimal) -> None:
    base = sum((ln["amountExcludingTax"] for ln in lines), ZERO)
    remaining = money(min(discount, base)) if base > 0 else ZERO
    priced = [ln for ln in lines if ln["amountExcludingTax"]]
    for index, line in enumerate(priced):
        share = remaining if index == len(priced) - 1 else money(
            discount * line["amountExcludingTax"] / base)
        share = min(share, remaining)
        remaining -= share
        line["invoiceDiscountAllocation"] = share
    for line in lines:
        if not line["amountExcludingTax"]:
            line["invoiceDiscountAllocation"] = ZERO
        net = line["amountExcludingTax"] - line["invoiceDiscountAllocation"]
        line["netAmount"] = net
        line["netTaxAmount"] = money(net * line["taxPercent"] / 100)
        line["netAmountIncludingTax"] = net + line["netTaxAmount"]
