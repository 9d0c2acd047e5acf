"""Sage 200 error bodies.

The Sage 200 API sits behind Azure API Management (``api.columbus.sage.com``). Gateway errors
(unknown operation, JWT validation, rate limit) come back in the API Management shape
``{"statusCode": <int>, "message": "<text>"}``; Sage documents the same shape for the Sage 200
(Spain) API it serves the same way. The UK body of a *business* 400 is not confirmed by any
source we found, so the fake uses the same shape for every error (see the report). A 400
reports only the first error found [realnetintegrations "Sage 200 API HTTP response codes"].

Statuses [SelectCo/sage200-api-client exceptions; realnet]: 401 expired token or bad
X-Site/X-Company; 403 module access; 404 unknown entity/id, unknown operation, a verb the
endpoint does not support, or an endpoint absent from the product variant; 504 the on-premise
tunnel is down.
"""

from __future__ import annotations

import json

from flask import Response

from fakes.core.spec import ErrorRequest

DEFAULT_MESSAGES: dict[int, str] = {
    400: "Bad Request",
    401: "Unauthorized. Access token is missing or invalid.",
    403: "Forbidden",
    404: "Resource not found",
    409: "Conflict",
    429: "Rate limit is exceeded.",
    500: "Internal server error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def error_body(status: int, message: str) -> dict[str, object]:
    return {"statusCode": status, "message": message}


def json_response(payload: object, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def error_response(status: int, message: str | None = None) -> Response:
    text = message or DEFAULT_MESSAGES.get(status, "Error")
    return json_response(error_body(status, text), status)


class SageError(Exception):
    """An error the fake answers with; ``status`` and ``message`` go on the wire."""

    status = 400
    default_message = "Bad Request"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def response(self) -> Response:
        return error_response(self.status, self.message)


class BadRequest(SageError):
    status = 400
    default_message = "The request is invalid."


class Unauthorized(SageError):
    status = 401
    default_message = DEFAULT_MESSAGES[401]


class Forbidden(SageError):
    status = 403
    default_message = DEFAULT_MESSAGES[403]


class NotFound(SageError):
    status = 404
    default_message = DEFAULT_MESSAGES[404]


class GatewayTimeout(SageError):
    status = 504
    default_message = DEFAULT_MESSAGES[504]


def _throttle_message(err: ErrorRequest) -> str:
    if err.message:
        return err.message
    seconds = int(round(err.retry_after_s)) if err.retry_after_s is not None else 1
    return f"Rate limit is exceeded. Try again in {seconds} seconds."


def render_error(err: ErrorRequest) -> Response:
    """The body for a fault or core error of kind http_error, throttle, concurrency, internal."""
    if err.kind == "throttle":
        return error_response(err.status, _throttle_message(err))
    if err.kind == "concurrency":
        return error_response(err.status, err.message or "Too many concurrent requests.")
    if err.kind == "internal":
        return error_response(500, DEFAULT_MESSAGES[500])
    return error_response(err.status, err.message)
