"""Price storage (base, special, tier, cost), its per-item failures, the partial-batch fault,
and the legacy CatalogInventory routes."""

from __future__ import annotations

import requests

from fakes.core.bridge import FakeFleet
from tests.fakes.magento.conftest import BASE, Api

SKU, OTHER = "SKU-000001", "SKU-000002"
SPECIAL = {"sku": SKU, "price": 4.5, "store_id": 0, "price_from": "2026-01-01 00:00:00",
           "price_to": "2026-01-31 23:59:59"}


def _tier(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {"sku": SKU, "price": 8, "price_type": "fixed", "website_id": 0,
                              "customer_group": "General", "quantity": 5}
    row.update(overrides)
    return row


def test_base_prices_update_and_read_back(api: Api) -> None:
    response = api.post("/rest/V1/products/base-prices", {"prices": [
        {"sku": SKU, "price": 19.99, "store_id": 0}, {"sku": OTHER, "price": 5, "store_id": 1}]})
    assert (response.status_code, response.get_json()) == (200, [])
    info = api.post("/rest/V1/products/base-prices-information", {"skus": [SKU, OTHER, "NOPE"]})
    assert info.get_json() == [{"price": 19.99, "store_id": 0, "sku": SKU},
                               {"price": 5.0, "store_id": 0, "sku": OTHER}]
    product = api.get(f"/rest/V1/products/{SKU}").get_json()
    assert product["price"] == 19.99 and product["updated_at"] == "2026-01-05 09:00:00"
    order = api.order(api.place(lines=[{"sku": SKU, "qty": 1}])["entity_id"])
    assert order["items"][0]["price"] == 19.99


def test_base_price_failures_come_inside_a_200(api: Api) -> None:
    before = api.get(f"/rest/V1/products/{OTHER}").get_json()["price"]
    response = api.post("/rest/V1/products/base-prices", {"prices": [
        {"sku": SKU, "price": 1, "store_id": 0},
        {"sku": "NOPE", "price": 2, "store_id": 0},
        {"sku": OTHER, "price": -5, "store_id": 7}]})
    assert response.status_code == 200
    assert response.get_json() == [
        {"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["SKU", "NOPE"]},
        {"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["Price", "-5"]},
        {"message": "Requested store is not found. Row ID: SKU = %SKU, Store ID: %storeId.",
         "parameters": [OTHER, "7"]}]
    assert api.get(f"/rest/V1/products/{SKU}").get_json()["price"] == 1
    assert api.get(f"/rest/V1/products/{OTHER}").get_json()["price"] == before


def test_price_write_input_errors(api: Api) -> None:
    missing = api.post("/rest/V1/products/base-prices", {})
    assert (missing.status_code, missing.get_json()["parameters"]) == (
        400, {"fieldName": "prices"})
    scalar = api.post("/rest/V1/products/tier-prices", {"prices": "x"})
    assert scalar.status_code == 400
    assert scalar.get_json() == {"message": "Invalid input data format. Expected an array of "
                                            "prices."}
    typed = api.post("/rest/V1/products/base-prices", {"prices": [{"sku": SKU, "price": "ten"}]})
    assert typed.status_code == 400 and "price" in typed.get_json()["message"]
    assert api.anonymous("POST", "/rest/V1/products/base-prices",
                         {"prices": []}).status_code == 401


def test_special_prices_schedule_and_validate(api: Api) -> None:
    bad = dict(SPECIAL, sku=OTHER, store_id=1, price_from="2026-01-01")
    response = api.post("/rest/V1/products/special-price", {"prices": [SPECIAL, bad]})
    assert response.status_code == 200
    failures = response.get_json()
    assert failures[0] == {
        "message": "Could not change non global Price when price scope is global. Row ID: "
                   f"SKU = {OTHER}, Store ID: 1, Price From: 2026-01-01, "
                   "Price To: 2026-01-31 23:59:59.",
        "parameters": [OTHER, "1", "2026-01-01", "2026-01-31 23:59:59"]}
    assert failures[1]["message"].startswith("Invalid attribute Price From = 2026-01-31 23:59:59.")
    info = api.post("/rest/V1/products/special-price-information", {"skus": [SKU, OTHER]})
    assert info.get_json() == [{**SPECIAL, "price": 4.5}]
    attributes = {a["attribute_code"]: a["value"] for a in
                  api.get(f"/rest/V1/products/{SKU}").get_json()["custom_attributes"]}
    assert attributes["special_price"] == "4.5"
    order = api.order(api.place(lines=[{"sku": SKU, "qty": 1}])["entity_id"])
    assert order["items"][0]["price"] == 4.5
    deleted = api.post("/rest/V1/products/special-price-delete", {"prices": [SPECIAL]})
    assert deleted.get_json() == []
    assert api.post("/rest/V1/products/special-price-information",
                    {"skus": [SKU]}).get_json() == []


def test_expired_special_price_is_not_charged(api: Api) -> None:
    api.post("/rest/V1/products/special-price", {"prices": [SPECIAL]})
    base = api.get(f"/rest/V1/products/{SKU}").get_json()["price"]
    api.advance(40 * 86400)
    api.login()
    order = api.order(api.place(lines=[{"sku": SKU, "qty": 1}])["entity_id"])
    assert order["items"][0]["price"] == base


def test_tier_prices_add_replace_and_delete(api: Api) -> None:
    assert api.post("/rest/V1/products/tier-prices", {"prices": [
        _tier(), _tier(quantity=10, price=7), _tier(sku=OTHER)]}).get_json() == []
    assert api.post("/rest/V1/products/tier-prices",
                    {"prices": [_tier(price=7.5)]}).get_json() == []
    info = api.post("/rest/V1/products/tier-prices-information", {"skus": [SKU]}).get_json()
    assert sorted((r["quantity"], r["price"]) for r in info) == [(5.0, 7.5), (10.0, 7.0)]
    replaced = api.put("/rest/V1/products/tier-prices", {"prices": [
        _tier(quantity=3, price=9, customer_group="wholesale")]})
    assert replaced.get_json() == []
    info = api.post("/rest/V1/products/tier-prices-information", {"skus": [SKU, OTHER]})
    assert [(r["sku"], r["customer_group"], r["quantity"]) for r in info.get_json()] == [
        (SKU, "Wholesale", 3.0), (OTHER, "General", 5.0)]
    product = api.get(f"/rest/V1/products/{SKU}").get_json()
    assert product["tier_prices"] == [{"customer_group_id": 2, "qty": 3.0, "value": 9.0,
                                       "extension_attributes": {"website_id": 0}}]
    deleted = api.post("/rest/V1/products/tier-prices-delete", {"prices": [
        _tier(quantity=3, price=9, customer_group="Wholesale")]})
    assert deleted.get_json() == []
    assert api.post("/rest/V1/products/tier-prices-information",
                    {"skus": [SKU]}).get_json() == []


def test_tier_price_validation(api: Api) -> None:
    rows = [_tier(price_type="percent"), _tier(customer_group="Nobody", quantity=2),
            _tier(website_id=2, quantity=4), _tier(quantity=6), _tier(quantity=6),
            _tier(price_type="discount", price=150, quantity=7)]
    failures = api.post("/rest/V1/products/tier-prices", {"prices": rows}).get_json()
    messages = [f["message"].split(" Row ID")[0] for f in failures]
    assert messages == [
        "Invalid attribute Price Type = %priceType.",
        "No such entity with Customer Group = %customerGroup.",
        "Invalid attribute Website ID = %websiteId.",
        "We found a duplicate website, tier price, customer group and quantity: Customer Group "
        "= %customerGroup, Website ID = %websiteId, Quantity = %qty.",
        "We found a duplicate website, tier price, customer group and quantity: Customer Group "
        "= %customerGroup, Website ID = %websiteId, Quantity = %qty.",
        "Invalid attribute Price = %price."]
    assert failures[0]["parameters"] == ["percent", SKU, "0", "General", "5"]
    assert api.post("/rest/V1/products/tier-prices-information",
                    {"skus": [SKU]}).get_json() == []


def test_tier_price_is_charged_to_its_group(api: Api) -> None:
    api.post("/rest/V1/products/tier-prices", {"prices": [_tier(price=2, quantity=2)]})
    customers = api.get("/rest/V1/customers/search?searchCriteria[filterGroups][0][filters][0]"
                        "[field]=group_id&searchCriteria[filterGroups][0][filters][0][value]=1"
                        ).get_json()["items"]
    general = customers[0]["email"]
    cheap = api.order(api.place(lines=[{"sku": SKU, "qty": 2}], customer_email=general)[
        "entity_id"])
    single = api.order(api.place(lines=[{"sku": SKU, "qty": 1}], customer_email=general)[
        "entity_id"])
    assert cheap["items"][0]["price"] == 2.0 and single["items"][0]["price"] > 2.0


def test_cost_update_read_and_delete(api: Api) -> None:
    assert api.post("/rest/V1/products/cost", {"prices": [
        {"sku": SKU, "cost": 3.25, "store_id": 0}]}).get_json() == []
    assert api.post("/rest/V1/products/cost-information", {"skus": [SKU]}).get_json() == [
        {"cost": 3.25, "store_id": 0, "sku": SKU}]
    assert api.post("/rest/V1/products/cost-delete", {"skus": [SKU]}).get_json() is True
    missing = api.post("/rest/V1/products/cost-delete", {"skus": ["NOPE"]})
    assert missing.status_code == 404
    assert api.post("/rest/V1/products/cost-information", {"skus": [SKU]}).get_json() == []


def test_partial_price_batch_fault_rejects_k_of_n(api: Api) -> None:
    api.fake.add_fault({"target": {"path": "base-prices$"},
                        "effect": {"kind": "vendor", "name": "partial_price_batch",
                                   "params": {"reject": 2}},
                        "trigger": {"first": 1}})
    skus = [f"SKU-00000{i}" for i in range(1, 6)]
    response = api.post("/rest/V1/products/base-prices", {"prices": [
        {"sku": s, "price": 50, "store_id": 0} for s in skus]})
    assert response.status_code == 200
    assert response.get_json() == [
        {"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["SKU", s]}
        for s in skus[3:]]
    prices = {s: api.get(f"/rest/V1/products/{s}").get_json()["price"] for s in skus}
    assert [s for s, p in prices.items() if p == 50] == skus[:3]
    again = api.post("/rest/V1/products/base-prices", {"prices": [
        {"sku": s, "price": 50, "store_id": 0} for s in skus]})
    assert again.get_json() == []


def test_partial_price_batch_on_special_and_tier_prices(api: Api) -> None:
    api.fake.add_fault({"effect": {"kind": "vendor", "name": "partial_price_batch",
                                   "params": {"reject": 1, "which": "first"}},
                        "trigger": {"first": 2}})
    special = api.post("/rest/V1/products/special-price", {"prices": [
        SPECIAL, dict(SPECIAL, sku=OTHER)]}).get_json()
    assert special[0]["message"].startswith(
        "The product that was requested doesn't exist. Verify the product and try again. Row ID:"
        f" SKU = {SKU}")
    tiers = api.post("/rest/V1/products/tier-prices", {"prices": [_tier(), _tier(sku=OTHER)]})
    assert tiers.get_json()[0]["parameters"] == [SKU, "0", "General", "5"]
    assert api.post("/rest/V1/products/tier-prices-information",
                    {"skus": [SKU, OTHER]}).get_json()[0]["sku"] == OTHER


def test_legacy_stock_items_write_the_default_source(api: Api) -> None:
    item = api.get(f"/rest/V1/stockItems/{SKU}").get_json()
    assert item["stock_id"] == 1 and item["low_stock_date"] is None
    updated = api.put(f"/rest/V1/products/{SKU}/stockItems/{item['item_id']}",
                      {"stockItem": {"qty": 0, "is_in_stock": False}})
    assert (updated.status_code, updated.get_json()) == (200, item["item_id"])
    status = api.anonymous("GET", f"/rest/V1/stockStatuses/{SKU}").get_json()
    assert (status["qty"], status["stock_status"], status["stock_item"]["is_in_stock"]) == (
        0, 0, False)
    rows = [r for r in api.fake.state()["source_items"]
            if r["sku"] == SKU and r["source_code"] == "default"]
    assert (rows[0]["quantity"], rows[0]["status"]) == (0.0, 0)
    api.put(f"/rest/V1/products/{SKU}/stockItems/1", {"stockItem": {"qty": 12}})
    assert api.get(f"/rest/V1/stockItems/{SKU}").get_json()["is_in_stock"] is True


def test_legacy_stock_errors(api: Api) -> None:
    missing = api.get("/rest/V1/stockItems/NOPE")
    assert missing.status_code == 404
    assert missing.get_json() == {"message": 'The Product with the "%1" SKU doesn\'t exist.',
                                  "parameters": ["NOPE"]}
    assert api.anonymous("GET", f"/rest/V1/stockItems/{SKU}").status_code == 401
    bad = api.put(f"/rest/V1/products/{SKU}/stockItems/1", {"stockItem": {"qty": "lots"}})
    assert bad.status_code == 400
    assert api.put(f"/rest/V1/products/{SKU}/stockItems/1", {}).status_code == 400


def test_prices_through_the_in_process_bridge(api: Api, fleet: FakeFleet) -> None:
    headers = {"Authorization": f"Bearer {api.token}"}
    response = requests.post(f"{BASE}/rest/V1/products/base-prices", headers=headers, timeout=5,
                             json={"prices": [{"sku": SKU, "price": 7, "store_id": 0},
                                              {"sku": "NOPE", "price": 7, "store_id": 0}]})
    assert response.status_code == 200 and len(response.json()) == 1
    info = requests.post(f"{BASE}/rest/V1/products/base-prices-information", headers=headers,
                         json={"skus": [SKU]}, timeout=5)
    assert info.json() == [{"price": 7.0, "store_id": 0, "sku": SKU}]
