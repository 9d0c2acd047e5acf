"""SAP Business One's prices for the price flow, through the Service Layer.

- base: ``Items.ItemPrices`` of the base price list (``erp.options["price_list"]``, default 1);
- tier per Magento customer group: ``Items.ItemPrices`` of the price list that
  ``mapping.price_lists`` names for the group (quantity 1);
- special with dates: the base price list's period discounts, ``SpecialPrices`` whose
  ``CardCode`` is ``*<price list>`` (every business partner on that list): each
  ``SpecialPriceDataAreas`` row from ``DateFrom`` to ``Dateto`` (whole days, inclusive, UTC),
  its ``SpecialPrice`` or ``Discount`` percent off the list price. Per-partner special prices
  have no Magento equivalent and are not read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.config import ConfigError
from sync_core.flows.prices_model import ErpPrice

if TYPE_CHECKING:
    from sync_core.engine import Engine

YES = "tYES"


class B1PriceSource:
    kinds = frozenset({"base", "tier", "special"})

    def __init__(self, engine: Engine) -> None:
        self.client = engine.erp.client  # type: ignore[attr-defined]
        self.mapping = engine.config.mapping
        raw = engine.config.erp.options.get("price_list", "1")
        if not str(raw).isdigit():
            raise ConfigError(f"erp.options.price_list must be a price list number, got {raw!r}")
        self.base_list = int(raw)
        self.groups = {g: _list_no(g, v) for g, v in self.mapping.price_lists.items()}

    def read(self) -> list[ErpPrice]:
        out: list[ErpPrice] = []
        bases: dict[str, Decimal] = {}
        for item in self.client.query("Items", {"$select": "ItemCode,ItemPrices,Valid"}):
            if item.get("Valid", YES) != YES:
                continue
            sku = self.mapping.sku_for(str(item["ItemCode"]))
            prices = {int(r.get("PriceList") or 0): r for r in item.get("ItemPrices") or []}
            out.extend(self._item_prices(sku, prices, bases))
        out.extend(self._specials(bases))
        return out

    def _item_prices(
        self, sku: str, prices: dict[int, dict[str, Any]], bases: dict[str, Decimal]
    ) -> Iterator[ErpPrice]:
        base = prices.get(self.base_list)
        if base is not None and base.get("Price") is not None:
            bases[sku] = Decimal(str(base["Price"]))
            yield ErpPrice(sku, "base", bases[sku], source=f"price list {self.base_list}")
        for group, number in self.groups.items():
            row = prices.get(number)
            if row is not None and row.get("Price") is not None:
                amount = Decimal(str(row["Price"]))
                yield ErpPrice(sku, "tier", amount, group, source=f"price list {number}")

    def _specials(self, bases: dict[str, Decimal]) -> Iterator[ErpPrice]:
        card = f"*{self.base_list}"
        for special in self.client.query("SpecialPrices", {}):
            if special.get("CardCode") != card or special.get("Valid", YES) != YES:
                continue
            sku = self.mapping.sku_for(str(special["ItemCode"]))
            base = bases.get(sku)
            for area in special.get("SpecialPriceDataAreas") or []:
                amount = _area_price(area, base)
                if amount is not None:
                    yield ErpPrice(
                        sku,
                        "special",
                        amount,
                        valid_from=_day(area.get("DateFrom"), time.min),
                        valid_to=_day(area.get("Dateto"), time(23, 59, 59)),
                        source=f"period discount {card} row {area.get('RowNumber')}",
                    )


def _list_no(group: str, value: str) -> int:
    if not str(value).isdigit():
        raise ConfigError(f"mapping.price_lists.{group} must be a price list number, got {value!r}")
    return int(value)


def _area_price(area: dict[str, Any], base: Decimal | None) -> Decimal | None:
    if area.get("SpecialPrice") not in (None, 0, 0.0):
        return Decimal(str(area["SpecialPrice"]))
    if base is None or area.get("Discount") in (None, 0, 0.0):
        return None
    return (base * (1 - Decimal(str(area["Discount"])) / 100)).quantize(Decimal("0.01"))


def _day(value: Any, at: time) -> datetime | None:
    if not value:
        return None
    day = datetime.strptime(str(value)[:10], "%Y-%m-%d").date()
    return datetime.combine(day, at, tzinfo=UTC)


def build(engine: Engine) -> B1PriceSource | None:
    return B1PriceSource(engine) if hasattr(engine.erp, "client") else None
