"""Error rendering, vendor faults, snapshot, determinism, the requests bridge and a served fake."""

from __future__ import annotations

import json

import pytest
import requests
from requests_oauthlib import OAuth1

from fakes.core.bridge import FakeFleet, mock
from fakes.core.fake import Fake, create_fake
from fakes.core.server import serve
from fakes.core.spec import ErrorRequest
from fakes.core.transport import TransportFault
from fakes.magento import SPEC
from fakes.magento.errors import render_error
from tests.fakes.magento.conftest import BASE, Api, criteria


def _token(fake: Fake) -> str:
    creds = fake.credentials()
    response = requests.post(f"{fake.base_url}/rest/V1/integration/admin/token",
                             json={"username": creds["username"], "password": creds["password"]},
                             timeout=5)
    token: str = response.json()
    return token


def test_render_error_kinds() -> None:
    throttle = render_error(ErrorRequest("throttle", 429))
    assert (throttle.status_code, throttle.get_json()) == (
        429, {"message": "Too Many Requests", "trace": None})
    http = render_error(ErrorRequest("http_error", 503))
    assert http.get_json() == {"message": "Service Temporarily Unavailable", "parameters": []}
    custom = render_error(ErrorRequest("http_error", 400, message="Nope"))
    assert custom.get_json() == {"message": "Nope", "parameters": []}
    internal = render_error(ErrorRequest("internal", 500))
    assert internal.get_json()["message"].startswith(
        "Internal Error. Details are available in Magento log file. Report ID: webapi-")


def test_throttle_and_internal_faults_through_the_wire(api: Api) -> None:
    api.fake.add_fault({"target": {"path": "/V1/orders"}, "effect": {"kind": "throttle"},
                        "trigger": {"first": 1}})
    throttled = api.get("/rest/V1/orders?searchCriteria=")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "30"
    assert throttled.get_json() == {"message": "Too Many Requests", "trace": None}
    assert api.get("/rest/V1/orders?searchCriteria=").status_code == 200


def test_internal_report_ids_are_deterministic() -> None:
    def ids() -> list[str]:
        fake = create_fake("magento", seed=3)
        api = Api(fake)
        api.login()
        query = criteria([("x", "1", "eq")])
        return [api.get(f"/rest/V1/orders?{query}").get_json()["message"] for _ in range(2)]

    first = ids()
    assert first == ids() and first[0] != first[1]


def test_expire_tokens_fault_revokes_admin_tokens_only(api: Api) -> None:
    integration = api.fake.credentials()["integration_token"]
    api.fake.add_fault({"effect": {"kind": "vendor", "name": "expire_tokens"},
                        "trigger": {"first": 1}})
    response = api.get("/rest/V1/store/websites")
    assert response.status_code == 401
    assert response.get_json()["parameters"] == {"resources": "Magento_Backend::store"}
    assert api.get("/rest/V1/store/websites").status_code == 401
    assert api.get("/rest/V1/store/websites", token=integration).status_code == 200
    api.login()
    assert api.get("/rest/V1/store/websites").status_code == 200


def test_unauthorized_and_maintenance_faults(api: Api) -> None:
    api.fake.add_fault({"target": {"path": "/ship$"},
                        "effect": {"kind": "vendor", "name": "unauthorized"}})
    refused = api.post("/rest/V1/order/1/ship", {})
    assert refused.get_json()["parameters"] == {"resources": "Magento_Sales::ship"}
    api.fake.clear_faults()
    api.fake.add_fault({"effect": {"kind": "vendor", "name": "maintenance",
                                   "retry_after_s": 60}})
    down = api.get("/rest/V1/store/websites")
    assert down.status_code == 503 and down.mimetype == "text/html"
    assert down.headers["Retry-After"] == "60"
    assert b"Service Temporarily Unavailable" in down.get_data()


def test_lost_response_after_commit_keeps_the_shipment(api: Api) -> None:
    order_id = api.place()["entity_id"]
    api.fake.add_fault({"target": {"path": "/ship$"},
                        "effect": {"kind": "lose_response"}, "trigger": {"first": 1}})
    with pytest.raises(TransportFault):
        api.post(f"/rest/V1/order/{order_id}/ship", {})
    assert len(api.fake.state()["shipments"]) == 1


