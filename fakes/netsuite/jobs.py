"""Asynchronous requests (``Prefer: respond-async``) as jobs that finish on the fake's clock.

A record write with ``Prefer: respond-async`` answers ``202 Accepted``,
``Preference-Applied: respond-async`` and ``Location: /services/rest/async/v1/job/<id>``
(ORA "Sending an Asynchronous Request"). The write itself runs once ``async_delay_s`` (default
2 s) of clock time has passed: before the next request is handled, or when the state is read.
A job has one task; ``GET job`` shows ``completed`` and ``progress`` (``pending``, then
``succeeded`` or ``failed``; ``failed`` for a task whose write was refused is unconfirmed);
``.../task/<id>/result`` replays what the synchronous call would have answered (204 and
``Location``, or the error envelope).

``X-NetSuite-Idempotency-Key`` is remembered per job: reusing it answers 400 with title
"Conflict", ``IDEMPOTENCY_ERROR`` and ``Location`` of the original job (ORA "Sending an
Asynchronous Request Using an Idempotency Key"). Synchronous requests ignore the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fakes.netsuite.errors import NetSuiteError, not_found
from fakes.netsuite.records import WriteOptions
from fakes.netsuite.render import RECORD_PREFIX, link

if TYPE_CHECKING:
    from fakes.netsuite.state import NetSuiteBackend

JOB_PREFIX = "/services/rest/async/v1/job"
TASK_ID = "1"


@dataclass(frozen=True)
class WriteOp:
    """A record write, as plain data so an async job can run it later."""

    kind: str
    record: str
    key: str | None = None
    body: Any = None
    options: WriteOptions = field(default_factory=WriteOptions)
    target: str | None = None


@dataclass(frozen=True)
class WriteResult:
    record: str
    id: str | None

    def location(self, base: str) -> str | None:
        return None if self.id is None else f"{base}{RECORD_PREFIX}/{self.record}/{self.id}"


def job_url(base: str, job_id: str) -> str:
    return f"{base}{JOB_PREFIX}/{job_id}"


def conflict(base: str, job_id: str) -> NetSuiteError:
    return NetSuiteError(
        400, "IDEMPOTENCY_ERROR",
        "A request with the same idempotency key has already been submitted.",
        header="X-NetSuite-Idempotency-Key", title="Conflict",
        headers={"Location": job_url(base, job_id)},
    )


def submit(b: NetSuiteBackend, op: WriteOp, base: str, key: str | None) -> dict[str, Any]:
    if key is not None and key in b.idempotency:
        raise conflict(base, b.idempotency[key])
    b.counters["job"] += 1
    job_id = str(b.counters["job"])
    now = b.timestamp()
    job = {"id": job_id, "op": op, "base": base, "flags": b.flags_copy(),
           "idempotencyKey": key, "submitted": b.now_iso(),
           "due": now + float(b.option("async_delay_s")), "state": "pending",
           "startTime": None, "endTime": None, "result": None}
    b.jobs[job_id] = job
    if key is not None:
        b.idempotency[key] = job_id
    return job


def run_due(b: NetSuiteBackend) -> None:
    now = b.timestamp()
    for job in list(b.jobs.values()):
        if job["state"] == "pending" and job["due"] <= now:
            _run(b, job)


def _run(b: NetSuiteBackend, job: dict[str, Any]) -> None:
    job["startTime"] = b.now_iso()
    with b.using_flags(job["flags"]):
        try:
            result = b.execute(job["op"])
        except NetSuiteError as err:
            job.update(state="failed", result={"status": err.status, "body": err.body()})
        else:
            job.update(state="succeeded",
                       result={"status": 204, "location": result.location(job["base"])})
    job["endTime"] = b.now_iso()


def get_job(b: NetSuiteBackend, job_id: str) -> dict[str, Any]:
    job = b.jobs.get(job_id)
    if job is None:
        raise not_found(f"The job {job_id} does not exist.")
    return job


def job_view(job: dict[str, Any], base: str) -> dict[str, Any]:
    url = job_url(base, job["id"])
    out: dict[str, Any] = {"links": [link("self", url)], "completed": job["state"] != "pending",
                           "id": job["id"], "progress": job["state"]}
    if job["state"] != "pending":
        out.update(startTime=job["startTime"], endTime=job["endTime"])
    out["task"] = {"links": [link("self", f"{url}/task")]}
    return out


def task_collection(job: dict[str, Any], base: str) -> dict[str, Any]:
    url = f"{job_url(base, job['id'])}/task"
    item = {"links": [link("self", f"{url}/{TASK_ID}")], "id": TASK_ID}
    return {"links": [link("self", url)], "count": 1, "hasMore": False, "items": [item],
            "offset": 0, "totalResults": 1}


def task_view(job: dict[str, Any], task_id: str, base: str) -> dict[str, Any]:
    _check_task(job, task_id)
    url = f"{job_url(base, job['id'])}/task/{TASK_ID}"
    links = [link("self", url)]
    out: dict[str, Any] = {"links": links, "completed": job["state"] != "pending",
                           "id": TASK_ID, "progress": job["state"]}
    if job["state"] != "pending":
        links.append(link("related", f"{url}/result"))
        out.update(startTime=job["startTime"], endTime=job["endTime"])
    return out


def task_result(job: dict[str, Any], task_id: str) -> dict[str, Any]:
    _check_task(job, task_id)
    if job["result"] is None:
        raise not_found(f"The result of task {task_id} of job {job['id']} is not available yet.")
    return dict(job["result"])


def _check_task(job: dict[str, Any], task_id: str) -> None:
    if task_id != TASK_ID:
        raise not_found(f"The task {task_id} of job {job['id']} does not exist.")


def job_snapshot(job: dict[str, Any]) -> dict[str, Any]:
    op: WriteOp = job["op"]
    return {"id": job["id"], "kind": op.kind, "record": op.record, "key": op.key,
            "state": job["state"], "completed": job["state"] != "pending",
            "idempotencyKey": job["idempotencyKey"], "submitted": job["submitted"],
            "startTime": job["startTime"], "endTime": job["endTime"], "result": job["result"]}
