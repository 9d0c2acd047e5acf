"""The orders-and-stock state machine against the builtin connector.

Example and step counts come from HARNESS_SM_EXAMPLES / HARNESS_SM_STEPS (defaults suit CI);
everything else from the active Hypothesis profile (``ci`` when CI is set: derandomised).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from scenarios.machines.orders_stock import OrdersAndStock

TestOrdersAndStock = OrdersAndStock.TestCase
TestOrdersAndStock.settings = settings(
    max_examples=int(os.environ.get("HARNESS_SM_EXAMPLES", "8")),
    stateful_step_count=int(os.environ.get("HARNESS_SM_STEPS", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
