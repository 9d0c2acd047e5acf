"""Custom API pages (``api/{publisher}/{group}/{version}``) defined by backend options, each a
projection of a standard entity set under its own field names, and the regressions an
extension update can bring (fields renamed, removed or made required).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakes.business_central.errors import RequiredField
from fakes.business_central.schema import GUID, STANDARD, EntityDef, Field
from fakes.business_central.values import check_body

HIDDEN = {"locationCode"}
"""Stored on records but not exposed by any standard page (reachable only through custom ones)."""


@dataclass
class CustomField:
    name: str
    type: str
    source: str


@dataclass
class CustomApi:
    publisher: str
    group: str
    version: str
    entity_set: str
    entity_name: str
    source: str
    fields: list[CustomField]
    required: set[str] = field(default_factory=set)

    @classmethod
    def from_option(cls, data: dict[str, Any]) -> CustomApi:
        try:
            source = str(data["source"])
            spec = STANDARD[source]
            entity_set = str(data["entity_set"])
            api = cls(
                str(data["publisher"]), str(data["group"]), str(data["version"]), entity_set,
                str(data.get("entity_name") or entity_set.removesuffix("s")), source,
                [_field(spec, name, value) for name, value in dict(data["fields"]).items()],
            )
        except KeyError as exc:
            raise ValueError(f"custom API definition needs {exc}: {data!r}") from exc
        api.required = set(data.get("required", ()))
        return api

    @property
    def root(self) -> tuple[str, str, str]:
        return (self.publisher.lower(), self.group.lower(), self.version.lower())

    def entity(self) -> EntityDef:
        source = STANDARD[self.source]
        fields = [Field("id", GUID, True)]
        for f in self.fields:
            if f.name == "id":
                continue
            spec = source.field(f.source)
            read_only = spec is None or spec.read_only
            fields.append(Field(f.name, f.type, read_only, spec.max_length if spec else None))
        return EntityDef(self.entity_set, self.entity_name, source.table, tuple(fields),
                         insert=source.insert, update=source.update, delete=source.delete)

    def view(self, record: dict[str, Any]) -> dict[str, Any]:
        """A source record under this page's field names (keeps id and version)."""
        out = {"id": record["id"], "_v": record.get("_v", 1)}
        for f in self.fields:
            value = record.get(f.source, record.get(f"_{f.source}"))
            out[f.name] = "" if value is None else value
        return out

    def to_source(self, body: Any, creating: bool) -> dict[str, Any]:
        """Check a body against this page and rename its keys to the source's."""
        check_body(self.entity(), body)
        assert isinstance(body, dict)
        if creating:
            for name in sorted(self.required):
                if body.get(name) in (None, ""):
                    raise RequiredField(f"Field '{name}' must not be blank or empty.")
        names = {f.name: f.source for f in self.fields}
        return {names.get(str(k), str(k)): v for k, v in body.items()
                if not str(k).startswith("@odata.")}

    def regress(self, rename: dict[str, str], remove: list[str], require: list[str]) -> None:
        for f in self.fields:
            f.name = rename.get(f.name, f.name)
        self.fields = [f for f in self.fields if f.name not in set(remove)]
        self.required = {rename.get(n, n) for n in self.required} - set(remove) | set(require)


def _field(source: EntityDef, name: str, value: Any) -> CustomField:
    if isinstance(value, dict):
        type_, origin = str(value.get("type", "Edm.String")), str(value.get("source", name))
    else:
        type_, origin = str(value), name
    spec = source.field(origin)
    if spec is None and origin not in HIDDEN:
        raise ValueError(f"{origin!r} is not a field of {source.set_name}")
    if spec is not None and not type_.startswith("Edm."):
        type_ = spec.type
    return CustomField(name, type_, origin)
