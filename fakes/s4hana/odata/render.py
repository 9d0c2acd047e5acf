"""OData v2 JSON ("verbose" format): ``{"d": {...}}`` entities with ``__metadata``,
deferred or expanded navigation properties, and ``{"d": {"results": [...], "__count",
"__next"}}`` collections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakes.s4hana import edm
from fakes.s4hana.odata.query import Expand, Select
from fakes.s4hana.services import Service

Record = dict[str, Any]
Related = Callable[[str, Record, str], tuple[str, list[Record], bool]]


@dataclass(frozen=True)
class Renderer:
    """Renders records of one service; ``root`` is the absolute service root URL."""

    service: Service
    root: str
    related: Related

    def uri(self, entity_set: str, record: Record) -> str:
        entity_type = self.service.entity_type(entity_set)
        return f"{self.root}/{entity_set}{edm.key_string(entity_type, record)}"

    def etag(self, entity_set: str, record: Record) -> str | None:
        prop = self.service.entity_type(entity_set).etag_property
        if prop is None or record.get(prop.name) is None:
            return None
        return edm.etag(prop, record[prop.name])

    def metadata(self, entity_set: str, record: Record) -> dict[str, str]:
        uri = self.uri(entity_set, record)
        type_name = f"{self.service.model.namespace}.{self.service.entity_type(entity_set).name}"
        meta = {"id": uri, "uri": uri, "type": type_name}
        etag = self.etag(entity_set, record)
        if etag is not None:
            meta["etag"] = etag
        return meta

    def entity(
        self,
        entity_set: str,
        record: Record,
        expand: Expand | None = None,
        select: Select | None = None,
    ) -> dict[str, Any]:
        expand = expand or Expand()
        select = select or Select()
        entity_type = self.service.entity_type(entity_set)
        body: dict[str, Any] = {"__metadata": self.metadata(entity_set, record)}
        for name, prop in entity_type.properties.items():
            if select.wants(name):
                value = record.get(name)
                body[name] = edm.to_json(
                    prop, edm.default(prop) if value is None else value, record
                )
        for nav in entity_type.navigations:
            if nav in expand.children:
                body[nav] = self._expanded(entity_set, record, nav, expand, select)
            elif select.properties is None or nav in select.properties:
                body[nav] = {"__deferred": {"uri": f"{self.uri(entity_set, record)}/{nav}"}}
        return body

    def _expanded(
        self, entity_set: str, record: Record, nav: str, expand: Expand, select: Select
    ) -> Any:
        target, rows, many = self.related(entity_set, record, nav)
        sub_expand, sub_select = expand.children[nav], select.child(nav)
        rendered = [self.entity(target, row, sub_expand, sub_select) for row in rows]
        if many:
            return {"results": rendered}
        return rendered[0] if rendered else None

    def collection(
        self,
        entity_set: str,
        rows: list[Record],
        expand: Expand,
        select: Select,
        count: int | None = None,
        next_url: str | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "results": [self.entity(entity_set, r, expand, select) for r in rows]
        }
        if count is not None:
            body["__count"] = str(count)
        if next_url is not None:
            body["__next"] = next_url
        return {"d": body}
