"""NetSuite REST error bodies: the ``o:errorDetails`` envelope and the fault-engine renderer.

Every error NetSuite REST web services returns has the same shape (ORA "Error Handling in REST
Web Services")::

    {"type": "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.1",
     "title": "Bad Request", "status": 400,
     "o:errorDetails": [{"detail": "...", "o:errorCode": "INVALID_CONTENT",
                         "o:errorPath": "item.items[0].item"}]}

The ``type`` URI points at the RFC 2616 section of the status (the documented 401 example has
no fragment, the documented 400 example has ``#sec10.4.1``).
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Response, current_app, has_app_context

from fakes.core.spec import ErrorRequest

ERROR_TYPE = "https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html"
ERROR_MEDIA_TYPE = "application/vnd.oracle.resource+json; type=error"
BACKEND_KEY = "netsuite_backend"
SECTIONS = {
    400: "#sec10.4.1", 403: "#sec10.4.4", 404: "#sec10.4.5", 405: "#sec10.4.6",
    406: "#sec10.4.7", 409: "#sec10.4.10", 413: "#sec10.4.14", 415: "#sec10.4.16",
    500: "#sec10.5.1", 502: "#sec10.5.3", 503: "#sec10.5.4", 504: "#sec10.5.5",
}
INVALID_LOGIN_DETAIL = (
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail."
)
CONCURRENCY_DETAIL = "Concurrent request limit exceeded. Request blocked."
DEFAULT_CODES = {
    400: "USER_ERROR", 401: "INVALID_LOGIN", 403: "INSUFFICIENT_PERMISSION",
    404: "NONEXISTENT_ID", 405: "METHOD_NOT_ALLOWED", 409: "USER_ERROR",
    413: "REQUEST_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 429: "CONCURRENCY_LIMIT_EXCEEDED",
}
DEFAULT_DETAILS = {
    401: INVALID_LOGIN_DETAIL,
    404: "The record instance does not exist. Provide a valid record instance ID.",
    405: "The HTTP method is not allowed for this resource.",
    429: CONCURRENCY_DETAIL,
    500: "An unexpected error occurred.",
    503: "The service is temporarily unavailable. Try again later.",
}


class NetSuiteError(Exception):
    """A vendor error: HTTP status, ``o:errorCode``, detail and where in the request it lies."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        path: str | None = None,
        query_param: str | None = None,
        header: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.path = path
        self.query_param = query_param
        self.header = header
        self.title = title
        self.headers = dict(headers or {})

    def detail_entry(self) -> dict[str, str]:
        entry = {"detail": self.detail, "o:errorCode": self.code}
        for key, value in (("o:errorPath", self.path), ("o:errorQueryParam", self.query_param),
                           ("o:errorHeader", self.header)):
            if value is not None:
                entry[key] = value
        return entry

    def body(self) -> dict[str, Any]:
        return envelope(self.status, [self.detail_entry()], self.title)


def bad_request(
    code: str, detail: str, *, path: str | None = None, query_param: str | None = None,
    header: str | None = None,
) -> NetSuiteError:
    return NetSuiteError(400, code, detail, path=path, query_param=query_param, header=header)


def invalid_login() -> NetSuiteError:
    return NetSuiteError(401, "INVALID_LOGIN", INVALID_LOGIN_DETAIL)


def not_found(detail: str | None = None) -> NetSuiteError:
    return NetSuiteError(404, "NONEXISTENT_ID", detail or DEFAULT_DETAILS[404])


def envelope(
    status: int, details: list[dict[str, str]], title: str | None = None
) -> dict[str, Any]:
    return {
        "type": ERROR_TYPE + SECTIONS.get(status, ""),
        "title": title or _phrase(status),
        "status": status,
        "o:errorDetails": details,
    }


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def json_response(body: Any, status: int, media_type: str, headers: dict[str, str] | None = None
                  ) -> Response:
    response = Response(json.dumps(body), status=status, mimetype=None, content_type=media_type)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def error_response(err: NetSuiteError) -> Response:
    return json_response(err.body(), err.status, ERROR_MEDIA_TYPE, err.headers)


def _option(name: str, default: str) -> str:
    if not has_app_context():
        return default
    backend = current_app.extensions.get(BACKEND_KEY)
    if backend is None:
        return default
    return str(backend.ctx.options.get(name, default))


def concurrency_error() -> NetSuiteError:
    """The overload error in the form chosen by the ``concurrency_error`` option.

    ``"429"`` (default): 429 with the envelope and ``CONCURRENCY_LIMIT_EXCEEDED`` (unconfirmed
    for REST web services); ``"400"``: RESTlet style ``SSS_REQUEST_LIMIT_EXCEEDED``; ``"401"``:
    ``INVALID_LOGIN``, the overload symptom some clients report.
    """
    form = _option("concurrency_error", "429")
    if form == "400":
        return NetSuiteError(400, "SSS_REQUEST_LIMIT_EXCEEDED", CONCURRENCY_DETAIL)
    if form == "401":
        return invalid_login()
    return NetSuiteError(429, "CONCURRENCY_LIMIT_EXCEEDED", CONCURRENCY_DETAIL)


def render_error(err: ErrorRequest) -> Response:
    """Render an error the fault engine or the core asks for, in NetSuite's envelope."""
    if err.kind == "concurrency":
        return error_response(concurrency_error())
    if err.kind == "throttle":
        code = err.code or "CONCURRENCY_LIMIT_EXCEEDED"
        return error_response(NetSuiteError(429, code, err.message or CONCURRENCY_DETAIL))
    if err.kind == "internal":
        return error_response(NetSuiteError(500, "UNEXPECTED_ERROR", DEFAULT_DETAILS[500]))
    status = err.status
    code = err.code or DEFAULT_CODES.get(status, "UNEXPECTED_ERROR")
    detail = err.message or DEFAULT_DETAILS.get(status) or _phrase(status)
    return error_response(NetSuiteError(status, code, detail))
