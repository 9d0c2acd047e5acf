"""Products, customers, MSI sources and source items, store data."""

from __future__ import annotations

from tests.fakes.magento.conftest import Api, criteria

SKU = "SKU-000001"


def test_products_require_search_criteria(api: Api) -> None:
    response = api.get("/rest/V1/products")
    assert response.status_code == 400
    assert response.get_json()["parameters"] == {"fieldName": "searchCriteria"}


def test_product_search_and_lookup(api: Api) -> None:
    result = api.get(f"/rest/V1/products?{criteria([('sku', 'SKU-00000%', 'like')], pageSize=3)}")
    body = result.get_json()
    assert body["total_count"] == 9 and [p["sku"] for p in body["items"]] == [
        "SKU-000001", "SKU-000002", "SKU-000003"]
    product = api.get(f"/rest/V1/products/{SKU}").get_json()
    assert product["type_id"] == "simple" and product["price"] > 0
    stock = product["extension_attributes"]["stock_item"]
    default = [r for r in api.fake.state()["source_items"]
               if r["sku"] == SKU and r["source_code"] == "default"][0]
    assert stock["qty"] == default["quantity"]
    codes = {a["attribute_code"] for a in product["custom_attributes"]}
    assert {"url_key", "tax_class_id"} <= codes


def test_product_errors(api: Api) -> None:
    missing = api.get("/rest/V1/products/NOPE")
    assert missing.status_code == 404
    assert missing.get_json()["message"].startswith("The product that was requested doesn't")
    bad_attribute = api.get(f"/rest/V1/products?{criteria([('colour', 'red', 'eq')])}")
    assert bad_attribute.get_json() == {"message": "Invalid attribute name: %1",
                                        "parameters": ["colour"]}


def test_sources_from_the_dataset(api: Api) -> None:
    without = api.get("/rest/V1/inventory/sources").get_json()
    assert [s["source_code"] for s in without["items"]] == ["default", "wh-north", "wh-south"]
    assert api.get("/rest/V1/inventory/sources/wh-north").get_json()["enabled"] is True
    assert api.get("/rest/V1/inventory/sources/nope").status_code == 404


def test_source_items_search(api: Api) -> None:
    query = criteria([("sku", SKU, "eq")], [("source_code", "wh-north,wh-south", "in")])
    body = api.get(f"/rest/V1/inventory/source-items?{query}").get_json()
    assert [(r["sku"], r["source_code"]) for r in body["items"]] == [
        (SKU, "wh-north"), (SKU, "wh-south")]
    assert api.get("/rest/V1/inventory/source-items").status_code == 400


def test_save_source_items_returns_empty_array_and_updates(api: Api) -> None:
    body = {"sourceItems": [{"sku": SKU, "source_code": "wh-north", "quantity": 42, "status": 1},
                            {"sku": SKU, "source_code": "wh-south", "quantity": 0, "status": 0}]}
    response = api.post("/rest/V1/inventory/source-items", body)
    assert (response.status_code, response.get_json()) == (200, [])
    rows = {r["source_code"]: r for r in api.fake.state()["source_items"] if r["sku"] == SKU}
    assert rows["wh-north"]["quantity"] == 42 and rows["wh-south"]["status"] == 0


def test_save_source_items_validation_is_all_or_nothing(api: Api) -> None:
    before = api.fake.state()["source_items"]
    unknown_sku = {"sourceItems": [
        {"sku": SKU, "source_code": "default", "quantity": 1, "status": 1},
        {"sku": "GHOST", "source_code": "default", "quantity": 1, "status": 1}]}
    response = api.post("/rest/V1/inventory/source-items", unknown_sku)
    assert response.status_code == 400
    assert response.get_json() == {
        "message": 'Product with requested "%field": "%value" was was not found.',
        "parameters": {"field": "sku", "value": "GHOST"}}
    unknown_source = {"sourceItems": [{"sku": SKU, "source_code": "mars", "quantity": 1,
                                       "status": 1}]}
    assert api.post("/rest/V1/inventory/source-items", unknown_source).get_json() == {
        "message": "Could not save Source Item"}
    several = {"sourceItems": [{"sku": "", "source_code": "a b", "quantity": 1, "status": 7}]}
    body = api.post("/rest/V1/inventory/source-items", several).get_json()
    assert body["message"] == 'Validation Failed: "sku" can not be empty.'
    assert len(body["errors"]) == 3
    empty = api.post("/rest/V1/inventory/source-items", {"sourceItems": []})
    assert empty.get_json() == {"message": "Input data is empty"}
    missing = api.post("/rest/V1/inventory/source-items", {})
    assert missing.get_json()["parameters"] == {"fieldName": "sourceItems"}
    assert api.fake.state()["source_items"] == before


