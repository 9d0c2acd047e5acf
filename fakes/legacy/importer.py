"""The ERP's order-file import job: ``inbound/`` -> orders, ``ack/`` files, processed/error.

A data file is picked up only when its trigger ``<name>.done`` exists. Files are taken in
name order. For each file:

1. whole-file checks (:mod:`fakes.legacy.filedrop`): name, UTF-8, the column header row
   against the layout (FM-L02), H and T records, the sequence number (a number already
   imported -> ``DUPLICATE_FILE``), the trailer's control totals. Any failure rejects the
   whole file: status ``rejected``, moved to ``inbound/error/``.
2. row checks: each bad row goes to ``ack/<stem>.rej`` with a reason; the others are imported
   (partial import, FM-L01). Rows group into orders by ``order_ref``; no duplicate check
   across files (FM-L03).
3. a sequence number above the next expected one is accepted and the gap is recorded
   (FM-L04). A rejected file does not use up its number, so it can be resent.
4. ``ack/<stem>.ack`` (key=value lines) is written, then the data and trigger files move to
   ``inbound/processed/`` (accepted, partial) or ``inbound/error/`` (rejected).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from contracts.legacy.layouts import (
    ACK_SUFFIX,
    LINE_END,
    LINE_RECORD,
    ORDER_IMPORT,
    ORDER_REJECT,
    REJECT_SUFFIX,
    TRIGGER_SUFFIX,
    is_digits,
    render_key_values,
    stem,
)
from fakes.legacy.filedrop import (
    DataRow,
    FileRejected,
    OrderFile,
    check_control_totals,
    file_seq,
    parse_order_file,
)
from fakes.legacy.model import ImportRecord, LineIn, iso

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend

REQUIRED = ORDER_IMPORT.column_names[1:]
Reject = tuple[str, str]


def ready_files(names: list[str]) -> list[str]:
    """Data files whose trigger file is present, in name order."""
    present = set(names)
    return [n for n in names if not n.endswith(TRIGGER_SUFFIX) and n + TRIGGER_SUFFIX in present]


def run_import(backend: LegacyBackend, trigger: str, at: datetime) -> list[ImportRecord]:
    """Import every ready file in ``inbound/``; ``trigger`` is ``schedule`` or ``event``."""
    return [
        _import_guarded(backend, name, trigger, at)
        for name in ready_files(backend.folders.names("inbound"))
    ]


def _import_guarded(backend: LegacyBackend, name: str, trigger: str, at: datetime) -> ImportRecord:
    """A file the importer cannot handle goes to ``error/``; it must not wedge every run."""
    try:
        return import_file(backend, name, trigger, at)
    except Exception as exc:  # the ERP's job logs it and moves on
        record = ImportRecord(name, file_seq(name), "rejected", 0, 0, 0,
                              f"INTERNAL_ERROR: {type(exc).__name__}", at, trigger)
        return _finish(backend, record, [])


def missing_sequences(backend: LegacyBackend) -> list[int]:
    """Sequence numbers below the highest imported one that never arrived."""
    if not backend.used_seqs:
        return []
    top = max(backend.used_seqs)
    return [n for n in range(backend.first_seq, top) if n not in backend.used_seqs]


def _count_l_rows(data: bytes) -> int:
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        return sum(1 for row in reader if row[:1] == [LINE_RECORD])
    except (UnicodeDecodeError, csv.Error):
        return 0


def import_file(backend: LegacyBackend, name: str, trigger: str, at: datetime) -> ImportRecord:
    data = backend.folders.read("inbound", name)
    try:
        order_file = parse_order_file(name, data)
        if order_file.seq in backend.used_seqs:
            raise FileRejected("DUPLICATE_FILE", f"sequence {order_file.seq} was already imported")
        check_control_totals(order_file)
    except FileRejected as exc:
        total = _count_l_rows(data)
        record = ImportRecord(name, file_seq(name), "rejected", total, 0, total, exc.reason, at,
                              trigger)
        return _finish(backend, record, [])
    return _import_rows(backend, order_file, trigger, at)


def _row_problem(
    backend: LegacyBackend, row: DataRow, seen: set[tuple[str, int]],
    orders: dict[str, tuple[str, str]],
) -> Reject | None:
    if len(row.fields) != len(ORDER_IMPORT.columns):
        return "COLUMN_COUNT", f"{len(row.fields)} fields, expected {len(ORDER_IMPORT.columns)}"
    missing = [c for c in REQUIRED if not row.get(c)]
    if missing:
        return "MISSING_FIELD", f"{missing[0]} is empty"
    try:
        date.fromisoformat(row.get("order_date"))
    except ValueError:
        return "BAD_DATE", f"order_date {row.get('order_date')!r} is not YYYY-MM-DD"
    line_no = row.get("line_no")
    if not is_digits(line_no) or int(line_no) == 0:
        return "BAD_LINE_NO", f"line_no {line_no!r} is not a whole number above 0"
    key = (row.get("order_ref"), int(line_no))
    if key in seen:
        return "DUPLICATE_LINE", f"line {line_no} of order {key[0]} appears twice"
    seen.add(key)
    return _order_problem(backend, row, orders)


def _order_problem(
    backend: LegacyBackend, row: DataRow, orders: dict[str, tuple[str, str]]
) -> Reject | None:
    customer = row.get("customer_ref")
    if customer not in backend.customers:
        return "UNKNOWN_CUSTOMER", f"customer {customer!r} does not exist"
    header = orders.setdefault(row.get("order_ref"), (customer, row.get("order_date")))
    if header != (customer, row.get("order_date")):
        return "INCONSISTENT_ORDER", (
            f"order {row.get('order_ref')} has customer/date {header[0]}/{header[1]} on an "
            "earlier row"
        )
    return backend.line_problem(_line_in(row))


def _line_in(row: DataRow) -> LineIn:
    return LineIn(int(row.get("line_no")), row.get("sku"), row.get("quantity"),
                  row.get("unit_price"), row.get("warehouse"))


def _check_rows(
    backend: LegacyBackend, rows: tuple[DataRow, ...], partial: dict[str, Any] | None
) -> tuple[list[DataRow], dict[int, Reject]]:
    seen: set[tuple[str, int]] = set()
    orders: dict[str, tuple[str, str]] = {}
    good: list[DataRow] = []
    rejects: dict[int, Reject] = {}
    for position, row in enumerate(rows, start=1):
        problem = _row_problem(backend, row, seen, orders)
        if problem is None and partial is not None and position % partial["every"] == 0:
            problem = (partial["code"], partial["message"])
        if problem is None:
            good.append(row)
        else:
            rejects[row.row_no] = problem
    return good, rejects


def _create_orders(
    backend: LegacyBackend, order_file: OrderFile, good: list[DataRow], at: datetime
) -> list[str]:
    groups: dict[str, list[DataRow]] = {}
    for row in good:
        groups.setdefault(row.get("order_ref"), []).append(row)
    created = []
    for order_ref, rows in groups.items():
        result = backend.create_order(
            order_ref, rows[0].get("customer_ref"), date.fromisoformat(rows[0].get("order_date")),
            [_line_in(row) for row in rows], source="file", source_file=order_file.name, at=at,
        )
        if result.order is not None:
            created.append(result.order.erp_order_no)
    return created


def _sequence_gap(backend: LegacyBackend, order_file: OrderFile, at: datetime) -> list[int]:
    expected = max(backend.used_seqs, default=backend.first_seq - 1) + 1
    if order_file.seq <= expected:
        return []
    missing = [n for n in range(expected, order_file.seq) if n not in backend.used_seqs]
    backend.sequence_gaps.append({
        "file": order_file.name, "expected": expected, "received": order_file.seq,
        "missing": missing, "detected_at": iso(at),
    })
    return missing


def _import_rows(
    backend: LegacyBackend, order_file: OrderFile, trigger: str, at: datetime
) -> ImportRecord:
    partial = backend.use_fault("partial_import")
    good, rejects = _check_rows(backend, order_file.rows, partial)
    total = len(order_file.rows)
    record = ImportRecord(order_file.name, order_file.seq, "accepted", total, len(good),
                          len(rejects), "", at, trigger)
    if good or not rejects:
        record.sequence_gap = _sequence_gap(backend, order_file, at)
        backend.used_seqs.add(order_file.seq)
        record.erp_orders = _create_orders(backend, order_file, good, at)
    if rejects:
        record.status = "partial" if good else "rejected"
        record.reason = f"{len(rejects)} of {total} rows rejected"
    rows = [(row, rejects[row.row_no]) for row in order_file.rows if row.row_no in rejects]
    return _finish(backend, record, rows)


def _reject_file(rows: list[tuple[DataRow, Reject]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(ORDER_REJECT.column_names)
    width = len(ORDER_IMPORT.columns)
    for row, (code, message) in rows:
        fields = list(row.fields[:width]) + [""] * (width - len(row.fields))
        writer.writerow([*fields, f"{code}: {message}"])
    return buffer.getvalue().encode("utf-8")


def _ack(record: ImportRecord, reject_name: str | None) -> bytes:
    gap = record.sequence_gap
    values = {
        "file": record.file,
        "file_seq": "" if record.seq is None else f"{record.seq:06d}",
        "status": record.status,
        "rows_total": record.rows_total,
        "rows_accepted": record.rows_accepted,
        "rows_rejected": record.rows_rejected,
        "reason": record.reason,
        "reject_file": reject_name or "",
        "erp_orders": ",".join(record.erp_orders),
        "sequence_gap": f"{gap[0]}-{gap[-1]}" if gap else "",
        "imported_at": iso(record.imported_at),
    }
    return render_key_values(values).encode("utf-8")


def _finish(
    backend: LegacyBackend, record: ImportRecord, rejects: list[tuple[DataRow, Reject]]
) -> ImportRecord:
    base = stem(record.file)
    reject_name = base + REJECT_SUFFIX if rejects else None
    if reject_name:
        backend.folders.write("ack", reject_name, _reject_file(rejects))
    backend.folders.write("ack", base + ACK_SUFFIX, _ack(record, reject_name))
    dest = "inbound/error" if record.status == "rejected" else "inbound/processed"
    backend.folders.move(record.file, "inbound", dest)
    backend.folders.move(record.file + TRIGGER_SUFFIX, "inbound", dest)
    backend.imports.append(record)
    return record
