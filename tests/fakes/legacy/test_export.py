"""Stock and shipment exports, their control files, and the export faults (FM-L02/L04, stale)."""

from __future__ import annotations

import csv
import io

import pytest

from contracts.legacy.layouts import parse_key_values, validate_control, validate_header
from fakes.core.fake import Fake
from fakes.legacy import LegacyBackend
from tests.fakes.legacy.helpers import drop, line, order_file


def outbound(backend: LegacyBackend, name: str) -> str:
    return backend.folders.read("outbound", name).decode()


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def ship_one(fake: Fake, backend: LegacyBackend, quantity: int = 1) -> str:
    name, data = order_file(1, [line(line_no=1, quantity="3"), line(line_no=2, sku="SKU-000002")])
    drop(backend, name, data)
    fake.event("run_import")
    fake.event("set_stock", sku="SKU-000001", warehouse="WH01", quantity=50)
    fake.event("ship_order", erp_order_no="SO000001",
               lines=[{"line_no": 1, "quantity": quantity}], tracking="TRACK1")
    return "SO000001"


def test_stock_export_and_control_file(fake: Fake, backend: LegacyBackend) -> None:
    [record] = fake.event("export_stock")["exports"]
    assert record["name"] == "STOCK_20260105090000_000001.csv"
    assert record["control_file"] == "STOCK_20260105090000_000001.ctl"
    data = outbound(backend, record["name"])
    control = outbound(backend, record["control_file"])
    assert validate_control("stock_export", control, data) == (True, "ok")
    parsed = rows(data)
    assert len(parsed) == 24 * 3 and parsed[0]["as_of"] == "2026-01-05T09:00:00Z"
    keys = parse_key_values(control, ",")
    assert keys["ROW_COUNT"] == "72" and keys["FILE_SEQUENCE"] == "000001"
    assert int(keys["SUM_QUANTITY"]) == sum(int(r["quantity"]) for r in parsed)
    assert data.endswith("\r\n")


def test_stock_export_follows_stock_changes(fake: Fake, backend: LegacyBackend) -> None:
    fake.event("set_stock", sku="SKU-000001", warehouse="WH02", quantity=7)
    fake.clock.advance(60)
    [record] = fake.event("export_stock", sku="SKU-000001")["exports"]
    parsed = rows(outbound(backend, record["name"]))
    assert {(r["warehouse"], r["quantity"]) for r in parsed} >= {("WH02", "7")}
    assert record["seq"] == 1 and record["rows"] == 3


def test_shipment_export_is_incremental(fake: Fake, backend: LegacyBackend) -> None:
    ship_one(fake, backend)
    [first] = fake.event("export_shipments")["exports"]
    parsed = rows(outbound(backend, first["name"]))
    assert parsed == [{"order_ref": "100000001", "erp_order_no": "SO000001", "line_no": "1",
                       "sku": "SKU-000001", "quantity": "1", "warehouse": "WH01",
                       "tracking": "TRACK1", "shipped_at": "2026-01-05T09:00:00Z"}]
    assert validate_control("shipment_export", outbound(backend, first["control_file"]),
                            outbound(backend, first["name"]))[0]
    [second] = fake.event("export_shipments")["exports"]
    assert second["name"].startswith("SHIP_") and second["seq"] == 2 and second["rows"] == 0
    [again] = fake.event("export_shipments", since="2026-01-05T00:00:00Z")["exports"]
    assert again["rows"] == 1


def test_rename_columns_is_caught_by_the_header_check(fake: Fake, backend: LegacyBackend) -> None:
    fake.event("set_fault", fault="rename_columns", params={"kind": "stock"})
    [record] = fake.event("export_stock")["exports"]
    data = outbound(backend, record["name"])
    assert data.splitlines()[0] == "sku,warehouse,qty,as_of"
    assert validate_header("stock_export", data) == (
        False, "missing columns: quantity; unexpected columns: qty")
    assert parse_key_values(outbound(backend, record["control_file"]), ",")[
        "INTERFACE_VERSION"] == "1.0"  # unannounced
    [ship] = fake.event("export_shipments")["exports"]
    assert validate_header("shipment_export", outbound(backend, ship["name"]))[0]


