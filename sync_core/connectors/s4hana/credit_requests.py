"""Magento credit memos as S/4HANA credit memo requests, with a customer return for the goods
that go back to stock (Magento owns refunds).

* The money: one credit memo request (``API_CREDIT_MEMO_REQUEST_SRV``, type ``CR``) per
  credit memo, with reference to the invoice(s) of the exported sales order: each item names
  its invoice item (``ReferenceSDDocument``/``ReferenceSDDocumentItem``) and the quantity, so
  SD's copy control refuses crediting more than was billed. SAP creates it with its billing
  block; billing releases it into the G2 credit memo. ``SDDocumentReason`` is
  ``erp.options["credit_memo_reason"]`` when set.
* The goods: when lines return to stock, a customer return (``API_CUSTOMER_RETURN_SRV``,
  type ``CBAR``) of those lines, each to the plant and storage location mapped from the
  Magento source it was shipped from. It carries a billing block
  (``erp.options["return_billing_block"]``, default ``08``) because the money is already the
  credit memo request's: the return must never be billed into a second credit.
* Idempotency: both carry the memo's reference in ``PurchaseOrderByCustomer`` and are looked
  up by it before they are created (SAP would make a second one): the return first, then the
  request, so a retry after a lost answer finds what was made and creates only what is not.
* Until the order is invoiced (or invoiced enough) the job waits (:class:`NotInvoiced`). The
  order export sends no freight, so neither does the credit; an adjustment is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.s4hana.client import ROOT, SALES, key_path, literal
from sync_core.connectors.s4hana.connector import customer_reference, split_location
from sync_core.errors import InvalidData, RetryableError, UnknownOutcome
from sync_core.flows.returns_model import CreditLine, CreditNote
from sync_core.model import RemoteRef

if TYPE_CHECKING:
    from sync_core.connectors.s4hana.connector import S4Connector

BILLING = f"{ROOT}/API_BILLING_DOCUMENT_SRV"
REQUESTS = f"{ROOT}/API_CREDIT_MEMO_REQUEST_SRV"
RETURNS = f"{ROOT}/API_CUSTOMER_RETURN_SRV"
INVOICE = "M"
ITEM_REF = "ReferenceSDDocumentItem"
AREA = ("SalesOrganization", "DistributionChannel", "OrganizationDivision", "SoldToParty")


class NotInvoiced(RetryableError):
    """The sales order is not invoiced (enough) to credit the memo yet."""

    reason = "waiting_for_invoice"


@dataclass(frozen=True)
class Document:
    """One of the two SD documents: its service path, entity set and field names."""

    path: str
    entity_set: str
    number: str
    type_field: str
    doc_type: str
    item_number: str


CREDIT = Document(
    REQUESTS,
    "A_CreditMemoRequest",
    "CreditMemoRequest",
    "CreditMemoRequestType",
    "CR",
    "CreditMemoRequestItem",
)
RETURN = Document(
    RETURNS,
    "A_CustomerReturn",
    "CustomerReturn",
    "CustomerReturnType",
    "CBAR",
    "CustomerReturnItem",
)


@dataclass
class InvoiceItem:
    invoice: str
    item: str
    material: str
    open: Decimal


Allocation = tuple[CreditLine, InvoiceItem, Decimal]


class S4CreditWriter:
    """Writes credit memo requests and customer returns for the returns flow."""

    system = "s4hana"

    def __init__(self, connector: S4Connector, options: Mapping[str, str] | None = None) -> None:
        self.connector = connector
        self.client = connector.client
        options = options or {}
        self.reason = options.get("credit_memo_reason", "")
        self.return_block = options.get("return_billing_block", "08")

    # -- lookups -----------------------------------------------------------------------------
    def find_credit(self, note: CreditNote) -> RemoteRef | None:
        return self._find(CREDIT, note)

    def _find(self, doc: Document, note: CreditNote) -> RemoteRef | None:
        reference = customer_reference(note.reference)
        rows = self.client.collection(
            f"{doc.path}/{doc.entity_set}",
            {
                "$filter": f"PurchaseOrderByCustomer eq {literal(reference)} and "
                f"{doc.type_field} eq {literal(doc.doc_type)}",
                "$select": f"{doc.number},PurchaseOrderByCustomer",
            },
        )
        numbers = sorted(
            (str(r[doc.number]) for r in rows if r.get("PurchaseOrderByCustomer") == reference),
            key=lambda n: (len(n), n),
        )
        if not numbers:
            return None
        return RemoteRef(system=self.system, remote_id=numbers[0], display=numbers[0])

    # -- create ------------------------------------------------------------------------------
    def create_credit(self, note: CreditNote) -> RemoteRef:
        if note.adjustment:
            raise InvalidData(
                f"{note.label} carries an adjustment of {note.adjustment}, which a credit memo "
                "request copied from the invoice cannot carry"
            )
        area = self._area(note)
        if note.restocked and self._find(RETURN, note) is None:
            lines = self._allocate(note, RETURN, note.restocked)
            self.client.create(f"{RETURNS}/A_CustomerReturn", self._return(note, area, lines))
        lines = self._allocate(note, CREDIT, note.lines)
        self.client.create(f"{REQUESTS}/A_CreditMemoRequest", self._request(note, area, lines))
        found = self.find_credit(note)  # read back: an acknowledged write not kept must not bind
        if found is None:
            raise UnknownOutcome(
                f"s4hana acknowledged the credit memo request of {note.label} but has none "
                f"with customer reference {note.reference!r}"
            )
        return found

    def _area(self, note: CreditNote) -> dict[str, str]:
        order = self.client.get(
            f"{SALES}/{key_path('A_SalesOrder', note.erp_order_id)}", {"$select": ",".join(AREA)}
        )
        return {name: str(order.get(name) or "") for name in AREA}

    def _header(self, doc: Document, note: CreditNote, area: dict[str, str]) -> dict[str, Any]:
        header: dict[str, Any] = {
            doc.type_field: doc.doc_type,
            **area,
            "PurchaseOrderByCustomer": customer_reference(note.reference),
        }
        if self.reason:
            header["SDDocumentReason"] = self.reason
        return header

    def _request(
        self, note: CreditNote, area: dict[str, str], lines: list[Allocation]
    ) -> dict[str, Any]:
        body = self._header(CREDIT, note, area)
        invoices = {item.invoice for _, item, _ in lines}
        if len(invoices) == 1:
            body["ReferenceSDDocument"] = invoices.pop()
        body["to_Item"] = [_item(line, item, qty) for line, item, qty in lines]
        return body

    def _return(
        self, note: CreditNote, area: dict[str, str], lines: list[Allocation]
    ) -> dict[str, Any]:
        body = self._header(RETURN, note, area)
        body["HeaderBillingBlockReason"] = self.return_block
        items = []
        for line, item, qty in lines:
            plant, sloc = split_location(str(line.location))
            items.append({**_item(line, item, qty), "ProductionPlant": plant})
            if sloc:
                items[-1]["StorageLocation"] = sloc
        body["to_Item"] = items
        return body

    # -- invoices ----------------------------------------------------------------------------
    def _allocate(
        self, note: CreditNote, doc: Document, lines: tuple[CreditLine, ...]
    ) -> list[Allocation]:
        """Each line's quantity taken from the open invoice items of its material."""
        items = self._invoice_items(note, doc)
        taken: list[Allocation] = []
        for line in lines:
            wanted = line.qty
            for item in items:
                if item.material != line.item_code or item.open <= 0 or wanted <= 0:
                    continue
                take = min(wanted, item.open)
                item.open -= take
                wanted -= take
                taken.append((line, item, take))
            if wanted > 0:
                raise NotInvoiced(
                    f"{note.label}: s4hana has not invoiced {line.item_code} of sales order "
                    f"{note.erp_order_id} enough to credit {line.qty} yet"
                )
        return taken

    def _invoice_items(self, note: CreditNote, doc: Document) -> list[InvoiceItem]:
        """Invoice items billing the sales order, less what ``doc`` documents already took."""
        rows = list(
            self.client.collection(
                f"{BILLING}/A_BillingDocumentItem",
                {
                    "$filter": f"SalesDocument eq {literal(note.erp_order_id)}",
                    "$select": "BillingDocument,BillingDocumentItem,Material,BillingQuantity",
                },
            )
        )
        invoices = self._invoices({str(r["BillingDocument"]) for r in rows})
        found = [
            InvoiceItem(
                str(r["BillingDocument"]),
                _number(r.get("BillingDocumentItem")),
                str(r.get("Material") or ""),
                Decimal(str(r.get("BillingQuantity") or 0)),
            )
            for r in rows
            if str(r["BillingDocument"]) in invoices
        ]
        for invoice in sorted(invoices):
            for row in self._taken(doc, invoice):
                for item in found:
                    if (item.invoice, item.item) == (invoice, _number(row.get(ITEM_REF))):
                        item.open -= Decimal(str(row.get("RequestedQuantity") or 0))
        return sorted(found, key=lambda i: (int(i.invoice), int(i.item)))

    def _invoices(self, numbers: set[str]) -> set[str]:
        """The invoices (category M, not cancelled) among ``numbers``."""
        if not numbers:
            return set()
        rows = self.client.collection(
            f"{BILLING}/A_BillingDocument",
            {
                "$filter": " or ".join(f"BillingDocument eq {literal(n)}" for n in sorted(numbers)),
                "$select": "BillingDocument,SDDocumentCategory,BillingDocumentIsCancelled,"
                "CancelledBillingDocument",
            },
        )
        return {
            str(r["BillingDocument"])
            for r in rows
            if r.get("SDDocumentCategory") == INVOICE
            and not r.get("BillingDocumentIsCancelled")
            and not r.get("CancelledBillingDocument")
        }

    def _taken(self, doc: Document, invoice: str) -> Iterator[dict[str, Any]]:
        rows = self.client.collection(
            f"{doc.path}/{doc.entity_set}Item",
            {
                "$filter": f"ReferenceSDDocument eq {literal(invoice)}",
                "$select": "ReferenceSDDocumentItem,RequestedQuantity,SalesDocumentRjcnReason",
            },
        )
        return (r for r in rows if not r.get("SalesDocumentRjcnReason"))


def _item(line: CreditLine, item: InvoiceItem, qty: Decimal) -> dict[str, Any]:
    return {
        "Material": line.item_code,
        "RequestedQuantity": format(qty.normalize(), "f"),
        "ReferenceSDDocument": item.invoice,
        "ReferenceSDDocumentItem": item.item,
    }


def _number(value: Any) -> str:
    """An item number without the leading zeros NUMC fields may be rendered with."""
    return str(value or "").lstrip("0") or "0"
