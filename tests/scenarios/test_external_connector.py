"""Judging a connector from the outside: the example NetSuite connector (written from the
vendors' documentation) passes; each copy with one control removed fails the scenario that
targets that control."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from scenarios.catalog import load
from scenarios.runner import run_scenario

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "connectors" / "netsuite_connector.py"
COMMAND = f"{sys.executable} {EXAMPLE}"
TARGETS = {
    "idempotency": ("FM-G07", "is duplicated in netsuite"),
    "paging": ("FM-G13", "is missing in netsuite"),
    "item-errors": ("FM-G11", "is missing in netsuite"),
    "location-mapping": ("FM-N04", "stock SKU-000001 @ default"),
}


@pytest.mark.parametrize("scenario_id", sorted({s for s, _ in TARGETS.values()}))
def test_example_connector_passes(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], "netsuite", f"cmd:{COMMAND}", seed=0)
    assert result.status == "passed", (result.evidence, result.metrics)
    assert result.metrics["connector_last_exit"] == 0  # a cycle may fail; the last one is clean


@pytest.mark.parametrize("control", sorted(TARGETS))
def test_each_missing_control_is_caught(control: str) -> None:
    scenario_id, evidence = TARGETS[control]
    result = run_scenario(load()[scenario_id], "netsuite",
                          f"cmd:{COMMAND} --without {control}", seed=0)
    assert result.status == "failed"
    assert any(evidence in line for line in result.evidence), result.evidence
    assert "--connector-cmd" in result.reproduce and f"--without {control}" in result.reproduce
