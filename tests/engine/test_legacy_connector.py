"""The legacy connector against the legacy fake, in-process: SOAP and the file transport."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from fakes import mock
from sync_core.config import ConfigError, parse_config
from sync_core.connectors.legacy import ImportPending, LegacyConnector, build
from sync_core.errors import (
    AuthExpired,
    InvalidData,
    LockContention,
    MappingError,
    RemoteUnavailable,
    SchemaDrift,
    Throttled,
    UnknownOutcome,
)
from sync_core.model import Address, Order, OrderLine

IMPORT_S = 301  # the fake imports every 300 simulated seconds


@pytest.fixture
def fleet(tmp_path: Path):
    with mock("legacy", seed=1, options={"legacy": {"root_dir": str(tmp_path / "erp")}}) as f:
        yield f


def connector(fleet, tmp_path: Path, **settings: str) -> LegacyConnector:
    fake = fleet.legacy
    config = parse_config({
        "magento": {"base_url": "http://magento.invalid"},
        "erp": {"kind": "legacy", "base_url": fake.base_url,
                "credentials": {**fake.credentials(), "state_dir": str(tmp_path / "state"),
                                **settings}},
        "mapping": {"locations": {"default": "WH01", "wh-north": "WH02", "wh-south": "WH03"},
                    "default_customer": "CUST0001"},
    })
    return build(config, requests.Session())


def order(increment: str = "000000001", skus: tuple[str, ...] = ("SKU-000001",),
          qty: str = "2") -> Order:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return Order(
        source_id="1", increment_id=increment, store_code="default", store_id=1,
        customer_email="someone@example.com", customer_name="A B", currency="GBP",
        grand_total=Decimal("20"),
        lines=[OrderLine(line_no=n, sku=sku, qty=Decimal(qty), price=Decimal("9.99"))
               for n, sku in enumerate(skus, start=1)],
        shipping_address=Address(firstname="A", lastname="B", street=["1 Way"], city="C",
                                 postcode="P", country_id="GB"),
        created_at=now, updated_at=now,
    )


def erp_orders(fleet) -> list[tuple[str, str, int]]:
    return [(o["erp_order_no"], o["order_ref"], len(o["lines"]))
            for o in fleet.legacy.state()["orders"]]


def until_imported(fleet, conn: LegacyConnector, the_order: Order):
    """Send by file, let the ERP's import run, and return what the lookup then says."""
    with pytest.raises(ImportPending):
        conn.create_order(the_order)
    fleet.legacy.clock.advance(IMPORT_S)
    return conn.find_order(the_order.external_ref)


# -- SOAP -------------------------------------------------------------------------------------
def test_create_then_find_by_reference(fleet, tmp_path) -> None:
    conn = connector(fleet, tmp_path)
    the_order = order()
    assert conn.find_order(the_order.external_ref) is None
    created = conn.create_order(the_order)
    found = conn.find_order(the_order.external_ref)
    assert found is not None and found.remote_id == created.remote_id == "SO000001"
    assert erp_orders(fleet) == [("SO000001", "mage-default-000000001", 1)]


def test_create_looks_up_first_so_a_rerun_makes_no_copy(fleet, tmp_path) -> None:
    conn = connector(fleet, tmp_path)
    first = conn.create_order(order())
    again = connector(fleet, tmp_path).create_order(order())  # e.g. after a restart
    assert first == again
    assert len(erp_orders(fleet)) == 1


def test_unmappable_orders_are_mapping_errors_naming_the_order(fleet, tmp_path) -> None:
    conn = connector(fleet, tmp_path)
    with pytest.raises(MappingError, match="000000009") as info:
        conn.create_order(order("000000009", skus=("NOPE",)))
    assert info.value.field == "lines[0].sku"
    with pytest.raises(MappingError) as info:
        conn.create_order(order("000000010", qty="1.5"))
    assert info.value.field == "lines[0].qty"
    conn.mapping = conn.mapping.model_copy(update={"default_customer": None})
    with pytest.raises(MappingError) as info:
        conn.create_order(order("000000011"))
    assert info.value.field == "customer_email"
    assert erp_orders(fleet) == []


