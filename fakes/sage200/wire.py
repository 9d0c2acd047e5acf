"""How values look on the Sage 200 wire: numbers as JSON numbers, date-times in UTC.

The Swagger declares ``format: date-time`` and says the values are UTC. Zynk's exports show
Sage values without a zone designator (``2017-06-05T15:24:29.44``), but that is Zynk's own XML;
the fake prints RFC 3339 UTC with ``Z`` (``2026-01-05T09:00:00Z``, fractional zeros trimmed) so
values satisfy the schema and cannot be mistaken for local time. Absent values are left out
rather than sent as ``null`` (the Swagger types are not nullable).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any


def fmt_dt(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def wire(value: Any) -> Any:
    """A Python value (Decimal, datetime, nested dict/list) as JSON-ready data."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return fmt_dt(value)
    if isinstance(value, dict):
        return compact({k: wire(v) for k, v in value.items()})
    if isinstance(value, list):
        return [wire(v) for v in value]
    return value


def compact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value is not None}


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))
