"""JSON $batch (order, stop on error, Isolation: snapshot) and limits (request budget, faults)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from fakes.core.bridge import FakeFleet
from tests.fakes.business_central.conftest import BC, error_of, make_fake


def _batch(bc: BC, requests_: list[dict[str, Any]], **headers: str) -> Any:
    return bc.post(f"{bc.api}/$batch", json={"requests": requests_}, headers=headers)


def _order_op(bc: BC, op_id: str, item: str, company: str | None = None) -> dict[str, Any]:
    customer = bc.first("customers")["number"]
    return {
        "method": "POST", "id": op_id,
        "url": f"companies({company or bc.company_id})/salesOrders",
        "headers": {"Content-Type": "application/json"},
        "body": {"customerNumber": customer, "externalDocumentNumber": op_id,
                 "salesOrderLines": [{"lineObjectNumber": item, "quantity": 1}]},
    }


def test_batch_runs_requests_in_order(bc: BC) -> None:
    item = bc.first("items")["number"]
    count = f"companies({bc.company_id})/salesOrders?$count=true"
    ops = [_order_op(bc, "r1", item), _order_op(bc, "r2", item),
           {"method": "GET", "id": "r3", "url": count}]
    response = _batch(bc, ops)
    assert response.status_code == 200
    answers = response.json()["responses"]
    assert [(a["id"], a["status"]) for a in answers] == [("r1", 201), ("r2", 201), ("r3", 200)]
    assert answers[0]["body"]["number"] == "S-ORD101001"
    assert answers[0]["headers"]["odata-version"] == "4.0"
    assert answers[2]["body"]["@odata.count"] == 2


def test_batch_stops_at_first_failure_without_isolation(bc: BC) -> None:
    item = bc.first("items")["number"]
    ops = [_order_op(bc, "ok", item), _order_op(bc, "bad", "NO-SUCH-ITEM"),
           _order_op(bc, "never", item)]
    answers = _batch(bc, ops).json()["responses"]
    assert [a["status"] for a in answers] == [201, 400]
    assert answers[1]["body"]["error"]["code"] == "Application_DialogException"
    assert [o["externalDocumentNumber"] for o in bc.values("salesOrders")] == ["ok"]


def test_continue_on_error(bc: BC) -> None:
    item = bc.first("items")["number"]
    ops = [_order_op(bc, "a", item), _order_op(bc, "b", "NOPE"), _order_op(bc, "c", item)]
    answers = _batch(bc, ops, Prefer="odata.continue-on-error").json()["responses"]
    assert [a["status"] for a in answers] == [201, 400, 201]
    assert len(bc.values("salesOrders")) == 2


def test_isolation_snapshot_rolls_everything_back(bc: BC) -> None:
    item = bc.first("items")["number"]
    ops = [_order_op(bc, "a", item), _order_op(bc, "b", "NOPE")]
    answers = _batch(bc, ops, Isolation="snapshot").json()["responses"]
    assert [a["status"] for a in answers] == [201, 400]
    assert bc.values("salesOrders") == []
    assert bc.new_order().json()["number"] == "S-ORD101001"
    clean = _batch(bc, [_order_op(bc, "c", item)], Isolation="snapshot").json()["responses"]
    assert clean[0]["status"] == 201 and len(bc.values("salesOrders")) == 2


def test_batch_limits_and_shape(bc: BC) -> None:
    item = bc.first("items")["number"]
    too_many = _batch(bc, [_order_op(bc, str(n), item) for n in range(101)])
    assert error_of(too_many)[0] == 400
    assert bc.values("salesOrders") == []
    assert error_of(bc.post(f"{bc.api}/$batch", json={"nope": []}))[0] == 400
    nested = _batch(bc, [{"method": "POST", "id": "x", "url": "$batch", "body": {"requests": []}}])
    assert nested.json()["responses"][0]["status"] == 400


def test_batch_accepts_absolute_urls_and_company_header(bc: BC) -> None:
    ops = [{"method": "GET", "id": "abs", "url": f"{bc.company_url()}/items?$top=1"},
           {"method": "GET", "id": "hdr", "url": "items?$top=2",
            "headers": {"Company": "CRONUS UK Test"}}]
    answers = _batch(bc, ops).json()["responses"]
    assert [len(a["body"]["value"]) for a in answers] == [1, 2]


def test_request_budget_returns_429_then_recovers() -> None:
    fake = make_fake(rate_limit=5)
    with FakeFleet({"business-central": fake}):
        bc = BC(fake)
        statuses = [bc.get("items?$top=1").status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        throttled = bc.get("items?$top=1")
        status, code, message = error_of(throttled)
        assert (status, code) == (429, "Application_TooManyRequests")
        assert message.startswith("Too many requests reached. Actual (6). Maximum (5).")
        assert int(throttled.headers["Retry-After"]) == 300
        fake.clock.advance(301)
        assert bc.get("items?$top=1").status_code == 200


def test_budget_window_slides() -> None:
    fake = make_fake(rate_limit=3)
    with FakeFleet({"business-central": fake}):
        client = BC(fake)
        client.get("items?$top=1")
        fake.clock.advance(200)
        client.get("items?$top=1")
        client.get("items?$top=1")
        assert client.get("items?$top=1").status_code == 429
        fake.clock.advance(101)
        assert client.get("items?$top=1").status_code == 200
        assert client.get("items?$top=1").status_code == 429


def test_core_faults_render_in_business_central_shape(bc: BC) -> None:
    bc.fake.add_fault({"effect": {"kind": "throttle", "retry_after_s": 7}, "trigger": {"first": 1}})
    throttled = bc.get("items?$top=1")
    assert error_of(throttled)[:2] == (429, "Application_TooManyRequests")
    assert throttled.headers["Retry-After"] == "7"
    bc.fake.add_fault({"effect": {"kind": "http_error", "status": 503}, "trigger": {"first": 1}})
    assert error_of(bc.get("items?$top=1"))[:2] == (503, "Internal_ServiceUnavailable")
    bc.fake.add_fault({"effect": {"kind": "http_error", "status": 401}, "trigger": {"first": 1}})
    unauthorized = bc.get("items?$top=1")
    assert error_of(unauthorized)[0] == 401 and "WWW-Authenticate" in unauthorized.headers
    fault = bc.fake.add_fault({"effect": {"kind": "concurrency_cap", "limit": 1}})
    assert bc.fake.faults.enter_caps([fault]) is None
    capped = bc.get("items?$top=1")
    assert error_of(capped)[:2] == (429, "Application_TooManyRequests")
    bc.fake.faults.leave_caps([fault])


def test_unexpected_crash_is_a_vendor_500(bc: BC, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bc.fake.backend, "records", boom)
    response = bc.get("items")
    status, code, message = error_of(response)
    assert (status, code) == (500, "Internal_ServerError")
    assert "Traceback" not in response.text and "disk on fire" not in response.text


def test_lost_response_after_commit_leaves_the_order(bc: BC) -> None:
    bc.fake.add_fault({"target": {"method": "POST", "path": "salesOrders"},
                       "effect": {"kind": "lose_response"}, "trigger": {"first": 1}})
    with pytest.raises(requests.Timeout):
        bc.new_order()
    orders = bc.values("salesOrders?$filter=externalDocumentNumber eq 'MAG-100000001'")
    assert len(orders) == 1
    assert bc.new_order().status_code == 201
    assert len(bc.values("salesOrders")) == 2
