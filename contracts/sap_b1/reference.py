"""The Service Layer reference metadata: locate it, and cut out the part the harness implements.

The full v1 ``$metadata`` of a real company database (2.2 MB, 282 entity sets) is reference data
that production installs do not carry. :func:`extract_subset` keeps only the implemented entity
sets, their entity types, the implemented complex types and every enum type they use, drops
user-defined fields of the sample company, navigation properties and SAP-specific attributes
(``Alias``, ``Index``, ``Writable``, ``Table``, ...), and returns which properties the reference
marks read-only. :func:`write_package_data` writes both next to the fake as package data.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from contracts.sap_b1.csdl import (
    EDM_V1,
    META_V1,
    NAMESPACE,
    Csdl,
    FunctionImport,
    Param,
    Prop,
    StructType,
    write_v1,
)

METADATA_FILE = "service-layer-v1-metadata.xml"
PACKAGE_METADATA = "metadata_v1.xml"
PACKAGE_READONLY = "readonly_v1.json"
IMPLEMENTED_SETS: tuple[str, ...] = (
    "Orders",
    "DeliveryNotes",
    "Invoices",
    "CreditNotes",
    "Returns",
    "BusinessPartners",
    "Items",
    "PriceLists",
    "SpecialPrices",
    "Warehouses",
    "B1Sessions",
)
IMPLEMENTED_COMPLEX: tuple[str, ...] = (
    "DocumentLine",
    "ItemWarehouseInfo",
    "ItemPrice",
    "BPAddress",
    "SpecialPriceDataArea",
)
IMPLEMENTED_FUNCTIONS: tuple[str, ...] = ("Login", "Logout", "Close", "Cancel", "Reopen")
BOUND_TO: tuple[str, ...] = (f"{NAMESPACE}.Document",)
CLOSED_TYPES = frozenset({"B1Session"})


def reference_dir() -> Path:
    """``$HARNESS_REFERENCE_DIR``, else ``<repo root>/../shared/reference`` (may not exist)."""
    env = os.environ.get("HARNESS_REFERENCE_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "reference"


def reference_metadata_path(base: Path | None = None) -> Path:
    return (base or reference_dir()) / "sap-b1" / METADATA_FILE


@dataclass
class Subset:
    """What :func:`extract_subset` returns: the trimmed model and the read-only properties."""

    model: Csdl
    readonly: dict[str, list[str]] = field(default_factory=dict)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _schema_children(root: ET.Element) -> dict[str, ET.Element]:
    found: dict[str, ET.Element] = {}
    for schema in root.iter(f"{{{EDM_V1}}}Schema"):
        for el in schema:
            if el.get("Name"):
                found[el.get("Name", "")] = el
    return found


def _container(root: ET.Element) -> ET.Element:
    container = next(root.iter(f"{{{EDM_V1}}}EntityContainer"), None)
    if container is None:
        raise ValueError("the reference metadata has no EntityContainer")
    return container


def _is_udf(prop: ET.Element) -> bool:
    return prop.get("UserField") is not None or prop.get("Name", "").startswith("U_")


class _Extractor:
    def __init__(self, root: ET.Element, struct_names: Iterable[str]) -> None:
        self.elements = _schema_children(root)
        self.keep = set(struct_names)
        self.enums_used: set[str] = set()
        self.readonly: dict[str, list[str]] = {}

    def struct(self, name: str) -> StructType:
        el = self.elements[name]
        props: dict[str, Prop] = {}
        keys = tuple(ref.get("Name", "") for key in el if _local(key.tag) == "Key" for ref in key)
        for child in el:
            if _local(child.tag) != "Property" or _is_udf(child):
                continue
            prop = self._prop(child)
            if prop is None:
                continue
            props[prop.name] = prop
            if child.get("Writable") == "false":
                self.readonly.setdefault(name, []).append(prop.name)
        kind = _local(el.tag)
        open_type = kind == "EntityType" and name not in CLOSED_TYPES
        return StructType(name, kind, props, keys, open_type)

    def _prop(self, el: ET.Element) -> Prop | None:
        prop = Prop(el.get("Name", ""), el.get("Type", "Edm.String"))
        prop = Prop(prop.name, prop.type, el.get("Nullable", "true").lower() != "false")
        local = prop.local_type
        if local == prop.base_type:
            return prop
        target = self.elements.get(local)
        if target is not None and _local(target.tag) == "EnumType":
            self.enums_used.add(local)
            return prop
        return prop if local in self.keep else None

    def enum_members(self, name: str) -> list[tuple[str, str]]:
        return [(m.get("Name", ""), m.get("Value", "")) for m in self.elements[name]]


def _entity_sets(container: ET.Element, wanted: Iterable[str]) -> dict[str, str]:
    names = set(wanted)
    sets = {
        el.get("Name", ""): el.get("EntityType", "")
        for el in container
        if _local(el.tag) == "EntitySet" and el.get("Name") in names
    }
    missing = names - set(sets)
    if missing:
        raise ValueError(f"entity sets not in the reference: {sorted(missing)}")
    return {name: sets[name] for name in wanted}


def _functions(container: ET.Element, wanted: Iterable[str]) -> list[FunctionImport]:
    names = set(wanted)
    found: list[FunctionImport] = []
    for el in container:
        if _local(el.tag) != "FunctionImport" or el.get("Name") not in names:
            continue
        params = tuple(Param(p.get("Name", ""), p.get("Type", "")) for p in el)
        bindable = el.get("IsBindable", "false") == "true"
        if bindable and (not params or params[0].type not in BOUND_TO):
            continue
        method = el.get(f"{{{META_V1}}}HttpMethod") or "POST"
        name, returns = el.get("Name", ""), el.get("ReturnType")
        found.append(FunctionImport(name, params, returns, bindable, method))
    return found


def extract_subset(
    reference_xml: bytes,
    entity_sets: Iterable[str] = IMPLEMENTED_SETS,
    complex_types: Iterable[str] = IMPLEMENTED_COMPLEX,
    functions: Iterable[str] = IMPLEMENTED_FUNCTIONS,
) -> Subset:
    """Cut the implemented sets, types and actions out of the reference v1 metadata."""
    root = ET.fromstring(reference_xml)
    container = _container(root)
    sets = _entity_sets(container, list(entity_sets))
    entity_types = [t[len(NAMESPACE) + 1 :] for t in dict.fromkeys(sets.values())]
    extractor = _Extractor(root, [*entity_types, *complex_types])
    structs = {name: extractor.struct(name) for name in [*entity_types, *complex_types]}
    order = list(extractor.elements)
    model = Csdl(
        enums={n: extractor.enum_members(n) for n in order if n in extractor.enums_used},
        types={n: structs[n] for n in order if n in structs},
        sets=sets,
        functions=_functions(container, functions),
    )
    return Subset(model, extractor.readonly)


def write_package_data(out_dir: Path, reference: Path | None = None) -> tuple[Path, Path]:
    """Regenerate the fake's ``metadata_v1.xml`` and ``readonly_v1.json`` from the reference."""
    subset = extract_subset((reference or reference_metadata_path()).read_bytes())
    metadata = out_dir / PACKAGE_METADATA
    readonly = out_dir / PACKAGE_READONLY
    metadata.write_bytes(write_v1(subset.model))
    readonly.write_text(json.dumps(subset.readonly, indent=1, sort_keys=True) + "\n")
    return metadata, readonly
