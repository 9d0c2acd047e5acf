"""FM-S03 (price-list mismatch) and FM-S06 (finance-document reconciliation) on SAP Business
One and S/4HANA: builtin passes, naive shows the harm with evidence naming the orders."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.runner import run_scenario

ERPS = ("sap-b1", "s4hana")
NAIVE_HARM = {
    "FM-S03": "order 000000001: 2 line(s) priced unlike {erp} were exported with no price "
    "variance reported",
    "FM-S06": "orders 000000002 (billed for another total) and 000000003 (credited in {erp}) "
    "disagree with Magento, and no reconciliation reported it",
}


def test_registered_once_for_both_sap_erps() -> None:
    for sid in ("FM-S03", "FM-S06"):
        assert load()[sid].erps == ERPS
        assert all(load()[sid].runs_on(erp) for erp in ERPS)


@pytest.mark.parametrize("erp", ERPS)
@pytest.mark.parametrize("scenario_id", sorted(NAIVE_HARM))
def test_builtin_passes(scenario_id: str, erp: str) -> None:
    result = run_scenario(load()[scenario_id], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize("erp", ERPS)
@pytest.mark.parametrize("scenario_id", sorted(NAIVE_HARM))
def test_naive_fails_with_evidence(scenario_id: str, erp: str) -> None:
    result = run_scenario(load()[scenario_id], erp, "naive", seed=0)
    assert result.status == "failed"
    assert NAIVE_HARM[scenario_id].format(erp=erp) in result.evidence, result.evidence
