"""``erp-harness engine prices``: preview, list, show, approve and rollback from a config file,
against in-process fakes (the engine's requests reach them through the bridge)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from scenarios.cli import app
from scenarios.world import World, build_world

runner = CliRunner()


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[World, Path]]:
    world = build_world("netsuite", 5)
    magento = world.magento.credentials()
    config = {
        "magento": {
            "base_url": world.magento.base_url,
            "integration_token": magento["integration_token"],
        },
        "erp": {
            "kind": "netsuite",
            "base_url": world.erp_fake.base_url,
            "credentials": world.erp_fake.credentials(),
        },
        "mapping": {"locations": world.profile["locations"]},
        "store_url": f"sqlite:///{tmp_path / 'engine.db'}",
    }
    path = tmp_path / "engine.yaml"
    path.write_text(yaml.safe_dump(config))
    yield world, path
    world.close()


def _cli(*args: str) -> Any:
    return runner.invoke(app, ["engine", "prices", *args])


def _item(world: World, index: int) -> dict[str, Any]:
    items = world.erp_fake.backend.records["inventoryItem"]  # type: ignore[attr-defined]
    return list(items.values())[index]  # type: ignore[no-any-return]


def test_preview_hold_approve_and_roll_back(setup: tuple[World, Path]) -> None:
    world, config = setup
    item = _item(world, 0)
    sku, before = item["externalId"], item["basePrice"]
    item["basePrice"] = round(before * 2, 2)
    shown = _cli("preview", "-c", str(config), "--json")
    assert shown.exit_code == 0, shown.output
    (change,) = json.loads(shown.output)
    assert change["key"] == f"base|{sku}" and change["needs_approval"] is True
    assert "base|" in _cli("preview", "-c", str(config)).output

    worker = runner.invoke(app, ["engine", "worker", "-c", str(config), "--max-ticks", "1"])
    assert worker.exit_code == 0, worker.output
    listed = json.loads(_cli("list", "-c", str(config), "--json").output)
    (batch,) = listed["batches"]
    assert (batch["status"], batch["pending"], batch["submitted"]) == ("pending_approval", 1, 1)
    assert world.magento.state()["base_prices"][sku] == before

    approved = _cli("approve", str(batch["id"]), "-c", str(config))
    assert (
        approved.exit_code == 0 and "applied" in approved.output and "accepted 1" in approved.output
    )
    assert world.magento.state()["base_prices"][sku] == item["basePrice"]
    (row,) = json.loads(_cli("show", str(batch["id"]), "-c", str(config), "--json").output)
    assert row["outcome"] == "accepted"

    rolled = _cli("rollback", str(batch["id"]), "-c", str(config), "--json")
    assert json.loads(rolled.output)["status"] == "rolled_back"
    assert world.magento.state()["base_prices"][sku] == before


def test_replay_releases_dead_lettered_prices(setup: tuple[World, Path]) -> None:
    _, config = setup
    result = _cli("replay", "base|SKU-000001", "-c", str(config))
    assert result.exit_code == 0 and "released 0 dead-lettered price(s)" in result.output


def test_a_wrong_batch_is_refused_with_its_state(setup: tuple[World, Path]) -> None:
    _, config = setup
    missing = _cli("approve", "42", "-c", str(config))
    assert missing.exit_code == 1 and "price batch 42 does not exist" in missing.output


def test_no_price_flow_when_magento_owns_prices(setup: tuple[World, Path]) -> None:
    _, config = setup
    data = yaml.safe_load(config.read_text())
    data["flows"] = {"prices": {"source_of_truth": "magento"}}
    config.write_text(yaml.safe_dump(data))
    result = _cli("list", "-c", str(config))
    assert result.exit_code == 2 and "no price flow for netsuite" in result.output
