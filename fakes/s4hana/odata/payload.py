"""Request bodies: JSON entities (with deep-insert children) decoded against the metadata."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from contracts.s4hana.edmx import ServiceModel
from fakes.s4hana import edm
from fakes.s4hana.errors import invalid_property, malformed


@dataclass
class EntityInput:
    """One entity of a request body: typed property values and deep-insert children."""

    entity_set: str
    values: dict[str, Any] = field(default_factory=dict)
    children: dict[str, list[EntityInput]] = field(default_factory=dict)


def load_json(body: bytes) -> dict[str, Any]:
    """The JSON object of a request body (SAP also accepts it wrapped in ``{"d": ...}``)."""
    try:
        data = json.loads(body.decode("utf-8") or "null")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise malformed(str(exc)) from exc
    if isinstance(data, dict) and set(data) == {"d"} and isinstance(data["d"], dict):
        data = data["d"]
    if not isinstance(data, dict):
        raise malformed("the request body must be a JSON object")
    return data


def decode_entity(model: ServiceModel, entity_set: str, data: dict[str, Any]) -> EntityInput:
    entity_type = model.type_of(entity_set)
    entity = EntityInput(entity_set)
    for name, raw in data.items():
        if name == "__metadata":
            continue
        if name in entity_type.properties:
            entity.values[name] = _value(entity_type.properties[name], raw)
        elif name in entity_type.navigations:
            entity.children[name] = _children(model, entity_set, name, raw)
        else:
            raise invalid_property(f"Property '{name}' is invalid", name)
    return entity


def _value(prop: Any, raw: Any) -> Any:
    try:
        return edm.from_json(prop, raw)
    except edm.EdmError as exc:
        raise invalid_property(str(exc), prop.name) from exc


def _children(model: ServiceModel, entity_set: str, nav: str, raw: Any) -> list[EntityInput]:
    """Deep-insert children: ``{"results": [...]}``, a plain list, or one object."""
    target = model.nav_target(entity_set, nav).entity_set
    if isinstance(raw, dict) and "__deferred" in raw:
        return []
    if isinstance(raw, dict) and isinstance(raw.get("results"), list):
        raw = raw["results"]
    items = raw if isinstance(raw, list) else [raw]
    if not all(isinstance(item, dict) for item in items):
        raise malformed(f"navigation property '{nav}' must hold entities")
    return [decode_entity(model, target, item) for item in items]
