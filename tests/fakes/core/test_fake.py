"""fakes/core through a toy vendor: faults, journal, control plane, the three ways in."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests

from fakes.core.bridge import FakeFleet
from fakes.core.clock import SimClock
from fakes.core.fake import Fake
from fakes.core.server import serve
from tests.fakes.core.toy import SPEC


@pytest.fixture
def fake() -> Fake:
    return Fake(SPEC, seed=3)


@pytest.fixture
def fleet(fake: Fake):
    with FakeFleet({"toy": fake}) as running:
        yield running


URL = "http://toy.fake.test/api/items"


def test_in_process_round_trip(fleet: FakeFleet) -> None:
    created = requests.post(URL, json={"sku": "A"}, timeout=5)
    assert created.status_code == 201
    assert requests.get(f"{URL}/{created.json()['id']}", timeout=5).json()["sku"] == "A"
    assert fleet.toy.state()["items"] == [{"id": 1, "sku": "A"}]


def test_unknown_host_is_refused(fleet: FakeFleet) -> None:
    with pytest.raises(requests.ConnectionError):
        requests.get("http://elsewhere.test/x", timeout=5)


def test_http_error_on_nth_call_uses_vendor_shape(fleet: FakeFleet) -> None:
    fleet.toy.add_fault(
        {
            "target": {"method": "POST"},
            "effect": {"kind": "http_error", "status": 503, "code": "DOWN"},
            "trigger": {"calls": [2]},
        }
    )
    statuses = [requests.post(URL, json={"n": i}, timeout=5).status_code for i in range(3)]
    assert statuses == [201, 503, 201]
    entries = fleet.toy.entries()
    assert [e.fault_effect for e in entries] == [None, "http_error", None]
    assert json.loads(entries[1].response_body) == {"fault": "DOWN", "text": "boom"}


def test_throttle_sets_retry_after(fleet: FakeFleet) -> None:
    fleet.toy.add_fault(
        {"effect": {"kind": "throttle", "retry_after_s": 7}, "trigger": {"first": 1}}
    )
    first = requests.get(f"{URL}/1", timeout=5)
    assert (first.status_code, first.headers["Retry-After"]) == (429, "7")
    assert requests.get(f"{URL}/1", timeout=5).status_code == 404


def test_lose_response_commits_then_raises(fleet: FakeFleet) -> None:
    fleet.toy.add_fault(
        {"target": {"method": "POST"}, "effect": {"kind": "lose_response"}, "trigger": {"first": 1}}
    )
    with pytest.raises(requests.Timeout):
        requests.post(URL, json={"sku": "X"}, timeout=5)
    assert [i["sku"] for i in fleet.toy.state()["items"]] == ["X"]
    assert fleet.toy.entries()[0].outcome == "committed, response lost"


def test_reset_before_processing_stores_nothing(fleet: FakeFleet) -> None:
    fleet.toy.add_fault({"effect": {"kind": "reset"}, "trigger": {"first": 1}})
    with pytest.raises(requests.ConnectionError):
        requests.post(URL, json={"sku": "X"}, timeout=5)
    assert fleet.toy.state()["items"] == []


def test_silent_drop_answers_success_but_stores_nothing(fleet: FakeFleet) -> None:
    fleet.toy.add_fault({"effect": {"kind": "silent_drop"}})
    assert requests.post(URL, json={"sku": "X"}, timeout=5).status_code == 201
    assert fleet.toy.state()["items"] == []


def test_stale_read_replays_the_first_answer_under_the_fault(fleet: FakeFleet) -> None:
    requests.post(URL, json={"sku": "A"}, timeout=5)
    fleet.toy.add_fault(
        {
            "target": {"method": "GET"},
            "effect": {"kind": "stale_read"},
            "trigger": {"calls": [1, 3]},
        }
    )
    first = requests.get(f"{URL}/1", timeout=5).json()
    fleet.toy.backend.items[1]["sku"] = "B"
    fresh = requests.get(f"{URL}/1", timeout=5).json()
    stale = requests.get(f"{URL}/1", timeout=5).json()
    assert (first["sku"], fresh["sku"], stale["sku"]) == ("A", "B", "A")
    assert [e.outcome for e in fleet.toy.entries()[-3:]] == ["faulted", "ok", "faulted"]


def test_field_drift_renames_drops_and_retypes_json_fields(fleet: FakeFleet) -> None:
    requests.post(URL, json={"sku": "A", "qty": 3, "note": "x"}, timeout=5)
    fleet.toy.add_fault(
        {
            "target": {"method": "GET"},
            "effect": {
                "kind": "field_drift",
                "params": {"rename": {"sku": "itemNo"}, "drop": ["note"], "retype": ["qty"]},
            },
        }
    )
    assert requests.get(f"{URL}/1", timeout=5).json() == {"id": 1, "itemNo": "A", "qty": "3 EA"}
    assert fleet.toy.state()["items"][0]["sku"] == "A"  # only the answer drifted


def test_malformed_body_is_not_json(fleet: FakeFleet) -> None:
    fleet.toy.add_fault({"effect": {"kind": "malformed_body"}})
    response = requests.post(URL, json={"sku": "X"}, timeout=5)
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_latency_advances_simulated_clock(fleet: FakeFleet) -> None:
    clock = fleet.toy.clock
    assert isinstance(clock, SimClock)
    before = clock.now()
    fleet.toy.add_fault({"effect": {"kind": "latency", "delay_s": 2.5}})
    requests.get(f"{URL}/1", timeout=5)
    assert clock.now() - before == timedelta(seconds=2.5)


@pytest.mark.parametrize(
    ("latencies", "advanced"),
    [
        ([{"delay_s": 0.5}], 0.7),  # added: waits, then works 0.2
        ([{"delay_s": 0.5, "timing": "response_time"}], 0.5),  # the 0.2 of work is inside
        ([{"delay_s": 0.1, "timing": "response_time"}], 0.2),  # work longer: not cut short
        ([{"delay_s": 0.25}, {"delay_s": 0.5, "timing": "response_time"}], 0.5),
        ([{"delay_s": 0.4}, {"delay_s": 0.5, "timing": "response_time"}], 0.6),
    ],
)
def test_response_time_latency_counts_the_fakes_own_processing(
    fleet: FakeFleet, monkeypatch: pytest.MonkeyPatch, latencies: list[dict], advanced: float
) -> None:
    clock = fleet.toy.clock
    assert isinstance(clock, SimClock)
    create = fleet.toy.backend.create

    def slow_create(data: dict) -> dict:
        clock.advance(0.2)  # the fake's own work, in simulated seconds
        return create(data)

    monkeypatch.setattr(fleet.toy.backend, "create", slow_create)
    for latency in latencies:
        fleet.toy.add_fault({"effect": {"kind": "latency", **latency}})
    before = clock.now()
    assert requests.post(URL, json={"sku": "A"}, timeout=5).status_code == 201
    assert (clock.now() - before).total_seconds() == pytest.approx(advanced)


def test_unknown_latency_timing_names_the_field(fake: Fake) -> None:
    with pytest.raises(ValueError, match="timing"):
        fake.add_fault({"effect": {"kind": "latency", "delay_s": 1, "timing": "after"}})


def test_window_trigger_uses_simulated_time(fleet: FakeFleet) -> None:
    start = fleet.toy.clock.now()
    fleet.toy.add_fault(
        {
            "effect": {"kind": "http_error", "status": 500},
            "trigger": {
                "start": (start + timedelta(seconds=60)).isoformat(),
                "end": (start + timedelta(seconds=120)).isoformat(),
            },
        }
    )
    assert requests.get(f"{URL}/1", timeout=5).status_code == 404
    fleet.toy.clock.advance(90)
    assert requests.get(f"{URL}/1", timeout=5).status_code == 500
    fleet.toy.clock.advance(60)
    assert requests.get(f"{URL}/1", timeout=5).status_code == 404


def test_probability_trigger_replays_for_same_seed() -> None:
    def pattern(seed: int) -> list[int]:
        fake = Fake(SPEC, seed=seed)
        fake.add_fault({"effect": {"kind": "http_error"}, "trigger": {"probability": 0.5}})
        with FakeFleet({"toy": fake}):
            return [requests.get(f"{URL}/1", timeout=5).status_code for _ in range(20)]

    assert pattern(11) == pattern(11)
    assert pattern(11) != pattern(12)
    assert set(pattern(11)) == {404, 503}


def test_invalid_fault_names_the_field(fake: Fake) -> None:
    client = fake.flask.test_client()
    response = client.post("/__harness__/faults", json={"effect": {"kind": "explode"}})
    assert response.status_code == 400
    assert response.get_json()["details"][0]["field"] == "effect.kind"


def test_unknown_vendor_fault_rejected(fake: Fake) -> None:
    with pytest.raises(ValueError, match="not a toy fault"):
        fake.add_fault({"effect": {"kind": "vendor", "name": "nope"}})


def test_control_plane_over_wsgi(fake: Fake) -> None:
    from werkzeug.test import Client

    client = Client(fake.wsgi)
    assert client.post("/api/items", json={"sku": "A"}).status_code == 201
    assert (
        client.post(
            "/__harness__/events",
            json={"name": "set_stock", "payload": {"sku": "SKU-000001", "qty": 4}},
        ).status_code
        == 200
    )
    assert client.get("/__harness__/state").get_json()["stock"]["SKU-000001"] == 4
    journal = client.get("/__harness__/journal").get_json()
    assert [e["path"] for e in journal["entries"]] == ["/api/items"]
    assert client.post("/__harness__/clock", json={"advance_s": 60}).status_code == 200
    assert client.post("/__harness__/events", json={"name": "nope"}).status_code == 404
    assert client.post("/__harness__/reset").status_code == 200
    assert client.get("/__harness__/state").get_json()["items"] == []


def test_control_token_required_when_set() -> None:
    fake = Fake(SPEC, control_token="t0k")
    client = fake.flask.test_client()
    assert client.get("/__harness__/state").status_code == 401
    assert client.get("/__harness__/state", headers={"X-Harness-Token": "t0k"}).status_code == 200


def test_journal_never_holds_secrets(fleet: FakeFleet) -> None:
    requests.post(
        "http://toy.fake.test/api/login",
        json={"password": "hunter2"},
        headers={"Authorization": "Bearer abc"},
        timeout=5,
    )
    requests.post(URL, json={"client_secret": "xyz", "sku": "A"}, timeout=5)
    dumped = json.dumps([e.to_dict() for e in fleet.toy.entries()])
    for secret in ("hunter2", "s3cr3t-token", "Bearer abc", "xyz"):
        assert secret not in dumped


def test_reseed_changes_dataset(fake: Fake) -> None:
    before = fake.state()["stock"]
    fake.reseed(99)
    assert fake.seed == 99
    assert set(fake.state()["stock"]) == set(before)


def test_served_over_http_with_transport_faults() -> None:
    fake = Fake(SPEC)
    with serve({"toy": fake}, hang_s=0.2) as servers:
        base = servers.served["toy"].base_url
        assert base.startswith("http://127.0.0.1:")
        assert requests.post(f"{base}/api/items", json={"sku": "A"}, timeout=5).status_code == 201
        fake.add_fault(
            {"effect": {"kind": "lose_response", "after": "reset"}, "trigger": {"first": 1}}
        )
        with pytest.raises(requests.RequestException):
            requests.post(f"{base}/api/items", json={"sku": "B"}, timeout=5).json()
        assert [i["sku"] for i in fake.state()["items"]] == ["A", "B"]
        ready = servers.ready()["toy"]
        assert ready["control_url"] == base + "/__harness__"
        assert requests.get(ready["control_url"] + "/state", timeout=5).status_code == 200


def test_concurrency_cap_counts_in_flight() -> None:
    fake = Fake(SPEC)
    fault = fake.add_fault({"effect": {"kind": "concurrency_cap", "limit": 1, "retry_after_s": 1}})
    assert fake.faults.enter_caps([fault]) is None
    with FakeFleet({"toy": fake}):
        response = requests.get(f"{URL}/1", timeout=5)
    assert response.status_code == 429
    fake.faults.leave_caps([fault])
    assert fault.rejected == 1 and fault.peak_attempted == 2 and fault.peak_in_flight == 1


def test_journal_masks_xml_passwords(fleet: FakeFleet) -> None:
    body = (
        "<soap:Envelope xmlns:soap='s' xmlns:wsse='w'><soap:Header><wsse:Security>"
        "<wsse:UsernameToken><wsse:Password Type='PasswordText'>pa55word</wsse:Password>"
        "</wsse:UsernameToken></wsse:Security></soap:Header></soap:Envelope>"
    )
    requests.post(URL, data=body, headers={"Content-Type": "text/xml"}, timeout=5)
    recorded = fleet.toy.entries()[0].request_body
    assert "pa55word" not in recorded and "***" in recorded


def test_repeated_response_headers_survive_the_bridge() -> None:
    from flask import Flask, Response

    def routes(app: Flask, backend) -> None:
        @app.get("/cookies")
        def cookies() -> Response:
            response = Response("{}")
            response.headers.add("Set-Cookie", "A=1; HttpOnly;")
            response.headers.add("Set-Cookie", "B=2; path=/")
            return response

    import dataclasses

    spec = dataclasses.replace(SPEC, register_routes=routes)
    with FakeFleet({"toy": Fake(spec)}):
        session = requests.Session()
        session.get("http://toy.fake.test/cookies", timeout=5)
    assert session.cookies.get("A") == "1" and session.cookies.get("B") == "2"


def test_concurrency_cap_sums_each_admitted_requests_time_inside_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = Fake(SPEC)
    cap = fake.add_fault({"effect": {"kind": "concurrency_cap", "limit": 2, "retry_after_s": 1}})
    clock = iter([10.0, 10.5, 10.6, 11.0])
    monkeypatch.setattr("fakes.core.faults.time.monotonic", lambda: next(clock))
    assert fake.faults.enter_caps([cap]) is None  # A at 10.0
    assert fake.faults.enter_caps([cap]) is None  # B at 10.5
    assert fake.faults.enter_caps([cap]) is cap  # C refused: it never enters, no time
    fake.faults.leave_caps([cap])  # A leaves at 10.6
    fake.faults.leave_caps([cap])  # B leaves at 11.0
    # A spent 0.6 s inside (10.0 to 10.6), B 0.5 s (10.5 to 11.0); C never entered
    assert cap.in_cap_s == pytest.approx(1.1)
    assert cap.describe()["in_cap_s"] == pytest.approx(1.1)
    assert cap.rejected == 1
