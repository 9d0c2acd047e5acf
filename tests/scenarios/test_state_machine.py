"""The orders-and-stock state machine against the builtin connector, on every ERP the harness
can judge.

Example and step counts come from HARNESS_SM_EXAMPLES / HARNESS_SM_STEPS (defaults suit CI);
everything else from the active Hypothesis profile (``ci`` when CI is set: derandomised).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from scenarios.erps import supported
from scenarios.machines.orders_stock import machine_for

SETTINGS = settings(
    max_examples=int(os.environ.get("HARNESS_SM_EXAMPLES", "6")),
    stateful_step_count=int(os.environ.get("HARNESS_SM_STEPS", "10")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

for _erp in supported():
    _case = machine_for(_erp).TestCase
    _case.settings = SETTINGS
    globals()[f"TestOrdersAndStock_{_erp.replace('-', '_')}"] = _case

del _case, _erp