def test_source_item_types_are_checked(api: Api) -> None:
    body = {"sourceItems": [{"sku": SKU, "source_code": "default", "quantity": "lots",
                             "status": 1}]}
    response = api.post("/rest/V1/inventory/source-items", body)
    assert response.status_code == 400
    assert response.get_json()["message"].startswith(
        'Error occurred during "quantity" processing. The "lots" value\'s type is invalid.')


def test_delete_source_items(api: Api) -> None:
    body = {"sourceItems": [{"sku": SKU, "source_code": "wh-south"}]}
    response = api.post("/rest/V1/inventory/source-items-delete", body)
    assert (response.status_code, response.get_json()) == (200, [])
    assert not [r for r in api.fake.state()["source_items"]
                if r["sku"] == SKU and r["source_code"] == "wh-south"]


def test_salable_quantity_counts_reservations(api: Api) -> None:
    before = api.get(f"/rest/V1/inventory/get-product-salable-quantity/{SKU}/1").get_json()
    api.place(lines=[{"sku": SKU, "qty": 4}])
    after = api.get(f"/rest/V1/inventory/get-product-salable-quantity/{SKU}/1").get_json()
    assert after == before - 4


def test_salable_quantity_is_on_hand_plus_every_reservation_of_the_sku(api: Api) -> None:
    other = "SKU-000002"

    def salable(sku: str) -> float:
        return float(api.get(f"/rest/V1/inventory/get-product-salable-quantity/{sku}/1").get_json())

    def expected(sku: str) -> float:
        state = api.fake.state()
        on_hand = sum(r["quantity"] for r in state["source_items"]
                      if r["sku"] == sku and r["status"] == 1)
        return on_hand + sum(r["quantity"] for r in state["reservations"] if r["sku"] == sku)

    first = api.place(lines=[{"sku": SKU, "qty": 3}, {"sku": other, "qty": 1}])
    api.place(lines=[{"sku": SKU, "qty": 2}])
    saved = api.fake.backend.checkpoint()
    assert api.post(f"/rest/V1/orders/{first['entity_id']}/cancel", None).status_code == 200
    assert (salable(SKU), salable(other)) == (expected(SKU), expected(other))
    api.fake.backend.restore(saved)  # the cancellation's reservations are undone with it
    assert (salable(SKU), salable(other)) == (expected(SKU), expected(other))
    assert len([r for r in api.fake.state()["reservations"] if r["sku"] == SKU]) == 2


def test_store_data(api: Api) -> None:
    views = api.get("/rest/V1/store/storeViews").get_json()
    assert [(v["id"], v["code"], v["website_id"]) for v in views] == [
        (0, "admin", 0), (1, "default", 1), (2, "eu", 2)]
    websites = api.get("/rest/default/V1/store/websites").get_json()
    assert [w["id"] for w in websites] == [0, 1, 2]
    configs = api.get("/rest/V1/store/storeConfigs").get_json()
    assert [(c["code"], c["base_currency_code"]) for c in configs] == [
        ("default", "GBP"), ("eu", "EUR")]
    assert configs[0]["base_url"] == "http://localhost/"
    only_eu = api.get("/rest/V1/store/storeConfigs?storeCodes[]=eu").get_json()
    assert [c["code"] for c in only_eu] == ["eu"]
    groups = api.get("/rest/V1/store/storeGroups").get_json()
    assert [g["default_store_id"] for g in groups] == [0, 1, 2]


def test_customers(api: Api) -> None:
    customer = api.get("/rest/V1/customers/1").get_json()
    assert customer["id"] == 1 and customer["group_id"] in (1, 2, 3)
    assert customer["addresses"][0]["default_billing"] is True
    missing = api.get("/rest/V1/customers/999")
    assert missing.status_code == 404
    assert missing.get_json()["parameters"] == {"fieldName": "customerId", "fieldValue": 999}
    email = customer["email"].upper()
    found = api.get(f"/rest/V1/customers/search?{criteria([('email', email, 'eq')])}").get_json()
    assert [c["id"] for c in found["items"]] == [1]
