"""SOAP 1.1 for the OrderService: read a request envelope, write a response, serve the WSDL.

Requests must be ``text/xml`` (else 415), a well-formed SOAP 1.1 ``Envelope`` without a DTD
(SOAP 1.2 envelopes get a ``soap:VersionMismatch`` fault), with exactly one ``Body`` child,
and carry a ``SOAPAction`` header (SOAP 1.1 requires it; an empty ``""`` value lets the body
element choose the operation, any other value must be the operation's action). Header blocks
with ``mustUnderstand="1"`` other than ``wsse:Security`` get a ``soap:MustUnderstand`` fault.
The payload is validated against the WSDL's schema (a mismatch is a ``SCHEMA_VALIDATION``
Client fault), as a strict document/literal service does.

``wsdl_drift`` (FM-L02) renames element declarations in the served WSDL; requests are then
validated against the renamed schema and responses use the new names.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from contracts.legacy.wsdl import (
    NAMESPACE,
    NS,
    Operation,
    contract,
    safe_parser,
    wsdl_text,
)
from fakes.legacy.errors import (
    SOAP_ENV,
    WSSE_NS,
    ClientFault,
    LegacyError,
    MalformedRequest,
    SchemaViolation,
    UnknownOperation,
    UnsupportedMediaType,
    VersionMismatch,
)

SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
ENV = f"{{{SOAP_ENV}}}"
Drift = Mapping[str, str]
FIELD_IN_ERROR = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")


class MustUnderstand(LegacyError):
    code = "MUST_UNDERSTAND"
    faultcode = "soap:MustUnderstand"


@dataclass(frozen=True)
class Envelope:
    header: etree._Element | None
    payload: etree._Element


def _key(drift: Drift) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(drift.items()))


@lru_cache(maxsize=16)
def _wsdl_root(drift: tuple[tuple[str, str], ...]) -> etree._Element:
    root = etree.fromstring(wsdl_text().encode("utf-8"), safe_parser())
    renames = dict(drift)
    for node in root.iterfind("wsdl:types/xsd:schema//xsd:element", NS):
        name = node.get("name")
        if name in renames:
            node.set("name", renames[name])
    return root


def wsdl_document(location: str, drift: Drift) -> bytes:
    """The WSDL as served: the contract (renamed by ``drift``) with its address set."""
    root = copy.deepcopy(_wsdl_root(_key(drift)))
    for address in root.iterfind("wsdl:service/wsdl:port/soap:address", NS):
        address.set("location", location)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


@lru_cache(maxsize=16)
def _schema(drift: tuple[tuple[str, str], ...]) -> etree.XMLSchema:
    source = _wsdl_root(drift).find("wsdl:types/xsd:schema", NS)
    assert source is not None, "the contract WSDL has an inline schema"
    return etree.XMLSchema(etree.ElementTree(copy.deepcopy(source)))


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _parse_xml(body: bytes) -> etree._Element:
    if not body.strip():
        raise MalformedRequest("The request body is empty.")
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise MalformedRequest(f"The request is not well-formed XML: {exc}") from None
    if root.getroottree().docinfo.doctype:
        raise MalformedRequest("Document type declarations are not allowed.")
    return root


def _check_headers(header: etree._Element | None) -> None:
    if header is None:
        return
    for block in header:
        if not isinstance(block.tag, str) or block.tag == f"{{{WSSE_NS}}}Security":
            continue
        if block.get(f"{ENV}mustUnderstand") in ("1", "true"):
            raise MustUnderstand(f"Header block {block.tag} was not understood.")


def parse_envelope(body: bytes, content_type: str | None) -> Envelope:
    """Check the media type and the envelope; return its header and single body element."""
    if _media_type(content_type) != "text/xml":
        raise UnsupportedMediaType(
            f"Content-Type {content_type!r} is not supported; send text/xml; charset=utf-8 "
            "(SOAP 1.1)."
        )
    root = _parse_xml(body)
    if root.tag == f"{{{SOAP12_ENV}}}Envelope":
        raise VersionMismatch()
    if root.tag != f"{ENV}Envelope":
        raise ClientFault(f"The root element {root.tag} is not a SOAP 1.1 Envelope.")
    body_node = root.find(f"{ENV}Body")
    children = [c for c in body_node if isinstance(c.tag, str)] if body_node is not None else []
    if len(children) != 1:
        raise ClientFault("The SOAP Body must hold exactly one element.")
    header = root.find(f"{ENV}Header")
    _check_headers(header)
    return Envelope(header, children[0])


def _operation_for(payload: etree._Element, drift: Drift) -> Operation:
    qname = etree.QName(payload)
    back = {new: old for old, new in drift.items()}
    local = back.get(qname.localname, qname.localname)
    for op in contract().operations.values():
        if qname.namespace == NAMESPACE and op.input_element == local:
            return op
    raise UnknownOperation(f"No operation takes the element {payload.tag}.")


def _check_action(op: Operation, soap_action: str | None) -> None:
    if soap_action is None:
        raise ClientFault("The SOAPAction HTTP header is required (SOAP 1.1).",
                          code="SOAPACTION_MISSING")
    action = soap_action.strip().strip('"')
    if action and action != op.soap_action:
        raise ClientFault(f"SOAPAction {action!r} does not match the body element "
                          f"({op.soap_action}).", code="SOAPACTION_MISMATCH")


def _validate(payload: etree._Element, drift: Drift) -> None:
    schema = _schema(_key(drift))
    if schema.validate(etree.ElementTree(payload)):
        return
    error = schema.error_log.last_error
    message = error.message if error is not None else "invalid payload"
    match = FIELD_IN_ERROR.search(message)
    raise SchemaViolation(f"The request does not match the schema: {message}",
                          field=match.group(1) if match else None)


def _rename(root: etree._Element, renames: Mapping[str, str]) -> None:
    if not renames:
        return
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        qname = etree.QName(node)
        if qname.namespace == NAMESPACE and qname.localname in renames:
            node.tag = f"{{{NAMESPACE}}}{renames[qname.localname]}"


def resolve_call(
    envelope: Envelope, soap_action: str | None, drift: Drift
) -> tuple[str, etree._Element]:
    """The operation name and its payload (validated, in contract names)."""
    payload = copy.deepcopy(envelope.payload)
    op = _operation_for(payload, drift)
    _check_action(op, soap_action)
    _validate(payload, drift)
    _rename(payload, {new: old for old, new in drift.items()})
    return op.name, payload


def response_envelope(payload: etree._Element, drift: Drift) -> bytes:
    """Wrap a response element (contract names) in an envelope, renamed by ``drift``."""
    _rename(payload, drift)
    envelope = etree.Element(f"{ENV}Envelope", nsmap={"soap": SOAP_ENV})
    etree.SubElement(envelope, f"{ENV}Body").append(payload)
    return bytes(etree.tostring(envelope, xml_declaration=True, encoding="utf-8"))

