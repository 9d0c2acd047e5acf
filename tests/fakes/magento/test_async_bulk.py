"""Asynchronous and bulk endpoints, bulk status, and the consumer on the simulated clock."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import create_fake
from tests.fakes.magento.conftest import BASE, Api

SKU = "SKU-000001"
ITEM = {"sku": SKU, "source_code": "default", "quantity": 77, "status": 1}


def _default_qty(api: Api, sku: str = SKU) -> float:
    rows = [r for r in api.fake.state()["source_items"]
            if r["sku"] == sku and r["source_code"] == "default"]
    return float(rows[0]["quantity"])


def _status(api: Api, bulk_uuid: str, detailed: bool = False) -> dict[str, Any]:
    kind = "detailed-status" if detailed else "status"
    response = api.get(f"/rest/V1/bulk/{bulk_uuid}/{kind}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def _statuses(api: Api, bulk_uuid: str) -> list[int]:
    return [op["status"] for op in _status(api, bulk_uuid)["operations_list"]]


def test_async_request_is_accepted_then_run_when_time_passes(api: Api) -> None:
    before = _default_qty(api)
    response = api.post("/rest/default/async/V1/inventory/source-items", {"sourceItems": [ITEM]})
    assert response.status_code == 202
    body = response.get_json()
    assert body["errors"] is False and body["request_items"][0]["status"] == "accepted"
    meta = json.dumps({"sourceItems": [{**ITEM, "quantity": 77.0}]}, separators=(",", ":"))
    assert body["request_items"][0]["data_hash"] == hashlib.sha256(meta.encode()).hexdigest()
    bulk = _status(api, body["bulk_uuid"])
    assert bulk["description"] == (
        "Topic async.magento.inventoryapi.api.sourceitemssaveinterface.execute.post")
    assert (bulk["operation_count"], bulk["user_type"], _statuses(api, body["bulk_uuid"])) == (
        1, 2, [4])
    assert _default_qty(api) == before
    api.advance(5)
    operation = _status(api, body["bulk_uuid"], detailed=True)["operations_list"][0]
    assert operation["status"] == 1 and operation["result_serialized_data"] == "[]"
    assert operation["result_message"] == (
        "Service execution success Magento\\Inventory\\Model\\SourceItem\\Command\\"
        "SourceItemsSave\\Interceptor::execute")
    assert json.loads(json.loads(operation["serialized_data"])["meta_information"]) == json.loads(
        meta)
    assert _default_qty(api) == 77.0


def test_bulk_paths_use_by_param_and_each_entity_carries_its_parameters(api: Api) -> None:
    entities = [{"customerId": 1, "customer": {"email": "one@example.com", "firstname": "One",
                                               "lastname": "Customer"}},
                {"customerId": 2, "customer": {"email": "two@example.com", "firstname": "Two",
                                               "lastname": "Customer"}}]
    response = api.put("/rest/async/bulk/V1/customers/byCustomerId", entities)
    assert response.status_code == 202
    body = response.get_json()
    assert [i["id"] for i in body["request_items"]] == [0, 1]
    assert api.put("/rest/async/bulk/V1/customers/1", entities).status_code == 404
    api.advance(5)
    uuid = body["bulk_uuid"]
    assert api.get(f"/rest/V1/bulk/{uuid}/operation-status/1").get_json() == 2
    assert api.get(f"/rest/V1/bulk/{uuid}/operation-status/4").get_json() == 0
    assert api.get("/rest/V1/customers/2").get_json()["email"] == "two@example.com"


def test_a_bulk_with_one_invalid_entity_is_refused_whole(api: Api) -> None:
    bad = [{"sourceItems": [ITEM]}, {"sourceItems": [{**ITEM, "quantity": [1]}]}]
    response = api.post("/rest/async/bulk/V1/inventory/source-items", bad)
    assert response.status_code == 400
    assert "processing" in response.get_json()["message"]
    assert api.fake.state()["bulks"] == []


def test_async_routing_and_authorisation(api: Api) -> None:
    assert api.get("/rest/async/V1/orders/1").status_code == 404
    assert api.post("/rest/async/V1/nowhere", {}).status_code == 404
    token = api.post("/rest/async/V1/integration/admin/token", {"username": "a", "password": "b"})
    assert token.status_code == 404
    anonymous = api.anonymous("POST", "/rest/async/V1/inventory/source-items",
                              {"sourceItems": [ITEM]})
    assert anonymous.status_code == 401
    assert anonymous.get_json()["parameters"] == {
        "resources": "Magento_InventoryApi::stock_source_item_assign"}
    missing = api.post("/rest/async/V1/inventory/source-items", {})
    assert missing.status_code == 400
    assert missing.get_json()["parameters"] == {"fieldName": "sourceItems"}


def test_each_consumer_run_takes_a_batch() -> None:
    fake = create_fake("magento", seed=3, options={"consumer_batch_size": 2,
                                                   "consumer_interval_s": 10})
    api = Api(fake)
    api.login()
    items = [{"sourceItems": [{**ITEM, "quantity": q}]} for q in range(5)]
    uuid = api.post("/rest/async/bulk/V1/inventory/source-items", items).get_json()["bulk_uuid"]
    api.advance(9)
    assert _statuses(api, uuid).count(1) == 0
    api.advance(1)
    assert _statuses(api, uuid) == [1, 1, 4, 4, 4]
    api.advance(25)
    assert _statuses(api, uuid) == [1, 1, 1, 1, 1]
    assert _default_qty(api) == 4.0


def test_stopped_consumers_leave_operations_open_until_restarted(api: Api) -> None:
    api.fake.event("stop_consumers")
    uuids = [api.post("/rest/async/V1/inventory/source-items",
                      {"sourceItems": [{**ITEM, "quantity": q}]}).get_json()["bulk_uuid"]
             for q in (10, 11)]
    api.advance(3600)
    assert [_statuses(api, u) for u in uuids] == [[4], [4]]
    assert api.fake.state()["consumers_running"] is False
    assert api.fake.event("start_consumers") == {"running": True, "open": 2}
    assert [_statuses(api, u) for u in uuids] == [[4], [4]]
    api.advance(5)
    assert [_statuses(api, u) for u in uuids] == [[1], [1]]
    assert _default_qty(api) == 11.0


def test_run_consumers_now_even_when_stopped(api: Api) -> None:
    api.fake.event("stop_consumers")
    uuid = api.post("/rest/async/V1/inventory/source-items",
                    {"sourceItems": [ITEM]}).get_json()["bulk_uuid"]
    assert api.fake.event("run_consumers", max_operations=1) == {"processed": 1, "open": 0}
    assert _statuses(api, uuid) == [1]


def test_failed_operations_report_magento_statuses(api: Api) -> None:
    unknown = {"sourceItems": [{**ITEM, "sku": "NOPE"}]}
    uuid = api.post("/rest/async/V1/inventory/source-items", unknown).get_json()["bulk_uuid"]
    api.advance(5)
    api.fake.event("fail_next_operations", count=1, retriable=True)
    retriable = api.post("/rest/async/V1/inventory/source-items",
                         {"sourceItems": [ITEM]}).get_json()["bulk_uuid"]
    api.advance(5)
    failed = _status(api, uuid, detailed=True)["operations_list"][0]
    assert (failed["status"], failed["error_code"], failed["result_serialized_data"]) == (
        3, 0, None)
    assert failed["result_message"] == (
        'Product with requested "sku": "NOPE" was was not found.')
    deadlock = _status(api, retriable)["operations_list"][0]
    assert deadlock["status"] == 2 and "Deadlock found" in deadlock["result_message"]
    assert api.get(f"/rest/V1/bulk/{retriable}/operation-status/2").get_json() == 1


def test_unknown_bulk_uuid(api: Api) -> None:
    missing = api.get("/rest/V1/bulk/00000000-0000-4000-8000-000000000000/status")
    assert missing.status_code == 404
    assert missing.get_json() == {
        "message": "Bulk uuid %bulkUuid not exist",
        "parameters": {"bulkUuid": "00000000-0000-4000-8000-000000000000"}}
    count = api.get("/rest/V1/bulk/00000000-0000-4000-8000-000000000000/operation-status/4")
    assert (count.status_code, count.get_json()) == (200, 0)
    assert api.get("/rest/V1/bulk/x/status", token="nope").status_code == 401


def test_async_price_update_completes_even_when_items_fail(api: Api) -> None:
    body = {"prices": [{"sku": SKU, "price": 12.5, "store_id": 0},
                       {"sku": "GONE", "price": 3, "store_id": 0}]}
    uuid = api.post("/rest/async/V1/products/base-prices", body).get_json()["bulk_uuid"]
    api.advance(5)
    operation = _status(api, uuid, detailed=True)["operations_list"][0]
    assert operation["status"] == 1
    assert json.loads(operation["result_serialized_data"]) == [
        {"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["SKU", "GONE"]}]
    assert api.get(f"/rest/V1/products/{SKU}").get_json()["price"] == 12.5


def test_operation_search_and_snapshot(api: Api) -> None:
    api.post("/rest/async/bulk/V1/orders", [{"entity": {"entity_id": 99, "status": "x"}}])
    api.advance(5)
    search = api.get("/rest/V1/bulk?searchCriteria[filterGroups][0][filters][0][field]=status"
                     "&searchCriteria[filterGroups][0][filters][0][value]=1")
    body = search.get_json()
    assert body["total_count"] == 1
    assert body["items"][0]["topic_name"] == (
        "async.magento.sales.api.orderrepositoryinterface.save.post")
    state = json.loads(json.dumps(api.fake.state()))
    assert state["bulks"][0]["open"] == 0 and len(state["bulks"][0]["operations_list"]) == 1


def test_same_seed_same_bulk_uuids() -> None:
    def uuids() -> list[str]:
        api = Api(create_fake("magento", seed=9))
        api.login()
        return [api.post("/rest/async/V1/inventory/source-items",
                         {"sourceItems": [ITEM]}).get_json()["bulk_uuid"] for _ in range(2)]

    first = uuids()
    assert first == uuids() and first[0] != first[1]


def test_async_through_the_in_process_bridge(api: Api, fleet: FakeFleet) -> None:
    headers = {"Authorization": f"Bearer {api.token}"}
    response = requests.post(f"{BASE}/rest/all/async/bulk/V1/inventory/source-items",
                             json=[{"sourceItems": [ITEM]}], headers=headers, timeout=5)
    assert response.status_code == 202
    uuid = response.json()["bulk_uuid"]
    status_url = f"{BASE}/rest/V1/bulk/{uuid}/status"
    assert requests.get(status_url, headers=headers, timeout=5).json()[
        "operations_list"][0]["status"] == 4
    fleet.magento.clock.advance(5)
    assert requests.get(status_url, headers=headers, timeout=5).json()[
        "operations_list"][0]["status"] == 1


def test_async_delete_and_bulk_delete(api: Api) -> None:
    single = api.delete("/rest/async/V1/customers/5")
    bulk = api.delete("/rest/async/bulk/V1/customers/byCustomerId",
                      [{"customerId": 6}, {"customerId": 999}])
    assert (single.status_code, bulk.status_code) == (202, 202)
    api.advance(5)
    assert api.get("/rest/V1/customers/5").status_code == 404
    assert api.get("/rest/V1/customers/6").status_code == 404
    assert _statuses(api, bulk.get_json()["bulk_uuid"]) == [1, 3]
    assert _status(api, single.get_json()["bulk_uuid"])["description"] == (
        "Topic async.magento.customer.api.customerrepositoryinterface.deletebyid.delete")


def test_anonymous_async_customer_creation_is_a_guest_bulk(api: Api) -> None:
    body = {"customer": {"email": "late@example.com", "firstname": "Late", "lastname": "Comer",
                         "group_id": 3}, "password": "Str0ng-Password"}
    accepted = api.anonymous("POST", "/rest/async/V1/customers", body)
    assert accepted.status_code == 202
    bulk = _status(api, accepted.get_json()["bulk_uuid"])
    assert (bulk["user_type"], bulk["user_id"]) == (4, None)
    api.advance(5)
    created = api.get("/rest/V1/customers/search?searchCriteria[filterGroups][0][filters][0]"
                      "[field]=email&searchCriteria[filterGroups][0][filters][0][value]="
                      "late@example.com").get_json()["items"]
    assert created[0]["group_id"] == 1
    assert api.customer_token("late@example.com", "Str0ng-Password")
    assert api.anonymous("POST", "/rest/async/V1/guest-carts").status_code == 404


TIER = {"sku": SKU, "price": 5, "price_type": "fixed", "website_id": 0,
        "customer_group": "General", "quantity": 2}
SPECIAL = {"sku": SKU, "price": 5, "store_id": 0, "price_from": "2026-01-01 00:00:00",
           "price_to": "2026-02-01 00:00:00"}
ASYNC_WRITES = [
    ("POST", "inventory/source-items", {"sourceItems": [ITEM]},
     "magento.inventoryapi.api.sourceitemssaveinterface.execute.post"),
    ("POST", "inventory/source-items-delete", {"sourceItems": [ITEM]},
     "magento.inventoryapi.api.sourceitemsdeleteinterface.execute.post"),
    ("POST", "products/base-prices", {"prices": [{"sku": SKU, "price": 5, "store_id": 0}]},
     "magento.catalog.api.basepricestorageinterface.update.post"),
    ("POST", "products/tier-prices", {"prices": [TIER]},
     "magento.catalog.api.tierpricestorageinterface.update.post"),
    ("PUT", "products/tier-prices", {"prices": [TIER]},
     "magento.catalog.api.tierpricestorageinterface.replace.put"),
    ("POST", "products/special-price", {"prices": [SPECIAL]},
     "magento.catalog.api.specialpricestorageinterface.update.post"),
    ("POST", "orders", {"entity": {"entity_id": 1, "ext_order_id": "ERP-1"}},
     "magento.sales.api.orderrepositoryinterface.save.post"),
    ("POST", "customers", {"customer": {"email": "q@example.com", "firstname": "Q",
                                        "lastname": "R"}},
     "magento.customer.api.accountmanagementinterface.createaccount.post"),
]


@pytest.mark.parametrize(("method", "route", "body", "topic"), ASYNC_WRITES,
                         ids=[f"{w[0]} {w[1]}" for w in ASYNC_WRITES])
def test_async_writes_run_the_synchronous_service(api: Api, method: str, route: str,
                                                  body: dict[str, Any], topic: str) -> None:
    api.place()
    response = api.client.open(f"/rest/async/V1/{route}", method=method, json=body,
                               headers=api.headers())
    assert response.status_code == 202
    uuid = response.get_json()["bulk_uuid"]
    api.advance(5)
    status = _status(api, uuid, detailed=True)
    assert status["description"] == f"Topic async.{topic}"
    assert status["operations_list"][0]["status"] == 1, status
