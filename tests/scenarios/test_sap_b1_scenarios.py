"""The catalog on SAP Business One: builtin passes every scenario; naive shows the harm."""

from __future__ import annotations

import pytest

from scenarios.catalog import load, select
from scenarios.runner import run_scenario

SAP_B1 = [s.id for s in select(None, "sap-b1")]
# The SAP scenarios, and the quick generic ones (the rest are shown by erp-harness run).
NAIVE_HARM = {
    "FM-G07": "is duplicated in sap-b1",
    "FM-G11": "should have been held back",
    "FM-G16": "cancellations go unseen",
    "FM-S01": "order default/000000001 (entity 1) is duplicated in sap-b1",
    "FM-S02": "should have been held back but is in sap-b1 as Order",
    "FM-S04": "stock SKU-000001 @ default: magento",
}


def test_the_sap_b1_scenarios_are_in_the_catalog() -> None:
    assert {"FM-S01", "FM-S02", "FM-S03", "FM-S04", "FM-S06", "FM-G07", "FM-G09"} <= set(SAP_B1)
    assert {"FM-G11", "FM-G13"} <= set(SAP_B1)


@pytest.mark.parametrize("scenario_id", SAP_B1)
def test_builtin_passes(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], "sap-b1", "builtin", seed=0)
    assert result.status == "passed", result.evidence
    if scenario_id == "FM-S01":  # answers were really lost, in both phases
        assert result.metrics["responses_lost"] >= 3
    if scenario_id == "FM-S02":  # the two orders with no business partner were never posted
        posts = [e for e in result.timeline
                 if e["method"] == "POST" and e["path"].endswith("/Orders")]
        assert len(posts) == 4


@pytest.mark.parametrize("scenario_id", sorted(NAIVE_HARM))
def test_naive_fails_with_evidence(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], "sap-b1", "naive", seed=0)
    assert result.status == "failed"
    assert any(NAIVE_HARM[scenario_id] in line for line in result.evidence), result.evidence
    assert result.reproduce == (f"erp-harness run --erp sap-b1 --connector naive "
                                f"--scenario {scenario_id} --seed 0")