def test_stock_rows_carry_the_erp_as_of(fleet, tmp_path) -> None:
    rows = list(connector(fleet, tmp_path).stock_levels())
    dataset = fleet.legacy.ctx.dataset
    warehouses = {"WH01": "default", "WH02": "wh-north", "WH03": "wh-south"}
    assert len(rows) == len(dataset.products) * len(dataset.sources)
    for row in rows:
        assert row.qty == dataset.stock[(row.item_code, warehouses[row.location])]
        assert datetime.fromisoformat(row.version).tzinfo is not None


def test_lost_create_response_is_unknown_outcome_and_the_lookup_finds_it(fleet, tmp_path):
    fleet.legacy.add_fault({"target": {"method": "POST", "body_contains": "CreateOrder"},
                            "effect": {"kind": "lose_response"}, "trigger": {"first": 1}})
    conn = connector(fleet, tmp_path)
    with pytest.raises(UnknownOutcome):
        conn.create_order(order())
    found = conn.find_order(order().external_ref)
    assert found is not None and found.remote_id == "SO000001"
    assert conn.create_order(order()) == found
    assert len(erp_orders(fleet)) == 1


def test_throttling_outage_and_refused_credentials_are_retryable(fleet, tmp_path) -> None:
    fleet.legacy.add_fault({"effect": {"kind": "throttle", "retry_after_s": 5},
                            "trigger": {"first": 1}})
    with pytest.raises(Throttled) as info:
        connector(fleet, tmp_path).find_order("x")
    assert info.value.retry_after == 5
    fleet.legacy.add_fault({"effect": {"kind": "http_error", "status": 503},
                            "trigger": {"first": 1}})
    with pytest.raises(RemoteUnavailable):
        connector(fleet, tmp_path).find_order("x")
    with pytest.raises(AuthExpired):
        connector(fleet, tmp_path, password="wrong").find_order("x")


def test_partial_soap_create_names_the_rejected_lines(fleet, tmp_path) -> None:
    fleet.legacy.event("set_fault", fault="partial_import", params={"every": 2, "remaining": 1})
    conn = connector(fleet, tmp_path)
    with pytest.raises(InvalidData, match=r"SO000001 but rejected line 2 SKU-000002 \(LOCKED"):
        conn.create_order(order(skus=("SKU-000001", "SKU-000002")))
    fleet.legacy.event("set_fault", fault="partial_import", params={"every": 1, "remaining": 1})
    with pytest.raises(LockContention, match="000000002"):
        conn.create_order(order("000000002"))
    assert conn.create_order(order("000000002")).remote_id == "SO000002"  # the lock has gone


def test_changed_wsdl_refuses_every_call_until_it_matches_again(fleet, tmp_path) -> None:
    conn = connector(fleet, tmp_path)
    conn.create_order(order())
    fleet.legacy.event("set_fault", fault="wsdl_drift")
    with pytest.raises(SchemaDrift, match="order_ref"):
        conn.create_order(order("000000002"))
    with pytest.raises(SchemaDrift):
        conn.find_order("mage-default-000000002")
    assert len(erp_orders(fleet)) == 1
    fleet.legacy.event("clear_fault", fault="wsdl_drift")
    assert conn.create_order(order("000000002")).remote_id == "SO000002"


# -- files ------------------------------------------------------------------------------------
def test_order_file_waits_for_the_import_then_binds(fleet, tmp_path) -> None:
    conn = connector(fleet, tmp_path, transport="files")
    with pytest.raises(ImportPending) as info:
        conn.create_order(order())
    assert info.value.retry_after is None  # backs off by itself: no pause of the ERP
    with pytest.raises(ImportPending):
        conn.find_order(order().external_ref)
    fleet.legacy.clock.advance(IMPORT_S)
    found = conn.find_order(order().external_ref)
    assert found is not None and found.remote_id == "SO000001"
    assert conn.create_order(order()) == found  # a re-run binds, sends nothing
    state = fleet.legacy.state()
    assert state["files"]["inbound/processed"] == ["ORD_20260105_000001.csv",
                                                   "ORD_20260105_000001.csv.done"]
    assert state["files"]["ack"] == []  # picked up once recorded
    assert len(erp_orders(fleet)) == 1


