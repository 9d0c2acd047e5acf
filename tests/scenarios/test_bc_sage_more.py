"""FM-D05 (Business Central), FM-SG04 and FM-SG05 (Sage 200): builtin passes; naive fails with
evidence naming the orders."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.runner import run_scenario

CASES = {
    ("business-central", "FM-D05"): "is canceled in Magento but Business Central shipped it",
    ("sage200", "FM-SG04"): "should have been held back",
    ("sage200", "FM-SG05"): "an operator changed line 1 quantity",
}


@pytest.mark.parametrize(("erp", "scenario_id"), sorted(CASES))
def test_builtin_passes(erp: str, scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize(("erp", "scenario_id"), sorted(CASES))
def test_naive_fails_with_evidence(erp: str, scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], erp, "naive", seed=0)
    assert result.status == "failed"
    assert any(CASES[(erp, scenario_id)] in line for line in result.evidence), result.evidence


def test_builtin_alerts_name_the_orders() -> None:
    result = run_scenario(load()["FM-SG04"], "sage200", "builtin", seed=0)
    assert any("000000003" in m for m in result.metrics["tax_variance_alerts"])
    result = run_scenario(load()["FM-SG05"], "sage200", "builtin", seed=0)
    assert len(result.metrics["erp_amendment_alerts"]) == 2
