"""OData v2 Atom/XML: what Gateway answers when the client asks for neither ``$format=json``
nor ``Accept: application/json`` (entries, feeds with inline expansion, single properties and
the XML error document).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from contracts.s4hana.edmx import Property
from contracts.s4hana.xmltext import DECLARATION, to_text
from fakes.s4hana import edm
from fakes.s4hana.odata.query import Expand, Select
from fakes.s4hana.odata.render import Record, Renderer

ATOM_NS = "http://www.w3.org/2005/Atom"
M_NS = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
D_NS = "http://schemas.microsoft.com/ado/2007/08/dataservices"
SCHEME = "http://schemas.microsoft.com/ado/2007/08/dataservices/scheme"
RELATED = "http://schemas.microsoft.com/ado/2007/08/dataservices/related/"
A, M, D = f"{{{ATOM_NS}}}", f"{{{M_NS}}}", f"{{{D_NS}}}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
ATOM_ENTRY = "application/atom+xml;type=entry; charset=utf-8"
ATOM_FEED = "application/atom+xml;type=feed; charset=utf-8"


def _serialize(element: ET.Element, default_namespace: str) -> bytes:
    text = to_text(element, default_namespace, {"m": M_NS, "d": D_NS})
    return (DECLARATION + text).encode("utf-8")


def text_value(prop: Property, value: Any, record: Record) -> str:
    """A property value as Atom element text."""
    if prop.type == "Edm.DateTime":
        return str(value.strftime("%Y-%m-%dT%H:%M:%S"))
    if prop.type == "Edm.DateTimeOffset":
        stamp = value.astimezone(UTC)
        return str(stamp.strftime("%Y-%m-%dT%H:%M:%S")) + f".{stamp.microsecond * 10:07d}Z"
    if prop.type == "Edm.Boolean":
        return "true" if value else "false"
    return str(edm.to_json(prop, value, record))


def property_element(parent: ET.Element, prop: Property, record: Record) -> None:
    value = record.get(prop.name)
    value = edm.default(prop) if value is None else value
    attrs = {} if prop.type == "Edm.String" else {M + "type": prop.type}
    element = ET.SubElement(parent, D + prop.name, attrs)
    if value is None:
        element.set(M + "null", "true")
    else:
        element.text = text_value(prop, value, record)


class AtomRenderer:
    """Atom counterpart of :class:`Renderer` (uses it for URIs, ETags and navigation)."""

    def __init__(self, renderer: Renderer, now: datetime) -> None:
        self.json = renderer
        self.updated = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _relative(self, uri: str) -> str:
        return uri.removeprefix(self.json.root + "/")

    def entry(self, entity_set: str, record: Record, expand: Expand, select: Select) -> ET.Element:
        uri = self.json.uri(entity_set, record)
        entity_type = self.json.service.entity_type(entity_set)
        element = ET.Element(A + "entry")
        etag = self.json.etag(entity_set, record)
        if etag is not None:
            element.set(M + "etag", etag)
        ET.SubElement(element, A + "id").text = uri
        ET.SubElement(element, A + "title", {"type": "text"}).text = self._relative(uri)
        ET.SubElement(element, A + "updated").text = self.updated
        type_name = f"{self.json.service.model.namespace}.{entity_type.name}"
        ET.SubElement(element, A + "category", {"term": type_name, "scheme": SCHEME})
        ET.SubElement(
            element,
            A + "link",
            {"href": self._relative(uri), "rel": "self", "title": entity_type.name},
        )
        for nav in entity_type.navigations:
            if nav in expand.children or select.properties is None or nav in select.properties:
                self._nav_link(element, entity_set, record, nav, expand, select)
        content = ET.SubElement(element, A + "content", {"type": "application/xml"})
        properties = ET.SubElement(content, M + "properties")
        for name, prop in entity_type.properties.items():
            if select.wants(name):
                property_element(properties, prop, record)
        return element

    def _nav_link(
        self,
        element: ET.Element,
        entity_set: str,
        record: Record,
        nav: str,
        expand: Expand,
        select: Select,
    ) -> None:
        target, rows, many = self.json.related(entity_set, record, nav)
        kind = "feed" if many else "entry"
        href = f"{self._relative(self.json.uri(entity_set, record))}/{nav}"
        link = ET.SubElement(
            element,
            A + "link",
            {
                "href": href,
                "rel": RELATED + nav,
                "type": f"application/atom+xml;type={kind}",
                "title": nav,
            },
        )
        if nav not in expand.children:
            return
        inline = ET.SubElement(link, M + "inline")
        sub_expand, sub_select = expand.children[nav], select.child(nav)
        if many:
            inline.append(self.feed(target, rows, sub_expand, sub_select, href=href))
        elif rows:
            inline.append(self.entry(target, rows[0], sub_expand, sub_select))

    def feed(
        self,
        entity_set: str,
        rows: list[Record],
        expand: Expand,
        select: Select,
        count: int | None = None,
        next_url: str | None = None,
        href: str | None = None,
    ) -> ET.Element:
        element = ET.Element(A + "feed")
        ET.SubElement(element, A + "id").text = f"{self.json.root}/{href or entity_set}"
        ET.SubElement(element, A + "title", {"type": "text"}).text = entity_set
        ET.SubElement(element, A + "updated").text = self.updated
        ET.SubElement(ET.SubElement(element, A + "author"), A + "name")
        ET.SubElement(
            element, A + "link", {"href": href or entity_set, "rel": "self", "title": entity_set}
        )
        if count is not None:
            ET.SubElement(element, M + "count").text = str(count)
        for row in rows:
            element.append(self.entry(entity_set, row, expand, select))
        if next_url is not None:
            ET.SubElement(element, A + "link", {"href": next_url, "rel": "next"})
        return element

    def document(self, element: ET.Element) -> bytes:
        element.set(XML_BASE, f"{self.json.root}/")
        return _serialize(element, ATOM_NS)


def property_document(prop: Property, record: Record) -> bytes:
    holder = ET.Element("holder")
    property_element(holder, prop, record)
    return _serialize(holder[0], D_NS)


def error_document(body: dict[str, Any]) -> bytes:
    """The XML form of the error JSON built by :func:`fakes.s4hana.errors.error_body`."""
    error = body["error"]
    root = ET.Element(M + "error")
    ET.SubElement(root, M + "code").text = error["code"]
    message = ET.SubElement(root, M + "message")
    message.set("{http://www.w3.org/XML/1998/namespace}lang", error["message"]["lang"])
    message.text = error["message"]["value"]
    _xml_value(ET.SubElement(root, M + "innererror"), error["innererror"])
    return _serialize(root, M_NS)


def _xml_value(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_value(ET.SubElement(element, M + key), child)
    elif isinstance(value, list):
        for child in value:
            _xml_value(ET.SubElement(element, M + "errordetail"), child)
    else:
        element.text = str(value) if not isinstance(value, Decimal) else format(value, "f")
