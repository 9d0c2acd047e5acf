"""A long-running connector judged through --connector-daemon: the example daemon speaks the
cycle/ack protocol and passes; without idempotency it duplicates; a crash point kills it and
the harness restarts it; a daemon that ignores the protocol still gets bounded cycles."""

from __future__ import annotations

import sys
from pathlib import Path

from scenarios.catalog import load
from scenarios.connectors.daemon import DaemonConnector
from scenarios.runner import run_scenario
from scenarios.world import build_world

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "connectors"
DAEMON = f"{sys.executable} {EXAMPLES / 'netsuite_daemon.py'}"


def test_example_daemon_passes_on_simulated_time() -> None:
    result = run_scenario(load()["FM-G13"], "netsuite", f"daemon:{DAEMON}", seed=0)
    assert result.status == "passed", (result.evidence, result.metrics)
    assert result.metrics["connector_exit_codes"] == [0]
    assert "--connector-daemon" in result.reproduce


def test_daemon_without_idempotency_duplicates_orders() -> None:
    result = run_scenario(
        load()["FM-G07"], "netsuite", f"daemon:{DAEMON} --without idempotency", seed=0
    )
    assert result.status == "failed"
    assert any("is duplicated in netsuite" in line for line in result.evidence)


def test_daemon_is_started_once_and_acknowledges_every_cycle() -> None:
    world = build_world("netsuite", 0)
    daemon = DaemonConnector(world, DAEMON)
    try:
        for _ in range(3):
            daemon.cycle()
            world.advance(60)
        assert daemon.starts == 1
        assert [run["outcome"] for run in daemon.runs] == ["acknowledged"] * 3
        assert daemon.speaks_protocol
    finally:
        daemon.close()
        world.close()


def test_crash_point_kills_the_daemon_and_the_next_cycle_restarts_it() -> None:
    world = build_world("netsuite", 0)
    world.magento.event("place_order", lines=[{"sku": "SKU-000001", "qty": 1}])
    daemon = DaemonConnector(world, DAEMON)
    try:
        daemon.arm_crash(after_requests=2)
        daemon.cycle()
        daemon.cycle()
        assert daemon.runs[0]["outcome"] == "SIGKILL (crash point)"
        assert daemon.starts == 2
    finally:
        daemon.close()
        world.close()


def test_a_daemon_that_ignores_the_protocol_gets_bounded_cycles() -> None:
    world = build_world("netsuite", 0)
    silent = f"{sys.executable} -c 'import time; time.sleep(30)'"
    daemon = DaemonConnector(world, silent, max_cycle_s=0.2)
    try:
        daemon.cycle()
        assert daemon.runs[0]["outcome"] == "settled"
        assert not daemon.speaks_protocol
    finally:
        daemon.close()
        world.close()
