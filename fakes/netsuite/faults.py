"""NetSuite-specific faults: things an administrator or a workflow does to the account.

``mandatory_field``       params ``{"record": "salesOrder", "field": "memo"}`` (or ``fields``):
                          while the fault strikes, writes of that record type without the field
                          fail with 400 ``USER_ERROR`` "Please enter value(s) for: Memo" and
                          ``o:errorPath`` naming the field (FM-N01).
``pending_approval``      new sales orders land in ``orderStatus`` A (Pending Approval) whatever
                          the body asks, until approved (event ``approve_order``) (FM-N02).
``custom_field_removed``  params ``{"record": "salesOrder", "field": "custbody_x"}``: the custom
                          field no longer exists, so writes drop it silently (or fail with
                          ``X-NetSuite-PropertyNameValidation: Error``) (FM-N03).

Each handler only marks the request; the backend applies the rule while handling it, so an
asynchronous job keeps the marks of the request that submitted it. The core strikes at most one
pre-dispatch fault per request, so two of these faults do not combine on one request; the
options ``mandatory_fields`` and ``default_order_status`` give the same rules permanently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from flask import Response

from fakes.core.backend import VendorBackend
from fakes.core.faults import Fault, RequestInfo
from fakes.netsuite.model import record_type

if TYPE_CHECKING:
    from fakes.netsuite.state import NetSuiteBackend


def _record_and_fields(fault: Fault) -> tuple[str, list[str]]:
    params: dict[str, Any] = fault.spec.effect.params
    rt = record_type(str(params.get("record", "salesOrder")))
    name = rt.name if rt is not None else str(params.get("record"))
    fields = params.get("fields") or [params.get("field")]
    return name, [str(f) for f in fields if f]


def _flags(backend: VendorBackend) -> dict[str, Any]:
    return cast("NetSuiteBackend", backend).flags()


def _mark(backend: VendorBackend, key: str, fault: Fault) -> None:
    record, fields = _record_and_fields(fault)
    marks = _flags(backend).setdefault(key, {})
    marks.setdefault(record, [])
    marks[record] += [f for f in fields if f not in marks[record]]


def mandatory_field(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    _mark(backend, "mandatory", fault)
    return None


def pending_approval(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    _flags(backend)["pending_approval"] = True
    return None


def custom_field_removed(
    backend: VendorBackend, fault: Fault, request: RequestInfo
) -> Response | None:
    _mark(backend, "removed_fields", fault)
    return None


VENDOR_FAULTS = {
    "mandatory_field": mandatory_field,
    "pending_approval": pending_approval,
    "custom_field_removed": custom_field_removed,
}
