"""Resource paths: ``A_SalesOrder('1')/to_Item(SalesOrder='1',SalesOrderItem='10')/$count``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from contracts.s4hana.edmx import EntityType
from fakes.s4hana import edm
from fakes.s4hana.errors import SapError, bad_option

_SEGMENT = re.compile(r"^([A-Za-z_$][\w$]*)(?:\((.*)\))?$", re.DOTALL)


@dataclass(frozen=True)
class Segment:
    name: str
    key: str | None  # the text between the parentheses; None when there are none


def split_outside_quotes(text: str, sep: str) -> list[str]:
    """Split ``text`` on ``sep`` except inside single-quoted literals."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == "'":
            quoted = not quoted
        if char == sep and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def parse_path(resource: str) -> list[Segment]:
    segments = []
    for raw in split_outside_quotes(resource.strip("/"), "/"):
        match = _SEGMENT.match(raw)
        if not match:
            raise SapError(404, "/IWBEP/CM_MGW_RT/020", f"Resource not found for segment '{raw}'")
        segments.append(Segment(match.group(1), match.group(2)))
    return segments


def parse_key(entity_type: EntityType, text: str) -> dict[str, Any]:
    """The key values addressed by ``text``; SAP-shaped 400 when they do not fit."""
    parts = [p for p in split_outside_quotes(text, ",") if p.strip()]
    if len(parts) == 1 and "=" not in _unquoted(parts[0]) and len(entity_type.keys) == 1:
        return {entity_type.keys[0]: _key_value(entity_type, entity_type.keys[0], parts[0])}
    values = {}
    for part in parts:
        name, sep, literal = part.partition("=")
        if not sep or name.strip() not in entity_type.keys:
            raise bad_option(f"Invalid key predicate '{text}' for {entity_type.name}")
        values[name.strip()] = _key_value(entity_type, name.strip(), literal)
    if set(values) != set(entity_type.keys):
        raise bad_option(f"Invalid key predicate '{text}' for {entity_type.name}")
    return values


def _unquoted(text: str) -> str:
    return re.sub(r"'(?:[^']|'')*'", "", text)


def _key_value(entity_type: EntityType, name: str, literal: str) -> Any:
    prop = entity_type.properties[name]
    try:
        value = edm.parse_literal(literal)
    except edm.EdmError as exc:
        raise bad_option(f"Invalid key value {literal} for property '{name}'") from exc
    if prop.type == "Edm.String" and not isinstance(value, str):
        raise bad_option(f"Invalid key value {literal} for property '{name}' (Edm.String)")
    return value
