"""FM-T07 (account approval gate) on every ERP it declares: builtin passes with the lost create
answer absorbed; naive fails with evidence naming the company."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.flowviews.accounts import kinds
from scenarios.runner import run_scenario

ERPS = list(kinds())


def test_fm_t07_runs_on_every_erp_with_account_hooks() -> None:
    assert load()["FM-T07"].kinds() == ERPS
    assert {"netsuite", "business-central", "sap-b1", "sage200"} <= set(ERPS)


@pytest.mark.parametrize("erp", ERPS)
def test_builtin_passes(erp: str) -> None:
    result = run_scenario(load()["FM-T07"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence
    assert result.metrics["create_answers_lost"] == 1


@pytest.mark.parametrize("erp", ERPS)
def test_naive_fails_with_evidence(erp: str) -> None:
    result = run_scenario(load()["FM-T07"], erp, "naive", seed=0)
    assert result.status == "failed"
    label = "company 1 (Approval Test Trading Ltd)"
    assert f"{label} was active in Magento before {erp} approved it" in result.evidence
    assert f"{label} is active in Magento a cycle after the {erp} hold" in result.evidence


@pytest.mark.parametrize("erp", [e for e in ERPS if e in ("netsuite", "business-central")])
def test_naive_duplicates_the_account_after_a_lost_answer(erp: str) -> None:
    result = run_scenario(load()["FM-T07"], erp, "naive", seed=0)
    assert any(
        e.startswith(f"company 1 (Approval Test Trading Ltd) has 2 {erp} accounts: ")
        for e in result.evidence
    ), result.evidence
