"""The pytest plugin (entry point ``erp_harness``): fixtures for teams testing their own
connector code against the fakes, and a marker for tests that may also run against a real
vendor sandbox.

    def test_my_export(fake_fleet):
        fleet = fake_fleet("magento", "netsuite")
        fleet.netsuite.add_fault({"effect": {"kind": "lose_response"}, "trigger": {"first": 1}})
        my_connector.run(magento_url=fleet.magento.base_url, erp_url=fleet.netsuite.base_url)
        assert len(fleet.netsuite.state()["salesOrders"]) == 1

Tests marked ``@pytest.mark.vendor_sandbox`` run only when ``HARNESS_ALLOW_VENDOR=true``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from fakes import FakeFleet, SimClock, mock
from fakes.core.fake import Fake
from scenarios.world import ERP_KINDS, default_profile


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("erp-harness")
    group.addoption(
        "--harness-seed",
        type=int,
        default=0,
        help="seed for the fakes' data and fault schedules (default 0)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "vendor_sandbox: may also run against a real vendor "
        "sandbox; skipped unless HARNESS_ALLOW_VENDOR=true",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("HARNESS_ALLOW_VENDOR", "").lower() == "true":
        return
    skip = pytest.mark.skip(reason="vendor sandbox test: set HARNESS_ALLOW_VENDOR=true to run")
    for item in items:
        if "vendor_sandbox" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def harness_seed(request: pytest.FixtureRequest) -> int:
    return int(request.config.getoption("--harness-seed"))


@pytest.fixture
def harness_clock() -> SimClock:
    """One simulated clock for the fakes of a test; advance it to let time pass."""
    return SimClock()


@pytest.fixture
def fake_fleet(harness_seed: int, harness_clock: SimClock) -> Iterator[Callable[..., FakeFleet]]:
    """Start in-process fakes: ``fake_fleet("magento", "netsuite")``. All share the seed, the
    clock and the profile of the first ERP named; stopped after the test."""
    with ExitStack() as stack:

        def start(*vendors: str, **options: Any) -> FakeFleet:
            erps = [v for v in vendors if v in ERP_KINDS]
            profile = default_profile(erps[0]) if erps else None
            return stack.enter_context(
                mock(*vendors, seed=harness_seed, clock=harness_clock, profile=profile, **options)
            )

        yield start


@pytest.fixture
def magento_fake(fake_fleet: Callable[..., FakeFleet]) -> Fake:
    return fake_fleet("magento")["magento"]


@pytest.fixture
def erp_fake(fake_fleet: Callable[..., FakeFleet]) -> Callable[[str], Fake]:
    """``erp_fake("netsuite")``: one ERP fake, in-process."""

    def start(kind: str) -> Fake:
        return fake_fleet(kind)[kind]

    return start
