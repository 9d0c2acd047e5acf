"""Stock from the ERP's ``outbound/STOCK_*.csv`` exports, checked before anything is applied.

Each export is a full snapshot with a ``.ctl`` control file written last. A new export is
taken in sequence order and must pass, in turn:

1. not seen before under this name (a re-dropped export is recognised and ignored, FM-L04);
2. ``validate_control``: interface version, the column header row against the layout (a
   renamed or reordered column refuses the file, FM-L02), row count and quantity sum (FM-L01),
   and the control file naming this file and its sequence number;
3. its sequence number follows the last one taken (a lower number is an old export and is
   ignored; a skipped number raises a gap alert, FM-L04, and the file is still used);
4. its rows differ from an export already applied (a repeat under a new number is ignored).

Refused files stay in ``outbound/`` for a person to look at; the others are deleted once the
ledger has them. While the newest export is a refused one the stock source is broken: every
run fails (SchemaDrift for a changed header, else InvalidData), so the engine records it and
its no-success monitor alerts; nothing of the refused file is applied. Otherwise the rows
offered to the stock flow are those of the newest applied export; their version is the row's
``as_of`` (else the export's ``EXTRACTED_AT``), so an older figure never overwrites a newer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from decimal import Decimal, InvalidOperation

from contracts.legacy.layouts import (
    CONTROL_SUFFIX,
    STOCK_EXPORT,
    parse_key_values,
    stem,
    validate_control,
)
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.legacy.gateway import FileGateway, ready_exports
from sync_core.connectors.legacy.ledger import Ledger
from sync_core.errors import InvalidData, SchemaDrift

AREA = "outbound"
HEADER_WORDS = re.compile(r"columns|interface version")


class StockExports:
    def __init__(self, gateway: FileGateway, ledger: Ledger) -> None:
        self.gateway = gateway
        self.ledger = ledger

    def rows(self) -> list[ErpStockRow]:
        """Take in any new exports, then the rows of the newest applied one."""
        for seq, name in ready_exports(STOCK_EXPORT, self.gateway.names(AREA)):
            self._take(seq, name)
        latest = self.ledger.newest_stock()
        if latest is not None and latest.status == "refused":
            kind = SchemaDrift if HEADER_WORDS.search(latest.detail) else InvalidData
            raise kind(f"legacy stock export {latest.name} refused: {latest.detail}")
        newest = self.ledger.newest_applied()
        if newest is None or newest.data is None:
            return []
        return parse_rows(newest.data, newest.detail)

    def _take(self, seq: int, name: str) -> None:
        control_name = stem(name) + CONTROL_SUFFIX
        data = self.gateway.text(AREA, name)
        control = self.gateway.text(AREA, control_name)
        if data is None or control is None:
            return  # picked up meanwhile
        digest = hashlib.sha256(data.encode("utf-8")).hexdigest()
        known = self.ledger.stock_file(name, digest)
        if known is not None:
            if known.status != "refused":
                self.ledger.alert(
                    "stock_redrop", name, "an export already taken was dropped again; ignored"
                )
                self._pick_up(name, control_name)
            return
        verdict, detail = self._verdict(seq, name, data, control, digest)
        extracted = parse_key_values(control, ",").get("EXTRACTED_AT", "")
        self.ledger.record_stock(
            name,
            digest,
            seq,
            verdict,
            extracted if verdict == "applied" else detail,
            data if verdict == "applied" else None,
        )
        if verdict != "refused":
            self._pick_up(name, control_name)

    def _verdict(
        self, seq: int, name: str, data: str, control: str, digest: str
    ) -> tuple[str, str]:
        ok, reason = validate_control(STOCK_EXPORT, control, data)
        values = parse_key_values(control, ",")
        if ok and values.get("FILE_NAME") != name:
            ok, reason = False, f"control file names {values.get('FILE_NAME')!r}"
        if ok and values.get("FILE_SEQUENCE") != f"{seq:06d}":
            ok, reason = False, f"control file sequence {values.get('FILE_SEQUENCE')!r}"
        if not ok:
            self.ledger.alert("stock_refused", name, f"{reason}; the file was not applied")
            return "refused", reason
        last = self.ledger.last_stock_seq()
        if last is not None and seq <= last:
            detail = f"sequence {seq} is not after {last}: an old export"
            self.ledger.alert("stock_stale", name, detail + "; ignored")
            return "stale", detail
        if last is not None and seq > last + 1:
            missing = ", ".join(str(n) for n in range(last + 1, seq))
            self.ledger.alert("stock_sequence_gap", name, f"export sequence skipped {missing}")
        earlier = self.ledger.stock_digest_seen(digest)
        if earlier is not None:
            detail = f"same rows as {earlier.name}"
            self.ledger.alert("stock_repeat", name, detail + "; ignored")
            return "repeat", detail
        return "applied", ""

    def _pick_up(self, name: str, control_name: str) -> None:
        self.gateway.delete(AREA, name)
        self.gateway.delete(AREA, control_name)


def parse_rows(data: str, extracted_at: str) -> list[ErpStockRow]:
    rows = []
    for row in csv.DictReader(io.StringIO(data.lstrip("\ufeff"), newline="")):
        try:
            qty = Decimal(row["quantity"])
        except (InvalidOperation, KeyError, TypeError):
            continue  # validate_control has summed this column: cannot happen for taken files
        rows.append(
            ErpStockRow(
                item_code=row["sku"],
                location=row["warehouse"],
                qty=qty,
                version=row.get("as_of") or extracted_at,
            )
        )
    return rows
