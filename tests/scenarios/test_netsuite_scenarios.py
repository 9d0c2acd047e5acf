"""The catalog on NetSuite: builtin passes every scenario; naive shows the harm."""

from __future__ import annotations

import pytest

from scenarios.catalog import load, select
from scenarios.runner import run_scenario

NETSUITE = [s.id for s in select(None, "netsuite")]
NAIVE_HARM = {
    "FM-G07": "is duplicated in netsuite",
    "FM-G09": "is missing in netsuite",
    "FM-G11": "should have been held back",
    "FM-G13": "is duplicated in netsuite",
    "FM-N05": "is duplicated in netsuite",
    "FM-N04": "stock SKU-000001 @ default",
    "FM-G01": "is duplicated in netsuite",
    "FM-G08": "after a 429 that asked for Retry-After",
    "FM-G14": "is duplicated in netsuite",
    "FM-G06": "is missing in netsuite",
    "FM-G15": "no alerting",
    "FM-G16": "no status reconciliation",
    "FM-G10": "is missing in netsuite",
    "FM-G03": "stock SKU-000001 @ default",
    "FM-N01": "is missing in netsuite",
    "FM-N02": "no alerting",
    "FM-N03": "lost silently",
    "FM-G02": "no alerting",
}


@pytest.mark.parametrize("scenario_id", NETSUITE)
def test_builtin_passes(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], "netsuite", "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize("scenario_id", sorted(NAIVE_HARM))
def test_naive_fails_with_evidence(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], "netsuite", "naive", seed=0)
    assert result.status == "failed"
    assert any(NAIVE_HARM[scenario_id] in line for line in result.evidence), result.evidence
    assert result.reproduce == (f"erp-harness run --erp netsuite --connector naive "
                                f"--scenario {scenario_id} --seed 0")


def test_same_seed_same_result() -> None:
    first = run_scenario(load()["FM-G07"], "netsuite", "naive", seed=3)
    second = run_scenario(load()["FM-G07"], "netsuite", "naive", seed=3)
    assert first.evidence == second.evidence
    assert [e["path"] for e in first.timeline] == [e["path"] for e in second.timeline]
