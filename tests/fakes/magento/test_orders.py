"""Orders: the entity, increment ids, searchCriteria semantics, comments, save path, actions."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.magento.conftest import Api, criteria

TIME = "2026-01-05 09:00:00"


def _search(api: Api, query: str) -> dict[str, Any]:
    response = api.get(f"/rest/V1/orders?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    data: dict[str, Any] = response.get_json()
    return data


def _ids(result: dict[str, Any]) -> list[int]:
    return [o["entity_id"] for o in result["items"]]


@pytest.fixture
def five(api: Api) -> Api:
    """Five orders a minute apart: ids 1-5, the 4th in the eu store, the 5th unpaid."""
    for n in range(5):
        api.place(lines=[{"sku": f"SKU-00000{n + 1}", "qty": n + 1}],
                  store_code="eu" if n == 3 else "default", paid=n != 4)
        api.fake.clock.advance(60)
    return api


def test_order_entity_fields(api: Api) -> None:
    placed = api.place(lines=[{"sku": "SKU-000001", "qty": 2}, {"sku": "SKU-000002", "qty": 1}])
    order = api.order(placed["entity_id"])
    assert (order["state"], order["status"]) == ("processing", "processing")
    assert order["created_at"] == order["updated_at"] == TIME
    assert order["customer_is_guest"] == 0 and order["customer_group_id"] in (1, 2, 3)
    assert [i["sku"] for i in order["items"]] == ["SKU-000001", "SKU-000002"]
    first = order["items"][0]
    assert first["qty_ordered"] == 2 and first["order_id"] == order["entity_id"]
    assert first["row_total"] == round(first["price"] * 2, 2)
    assert "parent_item_id" not in first
    assert order["grand_total"] == round(order["subtotal"] + order["tax_amount"]
                                         + order["shipping_amount"], 2)
    assert order["total_paid"] == order["grand_total"] and order["total_due"] == 0
    assert order["payment"]["method"] and order["payment"]["account_status"] is None
    assignment = order["extension_attributes"]["shipping_assignments"][0]
    assert assignment["shipping"]["address"]["address_type"] == "shipping"
    assert order["billing_address"]["street"]


def test_unpaid_order_is_pending_and_omits_unset_totals(api: Api) -> None:
    order = api.order(api.place(paid=False)["entity_id"])
    assert (order["state"], order["status"]) == ("new", "pending")
    assert "total_paid" not in order and "total_invoiced" not in order
    assert order["total_due"] == order["grand_total"]


def test_unknown_email_is_a_guest_and_none_picks_a_dataset_customer(api: Api) -> None:
    guest = api.order(api.place(customer_email="who@nowhere.test")["entity_id"])
    assert guest["customer_is_guest"] == 1 and guest["customer_group_id"] == 0
    assert "customer_id" not in guest
    known = api.order(api.place()["entity_id"])
    assert known["customer_id"] == 2


def test_poison_orders_unknown_sku_negative_qty_missing_address(api: Api) -> None:
    placed = api.place(lines=[{"sku": "NOT-A-SKU", "qty": -1}, {"sku": "SKU-000001", "qty": 0}],
                       shipping_address="missing", paid=False)
    order = api.order(placed["entity_id"])
    assert order["items"][0]["price"] == 10.0 and order["items"][0]["qty_ordered"] == -1
    assert "street" not in order["billing_address"]
    assert "address" not in order["extension_attributes"]["shipping_assignments"][0]["shipping"]


def test_shipping_address_override(api: Api) -> None:
    placed = api.place(shipping_address={"street": "9 Dock Road", "city": "Hull"})
    address = api.order(placed["entity_id"])["extension_attributes"]["shipping_assignments"][0]
    assert address["shipping"]["address"]["street"] == ["9 Dock Road"]
    assert address["shipping"]["address"]["city"] == "Hull"


def test_increment_ids_per_store_and_forced_duplicates(api: Api) -> None:
    assert api.place()["increment_id"] == "000000001"
    assert api.place(store_code="eu")["increment_id"] == "2000000001"
    assert api.place()["increment_id"] == "000000002"
    twin = api.place(store_code="eu", increment_id="000000001")
    assert twin["store_id"] == 2
    with pytest.raises(ValueError, match="Unique constraint"):
        api.place(increment_id="000000001")


def test_search_requires_search_criteria(api: Api) -> None:
    response = api.get("/rest/V1/orders")
    assert response.status_code == 400
    assert response.get_json() == {"message": '"%fieldName" is required. Enter and try again.',
                                   "parameters": {"fieldName": "searchCriteria"}}


def test_no_page_size_returns_everything_in_id_order(five: Api) -> None:
    result = _search(five, "searchCriteria=")
    assert _ids(result) == [1, 2, 3, 4, 5] and result["total_count"] == 5
    assert result["search_criteria"] == {"filter_groups": []}


@pytest.mark.parametrize("snake", [True, False])
def test_paging_and_past_the_end_returns_the_last_page(five: Api, snake: bool) -> None:
    size, page = ("page_size", "current_page") if snake else ("pageSize", "currentPage")
    assert _ids(_search(five, f"searchCriteria[{size}]=2&searchCriteria[{page}]=2")) == [3, 4]
    last = _search(five, f"searchCriteria[{size}]=2&searchCriteria[{page}]=9")
    assert _ids(last) == [5] and last["total_count"] == 5
    assert last["search_criteria"] == {"filter_groups": [], "page_size": 2, "current_page": 9}
    assert _ids(_search(five, f"searchCriteria[{size}]=2&searchCriteria[{page}]=0")) == [1, 2]


CASES = [
    ("store_id", "2", "eq", [4]),
    ("store_id", "2", None, [4]),
    ("store_id", "2", "neq", [1, 2, 3, 5]),
    ("increment_id", "%0002", "like", [2]),
    ("customer_email", "%EXAMPLE.COM", "like", [1, 2, 3, 4, 5]),
    ("entity_id", "1,3,5", "in", [1, 3, 5]),
    ("entity_id", "1,3,5", "nin", [2, 4]),
    ("entity_id", "3", "gt", [4, 5]),
    ("entity_id", "3", "gteq", [3, 4, 5]),
    ("entity_id", "3", "lt", [1, 2]),
    ("entity_id", "3", "lteq", [1, 2, 3]),
    ("created_at", "2026-01-05 09:02:00", "from", [3, 4, 5]),
    ("created_at", "2026-01-05 09:01:00", "to", [1, 2]),
    ("created_at", "2026-01-05T09:03:00Z", "gteq", [4, 5]),
    ("total_paid", "", "null", [5]),
    ("total_paid", "", "notnull", [1, 2, 3, 4]),
    ("status", "pending", "eq", [5]),
    ("status", "PENDING", "eq", [5]),
    ("store_id", "1", "finset", [1, 2, 3, 5]),
    ("entity_id", "2", "whatever", [2]),
]


@pytest.mark.parametrize(("field", "value", "condition", "expected"), CASES)
def test_condition_types(five: Api, field: str, value: str, condition: str | None,
                         expected: list[int]) -> None:
    assert _ids(_search(five, criteria([(field, value, condition)]))) == expected


def test_filters_in_a_group_are_ored_and_groups_anded(five: Api) -> None:
    ored = criteria([("entity_id", "1", "eq"), ("entity_id", "4", "eq")])
    assert _ids(_search(five, ored)) == [1, 4]
    anded = criteria([("entity_id", "3", "gteq")], [("store_id", "1", "eq")], snake=False)
    assert _ids(_search(five, anded)) == [3, 5]


def test_echoed_criteria_include_the_default_condition(five: Api) -> None:
    result = _search(five, criteria([("store_id", "2", None)]))
    assert result["search_criteria"]["filter_groups"] == [
        {"filters": [{"field": "store_id", "value": "2", "condition_type": "eq"}]}]


def test_sort_orders(five: Api) -> None:
    asc = ("searchCriteria[sortOrders][0][field]=store_id"
           "&searchCriteria[sortOrders][0][direction]=asc")
    assert _ids(_search(five, asc)) == [1, 2, 3, 5, 4]
    desc = ("searchCriteria[sort_orders][0][field]=entity_id"
            "&searchCriteria[sort_orders][0][direction]=DESC")
    assert _ids(_search(five, desc)) == [5, 4, 3, 2, 1]
    no_direction = "searchCriteria[sortOrders][0][field]=entity_id"
    assert _ids(_search(five, no_direction)) == [5, 4, 3, 2, 1]


def test_sort_and_filter_errors(five: Api) -> None:
    bad = five.get("/rest/V1/orders?searchCriteria[sortOrders][0][field]=entity_id"
                   "&searchCriteria[sortOrders][0][direction]=UP")
    assert bad.status_code == 400
    assert bad.get_json()["parameters"] == ["UP"]
    unknown = five.get(f"/rest/V1/orders?{criteria([('no_such_column', '1', 'eq')])}")
    assert unknown.status_code == 400
    assert unknown.get_json()["message"].startswith("Internal Error. Details are available")
    extra = five.get("/rest/V1/orders?searchCriteria[bogus]=1")
    assert extra.get_json() == {
        "message": '"%fieldName" is not supported. Correct the field name and try again.',
        "parameters": {"fieldName": "Bogus"}}
    typed = five.get("/rest/V1/orders?searchCriteria[pageSize]=many")
    assert typed.status_code == 400
    assert typed.get_json()["message"].startswith('Error occurred during "pageSize" processing.')


def test_equal_updated_at_and_touch_while_paging(five: Api) -> None:
    five.fake.event("touch_order", entity_id=2)
    five.fake.event("touch_order", entity_id=4)
    query = criteria([("updated_at", "2026-01-05 09:05:00", "gteq")], page_size=1)
    sorted_query = (query + "&searchCriteria[sortOrders][0][field]=updated_at"
                    "&searchCriteria[sortOrders][0][direction]=ASC")
    first = _search(five, sorted_query + "&searchCriteria[currentPage]=1")
    second = _search(five, sorted_query + "&searchCriteria[currentPage]=2")
    assert first["total_count"] == 2 and _ids(first) + _ids(second) == [2, 4]
    assert five.order(2)["updated_at"] == five.order(4)["updated_at"] == "2026-01-05 09:05:00"


def test_input_limits_when_enabled() -> None:
    from fakes.core.fake import create_fake

    api = Api(create_fake("magento", seed=3, options={"input_limit_enabled": True}))
    api.login()
    for _ in range(25):
        api.place()
    assert len(_search(api, "searchCriteria=")["items"]) == 20
    too_big = api.get("/rest/V1/orders?searchCriteria[pageSize]=301")
    assert too_big.get_json() == {"message": "Maximum SearchCriteria pageSize is %max",
                                  "parameters": {"max": 300}}


def test_comments_add_list_and_touch(api: Api) -> None:
    order_id = api.place()["entity_id"]
    api.fake.clock.advance(30)
    body = {"statusHistory": {"comment": "Exported to ERP", "is_customer_notified": 0,
                              "is_visible_on_front": 0, "parent_id": 999}}
    response = api.post(f"/rest/V1/orders/{order_id}/comments", body)
    assert (response.status_code, response.get_json()) == (200, True)
    listed = api.get(f"/rest/V1/orders/{order_id}/comments").get_json()
    assert listed["total_count"] == 1
    assert listed["items"][0]["comment"] == "Exported to ERP"
    assert listed["items"][0]["parent_id"] == order_id
    order = api.order(order_id)
    assert order["updated_at"] == "2026-01-05 09:00:30"
    assert order["status_histories"][0]["comment"] == "Exported to ERP"


def test_comment_status_must_belong_to_the_orders_state(api: Api) -> None:
    order_id = api.place()["entity_id"]
    body = {"statusHistory": {"comment": "x", "status": "complete", "is_customer_notified": 0,
                              "is_visible_on_front": 0}}
    response = api.post(f"/rest/V1/orders/{order_id}/comments", body)
    assert response.status_code == 400
    assert response.get_json()["parameters"] == ["complete"]
    missing = api.post(f"/rest/V1/orders/{order_id}/comments", {})
    assert missing.get_json()["parameters"] == {"fieldName": "statusHistory"}


def test_newest_comment_first_in_the_order(api: Api) -> None:
    order_id = api.place()["entity_id"]
    for text in ("one", "two"):
        api.post(f"/rest/V1/orders/{order_id}/comments",
                 {"statusHistory": {"comment": text, "is_customer_notified": 0,
                                    "is_visible_on_front": 0}})
        api.fake.clock.advance(1)
    assert [h["comment"] for h in api.order(order_id)["status_histories"]] == ["two", "one"]


def test_save_path_sets_ext_order_id(api: Api) -> None:
    placed = api.place()
    api.fake.clock.advance(5)
    entity = {"entity_id": placed["entity_id"], "increment_id": placed["increment_id"],
              "ext_order_id": "SO-1001"}
    response = api.post("/rest/V1/orders", {"entity": entity})
    assert response.status_code == 200
    assert response.get_json()["ext_order_id"] == "SO-1001"
    order = api.order(placed["entity_id"])
    assert order["ext_order_id"] == "SO-1001" and order["updated_at"] == "2026-01-05 09:00:05"
    assert len(api.fake.state()["orders"]) == 1


def test_save_path_saves_the_status_histories_sent_with_the_order(api: Api) -> None:
    placed = api.place()
    order_id = placed["entity_id"]
    api.post(f"/rest/V1/orders/{order_id}/comments",
             {"statusHistory": {"comment": "first", "is_customer_notified": 0,
                                "is_visible_on_front": 0}})
    (first,) = api.order(order_id)["status_histories"]
    api.fake.clock.advance(5)
    entity = {"entity_id": order_id, "increment_id": placed["increment_id"],
              "ext_order_id": "SO-1",
              "status_histories": [
                  {"comment": "Exported as SO-1", "is_customer_notified": 0,
                   "is_visible_on_front": 0, "parent_id": 999},
                  {"entity_id": first["entity_id"], "comment": "first, edited"},
                  {"entity_id": 9999, "comment": "an UPDATE of no row"}]}
    assert api.post("/rest/V1/orders", {"entity": entity}).status_code == 200
    listed = api.get(f"/rest/V1/orders/{order_id}/comments").get_json()["items"]
    assert sorted(h["comment"] for h in listed) == ["Exported as SO-1", "first, edited"]
    added = next(h for h in listed if h["comment"] == "Exported as SO-1")
    assert added["parent_id"] == order_id and added["created_at"] == "2026-01-05 09:00:05"
    assert "status" not in added  # null, left out: addComment copies the order's; a save does not
    order = api.order(order_id)
    assert order["ext_order_id"] == "SO-1" and order["updated_at"] == "2026-01-05 09:00:05"
    other = api.place()  # a history id of another order is an UPDATE of that row: it moves
    moved = {"entity_id": other["entity_id"], "increment_id": other["increment_id"],
             "status_histories": [{"entity_id": first["entity_id"], "comment": "moved"}]}
    assert api.post("/rest/V1/orders", {"entity": moved}).status_code == 200
    (taken,) = api.get(f"/rest/V1/orders/{other['entity_id']}/comments").get_json()["items"]
    assert taken["comment"] == "moved" and taken["parent_id"] == other["entity_id"]
    left = api.get(f"/rest/V1/orders/{order_id}/comments").get_json()["items"]
    assert [h["comment"] for h in left] == ["Exported as SO-1"]
    created = api.put("/rest/V1/orders/create", {"entity": {
        "customer_email": "b2b@example.com", "grand_total": 1, "base_grand_total": 1,
        "items": [], "status_histories": [{"comment": "imported"}]}}).get_json()
    (history,) = api.order(created["entity_id"])["status_histories"]
    assert history["comment"] == "imported" and history["parent_id"] == created["entity_id"]


def test_save_path_refuses_a_duplicate_increment_id_in_the_store(api: Api) -> None:
    first, second = api.place(), api.place()
    clash = {"entity": {"entity_id": second["entity_id"], "increment_id": first["increment_id"]}}
    response = api.post("/rest/V1/orders", clash)
    assert response.status_code == 400
    assert response.get_json() == {"message": "Unique constraint violation found"}
    assert api.order(second["entity_id"])["increment_id"] == second["increment_id"]
    new = api.post("/rest/V1/orders", {"entity": {"increment_id": first["increment_id"],
                                                  "customer_email": "a@b.c", "grand_total": 1,
                                                  "base_grand_total": 1, "items": []}})
    assert new.status_code == 400


def test_a_renumbered_order_frees_its_old_number_and_holds_the_new_one(api: Api) -> None:
    first, second = api.place(), api.place()
    renumbered = {"entity": {"entity_id": first["entity_id"], "increment_id": "R-1"}}
    assert api.post("/rest/V1/orders", renumbered).status_code == 200
    taken = {"entity": {"entity_id": second["entity_id"], "increment_id": "R-1"}}
    assert api.post("/rest/V1/orders", taken).status_code == 400
    freed = {"entity": {"entity_id": second["entity_id"], "increment_id": first["increment_id"]}}
    assert api.post("/rest/V1/orders", freed).status_code == 200
    assert api.order(second["entity_id"])["increment_id"] == first["increment_id"]
    assert api.order(first["entity_id"])["increment_id"] == "R-1"


def test_save_path_for_an_unknown_entity_id_changes_nothing(api: Api) -> None:
    response = api.post("/rest/V1/orders", {"entity": {"entity_id": 77, "ext_order_id": "X"}})
    assert response.status_code == 200
    assert api.fake.state()["orders"] == []


def test_save_path_creates_without_entity_id(api: Api) -> None:
    body = {"entity": {"customer_email": "b2b@example.com", "grand_total": 20,
                       "base_grand_total": 20,
                       "items": [{"sku": "SKU-000001", "qty_ordered": 2, "price": 10}]}}
    response = api.put("/rest/V1/orders/create", body)
    assert response.status_code == 200
    created = response.get_json()
    assert created["increment_id"] == "000000001" and created["items"][0]["qty_ordered"] == 2


def test_save_path_rejects_unknown_properties(api: Api) -> None:
    response = api.post("/rest/V1/orders", {"entity": {"entity_id": 1, "erp_ref": "x"}})
    assert response.get_json()["parameters"] == {"fieldName": "ErpRef"}


def test_cancel_hold_unhold_rules(api: Api) -> None:
    unpaid = api.place(paid=False)["entity_id"]
    paid = api.place()["entity_id"]
    assert api.post(f"/rest/V1/orders/{paid}/cancel").get_json() is False
    assert api.post(f"/rest/V1/orders/{unpaid}/hold").get_json() is True
    assert api.order(unpaid)["state"] == "holded"
    assert api.post(f"/rest/V1/orders/{unpaid}/cancel").get_json() is False
    assert api.post(f"/rest/V1/orders/{unpaid}/hold").get_json() == {
        "message": "A hold action is not available."}
    assert api.post(f"/rest/V1/orders/{unpaid}/unhold").get_json() is True
    assert api.order(unpaid)["status"] == "pending"
    assert api.post(f"/rest/V1/orders/{unpaid}/unhold").status_code == 400
    assert api.post(f"/rest/V1/orders/{unpaid}/cancel").get_json() is True
    canceled = api.order(unpaid)
    assert canceled["state"] == "canceled" and canceled["items"][0]["qty_canceled"] == 2
    assert api.post(f"/rest/V1/orders/{unpaid}/cancel").get_json() is False


def test_statuses_route_and_set_order_status_event(api: Api) -> None:
    order_id = api.place()["entity_id"]
    api.fake.event("set_order_status", entity_id=order_id, state="processing", status="erp_hold")
    assert api.get(f"/rest/V1/orders/{order_id}/statuses").get_json() == "erp_hold"
    body = {"statusHistory": {"comment": "back", "status": "processing",
                              "is_customer_notified": 0, "is_visible_on_front": 0}}
    assert api.post(f"/rest/V1/orders/{order_id}/comments", body).status_code == 200


def test_order_lookups_that_fail(api: Api) -> None:
    missing = api.get("/rest/V1/orders/404")
    assert missing.status_code == 404
    assert missing.get_json()["message"].startswith("The entity that was requested doesn't exist")
    assert api.get("/rest/V1/orders/0").get_json()["message"] == (
        "An ID is needed. Set the ID and try again.")


def test_paid_poison_order_with_nothing_to_invoice(api: Api) -> None:
    placed = api.place(lines=[{"sku": "SKU-000001", "qty": 0}, {"sku": "GHOST", "qty": -2}])
    order = api.order(placed["entity_id"])
    assert order["state"] == "processing" and order["total_paid"] == order["grand_total"]
    assert api.fake.state()["invoices"] == [] and api.fake.state()["reservations"] == []


def test_place_order_rejects_malformed_lines_without_side_effects(api: Api) -> None:
    client = api.fake.flask.test_client()
    for lines in ([], [{"qty": 1}], [{"sku": "SKU-000001", "qty": "two"}]):
        response = client.post("/__harness__/events",
                               json={"name": "place_order", "payload": {"lines": lines}})
        assert response.status_code == 400
    assert api.place()["entity_id"] == 1


def test_shipping_address_keeps_only_address_fields(api: Api) -> None:
    placed = api.place(shipping_address={"city": "Leeds", "favourite_colour": "red",
                                         "address_type": "billing"})
    assignment = api.order(placed["entity_id"])["extension_attributes"]["shipping_assignments"]
    address = assignment[0]["shipping"]["address"]
    assert address["city"] == "Leeds" and address["address_type"] == "shipping"
    assert "favourite_colour" not in address


def test_array_filter_value_gives_magentos_nested_message(api: Api) -> None:
    query = ("searchCriteria[filterGroups][0][filters][0][field]=entity_id"
             "&searchCriteria[filterGroups][0][filters][0][value][0]=4")
    response = api.get(f"/rest/V1/orders?{query}")
    assert response.status_code == 400
    assert response.get_json() == {"message": (
        'Error occurred during "filterGroups" processing. Error occurred during "filters" '
        'processing. Error occurred during "value" processing. The "array" value\'s type is '
        'invalid. The "string" type was expected. Verify and try again.')}
