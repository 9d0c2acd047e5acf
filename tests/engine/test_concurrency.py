"""Concurrency under an ERP's limits (FM-G08): the adaptive limit on its own, the worker's
thread pool on a plain store, and the engine against served fakes with a concurrency cap."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from fakes.core.clock import SimClock
from scenarios.bench_throughput import Limits, Served, engine_settings, served
from sync_core.concurrency import (
    AdaptiveLimit,
    SystemLimits,
    Ticket,
    classified_throttling,
    is_429,
)
from sync_core.config import ConfigError, parse_config
from sync_core.connectors.netsuite.connector import create_via
from sync_core.engine import Engine
from sync_core.errors import InvalidData, Throttled
from sync_core.store import Job, Store
from sync_core.worker import Worker

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


# -- the limit --------------------------------------------------------------------------------
def take(limit: AdaptiveLimit, count: int) -> list[Ticket]:
    tickets = [limit.acquire(timeout=0) for _ in range(count)]
    assert all(t is not None for t in tickets)
    return [t for t in tickets if t is not None]


def test_limit_starts_at_its_maximum_and_refuses_beyond_it() -> None:
    limit = AdaptiveLimit(3)
    take(limit, 3)
    assert limit.acquire(timeout=0) is None
    assert limit.in_flight == 3 and limit.peak_in_flight == 3


def test_throttles_cut_once_per_window() -> None:
    limit = AdaptiveLimit(8)
    first, second, *_ = take(limit, 4)
    limit.release(first, "throttled")
    limit.release(second, "throttled")  # taken before the cut: old news
    assert limit.limit == 4
    assert (limit.throttles, limit.cuts) == (2, 1)
    late = take(limit, 1)[0]
    limit.release(late, "throttled")  # taken after the cut: cuts again
    assert limit.limit == 2 and limit.lowest == 2


def test_successes_grow_the_limit_back_but_never_above_the_maximum() -> None:
    limit = AdaptiveLimit(4, initial=2)
    for _ in range(2):
        limit.release(take(limit, 1)[0], "ok")  # +1/limit each: 2.5, then 2.9
    assert limit.limit == 2
    limit.release(take(limit, 1)[0], "ok")
    assert limit.limit == 3
    for _ in range(50):
        limit.release(take(limit, 1)[0], "ok")
    assert limit.limit == 4


def test_the_limit_never_drops_below_its_minimum() -> None:
    limit = AdaptiveLimit(4, minimum=2)
    for _ in range(5):
        limit.release(take(limit, 1)[0], "throttled")
    assert limit.limit == 2


def test_neutral_outcomes_change_nothing() -> None:
    limit = AdaptiveLimit(4, initial=2)
    limit.release(take(limit, 1)[0], "neutral")
    assert limit.snapshot()["limit"] == 2 and limit.in_flight == 0


def test_a_waiting_caller_gets_the_freed_slot() -> None:
    limit = AdaptiveLimit(1)
    held = take(limit, 1)[0]
    got: list[Ticket | None] = []
    waiter = threading.Thread(target=lambda: got.append(limit.acquire(timeout=10)))
    waiter.start()
    limit.release(held, "ok")
    waiter.join(timeout=10)
    assert got and got[0] is not None


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"maximum": 0}, "maximum"),
        ({"maximum": 2, "minimum": 3}, "minimum"),
        ({"maximum": 2, "backoff": 1.0}, "backoff"),
    ],
)
def test_bad_settings_name_the_field(options: dict[str, float], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        AdaptiveLimit(**options)  # type: ignore[arg-type]


def test_each_system_has_its_own_limit() -> None:
    limits = SystemLimits(4)
    limits.get("netsuite").release(take(limits.get("netsuite"), 1)[0], "throttled")
    assert limits.get("netsuite").limit == 2 and limits.get("sap-b1").limit == 4
    with pytest.raises(ValueError, match="max_concurrency"):
        SystemLimits(0)


def response(status: int, body: str = "{}") -> requests.Response:
    answer = requests.Response()
    answer.status_code = status
    answer._content = body.encode()
    return answer


def test_throttling_is_told_by_status_or_by_the_vendor_classifier() -> None:
    def classify(answer: requests.Response) -> object:
        return Throttled("limit") if b"SSS_REQUEST_LIMIT" in (answer.content or b"") else None

    told = classified_throttling(classify)
    assert is_429(response(429)) and told(response(429))
    assert told(response(400, '{"code": "SSS_REQUEST_LIMIT_EXCEEDED"}'))
    assert not told(response(400, '{"code": "INVALID"}')) and not told(response(200))
    assert not classified_throttling(None)(response(400))


# -- the worker's pool on a plain store -------------------------------------------------------
@pytest.fixture
def store() -> Iterator[Store]:
    made = Store("sqlite://")
    yield made
    made.close()


def fill(store: Store, count: int, system: str = "erp") -> None:
    for n in range(count):
        store.enqueue("flow", f"k{n}", system, {"n": n}, T0)


class InFlight:
    """Counts the handler calls running at once; the first ``together`` meet at a barrier,
    so the test fails (broken barrier) unless that many really run side by side."""

    def __init__(self, together: int) -> None:
        self.now = 0
        self.peak = 0
        self.calls: list[str] = []
        self.lock = threading.Lock()
        self.barrier = threading.Barrier(together, timeout=10)
        self.together = together
        self.threads: set[str] = set()

    def __call__(self, job: Job) -> str:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            self.calls.append(job.entity_key)
            first = len(self.calls) <= self.together
            self.threads.add(threading.current_thread().name)
        try:
            if first:
                self.barrier.wait()
            return "ok"
        finally:
            with self.lock:
                self.now -= 1


def worker(store: Store, handler: InFlight | object, clock: SimClock, **options: object) -> Worker:
    return Worker(store, {"flow": handler}, clock, **options)  # type: ignore[arg-type, dict-item]


def test_jobs_run_side_by_side_up_to_the_limit_and_never_beyond(store: Store) -> None:
    fill(store, 24)
    handler = InFlight(together=4)
    runner = worker(store, handler, SimClock(T0), max_concurrency=4)
    assert runner.run_once() == 24
    assert handler.peak == 4
    assert sorted(handler.calls) == sorted(f"k{n}" for n in range(24))  # each exactly once
    assert store.job_counts() == {"done": 24} and runner.stats.completed == 24


def test_max_concurrency_one_runs_on_the_calling_thread_in_order(store: Store) -> None:
    fill(store, 5)
    handler = InFlight(together=1)
    runner = worker(store, handler, SimClock(T0))
    assert runner.run_once() == 5
    assert handler.threads == {threading.current_thread().name}
    assert handler.calls == [f"k{n}" for n in range(5)]


def test_run_once_claims_one_job_at_a_time_so_workers_share(store: Store) -> None:
    fill(store, 6)
    seen: list[int] = []

    def handler(job: Job) -> str:
        seen.append(store.job_counts().get("running", 0))
        return "ok"

    worker(store, handler, SimClock(T0)).run_once(limit=4)
    assert seen == [1, 1, 1, 1]  # never more than the job at hand leased
    assert store.job_counts() == {"done": 4, "pending": 2}


def test_throttling_shrinks_the_limit_and_every_job_still_completes_once(store: Store) -> None:
    fill(store, 12)
    clock = SimClock(T0)
    done: list[str] = []
    lock = threading.Lock()
    throttled = {"k0", "k1", "k2"}

    def handler(job: Job) -> str:
        with lock:
            if job.entity_key in throttled and job.attempts == 0:
                raise Throttled("netsuite 429 CONCURRENCY_LIMIT_EXCEEDED")
            done.append(job.entity_key)
        return "ok"

    runner = worker(store, handler, clock, max_concurrency=8)
    for _ in range(10):
        runner.run_once()
        clock.advance(700)
    gate = runner.gate("erp")
    assert gate.throttles == 3 and gate.lowest < 8
    assert sorted(done) == sorted(f"k{n}" for n in range(12))
    assert store.job_counts() == {"done": 12}


@pytest.mark.parametrize("threads", [1, 4])
def test_retry_after_pauses_the_system_for_every_thread(store: Store, threads: int) -> None:
    fill(store, 10)
    clock = SimClock(T0)
    calls: list[datetime] = []
    lock = threading.Lock()

    def handler(job: Job) -> str:
        with lock:
            calls.append(clock.now())
            if len(calls) == 1:
                raise Throttled("429", retry_after=120)
        return "ok"

    runner = worker(store, handler, clock, max_concurrency=threads)
    runner.run_once()
    first = len(calls)
    assert first <= threads  # only calls already under way when the answer came
    assert runner.stats.deferred == 10 - first  # the rest wait, without burning attempts
    clock.advance(60)
    runner.run_once()
    assert len(calls) == first  # still paused
    clock.advance(61)
    for _ in range(3):
        runner.run_once()
        clock.advance(120)
    assert store.job_counts() == {"done": 10}
    assert all(at >= T0 + timedelta(seconds=120) for at in calls[first:])


def test_a_permanent_error_in_one_thread_dead_letters_only_its_job(store: Store) -> None:
    fill(store, 8)

    def handler(job: Job) -> str:
        if job.entity_key == "k3":
            raise InvalidData("netsuite 400: bad item")
        return "ok"

    runner = worker(store, handler, SimClock(T0), max_concurrency=4)
    runner.run_once()
    assert store.job_counts() == {"done": 7, "dead": 1}
    assert [d["entity_key"] for d in store.open_dead_letters()] == ["k3"]


# -- the engine against served fakes with a concurrency cap -----------------------------------
def run_engine(s: Served, clock: SimClock, gate_requests: bool, cap: int) -> Engine:
    settings = engine_settings(
        s,
        f"sqlite:///{s.workdir / 'engine.db'}",
        max_concurrency=cap,
        concurrency_gate="requests" if gate_requests else "jobs",
        orders_poll_s=1.0,
    )
    return Engine(parse_config(settings, "test"), clock=clock, name="test")


def settle(s: Served, engine: Engine, clock: SimClock, orders: int) -> None:
    for _ in range(80):
        engine.tick()
        clock.advance(5)
        counts = engine.store.job_counts()
        if counts.get("done", 0) == orders and len(counts) == 1:
            return


@pytest.mark.parametrize("gate_requests", [False, True], ids=["jobs gated", "requests gated"])
def test_in_flight_requests_stay_under_the_cap_and_all_orders_arrive_once(
    gate_requests: bool,
) -> None:
    cap, orders = 3, 24
    clock = SimClock()
    with served(seed=3) as s:
        engine = run_engine(s, clock, gate_requests, cap)
        try:
            engine.tick()  # warm up with nothing to sync
            limits = Limits(0.02, cap)
            limits.add_to(s.erp)
            s.place(orders, seed=3)
            settle(s, engine, clock, orders)
            verdict = s.judge(engine.store)
            seen = limits.seen(s.erp)
        finally:
            engine.close()
    assert (verdict.delivered, verdict.lost, verdict.duplicated) == (orders, 0, 0)
    assert seen["peak_attempted"] <= cap and seen["rejected"] == 0  # never knocked on a full ERP
    assert seen["peak_in_flight"] >= 2  # and it did run side by side
    kinds = seen["by_kind"]  # the upsert path: one PUT per order, no lookup, no read-back
    assert kinds["PUT salesOrder"] == orders and "GET salesOrder" not in kinds


def test_create_via_accepts_only_known_paths() -> None:
    assert create_via({}) == "upsert_verified" and create_via({"create_via": "upsert"}) == "upsert"
    with pytest.raises(ConfigError, match="erp.options.create_via"):
        create_via({"create_via": "post"})


def test_over_the_cap_the_limit_adapts_and_nothing_is_lost_or_doubled() -> None:
    cap, orders = 2, 20
    clock = SimClock()
    with served(seed=4) as s:
        engine = run_engine(s, clock, gate_requests=False, cap=3 * cap)  # too many for the ERP
        try:
            engine.tick()
            limits = Limits(0.02, cap)
            limits.add_to(s.erp)
            s.place(orders, seed=4)
            settle(s, engine, clock, orders)
            verdict = s.judge(engine.store)
            seen = limits.seen(s.erp)
            gate = engine.worker.gate("netsuite")
        finally:
            engine.close()
    assert (verdict.delivered, verdict.lost, verdict.duplicated) == (orders, 0, 0)
    assert seen["peak_in_flight"] <= cap
    assert seen["rejected"] > 0 and gate.cuts >= 1 and gate.lowest < 3 * cap
