"""Resource paths: ``Orders``, ``Orders(12)``, ``Orders(DocEntry=12)/Close``, ``Orders/$count``,
``BusinessPartners('C1')``, ``SpecialPrices(CardCode='C1',ItemCode='I1')``. Entity set names
are matched case-insensitively (the manual's batch sample posts to ``orders`` and ``$1/cancel``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fakes.sap_b1 import errors, schema
from fakes.sap_b1.store import KEYS, Key

INT_KEYS = {"DocEntry", "PriceListNo"}


@dataclass(frozen=True)
class Target:
    set_name: str
    key: Key | None = None
    tail: str | None = None


def _split_key(text: str) -> list[str]:
    """Split ``a='x,y',b=2`` on commas outside quotes."""
    parts: list[str] = []
    current, quoted = "", False
    for char in text:
        if char == "'":
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [p.strip() for p in parts]


def _value(raw: str, name: str) -> Any:
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        if name in INT_KEYS:
            raise errors.resource_not_found(raw)
        return raw[1:-1].replace("''", "'")
    text = raw.rstrip("Ll")
    if name in INT_KEYS and text.lstrip("-").isdigit():
        return int(text)
    raise errors.resource_not_found(raw)


def _named(part: str) -> tuple[str, str]:
    """``Name=value`` -> (Name, value); a bare value (even one holding ``=``) -> ("", value)."""
    head = part.split("'")[0]
    if "=" not in head:
        return "", part
    name, _, raw = part.partition("=")
    return name.strip(), raw


def _field(fields: tuple[str, ...], name: str) -> str | None:
    return next((f for f in fields if f.lower() == name.lower()), None)


def parse_key(set_name: str, text: str) -> Key:
    fields = KEYS[set_name]
    parts = _split_key(text)
    if len(parts) != len(fields):
        raise errors.resource_not_found(f"{set_name}({text})")
    found: dict[str, Any] = {}
    for index, part in enumerate(parts):
        name, raw = _named(part)
        field = _field(fields, name) if name else fields[index]
        if field is None:
            raise errors.resource_not_found(f"{set_name}({text})")
        found[field] = _value(raw.strip(), field)
    if len(found) != len(fields):
        raise errors.resource_not_found(f"{set_name}({text})")
    return found[fields[0]] if len(fields) == 1 else tuple(found[f] for f in fields)


def _closing(text: str, start: int) -> int:
    quoted = False
    for index in range(start, len(text)):
        if text[index] == "'":
            quoted = not quoted
        elif text[index] == ")" and not quoted:
            return index
    raise errors.resource_not_found(text)


def parse_target(path: str) -> Target:
    path = path.strip("/")
    paren = path.find("(")
    slash = path.find("/")
    if paren != -1 and (slash == -1 or paren < slash):
        name, end = path[:paren], _closing(path, paren + 1)
        key_text, rest = path[paren + 1 : end], path[end + 1 :]
    else:
        name, _, rest = path.partition("/")
        key_text = None
    set_name = schema.canonical_set(name)
    if set_name is None or set_name not in KEYS:
        raise errors.resource_not_found(name)
    key = parse_key(set_name, key_text) if key_text is not None else None
    tail = rest.strip("/") or None
    return Target(set_name, key, tail)
