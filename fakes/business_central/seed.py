"""Initial company data from the shared dataset, through the seed profile: items numbered by
``profile.item_code(sku)``, locations coded by ``profile.location(source)`` (default, wh-north and
wh-south become MAIN, NORTH and SOUTH), opening stock as one "Positive Adjmt." item ledger entry
per item and location, customers numbered by ``profile.accounts`` or ``C%05d``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from fakes.business_central.company import Company
from fakes.business_central.posting import Movement, post_ledger
from fakes.business_central.schema import STANDARD
from fakes.core.dataset import Customer, Dataset, Product, SeedProfile

DEFAULT_LOCATIONS = {"default": "MAIN", "wh-north": "NORTH", "wh-south": "SOUTH"}
LOCATION_NAMES = {"MAIN": "Main Warehouse", "NORTH": "North Warehouse", "SOUTH": "South Warehouse"}
OPENING_DOCUMENT = "START"


@dataclass(frozen=True)
class DatasetSeeder:
    """Seeds a company from the dataset on its first use (see ``Company``); ``checkpoint()``
    shares it instead of copying the dataset."""

    dataset: Dataset
    profile: SeedProfile
    now: datetime

    def __deepcopy__(self, memo: dict[int, Any]) -> DatasetSeeder:
        return self

    def __call__(self, company: Company) -> None:
        seed_company(company, self.dataset, self.profile, self.now)


def location_code(profile: SeedProfile, source: str) -> str:
    return profile.location(source, DEFAULT_LOCATIONS.get(source, source.upper())) or source.upper()


def seed_company(company: Company, dataset: Dataset, profile: SeedProfile, now: datetime) -> None:
    for source in dataset.sources:
        _location(company, location_code(profile, source), now)
    for product in dataset.products:
        _item(company, product, profile, now)
    for customer in dataset.customers:
        _customer(company, customer, profile, now)
    for (sku, source), quantity in sorted(dataset.stock.items()):
        if quantity > 0:
            post_ledger(company, Movement(
                profile.item_code(sku), location_code(profile, source), Decimal(quantity),
                "Positive Adjmt.", " ", OPENING_DOCUMENT, description="Opening stock"), now)


def _location(company: Company, code: str, now: datetime) -> None:
    if company.location_by_code(code) is not None:
        return
    company.insert(STANDARD["locations"], {
        "code": code, "displayName": LOCATION_NAMES.get(code, code.title()), "country": "GB",
    }, now)


def _item(company: Company, product: Product, profile: SeedProfile, now: datetime) -> None:
    company.insert(STANDARD["items"], {
        "number": profile.item_code(product.sku), "displayName": product.name[:100],
        "type": "Inventory", "gtin": product.ean, "unitPrice": product.price,
        "unitCost": (product.price * Decimal("0.6")).quantize(Decimal("0.01")),
        "baseUnitOfMeasureCode": "PCS", "baseUnitOfMeasureId": company.units["PCS"],
        "taxGroupCode": "STANDARD", "generalProductPostingGroupCode": "RETAIL",
        "inventoryPostingGroupCode": "RESALE", "_byLocation": {},
    }, now)


def _customer(company: Company, customer: Customer, profile: SeedProfile, now: datetime) -> None:
    number = profile.accounts.get(customer.email) or f"C{customer.id:05d}"
    company.insert(STANDARD["customers"], {
        "number": number, "displayName": f"{customer.firstname} {customer.lastname}"[:100],
        "type": "Person", "addressLine1": customer.street[:100], "city": customer.city[:30],
        "country": customer.country_id, "postalCode": customer.postcode[:20],
        "phoneNumber": customer.telephone[:30], "email": customer.email[:80],
        "currencyCode": "GBP", "taxLiable": True, "blocked": " ", "creditLimit": Decimal(0),
    }, now)
