"""Trimmed ``$metadata`` documents derived from SAP's published EDMX files.

The fake serves, per service, only what it implements. For services whose EDMX is in the
reference folder, the served document is *derived*: :func:`trim` keeps the selected entity
sets with their entity types (every property, verbatim), the associations and association
sets between kept sets, the navigation properties those support and the selected function
imports; it drops annotations, vocabulary references and atom links. A selection may add
properties that a newer release of the same API publishes (each one listed and explained).
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from contracts.s4hana.edmx import EDM_NS, EDMX_NS, M_NS, SAP_NS, E
from contracts.s4hana.xmltext import DECLARATION, to_text

OASIS_EDMX = "{http://docs.oasis-open.org/odata/ns/edmx}"
OASIS_EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
ATOM = "{http://www.w3.org/2005/Atom}"
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Addition:
    """A property absent from the reference release but published by a newer one."""

    entity_type: str
    after: str
    xml: str
    reason: str


@dataclass(frozen=True)
class Selection:
    service: str
    reference: str
    entity_sets: tuple[str, ...]
    function_imports: tuple[str, ...] = ()
    additions: tuple[Addition, ...] = field(default_factory=tuple)


OVERALL_DELIVERY_STATUS = Addition(
    entity_type="A_SalesOrderType",
    after="OverallTotalDeliveryStatus",
    xml=(
        f'<Property xmlns="{EDM_NS}" xmlns:sap="{SAP_NS}" Name="OverallDeliveryStatus" '
        'Type="Edm.String" MaxLength="1" sap:display-format="UpperCase" '
        'sap:label="Delivery Status" sap:quickinfo="Overall Delivery Status" '
        'sap:creatable="false" sap:updatable="false"/>'
    ),
    reason="published in later API_SALES_ORDER_SRV releases (84-property header)",
)

SELECTIONS: tuple[Selection, ...] = (
    Selection(
        "API_SALES_ORDER_SRV",
        "API_SALES_ORDER_SRV.edmx",
        ("A_SalesOrder", "A_SalesOrderItem", "A_SalesOrderItemPrElement"),
        additions=(OVERALL_DELIVERY_STATUS,),
    ),
    Selection(
        "API_BUSINESS_PARTNER",
        "API_BUSINESS_PARTNER.edmx",
        (
            "A_BusinessPartner",
            "A_BusinessPartnerAddress",
            "A_AddressEmailAddress",
            "A_AddressPhoneNumber",
            "A_Customer",
            "A_CustomerSalesArea",
        ),
    ),
    Selection(
        "API_PRODUCT_SRV",
        "API_PRODUCT_SRV.edmx",
        ("A_Product", "A_ProductDescription", "A_ProductPlant", "A_ProductStorageLocation"),
    ),
)


def reference_dir() -> Path:
    """The S/4HANA reference folder: ``$HARNESS_REFERENCE_DIR/s4hana`` or the shared default."""
    base = os.environ.get("HARNESS_REFERENCE_DIR")
    root = Path(base) if base else REPO_ROOT.parent / "shared" / "reference"
    return root / "s4hana"


PREFIXES = {"edmx": EDMX_NS, "m": M_NS, "sap": SAP_NS}


def serialize(root: ET.Element) -> str:
    ET.indent(root, "  ")
    return DECLARATION + "\n" + to_text(root, EDM_NS, PREFIXES) + "\n"


def trim(text: str | bytes, selection: Selection) -> str:
    """The part of an EDMX document that ``selection`` keeps, as an XML string."""
    root = ET.fromstring(text)
    for child in [c for c in root if c.tag == OASIS_EDMX + "Reference"]:
        root.remove(child)
    schema = next(root.iter(E + "Schema"))
    container = next(schema.iter(E + "EntityContainer"))
    kept_sets = _trim_container(container, selection)
    kept_types = {_local(es.get("EntityType", "")) for es in container.findall(E + "EntitySet")}
    kept_assocs = {
        _local(a.get("Association", "")) for a in container.findall(E + "AssociationSet")
    }
    _trim_schema(schema, kept_types, kept_assocs, _complex_types(container))
    _apply_additions(schema, selection.additions)
    assert kept_sets == set(selection.entity_sets), f"missing sets: {selection.entity_sets}"
    return serialize(root)


def _local(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]


def _trim_container(container: ET.Element, selection: Selection) -> set[str]:
    sets = set(selection.entity_sets)
    for child in list(container):
        if not _keep_in_container(child, sets, selection.function_imports):
            container.remove(child)
    return {es.get("Name", "") for es in container.findall(E + "EntitySet")}


def _keep_in_container(child: ET.Element, sets: set[str], functions: tuple[str, ...]) -> bool:
    if child.tag == E + "EntitySet":
        return child.get("Name") in sets
    if child.tag == E + "AssociationSet":
        return all(end.get("EntitySet") in sets for end in child.findall(E + "End"))
    if child.tag == E + "FunctionImport":
        return child.get("Name") in functions
    return False


def _complex_types(container: ET.Element) -> set[str]:
    names = set()
    for function in container.findall(E + "FunctionImport"):
        return_type = function.get("ReturnType", "")
        names.add(_local(return_type.removeprefix("Collection(").removesuffix(")")))
    return names


def _trim_schema(
    schema: ET.Element, types: set[str], assocs: set[str], complex_types: set[str]
) -> None:
    for child in list(schema):
        if not _keep_in_schema(child, types, assocs, complex_types):
            schema.remove(child)
    for entity_type in schema.findall(E + "EntityType"):
        for nav in entity_type.findall(E + "NavigationProperty"):
            if _local(nav.get("Relationship", "")) not in assocs:
                entity_type.remove(nav)
    for parent in list(schema.iter()):
        for doc in parent.findall(E + "Documentation"):
            parent.remove(doc)


def _keep_in_schema(
    child: ET.Element, types: set[str], assocs: set[str], complex_types: set[str]
) -> bool:
    name = child.get("Name", "")
    if child.tag == E + "EntityType":
        return name in types
    if child.tag == E + "ComplexType":
        return name in complex_types
    if child.tag == E + "Association":
        return name in assocs
    return child.tag == E + "EntityContainer"


def _apply_additions(schema: ET.Element, additions: tuple[Addition, ...]) -> None:
    for addition in additions:
        entity_type = next(
            t for t in schema.findall(E + "EntityType") if t.get("Name") == addition.entity_type
        )
        children = list(entity_type)
        anchor = next(i for i, c in enumerate(children) if c.get("Name") == addition.after)
        entity_type.insert(anchor + 1, ET.fromstring(addition.xml))


def file_name(service: str) -> str:
    """``API_OUTBOUND_DELIVERY_SRV;v=0002`` -> ``API_OUTBOUND_DELIVERY_SRV_0002.xml``."""
    return service.replace(";v=", "_") + ".xml"


def derived_documents(reference: Path | None = None) -> dict[str, str]:
    """Every derived service document, by service name, from the reference folder."""
    folder = reference or reference_dir()
    return {sel.service: trim((folder / sel.reference).read_bytes(), sel) for sel in SELECTIONS}
