"""The legacy ERP's master data and stock, built from the shared dataset through the profile.

Item codes are ``profile.item_code(sku)``; warehouses ``profile.location(source)`` with the
ERP's defaults (``default`` -> ``WH01``, ``wh-north`` -> ``WH02``, ``wh-south`` -> ``WH03``,
anything else upper-cased); customer refs ``profile.accounts[email]`` or ``CUST%04d`` % id.
"""

from __future__ import annotations

from dataclasses import dataclass

from fakes.core.dataset import Dataset, SeedProfile
from fakes.legacy.model import Customer, Item

DEFAULT_WAREHOUSES = {"default": "WH01", "wh-north": "WH02", "wh-south": "WH03"}


@dataclass(frozen=True)
class SeedData:
    items: dict[str, Item]
    warehouses: list[str]
    customers: dict[str, Customer]
    stock: dict[tuple[str, str], int]


def warehouse_code(profile: SeedProfile, source: str) -> str:
    return profile.location(source) or DEFAULT_WAREHOUSES.get(source) or source.upper()


def customer_ref(profile: SeedProfile, email: str, customer_id: int) -> str:
    return profile.accounts.get(email) or f"CUST{customer_id:04d}"


def build_seed(dataset: Dataset, profile: SeedProfile) -> SeedData:
    items = {
        profile.item_code(p.sku): Item(profile.item_code(p.sku), p.name, p.price)
        for p in dataset.products
    }
    warehouses = {source: warehouse_code(profile, source) for source in dataset.sources}
    customers = {
        ref: Customer(ref, c.email, f"{c.firstname} {c.lastname}")
        for c in dataset.customers
        for ref in [customer_ref(profile, c.email, c.id)]
    }
    stock = {
        (profile.item_code(sku), warehouses[source]): qty
        for (sku, source), qty in dataset.stock.items()
    }
    return SeedData(items, sorted(set(warehouses.values())), customers, stock)
