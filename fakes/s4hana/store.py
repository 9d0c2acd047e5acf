"""Entity tables keyed by the EDMX key, and navigation between them.

A record is a plain dict of property values (Python types); keys starting with ``_`` hold
internal bookkeeping that is never rendered. Each table also indexes its rows by the first
key property, so navigation from a header to its items does not scan every row.
"""

from __future__ import annotations

from typing import Any

from contracts.s4hana.edmx import EntityType, ServiceModel

Record = dict[str, Any]
Key = tuple[Any, ...]

# Navigation joins that do not follow from shared key names: (set, nav) -> {source: target}.
JOIN_OVERRIDES: dict[tuple[str, str], dict[str, str]] = {
    ("A_BusinessPartner", "to_Customer"): {"Customer": "Customer"},
    ("A_SlsPrcgCndnRecdValidity", "to_SlsPrcgConditionRecord"): {
        "ConditionRecord": "ConditionRecord"
    },
}


class Table:
    """The rows of one entity set, in insertion order."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self.rows: dict[Key, Record] = {}
        self.groups: dict[Any, dict[Key, Record]] = {}

    def key_of(self, record: Record) -> Key:
        return tuple(record.get(name) for name in self.keys)

    def put(self, record: Record) -> Record:
        key = self.key_of(record)
        self.rows[key] = record
        self.groups.setdefault(key[0], {})[key] = record
        return record

    def get(self, key: Key) -> Record | None:
        return self.rows.get(key)

    def find(self, **values: Any) -> Record | None:
        return self.rows.get(tuple(values.get(name) for name in self.keys))

    def delete(self, key: Key) -> None:
        self.rows.pop(key, None)
        self.groups.get(key[0], {}).pop(key, None)

    def all(self) -> list[Record]:
        return list(self.rows.values())

    def where(self, **values: Any) -> list[Record]:
        """Rows whose properties equal ``values`` (uses the first-key index when it can)."""
        first = self.keys[0]
        pool = (
            self.groups.get(values[first], {}).values() if first in values else self.rows.values()
        )
        return [r for r in pool if all(r.get(k) == v for k, v in values.items())]

    def __len__(self) -> int:
        return len(self.rows)


def join_of(
    model: ServiceModel, entity_set: str, nav: str, target_type: EntityType
) -> dict[str, str]:
    """Which source properties must equal which target properties for ``entity_set/nav``."""
    override = JOIN_OVERRIDES.get((entity_set, nav))
    if override is not None:
        return override
    source_type = model.type_of(entity_set)
    return {k: k for k in source_type.keys if k in target_type.properties}
