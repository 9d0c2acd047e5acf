"""The initial Magento state from the shared dataset.

Magento is the storefront side, so dataset codes are used as they are: SKUs, customer ids and
MSI source codes (``default``, ``wh-north``, ``wh-south``). The profile's mappings (SKU -> ERP
item, source -> ERP location, email -> ERP account) describe the ERP side and change nothing
here. Every product gets a source item per source with the dataset's quantity; a source item
is in stock (status 1) when its quantity is positive.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fakes.core.dataset import Dataset, SeedProfile
from fakes.magento.catalog import Catalog
from fakes.magento.inventory import Inventory

SOURCE_NAMES = {"default": "Default Source"}


@dataclass
class Seeded:
    catalog: Catalog
    inventory: Inventory


@contextmanager
def _no_gc() -> Iterator[None]:
    """Building 100 000 products allocates millions of containers and none is garbage: cyclic
    collection passes during the build only cost time (about half of it for ``large``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(dataset: Dataset, profile: SeedProfile) -> Seeded:
    del profile  # Magento keeps the dataset's own codes; the profile maps the ERP side.
    with _no_gc():
        return _build(dataset)


def _build(dataset: Dataset) -> Seeded:
    catalog = Catalog.from_dataset(dataset)
    inventory = Inventory()
    for index, code in enumerate(dataset.sources):
        name = SOURCE_NAMES.get(code, code.replace("-", " ").title())
        inventory.add_source(code, name, postcode=f"AB{index + 1} 1AA")
    for (sku, code), qty in sorted(dataset.stock.items()):
        inventory.set_item(sku, code, float(qty), 1 if qty > 0 else 0)
    return Seeded(catalog, inventory)