def test_snapshot_is_json_and_complete(api: Api) -> None:
    order_id = api.place()["entity_id"]
    api.post(f"/rest/V1/order/{order_id}/ship", {})
    state = json.loads(json.dumps(api.fake.state()))
    assert set(state) >= {"orders", "shipments", "invoices", "creditmemos", "source_items",
                          "reservations", "stores"}
    assert state["orders"][0]["items"] and len(state["invoices"]) == 1
    assert {"sku", "source_code", "quantity", "status"} == set(state["source_items"][0])


def test_same_seed_same_answers_and_reset(fake: Fake) -> None:
    other = create_fake("magento", seed=3)
    assert fake.credentials() == other.credentials()
    for each in (fake, other):
        each.event("place_order", lines=[{"sku": "SKU-000004", "qty": 1}])
    assert fake.state() == other.state()
    assert create_fake("magento", seed=4).credentials() != fake.credentials()
    fake.reset()
    assert fake.state()["orders"] == []


def test_events_over_the_control_plane(fake: Fake) -> None:
    client = fake.flask.test_client()
    placed = client.post("/__harness__/events", json={
        "name": "place_order", "payload": {"lines": [{"sku": "ANY", "qty": 1}],
                                           "store_code": "eu"}})
    assert placed.status_code == 200
    assert placed.get_json()["result"] == {"entity_id": 1, "increment_id": "2000000001",
                                           "store_id": 2}
    bad = client.post("/__harness__/events", json={"name": "touch_order",
                                                   "payload": {"entity_id": 9}})
    assert bad.status_code == 400
    strict = client.post("/__harness__/events", json={
        "name": "place_order", "payload": {"lines": [{"sku": "ANY", "qty": 1}],
                                           "sku_override": False}})
    assert strict.status_code == 400


def test_requests_through_the_in_process_bridge(fake: Fake, fleet: FakeFleet) -> None:
    fake.event("place_order", lines=[{"sku": "SKU-000001", "qty": 1}])
    headers = {"Authorization": f"Bearer {_token(fake)}"}
    orders = requests.get(f"{BASE}/rest/default/V1/orders",
                          params={"searchCriteria[pageSize]": 10}, headers=headers, timeout=5)
    assert orders.status_code == 200 and orders.json()["total_count"] == 1
    configs = requests.get(f"{BASE}/rest/V1/store/storeConfigs", headers=headers, timeout=5)
    assert configs.json()[0]["base_url"] == "http://magento.fake.test/"


def test_mock_helper_serves_magento() -> None:
    with mock("magento", seed=5) as running:
        assert running.magento.base_url == BASE
        response = requests.get(f"{BASE}/rest/V1/store/storeViews", timeout=5)
        assert response.status_code == 401


def test_served_over_http() -> None:
    fake = Fake(SPEC, seed=3)
    with serve({"magento": fake}) as servers:
        ready = servers.ready()["magento"]
        assert set(ready["credentials"]) >= {"username", "password", "integration_token"}
        base = ready["base_url"]
        bearer = {"Authorization": f"Bearer {ready['credentials']['integration_token']}"}
        fake.event("place_order", lines=[{"sku": "SKU-000002", "qty": 2}])
        response = requests.get(f"{base}/rest/all/V1/orders/1", headers=bearer, timeout=5)
        assert response.status_code == 200 and response.json()["items"][0]["qty_ordered"] == 2
        assert response.headers["Content-Type"].startswith("application/json")
        creds = ready["credentials"]
        signed = OAuth1(creds["consumer_key"], creds["consumer_secret"],
                        creds["integration_token"], creds["access_token_secret"],
                        signature_method="HMAC-SHA256")
        over_socket = requests.get(f"{base}/rest/V1/orders",
                                   params={"searchCriteria[pageSize]": 1}, auth=signed, timeout=5)
        assert over_socket.status_code == 200 and over_socket.json()["total_count"] == 1


def test_silent_drop_answers_success_but_keeps_the_stock(api: Api) -> None:
    before = api.fake.state()["source_items"]
    api.fake.add_fault({"target": {"path": "source-items$"}, "effect": {"kind": "silent_drop"}})
    body = {"sourceItems": [{"sku": "SKU-000001", "source_code": "default", "quantity": 1,
                             "status": 1}]}
    response = api.post("/rest/V1/inventory/source-items", body)
    assert (response.status_code, response.get_json()) == (200, [])
    assert api.fake.state()["source_items"] == before
