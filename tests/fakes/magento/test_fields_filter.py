"""The ``fields`` query parameter (partial responses), as Magento's FieldsFilter answers it."""

from __future__ import annotations

from typing import Any

from fakes.magento.fields_filter import parse
from tests.fakes.magento.conftest import Api, criteria


def _json(api: Api, path: str) -> Any:
    response = api.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_nested_selections_parse_as_magento_documents_them() -> None:
    assert parse("customer[id,email],addresses[city,region[region_code]]") == {
        "customer": {"id": 1, "email": 1},
        "addresses": {"city": 1, "region": {"region_code": 1}},
    }
    assert parse("items[sku") is None and parse("sku price") is None


def test_a_search_keeps_only_the_selected_fields_of_each_item(api: Api) -> None:
    for qty in (1, 2):
        api.place(lines=[{"sku": "SKU-000001", "qty": qty}])
    query = criteria([("increment_id", "%", "like")])
    full = _json(api, f"/rest/V1/orders?{query}")
    part = _json(
        api, f"/rest/V1/orders?{query}&fields=items[entity_id,increment_id,items[sku]],total_count"
    )
    assert part == {
        "items": [
            {
                "entity_id": o["entity_id"],
                "increment_id": o["increment_id"],
                "items": [{"sku": "SKU-000001"}],
            }
            for o in full["items"]
        ],
        "total_count": 2,
    }


def test_a_whole_object_and_top_level_fields_of_one_order(api: Api) -> None:
    placed = api.place(lines=[{"sku": "SKU-000002", "qty": 1}])
    order = api.order(placed["entity_id"])
    part = _json(api, f"/rest/V1/orders/{placed['entity_id']}?fields=billing_address,status")
    assert part == {"status": order["status"], "billing_address": order["billing_address"]}


def test_an_empty_list_under_a_selection_is_null_and_a_bad_filter_is_an_empty_array(
    api: Api,
) -> None:
    query = criteria([("increment_id", "nothing-matches", "eq")])
    assert _json(api, f"/rest/V1/orders?{query}&fields=items[entity_id],total_count") == {
        "items": None,
        "total_count": 0,
    }
    assert _json(api, f"/rest/V1/orders?{query}&fields=items[entity_id") == []


def test_a_list_answer_is_filtered_item_by_item(api: Api) -> None:
    views = _json(api, "/rest/V1/store/storeViews?fields=code")
    assert views and all(set(view) == {"code"} for view in views)


def test_a_filtered_search_answers_what_the_whole_answer_filtered_would(api: Api) -> None:
    """The search renders only the selected keys of each order; the answer must not change."""
    from fakes.magento.fields_filter import filtered

    for qty in (1, 3):
        placed = api.place(lines=[{"sku": "SKU-000001", "qty": qty}])
        for note in ("first", "second"):
            path = f"/rest/V1/orders/{placed['entity_id']}/comments"
            comment = {"statusHistory": {"comment": note, "parent_id": placed["entity_id"]}}
            assert api.post(path, comment).status_code == 200
    query = criteria([("increment_id", "%", "like")])
    full = _json(api, f"/rest/V1/orders?{query}")
    for fields in (
        "items[entity_id,increment_id,updated_at],total_count",
        "items[status_histories[comment],ext_order_id]",  # newest comment first; null dropped
        "items[payment[account_status,method],items[sku,qty_ordered]]",  # a required null kept
        "items[billing_address],search_criteria",
        "items[no_such_key]",
    ):
        assert _json(api, f"/rest/V1/orders?{query}&fields={fields}") == filtered(full, fields)
