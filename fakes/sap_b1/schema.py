"""The fake's view of the Service Layer schema, read from its packaged ``metadata_v1.xml``.

The package data is generated from the reference metadata by
``contracts.sap_b1.write_package_data``; nothing here needs the reference at runtime. Property
names are matched case-insensitively, as the Service Layer does (the manual's batch example
posts ``cardcode`` and ``documentlines``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from contracts.sap_b1.csdl import NAMESPACE, Csdl, Prop, StructType, parse_v1, v1_to_v4
from fakes.sap_b1 import errors

PACKAGE = "fakes.sap_b1"
UDF_PREFIX = "U_"


@cache
def metadata_v1() -> bytes:
    return resources.files(PACKAGE).joinpath("metadata_v1.xml").read_bytes()


@cache
def metadata_v2() -> bytes:
    return v1_to_v4(metadata_v1())


@cache
def model() -> Csdl:
    return parse_v1(metadata_v1())


@cache
def _readonly() -> dict[str, frozenset[str]]:
    raw = json.loads(resources.files(PACKAGE).joinpath("readonly_v1.json").read_text())
    return {name: frozenset(props) for name, props in raw.items()}


def readonly(type_name: str) -> frozenset[str]:
    return _readonly().get(type_name, frozenset())


def struct(type_name: str) -> StructType:
    return model().types[type_name]


def set_type(set_name: str) -> str:
    """The local type name of an entity set (``Orders`` -> ``Document``)."""
    return model().sets[set_name][len(NAMESPACE) + 1 :]


@cache
def _lower_map(type_name: str) -> dict[str, str]:
    return {name.lower(): name for name in struct(type_name).props}


@cache
def _lower_sets() -> dict[str, str]:
    return {name.lower(): name for name in model().sets}


def canonical_set(name: str) -> str | None:
    return _lower_sets().get(name.lower())


def canonical(type_name: str, name: str) -> str | None:
    """The property's real spelling, a ``U_`` field as given, or None when unknown."""
    found = _lower_map(type_name).get(name.lower())
    if found is None and name[:2].upper() == UDF_PREFIX:
        return UDF_PREFIX + name[2:]
    return found


def require(type_name: str, name: str) -> str:
    found = canonical(type_name, name)
    if found is None:
        raise errors.invalid_property(name, type_name)
    return found


def prop(type_name: str, name: str) -> Prop | None:
    return struct(type_name).props.get(name)


def is_enum(p: Prop) -> bool:
    return p.local_type in model().enums


@cache
def enum_names(enum: str) -> dict[str, str]:
    """Lookup of member name and member value (both accepted by the SL) -> member name."""
    members = model().enums[enum]
    lookup = {value.lower(): name for name, value in members}
    lookup.update({name.lower(): name for name, _ in members})
    return lookup


def is_complex(p: Prop) -> bool:
    return p.local_type in model().types


def skeleton(type_name: str) -> dict[str, Any]:
    """Every property of the type, as the Service Layer lists them: unset ones are null."""
    return {
        name: ([] if p.collection and is_complex(p) else None)
        for name, p in struct(type_name).props.items()
    }
