"""NetSuite's prices for the price flow: each inventory item's ``basePrice`` (the base price
level), read from the REST record service: the ``inventoryItem`` list (paged by ``limit`` and
``offset``), then each item with ``fields=itemId,basePrice,isInactive``; and the dated prices
of the Pricing feature's sale price rules (:mod:`sync_core.connectors.netsuite.sale_price_rules`)
for the price level ``erp.options["price_level"]`` (default 1, Base Price) in the currency
``erp.options["price_currency"]`` (default 1): a future rule's price is sent on its first day,
and the base price is back after its last.

Only the REST record service is used, not SuiteQL, so the price run never shares a query with
the stock import. Only base prices: tier and special prices in Magento are left alone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sync_core.connectors.netsuite import sale_price_rules
from sync_core.flows.prices_model import ErpPrice

if TYPE_CHECKING:
    from sync_core.engine import Engine


class NetSuitePrices:
    kinds = frozenset({"base"})

    def __init__(self, engine: Engine) -> None:
        self.client = engine.erp.client  # type: ignore[attr-defined]
        self.mapping = engine.config.mapping
        options = engine.config.erp.options
        self.level = str(options.get("price_level", "1"))
        self.currency = str(options.get("price_currency", "1"))

    def read(self) -> list[ErpPrice]:
        """Dated rule prices first: an undated rule then wins over the undated base price."""
        base, skus = self._base()
        dated = sale_price_rules.read(self.client, skus, self.level, self.currency)
        return dated + base

    def _base(self) -> tuple[list[ErpPrice], dict[str, str]]:
        out, skus = [], {}
        for item_id in sale_price_rules.record_ids(self.client, "inventoryItem"):
            record = self.client.get_record(
                "inventoryItem", item_id, fields="itemId,basePrice,isInactive"
            )
            if record.get("isInactive"):
                continue
            sku = self.mapping.sku_for(str(record["itemId"]))
            skus[item_id] = sku
            if record.get("basePrice") is not None:
                amount = Decimal(str(record["basePrice"]))
                out.append(ErpPrice(sku, "base", amount, source="base price"))
        return out, skus


def build(engine: Engine) -> NetSuitePrices | None:
    return NetSuitePrices(engine) if hasattr(engine.erp, "client") else None
