"""S/4HANA-specific faults (``effect.kind = "vendor"``, ``effect.name`` below).

- ``session_expired``: every security session ends before the request is processed, so its
  CSRF token and session cookie are refused (403 ``x-csrf-token: Required``) as after an
  ICF session timeout (FM-G10).
- ``document_locked``: the request is answered with SD's lock error (V1/042, "Sales document
  is currently being processed"), as when a user edits the order in the GUI.
- ``etag_conflict``: the update is refused with 412 as if someone changed the entity first.
"""

from __future__ import annotations

import re

from flask import Response

from fakes.core.backend import VendorBackend
from fakes.core.faults import Fault, RequestInfo
from fakes.core.spec import VendorFaultHandler
from fakes.s4hana.errors import business, error_response, precondition_failed
from fakes.s4hana.state import S4Backend

_ORDER = re.compile(r"A_SalesOrder(?:Item)?\((?:SalesOrder=)?'([^']*)'")


def session_expired(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    assert isinstance(backend, S4Backend)
    backend.auth.expire_all()
    return None


def document_locked(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    assert isinstance(backend, S4Backend)
    match = _ORDER.search(request.path)
    document = match.group(1) if match else str(fault.spec.effect.params.get("document", ""))
    user = str(fault.spec.effect.params.get("user", "SD_CLERK"))
    err = business(
        "locked", f"Sales document {document} is currently being processed (by user {user})"
    )
    return error_response(err, backend.error_context(request.path))


def etag_conflict(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    assert isinstance(backend, S4Backend)
    return error_response(precondition_failed(), backend.error_context(request.path))


VENDOR_FAULTS: dict[str, VendorFaultHandler] = {
    "session_expired": session_expired,
    "document_locked": document_locked,
    "etag_conflict": etag_conflict,
}
