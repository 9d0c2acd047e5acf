"""The legacy ERP's flat-file interface as data: file names, CSV layouts, control and ack keys.

Everything a connector and the fake must agree on about the drop folders lives here (see
``ORDER_FILE.md`` beside this module for the prose). The validators return ``(ok, reason)``
so a caller can refuse a changed file and say why (FM-L02).

Layouts
    ``ORDER_IMPORT``     order files the connector drops into ``inbound/`` (``ORD_*.csv``)
    ``ORDER_REJECT``     the ``.rej`` file the ERP writes to ``ack/``: the import columns + reason
    ``STOCK_EXPORT``     stock files the ERP writes to ``outbound/`` (``STOCK_*.csv``)
    ``SHIPMENT_EXPORT``  shipment files the ERP writes to ``outbound/`` (``SHIP_*.csv``)
    ``PRICE_EXPORT``     price files the ERP writes to ``outbound/`` (``PRICE_*.csv``); its rows
                         are checked by ``price_record_problems`` / ``validate_price_records``
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

INTERFACE_VERSION = "1.0"
ENCODING = "utf-8"
DELIMITER = ","
LINE_END = "\r\n"
TRIGGER_SUFFIX = ".done"
CONTROL_SUFFIX = ".ctl"
ACK_SUFFIX = ".ack"
REJECT_SUFFIX = ".rej"

HEADER_RECORD = "H"
LINE_RECORD = "L"
TRAILER_RECORD = "T"
HEADER_RECORD_FIELDS = ("record_type", "file_seq", "created_at", "sender")
TRAILER_RECORD_FIELDS = ("record_type", "line_count", "sum_qty", "sum_amount")

ACK_STATUSES = ("accepted", "partial", "rejected")
ACK_KEYS = (
    "file",
    "file_seq",
    "status",
    "rows_total",
    "rows_accepted",
    "rows_rejected",
    "reason",
    "reject_file",
    "erp_orders",
    "sequence_gap",
    "imported_at",
)
CONTROL_KEYS = (
    "INTERFACE_VERSION",
    "HOST_SYSTEM_NAME",
    "FILE_NAME",
    "FILE_SEQUENCE",
    "EXTRACTED_AT",
    "ROW_COUNT",
    "SUM_QUANTITY",
)
AMOUNT_CONTROL_KEY = "SUM_AMOUNT"  # only in the control files of layouts with an amount column


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # str | int | decimal | date | datetime
    description: str = ""


@dataclass(frozen=True)
class CsvLayout:
    """One CSV layout: its column header row, in order, and how its files are named."""

    name: str
    columns: tuple[Column, ...]
    file_pattern: str
    quantity_column: str | None = None
    amount_column: str | None = None  # summed into the control file's SUM_AMOUNT

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def matches_name(self, file_name: str) -> re.Match[str] | None:
        return re.fullmatch(self.file_pattern, file_name)


ORDER_IMPORT = CsvLayout(
    name="order_import",
    columns=(
        Column("record_type", "str", "H header, L line, T trailer"),
        Column("order_ref", "str", "the shop's order reference (Magento increment id)"),
        Column("customer_ref", "str", "ERP customer account code"),
        Column("order_date", "date", "YYYY-MM-DD"),
        Column("line_no", "int", "1-based, unique within the order"),
        Column("sku", "str", "ERP item code"),
        Column("quantity", "int", "whole units, greater than zero"),
        Column("unit_price", "decimal", "net price per unit, '.' decimal point, up to 4 places"),
        Column("warehouse", "str", "ERP warehouse code"),
    ),
    file_pattern=r"ORD_(?P<date>[0-9]{8})_(?P<seq>[0-9]{6})\.csv",
    quantity_column="quantity",
)

ORDER_REJECT = CsvLayout(
    name="order_reject",
    columns=(*ORDER_IMPORT.columns, Column("reason", "str", "CODE: message")),
    file_pattern=r"ORD_(?P<date>[0-9]{8})_(?P<seq>[0-9]{6})\.rej",
)

STOCK_EXPORT = CsvLayout(
    name="stock_export",
    columns=(
        Column("sku", "str", "ERP item code"),
        Column("warehouse", "str", "ERP warehouse code"),
        Column("quantity", "int", "on hand"),
        Column("as_of", "datetime", "when the ERP last knew this figure (ISO 8601, UTC)"),
    ),
    file_pattern=r"STOCK_(?P<stamp>[0-9]{14})_(?P<seq>[0-9]{6})\.csv",
    quantity_column="quantity",
)

SHIPMENT_EXPORT = CsvLayout(
    name="shipment_export",
    columns=(
        Column("order_ref", "str", "the reference the order was created with"),
        Column("erp_order_no", "str", "ERP sales order number"),
        Column("line_no", "int", "order line shipped"),
        Column("sku", "str", "ERP item code"),
        Column("quantity", "int", "shipped in this shipment"),
        Column("warehouse", "str", "ERP warehouse shipped from"),
        Column("tracking", "str", "carrier tracking number"),
        Column("shipped_at", "datetime", "ISO 8601, UTC"),
    ),
    file_pattern=r"SHIP_(?P<stamp>[0-9]{14})_(?P<seq>[0-9]{6})\.csv",
    quantity_column="quantity",
)

PRICE_EXPORT = CsvLayout(
    name="price_export",
    columns=(
        Column("sku", "str", "ERP item code"),
        Column("price_list", "str", "ERP price list code (one per customer group)"),
        Column("min_qty", "int", "the price holds from this quantity on; 1 for the unit price"),
        Column("price", "decimal", "net unit price, '.' decimal point, up to 4 places"),
        Column("effective_from", "date", "first day the price holds (YYYY-MM-DD, UTC)"),
        Column("effective_to", "date", "last day it holds (inclusive); empty = open-ended"),
    ),
    file_pattern=r"PRICE_(?P<stamp>[0-9]{14})_(?P<seq>[0-9]{6})\.csv",
    quantity_column="min_qty",
    amount_column="price",
)

LAYOUTS: dict[str, CsvLayout] = {
    layout.name: layout
    for layout in (ORDER_IMPORT, ORDER_REJECT, STOCK_EXPORT, SHIPMENT_EXPORT, PRICE_EXPORT)
}
EXPORT_LAYOUTS: dict[str, CsvLayout] = {
    "stock": STOCK_EXPORT,
    "shipments": SHIPMENT_EXPORT,
    "prices": PRICE_EXPORT,
}
EXPORT_PREFIXES: dict[str, str] = {"stock": "STOCK", "shipments": "SHIP", "prices": "PRICE"}


def order_file_name(date_yyyymmdd: str, seq: int) -> str:
    """``ORD_<YYYYMMDD>_<seq:06d>.csv``."""
    return f"ORD_{date_yyyymmdd}_{seq:06d}.csv"


def export_file_name(kind: str, stamp_yyyymmddhhmmss: str, seq: int) -> str:
    """``STOCK_<YYYYMMDDHHMMSS>_<seq:06d>.csv``, ``SHIP_...`` or ``PRICE_...``."""
    return f"{EXPORT_PREFIXES[kind]}_{stamp_yyyymmddhhmmss}_{seq:06d}.csv"


def stem(file_name: str) -> str:
    """The name without its last suffix (``ORD_20260105_000001.csv`` -> ``ORD_20260105_000001``)."""
    return file_name.rsplit(".", 1)[0] if "." in file_name else file_name


def _as_columns(header: Sequence[str] | str) -> list[str]:
    if isinstance(header, str):
        first = header.lstrip("\ufeff").splitlines()[0] if header.strip() else ""
        return next(csv.reader([first]), [])
    return list(header)


def validate_header(layout: CsvLayout | str, header: Sequence[str] | str) -> tuple[bool, str]:
    """Compare a column header row with ``layout``: renamed, missing, extra or reordered columns.

    ``header`` is the parsed row or the file's text (its first line is read). Column names are
    compared exactly (case and surrounding spaces matter: a legacy importer binds by name).
    """
    expected = list((LAYOUTS[layout] if isinstance(layout, str) else layout).column_names)
    got = _as_columns(header)
    if got == expected:
        return True, "ok"
    missing = [c for c in expected if c not in got]
    extra = [c for c in got if c not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        if extra:
            parts.append("unexpected columns: " + ", ".join(extra))
        return False, "; ".join(parts)
    if len(got) != len(expected):
        doubled = sorted({c for c in got if got.count(c) > 1})
        return False, "duplicate columns: " + ", ".join(doubled)
    return False, f"columns reordered: expected {','.join(expected)}; got {','.join(got)}"


def parse_key_values(text: str, separator: str = "=") -> dict[str, str]:
    """Parse ``key=value`` (ack) or ``KEY,VALUE`` (control file) lines; blank lines are skipped."""
    result: dict[str, str] = {}
    for line in text.lstrip("\ufeff").splitlines():
        if not line.strip():
            continue
        key, _, value = line.partition(separator)
        result[key.strip()] = value.strip()
    return result


def render_key_values(values: Mapping[str, object], separator: str = "=") -> str:
    return "".join(
        f"{key}{separator}{'' if v is None else v}{LINE_END}" for key, v in values.items()
    )


def is_digits(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts characters ``int`` refuses)."""
    return re.fullmatch(r"[0-9]+", text) is not None


