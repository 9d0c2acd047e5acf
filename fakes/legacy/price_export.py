"""The ERP's price export job: ``outbound/PRICE_<YYYYMMDDHHMMSS>_<seq:06d>.csv`` and then its
``.ctl`` control file (written last), like the stock export.

A price export is the whole price book as of the extraction day: every record that has not
ended (current and future prices with their dates), in item, list, minimum quantity and
first-day order; or only one item and/or one price list when asked. Its control file adds
``SUM_AMOUNT`` (the sum of the ``price`` column) to the common keys (``SUM_QUANTITY`` is the sum
of ``min_qty``). The sequence counts from 1, separately from the other export kinds.

The job runs on the ``export_prices`` event and every ``price_export_interval_s`` simulated
seconds (option; default 0 = only on the event). Standing export faults apply to price
exports only when they name ``kind: prices`` (``rename_columns``, ``reorder_columns``,
``skip_sequence``, ``repeat_export``), so faults meant for stock or shipments never touch
them.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from contracts.legacy.layouts import (
    AMOUNT_CONTROL_KEY,
    CONTROL_SUFFIX,
    PRICE_EXPORT,
    export_file_name,
    stem,
)
from fakes.legacy.exporter import control_file, render_csv
from fakes.legacy.model import ExportRecord, money

if TYPE_CHECKING:
    from fakes.legacy.state import LegacyBackend

KIND = "prices"
Row = list[str]


def _fault(backend: LegacyBackend, name: str) -> dict[str, Any] | None:
    """A standing export fault that names ``kind: prices`` (counting down ``remaining``)."""
    params = backend.active_faults.get(name)
    if params is None or params.get("kind") != KIND:
        return None
    return backend.use_fault(name, KIND)


def _layout_faults(
    backend: LegacyBackend, rows: list[Row], faults: list[str]
) -> tuple[list[str], list[Row]]:
    columns = list(PRICE_EXPORT.column_names)
    reorder = _fault(backend, "reorder_columns")
    if reorder is not None:
        order = reorder["order"]
        wanted = [columns[1], columns[0]] if order is None else [c for c in order if c in columns]
        moved = wanted + [c for c in columns if c not in wanted]
        index = [columns.index(c) for c in moved]
        columns, rows = moved, [[row[i] for i in index] for row in rows]
        faults.append("reorder_columns")
    rename = _fault(backend, "rename_columns")
    if rename is not None:
        columns = [rename["columns"].get(c, c) for c in columns]
        faults.append("rename_columns")
    return columns, rows


def _emit(backend: LegacyBackend, record: ExportRecord, data: bytes, amount: Decimal) -> None:
    control = control_file(backend, record, {AMOUNT_CONTROL_KEY: money(amount)})
    backend.folders.write("outbound", record.name, data)
    backend.folders.write("outbound", record.control_file, control)
    backend.export_blobs[record.name] = (data, control)
    backend.export_seq[KIND] = max(backend.export_seq.get(KIND, 0), record.seq)
    backend.exports.append(record)


def export_prices(
    backend: LegacyBackend,
    at: datetime,
    *,
    sku: str | None = None,
    price_list: str | None = None,
) -> list[ExportRecord]:
    """Write a price export of the book as of ``at`` (optionally one item and/or list)."""
    chosen = [
        r
        for r in backend.price_book.current_and_future(at.date())
        if (sku is None or r.sku == sku) and (price_list is None or r.price_list == price_list)
    ]
    faults: list[str] = []
    columns, rows = _layout_faults(backend, [r.row() for r in chosen], faults)
    seq = backend.export_seq.get(KIND, 0) + 1
    skip = _fault(backend, "skip_sequence")
    if skip is not None:
        seq += int(skip["count"])
        faults.append("skip_sequence")
    repeat = _fault(backend, "repeat_export") is not None
    if repeat:
        faults.append("repeat_export")
    name = export_file_name(KIND, at.strftime("%Y%m%d%H%M%S"), seq)
    amount = sum((r.price for r in chosen), Decimal(0))
    record = ExportRecord(
        name,
        KIND,
        seq,
        len(rows),
        sum(r.min_qty for r in chosen),
        at,
        at,
        stem(name) + CONTROL_SUFFIX,
        columns,
        list(faults),
    )
    data = render_csv(columns, rows)
    _emit(backend, record, data, amount)
    written = [record]
    if repeat:
        copy_name = export_file_name(KIND, name.split("_")[1], seq + 1)
        duplicate = replace(
            record,
            name=copy_name,
            seq=seq + 1,
            duplicate_of=name,
            control_file=stem(copy_name) + CONTROL_SUFFIX,
        )
        _emit(backend, duplicate, data, amount)
        written.append(duplicate)
    return written


def tick(backend: LegacyBackend, now: datetime) -> None:
    """Run the scheduled price export once when its slot has come (missed slots collapse)."""
    book = backend.price_book
    interval = book.export_interval_s
    if interval <= 0 or book.next_export_at is None or now < book.next_export_at:
        return
    missed = math.floor((now - book.next_export_at).total_seconds() / interval)
    slot = book.next_export_at + timedelta(seconds=missed * interval)
    book.next_export_at = slot + timedelta(seconds=interval)
    export_prices(backend, slot)
