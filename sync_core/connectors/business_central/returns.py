"""Business Central credit notes for the returns flow: ``salesCreditMemos`` (API v2.0).

A Magento credit memo becomes one sales credit memo, created in one request with its
``salesCreditMemoLines`` (deep insert), applied to the posted sales invoice of the exported
order (``invoiceId``; the invoice is found by ``orderId``, or by the order's
``externalDocumentNumber`` once posting deleted the order). Until Business Central has invoiced
the order the job waits (:class:`NotInvoiced`, retryable).

The memo's reference goes into ``externalDocumentNumber`` (``Code[35]``, not unique, stored
upper-case), so before every create the flow looks it up
(``$filter=externalDocumentNumber eq '<REF>'``): a lost answer to an earlier POST is found, not
sent again. Lines are Item lines (``lineObjectNumber``, ``quantity``, ``unitPrice`` net); a line
returned to stock carries the ``locationId`` of the warehouse mapped from the Magento source it
left from, which is where posting the credit memo puts the goods back. The memo is left for
Business Central's users to post, as documents created through the API are.

The order export sends no shipping line, so neither does the credit memo; an adjustment has no
Business Central line to go on (no G/L account is mapped) and is refused for manual handling.
When the ERP owns refunds, :meth:`BusinessCentralCredits.credits` reads the credit memos back.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.business_central.client import SYSTEM, odata_quote
from sync_core.connectors.business_central.connector import (
    BusinessCentralConnector,
    erp_reference,
)
from sync_core.errors import InvalidData, MappingError, RetryableError, UnknownOutcome
from sync_core.flows.returns_model import CreditLine, CreditNote, ErpCredit, ErpCreditLine
from sync_core.model import RemoteRef

if TYPE_CHECKING:
    from sync_core.engine import Engine

CREDITS = "salesCreditMemos"
EMPTY_GUID = "00000000-0000-0000-0000-000000000000"


class NotInvoiced(RetryableError):
    """Business Central has not invoiced the order yet: nothing to apply the credit to."""

    reason = "waiting_for_invoice"


def build(engine: Engine) -> BusinessCentralCredits | None:
    erp = engine.erp
    return BusinessCentralCredits(erp) if isinstance(erp, BusinessCentralConnector) else None


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


class BusinessCentralCredits:
    system = SYSTEM

    def __init__(self, connector: BusinessCentralConnector) -> None:
        self.connector = connector
        self.client = connector.client
        self._locations: dict[str, str] = {}

    def _url(self, path: str) -> str:
        return self.client.settings.company_url(path)

    def find_credit(self, note: CreditNote) -> RemoteRef | None:
        ref = erp_reference(note.reference)
        rows = self.client.collect(
            self._url(CREDITS),
            {
                "$filter": f"externalDocumentNumber eq {odata_quote(ref.upper())}",
                "$select": "id,number,externalDocumentNumber",
            },
        )
        found = [
            r for r in rows if str(r.get("externalDocumentNumber", "")).casefold() == ref.casefold()
        ]
        if not found:
            return None
        first = found[0]
        return RemoteRef(
            system=self.system,
            remote_id=str(first["id"]),
            display=str(first.get("number") or first["id"]),
        )

    def _invoice(self, note: CreditNote) -> dict[str, Any]:
        select = "id,number,orderId,orderNumber,externalDocumentNumber,customerNumber"
        rows = self.client.collect(
            self._url("salesInvoices"),
            {"$filter": f"orderId eq {note.erp_order_id}", "$select": select},
        )
        if not rows and note.order_ref:
            ref = erp_reference(note.order_ref).upper()
            rows = self.client.collect(
                self._url("salesInvoices"),
                {"$filter": f"externalDocumentNumber eq {odata_quote(ref)}", "$select": select},
            )
        if not rows:
            raise NotInvoiced(f"{note.label}: {SYSTEM} has not invoiced order {note.order_ref} yet")
        return rows[0]

    def _location_id(self, note: CreditNote, code: str) -> str:
        if code not in self._locations:
            rows = self.client.collect(
                self._url("locations"),
                {"$filter": f"code eq {odata_quote(code)}", "$select": "id,code"},
            )
            if not rows:
                raise MappingError(note.label, "location", f"{code!r} is not a {SYSTEM} location")
            self._locations[code] = str(rows[0]["id"])
        return self._locations[code]

    def _line(self, note: CreditNote, line: CreditLine) -> dict[str, Any]:
        item = self.connector._item(line.item_code)
        if item is None:
            raise MappingError(
                note.label, "sku", f"{line.sku!r} has no {SYSTEM} item {line.item_code!r}"
            )
        body: dict[str, Any] = {
            "lineType": "Item",
            "lineObjectNumber": str(item["number"]),
            "quantity": _number(line.qty),
            "unitPrice": _number(line.price),
        }
        if line.restock and line.location:
            body["locationId"] = self._location_id(note, line.location)
        return body

    def create_credit(self, note: CreditNote) -> RemoteRef:
        if note.adjustment:
            raise InvalidData(
                f"{note.label} carries an adjustment of {note.adjustment}, which "
                f"has no {SYSTEM} line to go on: credit it by hand"
            )
        invoice = self._invoice(note)
        body = {
            "externalDocumentNumber": erp_reference(note.reference),
            "customerNumber": invoice.get("customerNumber"),
            "invoiceId": invoice["id"],
            "pricesIncludeTax": False,
            "salesCreditMemoLines": [self._line(note, line) for line in note.lines],
        }
        body = {k: v for k, v in body.items() if v is not None}
        created = self.client.post(self._url(CREDITS), body)
        if not created.get("id"):
            raise UnknownOutcome(f"{SYSTEM} created the credit memo of {note.label} without an id")
        return RemoteRef(
            system=self.system,
            remote_id=str(created["id"]),
            display=str(created.get("number") or created["id"]),
        )

    # -- reading credit memos (the ERP owns refunds) ------------------------------------------
    def credits(self, since: str | None) -> Iterator[ErpCredit]:
        """Sales credit memos changed at or after ``since`` (``lastModifiedDateTime``, an
        inclusive bound: a re-read is harmless), with their lines; the order is the one the
        applied invoice (``invoiceId``) was posted from."""
        params = {
            "$select": "id,number,invoiceId,lastModifiedDateTime",
            "$expand": "salesCreditMemoLines",
            "$orderby": "lastModifiedDateTime",
        }
        if since:
            params["$filter"] = f"lastModifiedDateTime ge {since}"
        for row in self.client.iterate(self._url(CREDITS), params):
            yield self._credit(row)

    def _credit(self, row: dict[str, Any]) -> ErpCredit:
        lines = tuple(
            ErpCreditLine(
                self.connector.mapping.sku_for(str(x.get("lineObjectNumber"))),
                Decimal(str(x.get("quantity") or 0)),
            )
            for x in row.get("salesCreditMemoLines") or []
            if x.get("lineType") == "Item"
        )
        order_id: str | None = None
        invoice = str(row.get("invoiceId") or "")
        if invoice and invoice != EMPTY_GUID:
            found = self.client.get(self._url(f"salesInvoices({invoice})"), {"$select": "orderId"})
            order_id = str(found.get("orderId") or "") or None
        return ErpCredit(
            document_id=str(row["id"]),
            display=str(row.get("number") or row["id"]),
            erp_order_id=order_id,
            order_ref=None,
            lines=lines,
            shipping=Decimal(0),
            version=str(row.get("lastModifiedDateTime") or ""),
        )
