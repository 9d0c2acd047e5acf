"""The account-gate state machine against the builtin connector, on every ERP with account
hooks. Example and step counts come from HARNESS_SM_EXAMPLES / HARNESS_SM_STEPS."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from scenarios.flowviews.accounts import kinds
from scenarios.machines.accounts import machine_for

SETTINGS = settings(
    max_examples=int(os.environ.get("HARNESS_SM_EXAMPLES", "2")),
    stateful_step_count=int(os.environ.get("HARNESS_SM_STEPS", "10")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

for _erp in kinds():
    _case = machine_for(_erp).TestCase
    _case.settings = SETTINGS
    globals()[f"TestAccountGate_{_erp.replace('-', '_')}"] = _case

del _case, _erp
