"""The record service: create, read, upsert, update, delete, validation errors."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from tests.fakes.netsuite.conftest import RECORD, TBA, first_ids, order_body


@pytest.fixture
def ids(fake: Fake) -> dict[str, str]:
    return first_ids(fake)


def details(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert body["status"] == response.status_code
    assert body["type"].startswith("https://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html")
    return dict(body["o:errorDetails"][0])


def test_create_answers_204_with_location_and_no_body(
    ns: requests.Session, ids: dict[str, str]
) -> None:
    response = ns.post(f"{RECORD}/salesOrder", json=order_body(ids))
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["Location"] == f"{RECORD}/salesOrder/1001"


def test_read_back_with_totals_and_defaults(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    location = ns.post(f"{RECORD}/salesOrder", json=order_body(
        ids, externalId="M-1", memo="web order", custbody_channel="B2C")).headers["Location"]
    order = ns.get(location).json()
    price = fake.state()["inventoryItems"][1]["basePrice"]
    assert order["tranId"] == "SO1" and order["externalId"] == "M-1"
    assert order["entity"]["id"] == ids["customer"] and "refName" in order["entity"]
    assert order["orderStatus"] == {"id": "B", "refName": "Pending Fulfillment"}
    assert order["subtotal"] == order["total"] == round(20.0 + price, 2)
    assert order["custbody_channel"] == "B2C"
    assert order["item"] == {"links": [{"rel": "self", "href": f"{location}/item"}]}
    assert order["createdDate"] == "2026-01-05T09:00:00Z"


def test_expand_sub_resources_inlines_lines(ns: requests.Session, ids: dict[str, str]) -> None:
    location = ns.post(f"{RECORD}/salesOrder", json=order_body(ids)).headers["Location"]
    lines = ns.get(location, params={"expandSubResources": "true"}).json()["item"]
    assert lines["totalResults"] == 2 and lines["hasMore"] is False
    first = lines["items"][0]
    assert (first["line"], first["item"]["id"], first["quantity"], first["rate"],
            first["amount"], first["quantityFulfilled"]) == (1, ids["item"], 2.0, 10.0, 20.0, 0.0)
    assert first["location"]["id"] == ids["location"]
    assert ns.get(f"{location}/item").json()["count"] == 2
    assert ns.get(f"{location}/item/2").json()["line"] == 2
    assert ns.get(f"{location}/item/9").status_code == 404


def test_fields_parameter_limits_the_body(ns: requests.Session, ids: dict[str, str]) -> None:
    location = ns.post(f"{RECORD}/salesOrder", json=order_body(ids)).headers["Location"]
    body = ns.get(location, params={"fields": "tranId,orderStatus"}).json()
    assert set(body) == {"links", "id", "tranId", "orderStatus"}
    simple = ns.get(location, params={"simpleEnumFormat": "true"}).json()
    assert simple["orderStatus"] == {"id": "B"}


def test_record_type_is_case_insensitive(ns: requests.Session, ids: dict[str, str]) -> None:
    location = ns.post(f"{RECORD}/salesorder", json=order_body(ids)).headers["Location"]
    assert location.endswith("/salesOrder/1001")
    assert ns.get(f"{RECORD}/SALESORDER/1001").json()["id"] == "1001"


def test_read_by_external_id(ns: requests.Session, ids: dict[str, str]) -> None:
    ns.post(f"{RECORD}/salesOrder", json=order_body(ids, externalId="store1-100"))
    assert ns.get(f"{RECORD}/salesOrder/eid:store1-100").json()["id"] == "1001"
    missing = ns.get(f"{RECORD}/salesOrder/eid:nope")
    assert missing.status_code == 404
    assert details(missing)["o:errorCode"] == "NONEXISTENT_ID"


def test_upsert_creates_then_updates_idempotently(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    url = f"{RECORD}/salesOrder/eid:mage-000000042"
    first = ns.put(url, json=order_body(ids, memo="first"))
    assert first.status_code == 204
    before = fake.state()["salesOrders"]
    again = ns.put(url, json=order_body(ids, memo="first"))
    assert again.status_code == 204
    assert again.headers["Location"] == first.headers["Location"]
    after = fake.state()["salesOrders"]
    assert len(after) == 1 and after[0]["externalId"] == "mage-000000042"

    def content(order: dict[str, Any]) -> dict[str, Any]:
        lines = [{k: v for k, v in line.items() if k != "line"} for line in order["item"]]
        return {**{k: v for k, v in order.items() if k != "lastModifiedDate"}, "item": lines}

    assert content(after[0]) == content(before[0])
    assert len(after[0]["item"]) == 2
    ns.put(url, json={"memo": "second"})
    assert fake.state()["salesOrders"][0]["memo"] == "second"


def test_upsert_merge_option_appends_lines(ids: dict[str, str]) -> None:
    fake = create_fake("netsuite", seed=7, options={"upsert_sublists": "merge"})
    with FakeFleet({"netsuite": fake}):
        session = requests.Session()
        session.auth = TBA(fake.credentials(), fake.clock.time)
        url = f"{RECORD}/salesOrder/eid:M-9"
        session.put(url, json=order_body(ids))
        session.put(url, json=order_body(ids))
        assert len(fake.state()["salesOrders"][0]["item"]) == 4


def test_put_with_internal_id_is_refused(ns: requests.Session, ids: dict[str, str]) -> None:
    ns.post(f"{RECORD}/salesOrder", json=order_body(ids))
    response = ns.put(f"{RECORD}/salesOrder/1001", json={"memo": "x"})
    assert response.status_code == 400
    assert details(response)["o:errorCode"] == "INVALID_ID"
    bad_eid = ns.put(f"{RECORD}/salesOrder/eid:has space", json=order_body(ids))
    assert bad_eid.status_code == 400


def test_post_with_existing_external_id_is_refused(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    assert ns.post(f"{RECORD}/salesOrder", json=order_body(ids, externalId="D1")).ok
    duplicate = ns.post(f"{RECORD}/salesOrder", json=order_body(ids, externalId="D1"))
    assert duplicate.status_code == 400
    detail = details(duplicate)
    assert detail["o:errorCode"] == "USER_ERROR" and "already exists" in detail["detail"]
    assert len(fake.state()["salesOrders"]) == 1


def test_duplicate_error_code_is_an_option(ids: dict[str, str]) -> None:
    fake = create_fake("netsuite", seed=7, options={"duplicate_error_code": "DUP_RCRD"})
    with FakeFleet({"netsuite": fake}):
        session = requests.Session()
        session.auth = TBA(fake.credentials(), fake.clock.time)
        session.post(f"{RECORD}/salesOrder", json=order_body(ids, externalId="D1"))
        again = session.post(f"{RECORD}/salesOrder", json=order_body(ids, externalId="D1"))
        assert details(again)["o:errorCode"] == "DUP_RCRD"


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (lambda b: b["item"]["items"][0].update(item={"id": "9999"}), "INVALID_CONTENT",
         "item.items[0].item"),
        (lambda b: b.update(entity={"id": "9999"}), "INVALID_CONTENT", "entity"),
        (lambda b: b.pop("entity"), "USER_ERROR", "entity"),
        (lambda b: b["item"]["items"][1].update(quantity="two"), "INVALID_CONTENT",
         "item.items[1].quantity"),
        (lambda b: b["item"]["items"][1].update(quantity=-1), "INVALID_CONTENT",
         "item.items[1].quantity"),
        (lambda b: b["item"]["items"][0].pop("item"), "USER_ERROR", "item.items[0].item"),
        (lambda b: b.update(location={"id": "77"}), "INVALID_CONTENT", "location"),
        (lambda b: b.update(tranDate="05/01/2026"), "INVALID_CONTENT", "tranDate"),
        (lambda b: b.update(orderStatus={"id": "F"}), "INVALID_CONTENT", "orderStatus"),
        (lambda b: b.update(item=[1, 2]), "INVALID_CONTENT", "item"),
    ],
    ids=["item", "entity", "no-entity", "qty-type", "qty-negative", "no-item", "location",
         "date", "status", "sublist-shape"],
)
def test_invalid_bodies_name_the_path(
    ns: requests.Session, fake: Fake, ids: dict[str, str], change: Any, code: str, path: str
) -> None:
    body = order_body(ids)
    change(body)
    response = ns.post(f"{RECORD}/salesOrder", json=body)
    assert response.status_code == 400
    detail = details(response)
    assert (detail["o:errorCode"], detail["o:errorPath"]) == (code, path)
    assert fake.state()["salesOrders"] == []


def test_documented_invalid_item_message(ns: requests.Session, ids: dict[str, str]) -> None:
    body = order_body(ids)
    body["item"]["items"][0]["item"] = {"id": 9999}
    detail = details(ns.post(f"{RECORD}/salesOrder", json=body))
    assert detail["detail"] == ("Error while accessing resource: You have entered an Invalid "
                                "Field Value 9999 for the following field: item")


def test_references_by_external_id(ns: requests.Session, fake: Fake) -> None:
    body = {"entity": {"externalId": "mage-customer-2"},
            "item": {"items": [{"item": {"externalId": "SKU-000003"}, "quantity": 1}]}}
    location = ns.post(f"{RECORD}/salesOrder", json=body).headers["Location"]
    order = ns.get(location, params={"expandSubResources": "true"}).json()
    assert order["entity"]["id"] == fake.state()["customers"][1]["id"]
    assert order["item"]["items"][0]["item"]["refName"] == "SKU-000003"


@pytest.mark.parametrize("raw", [b"{not json", b"", b"\xff\xfe"], ids=["broken", "empty", "bytes"])
def test_malformed_json_gets_the_envelope(ns: requests.Session, raw: bytes) -> None:
    response = ns.post(f"{RECORD}/salesOrder", data=raw,
                       headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert details(response)["o:errorCode"] == "INVALID_CONTENT"


def test_non_object_body_is_refused(ns: requests.Session) -> None:
    response = ns.post(f"{RECORD}/salesOrder", json=[1, 2])
    assert response.status_code == 400
    assert details(response)["o:errorCode"] == "INVALID_CONTENT"


def test_unknown_fields_follow_the_validation_header(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    assert ns.post(f"{RECORD}/salesOrder", json=order_body(ids, bogus=1)).status_code == 204
    assert "bogus" not in fake.state()["salesOrders"][0]
    strict = ns.post(f"{RECORD}/salesOrder", json=order_body(ids, bogus=1),
                     headers={"X-NetSuite-PropertyNameValidation": "Error"})
    assert strict.status_code == 400 and details(strict)["o:errorPath"] == "bogus"


def test_patch_merges_lines_and_replace_replaces(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    location = ns.post(f"{RECORD}/salesOrder", json=order_body(ids)).headers["Location"]
    fake.clock.advance(60)
    patch = {"memo": "changed", "item": {"items": [{"line": 1, "quantity": 5},
                                                   {"item": {"id": ids["item2"]}}]}}
    assert ns.patch(location, json=patch).status_code == 204
    order = fake.state()["salesOrders"][0]
    assert order["memo"] == "changed" and order["lastModifiedDate"] == "2026-01-05T09:01:00Z"
    assert [(line["line"], line["quantity"], line["amount"]) for line in order["item"]] == [
        (1, 5.0, 50.0), (2, 1.0, order["item"][1]["amount"]), (3, 1.0, order["item"][2]["amount"])]
    replace = {"item": {"items": [{"line": 2}, {"item": {"id": ids["item"]}, "quantity": 3}]}}
    assert ns.patch(location, params={"replace": "item"}, json=replace).status_code == 204
    lines = fake.state()["salesOrders"][0]["item"]
    assert [(line["line"], line["quantity"]) for line in lines] == [(2, 1.0), (4, 3.0)]


def test_patch_unknown_line_is_refused(ns: requests.Session, ids: dict[str, str]) -> None:
    location = ns.post(f"{RECORD}/salesOrder", json=order_body(ids)).headers["Location"]
    response = ns.patch(location, json={"item": {"items": [{"line": 7, "quantity": 1}]}})
    assert response.status_code == 400
    assert details(response)["o:errorPath"] == "item.items[0].line"


def test_delete_then_not_found(ns: requests.Session, ids: dict[str, str]) -> None:
    location = ns.post(f"{RECORD}/salesOrder", json=order_body(ids)).headers["Location"]
    assert ns.delete(location).status_code == 204
    gone = ns.get(location)
    assert gone.status_code == 404 and details(gone)["o:errorCode"] == "NONEXISTENT_ID"
    assert ns.delete(location).status_code == 404


def test_customer_create_and_delete_rules(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    created = ns.post(f"{RECORD}/customer", json={"companyName": "Acme Ltd",
                                                  "email": "buyer@acme.test",
                                                  "externalId": "mage-customer-999"})
    assert created.status_code == 204
    customer = ns.get(created.headers["Location"]).json()
    assert customer["entityId"] == f"CUST{customer['id']}"
    assert customer["creditHoldOverride"] == {"id": "AUTO", "refName": "Auto"}
    missing = ns.post(f"{RECORD}/customer", json={"email": "x@y.test"})
    assert details(missing)["o:errorPath"] == "companyName"
    ns.post(f"{RECORD}/salesOrder", json=order_body(ids))
    in_use = ns.delete(f"{RECORD}/customer/{ids['customer']}")
    assert in_use.status_code == 400
    assert ns.delete(created.headers["Location"]).status_code == 204


def test_credit_hold_override_is_validated(ns: requests.Session, ids: dict[str, str]) -> None:
    url = f"{RECORD}/customer/{ids['customer']}"
    assert ns.patch(url, json={"creditHoldOverride": {"id": "ON"}}).status_code == 204
    assert ns.get(url).json()["creditHoldOverride"]["id"] == "ON"
    assert ns.patch(url, json={"creditHoldOverride": {"id": "MAYBE"}}).status_code == 400


def test_read_only_record_types_refuse_writes(ns: requests.Session, ids: dict[str, str]) -> None:
    response = ns.post(f"{RECORD}/inventoryItem", json={"itemId": "X"})
    assert response.status_code == 405
    assert details(response)["o:errorCode"] == "METHOD_NOT_ALLOWED"


def test_inventory_item_shows_stock_per_location(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    url = f"{RECORD}/inventoryItem/{ids['item']}"
    before = ns.get(url, params={"expandSubResources": "true"}).json()
    assert before["itemId"] == "SKU-000001" and before["externalId"] == "SKU-000001"
    main = before["locations"]["items"][0]
    assert main["location"]["refName"] == "Main Warehouse"
    ns.post(f"{RECORD}/salesOrder", json=order_body(ids))
    after = ns.get(url, params={"expandSubResources": "true"}).json()["locations"]["items"][0]
    committed = min(2.0, main["quantityOnHand"])
    assert after["quantityCommitted"] == committed
    assert after["quantityAvailable"] == main["quantityOnHand"] - committed


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/services/rest/record/v1/nonsense", 404, "INVALID_URL"),
        ("GET", "/services/rest/record/v2/salesOrder", 404, "INVALID_URL"),
        ("DELETE", "/services/rest/record/v1/salesOrder", 405, "METHOD_NOT_ALLOWED"),
        ("GET", "/services/rest/record/v1/salesOrder/1/nosuchsublist", 404, "NONEXISTENT_ID"),
    ],
)
def test_routing_errors_use_the_envelope(
    ns: requests.Session, method: str, path: str, status: int, code: str
) -> None:
    response = ns.request(method, f"https://1234567.suitetalk.fake.test{path}")
    assert response.status_code == status
    assert details(response)["o:errorCode"] == code
