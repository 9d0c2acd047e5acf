"""The initial company database, built from the shared dataset through the seed profile.

* Warehouses: one per Magento source, coded by ``profile.locations`` (default ``default`` -> 01,
  ``wh-north`` -> 02, ``wh-south`` -> 03); sources mapped to the same code share its stock.
* Items: ``ItemCode = profile.item_code(sku)``, stock per warehouse from the dataset, price
  list 1 "Base Price" from the dataset price.
* BusinessPartners: one customer per dataset customer, ``CardCode = profile.accounts[email]``
  or ``C%05d`` of the customer id, with bill-to and ship-to addresses.
"""

from __future__ import annotations

import random
import string
from typing import Any

from fakes.core.backend import FakeContext
from fakes.core.dataset import Customer, Product
from fakes.sap_b1.store import DOC_KINDS, NO, YES, Entity

DEFAULT_LOCATIONS = {"default": "01", "wh-north": "02", "wh-south": "03"}
COMPANY_DB = "SBODEMOGB"
USERNAME = "manager"
BASE_PRICE_LIST = 1


def credentials(ctx: FakeContext) -> tuple[str, str, str]:
    rng = ctx.rng.stream("sap-b1:credentials")
    password = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(16))
    return COMPANY_DB, USERNAME, password


def warehouse_codes(ctx: FakeContext) -> dict[str, str]:
    """Magento source -> B1 warehouse code, for every source of the dataset."""
    codes: dict[str, str] = {}
    for index, source in enumerate(ctx.dataset.sources, start=1):
        fallback = DEFAULT_LOCATIONS.get(source, f"{index:02d}")
        codes[source] = ctx.profile.location(source, fallback) or fallback
    return codes


def _warehouses(codes: dict[str, str]) -> dict[Any, Entity]:
    found: dict[Any, Entity] = {}
    for source, code in codes.items():
        name = "General Warehouse" if source == "default" else f"Warehouse {source}"
        found.setdefault(
            code,
            {"WarehouseCode": code, "WarehouseName": name, "Inactive": NO, "Nettable": YES},
        )
    return found


def _item(ctx: FakeContext, product: Product, codes: dict[str, str], currency: str) -> Entity:
    code = ctx.profile.item_code(product.sku)
    stock: dict[str, float] = {whs: 0.0 for whs in codes.values()}
    for source, whs in codes.items():
        stock[whs] += float(ctx.dataset.stock.get((product.sku, source), 0))
    rows = [
        {"WarehouseCode": whs, "InStock": qty, "Committed": 0.0, "Ordered": 0.0, "ItemCode": code}
        for whs, qty in stock.items()
    ]
    created = ctx.dataset.created_at.date().isoformat()
    return {
        "ItemCode": code,
        "ItemName": product.name,
        "BarCode": product.ean,
        "ItemsGroupCode": 100,
        "InventoryItem": YES,
        "SalesItem": YES,
        "PurchaseItem": YES,
        "Frozen": NO,
        "Valid": YES,
        "DefaultWarehouse": next(iter(stock)),
        "SalesUnitWeight": float(product.weight),
        "QuantityOnStock": sum(stock.values()),
        "QuantityOrderedByCustomers": 0.0,
        "QuantityOrderedFromVendors": 0.0,
        "CreateDate": created,
        "UpdateDate": created,
        "ItemPrices": [
            {"PriceList": BASE_PRICE_LIST, "Price": float(product.price), "Currency": currency,
             "BasePriceList": BASE_PRICE_LIST, "Factor": 1.0}
        ],
        "ItemWarehouseInfoCollection": rows,
    }


def _address(code: str, customer: Customer, row: int, kind: str) -> Entity:
    return {
        "AddressName": "Bill To" if kind == "bo_BillTo" else "Ship To",
        "AddressType": kind,
        "Street": customer.street,
        "City": customer.city,
        "ZipCode": customer.postcode,
        "Country": customer.country_id,
        "BPCode": code,
        "RowNum": row,
    }


def card_code(ctx: FakeContext, customer: Customer) -> str:
    return ctx.profile.accounts.get(customer.email) or f"C{customer.id:05d}"


def _partner(ctx: FakeContext, customer: Customer, currency: str) -> Entity:
    code = card_code(ctx, customer)
    created = ctx.dataset.created_at.date().isoformat()
    return {
        "CardCode": code,
        "CardName": f"{customer.firstname} {customer.lastname}",
        "CardType": "cCustomer",
        "GroupCode": 100,
        "EmailAddress": customer.email,
        "Phone1": customer.telephone,
        "Address": customer.street,
        "City": customer.city,
        "ZipCode": customer.postcode,
        "Country": customer.country_id,
        "Currency": currency,
        "PriceListNum": BASE_PRICE_LIST,
        "CreditLimit": 10000.0,
        "CurrentAccountBalance": 0.0,
        "Frozen": NO,
        "Valid": YES,
        "BilltoDefault": "Bill To",
        "ShipToDefault": "Ship To",
        "CreateDate": created,
        "UpdateDate": created,
        "BPAddresses": [
            _address(code, customer, 0, "bo_BillTo"),
            _address(code, customer, 1, "bo_ShipTo"),
        ],
    }


def build_store(ctx: FakeContext, currency: str) -> dict[str, dict[Any, Entity]]:
    codes = warehouse_codes(ctx)
    items = (_item(ctx, p, codes, currency) for p in ctx.dataset.products)
    partners = (_partner(ctx, c, currency) for c in ctx.dataset.customers)
    store: dict[str, dict[Any, Entity]] = {name: {} for name in DOC_KINDS}
    store["Warehouses"] = _warehouses(codes)
    store["Items"] = {item["ItemCode"]: item for item in items}
    store["BusinessPartners"] = {bp["CardCode"]: bp for bp in partners}
    store["PriceLists"] = {
        BASE_PRICE_LIST: {"PriceListNo": BASE_PRICE_LIST, "PriceListName": "Base Price",
                          "BasePriceList": BASE_PRICE_LIST, "Factor": 1.0, "Active": YES,
                          "IsGrossPrice": NO, "RoundingMethod": "borm_NoRounding"},
    }
    store["SpecialPrices"] = {}
    return store


def session_rng(ctx: FakeContext) -> random.Random:
    return ctx.rng.stream("sap-b1:sessions")
