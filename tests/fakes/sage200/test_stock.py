"""Seed through the profile, products, warehouses, holdings, price book, determinism."""

from __future__ import annotations

from fakes.core.dataset import build_dataset
from fakes.core.fake import Fake
from fakes.sage200 import SPEC
from fakes.sage200.render import (
    CUSTOMER_KEYS,
    HOLDING_KEYS,
    ORDER_KEYS,
    PRODUCT_KEYS,
    PRODUCT_PRO_KEYS,
)
from tests.fakes.sage200.conftest import SageClient


def test_default_seed_mapping(api: SageClient) -> None:
    dataset = build_dataset(7, "small")
    warehouses = api.json("GET", "/warehouses")
    assert [w["name"] for w in warehouses] == ["HOME", "NORTH", "SOUTH"]
    products = api.json("GET", "/products")
    assert [p["code"] for p in products] == [p.sku for p in dataset.products]
    customers = api.json("GET", "/customers")
    assert customers[0]["reference"] == "CUST0001"
    assert len({c["id"] for c in customers}) == len(dataset.customers)
    holdings = api.json("GET", "/warehouse_holdings?$top=5000")
    sku = dataset.products[0].sku
    home = next(h for h in holdings if h["product_id"] == products[0]["id"]
                and h["warehouse_name"] == "HOME")
    assert home["confirmed_qty_in_stock"] == dataset.stock[(sku, "default")]


def test_profile_codes_locations_and_accounts() -> None:
    dataset = build_dataset(7, "small")
    email = dataset.customers[1].email
    profile = {
        "items": {"SKU-000001": "ITEM-A"},
        "locations": {"default": "MAIN", "wh-north": "MAIN", "wh-south": "SOUTHERN"},
        "accounts": {email: "ACME01"},
    }
    api = SageClient(Fake(SPEC, seed=7, profile=profile))
    assert [w["name"] for w in api.json("GET", "/warehouses")] == ["MAIN", "SOUTHERN"]
    product = api.json("GET", "/products?$filter=code eq 'ITEM-A'&$expand=warehouse_holdings")[0]
    main = next(h for h in product["warehouse_holdings"] if h["warehouse_name"] == "MAIN")
    expected = dataset.stock[("SKU-000001", "default")] + dataset.stock[("SKU-000001", "wh-north")]
    assert main["confirmed_qty_in_stock"] == expected
    assert api.json("GET", "/customers?$filter=reference eq 'ACME01'")[0]["id"] == 30002


def test_free_stock_is_in_stock_minus_allocated(api: SageClient) -> None:
    product = api.product()
    holding = product["warehouse_holdings"][0]
    api.order([{"product_id": product["id"], "warehouse_id": holding["warehouse_id"],
                "line_quantity": 2}])
    after = api.json("GET", f"/warehouse_holdings/{holding['id']}")
    assert after["quantity_allocated_sop"] == after["quantity_allocated"] == 2
    assert after["free_stock_available"] == after["quantity_in_stock"] - 2
    refreshed = api.json("GET", f"/products/{product['id']}")
    assert refreshed["free_stock_quantity"] == product["free_stock_quantity"] - 2


def test_set_stock_event_updates_quantity_and_timestamp(api: SageClient) -> None:
    product = api.product()
    holding = product["warehouse_holdings"][0]
    api.fake.clock.advance(1800)
    api.fake.event("set_stock", product_code=product["code"],
                   warehouse=holding["warehouse_name"], quantity=11)
    after = api.json("GET", f"/warehouse_holdings/{holding['id']}")
    assert after["confirmed_qty_in_stock"] == 11
    assert after["date_time_updated"] == "2026-01-05T09:30:00Z"
    assert after["date_time_updated"] > holding["date_time_updated"]


def test_holdings_by_product_and_by_warehouse(api: SageClient) -> None:
    product = api.product()
    by_product = api.json("GET", f"/products/{product['id']}/warehouse_holdings")
    assert by_product == product["warehouse_holdings"]
    warehouse = api.json("GET", "/warehouses")[1]
    by_site = api.json("GET", f"/warehouses/{warehouse['id']}/warehouse_holdings?$top=5000")
    assert {h["warehouse_id"] for h in by_site} == {warehouse["id"]}
    assert len(by_site) == len(api.json("GET", "/products"))
    assert api.get("/products/1/warehouse_holdings").status_code == 404
    expanded = api.json("GET", f"/warehouse_holdings/{by_site[0]['id']}?$expand=product,warehouse")
    assert expanded["warehouse"]["name"] == warehouse["name"]


def test_price_book(api: SageClient) -> None:
    bands = api.json("GET", "/price_bands")
    assert [(b["name"], b["is_standard_band"]) for b in bands] == [("Standard", True)]
    assert api.json("GET", f"/price_bands/{bands[0]['id']}") == bands[0]
    product = api.product()
    api.fake.event("set_price", product_code=product["code"], price=12.34)
    view = api.json("GET", f"/product_price_views?$filter=product_code eq '{product['code']}'")
    assert view[0]["product_price_price"] == 12.34 and view[0]["price_band_name"] == "Standard"
    codes = [v["product_code"] for v in api.json("GET", "/product_price_views")]
    assert codes == sorted(codes)


def test_same_seed_same_state_and_answers() -> None:
    def run(seed: int) -> tuple[object, object]:
        api = SageClient(Fake(SPEC, seed=seed))
        api.order([{"code": "SKU-000002", "line_quantity": 1}])
        return api.fake.state(), api.json("GET", "/sop_orders?$expand=lines")

    assert run(11) == run(11)
    assert run(11)[0] != run(12)[0]


def test_snapshot_shape(api: SageClient) -> None:
    api.order([{"code": "SKU-000002", "line_quantity": 1}])
    state = api.fake.state()
    assert {"sop_orders", "customers", "products", "warehouse_holdings", "despatches"} <= set(state)
    assert state["sop_orders"][0]["lines"][0]["code"] == "SKU-000002"
    assert state["warehouse_holdings"][0]["product_code"] == "SKU-000001"


def test_renderers_emit_exactly_the_declared_keys(api: SageClient) -> None:
    api.order([{"code": "SKU-000002", "line_quantity": 1}],
              requested_delivery_date="2026-02-01", customer_document_no="X")
    order = api.json("GET", "/sop_orders")[0]
    assert set(order) <= set(ORDER_KEYS) and "customer_document_no" in order
    assert set(api.customer()) == set(CUSTOMER_KEYS)
    assert set(api.json("GET", "/products")[0]) == set(PRODUCT_KEYS + PRODUCT_PRO_KEYS)
    assert set(api.json("GET", "/warehouse_holdings")[0]) == set(HOLDING_KEYS)
