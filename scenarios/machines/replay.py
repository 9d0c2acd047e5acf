"""Running a flow's state machine with the HARNESS_SM_* budget and seed, so that a failure
carries the command that replays it exactly; and the drain every machine ends with."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import seed as hypothesis_seed
from hypothesis.stateful import run_state_machine_as_test

from scenarios.context import Ctx


def run_machine(erp: str, node: str, machine_for: Callable[[str, int], type[Any]]) -> None:
    """Run ``machine_for(erp, seed)``; ``node`` is the pytest node id the replay names.
    ``HARNESS_SM_SEED`` (0), ``HARNESS_SM_EXAMPLES`` (3), ``HARNESS_SM_STEPS`` (10) and
    ``HARNESS_SM_SHRINK=1`` (shrink to the minimal program: slow) steer it."""
    seed = int(os.environ.get("HARNESS_SM_SEED", "0"))
    examples = int(os.environ.get("HARNESS_SM_EXAMPLES", "3"))
    steps = int(os.environ.get("HARNESS_SM_STEPS", "10"))
    shrink = os.environ.get("HARNESS_SM_SHRINK", "") == "1"
    config = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if shrink else [])],
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine = hypothesis_seed(f"{seed}:{erp}")(machine_for(erp, seed))
    try:
        run_state_machine_as_test(machine, settings=config)  # type: ignore[no-untyped-call]
    except Exception as exc:
        command = (
            f"HARNESS_SM_SEED={seed} HARNESS_SM_EXAMPLES={examples} HARNESS_SM_STEPS={steps} "
            f"python -m pytest '{node}'"
        )
        exc.add_note(f"replay: {command}")
        if not shrink:
            exc.add_note(f"minimal program (slow): HARNESS_SM_SHRINK=1 {command}")
        raise


def drain(ctx: Ctx, evidence: Callable[[], list[str]], cycles: int) -> None:
    """Cycles until ``evidence()`` is empty (at least two, at most ``cycles``); assert it is."""
    found: list[str] = []
    for cycle in range(cycles):
        ctx.cycles(1, step_s=300)
        found = evidence()
        if cycle >= 1 and not found:
            return
    assert found == [], "\n".join(found)
