"""Property values on the wire: what the Service Layer accepts and how it writes them.

The SL is lenient on input: numbers may come as strings (the manual's batch sample posts
``"quantity": "1"``), enums as member name or stored value (``cCustomer`` or ``C``), dates in
several spellings (``2014-04-23``, ``20140423``, ``2014-04-23T12:21:21``). Internally dates are
``YYYY-MM-DD`` and enums are member names. v1 writes dates as ``YYYY-MM-DD``; v2 (OData 4)
writes ``Edm.DateTimeOffset`` values, ``YYYY-MM-DDT00:00:00Z``.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from contracts.sap_b1.csdl import Prop
from fakes.sap_b1 import errors, schema

INT_TYPES = {"Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte"}
FLOAT_TYPES = {"Edm.Double", "Edm.Decimal", "Edm.Single"}
DATE_RE = re.compile(r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ]?(\d{2}):?(\d{2})(?::?(\d{2}))?.*)?$")
TIME_RE = re.compile(r"^(?:\d{4}-\d{2}-\d{2}T)?(\d{2}):?(\d{2})(?::?(\d{2}))?")


def parse_date(text: str) -> str | None:
    """``YYYY-MM-DD`` for any date spelling the SL accepts, else None."""
    match = DATE_RE.match(text.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def parse_time(text: str) -> str | None:
    match = TIME_RE.match(text.strip())
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return f"{hour:02d}:{minute:02d}:{second:02d}"


def _number(value: Any, cast: type[int] | type[float]) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number: float = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    if not math.isfinite(number):
        return None
    if cast is int:
        return int(number) if number.is_integer() else None
    return number


def coerce(p: Prop, value: Any) -> Any:
    """A scalar value for property ``p`` in internal form; raises the SL error when invalid."""
    if value is None:
        return None
    result = _coerce(p, value)
    if result is None:
        raise errors.invalid_value(p.name, value)
    return result


def _coerce(p: Prop, value: Any) -> Any:
    base = p.base_type
    if schema.is_enum(p):
        return schema.enum_names(p.local_type).get(str(value).lower())
    if base in INT_TYPES:
        return _number(value, int)
    if base in FLOAT_TYPES:
        return _number(value, float)
    if base == "Edm.DateTime":
        return parse_date(value) if isinstance(value, str) else None
    if base == "Edm.Time":
        return parse_time(value) if isinstance(value, str) else None
    if base == "Edm.Boolean":
        return value if isinstance(value, bool) else None
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def render(p: Prop | None, value: Any, v2: bool) -> Any:
    """The wire form of an internal value."""
    if value is None or p is None or not v2:
        return value
    if p.base_type == "Edm.DateTime":
        return f"{value}T00:00:00Z"
    return value


def udf_value(value: Any) -> Any:
    """User-defined fields are open properties: any JSON scalar is stored as given."""
    if isinstance(value, dict | list):
        raise errors.invalid_value("U_*", value)
    return value


def today(now: datetime) -> str:
    return now.date().isoformat()
