"""``erp-harness engine``: the engine run from a config file against served fakes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fakes import WallClock, create_fake
from fakes.core.server import serve
from scenarios.cli import app
from scenarios.world import default_profile

runner = CliRunner()


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    clock = WallClock()
    profile = default_profile("netsuite")
    fakes = {"magento": create_fake("magento", clock=clock, profile=profile),
             "netsuite": create_fake("netsuite", clock=clock, profile=profile)}
    with serve(fakes) as servers:
        ready = servers.ready()
        for key, value in ready["netsuite"]["credentials"].items():
            monkeypatch.setenv(f"NS_{key.upper()}", value)
        monkeypatch.setenv("MAGE_TOKEN", ready["magento"]["credentials"]["integration_token"])
        creds = "\n".join(f"    {k}: ${{NS_{k.upper()}}}" for k in ("account", "consumer_key",
                                                              "consumer_secret", "token_id",
                                                              "token_secret"))
        config = tmp_path / "engine.yaml"
        config.write_text(
            f"magento: {{base_url: '{ready['magento']['base_url']}', "
            f"integration_token: '${{MAGE_TOKEN}}'}}\n"
            f"erp:\n  kind: netsuite\n  base_url: '{ready['netsuite']['base_url']}'\n"
            f"  credentials:\n{creds}\n"
            f"mapping: {{locations: {json.dumps(profile['locations'])}}}\n"
            f"store_url: 'sqlite:///{tmp_path / 'engine.db'}'\n"
        )
        yield fakes, config


def test_worker_exports_orders_then_reconcile_is_clean(served) -> None:
    fakes, config = served
    placed = fakes["magento"].event("place_order", lines=[{"sku": "SKU-000001", "qty": 2}])
    bad = fakes["magento"].event("place_order", lines=[{"sku": "NOPE", "qty": 1}])
    result = runner.invoke(app, ["engine", "worker", "-c", str(config), "--max-ticks", "2"])
    assert result.exit_code == 0, result.output
    (order,) = fakes["netsuite"].state()["salesOrders"]
    assert order["externalId"] == f"mage-default-{placed['increment_id']}"

    listed = runner.invoke(app, ["engine", "dlq", "list", "-c", str(config), "--json"])
    (dead,) = json.loads(listed.output)
    assert bad["increment_id"] in dead["reason"] and dead["reason_class"] == "mapping"
    dry = runner.invoke(app, ["engine", "dlq", "replay", "-c", str(config), "--dry-run"])
    assert "would replay 1" in dry.output

    checked = runner.invoke(app, ["engine", "reconcile", "-c", str(config), "--json"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.output)[0]["diffs"] == []


def test_bad_config_names_the_key(tmp_path: Path) -> None:
    config = tmp_path / "engine.yaml"
    config.write_text("magento: {base_url: x}\nerp: {kind: oracle-ebs, base_url: y}\n")
    result = runner.invoke(app, ["engine", "dlq", "list", "-c", str(config)])
    assert result.exit_code == 2
    assert "erp.kind" in result.output


def test_scheduler_enqueues_and_jobs_only_workers_deliver(served) -> None:
    fakes, config = served
    placed = fakes["magento"].event("place_order", lines=[{"sku": "SKU-000001", "qty": 1}])
    since = fakes["magento"].journal.last_seq
    scheduled = runner.invoke(app, ["engine", "schedule", "-c", str(config), "--max-ticks", "1"])
    assert scheduled.exit_code == 0, scheduled.output
    assert fakes["netsuite"].state()["salesOrders"] == []  # the scheduler only queued the export
    worked = runner.invoke(
        app, ["engine", "worker", "-c", str(config), "--jobs-only", "--max-ticks", "1"]
    )
    assert worked.exit_code == 0, worked.output
    (order,) = fakes["netsuite"].state()["salesOrders"]
    assert order["externalId"] == f"mage-default-{placed['increment_id']}"
    reads = [e for e in fakes["magento"].entries(since) if e.method == "GET"]
    # the scheduler read no copy of the order (it exports nothing); the worker read the order
    assert not [
        e
        for e in reads
        if e.path.endswith("/V1/orders") and "[filters][0][field]=entity_id" in e.query
    ]
    assert [e.path for e in reads if e.path.endswith(f"/V1/orders/{placed['entity_id']}")]


def test_dlq_replay_selects_by_flow_and_time_range(served) -> None:
    fakes, config = served
    fakes["magento"].event("place_order", lines=[{"sku": "NOPE", "qty": 1}])
    runner.invoke(app, ["engine", "worker", "-c", str(config), "--max-ticks", "2"])
    base = ["engine", "dlq", "replay", "-c", str(config), "--dry-run"]
    assert "would replay 1" in runner.invoke(app, [*base, "--flow", "orders.export"]).output
    assert "would replay 0" in runner.invoke(app, [*base, "--flow", "stock.import"]).output
    assert "would replay 0" in runner.invoke(app, [*base, "--since", "2999-01-01"]).output
    assert "would replay 1" in runner.invoke(app, [*base, "--until", "2999-01-01"]).output
    replayed = runner.invoke(app, ["engine", "dlq", "replay", "-c", str(config), "--flow",
                                   "orders.export"])
    assert "replayed 1" in replayed.output