def test_rejected_file_is_sent_again_under_the_same_number(fleet, tmp_path) -> None:
    fleet.legacy.event("set_fault", fault="partial_import", params={"every": 1, "remaining": 1})
    conn = connector(fleet, tmp_path, transport="files")
    with pytest.raises(ImportPending):
        conn.create_order(order())
    fleet.legacy.clock.advance(IMPORT_S)
    assert conn.find_order(order().external_ref) is None  # LOCKED: send it again
    assert until_imported(fleet, conn, order()).remote_id == "SO000001"
    state = fleet.legacy.state()
    assert [i["status"] for i in state["imports"]] == ["rejected", "accepted"]
    assert {i["file"] for i in state["imports"]} == {"ORD_20260105_000001.csv"}
    assert state["missing_sequences"] == [] and state["sequence_gaps"] == []


def test_partial_file_import_is_dead_lettered_with_the_rows(fleet, tmp_path) -> None:
    fleet.legacy.event("set_fault", fault="partial_import", params={"every": 2, "remaining": 1})
    conn = connector(fleet, tmp_path, transport="files")
    with pytest.raises(InvalidData, match=r"partly as SO000001; rejected line 2 SKU-000002"):
        until_imported(fleet, conn, order(skus=("SKU-000001", "SKU-000002")))
    assert [a["kind"] for a in conn.alerts()] == ["partial_import"]


def test_lost_trigger_answer_resumes_the_same_file(fleet, tmp_path) -> None:
    fleet.legacy.add_fault({"target": {"method": "PUT", "path": r"\.done$"},
                            "effect": {"kind": "lose_response"}, "trigger": {"first": 1}})
    conn = connector(fleet, tmp_path, transport="files")
    with pytest.raises(UnknownOutcome):
        conn.create_order(order())
    with pytest.raises(ImportPending):
        conn.find_order(order().external_ref)
    fleet.legacy.clock.advance(IMPORT_S)
    assert conn.find_order(order().external_ref).remote_id == "SO000001"
    assert len(fleet.legacy.state()["imports"]) == 1


def test_file_transport_needs_a_state_dir(fleet) -> None:
    fake = fleet.legacy
    with pytest.raises(ConfigError, match="state_dir"):
        build(parse_config({"magento": {"base_url": "http://m"},
                            "erp": {"kind": "legacy", "base_url": fake.base_url,
                                    "credentials": {**fake.credentials(), "transport": "files"}}}),
              requests.Session())


def test_stock_exports_are_checked_before_they_are_applied(fleet, tmp_path) -> None:
    conn = connector(fleet, tmp_path, transport="files")
    erp = fleet.legacy
    erp.event("export_stock")
    rows = {(r.item_code, r.location): r.qty for r in conn.stock_levels()}
    assert rows[("SKU-000001", "WH01")] == erp.ctx.dataset.stock[("SKU-000001", "default")]
    erp.clock.advance(60)
    erp.event("set_fault", fault="reorder_columns", params={"remaining": 1})
    erp.event("set_stock", sku="SKU-000001", warehouse="WH01", quantity=7)
    erp.event("export_stock")
    with pytest.raises(SchemaDrift, match="columns reordered"):  # the newest is unreadable
        list(conn.stock_levels())
    first = erp.state()["exports"][0]["name"]
    erp.event("set_fault", fault="skip_sequence", params={"remaining": 1})
    erp.event("set_fault", fault="repeat_export", params={"remaining": 1})
    erp.event("export_stock")
    erp.event("redrop_export", file=first)
    rows = {(r.item_code, r.location): r for r in conn.stock_levels()}
    assert rows[("SKU-000001", "WH01")].qty == 7
    kinds = [a["kind"] for a in conn.alerts()]
    assert kinds == ["stock_refused", "stock_redrop", "stock_sequence_gap", "stock_repeat"]
    assert "columns reordered" in conn.alerts()[0]["detail"]
    assert rows[("SKU-000001", "WH02")].version < rows[("SKU-000001", "WH01")].version
    outbound = erp.state()["files"]["outbound"]
    assert all(name.startswith(erp.state()["exports"][1]["name"][:-4]) for name in outbound)


