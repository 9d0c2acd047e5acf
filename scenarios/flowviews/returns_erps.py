"""Per-ERP returns views: how an ERP operator readies an exported order for credit (bills it,
where the ERP credits invoices), and the ERP's credit notes and returns to stock as the verdict
reads them from each fake's state."""

from __future__ import annotations

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
}


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
