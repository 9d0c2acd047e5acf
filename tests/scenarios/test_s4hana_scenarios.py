"""The catalog on S/4HANA: builtin passes every scenario; naive shows the harm."""

from __future__ import annotations

import pytest

from scenarios.catalog import load, select
from scenarios.runner import run_scenario

S4HANA = [s.id for s in select(None, "s4hana")]
# The S/4HANA scenarios and the generic ones whose harm comes from the ERP half of the naive
# script; the others (FM-G01, G06, G08, G14, G15, G16) fail for naive on every ERP alike.
NAIVE_HARM = {
    "FM-G07": "is duplicated in s4hana",
    "FM-G09": "is missing in s4hana",
    "FM-G11": "should have been held back",
    "FM-G13": "is duplicated in s4hana",
    "FM-S01": "is duplicated in s4hana: 2 orders sales order",
    "FM-S02": "should have been held back but is in s4hana as sales order",
    "FM-S04": "stock SKU-000001 @ default: magento",
}


def test_the_s4hana_scenarios_are_registered() -> None:
    assert {"FM-S01", "FM-S02", "FM-S03", "FM-S04", "FM-S06"} <= set(S4HANA)
    assert not [sid for sid in load() if sid.endswith("-S4")]  # merged into the SAP ids
    titles = {sid: load()[sid].title for sid in ("FM-S01", "FM-S02", "FM-S04")}
    assert titles == {
        "FM-S01": "Duplicate order submission",
        "FM-S02": "Failed business-partner lookup",
        "FM-S04": "Warehouse-code mismatch",
    }
    assert all(load()[sid].erps == ("sap-b1", "s4hana") for sid in titles)


@pytest.mark.parametrize("scenario_id", S4HANA)
def test_builtin_passes(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], "s4hana", "builtin", seed=0)
    assert result.status == "passed", result.evidence


@pytest.mark.parametrize("scenario_id", sorted(set(NAIVE_HARM) & set(S4HANA)))
def test_naive_fails_with_evidence(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], "s4hana", "naive", seed=0)
    assert result.status == "failed"
    assert any(NAIVE_HARM[scenario_id] in line for line in result.evidence), result.evidence
    assert result.reproduce == (
        f"erp-harness run --erp s4hana --connector naive --scenario {scenario_id} --seed 0"
    )


def test_same_seed_same_result() -> None:
    first = run_scenario(load()["FM-S01"], "s4hana", "naive", seed=3)
    second = run_scenario(load()["FM-S01"], "s4hana", "naive", seed=3)
    assert first.evidence == second.evidence
    assert [e["path"] for e in first.timeline] == [e["path"] for e in second.timeline]
