"""NetSuite credit notes for the returns flow.

A Magento credit memo becomes a ``creditMemo`` transformed from the invoice of the exported
sales order (``POST invoice/<id>/!transform/creditMemo``), so NetSuite applies it to that
invoice. Its ``externalId`` is the memo's reference: ``GET creditMemo/eid:<ref>`` finds one an
earlier attempt made (a lost answer), and NetSuite refuses a second record with that id.
Lines name the invoice line (``orderLine``) and the quantity; the refunded shipping goes in
``shippingCost``.

Goods going back to stock are a ``returnAuthorization`` transformed from the sales order
(status B, Pending Receipt), one line per restocked item with the warehouse (``location``) the
mapping names, external id ``<ref>-RA``; the warehouse receives it against that authorization.
It is made (or found) before the credit memo, so a credit memo found by reference means the
return exists too.

An order NetSuite has not invoiced yet cannot be credited: the job waits
(:class:`NotInvoiced`, retryable) until the ERP bills it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.netsuite.client import RECORD, WRITE_HEADERS
from sync_core.connectors.netsuite.connector import NetSuiteConnector
from sync_core.errors import InvalidData, MappingError, RemoteNotFound, RetryableError
from sync_core.flows.returns_model import CreditLine, CreditNote, ErpCredit, ErpCreditLine
from sync_core.model import RemoteRef

if TYPE_CHECKING:
    from sync_core.engine import Engine

RETURN_SUFFIX = "-RA"
STAMP = "YYYY-MM-DD HH24:MI:SS"


class NotInvoiced(RetryableError):
    """The sales order has no invoice with enough left to credit yet."""

    reason = "waiting_for_invoice"


@dataclass
class InvoiceLine:
    invoice: str
    line: int
    item: str
    quantity: Decimal


def build(engine: Engine) -> NetSuiteCredits | None:
    erp = engine.erp
    return NetSuiteCredits(erp) if isinstance(erp, NetSuiteConnector) else None


class NetSuiteCredits:
    system = "netsuite"

    def __init__(self, connector: NetSuiteConnector) -> None:
        self.connector = connector
        self.client = connector.client

    # -- lookups ----------------------------------------------------------------------------
    def _find(self, record_type: str, external_id: str) -> RemoteRef | None:
        try:
            record = self.client.get_record(record_type, f"eid:{external_id}", fields="id,tranId")
        except RemoteNotFound:
            return None
        rid = str(record["id"])
        return RemoteRef(
            system=self.system, remote_id=rid, display=str(record.get("tranId") or rid)
        )

    def find_credit(self, note: CreditNote) -> RemoteRef | None:
        return self._find("creditMemo", note.reference)

    def _item_id(self, note: CreditNote, line: CreditLine) -> str:
        ids = self.connector.item_ids()
        found = ids.get(line.item_code) or self.connector.item_ids(refresh=True).get(line.item_code)
        if found is None:
            raise MappingError(
                note.label, "sku", f"{line.sku!r} has no NetSuite item {line.item_code!r}"
            )
        return found

    def _invoice_lines(self, order_id: str) -> list[InvoiceLine]:
        """The lines of the order's invoices with what is left to credit on each."""
        rows = self.client.suiteql(
            "SELECT tl.transaction, tl.linesequencenumber, tl.item, tl.quantity "
            "FROM transactionline tl JOIN transaction t ON t.id = tl.transaction "
            f"WHERE t.type = 'CustInvc' AND tl.mainline = 'F' AND tl.createdfrom = {int(order_id)} "
            "ORDER BY tl.transaction, tl.linesequencenumber"
        )
        lines = [
            InvoiceLine(
                str(r["transaction"]),
                int(r["linesequencenumber"]),
                str(r["item"]),
                abs(Decimal(str(r["quantity"]))),
            )
            for r in rows
        ]
        for invoice in {line.invoice for line in lines}:
            self._less_credited(invoice, [x for x in lines if x.invoice == invoice])
        return lines

    def _less_credited(self, invoice: str, lines: list[InvoiceLine]) -> None:
        rows = self.client.suiteql(
            "SELECT tl.item, tl.quantity FROM transactionline tl JOIN transaction t "
            f"ON t.id = tl.transaction WHERE t.type = 'CustCred' AND tl.mainline = 'F' "
            f"AND tl.createdfrom = {int(invoice)}"
        )
        for row in rows:
            left = abs(Decimal(str(row["quantity"])))
            for line in lines:
                if line.item == str(row["item"]) and left > 0:
                    take = min(left, line.quantity)
                    line.quantity -= take
                    left -= take

    def _plan(self, note: CreditNote) -> tuple[str, list[dict[str, Any]]]:
        """The invoice to credit and its ``item.items`` (the first invoice covering it all)."""
        wanted = [(self._item_id(note, line), line.qty) for line in note.lines]
        lines = self._invoice_lines(note.erp_order_id)
        for invoice in dict.fromkeys(line.invoice for line in lines):
            plan = _allocate([x for x in lines if x.invoice == invoice], wanted)
            if plan is not None:
                return invoice, plan
        raise NotInvoiced(
            f"{note.label}: netsuite sales order {note.erp_order_id} has no invoice with enough "
            "left to credit yet"
        )

    # -- writes -----------------------------------------------------------------------------
    def _transform(self, source: str, source_id: str, target: str, body: dict[str, Any]) -> str:
        response = self.client.http.request(
            "POST",
            f"{RECORD}/{source}/{source_id}/!transform/{target}",
            json=body,
            headers=WRITE_HEADERS,
        )
        location = response.headers.get("Location", "")
        if not location:
            raise InvalidData(f"netsuite {target} answered without a Location header")
        return location.rstrip("/").rsplit("/", 1)[-1]

    def create_credit(self, note: CreditNote) -> RemoteRef:
        if note.adjustment:
            raise InvalidData(
                f"{note.label} carries an adjustment of {note.adjustment}, which a NetSuite "
                "credit memo transformed from the invoice cannot carry: credit it by hand"
            )
        self._return(note)
        invoice, items = self._plan(note)
        body = {
            "externalId": note.reference,
            "memo": f"Magento {note.label}",
            "shippingCost": float(note.shipping),
            "item": {"items": items},
        }
        rid = self._transform("invoice", invoice, "creditMemo", body)
        return self._find("creditMemo", note.reference) or RemoteRef(
            system=self.system, remote_id=rid, display=rid
        )

    def _return(self, note: CreditNote) -> None:
        """The return authorization of the restocked lines (found, or made)."""
        restocked = note.restocked
        if not restocked or self._find("returnAuthorization", note.reference + RETURN_SUFFIX):
            return
        order = self.client.get_record("salesOrder", note.erp_order_id, expandSubResources="true")
        order_lines = _sublist(order.get("item"))
        items = []
        for line in restocked:
            item_id = self._item_id(note, line)
            match = next((x for x in order_lines if _ref(x.get("item")) == item_id), None)
            if match is None:
                raise InvalidData(f"{note.label}: netsuite order has no line for {line.sku}")
            items.append(
                {
                    "orderLine": int(match["line"]),
                    "quantity": float(line.qty),
                    "location": {"id": line.location},
                }
            )
        body = {
            "externalId": note.reference + RETURN_SUFFIX,
            "orderStatus": {"id": "B"},
            "memo": f"Return for Magento {note.label}",
            "item": {"items": items},
        }
        self._transform("salesOrder", note.erp_order_id, "returnAuthorization", body)

    # -- reading credit notes (the ERP owns refunds) ------------------------------------------
    def credits(self, since: str | None) -> Iterator[ErpCredit]:
        """Credit memos changed at or after ``since`` (``YYYY-MM-DD HH24:MI:SS``), oldest first."""
        codes = {v: k for k, v in self.connector.item_ids().items()}
        stamp = f"TO_CHAR(t.lastmodifieddate, '{STAMP}')"
        where = f" AND {stamp} >= '{since.replace(chr(39), '')}'" if since else ""
        heads = list(
            self.client.suiteql(
                f"SELECT t.id, {stamp} AS modified FROM transaction t "
                f"WHERE t.type = 'CustCred'{where} ORDER BY modified, t.id"
            )
        )
        for head in heads:
            yield self._credit(head, codes)

    def _credit(self, head: dict[str, Any], codes: dict[str, str]) -> ErpCredit:
        record = self.client.get_record("creditMemo", str(head["id"]), expandSubResources="true")
        lines = tuple(
            ErpCreditLine(
                self.connector.mapping.sku_for(codes.get(_ref(x.get("item")), "?")),
                Decimal(str(x.get("quantity") or 0)),
            )
            for x in _sublist(record.get("item"))
        )
        invoice = _ref(record.get("createdFrom"))
        order = self.client.get_record("invoice", invoice, fields="createdFrom") if invoice else {}
        return ErpCredit(
            document_id=str(record["id"]),
            display=str(record.get("tranId") or record["id"]),
            erp_order_id=_ref(order.get("createdFrom")) or None,
            order_ref=None,
            lines=lines,
            shipping=Decimal(str(record.get("shippingCost") or 0)),
            version=str(head.get("modified") or ""),
        )


def _allocate(
    lines: list[InvoiceLine], wanted: list[tuple[str, Decimal]]
) -> list[dict[str, Any]] | None:
    """``item.items`` crediting ``wanted`` (item id, qty) from ``lines``; None if they cannot."""
    left = {line.line: line.quantity for line in lines}
    plan: dict[int, Decimal] = {}
    for item, qty in wanted:
        for line in lines:
            if line.item != item or qty <= 0:
                continue
            take = min(qty, left[line.line])
            if take > 0:
                plan[line.line] = plan.get(line.line, Decimal(0)) + take
                left[line.line] -= take
                qty -= take
        if qty > 0:
            return None
    return [{"orderLine": n, "quantity": float(q)} for n, q in plan.items()]


def _sublist(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return list(value.get("items") or [])
    return list(value or [])


def _ref(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return "" if value is None else str(value)
