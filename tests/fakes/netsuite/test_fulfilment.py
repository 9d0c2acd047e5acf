"""Item fulfilment (``!transform``), the control-plane events and the seeded state."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from werkzeug.test import Client

from fakes.core.fake import Fake, create_fake
from tests.fakes.netsuite.conftest import RECORD, first_ids, order_body


@pytest.fixture
def order(ns: requests.Session, fake: Fake) -> str:
    ids = first_ids(fake)
    body = order_body(ids)
    body["item"]["items"][0]["quantity"] = 5
    return str(ns.post(f"{RECORD}/salesOrder", json=body).headers["Location"])


def stock(fake: Fake, item_id: str, location: str) -> float:
    item = next(i for i in fake.state()["inventoryItems"] if i["id"] == item_id)
    line = next(x for x in item["locations"] if x["location"]["id"] == location)
    return float(line["quantityOnHand"])


def fulfil(ns: requests.Session, order: str, body: Any = None) -> requests.Response:
    return ns.post(f"{order}/!transform/itemFulfillment", json=body)


def test_empty_transform_fulfils_everything(ns: requests.Session, fake: Fake, order: str) -> None:
    ids = first_ids(fake)
    before = stock(fake, ids["item"], ids["location"])
    response = ns.post(f"{order}/!transform/itemFulfillment")
    assert response.status_code == 204
    shipment = ns.get(response.headers["Location"], params={"expandSubResources": "true"}).json()
    assert shipment["createdFrom"]["id"] == order.rsplit("/", 1)[1]
    assert shipment["shipStatus"] == {"id": "C", "refName": "Shipped"}
    assert [(x["orderLine"], x["quantity"]) for x in shipment["item"]["items"]] == [
        (1, 5.0), (2, 1.0)]
    assert ns.get(order).json()["orderStatus"]["id"] == "F"
    assert stock(fake, ids["item"], ids["location"]) == before - 5
    refused = fulfil(ns, order)
    assert refused.status_code == 400
    assert "You can not initialize itemfulfillment" in refused.json()["o:errorDetails"][0][
        "detail"]


def test_partial_fulfilment_then_the_rest(ns: requests.Session, fake: Fake, order: str) -> None:
    partial = {"item": {"items": [{"orderLine": 1, "quantity": 3}]}}
    assert fulfil(ns, order, partial).status_code == 204
    saved = ns.get(order, params={"expandSubResources": "true"}).json()
    assert saved["orderStatus"] == {"id": "E",
                                    "refName": "Pending Billing/Partially Fulfilled"}
    assert [x["quantityFulfilled"] for x in saved["item"]["items"]] == [3.0, 0.0]
    assert fulfil(ns, order).status_code == 204
    lines = fake.state()["itemFulfillments"][1]["item"]
    assert [(x["orderLine"], x["quantity"]) for x in lines] == [(1, 2.0), (2, 1.0)]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"item": {"items": [{"orderLine": 1, "quantity": 6}]}}, "item.items[0].quantity"),
        ({"item": {"items": [{"orderLine": 9, "quantity": 1}]}}, "item.items[0].orderLine"),
        ({"item": {"items": [{"orderLine": 1, "quantity": -1}]}}, "item.items[0].quantity"),
        ({"item": {"items": "all"}}, "item"),
    ],
    ids=["over", "unknown-line", "negative", "shape"],
)
def test_bad_fulfilments_are_refused(
    ns: requests.Session, fake: Fake, order: str, body: Any, path: str
) -> None:
    response = fulfil(ns, order, body)
    assert response.status_code == 400
    assert response.json()["o:errorDetails"][0]["o:errorPath"] == path
    assert fake.state()["itemFulfillments"] == []


def test_fulfilled_lines_cannot_shrink_or_go(ns: requests.Session, order: str) -> None:
    fulfil(ns, order, {"item": {"items": [{"orderLine": 1, "quantity": 3}]}})
    shrink = ns.patch(order, json={"item": {"items": [{"line": 1, "quantity": 2}]}})
    assert shrink.status_code == 400
    drop = ns.patch(order, params={"replace": "item"}, json={"item": {"items": [{"line": 2}]}})
    assert drop.status_code == 400


def test_deleting_a_fulfilment_reverses_it(ns: requests.Session, fake: Fake, order: str) -> None:
    ids = first_ids(fake)
    before = stock(fake, ids["item"], ids["location"])
    shipment = fulfil(ns, order).headers["Location"]
    assert ns.delete(order).status_code == 400
    assert ns.delete(shipment).status_code == 204
    assert stock(fake, ids["item"], ids["location"]) == before
    assert ns.get(order).json()["orderStatus"]["id"] == "B"


def test_other_transforms_are_not_modelled(ns: requests.Session, order: str) -> None:
    response = ns.post(f"{order}/!transform/cashSale")
    assert response.status_code == 404
    assert response.json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_URL"


def test_fulfill_event_uses_the_same_rules(ns: requests.Session, fake: Fake, order: str) -> None:
    order_id = order.rsplit("/", 1)[1]
    result = fake.event("fulfill", id=order_id, lines=[{"line": 1, "quantity": 2}])
    shipment = ns.get(f"{RECORD}/itemFulfillment/{result['itemFulfillment']}").json()
    assert shipment["createdFrom"]["id"] == order_id
    with pytest.raises(ValueError, match="remaining"):
        fake.event("fulfill", id=order_id, lines=[{"line": 1, "quantity": 4}])


def test_cancel_order_event(ns: requests.Session, fake: Fake, order: str) -> None:
    order_id = order.rsplit("/", 1)[1]
    fake.clock.advance(30)
    fake.event("cancel_order", id=order_id)
    saved = ns.get(order).json()
    assert saved["orderStatus"] == {"id": "C", "refName": "Cancelled"}
    assert saved["lastModifiedDate"] == "2026-01-05T09:00:30Z"
    assert fulfil(ns, order).status_code == 400
    with pytest.raises(ValueError):
        fake.event("approve_order", id=order_id)


def test_set_stock_event(ns: requests.Session, fake: Fake) -> None:
    fake.clock.advance(90)
    fake.event("set_stock", item_code="SKU-000002", location_id="2", quantity=17)
    item = ns.get(f"{RECORD}/inventoryItem/502", params={"expandSubResources": "true"}).json()
    north = next(x for x in item["locations"]["items"] if x["location"]["id"] == "2")
    assert north["quantityOnHand"] == 17
    assert item["lastModifiedDate"] == "2026-01-05T09:01:30Z"
    with pytest.raises(ValueError):
        fake.event("set_stock", item_code="NOPE", location_id="1", quantity=1)


def test_events_over_the_control_plane(fake: Fake) -> None:
    client = Client(fake.wsgi)
    answer = client.post("/__harness__/events", json={
        "name": "set_stock", "payload": {"item_code": "SKU-000001", "location_id": "1",
                                         "quantity": 3}})
    assert answer.status_code == 200
    rejected = client.post("/__harness__/events", json={"name": "approve_order",
                                                          "payload": {"id": "1"}})
    assert rejected.status_code == 400


def test_seed_follows_the_profile() -> None:
    profile = {"items": {"SKU-000001": "ERP-A"}, "locations": {"wh-north": "20"},
               "accounts": {}}
    fake = create_fake("netsuite", seed=7, profile=profile)
    email = fake.ctx.dataset.customers[0].email
    fake = create_fake("netsuite", seed=7, profile={**profile, "accounts": {email: "ACC-1"}})
    state = fake.state()
    assert state["inventoryItems"][0]["itemId"] == "ERP-A"
    assert {loc["id"]: loc["name"] for loc in state["locations"]} == {
        "1": "Main Warehouse", "20": "North Warehouse", "3": "South Warehouse"}
    assert state["customers"][0]["entityId"] == "ACC-1"
    assert state["customers"][1]["entityId"] == "CUST102"
    assert state["customers"][0]["externalId"] == "mage-customer-1"
    dataset = fake.ctx.dataset
    north = next(x for x in state["inventoryItems"][0]["locations"]
                 if x["location"]["id"] == "20")
    assert north["quantityOnHand"] == dataset.stock[("SKU-000001", "wh-north")]


def test_sources_mapped_to_one_location_add_up() -> None:
    fake = create_fake("netsuite", seed=7, profile={"locations": {"wh-north": "1"}})
    state = fake.state()
    dataset = fake.ctx.dataset
    main = state["inventoryItems"][0]["locations"][0]
    assert main["quantityOnHand"] == (dataset.stock[("SKU-000001", "default")] +
                                      dataset.stock[("SKU-000001", "wh-north")])


def test_state_is_deterministic_and_resettable(ns: requests.Session, fake: Fake) -> None:
    assert create_fake("netsuite", seed=7).state() == fake.state()
    ns.post(f"{RECORD}/salesOrder", json=order_body(first_ids(fake)))
    snapshot = fake.state()
    assert set(snapshot) >= {"salesOrders", "customers", "inventoryItems", "itemFulfillments",
                             "locations", "jobs"}
    fake.reset()
    assert fake.state()["salesOrders"] == []
