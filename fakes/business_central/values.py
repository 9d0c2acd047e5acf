"""Typed values on the wire: checking a request body against an entity definition, coercing
JSON values to stored values (``Decimal`` for decimals, canonical strings for GUIDs and dates),
rendering them back, and weak ETags.
"""

from __future__ import annotations

import base64
import uuid
import zlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fakes.business_central.errors import BadRequest, ReadOnlyField, StringTooLong
from fakes.business_central.schema import (
    BOOL,
    DATE,
    DATETIME,
    DEC,
    ENUMS,
    GUID,
    INT,
    INT64,
    STR,
    EntityDef,
    Field,
)

ENUM_ALIASES = {"": " "}


def iso_now(now: datetime) -> str:
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def to_json(value: Any) -> Any:
    """Stored value -> JSON value (decimals become numbers, integral ones without a point)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def check_body(entity: EntityDef, body: Any, allow: tuple[str, ...] = ()) -> dict[str, Any]:
    """Validate a POST/PATCH body and return it coerced; ``allow`` names extra keys (lines)."""
    if not isinstance(body, dict):
        raise BadRequest("Invalid Request Body")
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key.startswith("@odata.") or key in allow:
            continue
        spec = entity.field(key)
        if spec is None:
            raise BadRequest(
                f"The property '{key}' does not exist on type '{entity.qualified_type}'. "
                "Make sure to only use property names that are defined by the type."
            )
        if spec.read_only:
            raise ReadOnlyField(f"Control '{spec.caption}' is read-only")
        out[key] = coerce(spec, value)
    return out


def coerce(spec: Field, value: Any) -> Any:
    if value is None:
        return spec.default()
    if spec.is_enum:
        return _enum(spec, value)
    result = _COERCERS[spec.type](value)
    if result is None:
        raise BadRequest(
            f"Cannot convert a primitive value to the expected type '{spec.edm_type}'. "
            "See the inner exception for more details."
        )
    if isinstance(result, str) and spec.type == STR and spec.max_length is not None and \
            len(result) > spec.max_length:
        raise StringTooLong(
            f"The length of the string is {len(result)}, but it must be less than or equal to "
            f"{spec.max_length} characters. Value: {result}"
        )
    return result


def _enum(spec: Field, value: Any) -> str:
    members = ENUMS[spec.type]
    text = ENUM_ALIASES.get(value, value) if isinstance(value, str) else value
    if text not in members:
        raise BadRequest(
            f"'{value}' is not an option. The existing options are: {','.join(members)}",
            code="Unknown",
        )
    return str(text)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def guid(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value.strip("{}")))
    except ValueError:
        return None


def _date(value: Any) -> str:
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) else _bad_date()
    except ValueError:
        return _bad_date()


def _bad_date() -> str:
    raise BadRequest("Unable to convert value to Date")


def _datetime(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return iso_now(parsed) if parsed.tzinfo else None


_COERCERS: dict[str, Callable[[Any], Any]] = {
    STR: _str, DEC: _decimal, BOOL: _bool, INT: _int, INT64: _int, GUID: guid, DATE: _date,
    DATETIME: _datetime,
}


def etag(record: dict[str, Any]) -> str:
    """A weak ETag that changes with every write of the record (shaped like BC's)."""
    seed = zlib.crc32(str(record.get("id", "")).encode())
    token = f"'{record.get('_v', 1)};{seed}{record.get('_v', 1):08d}1;00;'"
    return f'W/"{base64.b64encode(token.encode()).decode()}"'


def etag_matches(record: dict[str, Any], header: str) -> bool:
    if header.strip() == "*":
        return True
    current = etag(record)
    return any(_bare(tag) == _bare(current) for tag in header.split(","))


def _bare(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag
