"""Edm values on the wire: JSON encoding, JSON decoding, URI literals, keys and ETags.

Values are kept as Python types on the backend (str, Decimal, bool, int, float, datetime for
Edm.DateTime/DateTimeOffset, time for Edm.Time); this module turns them into SAP Gateway's
JSON (``/Date(ms)/``, ``/Date(ms+0000)/``, ``PT12H30M00S``, decimals as strings) and back.

Decimals with a ``sap:unit`` are rendered with the unit's decimals (currencies: 2, pieces: 0),
the way Gateway applies currency and unit-of-measure conversion; other decimals with their
declared scale (``"3.000"``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from contracts.s4hana.edmx import EntityType, Property

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CURRENCY_DECIMALS = {"JPY": 0, "KRW": 0}
UNIT_DECIMALS = {"PC": 0, "EA": 0, "ST": 0, "CAR": 0, "PAL": 0}
_DATE_JSON = re.compile(r"^/Date\((-?\d+)(?:([+-])(\d{4}))?\)/$")
_TIME = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.\d+)?S)?$")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_INT_TYPES = {"Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte"}


class EdmError(ValueError):
    """A value that does not fit its Edm type (the message names the property)."""


def default(prop: Property) -> Any:
    """What Gateway shows for an initial (empty) ABAP field of this type."""
    kind = prop.type
    if kind == "Edm.String":
        return ""
    if kind == "Edm.Boolean":
        return False
    if kind == "Edm.Decimal":
        return Decimal(0)
    if kind in _INT_TYPES:
        return 0
    if kind in ("Edm.Double", "Edm.Single"):
        return 0.0
    if kind == "Edm.Time":
        return time(0, 0, 0)
    if kind == "Edm.Guid":
        return "00000000-0000-0000-0000-000000000000"
    return None


def ms(value: datetime) -> int:
    return int((value - EPOCH) / timedelta(milliseconds=1))


def format_decimal(value: Decimal, places: int) -> str:
    own = max(0, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"{value:.{max(places, own)}f}"


def decimal_places(prop: Property, record: dict[str, Any] | None) -> int:
    if prop.unit and record is not None:
        unit = str(record.get(prop.unit) or "")
        if "Currency" in prop.unit:
            return CURRENCY_DECIMALS.get(unit, 2)
        return UNIT_DECIMALS.get(unit, 3)
    return prop.scale or 0


def to_json(prop: Property, value: Any, record: dict[str, Any] | None = None) -> Any:
    """The JSON value Gateway sends for ``value`` (``record`` supplies units and currencies)."""
    if value is None:
        return None
    kind = prop.type
    if kind == "Edm.Decimal":
        return format_decimal(Decimal(value), decimal_places(prop, record))
    if kind == "Edm.DateTime":
        return f"/Date({ms(value)})/"
    if kind == "Edm.DateTimeOffset":
        return f"/Date({ms(value)}+0000)/"
    if kind == "Edm.Time":
        return f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"
    if kind == "Edm.Int64":
        return str(value)
    return value


def from_json(prop: Property, raw: Any) -> Any:
    """Decode a JSON payload value for ``prop``; raise :class:`EdmError` when it does not fit."""
    if raw is None:
        if not prop.nullable:
            raise EdmError(f"Property '{prop.name}' must not be null")
        return None
    decoder = _DECODERS.get(prop.type, _decode_string)
    try:
        value = decoder(raw)
    except (ValueError, InvalidOperation, TypeError, OverflowError) as exc:
        raise EdmError(f"Invalid value '{raw}' for property '{prop.name}' ({prop.type})") from exc
    _check_facets(prop, value)
    return value


def _decode_string(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValueError("not a string")
    return raw


def _decode_decimal(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError("not a decimal")
    value = Decimal(str(raw).strip())
    if not value.is_finite():
        raise ValueError("not finite")
    return value


def _decode_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw in ("true", "false"):
        return bool(raw == "true")
    raise ValueError("not a boolean")


def _decode_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("not an integer")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and re.fullmatch(r"-?\d+L?", raw):
        return int(raw.rstrip("L"))
    raise ValueError("not an integer")


def _decode_float(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("not a number")
    return float(raw)


def _decode_datetime(raw: Any) -> datetime:
    if not isinstance(raw, str):
        raise ValueError("not a date")
    match = _DATE_JSON.match(raw)
    if match:
        value = EPOCH + timedelta(milliseconds=int(match.group(1)))
        if match.group(2):
            minutes = int(match.group(3))
            value += timedelta(minutes=minutes if match.group(2) == "+" else -minutes)
        return value
    return parse_iso(raw)


def parse_iso(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _decode_time(raw: Any) -> time:
    match = _TIME.match(raw) if isinstance(raw, str) else None
    if not match:
        raise ValueError("not a time")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return time(hours, minutes, seconds)


def _decode_guid(raw: Any) -> str:
    if not isinstance(raw, str) or not _GUID.match(raw):
        raise ValueError("not a guid")
    return raw.lower()


_DECODERS = {
    "Edm.String": _decode_string,
    "Edm.Decimal": _decode_decimal,
    "Edm.Boolean": _decode_bool,
    "Edm.DateTime": _decode_datetime,
    "Edm.DateTimeOffset": _decode_datetime,
    "Edm.Time": _decode_time,
    "Edm.Guid": _decode_guid,
    "Edm.Double": _decode_float,
    "Edm.Single": _decode_float,
    **{kind: _decode_int for kind in _INT_TYPES},
}


def _check_facets(prop: Property, value: Any) -> None:
    if isinstance(value, str) and prop.max_length and len(value) > prop.max_length:
        raise EdmError(
            f"Value '{value}' for property '{prop.name}' exceeds the maximum length "
            f"{prop.max_length}"
        )
    if isinstance(value, Decimal) and prop.precision:
        digits = len(value.quantize(Decimal(1)).copy_abs().to_integral_value().as_tuple().digits)
        if digits > prop.precision - (prop.scale or 0):
            raise EdmError(f"Value '{value}' for property '{prop.name}' is too large")


# -- URI literals ----------------------------------------------------------------------------
_LITERAL = re.compile(
    r"^(?:(?P<prefix>datetimeoffset|datetime|time|guid|binary|X)'(?P<quoted>[^']*)'"
    r"|'(?P<string>(?:[^']|'')*)'"
    r"|(?P<number>[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?P<suffix>[mMdDfFlL]?)"
    r"|(?P<word>true|false|null))$"
)


def parse_literal(text: str) -> Any:
    """A URI literal (``'x'``, ``12.5m``, ``datetime'2024-01-01T00:00'``, ``true``, ...)."""
    match = _LITERAL.match(text.strip())
    if not match:
        raise EdmError(f"Invalid literal {text}")
    if match.group("string") is not None:
        return match.group("string").replace("''", "'")
    if match.group("prefix"):
        return _prefixed(match.group("prefix"), match.group("quoted"))
    if match.group("number") is not None:
        return _number(match.group("number"), match.group("suffix"))
    return {"true": True, "false": False, "null": None}[match.group("word")]


def _prefixed(prefix: str, quoted: str) -> Any:
    try:
        if prefix in ("datetime", "datetimeoffset"):
            return parse_iso(quoted)
        if prefix == "time":
            return _decode_time(quoted)
    except ValueError as exc:
        raise EdmError(f"Invalid literal {prefix}'{quoted}'") from exc
    return quoted


def _number(number: str, suffix: str) -> Any:
    if suffix.lower() in ("m", "") and ("." in number or suffix):
        return Decimal(number)
    if suffix.lower() in ("d", "f") or "e" in number.lower():
        return Decimal(number)
    return int(number)


def literal(prop: Property, value: Any) -> str:
    """The URI literal for a key value."""
    if prop.type == "Edm.String":
        return "'" + str(value).replace("'", "''") + "'"
    if prop.type == "Edm.Guid":
        return f"guid'{value}'"
    if prop.type == "Edm.DateTime":
        return "datetime'" + str(value.strftime("%Y-%m-%dT%H:%M:%S")) + "'"
    if prop.type == "Edm.Boolean":
        return "true" if value else "false"
    return str(value)


def key_string(entity_type: EntityType, record: dict[str, Any]) -> str:
    """``('1')`` for a single key, ``(SalesOrder='1',SalesOrderItem='10')`` for composite ones."""
    props = [entity_type.properties[name] for name in entity_type.keys]
    if len(props) == 1:
        return "(" + literal(props[0], record.get(props[0].name, "")) + ")"
    pairs = [f"{p.name}={literal(p, record.get(p.name, default(p)))}" for p in props]
    return "(" + ",".join(pairs) + ")"


def etag(prop: Property, value: Any) -> str:
    """The weak ETag Gateway derives from the entity's concurrency property."""
    if isinstance(value, datetime):
        stamp = value.astimezone(UTC)
        text = stamp.strftime("%Y-%m-%dT%H:%M:%S") + f".{stamp.microsecond * 10:07d}Z"
        return "W/\"datetimeoffset'" + quote(text, safe="") + "'\""
    return "W/\"'" + quote(str(value), safe="") + "'\""
