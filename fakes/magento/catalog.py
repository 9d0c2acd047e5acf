"""The catalogue and the customer base, as Magento's product and customer repositories show them.

Products are simple products in attribute set 4 on both websites; their legacy
``extension_attributes.stock_item`` mirrors the ``default`` source item, as the MSI legacy
synchronisation does. Customers belong to website 1; the dataset's group maps to
``group_id`` (General 1, Wholesale 2, Retailer 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.core.dataset import Customer, Dataset, Product

GROUP_IDS = {"NOT LOGGED IN": 0, "General": 1, "Wholesale": 2, "Retailer": 3}
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def stamp(moment: datetime) -> str:
    return moment.strftime(TIME_FORMAT)


@dataclass
class Catalog:
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    customers: dict[int, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> Catalog:
        created = stamp(dataset.created_at)
        catalog = cls()
        for index, product in enumerate(dataset.products, start=1):
            catalog.products[product.sku] = _product(index, product, created)
        for customer in dataset.customers:
            catalog.customers[customer.id] = _customer(customer, created)
        return catalog

    def customer_by_email(self, email: str) -> dict[str, Any] | None:
        wanted = email.strip().lower()
        for customer in self.customers.values():
            if customer["email"].lower() == wanted:
                return customer
        return None

    def skus(self) -> set[str]:
        return set(self.products)


def _product(index: int, product: Product, created: str) -> dict[str, Any]:
    url_key = product.name.lower().replace(" ", "-")
    return {
        "id": index,
        "sku": product.sku,
        "name": product.name,
        "attribute_set_id": 4,
        "price": float(product.price),
        "status": 1,
        "visibility": 4,
        "type_id": product.type_id,
        "created_at": created,
        "updated_at": created,
        "weight": float(product.weight),
        "extension_attributes": {"website_ids": [1, 2], "category_links": []},
        "product_links": [],
        "options": [],
        "media_gallery_entries": [],
        "tier_prices": [],
        "custom_attributes": [
            {"attribute_code": "url_key", "value": url_key},
            {"attribute_code": "tax_class_id", "value": "2"},
            {"attribute_code": "ean", "value": product.ean},
            {"attribute_code": "options_container", "value": "container2"},
            {"attribute_code": "required_options", "value": "0"},
            {"attribute_code": "has_options", "value": "0"},
        ],
    }


def stock_item(product: dict[str, Any], row: dict[str, Any] | None) -> dict[str, Any]:
    """``catalog-inventory-data-stock-item-interface`` from the default source item."""
    qty = float(row["quantity"]) if row else 0.0
    return {
        "item_id": product["id"],
        "product_id": product["id"],
        "stock_id": 1,
        "qty": qty,
        "is_in_stock": bool(row and row["status"] == 1),
        "is_qty_decimal": False,
        "show_default_notification_message": False,
        "use_config_min_qty": True,
        "min_qty": 0,
        "use_config_min_sale_qty": 1,
        "min_sale_qty": 1,
        "use_config_max_sale_qty": True,
        "max_sale_qty": 10000,
        "use_config_backorders": True,
        "backorders": 0,
        "use_config_notify_stock_qty": True,
        "notify_stock_qty": 1,
        "use_config_qty_increments": True,
        "qty_increments": 0,
        "use_config_enable_qty_inc": True,
        "enable_qty_increments": False,
        "use_config_manage_stock": True,
        "manage_stock": True,
        "low_stock_date": None,
        "is_decimal_divided": False,
        "stock_status_changed_auto": 0,
    }


def _customer(customer: Customer, created: str) -> dict[str, Any]:
    address_id = customer.id
    return {
        "id": customer.id,
        "group_id": GROUP_IDS.get(customer.group, 1),
        "default_billing": str(address_id),
        "default_shipping": str(address_id),
        "created_at": created,
        "updated_at": created,
        "created_in": "Default Store View",
        "email": customer.email,
        "firstname": customer.firstname,
        "lastname": customer.lastname,
        "store_id": 1,
        "website_id": 1,
        "addresses": [_customer_address(customer, address_id)],
        "disable_auto_group_change": 0,
        "extension_attributes": {"is_subscribed": False},
    }


def _customer_address(customer: Customer, address_id: int) -> dict[str, Any]:
    return {
        "id": address_id,
        "customer_id": customer.id,
        "region": {"region_code": None, "region": None, "region_id": 0},
        "region_id": 0,
        "country_id": customer.country_id,
        "street": [customer.street],
        "company": customer.company,
        "telephone": customer.telephone,
        "postcode": customer.postcode,
        "city": customer.city,
        "firstname": customer.firstname,
        "lastname": customer.lastname,
        "default_shipping": True,
        "default_billing": True,
    }
