"""The account's starting records, built from the shared dataset through the seed profile.

* locations: each Magento source maps to a location internal id (``profile.locations``); a
  source without a mapping uses the default layout ``default`` -> 1 "Main Warehouse",
  ``wh-north`` -> 2 "North Warehouse", ``wh-south`` -> 3 "South Warehouse" (others next free id);
* inventory items (ids from 501): ``itemId`` = the ERP item code (``profile.items``, else the
  SKU), ``externalId`` = the Magento SKU, ``basePrice`` = the catalogue price, and on-hand
  stock per location from the dataset (two sources mapped to one location add up);
* customers (ids from 101): ``entityId`` = the ERP account code (``profile.accounts`` by
  e-mail, else ``CUST<id>``), ``externalId`` = ``mage-customer-<dataset id>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fakes.core.dataset import Customer, Product

if TYPE_CHECKING:
    from fakes.netsuite.state import NetSuiteBackend

DEFAULT_LOCATIONS = {
    "default": ("1", "Main Warehouse"),
    "wh-north": ("2", "North Warehouse"),
    "wh-south": ("3", "South Warehouse"),
}


def populate(b: NetSuiteBackend) -> None:
    created = b.ctx.dataset.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    sources = _locations(b)
    for product in b.ctx.dataset.products:
        _item(b, product, sources, created)
    for customer in b.ctx.dataset.customers:
        _customer(b, customer, created)


def _locations(b: NetSuiteBackend) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for source in b.ctx.dataset.sources:
        default_id, name = DEFAULT_LOCATIONS.get(source, (None, f"Warehouse {source}"))
        loc_id = b.ctx.profile.location(source) or default_id or _free_id(b)
        mapping[source] = loc_id
        if loc_id not in b.records["location"]:
            b.records["location"][loc_id] = {"id": loc_id, "name": name, "externalId": None,
                                              "isInactive": False}
    return mapping


def _free_id(b: NetSuiteBackend) -> str:
    used = {int(k) for k in b.records["location"] if k.isdigit()}
    used |= {int(v[0]) for v in DEFAULT_LOCATIONS.values()}
    return str(max(used) + 1)


def _item(b: NetSuiteBackend, product: Product, sources: dict[str, str], created: str) -> None:
    b.counters["item"] += 1
    rid = str(b.counters["item"])
    record: dict[str, Any] = {
        "id": rid, "itemId": b.ctx.profile.item_code(product.sku), "externalId": product.sku,
        "displayName": product.name, "description": product.name,
        "basePrice": float(product.price), "isInactive": False, "createdDate": created,
        "lastModifiedDate": created,
    }
    b.records["inventoryItem"][rid] = record
    b.external_ids["inventoryItem"][product.sku] = rid
    stock = b.stock.setdefault(rid, {})
    for source, loc_id in sources.items():
        entry = stock.setdefault(loc_id, {"quantityOnHand": 0.0, "lastModifiedDate": created})
        entry["quantityOnHand"] += float(b.ctx.dataset.stock.get((product.sku, source), 0))


def _customer(b: NetSuiteBackend, customer: Customer, created: str) -> None:
    b.counters["entity"] += 1
    rid = str(b.counters["entity"])
    external_id = f"mage-customer-{customer.id}"
    b.records["customer"][rid] = {
        "id": rid, "entityId": b.ctx.profile.accounts.get(customer.email, f"CUST{rid}"),
        "externalId": external_id, "companyName": customer.company,
        "firstName": customer.firstname, "lastName": customer.lastname,
        "email": customer.email, "phone": customer.telephone, "isPerson": False,
        "creditHoldOverride": {"id": "AUTO"}, "isInactive": False, "dateCreated": created,
        "lastModifiedDate": created,
    }
    b.external_ids["customer"][external_id] = rid
