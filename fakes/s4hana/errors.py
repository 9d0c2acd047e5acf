"""SAP Gateway error shapes: the OData v2 error JSON, the logon page, the CSRF refusal.

Error JSON (SAP Help "Error Response Control", Google Data Fusion ``ODataError.java``)::

    {"error": {"code": "V1/302", "message": {"lang": "en", "value": "..."},
               "innererror": {"application": {...}, "transactionid": "...",
                              "timestamp": "20260105090000.0000000",
                              "Error_Resolution": {"SAP_Transaction": "...", "SAP_Note": "..."},
                              "errordetails": [{"code", "message", "propertyref",
                                                "severity", "target"}]}}}

Codes are T100 ``class/number`` keys. Gateway framework codes (``/IWBEP/...``, ``/IWFND/...``)
are SAP's; the SD/MM business message numbers chosen here are plausible but unconfirmed and
kept in one place (:data:`CODES`) so they are easy to correct.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Response, current_app, has_app_context, has_request_context, request

from fakes.core.spec import ErrorRequest

SAP_TRANSACTION = (
    'For backend administrators: use ADT feed reader "SAP Gateway Error Log" or run '
    "transaction /IWFND/ERROR_LOG on SAP Gateway hub system and search for entries with the "
    "timestamp above for more details"
)
SAP_NOTE = (
    "See SAP Note 1797736 for error analysis (https://service.sap.com/sap/support/notes/1797736)"
)
BUSI_EXCEPTION = "/IWBEP/CX_MGW_BUSI_EXCEPTION"

CODES = {
    "not_found": "/IWBEP/CM_MGW_RT/020",
    "not_implemented": "/IWBEP/CM_MGW_RT/021",
    "malformed": "/IWFND/CM_MGW/004",
    "bad_option": "/IWBEP/CM_MGW_RT/004",
    "precondition_failed": "/IWBEP/CM_MGW_RT/190",
    "precondition_required": "/IWBEP/CM_MGW_RT/191",
    "invalid_property": "/IWBEP/CM_MGW_RT/022",
    "internal": "/IWBEP/CM_MGW_RT/000",
    "http_error": "/IWFND/CM_BEC/026",
    "throttle": "/IWFND/CM_CONSUMER/429",
    "concurrency": "/IWFND/CM_CONSUMER/430",
    "locked": "V1/042",
    "sold_to_missing": "V1/302",
    "no_sales_area": "VP/200",
    "order_blocked": "V1/462",
    "doc_type": "V1/010",
    "required": "V1/102",
    "material_missing": "V1/381",
    "material_plant": "M3/305",
    "storage_location": "M3/308",
    "unit": "V1/383",
    "quantity": "V1/384",
    "field_fixed": "V1/019",
    "has_followups": "V1/045",
    "over_delivery": "VL/068",
    "delivery_block": "VL/207",
    "credit_block": "VL/361",
    "stock_deficit": "M7/021",
    "already_posted": "VL/609",
    "credit_warning": "VKMM/010",
    "item_missing": "V1/025",
}


@dataclass(frozen=True)
class ErrorDetail:
    code: str
    message: str
    target: str = ""
    severity: str = "error"
    propertyref: str = ""

    def to_json(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message": self.message,
            "propertyref": self.propertyref,
            "severity": self.severity,
            "target": self.target,
        }


@dataclass(eq=False)
class SapError(Exception):
    """An error the service answers in SAP's shape."""

    status: int
    code: str
    message: str
    target: str = ""
    details: list[ErrorDetail] = field(default_factory=list)
    business: bool = False

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


def business(kind: str, message: str, target: str = "", status: int = 400) -> SapError:
    """A business-rule error (an SD/MM message raised by the application)."""
    return SapError(status, CODES[kind], message, target, business=True)


def not_found(what: str) -> SapError:
    return SapError(404, CODES["not_found"], f"Resource not found for segment '{what}'")


def not_implemented(method: str) -> SapError:
    return SapError(
        501, CODES["not_implemented"], f"Method '{method}' not implemented in data provider class"
    )


def malformed(message: str = "") -> SapError:
    text = "The Data Services Request could not be understood due to malformed syntax"
    return SapError(400, CODES["malformed"], f"{text}: {message}" if message else text)


