"""Sage 200's prices for the price flow: ``product_price_views`` (a product's price in each
price band). The base price is the band ``erp.options["price_band"]`` (default ``Standard``);
``mapping.price_lists`` names a band per Magento customer group (tier prices, quantity 1).
Sage 200's price bands carry no dates here, so Magento's special prices are left alone."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.flows.prices_model import ErpPrice

if TYPE_CHECKING:
    from sync_core.engine import Engine


class SagePriceSource:
    def __init__(self, engine: Engine) -> None:
        self.client = engine.erp.client  # type: ignore[attr-defined]
        self.mapping = engine.config.mapping
        self.base_band = engine.config.erp.options.get("price_band", "Standard")
        self.bands = dict(self.mapping.price_lists)
        self.kinds = frozenset({"base", "tier"} if self.bands else {"base"})

    def read(self) -> list[ErpPrice]:
        out: list[ErpPrice] = []
        for row in self.client.rows("product_price_views"):
            out.extend(self._prices(row))
        return out

    def _prices(self, row: dict[str, Any]) -> list[ErpPrice]:
        if row.get("product_price_price") is None:
            return []
        sku = self.mapping.sku_for(str(row["product_code"]))
        band = str(row.get("price_band_name"))
        amount = Decimal(str(row["product_price_price"]))
        found = []
        if band == self.base_band:
            found.append(ErpPrice(sku, "base", amount, source=f"price band {band}"))
        for group, name in self.bands.items():
            if name == band:
                found.append(ErpPrice(sku, "tier", amount, group, source=f"price band {band}"))
        return found


def build(engine: Engine) -> SagePriceSource | None:
    return SagePriceSource(engine) if hasattr(engine.erp, "client") else None
