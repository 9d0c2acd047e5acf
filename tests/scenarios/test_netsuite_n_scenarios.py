"""FM-N01..N03 on NetSuite: naive shows the harm with evidence naming the orders; builtin's pass
is the real fix (FM-N01 replays its quarantined orders). ``test_netsuite_scenarios`` runs every
NetSuite scenario for builtin as well."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.runner import run_scenario

NAIVE_HARM = {
    "FM-N01": "order default/000000003 (entity 3) is missing in netsuite",
    "FM-N02": "no alerting: orders held in Pending Approval",
    "FM-N03": "without its custbody_sales_channel value 'web': lost silently",
}


@pytest.mark.parametrize("scenario_id", sorted(NAIVE_HARM))
def test_naive_fails_with_evidence(scenario_id: str) -> None:
    result = run_scenario(load()[scenario_id], "netsuite", "naive", seed=0)
    assert result.status == "failed"
    assert any(NAIVE_HARM[scenario_id] in line for line in result.evidence), result.evidence


def test_builtin_replays_the_orders_held_by_a_new_mandatory_field() -> None:
    result = run_scenario(load()["FM-N01"], "netsuite", "builtin", seed=0)
    assert result.status == "passed", result.evidence
    assert result.metrics["replayed"] == 3
