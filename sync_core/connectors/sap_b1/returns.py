"""SAP Business One credit notes for the returns flow: ``CreditNotes`` (A/R Credit Memo, ORIN).

A Magento credit memo becomes one A/R credit memo *copied from* the A/R invoice of the exported
order (each line ``BaseType`` 13, ``BaseEntry`` the invoice, ``BaseLine`` its row, and the
quantity), so Business One closes what it credits on that invoice and refuses crediting more
than is open. The invoice is the one whose rows copy the order (``BaseType`` 17) or a delivery
of it (``BaseType`` 15). Until the order is invoiced the job waits (:class:`NotInvoiced`).

The memo's reference goes into ``NumAtCard`` (or the ``ref_udf`` the orders use); before every
create the flow looks it up (``$filter=NumAtCard eq '<ref>'``), so a lost answer is found, not
sent twice. Stock: a credit note row puts its quantity back into its ``WarehouseCode`` unless it
says ``WithoutInventoryMovement``: a line returned to stock names the warehouse mapped from the
Magento source it left from; any other line is ``WithoutInventoryMovement = tYES`` (a credit
for the money only, as Business One does it).

The order export sends no freight, so neither does the credit note; an adjustment is refused for
manual handling. When the ERP owns refunds, :meth:`SapB1Credits.credits` reads the credit notes
back (by ``UpdateDate``, day granularity) with the order their base invoice bills.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.sap_b1.client import odata_quote
from sync_core.connectors.sap_b1.connector import SapB1Connector
from sync_core.errors import InvalidData, RetryableError, UnknownOutcome
from sync_core.flows.returns_model import CreditNote, ErpCredit, ErpCreditLine
from sync_core.model import RemoteRef

if TYPE_CHECKING:
    from sync_core.engine import Engine

INVOICE, DELIVERY, ORDER = 13, 15, 17
YES, NO = "tYES", "tNO"


class NotInvoiced(RetryableError):
    """No A/R invoice of the order has enough open to credit yet."""

    reason = "waiting_for_invoice"


def build(engine: Engine) -> SapB1Credits | None:
    erp = engine.erp
    return SapB1Credits(erp) if isinstance(erp, SapB1Connector) else None


class SapB1Credits:
    system = "sap-b1"

    def __init__(self, connector: SapB1Connector) -> None:
        self.connector = connector
        self.client = connector.client
        self.field = connector.ref_udf or "NumAtCard"

    def find_credit(self, note: CreditNote) -> RemoteRef | None:
        params = {
            "$filter": f"{self.field} eq {odata_quote(note.reference)}",
            "$select": "DocEntry,DocNum",
            "$orderby": "DocEntry",
        }
        for row in self.client.query("CreditNotes", params):
            entry = str(row["DocEntry"])
            return RemoteRef(
                system=self.system, remote_id=entry, display=str(row.get("DocNum") or entry)
            )
        return None

    def _documents(self, set_name: str, card_code: str) -> Iterator[dict[str, Any]]:
        params = {
            "$filter": f"CardCode eq {odata_quote(card_code)}",
            "$select": "DocEntry,DocumentLines",
            "$orderby": "DocEntry",
        }
        yield from self.client.query(set_name, params)

    def _invoice_rows(self, note: CreditNote) -> list[tuple[int, dict[str, Any]]]:
        """(invoice DocEntry, open row) of the order's invoices, oldest first."""
        order = self.client.get(f"/Orders({int(note.erp_order_id)})")
        card = str(order["CardCode"])
        entry = int(note.erp_order_id)
        deliveries = {
            int(d["DocEntry"])
            for d in self._documents("DeliveryNotes", card)
            if any(_based(x, ORDER, entry) for x in d.get("DocumentLines") or [])
        }
        rows = []
        for invoice in self._documents("Invoices", card):
            for row in invoice.get("DocumentLines") or []:
                if _based(row, ORDER, entry) or any(_based(row, DELIVERY, d) for d in deliveries):
                    rows.append((int(invoice["DocEntry"]), row))
        return rows

    def _lines(self, note: CreditNote) -> list[dict[str, Any]]:
        rows = self._invoice_rows(note)
        left = {(e, int(r["LineNum"])): float(r.get("RemainingOpenQuantity") or 0) for e, r in rows}
        lines: list[dict[str, Any]] = []
        for credit in note.lines:
            wanted = float(credit.qty)
            for entry, row in rows:
                key = (entry, int(row["LineNum"]))
                if str(row.get("ItemCode")) != credit.item_code or wanted <= 0 or left[key] <= 0:
                    continue
                take = min(wanted, left[key])
                left[key] -= take
                wanted -= take
                line: dict[str, Any] = {
                    "BaseType": INVOICE,
                    "BaseEntry": entry,
                    "BaseLine": key[1],
                    "Quantity": take,
                }
                if credit.restock and credit.location:
                    line["WarehouseCode"] = credit.location
                else:
                    line["WithoutInventoryMovement"] = YES
                lines.append(line)
            if wanted > 1e-9:
                raise NotInvoiced(
                    f"{note.label}: sap-b1 has not invoiced {credit.item_code} of "
                    f"order {note.order_ref} enough to credit it yet"
                )
        return lines

    def create_credit(self, note: CreditNote) -> RemoteRef:
        if note.adjustment:
            raise InvalidData(
                f"{note.label} carries an adjustment of {note.adjustment}, which "
                "the credit note copied from the invoice cannot carry"
            )
        order = self.client.get(f"/Orders({int(note.erp_order_id)})")
        body: dict[str, Any] = {
            "CardCode": order["CardCode"],
            "NumAtCard": note.reference,
            "Comments": f"Magento {note.label}",
            "DocumentLines": self._lines(note),
        }
        if self.connector.ref_udf:
            body[self.connector.ref_udf] = note.reference
        self.client.create("CreditNotes", body)
        found = self.find_credit(note)  # read back: an acknowledged write not kept must not bind
        if found is None:
            raise UnknownOutcome(
                f"sap-b1 acknowledged the credit note of {note.label} but has "
                f"none with {self.field} {note.reference!r}"
            )
        return found

    # -- reading credit notes (the ERP owns refunds) ------------------------------------------
    def credits(self, since: str | None) -> Iterator[ErpCredit]:
        """Credit notes changed on or after ``since``'s day (``UpdateDate``), cancelled ones
        left out; the order is the one the base invoice (or its delivery) copies."""
        params = {
            "$select": "DocEntry,DocNum,UpdateDate,Cancelled,DocumentLines",
            "$orderby": "DocEntry",
        }
        if since:
            params["$filter"] = f"UpdateDate ge {odata_quote(since[:10])}"
        for note in self.client.query("CreditNotes", params):
            if note.get("Cancelled") != YES:
                yield self._credit(note)

    def _credit(self, note: dict[str, Any]) -> ErpCredit:
        lines = tuple(
            ErpCreditLine(
                self.connector.mapping.sku_for(str(x["ItemCode"])),
                Decimal(str(x.get("Quantity") or 0)),
            )
            for x in note.get("DocumentLines") or []
        )
        entry = str(note["DocEntry"])
        return ErpCredit(
            document_id=entry,
            display=str(note.get("DocNum") or entry),
            erp_order_id=self._order_of(note),
            order_ref=None,
            lines=lines,
            shipping=Decimal(0),
            version=str(note.get("UpdateDate") or "")[:10],
        )

    def _order_of(self, note: dict[str, Any]) -> str | None:
        """The order DocEntry behind the note's base invoice (directly, or via a delivery)."""
        base = next(
            (x for x in note.get("DocumentLines") or [] if x.get("BaseType") == INVOICE), None
        )
        if base is None:
            return None
        invoice = self.client.get(f"/Invoices({int(base['BaseEntry'])})")
        for row in invoice.get("DocumentLines") or []:
            if row.get("BaseType") == ORDER:
                return str(row["BaseEntry"])
            if row.get("BaseType") == DELIVERY:
                delivery = self.client.get(f"/DeliveryNotes({int(row['BaseEntry'])})")
                for line in delivery.get("DocumentLines") or []:
                    if line.get("BaseType") == ORDER:
                        return str(line["BaseEntry"])
        return None


def _based(row: dict[str, Any], base_type: int, entry: int) -> bool:
    return row.get("BaseType") == base_type and int(row.get("BaseEntry") or -1) == entry
