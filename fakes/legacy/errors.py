"""The legacy ERP's errors and their two wire shapes.

* ``/soap/...`` answers with a SOAP 1.1 fault: ``soap:Body/soap:Fault`` holding the unqualified
  ``faultcode`` (``soap:Client`` / ``soap:Server`` / ``soap:VersionMismatch``, or
  ``wsse:FailedAuthentication``), ``faultstring`` and a ``detail`` with the typed
  ``<tns:OrderServiceFault>`` (``code``, ``message``, ``field``). HTTP status 500, except
  401 (HTTP Basic challenge), 415 (wrong media type) and the fault engine's own statuses
  (429 throttling, 503 outages ...).
* ``/files/...`` (the SFTP-like gateway) answers with JSON ``{"error": {"code", "message"}}``.

``render_error`` picks the shape from the request path. When the core renders an error with
no request context (faults struck before routing), the path is unknown and the SOAP shape
is used: the SOAP service is the vendor's API proper; gateway clients look at the status.
"""

from __future__ import annotations

from flask import Response, has_request_context, jsonify, request
from lxml import etree

from contracts.legacy.wsdl import FAULT_ELEMENT, NAMESPACE
from fakes.core.spec import ErrorRequest

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
FILES_PREFIX = "/files"


class LegacyError(Exception):
    """A vendor error: ``code``/``message`` for the body, ``status`` and ``faultcode`` for SOAP."""

    code = "ERROR"
    message = "The request failed."
    status = 500
    faultcode = "soap:Server"

    def __init__(
        self, message: str | None = None, *, field: str | None = None, code: str | None = None
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.field = field
        super().__init__(self.message)


class ClientFault(LegacyError):
    code = "INVALID_REQUEST"
    message = "The request is invalid."
    faultcode = "soap:Client"


class ServerFault(LegacyError):
    code = "INTERNAL_ERROR"
    message = "The server could not process the request."


class MalformedRequest(ClientFault):
    code = "MALFORMED_REQUEST"


class SchemaViolation(ClientFault):
    code = "SCHEMA_VALIDATION"


class UnknownOperation(ClientFault):
    code = "UNKNOWN_OPERATION"


class VersionMismatch(LegacyError):
    code = "VERSION_MISMATCH"
    message = "Only SOAP 1.1 envelopes are supported."
    faultcode = "soap:VersionMismatch"


class UnsupportedMediaType(ClientFault):
    code = "UNSUPPORTED_MEDIA_TYPE"
    status = 415


class OrderNotFound(ClientFault):
    code = "ORDER_NOT_FOUND"


class AuthenticationFailed(ClientFault):
    """HTTP Basic missing or wrong: 401 with a challenge (and a fault body on /soap)."""

    code = "AUTHENTICATION_FAILED"
    message = "Authentication required."
    status = 401


class WsseAuthenticationFailed(LegacyError):
    """A WS-Security UsernameToken that does not verify (OASIS WSS fault code)."""

    code = "AUTHENTICATION_FAILED"
    message = "The security token could not be authenticated or authorized."
    faultcode = "wsse:FailedAuthentication"


class FileNotFound(ClientFault):
    code = "FILE_NOT_FOUND"
    status = 404


class BadFileName(ClientFault):
    code = "BAD_FILE_NAME"
    status = 400


class MethodNotAllowed(ClientFault):
    code = "METHOD_NOT_ALLOWED"
    status = 405


def _sub(parent: etree._Element, tag: str, text: str) -> etree._Element:
    child = etree.SubElement(parent, tag)
    child.text = text
    return child


def fault_envelope(faultcode: str, faultstring: str, code: str, field: str | None = None) -> bytes:
    """A SOAP 1.1 fault envelope with the typed ``OrderServiceFault`` detail."""
    nsmap = {"soap": SOAP_ENV}
    if faultcode.startswith("wsse:"):
        nsmap["wsse"] = WSSE_NS
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap=nsmap)
    body = etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")
    fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    _sub(fault, "faultcode", faultcode)
    _sub(fault, "faultstring", faultstring)
    detail = etree.SubElement(fault, "detail")
    typed = etree.SubElement(detail, f"{{{NAMESPACE}}}{FAULT_ELEMENT}", nsmap={"tns": NAMESPACE})
    _sub(typed, f"{{{NAMESPACE}}}code", code)
    _sub(typed, f"{{{NAMESPACE}}}message", faultstring)
    if field:
        _sub(typed, f"{{{NAMESPACE}}}field", field)
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="utf-8"))


def soap_fault_response(err: LegacyError) -> Response:
    body = fault_envelope(err.faultcode, err.message, err.code, err.field)
    response = Response(body, status=err.status, content_type=XML_CONTENT_TYPE)
    if isinstance(err, AuthenticationFailed):
        response.headers["WWW-Authenticate"] = 'Basic realm="OrderService"'
    return response


def files_error_response(err: LegacyError) -> Response:
    response = jsonify({"error": {"code": err.code, "message": err.message}})
    response.status_code = err.status
    if isinstance(err, AuthenticationFailed):
        response.headers["WWW-Authenticate"] = 'Basic realm="legacy-files"'
    return response


def error_response(err: LegacyError) -> Response:
    """The shape for the current request's path (SOAP when unknown)."""
    if has_request_context() and request.path.startswith(FILES_PREFIX):
        return files_error_response(err)
    return soap_fault_response(err)


_KIND_CODES = {
    "throttle": ("THROTTLED", "Too many requests; retry later."),
    "concurrency": ("CONCURRENCY_LIMIT", "Too many concurrent requests for this user."),
    "internal": ("INTERNAL_ERROR", "The server could not process the request."),
}


def render_error(req: ErrorRequest) -> Response:
    """The vendor's error for a core-generated ErrorRequest (fault engine, HTTP errors)."""
    default_code, default_message = _KIND_CODES.get(
        req.kind, (f"HTTP_{req.status}", "The request failed.")
    )
    err = (ClientFault if 400 <= req.status < 500 else ServerFault)(
        req.message or default_message, code=req.code or default_code
    )
    err.status = req.status
    return error_response(err)
