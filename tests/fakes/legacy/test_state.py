"""Seeding through the profile, events, snapshots, reset and determinism of the legacy backend."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from werkzeug.test import Client

from fakes.core.fake import Fake, create_fake
from fakes.legacy import SPEC, LegacyBackend
from tests.fakes.legacy.helpers import drop, line, order_file


def test_registry_finds_the_legacy_fake(tmp_path: Path) -> None:
    fake = create_fake("legacy", options={"root_dir": str(tmp_path)})
    assert fake.spec is SPEC and fake.base_url == "https://legacy.fake.test"
    assert sorted(fake.spec.vendor_faults) == ["partial_import", "wsdl_drift"]


def test_seed_uses_profile_mappings_and_defaults(tmp_path: Path) -> None:
    from fakes.core.dataset import build_dataset

    customer = build_dataset(0).customers[0]
    profile = {"items": {"SKU-000001": "ITEM-A"}, "locations": {"wh-north": "NORTH"},
               "accounts": {customer.email: "ACME01"}}
    fake = Fake(SPEC, seed=0, profile=profile, options={"root_dir": str(tmp_path)})
    backend = fake.backend
    assert isinstance(backend, LegacyBackend)
    assert "ITEM-A" in backend.items and "SKU-000001" not in backend.items
    assert backend.warehouses == ["NORTH", "WH01", "WH03"]
    assert "ACME01" in backend.customers and "CUST0002" in backend.customers
    assert "CUST0001" not in backend.customers
    stock = {(r["sku"], r["warehouse"]): r["quantity"] for r in fake.state()["stock"]}
    dataset = build_dataset(0)
    assert stock[("ITEM-A", "NORTH")] == dataset.stock[("SKU-000001", "wh-north")]
    assert stock[("SKU-000002", "WH01")] == dataset.stock[("SKU-000002", "default")]


def test_same_seed_same_state_and_credentials(tmp_path: Path) -> None:
    def run(root: Path) -> tuple[str, dict[str, str]]:
        fake = Fake(SPEC, seed=5, options={"root_dir": str(root)})
        name, data = order_file(1, [line(), line(line_no=2, sku="NOPE")])
        drop(fake.backend, name, data)  # type: ignore[arg-type]
        fake.event("run_import")
        fake.event("export_stock")
        return json.dumps(fake.state(), sort_keys=True), fake.credentials()

    assert run(tmp_path / "a") == run(tmp_path / "b")
    other = Fake(SPEC, seed=6, options={"root_dir": str(tmp_path / "c")})
    assert other.credentials() != run(tmp_path / "d")[1]


def test_default_root_is_a_kept_temp_dir() -> None:
    import shutil

    fake = Fake(SPEC)
    root = Path(fake.ctx.options["root_dir"])
    try:
        assert root.name.startswith("legacy-erp-") and (root / "inbound" / "processed").is_dir()
        fake.reset()
        assert Path(fake.ctx.options["root_dir"]) == root
    finally:
        shutil.rmtree(root)


def test_reset_empties_folders_and_state(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line()])
    drop(backend, name, data)
    fake.event("run_import")
    fake.event("set_fault", fault="repeat_export")
    fake.reset()
    state = fake.state()
    assert state["orders"] == [] and state["imports"] == [] and state["faults"] == {}
    assert all(files == [] for files in state["files"].values())


def test_option_faults_are_standing_and_survive_reset(tmp_path: Path) -> None:
    fake = Fake(SPEC, options={"root_dir": str(tmp_path), "faults": {"skip_sequence": {}}})
    fake.reset()
    assert fake.event("export_stock")["exports"][0]["seq"] == 2
    with pytest.raises(ValueError):
        Fake(SPEC, options={"root_dir": str(tmp_path), "faults": {"nope": {}}})


def test_ship_order_partial_then_complete(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line(quantity="3")])
    drop(backend, name, data)
    fake.event("run_import")
    fake.event("set_stock", sku="SKU-000001", warehouse="WH01", quantity=5)
    fake.event("ship_order", erp_order_no="SO000001", lines=[{"line_no": 1, "quantity": 1}])
    assert fake.state()["orders"][0]["status"] == "partially_shipped"
    shipment = fake.event("ship_order", erp_order_no="SO000001",
                          lines=[{"line_no": 1, "quantity": 2}], tracking="T2")
    assert shipment["shipment_no"] == "SH000002" and shipment["tracking"] == "T2"
    state = fake.state()
    assert state["orders"][0]["status"] == "shipped"
    assert state["orders"][0]["lines"][0]["shipped_quantity"] == 3
    assert next(s for s in state["stock"] if s["sku"] == "SKU-000001"
                and s["warehouse"] == "WH01")["quantity"] == 2
    with pytest.raises(ValueError, match="cannot ship"):
        fake.event("ship_order", erp_order_no="SO000001", lines=[{"line_no": 1, "quantity": 1}])


def test_event_errors_are_400_on_the_control_plane(fake: Fake, client: Client) -> None:
    def event(name: str, payload: dict) -> int:
        return client.post("/__harness__/events",
                           json={"name": name, "payload": payload}).status_code

    assert event("ship_order", {"erp_order_no": "SO404", "lines": []}) == 400
    assert event("set_stock", {"sku": "NOPE", "warehouse": "WH01", "quantity": 1}) == 400
    assert event("set_stock", {"sku": "SKU-000001", "warehouse": "WH01", "quantity": -1}) == 400
    assert event("cancel_order", {"erp_order_no": "SO404"}) == 400
    assert event("set_stock", {"sku": "SKU-000001", "warehouse": "WH01", "quantity": 3}) == 200
    listing = client.get("/__harness__/").get_json()
    assert {"run_import", "export_stock", "export_shipments", "ship_order",
            "set_stock"} <= set(listing["events"])


def test_cancel_order_blocks_shipping(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line()])
    drop(backend, name, data)
    fake.event("run_import")
    assert fake.event("cancel_order", erp_order_no="SO000001")["status"] == "cancelled"
    with pytest.raises(ValueError, match="cancelled"):
        fake.event("ship_order", erp_order_no="SO000001", lines=[{"line_no": 1, "quantity": 1}])


def test_unknown_vendor_fault_name_is_refused(fake: Fake) -> None:
    with pytest.raises(ValueError, match="not a legacy fault"):
        fake.add_fault({"effect": {"kind": "vendor", "name": "rename_columns"}})


def test_snapshot_is_json_and_lists_files(fake: Fake, backend: LegacyBackend) -> None:
    name, data = order_file(1, [line()])
    drop(backend, name, data, trigger=False)
    state = json.loads(json.dumps(fake.state()))
    assert state["files"]["inbound"] == [name]
    assert set(state) >= {"orders", "imports", "sequence_gaps", "stock", "shipments", "exports"}
