"""FM-T05 (one delivery from two warehouses) on the ERPs beyond SAP: builtin makes one Magento
shipment per source with the ERP's tracking numbers; naive ships the whole order from the
default source, without tracking, and the evidence names the order, the SKU and the source.
FM-S05 stays an SAP-section scenario."""

from __future__ import annotations

import pytest

from scenarios.catalog import load
from scenarios.runner import run_scenario

ERPS = ["netsuite", "business-central", "sage200", "legacy"]
TRACKED = {"netsuite", "sage200", "legacy"}  # BC API v2.0 shows no package tracking number


def test_the_catalog_declares_where_each_scenario_runs() -> None:
    catalog = load()
    assert catalog["FM-S05"].kinds() == ["sap-b1", "s4hana"]
    assert set(catalog["FM-T05"].kinds()) == {"sap-b1", "s4hana", *ERPS}


@pytest.mark.parametrize("erp", ERPS)
def test_builtin_splits_the_delivery_per_source(erp: str) -> None:
    result = run_scenario(load()["FM-T05"], erp, "builtin", seed=0)
    assert result.status == "passed", result.evidence
    ships = [e for e in result.timeline if e["method"] == "POST" and e["path"].endswith("/ship")]
    assert len(ships) == 2


@pytest.mark.parametrize("erp", ERPS)
def test_naive_ships_from_the_wrong_source_without_tracking(erp: str) -> None:
    result = run_scenario(load()["FM-T05"], erp, "naive", seed=0)
    assert result.status == "failed"
    assert any(
        line.startswith("order 000000001: ")
        and "from source wh-north: ERP delivered 1, Magento shipments from wh-north carry 0" in line
        for line in result.evidence
    ), result.evidence
    lost = [line for line in result.evidence if "is on no Magento shipment" in line]
    assert bool(lost) == (erp in TRACKED), result.evidence
