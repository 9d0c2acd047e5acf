"""Business Central's prices for the price flow: the item card's ``unitPrice`` (API v2.0
``items``), the base price. The standard API v2.0 has no price list lines, so tier and special
prices in Magento are left alone on Business Central."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sync_core.flows.prices_model import ErpPrice

if TYPE_CHECKING:
    from sync_core.engine import Engine


class BcPriceSource:
    kinds = frozenset({"base"})

    def __init__(self, engine: Engine) -> None:
        self.client = engine.erp.client  # type: ignore[attr-defined]
        self.mapping = engine.config.mapping

    def read(self) -> list[ErpPrice]:
        url = self.client.settings.company_url("items")
        rows = self.client.collect(url, {"$select": "id,number,unitPrice,blocked"})
        return [
            ErpPrice(
                self.mapping.sku_for(str(row["number"])),
                "base",
                Decimal(str(row["unitPrice"])),
                source="item unitPrice",
            )
            for row in rows
            if not row.get("blocked") and row.get("unitPrice") is not None
        ]


def build(engine: Engine) -> BcPriceSource | None:
    return BcPriceSource(engine) if hasattr(engine.erp, "client") else None
