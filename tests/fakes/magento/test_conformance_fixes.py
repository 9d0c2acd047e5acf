"""Regressions for fidelity bugs the schemathesis conformance test found in the Magento fake.

Each test replays the minimal request schemathesis reported and asserts Magento 2.4's answer.
"""

from __future__ import annotations

from tests.fakes.magento.conftest import Api


def test_cost_delete_with_null_skus_is_a_no_such_entity(api: Api) -> None:
    # ``skus`` is ``string[]``: null items stay null (ServiceInputProcessor), and
    # ``Validator::validateSkus`` reports them with ``implode(', ', $skuDiff)``, null as "".
    response = api.post("/rest/V1/products/cost-delete", {"skus": [None, "SKU-000001", None]})
    assert response.status_code == 404
    assert response.get_json() == {
        "message": "Requested products don't exist: %sku",
        "parameters": {"sku": ", "},
    }


def test_saving_an_unknown_order_id_echoes_an_empty_item_list(api: Api) -> None:
    # An UPDATE of no row answers the entity sent; ``Order::getItems()`` loads the item
    # collection when none were set, so ``items`` (required, an array) is [] and never null.
    response = api.post(
        "/rest/V1/orders", {"entity": {"entity_id": 999, "customer_email": "x@example.org"}}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["entity_id"] == 999
    assert body["items"] == []
    assert api.get("/rest/V1/orders/999").status_code == 404
