"""Data objects to JSON the way ``DataObjectProcessor`` does: unset optional values are left out.

A getter documented without ``|null`` (the schema's ``required``) is always written, ``null``
when unset (Magento really sends ``"account_status": null`` in an order's payment); every other
``null`` is dropped. Nested data objects follow the property types of
:mod:`fakes.magento.fields`.
"""

from __future__ import annotations

from typing import Any

from fakes.magento.fields import INTERFACES, REQUIRED


def prune(data: dict[str, Any], interface: str) -> dict[str, Any]:
    """A copy of ``data`` (a dict of ``interface``) with Magento's output rules applied."""
    types = INTERFACES.get(interface, {})
    required = REQUIRED.get(interface, ())
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None and key not in required:
            continue
        out[key] = _nested(value, types.get(key, "any"))
    for key in required:
        out.setdefault(key, None)
    return out


def _nested(value: Any, type_: str) -> Any:
    base = type_[:-2] if type_.endswith("[]") else type_
    if base not in INTERFACES:
        return value
    if isinstance(value, list):
        return [prune(v, base) if isinstance(v, dict) else v for v in value]
    return prune(value, base) if isinstance(value, dict) else value
