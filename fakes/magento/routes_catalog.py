"""Routes of the price storage services, the legacy CatalogInventory API and bulk status.

ACL resources: ``Magento_Catalog::catalog`` for price storage (unconfirmed: the 2.4 webapi.xml
was not in the corpus; it is the resource of the other catalog price routes),
``Magento_CatalogInventory::cataloginventory`` for stock items (stock statuses are anonymous),
``Magento_AsynchronousOperations::system_magento_logging_bulk_operations`` for bulk status.
"""

from __future__ import annotations

from typing import Any

from fakes.magento.errors import InputError
from fakes.magento.inputs import Param
from fakes.magento.output import prune
from fakes.magento.state import MagentoBackend
from fakes.magento.webapi import CRITERIA, Route
from fakes.magento.webapi import id_param as _id
from fakes.magento.webapi import optional as _opt

PRICES = ("Magento_Catalog::catalog",)
STOCK = ("Magento_CatalogInventory::cataloginventory",)
BULK = ("Magento_AsynchronousOperations::system_magento_logging_bulk_operations",)
CATALOG_API = "Magento\\Catalog\\Api\\"
BASE = CATALOG_API + "BasePriceStorageInterface::"
SPECIAL = CATALOG_API + "SpecialPriceStorageInterface::"
TIER = CATALOG_API + "TierPriceStorageInterface::"
COST = CATALOG_API + "CostStorageInterface::"
STOCK_REGISTRY = "Magento\\CatalogInventory\\Api\\StockRegistryInterface::"
SKUS = (Param("skus", "string[]"),)


def _rows(kind: str) -> tuple[Param, ...]:
    return (Param("prices", f"{kind}[]"),)


def _prices(args: dict[str, Any]) -> list[dict[str, Any]]:
    prices = args["prices"]
    if not isinstance(prices, list):
        raise InputError("Invalid input data format. Expected an array of prices.")
    return prices


def _out(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [prune(row, kind) for row in rows]


def _sku(args: dict[str, Any]) -> str:
    return str(args["productSku"])


def _info(b: MagentoBackend, method: str, skus: list[str], kind: str) -> list[dict[str, Any]]:
    return _out(getattr(b.prices, method)(b.catalog, skus), kind)


ROUTES: tuple[Route, ...] = (
    # base prices and cost
    Route("POST", "/V1/products/base-prices", PRICES, _rows("base_price"),
          lambda b, a, c: b.prices.update_base(b.catalog, _prices(a), b.now), BASE + "update"),
    Route("POST", "/V1/products/base-prices-information", PRICES, SKUS,
          lambda b, a, c: _info(b, "base_information", a["skus"], "base_price"), BASE + "get"),
    Route("POST", "/V1/products/cost", PRICES, _rows("cost_price"),
          lambda b, a, c: b.prices.update_cost(b.catalog, _prices(a), b.now), COST + "update"),
    Route("POST", "/V1/products/cost-information", PRICES, SKUS,
          lambda b, a, c: _info(b, "cost_information", a["skus"], "cost_price"), COST + "get"),
    Route("POST", "/V1/products/cost-delete", PRICES, SKUS,
          lambda b, a, c: b.prices.delete_cost(b.catalog, a["skus"]), COST + "delete"),
    # special prices
    Route("POST", "/V1/products/special-price", PRICES, _rows("special_price"),
          lambda b, a, c: b.prices.update_special(b.catalog, _prices(a), b.now),
          SPECIAL + "update"),
    Route("POST", "/V1/products/special-price-information", PRICES, SKUS,
          lambda b, a, c: _info(b, "special_information", a["skus"], "special_price"),
          SPECIAL + "get"),
    Route("POST", "/V1/products/special-price-delete", PRICES, _rows("special_price"),
          lambda b, a, c: b.prices.delete_special(b.catalog, _prices(a), b.now),
          SPECIAL + "delete"),
    # tier prices
    Route("POST", "/V1/products/tier-prices", PRICES, _rows("tier_price"),
          lambda b, a, c: b.prices.update_tiers(b.catalog, _prices(a), b.now), TIER + "update"),
    Route("PUT", "/V1/products/tier-prices", PRICES, _rows("tier_price"),
          lambda b, a, c: b.prices.replace_tiers(b.catalog, _prices(a), b.now),
          TIER + "replace"),
    Route("POST", "/V1/products/tier-prices-information", PRICES, SKUS,
          lambda b, a, c: _info(b, "tier_information", a["skus"], "tier_price"), TIER + "get"),
    Route("POST", "/V1/products/tier-prices-delete", PRICES, _rows("tier_price"),
          lambda b, a, c: b.prices.delete_tiers(b.catalog, _prices(a), b.now), TIER + "delete"),
    # legacy stock
    Route("GET", "/V1/stockItems/:productSku", STOCK,
          (Param("productSku", "string"), _opt("scopeId", "int")),
          lambda b, a, c: b.stock_item(_sku(a))),
    Route("PUT", "/V1/products/:productSku/stockItems/:itemId", STOCK,
          (Param("productSku", "string"), Param("itemId", "string"),
           Param("stockItem", "stock_item")),
          lambda b, a, c: b.update_stock_item(_sku(a), a["stockItem"]),
          STOCK_REGISTRY + "updateStockItemBySku"),
    Route("GET", "/V1/stockStatuses/:productSku", (),
          (Param("productSku", "string"), _opt("scopeId", "int")),
          lambda b, a, c: b.stock_status(_sku(a))),
    # bulk status
    Route("GET", "/V1/bulk/:bulkUuid/status", BULK, (Param("bulkUuid", "string"),),
          lambda b, a, c: b.bulk.short_status(a["bulkUuid"])),
    Route("GET", "/V1/bulk/:bulkUuid/detailed-status", BULK, (Param("bulkUuid", "string"),),
          lambda b, a, c: b.bulk.detailed_status(a["bulkUuid"])),
    Route("GET", "/V1/bulk/:bulkUuid/operation-status/:status", BULK,
          (Param("bulkUuid", "string"), _id("status")),
          lambda b, a, c: b.bulk.count(a["bulkUuid"], a["status"])),
    Route("GET", "/V1/bulk", BULK, (CRITERIA,),
          lambda b, a, c: b.bulk_operations(a["searchCriteria"])),
)
