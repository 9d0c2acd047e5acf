"""Data objects to JSON the way ``DataObjectProcessor`` does: unset optional values are left out.

A getter documented without ``|null`` (the schema's ``required``) is always written, ``null``
when unset (Magento really sends ``"account_status": null`` in an order's payment); every other
``null`` is dropped. Nested data objects follow the property types of
:mod:`fakes.magento.fields`.
"""

from __future__ import annotations

import functools
from typing import Any

from fakes.magento.fields import INTERFACES, REQUIRED


def prune(data: dict[str, Any], interface: str) -> dict[str, Any]:
    """A copy of ``data`` (a dict of ``interface``) with Magento's output rules applied."""
    nested, required, always = _plan(interface)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            if key in always:
                out[key] = None
            continue
        inner = nested.get(key)
        out[key] = value if inner is None else _nested(value, inner)
    for key in required:
        out.setdefault(key, None)
    return out


@functools.cache
def _plan(interface: str) -> tuple[dict[str, str], tuple[str, ...], frozenset[str]]:
    """Of ``interface``: the data object each nested property holds (``x`` or ``x[]`` of a known
    interface), and the properties always written (in order, and as a set). Read once per
    interface."""
    nested: dict[str, str] = {}
    for key, type_ in INTERFACES.get(interface, {}).items():
        inner = type_[:-2] if type_.endswith("[]") else type_
        if inner in INTERFACES:
            nested[key] = inner
    required = REQUIRED.get(interface, ())
    return nested, required, frozenset(required)


def _nested(value: Any, interface: str) -> Any:
    if isinstance(value, list):
        return [prune(v, interface) if isinstance(v, dict) else v for v in value]
    return prune(value, interface) if isinstance(value, dict) else value