def bad_option(message: str) -> SapError:
    return SapError(400, CODES["bad_option"], message)


def invalid_property(message: str, target: str = "") -> SapError:
    return SapError(400, CODES["invalid_property"], message, target)


def precondition_failed() -> SapError:
    message = "State of the resource (entity) was already changed (If-Match)"
    return SapError(412, CODES["precondition_failed"], message)


def precondition_required() -> SapError:
    message = "Data service request is required to be conditional; try using If-Match"
    return SapError(428, CODES["precondition_required"], message)


def sap_timestamp(now: datetime) -> str:
    return now.strftime("%Y%m%d%H%M%S") + f".{now.microsecond * 10:07d}"


def transaction_id(seed: int, serial: int) -> str:
    return hashlib.md5(f"s4hana:{seed}:{serial}".encode()).hexdigest().upper()


@dataclass(frozen=True)
class ErrorContext:
    """Who answers: the service (for ``innererror.application``) and when."""

    service_id: str
    component: str
    version: str
    transaction: str
    timestamp: str


def error_body(err: SapError, ctx: ErrorContext) -> dict[str, Any]:
    details = [d.to_json() for d in err.details] or [
        ErrorDetail(err.code, err.message, err.target).to_json()
    ]
    if err.business:
        details.append(ErrorDetail(BUSI_EXCEPTION, "An exception was raised").to_json())
    inner = {
        "application": {
            "component_id": ctx.component,
            "service_namespace": "/SAP/",
            "service_id": ctx.service_id,
            "service_version": ctx.version,
        },
        "transactionid": ctx.transaction,
        "timestamp": ctx.timestamp,
        "Error_Resolution": {"SAP_Transaction": SAP_TRANSACTION, "SAP_Note": SAP_NOTE},
        "errordetails": details,
    }
    message = {"lang": "en", "value": err.message}
    return {"error": {"code": err.code, "message": message, "innererror": inner}}


def error_response(err: SapError, ctx: ErrorContext) -> Response:
    body = json.dumps(error_body(err, ctx), ensure_ascii=False)
    response = Response(body, status=err.status, content_type="application/json; charset=utf-8")
    response.headers["sap-server"] = "true"
    return response


def logon_failed(sid: str, client: str) -> Response:
    """SAP ICF's answer to missing or wrong Basic credentials."""
    body = (
        "<html><head><title>Logon Error Message</title>"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>'
        "<body><h1>Logon failed</h1><p>Logon failed. Check your user name and password.</p>"
        f"<p>Server: {sid} / client {client}</p></body></html>"
    )
    response = Response(body, status=401, content_type="text/html; charset=utf-8")
    response.headers["www-authenticate"] = (
        f'Basic realm="SAP NetWeaver Application Server [{sid}/{client}]"'
    )
    response.headers["sap-server"] = "true"
    response.headers["sap-system"] = sid
    response.headers.add("Set-Cookie", f"sap-usercontext=sap-client={client}; path=/")
    return response


def csrf_refused() -> Response:
    response = Response(
        "CSRF token validation failed", status=403, content_type="text/plain; charset=utf-8"
    )
    response.headers["x-csrf-token"] = "Required"
    response.headers["sap-server"] = "true"
    return response


KIND_CODES = {"throttle": "throttle", "concurrency": "concurrency", "internal": "internal"}


def render_error(req: ErrorRequest) -> Response:
    """The error body for a fault injected by fakes/core (and for unhandled exceptions)."""
    kind = KIND_CODES.get(req.kind, "http_error")
    default = {
        "throttle": "Rate limit exceeded: too many requests",
        "concurrency": "Too many parallel requests; try again later",
        "internal": "Internal Server Error",
    }.get(kind, f"HTTP {req.status}: service currently not available")
    err = SapError(req.status, req.code or CODES[kind], req.message or default)
    return error_response(err, _fault_context(req.path))


def _fault_context(path: str) -> ErrorContext:
    backend = current_app.extensions.get("s4hana") if has_app_context() else None
    path = path or (request.path if has_request_context() else "")
    if backend is not None:
        return backend.error_context(path)  # type: ignore[no-any-return]
    return ErrorContext("", "", "0001", transaction_id(0, 0), "00000000000000.0000000")
