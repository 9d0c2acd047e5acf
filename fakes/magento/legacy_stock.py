"""The legacy CatalogInventory API over MSI: ``/V1/stockItems``, ``/V1/stockStatuses``.

With MSI the legacy stock item of a product mirrors its ``default`` source item (stock 1), and
saving it (``StockRegistry::updateStockItemBySku``) writes that source item back: ``qty`` is the
quantity, ``is_in_stock`` the status (when not sent, in stock exactly when the quantity is
positive). The answer is the stock item id. An unknown SKU is
``The Product with the "%1" SKU doesn't exist.`` (404).
"""

from __future__ import annotations

from typing import Any

from fakes.magento.catalog import Catalog, stock_item
from fakes.magento.errors import NoSuchEntity
from fakes.magento.inventory import Inventory

DEFAULT_SOURCE = "default"


def product(catalog: Catalog, sku: str) -> dict[str, Any]:
    found = catalog.products.get(sku)
    if found is None:
        raise NoSuchEntity('The Product with the "%1" SKU doesn\'t exist.', [sku])
    return found


def item(catalog: Catalog, inventory: Inventory, sku: str) -> dict[str, Any]:
    found = product(catalog, sku)
    return stock_item(found, inventory.item(sku, DEFAULT_SOURCE))


def status(catalog: Catalog, inventory: Inventory, sku: str) -> dict[str, Any]:
    found = product(catalog, sku)
    legacy = stock_item(found, inventory.item(sku, DEFAULT_SOURCE))
    return {"product_id": found["id"], "stock_id": 1, "qty": int(legacy["qty"]),
            "stock_status": 1 if legacy["is_in_stock"] else 0, "stock_item": legacy}


def update(catalog: Catalog, inventory: Inventory, sku: str, data: dict[str, Any]) -> int:
    found = product(catalog, sku)
    row = inventory.item(sku, DEFAULT_SOURCE)
    qty = float(row["quantity"]) if row else 0.0
    if data.get("qty") is not None:
        qty = float(data["qty"])
    in_stock = data.get("is_in_stock")
    state = (1 if qty > 0 else 0) if in_stock is None else int(bool(in_stock))
    inventory.set_item(sku, DEFAULT_SOURCE, qty, state)
    return int(found["id"])
