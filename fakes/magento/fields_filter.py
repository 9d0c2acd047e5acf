"""Partial responses: the ``fields`` query parameter of Magento's REST API.

Magento's ``Webapi\\Rest\\Response\\FieldsFilter`` runs on every synchronous REST answer when
``fields`` is given (GET, POST and PUT alike): ``sku,price``, ``billing_address`` (a whole
object) or ``items[entity_id,items[sku]]`` (nested selections) keep only those keys. A list is
filtered item by item. Its quirks are kept: a malformed filter (any character but letters,
digits, ``_``, ``[``, ``]`` and ``,``, or unbalanced brackets) answers an empty array, and an
empty list comes back as ``null`` and an object left with no key as ``[]``.
"""

from __future__ import annotations

import re
from typing import Any

Selection = dict[str, Any]  # field -> 1 (whole value) or a nested selection

_ALLOWED = re.compile(r"^[A-Za-z0-9_\[\],]+$")


def parse(text: str) -> Selection | None:
    """``customer[id,email],total_count`` as ``{"customer": {"id": 1, "email": 1},
    "total_count": 1}``; None when malformed."""
    if not _ALLOWED.match(text):
        return None
    current: Selection = {}
    stack: list[tuple[Selection, str | None]] = []
    start: int | None = None
    last: str | None = None
    for position, char in enumerate(text):
        if char in "[],":
            if start is not None:
                last = text[start:position]
                current[last] = 1
            start = None
        if char == "[":
            stack.append((current, last))
            current = {}
        elif char == "]":
            if not stack:
                return None
            parent, name = stack.pop()
            parent[str(name)] = current
            current = parent
        elif char != "," and start is None:
            start = position
    if stack:
        return None
    if start is not None:
        current[text[start:]] = 1
    return current


def apply(data: Any, selection: Selection) -> Any:
    """``data`` with only the selected keys; a list is filtered item by item."""
    if isinstance(data, list):
        filtered = [_intersect(item, selection) for item in data]
        return filtered or None  # Magento's filter leaves an empty list unset: null
    if isinstance(data, dict):
        return _intersect(data, selection)
    return data


def _intersect(item: Any, selection: Selection) -> Any:
    if not isinstance(item, dict):
        return item
    kept: dict[str, Any] = {}
    for key, value in item.items():
        if key not in selection:
            continue
        wanted = selection[key]
        nested = isinstance(wanted, dict) and isinstance(value, dict | list)
        kept[key] = apply(value, wanted) if nested else value
    return kept or []  # PHP writes an empty array as []


def item_keys(fields: str | None) -> frozenset[str] | None:
    """The keys ``fields`` keeps of each of a list's ``items`` (``items[entity_id,status]``),
    or None when it keeps them whole or there is no valid filter."""
    selection = parse(fields) if fields else None
    wanted = selection.get("items") if selection else None
    return frozenset(wanted) if isinstance(wanted, dict) else None


def filtered(data: Any, fields: str | None) -> Any:
    """The answer as Magento sends it for ``?fields=...`` (unchanged without one)."""
    if not fields:
        return data
    selection = parse(fields)
    if selection is None:
        return []
    return apply(data, selection)
