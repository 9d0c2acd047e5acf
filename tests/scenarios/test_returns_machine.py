"""The returns state machine against the builtin connector, on every ERP whose credit notes the
returns flow writes. HARNESS_SM_EXAMPLES / HARNESS_SM_STEPS set the budget (defaults suit CI)
and HARNESS_SM_SEED the seed; a failure prints the command that replays it."""

from __future__ import annotations

import pytest

from scenarios.machines.returns import kinds, run


@pytest.mark.parametrize("erp", kinds())
def test_returns_machine(erp: str, request: pytest.FixtureRequest) -> None:
    run(erp, request.node.nodeid)
