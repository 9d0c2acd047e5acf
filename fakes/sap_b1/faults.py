"""Faults only a Service Layer has, for ``{"effect": {"kind": "vendor", "name": ...}}``.

``invalid_session``
    The SL forgets the caller's session (a node restart, a timeout the client did not expect):
    the request is answered 401 with code 301 and the session is gone (FM-G10).
``transaction_notification``
    The customer's ``SBO_SP_TransactionNotification`` refuses the write: 400 with code -1 and
    ``effect.params.message`` (or ``effect.message``) as text; nothing is stored.
"""

from __future__ import annotations

from flask import Response
from werkzeug.http import parse_cookie

from fakes.core.backend import VendorBackend
from fakes.core.faults import Fault, RequestInfo
from fakes.core.spec import VendorFaultHandler
from fakes.sap_b1 import errors
from fakes.sap_b1.errors import SLError, error_response

DEFAULT_TN_MESSAGE = "(TN) The document was rejected by SBO_SP_TransactionNotification"


def invalid_session(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response:
    session_id = parse_cookie(request.headers.get("Cookie", "")).get("B1SESSION")
    sessions = getattr(backend, "sessions", None)
    if session_id and isinstance(sessions, dict):
        sessions.pop(session_id, None)
    return error_response(errors.invalid_session())


def transaction_notification(
    backend: VendorBackend, fault: Fault, request: RequestInfo
) -> Response:
    effect = fault.spec.effect
    message = str(effect.params.get("message") or effect.message or DEFAULT_TN_MESSAGE)
    code = int(effect.params.get("code", -1))
    return error_response(SLError(code, message))


VENDOR_FAULTS: dict[str, VendorFaultHandler] = {
    "invalid_session": invalid_session,
    "transaction_notification": transaction_notification,
}
