"""The catalog on Business Central: builtin passes every scenario; naive shows the harm."""

from __future__ import annotations

import pytest

from scenarios.catalog import load, select
from scenarios.runner import run_scenario

ERP = "business-central"
SCENARIOS = [s.id for s in select(None, ERP)]
NAIVE_HARM = {
    "FM-G07": "is duplicated in business-central",
    "FM-G11": "should have been held back",
    "FM-G13": "is duplicated in business-central",
    "FM-D01": "was written to the wrong environment: CRONUS UK Ltd. in environment sandbox",
    "FM-D02": "was written to another company: CRONUS UK Test in environment production",
    "FM-D03": "stock SKU-000001 @ default: magento",
    "FM-D04": "stock SKU-000001 @ default: magento",
}


def test_vendor_scenarios_are_registered() -> None:
    assert {"FM-D01", "FM-D02", "FM-D03", "FM-D04"} <= set(SCENARIOS)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_builtin_passes(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], ERP, "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize("scenario_id", sorted(NAIVE_HARM))
def test_naive_fails_with_evidence(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], ERP, "naive", seed=0)
    assert result.status == "failed"
    assert any(NAIVE_HARM[scenario_id] in line for line in result.evidence), result.evidence
    assert result.reproduce == (
        f"erp-harness run --erp {ERP} --connector naive --scenario {scenario_id} --seed 0"
    )