def test_an_acknowledged_order_the_erp_did_not_keep_is_unknown_outcome(fleet, tmp_path):
    fleet.legacy.add_fault({"target": {"method": "POST", "body_contains": "CreateOrder"},
                            "effect": {"kind": "silent_drop"}, "trigger": {"first": 1}})
    conn = connector(fleet, tmp_path)
    with pytest.raises(UnknownOutcome, match="does not have it"):
        conn.create_order(order())
    assert conn.find_order(order().external_ref) is None
    assert conn.create_order(order()).remote_id == "SO000001"
    assert len(erp_orders(fleet)) == 1


def test_stock_versions_move_only_with_the_quantity(fleet, tmp_path) -> None:
    conn = connector(fleet, tmp_path)
    first = {(r.item_code, r.location): r for r in conn.stock_levels()}
    fleet.legacy.clock.advance(600)
    fleet.legacy.event("set_stock", sku="SKU-000001", warehouse="WH01", quantity=3)
    second = {(r.item_code, r.location): r for r in conn.stock_levels()}
    assert second[("SKU-000002", "WH01")] == first[("SKU-000002", "WH01")]
    assert second[("SKU-000001", "WH01")].qty == 3
    assert second[("SKU-000001", "WH01")].version > first[("SKU-000001", "WH01")].version


def test_order_states_show_erp_cancellations(fleet, tmp_path) -> None:
    conn = connector(fleet, tmp_path)
    conn.create_order(order())
    conn.create_order(order("000000002"))
    fleet.legacy.event("cancel_order", erp_order_no="SO000002")
    refs = ["mage-default-000000001", "mage-default-000000002", "mage-default-000000003"]
    assert conn.order_states(refs) == {"mage-default-000000001": "open",
                                       "mage-default-000000002": "cancelled"}


def test_an_order_file_that_vanished_is_sent_again(fleet, tmp_path) -> None:
    fleet.legacy.add_fault({"target": {"method": "PUT", "path": "^/files/inbound/"},
                            "effect": {"kind": "silent_drop"}, "trigger": {"first": 2}})
    conn = connector(fleet, tmp_path, transport="files")
    with pytest.raises(ImportPending):
        conn.create_order(order())
    assert fleet.legacy.state()["files"]["inbound"] == []  # the ERP kept nothing
    with pytest.raises(ImportPending):
        conn.find_order(order().external_ref)  # sees it gone: drops it again
    fleet.legacy.clock.advance(IMPORT_S)
    assert conn.find_order(order().external_ref).remote_id == "SO000001"
    assert [a["kind"] for a in conn.alerts()] == ["order_file_vanished"]


def test_settings_come_from_options_and_locations_are_checked(fleet, tmp_path) -> None:
    fake = fleet.legacy
    config = parse_config({
        "magento": {"base_url": "http://magento.invalid"},
        "erp": {"kind": "legacy", "base_url": fake.base_url, "credentials": fake.credentials(),
                "options": {"warehouse": "WH09", "stock_source": "soap"}},
        "mapping": {"locations": {"default": "WH01", "wh-north": "WH07"}},
    })
    conn = build(config, requests.Session())
    assert (conn.settings.transport, conn.settings.warehouse) == ("soap", "WH09")
    assert conn.location_problems() == []  # nothing read yet
    list(conn.stock_levels())
    assert conn.location_problems() == [
        "Magento source wh-north maps to legacy warehouse WH07, which the ERP does not have",
        "legacy warehouse WH02 has no Magento source: its stock is not synced",
        "legacy warehouse WH03 has no Magento source: its stock is not synced",
        "order lines go to legacy warehouse WH09, which the ERP does not have",
    ]


def test_an_ack_that_does_not_reconcile_is_not_believed(fleet, tmp_path) -> None:
    conn = connector(fleet, tmp_path, transport="files")
    with pytest.raises(ImportPending):
        conn.create_order(order())
    fleet.legacy.clock.advance(IMPORT_S)
    fleet.legacy.state()  # the ERP's jobs catch up with the clock
    folders = fleet.legacy.backend.folders
    ack = folders.read("ack", "ORD_20260105_000001.ack").decode()
    folders.write("ack", "ORD_20260105_000001.ack",
                  ack.replace("rows_total=1", "rows_total=2").encode())
    with pytest.raises(InvalidData, match="does not reconcile: rows_total 2 but 1 rows"):
        conn.find_order(order().external_ref)
    assert [a["kind"] for a in conn.alerts()] == ["ack_totals"]
