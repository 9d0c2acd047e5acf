"""A small model of the Service Layer's CSDL: parse the v1 (OData 3) document, emit v1 and v4.

Only the parts the harness needs are modelled: enum types, entity and complex types with their
properties and keys, entity sets, and function imports (actions). The writer is hand-rolled so
no global XML namespace registry is touched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

EDMX_V1 = "http://schemas.microsoft.com/ado/2007/06/edmx"
META_V1 = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata"
EDM_V1 = "http://schemas.microsoft.com/ado/2009/11/edm"
EDMX_V4 = "http://docs.oasis-open.org/odata/ns/edmx"
EDM_V4 = "http://docs.oasis-open.org/odata/ns/edm"
NAMESPACE = "SAPB1"
CONTAINER = "ServiceLayer"
V4_TYPES = {"Edm.DateTime": "Edm.DateTimeOffset", "Edm.Time": "Edm.TimeOfDay"}


@dataclass(frozen=True)
class Prop:
    name: str
    type: str
    nullable: bool = True

    @property
    def collection(self) -> bool:
        return self.type.startswith("Collection(")

    @property
    def base_type(self) -> str:
        return self.type[len("Collection(") : -1] if self.collection else self.type

    @property
    def local_type(self) -> str:
        """The type name without the ``SAPB1.`` prefix (``Edm.*`` types stay as they are)."""
        base = self.base_type
        return base[len(NAMESPACE) + 1 :] if base.startswith(NAMESPACE + ".") else base


@dataclass(frozen=True)
class StructType:
    name: str
    kind: str  # EntityType | ComplexType
    props: dict[str, Prop]
    keys: tuple[str, ...] = ()
    open_type: bool = False


@dataclass(frozen=True)
class Param:
    name: str
    type: str


@dataclass(frozen=True)
class FunctionImport:
    name: str
    params: tuple[Param, ...] = ()
    return_type: str | None = None
    bindable: bool = False
    http_method: str = "POST"


@dataclass
class Csdl:
    enums: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    types: dict[str, StructType] = field(default_factory=dict)
    sets: dict[str, str] = field(default_factory=dict)
    functions: list[FunctionImport] = field(default_factory=list)

    def enum_members(self, name: str) -> dict[str, str]:
        return dict(self.enums.get(name, []))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_struct(el: ET.Element) -> StructType:
    props: dict[str, Prop] = {}
    keys: list[str] = []
    for child in el:
        tag = _local(child.tag)
        if tag == "Key":
            keys.extend(ref.get("Name", "") for ref in child)
        elif tag == "Property":
            name = child.get("Name", "")
            nullable = child.get("Nullable", "true").lower() != "false"
            props[name] = Prop(name, child.get("Type", "Edm.String"), nullable)
    open_type = el.get("OpenType", "false").lower() == "true"
    return StructType(el.get("Name", ""), _local(el.tag), props, tuple(keys), open_type)


def _parse_function(el: ET.Element) -> FunctionImport:
    params = tuple(
        Param(p.get("Name", ""), p.get("Type", "")) for p in el if _local(p.tag) == "Parameter"
    )
    return FunctionImport(
        name=el.get("Name", ""),
        params=params,
        return_type=el.get("ReturnType"),
        bindable=el.get("IsBindable", "false").lower() == "true",
        http_method=el.get(f"{{{META_V1}}}HttpMethod", "POST"),
    )


def parse_v1(xml: bytes) -> Csdl:
    """Parse a CSDL 3.0 document (the Service Layer's ``/b1s/v1/$metadata``)."""
    root = ET.fromstring(xml)
    model = Csdl()
    for schema in root.iter(f"{{{EDM_V1}}}Schema"):
        for el in schema:
            _parse_schema_child(model, el)
    return model


def _parse_schema_child(model: Csdl, el: ET.Element) -> None:
    tag = _local(el.tag)
    if tag == "EnumType":
        model.enums[el.get("Name", "")] = [(m.get("Name", ""), m.get("Value", "")) for m in el]
    elif tag in ("EntityType", "ComplexType"):
        struct = _parse_struct(el)
        model.types[struct.name] = struct
    elif tag == "EntityContainer":
        for child in el:
            if _local(child.tag) == "EntitySet":
                model.sets[child.get("Name", "")] = child.get("EntityType", "")
            elif _local(child.tag) == "FunctionImport":
                model.functions.append(_parse_function(child))


# -- writers --------------------------------------------------------------------------------------


def _attrs(**values: str | None) -> str:
    return "".join(f" {k}={quoteattr(v)}" for k, v in values.items() if v is not None)


def _write_struct(struct: StructType, v4: bool) -> list[str]:
    open_attr = "true" if struct.open_type else None
    lines = [f"    <{struct.kind}{_attrs(Name=struct.name, OpenType=open_attr)}>"]
    if struct.keys:
        refs = "".join(f"<PropertyRef{_attrs(Name=k)}/>" for k in struct.keys)
        lines.append(f"      <Key>{refs}</Key>")
    for prop in struct.props.values():
        ptype = _v4_type(prop.type) if v4 else prop.type
        nullable = None if prop.nullable else "false"
        lines.append(f"      <Property{_attrs(Name=prop.name, Type=ptype, Nullable=nullable)}/>")
    lines.append(f"    </{struct.kind}>")
    return lines


def _v4_type(type_name: str) -> str:
    if type_name.startswith("Collection("):
        return f"Collection({_v4_type(type_name[len('Collection(') : -1])})"
    return V4_TYPES.get(type_name, type_name)


def _write_enum(name: str, members: list[tuple[str, str]], v4: bool) -> list[str]:
    lines = [f"    <EnumType{_attrs(Name=name)}>"]
    for index, (member, value) in enumerate(members):
        lines.append(f"      <Member{_attrs(Name=member, Value=str(index) if v4 else value)}/>")
    lines.append("    </EnumType>")
    return lines


def _write_function_v1(func: FunctionImport) -> list[str]:
    attrs = _attrs(
        Name=func.name,
        ReturnType=func.return_type,
        IsBindable="true" if func.bindable else None,
    )
    head = f"      <FunctionImport{attrs} m:HttpMethod={quoteattr(func.http_method)}"
    if not func.params:
        return [head + "/>"]
    params = [f"        <Parameter{_attrs(Name=p.name, Type=p.type)}/>" for p in func.params]
    return [head + ">", *params, "      </FunctionImport>"]


def write_v1(model: Csdl) -> bytes:
    """Serialise ``model`` as CSDL 3.0, the form ``/b1s/v1/$metadata`` answers with."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<edmx:Edmx Version="1.0" xmlns:edmx="{EDMX_V1}">',
        f'  <edmx:DataServices m:DataServiceVersion="3.0" m:MaxDataServiceVersion="3.0"'
        f' xmlns:m="{META_V1}">',
        f'  <Schema Namespace="{NAMESPACE}" xmlns="{EDM_V1}">',
    ]
    for name, members in model.enums.items():
        lines += _write_enum(name, members, v4=False)
    for struct in model.types.values():
        lines += _write_struct(struct, v4=False)
    lines.append(f'    <EntityContainer Name="{CONTAINER}">')
    for set_name, type_name in model.sets.items():
        lines.append(f"      <EntitySet{_attrs(Name=set_name, EntityType=type_name)}/>")
    for func in model.functions:
        lines += _write_function_v1(func)
    lines += ["    </EntityContainer>", "  </Schema>", "  </edmx:DataServices>", "</edmx:Edmx>"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _write_action_v4(func: FunctionImport) -> list[str]:
    bound = "true" if func.bindable else None
    lines = [f"    <Action{_attrs(Name=func.name, IsBound=bound)}>"]
    for param in func.params:
        lines.append(f"      <Parameter{_attrs(Name=param.name, Type=param.type)}/>")
    if func.return_type:
        lines.append(f"      <ReturnType{_attrs(Type=func.return_type)}/>")
    lines.append("    </Action>")
    return lines


def write_v4(model: Csdl) -> bytes:
    """Serialise ``model`` as CSDL 4.0, the form ``/b1s/v2/$metadata`` answers with."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<edmx:Edmx Version="4.0" xmlns:edmx="{EDMX_V4}">',
        "  <edmx:DataServices>",
        f'  <Schema Namespace="{NAMESPACE}" xmlns="{EDM_V4}">',
    ]
    for name, members in model.enums.items():
        lines += _write_enum(name, members, v4=True)
    for struct in model.types.values():
        lines += _write_struct(struct, v4=True)
    for func in model.functions:
        lines += _write_action_v4(func)
    lines.append(f'    <EntityContainer Name="{CONTAINER}">')
    for set_name, type_name in model.sets.items():
        lines.append(f"      <EntitySet{_attrs(Name=set_name, EntityType=type_name)}/>")
    for func in model.functions:
        if not func.bindable:
            action = f"{NAMESPACE}.{func.name}"
            lines.append(f"      <ActionImport{_attrs(Name=func.name, Action=action)}/>")
    lines += ["    </EntityContainer>", "  </Schema>", "  </edmx:DataServices>", "</edmx:Edmx>"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def v1_to_v4(xml_v1: bytes) -> bytes:
    """The v4 form of a v1 document: same types and sets, OData 4 vocabulary."""
    return write_v4(parse_v1(xml_v1))
