"""The OrderService's credit-note operations: ``CreateCreditNote`` and
``FindCreditNotesByReference`` (the rules are in :mod:`fakes.legacy.credit_notes`).

``CreateCreditNote`` answers the note it made; it never looks for an earlier note with the same
``credit_ref`` (FM-L03). ``FindCreditNotesByReference`` answers every note carrying the
reference, oldest first.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from lxml import etree

from fakes.legacy import credit_notes
from fakes.legacy.credit_notes import CreditLineIn, CreditNote
from fakes.legacy.errors import ClientFault
from fakes.legacy.model import iso, money
from fakes.legacy.service import TNS, Armed, Handler, _date, _text, el

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend

TRUE = ("true", "1")


def credit_note_element(note: CreditNote) -> etree._Element:
    lines = [
        el(
            "line",
            el("line_no", line.line_no),
            el("sku", line.sku),
            el("quantity", line.quantity),
            el("amount", money(line.amount)),
            el("restock", "true" if line.restock else "false"),
            el("warehouse", line.warehouse) if line.warehouse else None,
        )
        for line in note.lines
    ]
    return el(
        "credit_note",
        el("credit_note_no", note.credit_note_no),
        el("credit_ref", note.credit_ref),
        el("erp_order_no", note.erp_order_no),
        el("order_ref", note.order_ref),
        el("customer_ref", note.customer_ref),
        el("credit_date", note.credit_date.isoformat()),
        el("total", money(note.total)),
        el("created_at", iso(note.created_at)),
        el("lines", *lines),
    )


def _number(text: str, field: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ClientFault(
            f"{field} {text!r} is not a number.", field=field, code="SCHEMA_VALIDATION"
        ) from None


def _lines_in(payload: etree._Element) -> list[CreditLineIn]:
    lines = []
    for n, node in enumerate(payload.iterfind(f"{TNS}lines/{TNS}line"), start=1):
        field = f"lines/line[{n}]"
        lines.append(
            CreditLineIn(
                _text(node, "sku") or "",
                int(_number(_text(node, "quantity") or "", f"{field}/quantity")),
                _number(_text(node, "amount") or "", f"{field}/amount"),
                (_text(node, "restock") or "").lower() in TRUE,
                _text(node, "warehouse") or None,
            )
        )
    return lines


def create_credit_note(
    backend: LegacyBackend, payload: etree._Element, armed: Armed
) -> etree._Element:
    order = credit_notes.resolve_order(
        backend, _text(payload, "erp_order_no") or None, _text(payload, "order_ref") or None
    )
    note = credit_notes.create(
        backend,
        _text(payload, "credit_ref") or "",
        order,
        _date(_text(payload, "credit_date") or "", "credit_date"),
        _lines_in(payload),
    )
    return el("CreateCreditNoteResponse", credit_note_element(note))


def find_credit_notes(
    backend: LegacyBackend, payload: etree._Element, armed: Armed
) -> etree._Element:
    notes = backend.credit_book.find(_text(payload, "credit_ref") or "")
    return el(
        "FindCreditNotesByReferenceResponse",
        el("credit_notes", *[credit_note_element(n) for n in notes]),
    )


HANDLERS: dict[str, Handler] = {
    "CreateCreditNote": create_credit_note,
    "FindCreditNotesByReference": find_credit_notes,
}
