"""Reading an order file dropped into ``inbound/``: structure, header row, control totals.

The whole-file checks (a failure rejects the whole file to ``inbound/error/``) live here as
pure functions; row-level checks need the ERP's master data and live on the backend. The
layout is :data:`contracts.legacy.layouts.ORDER_IMPORT`; the conventions are in
``contracts/legacy/ORDER_FILE.md``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from contracts.legacy.layouts import (
    HEADER_RECORD,
    HEADER_RECORD_FIELDS,
    LINE_RECORD,
    ORDER_IMPORT,
    TRAILER_RECORD,
    TRAILER_RECORD_FIELDS,
    is_digits,
    to_decimal,
    validate_header,
)

CENT = Decimal("0.01")


class FileRejected(Exception):
    """The whole file is refused; ``code`` goes into the ack's reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def reason(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class DataRow:
    """One ``L`` record: its 1-based line number in the file and its raw fields."""

    row_no: int
    fields: tuple[str, ...]

    def get(self, column: str) -> str:
        index = ORDER_IMPORT.column_names.index(column)
        return self.fields[index].strip() if index < len(self.fields) else ""


@dataclass(frozen=True)
class OrderFile:
    name: str
    seq: int
    created_at: str
    sender: str
    rows: tuple[DataRow, ...]
    trailer: tuple[str, ...]


def file_seq(name: str) -> int | None:
    match = ORDER_IMPORT.matches_name(name)
    return int(match["seq"]) if match else None


def _check_name(name: str) -> int:
    match = ORDER_IMPORT.matches_name(name)
    if match is None:
        raise FileRejected("BAD_FILE_NAME", f"{name} does not match ORD_<YYYYMMDD>_<seq:06d>.csv")
    try:
        datetime.strptime(match["date"], "%Y%m%d")
    except ValueError:
        raise FileRejected("BAD_FILE_NAME", f"{match['date']} is not a date") from None
    return int(match["seq"])


def _records(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRejected("ENCODING", f"not UTF-8 (byte {exc.start})") from None
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    except csv.Error as exc:
        raise FileRejected("STRUCTURE", f"unreadable CSV: {exc}") from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise FileRejected("STRUCTURE", "the file is empty")
    return rows


def _header_record(rows: list[list[str]], seq: int) -> tuple[str, str]:
    if len(rows) < 2 or rows[1][:1] != [HEADER_RECORD]:
        raise FileRejected("STRUCTURE", "row 2 must be the H (header) record")
    if len(rows[1]) != len(HEADER_RECORD_FIELDS):
        raise FileRejected("STRUCTURE", "the H record must be H,file_seq,created_at,sender")
    _, seq_text, created_at, sender = (cell.strip() for cell in rows[1])
    if not is_digits(seq_text) or int(seq_text) != seq:
        raise FileRejected(
            "SEQUENCE_MISMATCH", f"H file_seq {seq_text!r} does not match the file name ({seq})"
        )
    try:
        datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        raise FileRejected("STRUCTURE", f"H created_at {created_at!r} is not ISO 8601") from None
    if not sender:
        raise FileRejected("STRUCTURE", "H sender is empty")
    return created_at, sender


def _trailer_record(rows: list[list[str]]) -> tuple[str, ...]:
    last = rows[-1]
    if len(rows) < 3 or last[:1] != [TRAILER_RECORD]:
        raise FileRejected("STRUCTURE", "the last row must be the T (trailer) record")
    if len(last) != len(TRAILER_RECORD_FIELDS):
        raise FileRejected("STRUCTURE", "the T record must be T,line_count,sum_qty,sum_amount")
    return tuple(cell.strip() for cell in last)


def _data_rows(rows: list[list[str]]) -> tuple[DataRow, ...]:
    found = []
    for index, row in enumerate(rows[2:-1], start=3):
        kind = row[0].strip() if row else ""
        if kind != LINE_RECORD:
            raise FileRejected("STRUCTURE", f"row {index}: unexpected record type {kind!r}")
        found.append(DataRow(index, tuple(row)))
    return tuple(found)


def parse_order_file(name: str, data: bytes) -> OrderFile:
    """Parse and check the structure of one order file; raise :class:`FileRejected`."""
    seq = _check_name(name)
    rows = _records(data)
    ok, reason = validate_header(ORDER_IMPORT, rows[0])
    if not ok:
        raise FileRejected("HEADER_MISMATCH", reason)
    created_at, sender = _header_record(rows, seq)
    trailer = _trailer_record(rows)
    return OrderFile(name, seq, created_at, sender, _data_rows(rows), trailer)


def control_totals(rows: tuple[DataRow, ...]) -> tuple[int, Decimal, Decimal]:
    """Line count, quantity sum and amount sum; non-numeric values count as zero."""
    sum_qty, sum_amount = Decimal(0), Decimal(0)
    for row in rows:
        qty = to_decimal(row.get("quantity")) or Decimal(0)
        price = to_decimal(row.get("unit_price")) or Decimal(0)
        sum_qty += qty
        sum_amount += qty * price
    return len(rows), sum_qty, sum_amount.quantize(CENT, rounding=ROUND_HALF_UP)


def check_control_totals(order_file: OrderFile) -> None:
    """Compare the T record with the rows; raise ``CONTROL_TOTAL_MISMATCH``."""
    count, sum_qty, sum_amount = control_totals(order_file.rows)
    _, t_count, t_qty, t_amount = order_file.trailer
    expected = (count, sum_qty, sum_amount)
    got = (int(t_count) if is_digits(t_count) else None, to_decimal(t_qty), to_decimal(t_amount))
    if got != expected:
        raise FileRejected(
            "CONTROL_TOTAL_MISMATCH",
            f"trailer says {t_count} lines, qty {t_qty}, amount {t_amount}; the file has "
            f"{count} lines, qty {sum_qty}, amount {sum_amount}",
        )
