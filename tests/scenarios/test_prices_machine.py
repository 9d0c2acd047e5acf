"""The price-batch state machine against the builtin connector (NetSuite). Example and step
counts come from HARNESS_SM_EXAMPLES / HARNESS_SM_STEPS."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from scenarios.machines.prices import machine_for

TestPriceBatches = machine_for("netsuite").TestCase
TestPriceBatches.settings = settings(
    max_examples=int(os.environ.get("HARNESS_SM_EXAMPLES", "1")),
    stateful_step_count=int(os.environ.get("HARNESS_SM_STEPS", "10")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
