"""The shared seed dataset: one Faker-seeded catalogue, customer base and stock picture.

Every fake of a run is seeded from the same :class:`Dataset` through a :class:`SeedProfile`
(SKU -> ERP item code, Magento source -> ERP location), so Magento and the ERP start
consistent, each under its own codes, unless a scenario makes them differ on purpose.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from faker import Faker

Size = Literal["small", "medium", "large"]
SIZES: dict[str, tuple[int, int]] = {
    "small": (24, 12),
    "medium": (2_000, 500),
    "large": (100_000, 10_000),
}
SOURCES = ("default", "wh-north", "wh-south")
CUSTOMER_GROUPS = ("General", "Wholesale", "Retailer")
POOL = 500


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price: Decimal
    type_id: str
    weight: Decimal
    ean: str


@dataclass(frozen=True)
class Customer:
    id: int
    email: str
    firstname: str
    lastname: str
    company: str
    street: str
    city: str
    postcode: str
    country_id: str
    telephone: str
    group: str


@dataclass(frozen=True)
class Dataset:
    seed: int
    size: str
    products: tuple[Product, ...]
    customers: tuple[Customer, ...]
    sources: tuple[str, ...]
    stock: dict[tuple[str, str], int]
    created_at: datetime = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def product(self, sku: str) -> Product:
        for product in self.products:
            if product.sku == sku:
                return product
        raise KeyError(sku)


@dataclass(frozen=True)
class SeedProfile:
    """How dataset codes appear in an ERP. Anything not mapped keeps its Magento code."""

    items: dict[str, str] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SeedProfile:
        data = data or {}
        return cls(
            items=dict(data.get("items", {})),
            locations=dict(data.get("locations", {})),
            accounts=dict(data.get("accounts", {})),
        )

    def item_code(self, sku: str) -> str:
        return self.items.get(sku, sku)

    def location(self, source: str, default: str | None = None) -> str | None:
        return self.locations.get(source, default)


def _pools(seed: int) -> dict[str, list[str]]:
    fake = Faker("en_GB", use_weighting=False)
    fake.seed_instance(seed)
    return {
        "first": [fake.first_name() for _ in range(POOL)],
        "last": [fake.last_name() for _ in range(POOL)],
        "company": [fake.company() for _ in range(POOL)],
        "street": [fake.street_address() for _ in range(POOL)],
        "city": [fake.city() for _ in range(POOL)],
        "postcode": [fake.postcode() for _ in range(POOL)],
        "word": [fake.word().capitalize() for _ in range(POOL)],
        "phone": [fake.phone_number() for _ in range(POOL)],
    }


def _ean(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(12)]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits)) + str(check)


@lru_cache(maxsize=8)
def build_dataset(seed: int = 0, size: Size = "small") -> Dataset:
    """Build the dataset for ``seed`` and ``size``; equal arguments give equal datasets."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, not {size!r}")
    n_products, n_customers = SIZES[size]
    pools = _pools(seed)
    rng = random.Random(f"{seed}:dataset")
    products = tuple(
        Product(
            sku=f"SKU-{i:06d}",
            name=f"{rng.choice(pools['word'])} {rng.choice(pools['word'])} {i}",
            price=Decimal(rng.randrange(199, 49_999)) / 100,
            type_id="simple",
            weight=Decimal(rng.randrange(1, 5_000)) / 100,
            ean=_ean(rng),
        )
        for i in range(1, n_products + 1)
    )
    customers = tuple(_customer(i, rng, pools) for i in range(1, n_customers + 1))
    stock = {(p.sku, src): rng.randrange(0, 200) for p in products for src in SOURCES}
    return Dataset(seed, size, products, customers, SOURCES, stock)


def _customer(i: int, rng: random.Random, pools: dict[str, list[str]]) -> Customer:
    first, last = rng.choice(pools["first"]), rng.choice(pools["last"])
    return Customer(
        id=i,
        email=f"{first}.{last}.{i}@example.com".lower().replace(" ", ""),
        firstname=first,
        lastname=last,
        company=rng.choice(pools["company"]),
        street=rng.choice(pools["street"]),
        city=rng.choice(pools["city"]),
        postcode=rng.choice(pools["postcode"]),
        country_id="GB",
        telephone=rng.choice(pools["phone"]),
        group=CUSTOMER_GROUPS[i % len(CUSTOMER_GROUPS)],
    )
