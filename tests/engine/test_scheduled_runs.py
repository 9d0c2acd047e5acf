"""A scheduled pull's bookkeeping: its lease, its last-success stamp and its refusal alert."""

from __future__ import annotations

from typing import Any

from sync_core.engine import TickResult
from sync_core.errors import SchemaDrift
from tests.engine.flow_helpers import engine_of, in_process


def test_a_refused_run_alerts_and_the_next_success_stamps_resolves_and_frees_the_lease() -> None:
    with in_process("netsuite") as ctx:
        engine, clock = engine_of(ctx), ctx.world.clock
        refused = True

        def pull(fence: tuple[str, int]) -> str:
            if refused:
                raise SchemaDrift("salesOrder lost its field 'memo'")
            return "pulled"

        def open_refusals() -> list[dict[str, Any]]:
            return [a for a in engine.store.alerts() if a["key"] == "flow:refused:probe"]

        result = TickResult()
        assert engine._scheduled("probe", pull, result) is None
        (alert,) = open_refusals()
        assert alert["kind"] == "flow_refused" and "memo" in alert["message"]
        assert engine.store.cursor("last_success:probe") is None
        assert engine.store.acquire_lease("schedule:probe", "other", clock.now(), 60) is not None

        clock.advance(120)  # the other owner's lease ran out
        refused = False
        assert engine._scheduled("probe", pull, result) == "pulled"
        assert open_refusals() == []
        assert engine.store.cursor("last_success:probe") == clock.now().isoformat()
        # released at once: another owner need not wait for the lease to run out
        assert engine.store.acquire_lease("schedule:probe", "other", clock.now(), 60) is not None
