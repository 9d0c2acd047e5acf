"""The ERP's export jobs: stock and shipment CSV files plus a ``.ctl`` control file.

Each export writes ``<PREFIX>_<YYYYMMDDHHMMSS>_<seq:06d>.csv`` (the stamp and ``EXTRACTED_AT``
are the extraction time) and then ``<same stem>.ctl`` (``KEY,VALUE`` rows, written last: its
presence means the data file is complete). Sequences count per kind from 1. Shipment exports
are incremental: each carries the shipments not exported before (or, with ``since``, all
shipped at or after it, without moving the watermark).

Standing faults change what is written (see :mod:`fakes.legacy.faults`): renamed or reordered
columns (the control file still claims the same ``INTERFACE_VERSION``: the change is
unannounced), a skipped sequence number, a second copy of the same export under the next
sequence number, and stale extracts (old ``EXTRACTED_AT``/``as_of`` and the quantities of
that time).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from contracts.legacy.layouts import (
    CONTROL_SUFFIX,
    EXPORT_LAYOUTS,
    INTERFACE_VERSION,
    LINE_END,
    export_file_name,
    render_key_values,
    stem,
)
from fakes.legacy.model import ExportRecord, iso

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend

Row = list[str]


@dataclass
class Extract:
    """The rows of one export and the moment they describe."""

    kind: str
    rows: list[Row]
    extracted_at: datetime
    faults: list[str]


def _stale_age(backend: LegacyBackend, kind: str) -> timedelta | None:
    params = backend.use_fault("stale_export", kind)
    return timedelta(seconds=params["age_s"]) if params else None


def export_stock(
    backend: LegacyBackend, at: datetime, *, sku: str | None = None, warehouse: str | None = None
) -> list[ExportRecord]:
    """Write a full stock export (optionally for one item and/or warehouse)."""
    age = _stale_age(backend, "stock")
    extracted_at = at - age if age else at
    quantities = backend.stock_at(extracted_at)
    rows = [
        [item, wh, str(qty), iso(extracted_at)]
        for (item, wh), qty in sorted(quantities.items())
        if (sku is None or item == sku) and (warehouse is None or wh == warehouse)
    ]
    return _write(backend, Extract("stock", rows, extracted_at, ["stale_export"] if age else []),
                  at)


def export_shipments(
    backend: LegacyBackend, at: datetime, *, since: datetime | None = None
) -> list[ExportRecord]:
    """Write the shipments not exported yet (or those shipped at or after ``since``)."""
    age = _stale_age(backend, "shipments")
    extracted_at = at - age if age else at
    if since is not None:
        chosen = [s for s in backend.shipments_since(since) if s.shipped_at <= extracted_at]
    else:
        pending = backend.shipments[backend.shipments_exported:]
        chosen = [s for s in pending if s.shipped_at <= extracted_at]
        backend.shipments_exported += len(chosen)
    rows = [
        [s.order_ref, s.erp_order_no, str(line.line_no), line.sku, str(line.quantity),
         line.warehouse, s.tracking, iso(s.shipped_at)]
        for s in chosen
        for line in s.lines
    ]
    faults = ["stale_export"] if age else []
    return _write(backend, Extract("shipments", rows, extracted_at, faults), at)


def _reorder(
    columns: list[str], rows: list[Row], order: list[str] | None
) -> tuple[list[str], list[Row]]:
    wanted = [columns[1], columns[0]] if order is None else [c for c in order if c in columns]
    new_order = wanted + [c for c in columns if c not in wanted]
    index = [columns.index(c) for c in new_order]
    return new_order, [[row[i] for i in index] for row in rows]


def _apply_layout_faults(
    backend: LegacyBackend, extract: Extract, columns: list[str]
) -> tuple[list[str], list[Row], int]:
    """Columns and rows as written, and where the quantity column ended up."""
    rows = extract.rows
    reorder = backend.use_fault("reorder_columns", extract.kind)
    if reorder is not None:
        columns, rows = _reorder(columns, rows, reorder["order"])
        extract.faults.append("reorder_columns")
    quantity_index = columns.index("quantity")
    rename = backend.use_fault("rename_columns", extract.kind)
    if rename is not None:
        columns = [rename["columns"].get(c, c) for c in columns]
        extract.faults.append("rename_columns")
    return columns, rows, quantity_index


def render_csv(columns: list[str], rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def control_file(
    backend: LegacyBackend, record: ExportRecord, extra: dict[str, Any] | None = None
) -> bytes:
    """The control file beside an export: its name, sequence, time, row count and quantity
    sum, and ``extra`` control totals (a price file's amount sum)."""
    values: dict[str, Any] = {
        "INTERFACE_VERSION": INTERFACE_VERSION,
        "HOST_SYSTEM_NAME": backend.host_system_name,
        "FILE_NAME": record.name,
        "FILE_SEQUENCE": f"{record.seq:06d}",
        "EXTRACTED_AT": iso(record.extracted_at),
        "ROW_COUNT": record.rows,
        "SUM_QUANTITY": record.sum_quantity,
        **(extra or {}),
    }
    return render_key_values(values, ",").encode("utf-8")


def _next_seq(backend: LegacyBackend, extract: Extract) -> int:
    skip = backend.use_fault("skip_sequence", extract.kind)
    if skip is not None:
        extract.faults.append("skip_sequence")
        return backend.export_seq[extract.kind] + 1 + int(skip["count"])
    return backend.export_seq[extract.kind] + 1


def _emit(backend: LegacyBackend, record: ExportRecord, data: bytes) -> ExportRecord:
    control = control_file(backend, record)
    backend.folders.write("outbound", record.name, data)
    backend.folders.write("outbound", record.control_file, control)
    backend.export_blobs[record.name] = (data, control)
    backend.export_seq[record.kind] = max(backend.export_seq[record.kind], record.seq)
    backend.exports.append(record)
    return record


def _write(backend: LegacyBackend, extract: Extract, at: datetime) -> list[ExportRecord]:
    layout = EXPORT_LAYOUTS[extract.kind]
    columns, rows, quantity_index = _apply_layout_faults(
        backend, extract, list(layout.column_names)
    )
    seq = _next_seq(backend, extract)
    repeat = backend.use_fault("repeat_export", extract.kind) is not None
    if repeat:
        extract.faults.append("repeat_export")
    name = export_file_name(extract.kind, extract.extracted_at.strftime("%Y%m%d%H%M%S"), seq)
    record = ExportRecord(
        name, extract.kind, seq, len(rows), sum(int(r[quantity_index]) for r in rows),
        extract.extracted_at, at, stem(name) + CONTROL_SUFFIX, columns, list(extract.faults),
    )
    data = render_csv(columns, rows)
    written = [_emit(backend, record, data)]
    if repeat:
        copy_name = export_file_name(extract.kind, name.split("_")[1], seq + 1)
        duplicate = replace(record, name=copy_name, seq=seq + 1, duplicate_of=name,
                            control_file=stem(copy_name) + CONTROL_SUFFIX)
        written.append(_emit(backend, duplicate, data))
    return written


def redrop(backend: LegacyBackend, name: str) -> ExportRecord:
    """Write an earlier export again under its own name (the ERP job re-sent it)."""
    blobs = backend.export_blobs.get(name)
    original = next((r for r in backend.exports if r.name == name), None)
    if blobs is None or original is None:
        raise ValueError(f"no export named {name!r}")
    data, control = blobs
    backend.folders.write("outbound", name, data)
    backend.folders.write("outbound", original.control_file, control)
    record = replace(original, written_at=backend.clock.now(), duplicate_of=name,
                     faults=[*original.faults, "redrop"])
    backend.exports.append(record)
    return record
