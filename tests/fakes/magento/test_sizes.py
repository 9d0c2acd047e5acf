"""Seed sizes: the medium and large datasets build a working Magento fake (how fast is a
benchmark's business, not a test's)."""

from __future__ import annotations

from werkzeug.test import Client

from fakes.core.dataset import SIZES
from fakes.core.fake import create_fake
from tests.fakes.magento.conftest import Api


def test_medium_fake_has_the_dataset_sizes() -> None:
    fake = create_fake("magento", seed=2, size="medium")
    products, customers = SIZES["medium"]
    assert len(fake.backend.catalog.products) == products
    api = Api(fake)
    api.login()
    last = f"SKU-{products:06d}"
    assert api.get(f"/rest/V1/products/{last}").status_code == 200
    assert api.get(f"/rest/V1/customers/{customers}").status_code == 200


def test_large_fake_builds_and_serves() -> None:
    fake = create_fake("magento", seed=11, size="large")
    products, _ = SIZES["large"]
    assert len(fake.backend.catalog.products) == products
    dataset = fake.ctx.dataset
    sku = next(p.sku for p in reversed(dataset.products) if dataset.stock[(p.sku, "default")] > 0)
    client = Client(fake.wsgi)
    cart = client.post("/rest/V1/guest-carts").get_json()
    added = client.post(f"/rest/V1/guest-carts/{cart}/items",
                        json={"cartItem": {"sku": sku, "qty": 1}})
    assert added.status_code == 200, added.get_data(as_text=True)
    assert added.get_json()["sku"] == sku
