"""An export's first attempt takes the order the poll read whole; anything else reads afresh."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from scenarios.connectors.builtin import BuiltinConnector
from sync_core.flows.order_snapshots import OrderSnapshots
from sync_core.flows.orders import CURSOR
from sync_core.store import Job
from tests.engine.flow_helpers import engine_of, in_process

ONE_ORDER = re.compile(r"/V1/orders/\d+$")
WHOLE_READ = "[filters][0][field]=entity_id"
T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _reads(ctx: Any, since: int) -> tuple[list[str], list[list[int]]]:
    """Magento's single-order reads, and the ids each whole read (a search by id) asked for,
    after journal entry ``since``."""
    entries = [e for e in ctx.world.magento.entries(since) if e.method == "GET"]
    single = [e.path for e in entries if ONE_ORDER.search(e.path)]
    whole = [
        _ids(e.query) for e in entries if e.path.endswith("/V1/orders") and WHOLE_READ in e.query
    ]
    return single, whole


def _ids(query: str) -> list[int]:
    params = parse_qs(query)
    assert "fields" not in params  # whole orders
    (value,) = params["searchCriteria[filterGroups][0][filters][0][value]"]
    assert params["searchCriteria[filterGroups][0][filters][0][conditionType]"] == ["in"]
    return [int(i) for i in value.split(",")]


@pytest.mark.parametrize("erp", ["netsuite", "sap-b1"])
def test_a_first_export_uses_the_order_the_poll_read_whole(erp: str) -> None:
    with in_process(erp) as ctx:
        placed = ctx.place(3)
        since = ctx.world.magento.journal.last_seq
        ctx.cycles(2)
        single, whole = _reads(ctx, since)
        assert single == []
        assert whole == [[int(o["entity_id"]) for o in placed]]
        assert ctx.judge_orders() == []


def test_with_more_new_orders_than_room_the_oldest_get_copies() -> None:
    with in_process("netsuite") as ctx:
        engine_of(ctx).orders.snapshots.most = 2
        placed = [int(o["entity_id"]) for o in ctx.place(3)]
        since = ctx.world.magento.journal.last_seq
        ctx.cycles(2)
        single, whole = _reads(ctx, since)
        assert whole == [placed[:2]]
        assert single == [f"/rest/V1/orders/{placed[2]}"]
        assert ctx.judge_orders() == []


def test_the_copies_are_read_before_their_jobs_exist() -> None:
    with in_process("netsuite") as ctx:
        engine = engine_of(ctx)
        magento, search = engine.orders.magento, engine.orders.magento.search
        queued_then: list[set[str]] = []

        def spying(resource: str, params: dict[str, str]) -> Any:
            if params.get("searchCriteria[filterGroups][0][filters][0][field]") == "entity_id":
                keys = [f"magento-order:{o['entity_id']}" for o in placed]
                queued_then.append(engine.store.queued("orders.export", keys))
            return search(resource, params)

        magento.search = spying  # type: ignore[method-assign]
        placed = ctx.place(2)
        ctx.cycles(1)
        assert queued_then == [set()]
        assert ctx.judge_orders() == []


def test_a_retry_reads_its_order_afresh() -> None:
    with in_process("netsuite") as ctx:
        ctx.world.erp_fake.add_fault(
            {
                "target": {"method": "PUT", "path": r"/record/v1/salesOrder/"},
                "effect": {"kind": "http_error", "status": 503},
                "trigger": {"first": 1},
            }
        )
        (order,) = ctx.place(1)
        since = ctx.world.magento.journal.last_seq
        ctx.cycles(4)
        single, whole = _reads(ctx, since)
        assert whole == [[int(order["entity_id"])]]  # the first attempt used it, and failed
        assert single == [f"/rest/V1/orders/{order['entity_id']}"]  # the retry read it
        assert ctx.judge_orders() == []


@pytest.mark.parametrize(("attempts", "token"), [(1, 1), (0, 2)])
def test_only_a_first_attempt_on_a_first_lease_takes_the_copy(attempts: int, token: int) -> None:
    with in_process("netsuite") as ctx:
        (placed,) = ctx.place(1)
        entity_id = int(placed["entity_id"])
        flow = engine_of(ctx).orders
        stale = {"entity_id": entity_id, "increment_id": "stale copy"}
        now = ctx.world.clock.now()
        flow.snapshots.keep([stale], now)
        key, payload = f"magento-order:{entity_id}", {"entity_id": entity_id}
        first = Job(1, "orders.export", key, "netsuite", payload, 0, 1)
        assert flow._order(first, now) == stale
        flow.snapshots.keep([stale], now)
        later = replace(first, attempts=attempts, fencing_token=token)  # a retry, a takeover
        assert flow._order(later, now)["increment_id"] == placed["increment_id"]


def test_with_the_policy_at_zero_every_export_reads_its_order() -> None:
    with in_process("netsuite") as ctx:
        ctx.connector.close()
        ctx.connector = BuiltinConnector(ctx.world, orders_snapshot_max_age_s=0)
        placed = ctx.place(2)
        since = ctx.world.magento.journal.last_seq
        ctx.cycles(2)
        single, whole = _reads(ctx, since)
        assert whole == []
        assert sorted(single) == sorted(f"/rest/V1/orders/{o['entity_id']}" for o in placed)
        assert ctx.judge_orders() == []


def test_a_failed_whole_read_leaves_each_export_to_read_its_order() -> None:
    with in_process("netsuite") as ctx:
        ctx.world.magento.add_fault(
            {
                "target": {"method": "GET", "path": r"/V1/orders$", "query_contains": WHOLE_READ},
                "effect": {"kind": "http_error", "status": 503},
                "trigger": {"first": 1},
            }
        )
        placed = ctx.place(2)
        since = ctx.world.magento.journal.last_seq
        ctx.cycles(1)
        assert engine_of(ctx).store.cursor(CURSOR) is not None  # the poll itself succeeded
        single, whole = _reads(ctx, since)
        assert whole == [[int(o["entity_id"]) for o in placed]]  # refused, not asked again
        assert sorted(single) == sorted(f"/rest/V1/orders/{o['entity_id']}" for o in placed)
        assert ctx.judge_orders() == []


def _order(entity_id: int) -> dict[str, Any]:
    return {"entity_id": entity_id, "increment_id": f"{entity_id:09d}"}


def test_a_copy_is_taken_once_and_only_while_fresh() -> None:
    kept = OrderSnapshots(max_age_s=60, most=10)
    kept.keep([_order(1), _order(2)], T0)
    assert kept.take(1, T0 + timedelta(seconds=60)) == _order(1)
    assert kept.take(1, T0 + timedelta(seconds=60)) is None  # used once
    assert kept.take(2, T0 + timedelta(seconds=61)) is None  # too old: read afresh
    assert len(kept) == 0  # the stale copy went too


def test_beyond_the_bound_new_copies_are_not_kept_and_earlier_ones_stay() -> None:
    kept = OrderSnapshots(max_age_s=60, most=2)
    assert kept.keep([_order(1), _order(2), _order(3)], T0) == 2
    assert kept.room(T0) == 0
    assert kept.keep([_order(4)], T0 + timedelta(seconds=1)) == 0
    assert kept.take(3, T0) is None and kept.take(4, T0) is None
    assert kept.take(1, T0) == _order(1) and kept.take(2, T0) == _order(2)


def test_stale_copies_make_room() -> None:
    kept = OrderSnapshots(max_age_s=60, most=2)
    kept.keep([_order(1)], T0)
    kept.keep([_order(2)], T0 + timedelta(seconds=30))
    assert kept.room(T0 + timedelta(seconds=61)) == 1  # 1 is too old now; 2 is not
    assert kept.keep([_order(3)], T0 + timedelta(seconds=61)) == 1
    assert kept.take(2, T0 + timedelta(seconds=61)) == _order(2)


def test_a_copy_read_again_is_replaced_by_the_newer_one() -> None:
    kept = OrderSnapshots(max_age_s=60, most=2)
    kept.keep([_order(1), _order(2)], T0)
    newer = _order(1) | {"status": "holded"}
    assert kept.keep([newer], T0 + timedelta(seconds=30)) == 1  # full, but 1 is already kept
    assert kept.take(2, T0 + timedelta(seconds=80)) is None  # read at T0: too old
    assert kept.take(1, T0 + timedelta(seconds=80)) == newer


def test_nothing_is_kept_when_switched_off() -> None:
    kept = OrderSnapshots(max_age_s=0, most=10)
    assert kept.keep([_order(1)], T0) == 0 and kept.room(T0) == 0
    assert not kept.enabled and kept.take(1, T0) is None


def test_switched_off_the_copies_kept_go_and_no_more_are_kept() -> None:
    kept = OrderSnapshots(max_age_s=60, most=10)
    kept.keep([_order(1)], T0)
    kept.switch_off()
    assert kept.take(1, T0) is None
    assert kept.keep([_order(2)], T0) == 0 and kept.room(T0) == 0 and not kept.enabled
