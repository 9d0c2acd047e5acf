"""One company's tables: records keyed by GUID per entity set, document lines linked to their
header, number series, and the item stock picture kept in step with the item ledger.

A company is seeded on first use, so a large dataset costs only for the companies a run
touches; its own random stream keeps the seeded ids independent of when that happens.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from fakes.business_central.auth import new_guid
from fakes.business_central.errors import RecordNotFound
from fakes.business_central.schema import COMPANY, STANDARD, EntityDef
from fakes.business_central.values import iso_now

SERIES = {
    "salesOrders": ("S-ORD", 101001),
    "salesShipments": ("S-SHPT", 102001),
    "salesInvoices": ("PS-INV", 103001),
    "salesCreditMemos": ("S-CR", 104001),
    "customers": ("C", 90001),
}


class Seeder(Protocol):
    """Fills a company on first use; shared, never copied by ``checkpoint()``."""

    def __call__(self, company: Company) -> None: ...


class Company:
    """All records of one company in one environment, seeded lazily on first use."""

    def __init__(
        self, company_id: str, name: str, rng: random.Random, now: datetime,
        seeder: Seeder | None = None,
    ) -> None:
        self.id = company_id
        self.name = name
        self.rng = rng
        self._tables: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in STANDARD}
        self._counters = {key: start for key, (_, start) in SERIES.items()}
        self.units = {"PCS": new_guid(rng)}
        self.currencies = {"EUR": new_guid(rng), "USD": new_guid(rng)}
        self.info = self._info(now)
        self._item_cache: dict[str, str] = {}
        self._seeder = seeder

    def _ensure(self) -> None:
        seeder, self._seeder = self._seeder, None
        if seeder is not None:
            seeder(self)

    @property
    def tables(self) -> dict[str, dict[str, dict[str, Any]]]:
        self._ensure()
        return self._tables

    def _info(self, now: datetime) -> dict[str, Any]:
        stamp = iso_now(now)
        system_user = new_guid(self.rng)
        return {
            **COMPANY.defaults(), "id": self.id, "systemVersion": "26.0.30643.32481",
            "timestamp": 0, "name": self.name, "displayName": self.name,
            "systemCreatedAt": stamp, "systemCreatedBy": system_user,
            "systemModifiedAt": stamp, "systemModifiedBy": system_user, "_v": 1,
        }

    def new_id(self) -> str:
        self._ensure()
        return new_guid(self.rng)

    def counter(self, name: str, start: int) -> int:
        """The next value of a named counter (entry numbers, number series)."""
        self._ensure()
        value = self._counters.setdefault(name, start)
        self._counters[name] = value + 1
        return value

    def next_number(self, series: str) -> str:
        prefix, start = SERIES[series]
        return f"{prefix}{self.counter(series, start)}"

    # -- generic table access ---------------------------------------------------------------
    def table(self, set_name: str) -> dict[str, dict[str, Any]]:
        return self.tables[set_name]

    def get(self, entity: EntityDef, record_id: str) -> dict[str, Any]:
        record = self.tables[entity.set_name].get(record_id.lower())
        if record is None:
            raise RecordNotFound(
                f"The {entity.table} does not exist. Identification fields and values: "
                f"Id='{{{record_id.upper()}}}'"
            )
        return record

    def insert(self, entity: EntityDef, values: dict[str, Any], now: datetime) -> dict[str, Any]:
        record = {**entity.defaults(), **values}
        record["id"] = values.get("id") or self.new_id()
        record["_v"] = 1
        if entity.set_name == "items":
            self._item_cache[str(record["number"]).lower()] = record["id"]
        if "lastModifiedDateTime" in record:
            record["lastModifiedDateTime"] = iso_now(now)
        self.tables[entity.set_name][record["id"]] = record
        return record

    def remove(self, entity: EntityDef, record_id: str) -> None:
        self.tables[entity.set_name].pop(record_id, None)

    @staticmethod
    def touch(record: dict[str, Any], now: datetime) -> None:
        record["_v"] = record.get("_v", 1) + 1
        if "lastModifiedDateTime" in record:
            record["lastModifiedDateTime"] = iso_now(now)

    def find(self, set_name: str, **criteria: Any) -> dict[str, Any] | None:
        for record in self.tables[set_name].values():
            if all(_same(record.get(k), v) for k, v in criteria.items()):
                return record
        return None

    def lines(self, header: dict[str, Any], lines_set: str) -> list[dict[str, Any]]:
        table = self.tables[lines_set]
        return [table[i] for i in header.get("_lines", []) if i in table]

    def link_line(self, header: dict[str, Any], line: dict[str, Any], lines_set: str) -> None:
        """Attach an inserted line to its header, keeping the lines in sequence order."""
        table = self.tables[lines_set]
        ids = [i for i in header.get("_lines", []) if i in table and i != line["id"]]
        header["_lines"] = sorted([*ids, line["id"]], key=lambda i: table[i]["sequence"])

    def unlink_line(self, header: dict[str, Any], line_id: str, lines_set: str) -> None:
        header["_lines"] = [i for i in header.get("_lines", []) if i != line_id]
        self.tables[lines_set].pop(line_id, None)

    def records(self, set_name: str) -> Iterable[dict[str, Any]]:
        return self.tables[set_name].values()

    # -- master data shortcuts ----------------------------------------------------------------
    def item_by_number(self, number: str) -> dict[str, Any] | None:
        """Items by number through a self-healing cache (numbers may be renamed)."""
        key = number.lower()
        items = self.tables["items"]
        cached = items.get(self._item_cache.get(key, ""))
        if cached is not None and str(cached["number"]).lower() == key:
            return cached
        found = self.find("items", number=number)
        if found is not None:
            self._item_cache[key] = found["id"]
        return found

    def location_code(self, location_id: str) -> str:
        location = self.tables["locations"].get(location_id)
        return str(location["code"]) if location else ""

    def location_by_code(self, code: str) -> dict[str, Any] | None:
        return self.find("locations", code=code) if code else None

    def stock(self, item: dict[str, Any]) -> dict[str, Decimal]:
        by_location: dict[str, Decimal] = item.setdefault("_byLocation", {})
        return by_location


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return bool(left == right)
