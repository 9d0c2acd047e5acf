"""``$metadata``: an OData v4 CSDL document (namespace ``Microsoft.NAV``) generated from the same
entity definitions the fake serves, so the schema and the answers cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import quoteattr

from fakes.business_central.schema import COMPANY, ENUMS, NAMESPACE, EntityDef, Field

EDMX = "http://docs.oasis-open.org/odata/ns/edmx"
EDM = "http://docs.oasis-open.org/odata/ns/edm"


def member_name(value: str) -> str:
    """Enum member names as Business Central encodes them (``In Review`` -> ``In_x0020_Review``)."""
    return "".join(c if c.isalnum() or c == "_" else f"_x{ord(c):04X}_" for c in value)


def _attrs(**values: str | None) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in values.items() if v is not None)


def _property(f: Field) -> str:
    extra: dict[str, str | None] = {"Name": f.name, "Type": f.edm_type}
    if f.name == "id":
        extra["Nullable"] = "false"
    if f.max_length is not None:
        extra["MaxLength"] = str(f.max_length)
    if f.type == "Edm.Decimal":
        extra["Scale"] = "Variable"
    return f"<Property{_attrs(**extra)} />"


def _enum(name: str, members: Iterable[str]) -> str:
    body = "".join(
        f"<Member{_attrs(Name=member_name(m), Value=str(i))} />" for i, m in enumerate(members)
    )
    return f"<EnumType{_attrs(Name=name)}>{body}</EnumType>"


def _entity_type(entity: EntityDef, navigation: dict[str, str]) -> str:
    props = "".join(_property(f) for f in entity.fields)
    navs = "".join(
        "<NavigationProperty"
        + _attrs(Name=name, Type=f"Collection({NAMESPACE}.{type_name})", ContainsTarget="true")
        + " />"
        for name, type_name in navigation.items()
    )
    key = '<Key><PropertyRef Name="id" /></Key>'
    return f"<EntityType{_attrs(Name=entity.type_name)}>{key}{props}{navs}</EntityType>"


def _action(name: str, bound_to: str) -> str:
    param = f"<Parameter{_attrs(Name='bindingParameter', Type=f'{NAMESPACE}.{bound_to}')} />"
    return f"<Action{_attrs(Name=name, IsBound='true')}>{param}</Action>"


def csdl(entities: dict[str, EntityDef], top_level: Iterable[str]) -> str:
    """The CSDL for ``entities``; ``top_level`` are the sets reached through ``company``."""
    used_enums = sorted({f.type for e in entities.values() for f in e.fields if f.is_enum})
    company_navs = {name: entities[name].type_name for name in top_level}
    parts = [_enum(name, ENUMS[name]) for name in used_enums]
    parts.append(_entity_type(COMPANY, company_navs))
    for entity in entities.values():
        navs = {entity.lines: entities[entity.lines].type_name} if entity.lines else {}
        parts.append(_entity_type(entity, navs))
        parts.extend(_action(a, entity.type_name) for a in entity.actions)
    container = (
        f'<EntityContainer Name="default"><EntitySet Name="companies" '
        f'EntityType="{NAMESPACE}.company" /></EntityContainer>'
    )
    schema = f'<Schema Namespace="{NAMESPACE}" xmlns="{EDM}">{"".join(parts)}{container}</Schema>'
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<edmx:Edmx Version="4.0" xmlns:edmx="{EDMX}"><edmx:DataServices>{schema}'
        "</edmx:DataServices></edmx:Edmx>"
    )
