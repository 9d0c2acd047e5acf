"""``scenarios.soak``: worker processes killed under faults lose and duplicate nothing, and the
judge counts what it sees in the fakes' state."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from fakes import create_fake
from scenarios.soak import judge, run_soak
from scenarios.world import default_profile


def _magento_with_orders(count: int) -> dict[str, Any]:
    magento = create_fake("magento", profile=default_profile("netsuite"))
    for _ in range(count):
        magento.event("place_order", lines=[{"sku": "SKU-000001", "qty": 2}])
    return magento.state()


def _sales_order(internal_id: int, increment_id: str) -> dict[str, Any]:
    return {
        "id": internal_id,
        "tranId": f"SO{internal_id}",
        "externalId": f"mage-default-{increment_id}",
        "item": {"items": [{"item": {"id": "1"}, "quantity": 2}]},
        "orderStatus": {"id": "B"},
    }


def _netsuite_state(*orders: dict[str, Any]) -> dict[str, Any]:
    return {"inventoryItems": [{"id": 1, "itemId": "SKU-000001"}], "salesOrders": list(orders)}


def test_judge_counts_a_duplicate_and_a_lost_order() -> None:
    magento = _magento_with_orders(3)
    incs = [o["increment_id"] for o in magento["orders"]]
    erp = _netsuite_state(
        _sales_order(1, incs[0]), _sales_order(2, incs[0]), _sales_order(3, incs[1])
    )
    verdict = judge("netsuite", magento, erp)
    assert (verdict.delivered, verdict.lost, verdict.duplicated, verdict.dead_lettered) == (
        2,
        1,
        1,
        0,
    )
    assert any("is duplicated in netsuite: 2 orders SO1, SO2" in e for e in verdict.evidence)
    assert any(f"default/{incs[2]}" in e and "is missing" in e for e in verdict.evidence)


def test_judge_counts_a_dead_letter_apart_from_a_loss() -> None:
    magento = _magento_with_orders(2)
    first, second = (copy.deepcopy(o) for o in magento["orders"])
    erp = _netsuite_state(_sales_order(1, first["increment_id"]))
    dead = [
        {
            "entity_key": f"magento-order:{second['entity_id']}",
            "reason_class": "mapping",
            "reason": "unknown item",
        }
    ]
    verdict = judge("netsuite", magento, erp, dead)
    assert (verdict.delivered, verdict.lost, verdict.duplicated, verdict.dead_lettered) == (
        1,
        0,
        0,
        1,
    )
    assert verdict.evidence == [
        f"order default/{second['increment_id']} (entity {second['entity_id']}) is "
        f"dead-lettered in netsuite (mapping: unknown item)"
    ]


def test_small_soak_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    result = run_soak(
        "netsuite",
        orders=40,
        fault_rate=0.2,
        kill_every_s=2.0,
        workers=2,
        store_url=None,
        seed=1,
        time_bound_s=60,
        workdir=tmp_path,
    )
    assert result.settled, result.evidence
    assert (result.lost, result.duplicated) == (0, 0), result.evidence
    assert result.delivered + result.dead_lettered == 40
    assert result.kills >= 1 and result.faults_struck > 0
    assert result.wall_s < 40
    config = yaml.safe_load((tmp_path / "engine.yaml").read_text())
    secrets = [
        config["magento"]["integration_token"],
        config["store_url"],
        *config["erp"]["credentials"].values(),
    ]
    assert len(secrets) > 2 and all(re.fullmatch(r"\$\{SOAK_\w+\}", s) for s in secrets)
    assert json.loads(result.to_json())["ok"] is True


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown ERP kind"):
        run_soak("oracle-ebs", 1, 0.0, 0.0, 1, None, 0)
    with pytest.raises(ValueError, match="fault_rate"):
        run_soak("netsuite", 1, 1.5, 0.0, 1, None, 0)


def test_orders_still_queued_are_pending_not_lost() -> None:
    from scenarios.soak import judge

    magento = {"stores": [{"id": 1, "code": "default"}], "orders": [
        {"entity_id": 1, "increment_id": "000000001", "store_id": 1, "state": "processing",
         "items": [{"sku": "SKU-1", "qty_ordered": 1}]},
    ]}
    erp = {"inventoryItems": [], "salesOrders": []}
    queued = judge("netsuite", magento, erp, (), ["magento-order:1"])
    assert (queued.lost, queued.pending) == (0, 1)
    gone = judge("netsuite", magento, erp, (), [])
    assert (gone.lost, gone.pending) == (1, 0)
