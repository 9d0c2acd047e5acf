"""Writing body fields into stored records: type checks, reference lookups, unknown names.

Values are checked by the field's kind; a wrong value is ``400 INVALID_CONTENT`` with the
JSON path in ``o:errorPath`` and the documented wording ("You have entered an Invalid Field
Value 9999 for the following field: item"). Unknown field names follow the request header
``X-NetSuite-PropertyNameValidation``: ``Error`` rejects them, ``Warning`` (the default) and
``Ignore`` drop them silently. Custom fields (``custbody*``, ``custcol*``, ``custentity*``...)
are kept as sent unless a fault has removed them from the account.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from fakes.netsuite.errors import NetSuiteError, bad_request
from fakes.netsuite.model import ENUMS, LINE_CUSTOM_PREFIX, Kind, RecordType, Sublist, label

Resolve = Callable[[str, Any, str], dict[str, str]]


@dataclass(frozen=True)
class WriteOptions:
    """How a write treats its body (from query parameters and headers)."""

    replace: frozenset[str] = frozenset()
    name_validation: str = "Warning"
    removed_fields: frozenset[str] = frozenset()


def invalid_value(value: Any, field: str, path: str) -> NetSuiteError:
    shown = value if isinstance(value, str) else json.dumps(value)
    return bad_request(
        "INVALID_CONTENT",
        "Error while accessing resource: You have entered an Invalid Field Value "
        f"{shown} for the following field: {field}",
        path=path,
    )


def missing_value(field: str, path: str, labels: dict[str, str] | None = None) -> NetSuiteError:
    shown = (labels or {}).get(field) or label(field)
    return bad_request("USER_ERROR", f"Please enter value(s) for: {shown}", path=path)


def unknown_field(name: str, path: str) -> NetSuiteError:
    return bad_request("INVALID_CONTENT",
                       f"Error while accessing resource: Invalid field name: {name}", path=path)


def join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def is_custom(prefixes: tuple[str, ...], name: str, opts: WriteOptions) -> bool:
    return name.startswith(prefixes) and name not in opts.removed_fields


def coerce(kind: Kind, value: Any, field: str, path: str, target: str | None,
           resolve: Resolve) -> Any:
    """Check ``value`` against ``kind``; return what is stored (``None`` unsets)."""
    if value is None:
        return None
    if kind == "ref" and target is not None:
        return resolve(target, value, path)
    if kind == "enum":
        return _enum(value, field, path)
    if not _kind_ok(kind, value):
        raise invalid_value(value, field, path)
    return float(value) if kind == "number" else value


def _kind_ok(kind: Kind, value: Any) -> bool:
    if kind in ("string", "datetime"):
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "date":
        return isinstance(value, str) and _is_date(value)
    return False


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _enum(value: Any, field: str, path: str) -> dict[str, str]:
    key = value.get("id") if isinstance(value, dict) else value
    if not isinstance(key, str) or key not in ENUMS.get(field, {}):
        raise invalid_value(key if key is not None else value, field, path)
    return {"id": key}


def apply_fields(
    rt: RecordType, target: dict[str, Any], body: dict[str, Any], opts: WriteOptions,
    resolve: Resolve, prefixes: tuple[str, ...],
) -> None:
    """Write the body (top-level) fields of ``body`` into ``target``, sublists excluded."""
    for name, value in body.items():
        if name in rt.sublists or name in rt.read_only or name == "links":
            continue
        if is_custom(prefixes, name, opts):
            target[name] = value
            continue
        kind = rt.fields.get(name)
        if kind is None:
            _unknown(name, name, opts)
            continue
        target[name] = coerce(kind, value, name, name, rt.refs.get(name), resolve)


def apply_line_fields(
    sublist: Sublist, target: dict[str, Any], raw: dict[str, Any], opts: WriteOptions,
    resolve: Resolve, path: str, read_only: frozenset[str],
) -> None:
    for name, value in raw.items():
        if name in read_only or name == "links":
            continue
        if is_custom((LINE_CUSTOM_PREFIX,), name, opts):
            target[name] = value
            continue
        kind = sublist.fields.get(name)
        if kind is None:
            _unknown(name, join(path, name), opts)
            continue
        target[name] = coerce(kind, value, name, join(path, name), sublist.refs.get(name),
                              resolve)


def _unknown(name: str, path: str, opts: WriteOptions) -> None:
    if opts.name_validation.lower() == "error":
        raise unknown_field(name, path)


def check_required(record: dict[str, Any], fields: set[str] | frozenset[str],
                   labels: dict[str, str] | None = None) -> None:
    """Every required field has a value; custom fields are named by their ``labels``."""
    for name in sorted(fields):
        if record.get(name) in (None, "", [], {}):
            raise missing_value(name, name, labels)
