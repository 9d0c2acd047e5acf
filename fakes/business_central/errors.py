"""Business Central error envelopes: ``{"error": {"code", "message"}}`` with the CorrelationId
suffix, the error classes the backend raises, Entra ID token-endpoint errors, and
``render_error`` for the faults fakes/core injects.

Codes and texts follow the MSD error-code table (``webservices/dynamics-error-codes``) and the
APIV2 page sources; where the table gives no HTTP status the choice is noted on the class.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from flask import Response, current_app, has_app_context

from fakes.core.spec import ErrorRequest

JSON_TYPE = "application/json; odata.metadata=minimal"
EXTENSION_KEY = "business_central"


class BCError(Exception):
    """An error answered in the Business Central envelope."""

    status = 400
    code = "BadRequest"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or type(self).code
        self.status = status or type(self).status
        self.headers = dict(headers or {})


class BadRequest(BCError):
    pass


class NotFound(BCError):
    status = 404
    code = "BadRequest_NotFound"


class ResourceNotFound(BCError):
    status = 404
    code = "BadRequest_ResourceNotFound"


class RecordNotFound(BCError):
    """A key that matches no record (status 404: unconfirmed, the table gives none)."""

    status = 404
    code = "Internal_RecordNotFound"


class QuerySyntax(BCError):
    status = 400
    code = "BadRequest_NotFound"


class ReadOnlyField(BCError):
    code = "BadRequest_InvalidOperation"


class MethodNotAllowed(BCError):
    status = 405
    code = "BadRequest_MethodNotAllowed"


class InvalidToken(BCError):
    code = "BadRequest_InvalidToken"
    TEXT = (
        "Could not validate the client concurrency token required by the service. "
        "Please provide a valid token in the client request."
    )


class EntityChanged(BCError):
    status = 409
    code = "Request_EntityChanged"
    TEXT = "Another user has already changed the record."


class Dialog(BCError):
    code = "Application_DialogException"


class TableRelation(BCError):
    code = "Internal_InvalidTableRelation"


class StringTooLong(BCError):
    code = "Application_StringExceededLength"


class RequiredField(BCError):
    code = "BadRequest_RequiredParamNotProvided"


class CompanyNotFound(BCError):
    """Status 404 is unconfirmed (third-party clients expect it)."""

    status = 404
    code = "Internal_CompanyNotFound"


class EnvironmentNotFound(BCError):
    """``NoEnvironment`` / 404: a single third-party source, unconfirmed."""

    status = 404
    code = "NoEnvironment"


class AuthError(BCError):
    status = 401
    code = "Authentication_InvalidCredentials"


class Throttled(BCError):
    status = 429
    code = "Application_TooManyRequests"


def new_correlation_id() -> str:
    """A correlation id from the running fake's backend, else a stable hash-based one."""
    if has_app_context():
        backend = current_app.extensions.get(EXTENSION_KEY)
        if backend is not None:
            return str(backend.correlation_id())
    return str(uuid.UUID(bytes=hashlib.sha256(b"bc-correlation").digest()[:16], version=4))


def envelope(code: str, message: str, correlation_id: str) -> dict[str, Any]:
    text = message.rstrip()
    return {"error": {"code": code, "message": f"{text}  CorrelationId:  {correlation_id}."}}


def json_response(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body), status=status, content_type=JSON_TYPE)
    response.headers["OData-Version"] = "4.0"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def error_response(error: BCError, correlation_id: str | None = None) -> Response:
    body = envelope(error.code, error.message, correlation_id or new_correlation_id())
    return json_response(body, error.status, error.headers)


_DEFAULT_CODES = {
    400: ("BadRequest", "Bad Request"),
    401: ("Authentication_InvalidCredentials", "The server has rejected the client credentials."),
    403: ("Authorization_InsufficientPermissions", "You do not have permission to access this."),
    404: ("BadRequest_NotFound", "The requested resource was not found."),
    405: ("BadRequest_MethodNotAllowed", "The requested resource does not support this method."),
    409: (EntityChanged.code, EntityChanged.TEXT),
    429: ("Application_TooManyRequests", "Too many requests reached."),
    500: ("Internal_ServerError", "Something went wrong."),
    503: ("Internal_ServiceUnavailable", "The service is temporarily unavailable."),
    504: ("Internal_RequestTimeout", "The operation has timed out."),
}


def _defaults_for(status: int) -> tuple[str, str]:
    if status in _DEFAULT_CODES:
        return _DEFAULT_CODES[status]
    return ("Unknown", "The request failed.") if status < 500 else _DEFAULT_CODES[500]


def render_error(err: ErrorRequest) -> Response:
    """The vendor body for errors fakes/core raises (faults, unmatched routes, crashes)."""
    if err.kind in ("throttle", "concurrency"):
        code = err.code or "Application_TooManyRequests"
        message = err.message or "Too many requests reached. Actual (101). Maximum (100)."
        return error_response(BCError(message, code=code, status=err.status))
    default_code, default_message = _defaults_for(err.status)
    code = err.code or default_code
    message = err.message or default_message
    if err.kind == "http_error" and err.status == 404 and not err.code:
        code = "BadRequest_NotFound"
        message = "No HTTP resource was found that matches the request URI."
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if err.status == 401 else {}
    return error_response(BCError(message, code=code, status=err.status, headers=headers))


# -- Entra ID (token endpoint) -----------------------------------------------------------------


class EntraError(Exception):
    """An OAuth 2.0 error from the Entra ID token endpoint (``AADSTS`` codes)."""

    def __init__(self, status: int, error: str, aadsts: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.error = error
        self.aadsts = aadsts
        self.text = text

    def body(self, trace_id: str, correlation_id: str, timestamp: str) -> dict[str, Any]:
        description = (
            f"AADSTS{self.aadsts}: {self.text}\r\nTrace ID: {trace_id}\r\n"
            f"Correlation ID: {correlation_id}\r\nTimestamp: {timestamp}"
        )
        return {
            "error": self.error,
            "error_description": description,
            "error_codes": [self.aadsts],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": f"https://login.microsoftonline.com/error?code={self.aadsts}",
        }


def missing_parameter(name: str) -> EntraError:
    return EntraError(
        400, "invalid_request", 900144,
        f"The request body must contain the following parameter: '{name}'.",
    )
