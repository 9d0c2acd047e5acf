"""``Worker.serve``: a long-running worker hands jobs to threads as they are free, with no
pause between batches, until it is told to stop; an unexpected error stops it and surfaces."""

from __future__ import annotations

import threading

import pytest

from fakes.core.clock import SimClock
from sync_core.store import Job, Store
from sync_core.worker import Worker
from tests.engine.test_concurrency import T0, fill


def _serve_until(worker: Worker, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=worker.serve, args=(stop, 0.01), daemon=True)
    thread.start()
    return thread


def test_a_slow_job_does_not_hold_back_the_next_ones_nor_jobs_queued_later() -> None:
    store = Store()
    fill(store, 12)
    release = threading.Event()
    reached = {11: threading.Event(), 14: threading.Event()}
    finished: list[str] = []
    lock = threading.Lock()

    def handler(job: Job) -> str:
        if job.entity_key == "k0":
            assert release.wait(10)  # the slowest job of the first claims
        with lock:
            finished.append(job.entity_key)
            if len(finished) in reached:
                reached[len(finished)].set()
        return "ok"

    stop = threading.Event()
    thread = _serve_until(Worker(store, {"flow": handler}, SimClock(T0), max_concurrency=4), stop)
    assert reached[11].wait(10), finished  # the other eleven ran while k0 was still running
    for n in range(12, 15):  # queued after serving began, k0 still running
        store.enqueue("flow", f"k{n}", "erp", {"n": n}, T0)
    assert reached[14].wait(10), finished
    assert "k0" not in finished
    release.set()
    stop.set()
    thread.join(10)
    assert sorted(finished) == sorted(f"k{n}" for n in range(15))  # each exactly once
    assert store.job_counts() == {"done": 15}


def test_stop_lets_the_jobs_in_hand_finish_and_claims_no_more() -> None:
    store = Store()
    fill(store, 3)
    stop = threading.Event()

    def handler(job: Job) -> str:
        stop.set()
        return "ok"

    ran = Worker(store, {"flow": handler}, SimClock(T0), max_concurrency=2).serve(stop, 0.01)
    counts = store.job_counts()
    assert ran == counts.get("done", 0) and ran >= 1
    assert counts.get("running", 0) == 0  # none left leased


def test_an_unexpected_error_stops_serving_and_surfaces() -> None:
    store = Store()
    fill(store, 4)

    def handler(job: Job) -> str:
        raise KeyError(job.entity_key)  # a bug, not a SyncError

    worker = Worker(store, {"flow": handler}, SimClock(T0), max_concurrency=2)
    with pytest.raises(KeyError):
        worker.serve(threading.Event(), 0.01)
