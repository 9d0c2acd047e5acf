"""The initial Sage 200 company, built from the shared dataset through the seed profile.

* warehouses: one per ERP location the profile maps the Magento sources to (defaults
  ``default`` -> ``HOME``, ``wh-north`` -> ``NORTH``, ``wh-south`` -> ``SOUTH``); sources mapped to
  the same warehouse pool their stock;
* products: code = ``profile.item_code(sku)``, a warehouse holding in every warehouse with the
  dataset's stock as ``confirmed_qty_in_stock``; the dataset price in the Standard price band;
* customers: reference = ``profile.accounts[email]`` or ``CUST%04d`` of the dataset id; no
  credit limit (0 = not checked, a fake convention), balance 0, not on hold; one default
  contact (the dataset person, with the email and telephone).

Ids are numeric, deterministic and start at a different offset per entity, like Sage's own
record ids, so a connector that mixes them up fails visibly.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from fakes.core.dataset import Customer as DataCustomer
from fakes.core.dataset import Product as DataProduct
from fakes.core.dataset import SeedProfile
from fakes.sage200.models import Customer, Holding, PriceBand, Product, Warehouse

if TYPE_CHECKING:
    from fakes.sage200.state import Sage200Backend

DEFAULT_LOCATIONS = {"default": "HOME", "wh-north": "NORTH", "wh-south": "SOUTH"}
ID_BASES = {
    "warehouse": 1000,
    "product": 20000,
    "customer": 30000,
    "contact": 50000,
    "holding": 40000,
    "order": 60000,
    "line": 70000,
    "despatch": 80000,
    "despatch_line": 90000,
    "posted_transaction": 100000,
    "urn": 3000,
    "price_band": 1,
    "document_no": 0,
    "despatch_no": 0,
}
STANDARD_BAND_ID = 1


def location_name(profile: SeedProfile, source: str) -> str:
    name = profile.location(source, DEFAULT_LOCATIONS.get(source, source.upper()))
    return (name or source)[:20]


def load(b: Sage200Backend) -> None:
    b.counters = dict(ID_BASES)
    stamp = b.ctx.dataset.created_at.replace(tzinfo=None)
    b.warehouses, b.products, b.holdings, b.customers = {}, {}, {}, {}
    b.holding_index, b.code_index = {}, {}
    sources = _warehouses(b, stamp)
    for item in b.ctx.dataset.products:
        _product(b, item, sources, stamp)
    for person in b.ctx.dataset.customers:
        _customer(b, person, stamp)
    b.price_bands = {
        STANDARD_BAND_ID: PriceBand(
            id=STANDARD_BAND_ID, name="Standard", description="Standard price band",
            created=stamp, updated=stamp,
        )
    }
    b.band_prices = {}


def _warehouses(b: Sage200Backend, stamp: datetime) -> dict[str, int]:
    """Create the warehouses; return Magento source -> warehouse id."""
    by_name: dict[str, int] = {}
    sources: dict[str, int] = {}
    for source in b.ctx.dataset.sources:
        name = location_name(b.ctx.profile, source)
        if name not in by_name:
            site = Warehouse(
                id=b.next_id("warehouse"), name=name, description=f"{name} warehouse",
                created=stamp, updated=stamp,
            )
            b.warehouses[site.id] = site
            by_name[name] = site.id
        sources[source] = by_name[name]
    return sources


def _product(
    b: Sage200Backend, item: DataProduct, sources: dict[str, int], stamp: datetime
) -> None:
    product = Product(
        id=b.next_id("product"), code=b.ctx.profile.item_code(item.sku)[:30],
        name=item.name[:60], description=item.name, barcode=item.ean, weight=item.weight,
        price=item.price, price_updated=stamp, created=stamp, updated=stamp,
    )
    b.add_product(product)
    stock: dict[int, Decimal] = {}
    for source, warehouse_id in sources.items():
        qty = Decimal(b.ctx.dataset.stock.get((item.sku, source), 0))
        stock[warehouse_id] = stock.get(warehouse_id, Decimal(0)) + qty
    for warehouse_id, qty in stock.items():
        holding = Holding(
            id=b.next_id("holding"), product_id=product.id, warehouse_id=warehouse_id,
            confirmed=qty, created=stamp, updated=stamp,
        )
        b.add_holding(holding)


def _customer(b: Sage200Backend, person: DataCustomer, stamp: datetime) -> None:
    reference = b.ctx.profile.accounts.get(person.email) or f"CUST{person.id:04d}"
    customer = Customer(
        id=b.next_id("customer"), reference=reference, name=person.company[:60],
        short_name=reference[:20], email=person.email, telephone=person.telephone,
        created=stamp, updated=stamp, contact_id=b.next_id("contact"),
        contact_first_name=person.firstname[:60], contact_last_name=person.lastname[:60],
    )
    b.customers[customer.id] = customer
