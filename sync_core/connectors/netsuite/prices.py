"""NetSuite's prices for the price flow: each inventory item's ``basePrice`` (the base price
level), read from the REST record service: the ``inventoryItem`` list (paged by ``limit`` and
``offset``), then each item with ``fields=itemId,basePrice,isInactive``.

Only the REST record service is used, not SuiteQL, so the price run never shares a query with
the stock import. Only base prices: the fake models no price-level matrix, so tier and special
prices in Magento are left alone on NetSuite.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.netsuite.client import RECORD
from sync_core.errors import SchemaDrift
from sync_core.flows.prices_model import ErpPrice

if TYPE_CHECKING:
    from sync_core.engine import Engine

PAGE = 1000


class NetSuitePrices:
    kinds = frozenset({"base"})

    def __init__(self, engine: Engine) -> None:
        self.client = engine.erp.client  # type: ignore[attr-defined]
        self.mapping = engine.config.mapping

    def read(self) -> list[ErpPrice]:
        out = []
        for item_id in self._ids():
            record = self.client.get_record(
                "inventoryItem", item_id, fields="itemId,basePrice,isInactive"
            )
            if record.get("isInactive") or record.get("basePrice") is None:
                continue
            out.append(
                ErpPrice(
                    self.mapping.sku_for(str(record["itemId"])),
                    "base",
                    Decimal(str(record["basePrice"])),
                    source="base price",
                )
            )
        return out

    def _ids(self) -> Iterator[str]:
        offset = 0
        while True:
            params = {"limit": str(PAGE), "offset": str(offset)}
            response = self.client.http.request("GET", f"{RECORD}/inventoryItem", params=params)
            body: Any = self.client.http.json(response)
            if not isinstance(body, dict) or not isinstance(body.get("items"), list):
                raise SchemaDrift("netsuite inventoryItem list: no items array")
            yield from (str(row["id"]) for row in body["items"])
            if not body.get("hasMore"):
                return
            offset += PAGE


def build(engine: Engine) -> NetSuitePrices | None:
    return NetSuitePrices(engine) if hasattr(engine.erp, "client") else None
