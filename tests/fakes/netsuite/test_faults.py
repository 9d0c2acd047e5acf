"""Generic faults in NetSuite's error shape, and the NetSuite-specific faults."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from fakes.core.spec import ErrorRequest
from fakes.netsuite.errors import render_error
from tests.fakes.netsuite.conftest import RECORD, TBA, first_ids, order_body


def session_for(fake: Fake) -> requests.Session:
    session = requests.Session()
    session.auth = TBA(fake.credentials(), fake.clock.time)
    return session


def detail(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert body["status"] == response.status_code
    return dict(body["o:errorDetails"][0])


def blocked_by_cap(fake: Fake) -> requests.Response:
    cap = fake.add_fault({"effect": {"kind": "concurrency_cap", "limit": 1}})
    cap.in_flight = 1  # another request is being served
    with FakeFleet({"netsuite": fake}):
        return session_for(fake).get(f"{RECORD}/location")


@pytest.mark.parametrize(
    ("form", "status", "code"),
    [(None, 429, "CONCURRENCY_LIMIT_EXCEEDED"), ("400", 400, "SSS_REQUEST_LIMIT_EXCEEDED"),
     ("401", 401, "INVALID_LOGIN")],
)
def test_concurrency_error_forms(form: str | None, status: int, code: str) -> None:
    options = {"concurrency_error": form} if form else {}
    fake = create_fake("netsuite", seed=7, options=options)
    response = blocked_by_cap(fake)
    assert response.status_code == status
    assert detail(response)["o:errorCode"] == code
    assert fake.faults.active()[0].rejected == 1


def test_throttle_is_a_429_envelope(fleet: FakeFleet, ns: requests.Session, fake: Fake) -> None:
    fake.add_fault({"effect": {"kind": "throttle", "retry_after_s": 5}, "trigger": {"first": 1}})
    response = ns.get(f"{RECORD}/location")
    assert (response.status_code, response.headers["Retry-After"]) == (429, "5")
    assert detail(response)["o:errorCode"] == "CONCURRENCY_LIMIT_EXCEEDED"
    assert ns.get(f"{RECORD}/location").status_code == 200


def test_http_error_uses_code_and_message(ns: requests.Session, fake: Fake) -> None:
    fake.add_fault({"effect": {"kind": "http_error", "status": 503, "code": "SERVICE_DOWN",
                               "message": "Maintenance"}})
    response = ns.get(f"{RECORD}/location")
    assert response.status_code == 503
    assert detail(response) == {"detail": "Maintenance", "o:errorCode": "SERVICE_DOWN"}
    assert response.json()["type"].endswith("#sec10.5.4")


def test_internal_and_default_errors() -> None:
    internal = render_error(ErrorRequest("internal", 500))
    assert internal.status_code == 500
    assert internal.get_json()["o:errorDetails"][0]["o:errorCode"] == "UNEXPECTED_ERROR"
    forbidden = render_error(ErrorRequest("http_error", 403))
    assert forbidden.get_json()["o:errorDetails"][0]["o:errorCode"] == "INSUFFICIENT_PERMISSION"


def test_mandatory_field_fault(ns: requests.Session, fake: Fake) -> None:
    ids = first_ids(fake)
    fault = fake.add_fault({"target": {"path": "salesOrder"}, "effect": {
        "kind": "vendor", "name": "mandatory_field",
        "params": {"record": "salesorder", "field": "memo"}}})
    refused = ns.post(f"{RECORD}/salesOrder", json=order_body(ids))
    assert refused.status_code == 400
    assert detail(refused) == {"detail": "Please enter value(s) for: Memo",
                               "o:errorCode": "USER_ERROR", "o:errorPath": "memo"}
    assert ns.post(f"{RECORD}/salesOrder", json=order_body(ids, memo="m")).status_code == 204
    location = f"{RECORD}/salesOrder/1001"
    assert ns.patch(location, json={"memo": ""}).status_code == 400
    assert ns.patch(location, json={"otherRefNum": "x"}).status_code == 204
    fake.clear_faults(fault.id)
    assert ns.post(f"{RECORD}/salesOrder", json=order_body(ids)).status_code == 204


def test_mandatory_fields_option(ids_fake: Fake) -> None:
    with FakeFleet({"netsuite": ids_fake}):
        session = session_for(ids_fake)
        ids = first_ids(ids_fake)
        refused = session.post(f"{RECORD}/salesOrder", json=order_body(ids))
        assert detail(refused)["o:errorPath"] == "otherRefNum"
        ok = session.post(f"{RECORD}/salesOrder", json=order_body(ids, otherRefNum="PO1"))
        assert ok.status_code == 204


@pytest.fixture
def ids_fake() -> Fake:
    return create_fake("netsuite", seed=7, options={"mandatory_fields": {
        "salesOrder": ["otherRefNum"]}})


def test_pending_approval_fault(ns: requests.Session, fake: Fake) -> None:
    ids = first_ids(fake)
    fake.add_fault({"effect": {"kind": "vendor", "name": "pending_approval"}})
    location = ns.post(f"{RECORD}/salesOrder", json=order_body(ids, orderStatus={"id": "B"})
                       ).headers["Location"]
    assert ns.get(location).json()["orderStatus"] == {"id": "A", "refName": "Pending Approval"}
    assert ns.post(f"{location}/!transform/itemFulfillment").status_code == 400
    fake.clear_faults()
    fake.event("approve_order", id="1001")
    assert ns.get(location).json()["orderStatus"]["id"] == "B"
    assert ns.post(f"{location}/!transform/itemFulfillment").status_code == 204


def test_pending_approval_applies_to_async_jobs_submitted_under_it(
    ns: requests.Session, fake: Fake
) -> None:
    fake.add_fault({"effect": {"kind": "vendor", "name": "pending_approval"},
                    "trigger": {"first": 1}})
    ns.post(f"{RECORD}/salesOrder", json=order_body(first_ids(fake)),
            headers={"Prefer": "respond-async"})
    fake.clock.advance(2)
    assert ns.get(f"{RECORD}/salesOrder/1001").json()["orderStatus"]["id"] == "A"


def test_default_order_status_option() -> None:
    fake = create_fake("netsuite", seed=7, options={"default_order_status": "A"})
    with FakeFleet({"netsuite": fake}):
        session = session_for(fake)
        session.post(f"{RECORD}/salesOrder", json=order_body(first_ids(fake)))
        assert fake.state()["salesOrders"][0]["orderStatus"]["id"] == "A"


def test_custom_field_removed_fault(ns: requests.Session, fake: Fake) -> None:
    ids = first_ids(fake)
    fake.add_fault({"effect": {"kind": "vendor", "name": "custom_field_removed",
                               "params": {"record": "salesOrder", "field": "custbody_web"}}})
    body = order_body(ids, custbody_web="W1", custbody_other="kept")
    assert ns.post(f"{RECORD}/salesOrder", json=body).status_code == 204
    saved = fake.state()["salesOrders"][0]
    assert "custbody_web" not in saved and saved["custbody_other"] == "kept"
    strict = ns.post(f"{RECORD}/salesOrder", json=body,
                     headers={"X-NetSuite-PropertyNameValidation": "Error"})
    assert strict.status_code == 400 and detail(strict)["o:errorPath"] == "custbody_web"


def test_unknown_vendor_fault_is_rejected(fake: Fake) -> None:
    with pytest.raises(ValueError, match="not a netsuite fault"):
        fake.add_fault({"effect": {"kind": "vendor", "name": "explode"}})


def test_lose_response_after_commit_then_upsert_is_safe(
    ns: requests.Session, fake: Fake
) -> None:
    ids = first_ids(fake)
    fake.add_fault({"target": {"method": "PUT"}, "effect": {"kind": "lose_response"},
                    "trigger": {"first": 1}})
    url = f"{RECORD}/salesOrder/eid:M-77"
    with pytest.raises(requests.Timeout):
        ns.put(url, json=order_body(ids))
    assert ns.put(url, json=order_body(ids)).status_code == 204
    assert len(fake.state()["salesOrders"]) == 1


def test_silent_drop_answers_204_but_stores_nothing(ns: requests.Session, fake: Fake) -> None:
    fake.add_fault({"effect": {"kind": "silent_drop"}, "trigger": {"first": 1}})
    response = ns.post(f"{RECORD}/salesOrder", json=order_body(first_ids(fake)))
    assert response.status_code == 204 and response.headers["Location"].endswith("/1001")
    assert fake.state()["salesOrders"] == []
    assert ns.get(response.headers["Location"]).status_code == 404
