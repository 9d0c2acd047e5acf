"""The store on a real PostgreSQL: many workers claim with FOR UPDATE SKIP LOCKED."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.context import Ctx
from scenarios.world import build_world
from sync_core.store import Store

pytestmark = pytest.mark.postgres
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_concurrent_workers_claim_each_job_once(pg_url: str) -> None:
    store = Store(pg_url)
    for n in range(200):
        store.enqueue("f", f"k{n}", "erp", {"n": n}, T0)
    claimed: Counter[str] = Counter()
    lock = threading.Lock()

    def work(name: str) -> None:
        mine = Store(pg_url)
        while batch := mine.claim(name, T0, lease_s=600, limit=7):
            for job in batch:
                with lock:
                    claimed[job.entity_key] += 1
                mine.complete(job, T0)
        mine.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(claimed) == 200 and set(claimed.values()) == {1}
    assert store.job_counts() == {"done": 200}
    store.close()


def test_due_jobs_are_counted_up_to_the_most_on_postgres(pg_url: str) -> None:
    store = Store(pg_url)
    for n in range(5):
        store.enqueue("f", f"k{n}", "erp", {}, T0 + timedelta(seconds=n))
    store.enqueue("other", "k0", "erp", {}, T0)
    assert store.due_count("f", T0 + timedelta(seconds=2), 10) == 3
    assert store.due_count("f", T0 + timedelta(seconds=9), 4) == 4
    taken = store.claim("w", T0 + timedelta(seconds=9), lease_s=60, limit=2)
    assert sorted((job.flow, job.entity_key) for job in taken) == [("f", "k0"), ("other", "k0")]
    assert store.due_count("f", T0 + timedelta(seconds=9), 10) == 4  # running is not pending
    store.close()


def test_leases_and_fencing_on_postgres(pg_url: str) -> None:
    store = Store(pg_url)
    assert store.acquire_lease("schedule:x", "a", T0, 60) == 1
    assert store.acquire_lease("schedule:x", "b", T0, 60) is None
    assert store.acquire_lease("schedule:x", "b", T0 + timedelta(seconds=61), 60) == 2
    store.close()


def test_engine_on_postgres_survives_lost_responses(pg_url: str) -> None:
    world = build_world("netsuite", 0, connector_options={"store_url": pg_url})
    connector = BuiltinConnector(world)
    try:
        ctx = Ctx(world, connector, random.Random(0))
        world.erp_fake.add_fault({"target": {"method": "PUT"},
                                  "effect": {"kind": "lose_response"},
                                  "trigger": {"calls": [1, 2]}})
        ctx.place(4)
        ctx.cycles(10)
        assert ctx.judge_orders() == []
    finally:
        connector.close()
        world.close()
