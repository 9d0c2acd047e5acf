"""Per-ERP returns views: how an ERP operator readies an exported order for credit (bills it,
where the ERP credits invoices), and the ERP's credit notes and returns to stock as the verdict
reads them from each fake's state."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from scenarios.flowviews.returns import CreditDoc, Restock, increment_of, num

if TYPE_CHECKING:
    from scenarios.world import World


@dataclass(frozen=True)
class ReturnsView:
    prepare: Callable[[World, dict[str, Any]], None]
    """Ready the ERP order of a placed (and exported) order for a credit (e.g. bill it)."""
    credits: Callable[[dict[str, Any]], list[CreditDoc]]
    restocked: Callable[[dict[str, Any]], Restock]
    credit_writes: tuple[tuple[str, str], ...]
    """(method, path regex) of the requests that create the ERP's credit notes."""
    restocks: bool = True
    """False where the ERP's API cannot move goods into stock (Sage 200: no SOP return or
    stock adjustment write): the restock is handed to a person as an alert instead."""


def _ref(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return "" if value is None else str(value)


def _lines(record: dict[str, Any]) -> list[dict[str, Any]]:
    sub = record.get("item") or []
    return list(sub.get("items") or []) if isinstance(sub, dict) else list(sub)


# -- NetSuite ------------------------------------------------------------------------------------
def _ns_order_increments(state: dict[str, Any]) -> dict[str, str]:
    return {
        str(o["id"]): str(o.get("otherRefNum") or increment_of(str(o.get("externalId") or "")))
        for o in state["salesOrders"]
    }


def ns_prepare(world: World, placed: dict[str, Any]) -> None:
    """The NetSuite operator fulfils and bills the sales order of ``placed``."""
    increments = _ns_order_increments(world.erp_fake.state())
    order_id = next(k for k, v in increments.items() if v == placed["increment_id"])
    world.erp_fake.event("fulfill", id=order_id)
    world.erp_fake.event("bill", id=order_id)


def ns_credits(state: dict[str, Any]) -> list[CreditDoc]:
    increments = _ns_order_increments(state)
    invoice_order = {str(i["id"]): _ref(i.get("createdFrom")) for i in state["invoices"]}
    codes = {str(i["id"]): str(i.get("itemId")) for i in state["inventoryItems"]}
    docs = []
    for memo in state["creditMemos"]:
        order = increments.get(invoice_order.get(_ref(memo.get("createdFrom")), ""), "?")
        lines: dict[str, Decimal] = {}
        for line in _lines(memo):
            code = codes.get(_ref(line.get("item")), "?")
            lines[code] = lines.get(code, Decimal(0)) + num(line.get("quantity"))
        docs.append(
            CreditDoc(
                str(memo.get("tranId") or memo["id"]),
                memo.get("externalId"),
                order,
                lines,
                num(memo.get("shippingCost")),
            )
        )
    return docs


def ns_restocked(state: dict[str, Any]) -> Restock:
    increments = _ns_order_increments(state)
    codes = {str(i["id"]): str(i.get("itemId")) for i in state["inventoryItems"]}
    found: Restock = {}
    for ra in state["returnAuthorizations"]:
        if _ref(ra.get("orderStatus")) == "C":
            continue
        order = increments.get(_ref(ra.get("createdFrom")), "?")
        for line in _lines(ra):
            key = (order, codes.get(_ref(line.get("item")), "?"), _ref(line.get("location")))
            found[key] = found.get(key, Decimal(0)) + num(line.get("quantity"))
    return found


def ns_credit(world: World, placed: dict[str, Any], sku: str, qty: int) -> None:
    state = world.erp_fake.state()
    increments = _ns_order_increments(state)
    codes = {str(i["id"]): str(i.get("itemId")) for i in state["inventoryItems"]}
    for invoice in state["invoices"]:
        if increments.get(_ref(invoice.get("createdFrom"))) != placed["increment_id"]:
            continue
        line = next(x for x in _lines(invoice) if codes.get(_ref(x.get("item"))) == sku)
        world.erp_fake.event(
            "credit", invoice_id=invoice["id"], lines=[{"line": line["line"], "quantity": qty}]
        )
        return


# -- Business Central ---------------------------------------------------------------------------
def bc_prepare(world: World, placed: dict[str, Any]) -> None:
    """The Business Central user posts the order (``shipAndInvoice``, as the API action does)."""
    backend: Any = world.erp_fake.backend
    with backend.lock:
        company = backend._target(None, None)
        for order in list(company.records("salesOrders")):
            if increment_of(str(order.get("externalDocumentNumber") or "")) == str(
                placed["increment_id"]
            ):
                backend.invoke(company, "salesOrders", order["id"], "shipAndInvoice")


def _bc_company(state: dict[str, Any]) -> dict[str, Any]:
    from scenarios.erps.business_central import of_record

    return of_record(state)


def _bc_invoice_increments(company: dict[str, Any]) -> dict[str, str]:
    return {
        str(i["id"]): increment_of(str(i.get("externalDocumentNumber") or ""))
        for i in company.get("salesInvoices") or []
    }


def bc_credit(world: World, placed: dict[str, Any], sku: str, qty: int) -> None:
    """A sales credit memo applied to the order's invoice, as a user enters it."""
    backend: Any = world.erp_fake.backend
    with backend.lock:
        company = backend._target(None, None)
        invoice = next(
            i
            for i in company.records("salesInvoices")
            if increment_of(str(i.get("externalDocumentNumber") or "")) == placed["increment_id"]
        )
        body = {
            "customerNumber": invoice["customerNumber"],
            "invoiceId": invoice["id"],
            "salesCreditMemoLines": [
                {"lineType": "Item", "lineObjectNumber": sku, "quantity": qty}
            ],
        }
        backend.create(company, "salesCreditMemos", body, None)


def bc_credits(state: dict[str, Any]) -> list[CreditDoc]:
    company = _bc_company(state)
    invoices = _bc_invoice_increments(company)
    docs = []
    for memo in company.get("salesCreditMemos") or []:
        lines: dict[str, Decimal] = {}
        for line in memo.get("salesCreditMemoLines") or []:
            if line.get("lineType") == "Item":
                code = str(line.get("lineObjectNumber"))
                lines[code] = lines.get(code, Decimal(0)) + num(line.get("quantity"))
        ref = str(memo.get("externalDocumentNumber") or "") or None
        order = invoices.get(str(memo.get("invoiceId") or ""), "?")
        docs.append(CreditDoc(str(memo.get("number")), ref, order, lines, None))
    return docs


def bc_restocked(state: dict[str, Any]) -> Restock:
    company = _bc_company(state)
    invoices = _bc_invoice_increments(company)
    found: Restock = {}
    for memo in company.get("salesCreditMemos") or []:
        order = invoices.get(str(memo.get("invoiceId") or ""), "?")
        for line in memo.get("salesCreditMemoLines") or []:
            location = str(line.get("locationCode") or "")
            if line.get("lineType") == "Item" and location:
                key = (order, str(line.get("lineObjectNumber")), location)
                found[key] = found.get(key, Decimal(0)) + num(line.get("quantity"))
    return found


# -- SAP Business One ---------------------------------------------------------------------------
def _b1_order(state: dict[str, Any], increment: str) -> dict[str, Any]:
    return next(
        o
        for o in state["Orders"]
        if increment_of(str(o.get("NumAtCard") or "")) == increment and o.get("Cancelled") != "tYES"
    )


def b1_prepare(world: World, placed: dict[str, Any]) -> None:
    """The operator delivers the whole order; accounting invoices the delivery."""
    order = _b1_order(world.erp_fake.state(), str(placed["increment_id"]))
    delivery = world.erp_fake.event("deliver", doc_entry=order["DocEntry"])
    world.erp_fake.event("invoice", doc_entry=int(delivery))


def b1_credit(world: World, placed: dict[str, Any], sku: str, qty: int) -> None:
    """An A/R credit memo copied from the order's invoice, as a user enters it."""
    state = world.erp_fake.state()
    invoices = _b1_invoice_orders(state)
    invoice = next(
        i for i in state["Invoices"] if invoices.get(int(i["DocEntry"])) == placed["increment_id"]
    )
    row = next(x for x in invoice["DocumentLines"] if x["ItemCode"] == sku)
    body = {
        "CardCode": invoice["CardCode"],
        "DocumentLines": [
            {
                "BaseType": 13,
                "BaseEntry": invoice["DocEntry"],
                "BaseLine": row["LineNum"],
                "Quantity": qty,
            }
        ],
    }
    backend: Any = world.erp_fake.backend
    with backend.lock:
        backend.create_document("CreditNotes", body)


def _b1_invoice_orders(state: dict[str, Any]) -> dict[int, str]:
    """Invoice DocEntry -> the order increment it bills (through its delivery)."""
    orders = {
        int(o["DocEntry"]): increment_of(str(o.get("NumAtCard") or "")) for o in state["Orders"]
    }
    deliveries = {
        int(d["DocEntry"]): orders.get(int(line["BaseEntry"]), "?")
        for d in state["DeliveryNotes"]
        for line in d.get("DocumentLines") or []
        if line.get("BaseType") == 17
    }
    found: dict[int, str] = {}
    for invoice in state["Invoices"]:
        for line in invoice.get("DocumentLines") or []:
            base = {17: orders, 15: deliveries}.get(int(line.get("BaseType") or -1), {})
            found.setdefault(
                int(invoice["DocEntry"]), base.get(int(line.get("BaseEntry") or -1), "?")
            )
    return found


def _b1_note_order(note: dict[str, Any], invoices: dict[int, str]) -> str:
    """The order a credit note credits: through its base invoice, else the order number a
    note copied from nothing carries in ``NumAtCard``."""
    for line in note.get("DocumentLines") or []:
        if line.get("BaseType") == 13:
            return invoices.get(int(line["BaseEntry"]), "?")
    return increment_of(str(note.get("NumAtCard") or "?"))


def b1_credits(state: dict[str, Any]) -> list[CreditDoc]:
    invoices = _b1_invoice_orders(state)
    docs = []
    for note in state["CreditNotes"]:
        if note.get("Cancelled") == "tYES":
            continue
        lines: dict[str, Decimal] = {}
        for line in note.get("DocumentLines") or []:
            code = str(line["ItemCode"])
            lines[code] = lines.get(code, Decimal(0)) + num(line.get("Quantity"))
        docs.append(
            CreditDoc(
                str(note.get("DocNum") or note["DocEntry"]),
                note.get("NumAtCard"),
                _b1_note_order(note, invoices),
                lines,
                None,
            )
        )
    return docs


def b1_restocked(state: dict[str, Any]) -> Restock:
    invoices = _b1_invoice_orders(state)
    found: Restock = {}
    for note in state["CreditNotes"]:
        if note.get("Cancelled") == "tYES":
            continue
        order = _b1_note_order(note, invoices)
        for line in note.get("DocumentLines") or []:
            if line.get("WithoutInventoryMovement") == "tYES":
                continue
            key = (order, str(line["ItemCode"]), str(line.get("WarehouseCode")))
            found[key] = found.get(key, Decimal(0)) + num(line.get("Quantity"))
    return found


# -- Sage 200 (posted sales ledger credit notes; its API has no return to stock) ---------------
SAGE_NARRATIVE = re.compile(r"^(?P<code>.+) x (?P<qty>[0-9.]+)$")
SAGE_OUR_REF = re.compile(r"^[A-Za-z0-9_-]+-CM.+$")


def _sage_order(state: dict[str, Any], increment: str) -> dict[str, Any]:
    return next(
        o
        for o in state["sop_orders"]
        if increment_of(str(o.get("customer_document_no") or "")) == increment
    )


def sage_prepare(world: World, placed: dict[str, Any]) -> None:
    """The Sage 200 warehouse despatches every stock line; accounts invoice the order."""
    order = _sage_order(world.erp_fake.state(), str(placed["increment_id"]))
    lines = [
        {"line_id": x["id"], "quantity": x["line_quantity"]}
        for x in order.get("lines") or []
        if x.get("line_type") == "EnumLineTypeStandard"
    ]
    world.erp_fake.event("despatch", id=order["id"], lines=lines)
    world.erp_fake.event("invoice_order", id=order["id"])


def _sage_note_ref(reference: str) -> str | None:
    """The memo reference our connector's Sage ``reference`` stands for (Sage keeps 20
    characters, so the connector drops the ``mage-`` prefix); other references as they are."""
    if not reference:
        return None
    return f"mage-{reference}" if SAGE_OUR_REF.match(reference) else reference


def sage_credits(state: dict[str, Any]) -> list[CreditDoc]:
    """Posted credit notes: the order through ``second_reference`` (the Sage order's
    ``document_no``), lines from the nominal analysis narratives (``<code> x <qty>``)."""
    orders = {
        str(o.get("document_no")): increment_of(str(o.get("customer_document_no") or ""))
        for o in state["sop_orders"]
    }
    docs = []
    for note in state.get("sales_credit_notes") or []:
        lines: dict[str, Decimal] = {}
        shipping = Decimal(0)
        for item in note.get("nominal_analysis_items") or []:
            narrative = str(item.get("narrative") or "")
            found = SAGE_NARRATIVE.match(narrative)
            if found:
                code = found["code"]
                lines[code] = lines.get(code, Decimal(0)) + num(found["qty"])
            elif narrative == "Shipping":
                shipping += num(item.get("value"))
        docs.append(
            CreditDoc(
                f"URN {note.get('urn')}",
                _sage_note_ref(str(note.get("reference") or "")),
                orders.get(str(note.get("second_reference") or ""), "?"),
                lines,
                shipping.normalize(),
            )
        )
    return docs


def sage_restocked(state: dict[str, Any]) -> Restock:
    """Nothing: a posted credit note moves no stock and the API has no stock adjustment."""
    return {}


# -- legacy (SOAP CreateCreditNote; restocked lines go back into the named warehouse) -----------
LEGACY_LOST_CREDIT = "lose-credit-legacy"


def _legacy_order(state: dict[str, Any], increment: str) -> dict[str, Any]:
    return next(
        o
        for o in state["orders"]
        if increment_of(str(o.get("order_ref") or "")) == increment and o["status"] != "cancelled"
    )


def legacy_prepare(world: World, placed: dict[str, Any]) -> None:
    """The warehouse ships the whole order from each line's warehouse. Every SOAP call goes to
    one path, so a lost answer cannot be aimed at credit notes by path (``credit_writes``):
    the first ``CreateCreditNote`` answer is lost here instead, by body."""
    order = _legacy_order(world.erp_fake.state(), str(placed["increment_id"]))
    lines = [
        {"line_no": x["line_no"], "quantity": x["quantity"] - x["shipped_quantity"]}
        for x in order["lines"]
        if x["quantity"] > x["shipped_quantity"]
    ]
    if lines:
        world.erp_fake.event("ship_order", erp_order_no=order["erp_order_no"], lines=lines)
    if world.erp_fake.faults.get(LEGACY_LOST_CREDIT) is None:
        world.erp_fake.add_fault(
            {
                "id": LEGACY_LOST_CREDIT,
                "target": {
                    "method": "POST",
                    "path": r"^/soap/OrderService/?$",
                    "body_contains": "CreateCreditNote>",
                },
                "effect": {"kind": "lose_response", "after": "timeout"},
                "trigger": {"calls": [1]},
            }
        )


def legacy_credits(state: dict[str, Any]) -> list[CreditDoc]:
    docs = []
    for note in state.get("credit_notes") or []:
        lines: dict[str, Decimal] = {}
        for line in note.get("lines") or []:
            code = str(line["sku"])
            lines[code] = lines.get(code, Decimal(0)) + num(line.get("quantity"))
        docs.append(
            CreditDoc(
                str(note["credit_note_no"]),
                str(note.get("credit_ref") or "") or None,
                increment_of(str(note.get("order_ref") or "?")),
                lines,
                None,
            )
        )
    return docs


def legacy_restocked(state: dict[str, Any]) -> Restock:
    found: Restock = {}
    for note in state.get("credit_notes") or []:
        order = increment_of(str(note.get("order_ref") or "?"))
        for line in note.get("lines") or []:
            if line.get("restock"):
                key = (order, str(line["sku"]), str(line.get("warehouse")))
                found[key] = found.get(key, Decimal(0)) + num(line.get("quantity"))
    return found


VIEWS: dict[str, ReturnsView] = {
    "netsuite": ReturnsView(
        ns_prepare,
        ns_credits,
        ns_restocked,
        (("POST", r"^/services/rest/record/v1/invoice/\d+/!transform/creditMemo/?$"),),
    ),
    "business-central": ReturnsView(
        bc_prepare, bc_credits, bc_restocked, (("POST", r"/salesCreditMemos/?$"),)
    ),
    "sap-b1": ReturnsView(
        b1_prepare,
        b1_credits,
        b1_restocked,
        (("POST", r"(?i)^/b1s/v[12]/CreditNotes/?$"),),
    ),
    "legacy": ReturnsView(legacy_prepare, legacy_credits, legacy_restocked, ()),
}


VIEWS["sage200"] = ReturnsView(
    sage_prepare,
    sage_credits,
    sage_restocked,
    (("POST", r"^/uk/sage200(extra)?/accounts/v1/sales_credit_notes/?$"),),
    restocks=False,
)


# -- S/4HANA (ERP-owned refunds only: its credit memos are read, not written) -------------------
def _s4_order(world: World, placed: dict[str, Any]) -> dict[str, Any]:
    return next(
        o
        for o in world.erp_fake.state()["salesOrders"]
        if increment_of(str(o.get("PurchaseOrderByCustomer") or "")) == placed["increment_id"]
    )


def s4_prepare(world: World, placed: dict[str, Any]) -> None:
    """Shipping delivers every item from the first mapped plant; billing invoices it."""
    order = _s4_order(world, placed)
    plant, _, sloc = str(next(iter(world.profile["locations"].values()))).partition("/")
    items = [
        {
            "item": i["SalesOrderItem"],
            "quantity": str(i["RequestedQuantity"]),
            "plant": plant,
            "storage_location": sloc,
        }
        for i in order["items"]
    ]
    world.erp_fake.event("deliver", sales_order=order["SalesOrder"], items=items)
    world.erp_fake.event("bill", sales_order=order["SalesOrder"])


def s4_credit(world: World, placed: dict[str, Any], sku: str, qty: int) -> None:
    order = _s4_order(world, placed)
    item = next(i for i in order["items"] if i["Material"] == sku)
    world.erp_fake.event(
        "credit_memo",
        sales_order=order["SalesOrder"],
        items=[{"item": item["SalesOrderItem"], "quantity": qty}],
    )


Operator = tuple[
    Callable[["World", dict[str, Any]], None], Callable[["World", dict[str, Any], str, int], None]
]
ERP_OWNED: dict[str, Operator] = {
    "netsuite": (ns_prepare, ns_credit),
    "business-central": (bc_prepare, bc_credit),
    "sap-b1": (b1_prepare, b1_credit),
    "s4hana": (s4_prepare, s4_credit),
}
"""Per ERP whose credit notes the flow reads: (bill a placed order, credit ``qty`` of a SKU)."""


# -- S/4HANA, Magento-owned refunds: credit memo requests (money), customer returns (goods) -----
def _s4_billed_orders(state: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(billing document, item) -> the increment of the sales order it bills."""
    orders = {
        str(o["SalesOrder"]): increment_of(str(o.get("PurchaseOrderByCustomer") or ""))
        for o in state["salesOrders"]
    }
    return {
        (str(d["BillingDocument"]), str(i["BillingDocumentItem"])): orders.get(
            str(i.get("SalesDocument") or ""), "?"
        )
        for d in state["billingDocuments"]
        for i in d.get("items") or []
    }


def _s4_doc_order(doc: dict[str, Any], billed: dict[tuple[str, str], str]) -> str:
    """The order an SD document credits: through its invoice reference, else the order number
    a document with no reference carries as its customer reference."""
    for item in doc.get("items") or []:
        key = (str(item.get("ReferenceSDDocument") or ""), str(item.get("ReferenceSDDocumentItem")))
        if key in billed:
            return billed[key]
    return increment_of(str(doc.get("PurchaseOrderByCustomer") or "?"))


def s4_credits(state: dict[str, Any]) -> list[CreditDoc]:
    billed = _s4_billed_orders(state)
    docs = []
    for request in state["creditMemoRequests"]:
        lines: dict[str, Decimal] = {}
        for item in request.get("items") or []:
            if not item.get("SalesDocumentRjcnReason"):
                code = str(item["Material"])
                lines[code] = lines.get(code, Decimal(0)) + num(item.get("RequestedQuantity"))
        ref = str(request.get("PurchaseOrderByCustomer") or "") or None
        order = _s4_doc_order(request, billed)
        docs.append(CreditDoc(str(request["CreditMemoRequest"]), ref, order, lines, None))
    return docs


def s4_restocked(state: dict[str, Any]) -> Restock:
    billed = _s4_billed_orders(state)
    found: Restock = {}
    for returned in state["customerReturns"]:
        order = _s4_doc_order(returned, billed)
        for item in returned.get("items") or []:
            if item.get("SalesDocumentRjcnReason"):
                continue
            place = "/".join(filter(None, (item["ProductionPlant"], item["StorageLocation"])))
            key = (order, str(item["Material"]), place)
            found[key] = found.get(key, Decimal(0)) + num(item.get("RequestedQuantity"))
    return found


VIEWS["s4hana"] = ReturnsView(
    s4_prepare,
    s4_credits,
    s4_restocked,
    (("POST", r"/API_CREDIT_MEMO_REQUEST_SRV/A_CreditMemoRequest$"),),
)