def test_reorder_columns_moves_data_with_header(fake: Fake, backend: LegacyBackend) -> None:
    fake.event("set_fault", fault="reorder_columns", params={"order": ["quantity"]})
    [record] = fake.event("export_stock", sku="SKU-000003", warehouse="WH01")["exports"]
    data = outbound(backend, record["name"])
    header, first = data.splitlines()[:2]
    assert header == "quantity,sku,warehouse,as_of"
    assert first.split(",")[1:3] == ["SKU-000003", "WH01"]
    assert validate_header("stock_export", data)[1].startswith("columns reordered")
    assert validate_control("stock_export", outbound(backend, record["control_file"]), data)[0] is (
        False)


def test_skip_sequence_and_repeat_export(fake: Fake, backend: LegacyBackend) -> None:
    fake.event("export_stock")
    fake.event("set_fault", fault="skip_sequence", params={"remaining": 1})
    [skipped] = fake.event("export_stock")["exports"]
    assert skipped["seq"] == 3
    fake.event("set_fault", fault="repeat_export")
    first, copy = fake.event("export_stock")["exports"]
    assert (first["seq"], copy["seq"], copy["duplicate_of"]) == (4, 5, first["name"])
    assert outbound(backend, first["name"]) == outbound(backend, copy["name"])
    assert [e["seq"] for e in fake.state()["exports"]] == [1, 3, 4, 5]


def test_redrop_export_writes_same_name_again(fake: Fake, backend: LegacyBackend) -> None:
    [record] = fake.event("export_stock")["exports"]
    original = outbound(backend, record["name"])
    backend.folders.delete("outbound", record["name"])
    fake.event("redrop_export", file=record["name"])
    assert outbound(backend, record["name"]) == original
    assert fake.state()["exports"][-1]["duplicate_of"] == record["name"]
    with pytest.raises(ValueError):
        fake.event("redrop_export", file="nope.csv")


def test_stale_export_carries_old_time_and_old_quantities(fake: Fake, backend: LegacyBackend
                                                          ) -> None:
    fake.clock.advance(7200)
    fake.event("set_stock", sku="SKU-000001", warehouse="WH01", quantity=999)
    fake.event("set_fault", fault="stale_export", params={"age_s": 3600, "kind": "stock"})
    [record] = fake.event("export_stock", sku="SKU-000001", warehouse="WH01")["exports"]
    assert record["extracted_at"] == "2026-01-05T10:00:00Z"
    assert record["name"] == "STOCK_20260105100000_000001.csv"
    [row] = rows(outbound(backend, record["name"]))
    assert row["as_of"] == "2026-01-05T10:00:00Z" and row["quantity"] != "999"
    fake.event("clear_fault")
    [fresh] = fake.event("export_stock", sku="SKU-000001", warehouse="WH01")["exports"]
    assert rows(outbound(backend, fresh["name"]))[0]["quantity"] == "999"


def test_scheduled_exports(tmp_path) -> None:
    from fakes.legacy import SPEC

    fake = Fake(SPEC, options={"root_dir": str(tmp_path), "export_interval_s": 3600})
    fake.clock.advance(3 * 3600 + 5)
    exports = fake.state()["exports"]
    assert [(e["kind"], e["extracted_at"]) for e in exports] == [
        ("stock", "2026-01-05T12:00:00Z"), ("shipments", "2026-01-05T12:00:00Z")]


def test_bad_fault_params_are_refused(fake: Fake) -> None:
    with pytest.raises(ValueError, match="unknown legacy fault"):
        fake.event("set_fault", fault="explode")
    with pytest.raises(ValueError, match="every"):
        fake.event("set_fault", fault="partial_import", params={"every": 0})
    response = fake.flask.test_client().post(
        "/__harness__/events", json={"name": "set_fault", "payload": {"fault": "stale_export",
                                                                      "params": {"age_s": -1}}})
    assert response.status_code == 400
