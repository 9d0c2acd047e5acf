"""Legacy ERP credit notes for the returns flow: SOAP ``CreateCreditNote``.

A Magento credit memo becomes one credit note of the exported order (``erp_order_no``, the
binding's remote id), carrying the memo's reference as ``credit_ref``. The ERP has no
idempotency (FM-L03): ``CreateCreditNote`` makes a new note for every call, so before every
create the flow looks the reference up (``FindCreditNotesByReference``), and a lost answer to
an earlier create is found there, never sent twice. After the create the note is read back by
its reference: an acknowledged note the ERP does not have must not be bound.

Lines: the ERP item code, whole units (a fractional quantity is a MappingError naming the
line), the memo line's net ``row_total`` as the amount, and ``restock`` with the ERP warehouse
mapped from the Magento source the goods left from; the ERP puts them back into that
warehouse's stock. A line not returned to stock credits the money only.

Legacy orders carry no shipping line (the order export sends none), so neither does the credit
note; the note is dated the day it is sent (the engine's clock). A memo with an adjustment is
refused for manual handling, as the note can only credit the order's items. The ERP's
refusals (``OVER_CREDIT``, ``NOT_SHIPPED``, ``ORDER_CANCELLED``, ...) are InvalidData naming
the memo, the code and the field: they need a person.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sync_core.connectors.legacy.client import SoapFault, children, text
from sync_core.connectors.legacy.connector import LegacyConnector
from sync_core.errors import InvalidData, MappingError, RemoteNotFound, UnknownOutcome
from sync_core.flows.returns_model import CreditLine, CreditNote, money
from sync_core.model import RemoteRef

if TYPE_CHECKING:
    from sync_core.clock import Clock
    from sync_core.engine import Engine

log = logging.getLogger("sync_core.connectors.legacy")


def build(engine: Engine) -> LegacyCredits | None:
    erp = engine.erp
    return LegacyCredits(erp, engine.clock) if isinstance(erp, LegacyConnector) else None


def _quantity(note: CreditNote, index: int, line: CreditLine) -> str:
    if line.qty != line.qty.to_integral_value():
        raise MappingError(
            note.label, f"lines[{index}].qty", f"must be whole units for the legacy ERP: {line.qty}"
        )
    return str(int(line.qty))


def _line(note: CreditNote, index: int, line: CreditLine) -> tuple[str, list[Any]]:
    fields: list[Any] = [
        ("sku", line.item_code),
        ("quantity", _quantity(note, index, line)),
        ("amount", format(money(line.row_total), "f")),
        ("restock", "true" if line.restock else "false"),
    ]
    if line.restock and line.location:
        fields.append(("warehouse", line.location))
    return ("line", fields)


class LegacyCredits:
    system = "legacy"

    def __init__(self, connector: LegacyConnector, clock: Clock) -> None:
        self.connector = connector
        self.soap = connector.soap
        self.clock = clock

    def find_credit(self, note: CreditNote) -> RemoteRef | None:
        response = self.soap.call("FindCreditNotesByReference", [("credit_ref", note.reference)])
        numbers = sorted(
            text(n, "credit_note_no") for n in children(response, "credit_notes/credit_note")
        )
        if not numbers:
            return None
        if len(numbers) > 1:
            log.warning(
                "legacy holds %d credit notes for %s: %s",
                len(numbers),
                note.reference,
                ", ".join(numbers),
            )
        return RemoteRef(system=self.system, remote_id=numbers[0], display=numbers[0])

    def create_credit(self, note: CreditNote) -> RemoteRef:
        if note.adjustment:
            raise InvalidData(
                f"{note.label} carries an adjustment of {note.adjustment}, which a legacy credit "
                "note (the order's items only) cannot carry: credit it by hand"
            )
        if not note.lines:
            raise InvalidData(f"{note.label} credits no item: a legacy credit note needs one")
        fields: list[Any] = [
            ("credit_ref", note.reference),
            ("erp_order_no", note.erp_order_id),
            ("credit_date", self.clock.now().date().isoformat()),
            ("lines", [_line(note, i, line) for i, line in enumerate(note.lines)]),
        ]
        try:
            self.soap.call("CreateCreditNote", fields)
        except (SoapFault, RemoteNotFound) as exc:
            code = getattr(exc, "code", "ORDER_NOT_FOUND")
            field = getattr(exc, "field", "erp_order_no")
            raise InvalidData(
                f"{note.label}: legacy refused the credit note ({code}, {field}): {exc.message}"
            ) from exc
        found = self.find_credit(note)  # read back: an acknowledged note not kept must not bind
        if found is None:
            raise UnknownOutcome(
                f"legacy acknowledged the credit note of {note.label} but has none with "
                f"credit_ref {note.reference!r}"
            )
        return found
