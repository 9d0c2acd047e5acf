"""The store and worker: outbox de-duplication, leases and fencing, retry, dead letter, replay."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from sync_core.errors import InvalidData, MappingError, RemoteUnavailable, Throttled
from sync_core.retry import RetryPolicy
from sync_core.store import Job, LeaseLost, Store
from sync_core.worker import Worker

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'engine.db'}")


def test_enqueue_refuses_duplicates(store: Store) -> None:
    assert store.enqueue("orders.export", "o:1", "erp", {"id": 1}, T0)
    assert not store.enqueue("orders.export", "o:1", "erp", {"id": 1}, T0)
    assert store.job_counts() == {"pending": 1}


def test_claim_leases_and_fences(store: Store) -> None:
    store.enqueue("f", "k", "erp", {}, T0)
    (first,) = store.claim("w1", T0, lease_s=60, limit=10)
    assert store.claim("w2", T0 + timedelta(seconds=30), 60, 10) == []
    (second,) = store.claim("w2", T0 + timedelta(seconds=61), 60, 10)
    assert second.fencing_token == first.fencing_token + 1
    with pytest.raises(LeaseLost):
        store.complete(first, T0 + timedelta(seconds=62))  # the zombie cannot commit
    store.complete(second, T0 + timedelta(seconds=62))
    assert store.job_counts() == {"done": 1}


def test_dead_letter_replay_and_auto_resolve(store: Store) -> None:
    store.enqueue("f", "k", "erp", {"x": 1}, T0)
    (job,) = store.claim("w", T0, 60, 1)
    store.dead_letter(job, T0, "mapping", "order 1: field 'sku' unknown")
    (dead,) = store.open_dead_letters()
    assert dead["payload"] == {"x": 1} and dead["trace_key"].startswith("f:k:")
    assert store.replay(dead["id"], T0)
    (again,) = store.claim("w", T0, 60, 1)
    store.complete(again, T0)
    assert store.open_dead_letters() == []
    assert [a["action"] for a in store.audit_trail("k")] == ["dead_letter", "replay", "complete"]


def make_worker(store: Store, handler, **kw) -> tuple[Worker, Clock]:
    clock = Clock()
    return Worker(store, {"f": handler}, clock, rng=random.Random(1), **kw), clock


def test_retryable_error_backs_off_then_succeeds(store: Store) -> None:
    calls: list[int] = []

    def handler(job: Job) -> str:
        calls.append(job.attempts)
        if len(calls) < 3:
            raise RemoteUnavailable("503")
        return "ok"

    store.enqueue("f", "k", "erp", {}, T0)
    worker, clock = make_worker(store, handler, policy=RetryPolicy(base_s=10, cap_s=100))
    for _ in range(10):
        worker.run_once()
        clock.sleep(60)
    assert calls == [0, 1, 2]
    assert store.job_counts() == {"done": 1}


def test_retry_after_is_honoured(store: Store) -> None:
    def handler(job: Job) -> str:
        raise Throttled("429", retry_after=120)

    store.enqueue("f", "k", "erp", {}, T0)
    worker, clock = make_worker(store, handler)
    worker.run_once()
    assert store.next_due() == T0 + timedelta(seconds=120)


@pytest.mark.parametrize(
    "error", [MappingError("order 7", "items[0].sku", "unknown"), InvalidData("400 bad")]
)
def test_permanent_error_dead_letters_at_once(store: Store, error: Exception) -> None:
    def handler(job: Job) -> str:
        raise error

    store.enqueue("f", "k", "erp", {}, T0)
    worker, _ = make_worker(store, handler)
    worker.run_once()
    (dead,) = store.open_dead_letters()
    assert dead["reason_class"] == error.reason  # type: ignore[attr-defined]
    assert worker.stats.dead_lettered == 1


def test_retries_exhausted_dead_letters(store: Store) -> None:
    def handler(job: Job) -> str:
        raise RemoteUnavailable("down")

    store.enqueue("f", "k", "erp", {}, T0)
    policy = RetryPolicy(base_s=1, cap_s=1, max_attempts=3, give_up_after_s=30)
    worker, clock = make_worker(store, handler, policy=policy, breaker_threshold=100)
    for _ in range(5):  # three attempts, but still inside the time window: keep trying
        worker.run_once()
        clock.sleep(5)
    assert store.open_dead_letters() == []
    for _ in range(5):
        worker.run_once()
        clock.sleep(5)
    (dead,) = store.open_dead_letters()
    assert dead["reason_class"] == "retries_exhausted"


def test_circuit_opens_and_defers_without_burning_attempts(store: Store) -> None:
    seen: list[str] = []

    def handler(job: Job) -> str:
        seen.append(job.entity_key)
        raise RemoteUnavailable("down")

    for i in range(6):
        store.enqueue("f", f"k{i}", "erp", {}, T0)
    worker, clock = make_worker(
        store,
        handler,
        breaker_threshold=3,
        breaker_cooldown_s=300,
        policy=RetryPolicy(base_s=0.001, cap_s=0.001),
    )
    worker.run_once()
    assert len(seen) == 3  # the rest were deferred by the open circuit
    assert worker.stats.deferred == 3
    assert worker.breaker("erp").state(clock.now()) == "open"
    clock.sleep(301)
    worker.run_once()
    assert len(seen) == 4  # one half-open probe, which failed and re-opened the circuit


def test_scheduled_lease_skips_overlap_and_fences_the_zombie(store: Store) -> None:
    first = store.acquire_lease("schedule:stock", "w1", T0, ttl_s=60)
    assert first == 1
    assert store.acquire_lease("schedule:stock", "w2", T0 + timedelta(seconds=30), 60) is None
    second = store.acquire_lease("schedule:stock", "w2", T0 + timedelta(seconds=61), 60)
    assert second == 2
    with pytest.raises(LeaseLost):  # w1 wakes up after its lease moved on
        store.set_cursor("orders.updated_at", "2026-01-05 10:00:00", T0, ("schedule:stock", 1))
    store.set_cursor("orders.updated_at", "2026-01-05 10:00:00", T0, ("schedule:stock", 2))
    assert store.cursor("orders.updated_at") == "2026-01-05 10:00:00"
    store.release_lease("schedule:stock", 2, T0 + timedelta(seconds=62))
    assert store.acquire_lease("schedule:stock", "w1", T0 + timedelta(seconds=62), 60) == 3


def test_retry_after_pauses_every_job_of_the_system(store: Store) -> None:
    calls: list[str] = []

    def handler(job: Job) -> str:
        calls.append(job.entity_key)
        if len(calls) == 1:
            raise Throttled("429", retry_after=90)
        return "ok"

    for key in ("a", "b", "c"):
        store.enqueue("f", key, "erp", {}, T0)
    worker, clock = make_worker(store, handler)
    worker.run_once()
    assert calls == ["a"]  # b and c wait too: the system asked for 90 s
    clock.sleep(60)
    worker.run_once()
    assert calls == ["a"]
    clock.sleep(31)
    worker.run_once()
    assert sorted(calls) == ["a", "a", "b", "c"]


def test_each_job_renews_its_lease_and_a_taken_job_is_not_run(store: Store) -> None:
    seen: list[str] = []

    def handler(job: Job) -> str:
        seen.append(job.entity_key)
        return "ok"

    for key in ("a", "b"):
        store.enqueue("f", key, "erp", {}, T0)
    worker, clock = make_worker(store, handler, lease_s=60)
    jobs = store.claim("w1", T0, lease_s=60, limit=10)
    (taken,) = store.claim("w2", T0 + timedelta(seconds=61), lease_s=60, limit=1)
    assert taken.entity_key == "a"
    clock.t = T0 + timedelta(seconds=62)
    for job in jobs:
        worker._run(job)
    assert seen == ["b"] and worker.stats.lease_lost == 1
    with pytest.raises(LeaseLost):
        store.check_fence(jobs[0])
    store.check_fence(taken)


def test_a_job_is_renewed_only_once_half_its_claimed_lease_is_gone(store: Store) -> None:
    from sqlalchemy import select

    from sync_core.store import jobs

    leases: dict[str, datetime] = {}

    def handler(job: Job) -> str:
        with store.tx() as conn:
            until = conn.execute(select(jobs.c.lease_until).where(jobs.c.id == job.id)).scalar()
        leases[job.entity_key] = until
        return "ok"

    for key in ("fresh", "waited"):
        store.enqueue("f", key, "erp", {}, T0)
    worker, clock = make_worker(store, handler, lease_s=60)
    fresh, waited = store.claim("w1", T0, lease_s=60, limit=2)
    clock.t = T0 + timedelta(seconds=29)  # 31 s of 60 left: the claim's lease stands
    worker._run(fresh)
    clock.t = T0 + timedelta(seconds=31)  # 29 s left: renewed for a full lease from now
    worker._run(waited)
    assert leases == {"fresh": T0 + timedelta(seconds=60), "waited": T0 + timedelta(seconds=91)}
    assert worker.stats.completed == 2


def test_times_come_back_from_the_store_in_utc() -> None:
    from datetime import UTC, datetime

    from sync_core.store import Store

    store = Store()
    at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    store.bind("erp", "order", "k1", "7", "ref", at)
    binding = store.binding("erp", "order", "k1")
    assert binding is not None and binding["synced_at"] == at
    assert binding["synced_at"].tzinfo is not None  # SQLite keeps no zone: the type adds UTC


def test_cursors_are_read_together_and_an_unset_one_is_left_out(store: Store) -> None:
    store.set_cursor("last_success:orders.poll", "2026-01-05T09:00:00+00:00", T0)
    store.set_cursor("stock_changed:default", "2026-01-05T08:00:00+00:00", T0)
    store.set_cursor("stock_changed:default", "2026-01-05T08:30:00+00:00", T0)  # moved on
    wanted = ["last_success:orders.poll", "stock_changed:default", "stock_changed:wh-north"]
    assert store.cursors(wanted) == {
        "last_success:orders.poll": "2026-01-05T09:00:00+00:00",
        "stock_changed:default": "2026-01-05T08:30:00+00:00",
    }
