"""EDMX (OData v2 CSDL) as data: entity types, associations, entity sets, function imports.

Parses one service document into frozen dataclasses that the fake (and contract tests) can
query: key properties, property types and SAP capability flags, and where a navigation
property leads (target entity set and multiplicity).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

EDMX_NS = "http://schemas.microsoft.com/ado/2007/06/edmx"
EDM_NS = "http://schemas.microsoft.com/ado/2008/09/edm"
M_NS = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
SAP_NS = "http://www.sap.com/Protocols/SAPData"
E = f"{{{EDM_NS}}}"
S = f"{{{SAP_NS}}}"
M = f"{{{M_NS}}}"


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    nullable: bool = True
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    creatable: bool = True
    updatable: bool = True
    concurrency: bool = False
    unit: str | None = None  # sap:unit: the property holding this amount's currency or unit
    semantics: str | None = None  # sap:semantics, e.g. currency-code, unit-of-measure


@dataclass(frozen=True)
class Navigation:
    name: str
    association: str
    from_role: str
    to_role: str


@dataclass(frozen=True)
class EntityType:
    name: str
    keys: tuple[str, ...]
    properties: dict[str, Property]
    navigations: dict[str, Navigation]

    @property
    def etag_property(self) -> Property | None:
        return next((p for p in self.properties.values() if p.concurrency), None)


@dataclass(frozen=True)
class AssociationEnd:
    role: str
    type: str
    multiplicity: str


@dataclass(frozen=True)
class EntitySet:
    name: str
    entity_type: str
    creatable: bool = True
    updatable: bool = True
    deletable: bool = True


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    max_length: int | None = None


@dataclass(frozen=True)
class FunctionImport:
    name: str
    return_type: str | None
    http_method: str
    entity_set: str | None
    parameters: dict[str, Parameter]


@dataclass(frozen=True)
class AssociationSet:
    name: str
    association: str
    ends: dict[str, str]  # role -> entity set


@dataclass(frozen=True)
class NavTarget:
    entity_set: str
    many: bool


@dataclass
class ServiceModel:
    """One parsed service: what its ``$metadata`` declares."""

    namespace: str
    container: str
    entity_types: dict[str, EntityType] = field(default_factory=dict)
    complex_types: dict[str, dict[str, Property]] = field(default_factory=dict)
    associations: dict[str, dict[str, AssociationEnd]] = field(default_factory=dict)
    entity_sets: dict[str, EntitySet] = field(default_factory=dict)
    association_sets: dict[str, AssociationSet] = field(default_factory=dict)
    function_imports: dict[str, FunctionImport] = field(default_factory=dict)

    def type_of(self, entity_set: str) -> EntityType:
        return self.entity_types[_local(self.entity_sets[entity_set].entity_type)]

    def nav_target(self, entity_set: str, nav: str) -> NavTarget:
        """Where ``entity_set``'s navigation property ``nav`` leads (KeyError if nowhere)."""
        navigation = self.type_of(entity_set).navigations[nav]
        association = _local(navigation.association)
        for assoc_set in self.association_sets.values():
            ends = assoc_set.ends
            if (
                assoc_set.association == association
                and ends.get(navigation.from_role) == entity_set
            ):
                end = self.associations[association][navigation.to_role]
                return NavTarget(ends[navigation.to_role], end.multiplicity == "*")
        raise KeyError(f"{entity_set}/{nav}")


def _local(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _flag(element: ET.Element, name: str) -> bool:
    return element.get(S + name, "true") != "false"


def parse_property(element: ET.Element) -> Property:
    return Property(
        name=element.get("Name", ""),
        type=element.get("Type", ""),
        nullable=element.get("Nullable", "true") != "false",
        max_length=_int(element.get("MaxLength")),
        precision=_int(element.get("Precision")),
        scale=_int(element.get("Scale")),
        creatable=_flag(element, "creatable"),
        updatable=_flag(element, "updatable"),
        concurrency=element.get("ConcurrencyMode") == "Fixed",
        unit=element.get(S + "unit"),
        semantics=element.get(S + "semantics"),
    )


def _entity_type(element: ET.Element) -> EntityType:
    keys = tuple(ref.get("Name", "") for ref in element.iter(E + "PropertyRef"))
    props = {p.name: p for p in map(parse_property, element.findall(E + "Property"))}
    navs = {
        n.get("Name", ""): Navigation(
            n.get("Name", ""), n.get("Relationship", ""), n.get("FromRole", ""), n.get("ToRole", "")
        )
        for n in element.findall(E + "NavigationProperty")
    }
    return EntityType(element.get("Name", ""), keys, props, navs)


def _association(element: ET.Element) -> dict[str, AssociationEnd]:
    ends = [
        AssociationEnd(e.get("Role", ""), e.get("Type", ""), e.get("Multiplicity", ""))
        for e in element.findall(E + "End")
    ]
    return {end.role: end for end in ends}


def _function_import(element: ET.Element) -> FunctionImport:
    params = {
        p.get("Name", ""): Parameter(p.get("Name", ""), p.get("Type", ""), _int(p.get("MaxLength")))
        for p in element.findall(E + "Parameter")
    }
    return FunctionImport(
        name=element.get("Name", ""),
        return_type=element.get("ReturnType"),
        http_method=element.get(M + "HttpMethod", "GET"),
        entity_set=element.get("EntitySet"),
        parameters=params,
    )


def _entity_set(element: ET.Element) -> EntitySet:
    return EntitySet(
        element.get("Name", ""),
        element.get("EntityType", ""),
        _flag(element, "creatable"),
        _flag(element, "updatable"),
        _flag(element, "deletable"),
    )


def parse_edmx(text: str | bytes) -> ServiceModel:
    """Parse an EDMX document with one schema and one entity container."""
    root = ET.fromstring(text)
    schema = next(root.iter(E + "Schema"))
    container = next(schema.iter(E + "EntityContainer"))
    model = ServiceModel(schema.get("Namespace", ""), container.get("Name", ""))
    for element in schema.findall(E + "EntityType"):
        entity_type = _entity_type(element)
        model.entity_types[entity_type.name] = entity_type
    for element in schema.findall(E + "ComplexType"):
        props = {p.name: p for p in map(parse_property, element.findall(E + "Property"))}
        model.complex_types[element.get("Name", "")] = props
    for element in schema.findall(E + "Association"):
        model.associations[element.get("Name", "")] = _association(element)
    _read_container(model, container)
    return model


def _read_container(model: ServiceModel, container: ET.Element) -> None:
    for element in container.findall(E + "EntitySet"):
        entity_set = _entity_set(element)
        model.entity_sets[entity_set.name] = entity_set
    for element in container.findall(E + "AssociationSet"):
        name = element.get("Name", "")
        ends = {end.get("Role", ""): end.get("EntitySet", "") for end in element.findall(E + "End")}
        association = _local(element.get("Association", ""))
        model.association_sets[name] = AssociationSet(name, association, ends)
    for element in container.findall(E + "FunctionImport"):
        function = _function_import(element)
        model.function_imports[function.name] = function