def to_decimal(text: str | None) -> Decimal | None:
    """``text`` as a finite Decimal, or None when it is not a plain number."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _sum_column(rows: list[dict[str, str]], column: str) -> Decimal | None:
    values = [to_decimal(row.get(column)) for row in rows]
    if any(v is None for v in values):
        return None
    return sum((v for v in values if v is not None), Decimal(0))


def validate_control(
    layout: CsvLayout | str, control_text: str, data_text: str
) -> tuple[bool, str]:
    """Check an export against its ``.ctl`` file: version, layout, row count and quantity sum."""
    resolved = LAYOUTS[layout] if isinstance(layout, str) else layout
    control = parse_key_values(control_text, ",")
    missing = [k for k in CONTROL_KEYS if k not in control]
    if missing:
        return False, "control file lacks keys: " + ", ".join(missing)
    if control["INTERFACE_VERSION"] != INTERFACE_VERSION:
        return False, f"interface version {control['INTERFACE_VERSION']} != {INTERFACE_VERSION}"
    ok, reason = validate_header(resolved, data_text)
    if not ok:
        return False, reason
    rows = list(csv.DictReader(io.StringIO(data_text.lstrip("\ufeff"))))
    if str(len(rows)) != control["ROW_COUNT"]:
        return False, f"ROW_COUNT {control['ROW_COUNT']} but the file has {len(rows)} rows"
    if resolved.quantity_column:
        total = _sum_column(rows, resolved.quantity_column)
        if total is None or total != to_decimal(control["SUM_QUANTITY"]):
            return False, f"SUM_QUANTITY {control['SUM_QUANTITY']} but the rows sum to {total}"
    if resolved.amount_column:
        return _check_amount(control, _sum_column(rows, resolved.amount_column))
    return True, "ok"


def _check_amount(control: dict[str, str], total: Decimal | None) -> tuple[bool, str]:
    claimed = control.get(AMOUNT_CONTROL_KEY)
    if claimed is None:
        return False, f"control file lacks keys: {AMOUNT_CONTROL_KEY}"
    if total is None or total != to_decimal(claimed):
        return False, f"{AMOUNT_CONTROL_KEY} {claimed} but the rows sum to {total}"
    return True, "ok"


# -- price export records -------------------------------------------------------------------------
PLAIN_PRICE = re.compile(r"[0-9]+(\.[0-9]{1,4})?")
PRICE_KEY_FIELDS = ("sku", "price_list", "min_qty", "effective_from")


@dataclass(frozen=True)
class RecordProblem:
    """One bad record of an export: its line in the file (the header row is line 1)."""

    line: int
    field: str
    message: str

    def describe(self, file_name: str) -> str:
        return f"{file_name} line {self.line} field {self.field}: {self.message}"


def _iso_date(text: str) -> date | None:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _price_field_problems(record: dict[str, str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name in ("sku", "price_list"):
        if not record[name].strip():
            found.append((name, "is empty"))
    if not is_digits(record["min_qty"]) or int(record["min_qty"]) < 1:
        found.append(("min_qty", f"{record['min_qty']!r} is not a whole number of 1 or more"))
    if PLAIN_PRICE.fullmatch(record["price"]) is None:
        found.append(("price", f"{record['price']!r} is not a price >= 0 with at most 4 places"))
    start = _iso_date(record["effective_from"])
    if start is None:
        found.append(("effective_from", f"{record['effective_from']!r} is not a YYYY-MM-DD date"))
    end_text = record["effective_to"]
    end = _iso_date(end_text) if end_text else None
    if end_text and end is None:
        found.append(("effective_to", f"{end_text!r} is not a YYYY-MM-DD date or empty"))
    elif start is not None and end is not None and end < start:
        found.append(("effective_to", f"{end_text} is before effective_from {start.isoformat()}"))
    return found


def price_record_problems(data_text: str) -> list[RecordProblem]:
    """Every bad record of a price export (``PRICE_EXPORT`` columns in their order): a wrong
    column count, an empty ``sku`` or ``price_list``, a ``min_qty`` below 1, a price that is not
    a plain decimal with at most 4 places, a bad date, ``effective_to`` before
    ``effective_from``, or a second record for the same sku, price list, min_qty and
    effective_from. Check the header row first (``validate_header``)."""
    names = PRICE_EXPORT.column_names
    reader = csv.reader(io.StringIO(data_text.lstrip("\ufeff"), newline=""))
    next(reader, None)
    problems: list[RecordProblem] = []
    seen: dict[tuple[str, ...], int] = {}
    for values in reader:
        line = reader.line_num
        if len(values) != len(names):
            problems.append(
                RecordProblem(line, "*", f"{len(values)} fields, the layout has {len(names)}")
            )
            continue
        record = dict(zip(names, values, strict=True))
        bad = _price_field_problems(record)
        problems += [RecordProblem(line, name, message) for name, message in bad]
        key = tuple(record[k] for k in PRICE_KEY_FIELDS)
        if not bad and key in seen:
            problems.append(
                RecordProblem(line, "effective_from", f"repeats the record of line {seen[key]}")
            )
        seen.setdefault(key, line)
    return problems


def validate_price_records(file_name: str, data_text: str) -> tuple[bool, str]:
    """``(ok, reason)`` for the records of a price export; the reason names the file, the line
    and the field of the first bad record and how many there are."""
    problems = price_record_problems(data_text)
    if not problems:
        return True, "ok"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return False, problems[0].describe(file_name) + more
