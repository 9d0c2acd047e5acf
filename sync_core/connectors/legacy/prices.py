"""The legacy ERP's prices for the price flow: its ``PRICE_*.csv`` exports (the OrderService has
no price operation), taken in and checked by :mod:`sync_core.connectors.legacy.pricefiles`.

Each record is a net unit price of an item on a price list from a minimum quantity, valid
from its ``effective_from`` day to its ``effective_to`` day (whole days, UTC, inclusive; empty
= open-ended). In Magento's terms:

- base: the records of the base price list (``erp.options["price_list"]``, default ``STD``)
  with ``min_qty`` 1; quantity breaks of the base list are not read;
- tier per Magento customer group: the records of the price list that ``mapping.price_lists``
  names for the group, one tier per ``min_qty``;
- each record is a dated price: a future price is sent on its first day and not before, and
  once a dated price ends the record under it holds again (the latest first day wins, as in
  the ERP).

Records of other price lists are not read. The ERP has no special prices: Magento's are left
alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from sync_core.connectors.legacy.pricefiles import PriceExports, PriceFile
from sync_core.flows.prices_model import ErpPrice

if TYPE_CHECKING:
    from sync_core.connectors.legacy.gateway import FileGateway
    from sync_core.engine import Engine

DEFAULT_LIST = "STD"
LAST_SECOND = time(23, 59, 59)


class LegacyPrices:
    kinds = frozenset({"base", "tier"})

    def __init__(self, engine: Engine, gateway: FileGateway) -> None:
        self.exports = PriceExports(gateway, engine.store, engine.alerter, engine.clock)
        self.mapping = engine.config.mapping
        self.base_list = str(engine.config.erp.options.get("price_list") or DEFAULT_LIST)
        self.groups: dict[str, list[str]] = {}
        for group, price_list in sorted(self.mapping.price_lists.items()):
            self.groups.setdefault(str(price_list), []).append(group)

    def read(self) -> list[ErpPrice]:
        found = self.exports.newest()
        return [] if found is None else list(self._prices(found))

    def _prices(self, export: PriceFile) -> Iterator[ErpPrice]:
        reader = csv.DictReader(io.StringIO(export.data.lstrip("\ufeff"), newline=""))
        for row in reader:  # checked whole by pricefiles before it was applied
            sku = self.mapping.sku_for(row["sku"])
            qty = int(row["min_qty"])
            amount = Decimal(row["price"])
            start, end = _start(row["effective_from"]), _end(row["effective_to"])
            source = f"{export.name} line {reader.line_num}"
            if row["price_list"] == self.base_list and qty == 1:
                yield ErpPrice(sku, "base", amount, None, 1.0, start, end, source)
            for group in self.groups.get(row["price_list"], []):
                yield ErpPrice(sku, "tier", amount, group, float(qty), start, end, source)


def _start(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.min, tzinfo=UTC)


def _end(day: str) -> datetime | None:
    return datetime.combine(date.fromisoformat(day), LAST_SECOND, tzinfo=UTC) if day else None


def build(engine: Engine) -> LegacyPrices | None:
    gateway = getattr(engine.erp, "gateway", None)
    return None if gateway is None else LegacyPrices(engine, gateway)
