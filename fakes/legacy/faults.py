"""Legacy-ERP faults: what changes inside the ERP (export layouts, sequences, partial imports).

Two ways to switch them on, same names and parameters:

* **standing** (ERP configuration): ``ctx.options["faults"] = {name: params}`` at creation, or
  the events ``set_fault`` ``{"fault", "params"}`` / ``clear_fault`` ``{"fault"?}``. They stay on
  until cleared, or for ``params["remaining"]`` applications. Every name below works this way;
  the export faults only make sense this way (exports are ERP jobs, not requests).
* **per request** through the fault engine (``effect.kind = "vendor"``): ``partial_import`` and
  ``wsdl_drift`` (see :data:`VENDOR_FAULTS`). The struck request sees the fault; no other does.

Names and parameters (defaults in :data:`DEFAULTS`)
    ``rename_columns``   exports use other column names: ``columns`` {old: new}     FM-L02
    ``reorder_columns``  exports move columns: ``order`` [names first], default swap 1-2 FM-L02
    ``repeat_export``    each export is written twice (same rows, next sequence)      FM-L04
    ``skip_sequence``    the export sequence jumps by ``count`` before writing        FM-L04
    ``stale_export``     exports are ``age_s`` old: as_of/EXTRACTED_AT and quantities FM-SG02
    ``partial_import``   every ``every``-th valid row/line rejected with ``code``     FM-L01
    ``wsdl_drift``       WSDL and service rename elements: ``rename`` {old: new}      FM-L02

Export faults take ``kind`` (``stock`` | ``shipments``; absent = both; ``prices`` only when
named, see :mod:`fakes.legacy.price_export`).
"""

from __future__ import annotations

import copy
from typing import Any, Protocol

from flask import Response

from fakes.core.backend import VendorBackend
from fakes.core.faults import Fault, RequestInfo
from fakes.core.spec import VendorFaultHandler

DEFAULTS: dict[str, dict[str, Any]] = {
    "rename_columns": {"columns": {"quantity": "qty"}},
    "reorder_columns": {"order": None},
    "repeat_export": {},
    "skip_sequence": {"count": 1},
    "stale_export": {"age_s": 86_400},
    "partial_import": {"every": 2, "code": "LOCKED", "message": "record is locked by another user"},
    "wsdl_drift": {"rename": {"order_ref": "external_order_ref"}},
}
EXPORT_FAULTS = ("rename_columns", "reorder_columns", "repeat_export", "skip_sequence",
                 "stale_export")
EXPORT_KINDS = ("stock", "shipments", "prices")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _check_mapping(value: Any, what: str) -> None:
    _require(
        isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) and v
                                        for k, v in value.items()),
        f"{what} must be an object of non-empty strings",
    )


def _check_params(name: str, params: dict[str, Any]) -> None:
    if name == "rename_columns":
        _check_mapping(params["columns"], "columns")
    elif name == "wsdl_drift":
        _check_mapping(params["rename"], "rename")
    elif name == "reorder_columns":
        order = params["order"]
        _require(order is None or (isinstance(order, list) and all(isinstance(c, str)
                                                                    for c in order)),
                 "order must be a list of column names")
    elif name in ("skip_sequence", "partial_import"):
        key = "count" if name == "skip_sequence" else "every"
        _require(isinstance(params[key], int) and params[key] >= 1, f"{key} must be >= 1")
    elif name == "stale_export":
        _require(isinstance(params["age_s"], int | float) and params["age_s"] > 0,
                 "age_s must be > 0")


def normalise(name: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults merged with ``params``, checked; ``ValueError`` names what is wrong."""
    if name not in DEFAULTS:
        raise ValueError(f"unknown legacy fault {name!r} (known: {', '.join(sorted(DEFAULTS))})")
    if params is not None and not isinstance(params, dict):
        raise ValueError("params must be an object")
    merged = {**copy.deepcopy(DEFAULTS[name]), **(params or {})}
    _check_params(name, merged)
    kind = merged.get("kind")
    _require(kind is None or kind in EXPORT_KINDS, f"kind must be one of {EXPORT_KINDS}")
    remaining = merged.get("remaining")
    _require(remaining is None or (isinstance(remaining, int) and remaining >= 1),
             "remaining must be >= 1")
    return merged


class Armable(Protocol):
    def arm(self, name: str, params: dict[str, Any]) -> None: ...


def _arming(name: str) -> VendorFaultHandler:
    def handler(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
        target: Armable = backend  # type: ignore[assignment]
        try:
            params = normalise(name, fault.spec.effect.params)
        except ValueError:
            params = normalise(name, None)  # a bad plan still strikes, with the defaults
        target.arm(name, params)
        return None

    return handler


VENDOR_FAULTS: dict[str, VendorFaultHandler] = {
    name: _arming(name) for name in ("partial_import", "wsdl_drift")
}
