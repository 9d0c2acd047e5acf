"""Legacy ERP SOAP 1.1 OrderService transport: envelopes, faults, and the WSDL contract check.

Plain ``requests`` + ``lxml`` against the contract in :mod:`contracts.legacy` (document/literal,
wrapped: the body element is the operation's name). HTTP Basic with the integration user on
every request: there is no session or token to expire, so a 401 means the credentials were
refused (rotated) and is retried as :class:`AuthExpired` with the credentials read afresh.

Faults map onto the error tree by their HTTP status and typed ``OrderServiceFault`` code:
429 -> Throttled (Retry-After), 5xx and ``soap:Server`` -> RemoteUnavailable, 401 and
``wsse:FailedAuthentication`` -> AuthExpired, ``ORDER_NOT_FOUND`` -> RemoteNotFound,
``soap:VersionMismatch``/``MustUnderstand`` -> SchemaDrift, other ``soap:Client`` faults ->
:class:`SoapFault` (an InvalidData carrying the code and field).

The served WSDL is compared with the contract (``validate_wsdl``) before the first call and
again after any fault that says the request no longer fits the schema; while it differs every
call is refused with :class:`SchemaDrift` and nothing is sent (FM-L02).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import requests
from lxml import etree

from contracts.legacy.wsdl import (
    NAMESPACE,
    SERVICE_PATH,
    contract,
    safe_parser,
    validate_wsdl,
)
from sync_core.errors import (
    AuthExpired,
    InvalidData,
    RemoteNotFound,
    RemoteUnavailable,
    SchemaDrift,
    SyncError,
    Throttled,
    TransportError,
    UnknownOutcome,
)
from sync_core.transport import HttpClient, parse_retry_after

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
ENV = f"{{{SOAP_ENV}}}"
TNS = f"{{{NAMESPACE}}}"
CONTENT_TYPE = "text/xml; charset=utf-8"
WRITES = {"CreateOrder", "CreateCreditNote", "CreateCustomer"}  # not idempotent
CONTRACT_CODES = {"SCHEMA_VALIDATION", "UNKNOWN_OPERATION", "SOAPACTION_MISMATCH"}
DRIFT_FAULTS = {"VersionMismatch", "MustUnderstand"}

Field = tuple[str, "str | Sequence[Field] | None"]


class SoapFault(InvalidData):
    """A ``soap:Client`` fault: the request was refused. ``code``/``field`` from its detail."""

    def __init__(self, message: str, *, code: str, field: str | None, status: int) -> None:
        super().__init__(message, status=status)
        self.code = code
        self.field = field


@dataclass(frozen=True)
class FaultInfo:
    faultcode: str
    faultstring: str
    code: str
    field: str | None


def _local(qname: str) -> str:
    return qname.rpartition(":")[2]


def parse_fault(body: bytes) -> FaultInfo | None:
    """The ``soap:Fault`` of a response body, or None when it has none."""
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError:
        return None
    fault = root.find(f"{ENV}Body/{ENV}Fault")
    if fault is None:
        return None
    detail = fault.find(f"detail/{TNS}OrderServiceFault")
    code = detail.findtext(f"{TNS}code") if detail is not None else None
    field = detail.findtext(f"{TNS}field") if detail is not None else None
    return FaultInfo(
        (fault.findtext("faultcode") or "").strip(),
        (fault.findtext("faultstring") or "").strip(),
        (code or "").strip(),
        field.strip() if field else None,
    )


def classify(response: requests.Response) -> SyncError | None:
    """Map an HTTP error answer of the OrderService (or the file gateway) onto the tree."""
    status = response.status_code
    fault = parse_fault(response.content)
    detail = f"{fault.code or fault.faultcode}: {fault.faultstring}" if fault else ""
    message = f"legacy answered {status}" + (f" {detail}" if detail else "")
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return Throttled(message, retry_after=retry_after, status=status)
    if status == 401 or (fault and fault.faultcode.startswith("wsse:")):
        return AuthExpired(message, status=status)
    if fault is None or status > 500:
        return None  # the shared default: 404 RemoteNotFound, 5xx RemoteUnavailable, 4xx
    kind = _local(fault.faultcode)
    if kind in DRIFT_FAULTS:
        return SchemaDrift(message, status=status)
    if kind != "Client":
        return RemoteUnavailable(message, status=status)
    if fault.code == "ORDER_NOT_FOUND":
        return RemoteNotFound(message, status=status)
    return SoapFault(message, code=fault.code, field=fault.field, status=status)


def _append(parent: etree._Element, fields: Iterable[Field]) -> None:
    for name, value in fields:
        if value is None:
            continue
        child = etree.SubElement(parent, TNS + name)
        if isinstance(value, str):
            child.text = value
        else:
            _append(child, value)


def envelope(operation: str, fields: Iterable[Field]) -> bytes:
    root = etree.Element(f"{ENV}Envelope", nsmap={"soap": SOAP_ENV, "tns": NAMESPACE})
    body = etree.SubElement(root, f"{ENV}Body")
    _append(etree.SubElement(body, TNS + operation), fields)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


class SoapClient:
    """One OrderService endpoint: ``call(operation, fields)`` returns the response element."""

    system = "legacy"

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self.wsdl_checked = False
        self.drift: str | None = None

    # -- contract ---------------------------------------------------------------------------
    def check_wsdl(self, force: bool = False) -> None:
        """Compare the served WSDL with the contract; SchemaDrift while they differ."""
        if self.wsdl_checked and self.drift is None and not force:
            return
        response = self.http.request("GET", SERVICE_PATH, params={"wsdl": ""})
        ok, reason = validate_wsdl(response.content)
        self.wsdl_checked = True
        self.drift = None if ok else reason
        if not ok:
            raise SchemaDrift(f"legacy OrderService WSDL no longer matches the contract: {reason}")

    # -- calls ------------------------------------------------------------------------------
    def call(self, operation: str, fields: Iterable[Field] = ()) -> etree._Element:
        self.check_wsdl()
        action = contract().operations[operation].soap_action or ""
        headers = {"Content-Type": CONTENT_TYPE, "SOAPAction": f'"{action}"'}
        try:
            response = self.http.request(
                "POST", SERVICE_PATH, data=envelope(operation, fields), headers=headers
            )
        except UnknownOutcome as exc:
            if operation in WRITES:
                raise
            raise TransportError(exc.message) from exc
        except SoapFault as fault:
            if fault.code in CONTRACT_CODES:
                self.check_wsdl(force=True)
            raise
        return self._payload(operation, response)

    def _payload(self, operation: str, response: requests.Response) -> etree._Element:
        unknown = UnknownOutcome if operation in WRITES else TransportError
        try:
            root = etree.fromstring(response.content, safe_parser())
        except etree.XMLSyntaxError as exc:
            raise unknown(f"legacy {operation}: malformed response body") from exc
        payload = root.find(f"{ENV}Body/{TNS}{operation}Response")
        if payload is None:
            raise SchemaDrift(f"legacy {operation}: the response has no {operation}Response")
        return payload


def text(node: etree._Element, path: str, required: bool = True) -> str:
    """The text at ``path`` (contract names, ``/``-separated) below ``node``."""
    found = node.find("/".join(TNS + part for part in path.split("/")))
    if found is None:
        if required:
            raise SchemaDrift(f"legacy response lacks element {path!r}")
        return ""
    return (found.text or "").strip()


def children(node: etree._Element, path: str) -> list[etree._Element]:
    return list(node.iterfind("/".join(TNS + part for part in path.split("/"))))
