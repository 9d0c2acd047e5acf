"""Asynchronous requests: 202 + job, completion on the clock, task results, idempotency keys."""

from __future__ import annotations

import pytest
import requests

from fakes.core.fake import Fake
from tests.fakes.netsuite.conftest import BASE, RECORD, first_ids, order_body

ASYNC = {"Prefer": "respond-async"}
JOBS = f"{BASE}/services/rest/async/v1/job"


@pytest.fixture
def ids(fake: Fake) -> dict[str, str]:
    return first_ids(fake)


def test_async_create_runs_after_the_delay(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    response = ns.post(f"{RECORD}/salesOrder", json=order_body(ids), headers=ASYNC)
    assert response.status_code == 202
    assert response.headers["Preference-Applied"] == "respond-async"
    job_url = response.headers["Location"]
    assert job_url == f"{JOBS}/1"
    pending = ns.get(job_url).json()
    assert (pending["completed"], pending["progress"], pending["id"]) == (False, "pending", "1")
    assert pending["task"] == {"links": [{"rel": "self", "href": f"{job_url}/task"}]}
    assert fake.state()["salesOrders"] == []
    fake.clock.advance(2)
    done = ns.get(job_url).json()
    assert (done["completed"], done["progress"]) == (True, "succeeded")
    assert done["startTime"] == "2026-01-05T09:00:02Z"
    tasks = ns.get(f"{job_url}/task").json()
    task_url = tasks["items"][0]["links"][0]["href"]
    task = ns.get(task_url).json()
    related = [link["href"] for link in task["links"] if link["rel"] == "related"]
    assert related == [f"{task_url}/result"]
    result = ns.get(related[0])
    assert result.status_code == 204
    assert result.headers["Location"] == f"{RECORD}/salesOrder/1001"
    assert len(fake.state()["salesOrders"]) == 1


def test_snapshot_runs_due_jobs(ns: requests.Session, fake: Fake, ids: dict[str, str]) -> None:
    ns.put(f"{RECORD}/salesOrder/eid:A-1", json=order_body(ids), headers=ASYNC)
    assert fake.state()["jobs"][0]["state"] == "pending"
    fake.clock.advance(5)
    state = fake.state()
    assert state["salesOrders"][0]["externalId"] == "A-1"
    assert state["jobs"][0]["state"] == "succeeded"


def test_result_is_not_ready_while_pending(ns: requests.Session, ids: dict[str, str]) -> None:
    job_url = ns.post(f"{RECORD}/salesOrder", json=order_body(ids),
                      headers=ASYNC).headers["Location"]
    assert ns.get(f"{job_url}/task/1/result").status_code == 404
    assert ns.get(f"{job_url}/task/2").status_code == 404
    assert ns.get(f"{JOBS}/99").status_code == 404


def test_failed_async_write_replays_the_error(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    body = order_body(ids)
    body["item"]["items"][0]["item"] = {"id": "9999"}
    job_url = ns.post(f"{RECORD}/salesOrder", json=body, headers=ASYNC).headers["Location"]
    fake.clock.advance(2)
    assert ns.get(f"{job_url}/task/1").json()["progress"] == "failed"
    result = ns.get(f"{job_url}/task/1/result")
    assert result.status_code == 400
    assert result.json()["o:errorDetails"][0]["o:errorPath"] == "item.items[0].item"


def test_idempotency_key_reuse_is_a_conflict(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    key = {"X-NetSuite-Idempotency-Key": "5f0c8e8e-4d6e-4b8e-9d1e-3a1c2b3d4e5f", **ASYNC}
    first = ns.post(f"{RECORD}/salesOrder", json=order_body(ids), headers=key)
    assert first.status_code == 202
    again = ns.post(f"{RECORD}/salesOrder", json=order_body(ids), headers=key)
    assert again.status_code == 400
    body = again.json()
    assert body["title"] == "Conflict"
    assert body["o:errorDetails"][0]["o:errorCode"] == "IDEMPOTENCY_ERROR"
    assert again.headers["Location"] == first.headers["Location"]
    fake.clock.advance(2)
    assert len(fake.state()["salesOrders"]) == 1


def test_synchronous_requests_ignore_the_key(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    key = {"X-NetSuite-Idempotency-Key": "k-1"}
    assert ns.post(f"{RECORD}/salesOrder", json=order_body(ids), headers=key).status_code == 204
    assert ns.post(f"{RECORD}/salesOrder", json=order_body(ids), headers=key).status_code == 204
    assert len(fake.state()["salesOrders"]) == 2


def test_async_transform_and_delete(
    ns: requests.Session, fake: Fake, ids: dict[str, str]
) -> None:
    location = ns.post(f"{RECORD}/salesOrder", json=order_body(ids)).headers["Location"]
    job = ns.post(f"{location}/!transform/itemFulfillment", headers=ASYNC).headers["Location"]
    fake.clock.advance(2)
    assert ns.get(f"{job}/task/1/result").headers["Location"].startswith(
        f"{RECORD}/itemFulfillment/")
    fulfilment = fake.state()["itemFulfillments"][0]["id"]
    delete = ns.delete(f"{RECORD}/itemFulfillment/{fulfilment}", headers=ASYNC)
    assert delete.status_code == 202
    fake.clock.advance(2)
    assert fake.state()["itemFulfillments"] == []
