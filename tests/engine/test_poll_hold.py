"""Backpressure on the orders poll: a backlog of due exports holds it off, for a bounded time."""

from __future__ import annotations

from sync_core.engine import Engine
from sync_core.flows.orders import EXPORT
from tests.engine.flow_helpers import engine_of, in_process

POLL_S = 5.0


def _holds(engine: Engine) -> list[str]:
    return [r["detail"] for r in engine.store.audit_trail("schedule") if r["action"] == "hold"]


def _configured(engine: Engine, backlog: int, most_s: float = 30.0) -> None:
    engine.orders_schedule.every_s = POLL_S
    engine.poll_hold.backlog, engine.poll_hold.most_s = backlog, most_s


def test_a_backlog_holds_the_poll_until_it_drains_and_the_hold_is_audited_once() -> None:
    with in_process("netsuite") as ctx:
        engine, clock = engine_of(ctx), ctx.world.clock
        _configured(engine, backlog=3)
        ctx.place(5)
        first = engine.tick(run_jobs=False)
        assert first.polled is not None and first.polled.enqueued == 5 and not first.poll_held

        late = ctx.place(1)[0]
        for _ in range(3):  # due again, but five exports are waiting
            clock.advance(POLL_S)
            held = engine.tick(run_jobs=False)
            assert held.polled is None and held.poll_held == 3
        assert f"magento-order:{late['entity_id']}" not in engine.store.waiting_keys()
        (detail,) = _holds(engine)
        assert f"3 or more {EXPORT} jobs due" in detail and "30 s at most" in detail

        engine.tick(run_schedules=False)  # the worker drains the backlog
        assert engine.store.due_count(EXPORT, clock.now(), 3) == 0
        clock.advance(1.0)  # a held poll looks again within a second, not a whole interval
        resumed = engine.tick(run_jobs=False)
        assert resumed.polled is not None and resumed.polled.enqueued == 1
        assert engine.store.waiting_keys() == [f"magento-order:{late['entity_id']}"]


def test_a_hold_lasts_at_most_its_bound_then_one_poll_runs_and_the_next_may_hold() -> None:
    with in_process("netsuite") as ctx:
        engine, clock = engine_of(ctx), ctx.world.clock
        _configured(engine, backlog=2, most_s=12.0)
        ctx.place(3)
        engine.tick(run_jobs=False)
        late = ctx.place(1)[0]
        polls = []
        for _ in range(5):  # the backlog never drains: nothing runs the jobs
            clock.advance(POLL_S)
            result = engine.tick(run_jobs=False)
            polls.append(result.polled is not None)
        # the hold starts at 5 s; at 20 s it has lasted 12 s or more: one poll; then held again
        assert polls == [False, False, False, True, False]
        assert f"magento-order:{late['entity_id']}" in engine.store.waiting_keys()
        assert len(_holds(engine)) == 2


def test_a_backlog_of_zero_never_holds_and_jobs_not_yet_due_do_not_count() -> None:
    with in_process("netsuite") as ctx:
        engine, clock = engine_of(ctx), ctx.world.clock
        _configured(engine, backlog=0)
        ctx.place(3)
        engine.tick(run_jobs=False)
        clock.advance(POLL_S)
        assert engine.tick(run_jobs=False).polled is not None
        later = clock.now().replace(year=clock.now().year - 1)
        assert engine.store.due_count(EXPORT, later, 10) == 0  # none was due a year ago
        assert engine.store.due_count(EXPORT, clock.now(), 2) == 2  # counted up to the most
        assert engine.store.due_count("no.such.flow", clock.now(), 10) == 0
        assert _holds(engine) == []
