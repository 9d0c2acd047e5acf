"""Magento's Web API errors: the exception classes the backend raises and their JSON bodies.

Magento renders every REST error as ``{"message": ..., "errors"?, "code"?, "parameters"?}``
(``trace`` only in developer mode). Two families matter for the wire:

* ``LocalizedException`` and its children (input, no-such-entity, authorization, ...) keep the
  raw message with its ``%name`` / ``%1`` placeholders and send the values in ``parameters``;
  the HTTP status is 404 for no-such-entity, 401 for authorization/authentication, else 400.
* ``Webapi\\Exception`` (routing, decoding, type conversion) sends an already rendered message
  with no ``parameters``; its status is given by the thrower.

``parameters`` is omitted when empty, as Magento does.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, has_app_context

from fakes.core.spec import ErrorRequest

Params = dict[str, Any] | list[Any] | None

ROUTE_NOT_FOUND = "Request does not match any route."
ENTITY_NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."
PRODUCT_NOT_FOUND = (
    "The product that was requested doesn't exist. Verify the product and try again."
)
NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."
SIGN_IN_INCORRECT = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)
REQUIRED = '"%fieldName" is required. Enter and try again.'
NOT_SUPPORTED = '"%fieldName" is not supported. Correct the field name and try again.'
INPUT_EXCEPTIONS = "One or more input exceptions have occurred."
UNIQUE_VIOLATION = "Unique constraint violation found"
INTERNAL = "Internal Error. Details are available in Magento log file. Report ID: {}"
TOO_MANY_REQUESTS = "Too Many Requests"
BACKEND_KEY = "magento_backend"


class MagentoError(Exception):
    """A Web API error as Magento renders it."""

    status = 400

    def __init__(
        self,
        message: str,
        parameters: Params = None,
        *,
        status: int | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.parameters = parameters
        self.errors = errors
        if status is not None:
            self.status = status

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message}
        if self.errors:
            data["errors"] = self.errors
        if self.parameters:
            data["parameters"] = self.parameters
        return data


class InputError(MagentoError):
    """``InputException`` / ``LocalizedException``: 400."""


class NoSuchEntity(MagentoError):
    status = 404


class NotAuthorized(MagentoError):
    """``AuthorizationException`` / ``AuthenticationException``: 401."""

    status = 401


class WebapiError(MagentoError):
    """``Webapi\\Exception``: a rendered message and an explicit status, never parameters."""


class RouteNotFound(WebapiError):
    status = 404

    def __init__(self) -> None:
        super().__init__(ROUTE_NOT_FOUND)


def consumer_not_authorized(resources: tuple[str, ...]) -> NotAuthorized:
    return NotAuthorized(NOT_AUTHORIZED, {"resources": ", ".join(resources)})


def entity_not_found() -> NoSuchEntity:
    return NoSuchEntity(ENTITY_NOT_FOUND)


def required_fields(names: list[str]) -> InputError:
    return aggregate([(REQUIRED, {"fieldName": name}) for name in names])


def aggregate(messages: list[tuple[str, Params]]) -> InputError:
    """``InputException::addError`` semantics: one error becomes the message, more are listed."""
    if len(messages) == 1:
        return InputError(messages[0][0], messages[0][1])
    errors = [{"message": text, "parameters": params or []} for text, params in messages]
    return InputError(INPUT_EXCEPTIONS, errors=errors)


def render(text: str, params: Params) -> str:
    """Substitute ``%name`` / ``%1`` placeholders the way a Magento ``Phrase`` renders."""
    if isinstance(params, dict):
        for key in sorted(params, key=len, reverse=True):
            text = text.replace(f"%{key}", str(params[key]))
    elif isinstance(params, list):
        for index in range(len(params), 0, -1):
            text = text.replace(f"%{index}", str(params[index - 1]))
    return text


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, separators=(",", ":"))
    return Response(body, status=status, content_type="application/json; charset=utf-8")


def error_response(error: MagentoError) -> Response:
    return json_response(error.body(), error.status)


def report_id() -> str:
    """``uniqid('webapi-')``-like, from the fake's clock and a counter (deterministic)."""
    backend = current_app.extensions.get(BACKEND_KEY) if has_app_context() else None
    if backend is None:
        return "webapi-0000000000000"
    return str(backend.next_report_id())


DEFAULT_TEXT = {
    400: "Bad Request",
    401: "The consumer isn't authorized to access the requested resources.",
    403: "Forbidden",
    404: ROUTE_NOT_FOUND,
    405: "Request method is invalid.",
    406: "Server cannot match any of the given Accept HTTP header media type(s).",
    409: "Conflict",
    429: TOO_MANY_REQUESTS,
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Timeout",
}


def render_error(err: ErrorRequest) -> Response:
    """The body fakes/core sends for an injected or unexpected error."""
    if err.kind in ("throttle", "concurrency"):
        body = {"message": err.message or TOO_MANY_REQUESTS, "trace": None}
        return json_response(body, err.status)
    if err.kind == "internal" or (err.status >= 500 and err.message is None and err.status < 502):
        return json_response({"message": INTERNAL.format(report_id())}, err.status)
    text = err.message or DEFAULT_TEXT.get(err.status, "Bad Request")
    return json_response({"message": text, "parameters": []}, err.status)
