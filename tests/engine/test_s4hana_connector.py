"""The S/4HANA connector against the S/4HANA fake, in-process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from fakes import SimClock, mock
from fakes.core.bridge import FakeFleet
from sync_core.config import ConfigError, ErpConfig, MappingConfig
from sync_core.connectors.s4hana import S4Client, S4Connector, customer_reference
from sync_core.errors import (
    AuthExpired,
    BusinessHold,
    InvalidData,
    MappingError,
    RemoteUnavailable,
    SchemaDrift,
    Throttled,
    UnknownOutcome,
)
from sync_core.model import Address, Order, OrderLine

LOCATIONS = {"default": "1010/0001", "wh-north": "1010/0002", "wh-south": "1020/0001"}
ORDERS = r"/API_SALES_ORDER_SRV/A_SalesOrder$"


@pytest.fixture
def clock() -> SimClock:
    return SimClock()


@pytest.fixture
def fleet(clock: SimClock) -> Iterator[FakeFleet]:
    with mock("s4hana", seed=1, clock=clock) as running:
        yield running


def connector(fleet: FakeFleet, creds: dict[str, str] | None = None, **mapping: Any) -> S4Connector:
    fake = fleet.s4hana
    config = ErpConfig.model_validate(
        {
            "kind": "s4hana",
            "base_url": fake.base_url,
            "credentials": {**fake.credentials(), **(creds or {})},
        }
    )
    return S4Connector(S4Client(config), MappingConfig(locations=LOCATIONS, **mapping))


def order(
    fleet: FakeFleet,
    increment: str = "000000001",
    sku: str = "SKU-000001",
    email: str | None = None,
    store: str = "default",
) -> Order:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return Order(
        source_id="1", increment_id=increment, store_code=store, store_id=1,
        customer_email=email or fleet.s4hana.ctx.dataset.customers[0].email,
        customer_name="A B", currency="EUR", grand_total=Decimal("20"),
        lines=[OrderLine(line_no=1, sku=sku, qty=Decimal(2), price=Decimal(10))],
        shipping_address=Address(firstname="A", lastname="B", street=["1 Way"], city="C",
                                 postcode="P", country_id="GB"),
        created_at=now, updated_at=now,
    )  # fmt: skip


def sales_orders(fleet: FakeFleet) -> list[dict[str, Any]]:
    return list(fleet.s4hana.state()["salesOrders"])


# -- orders ---------------------------------------------------------------------------------
def test_create_then_find_by_customer_reference(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    the_order = order(fleet)
    assert conn.find_order(the_order.external_ref) is None
    created = conn.create_order(the_order)
    found = conn.find_order(the_order.external_ref)
    assert found is not None and found.remote_id == created.remote_id
    (record,) = sales_orders(fleet)
    assert record["PurchaseOrderByCustomer"] == "mage-default-000000001"
    assert record["SoldToParty"] == "10000001"
    (item,) = record["items"]
    assert (item["Material"], item["RequestedQuantity"]) == ("SKU-000001", "2")
    assert (item["ProductionPlant"], item["StorageLocation"]) == ("1010", "0001")


def test_rerun_finds_the_order_instead_of_posting_again(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    the_order = order(fleet)
    conn.create_order(the_order)
    for _ in range(2):  # what the flow does on every later attempt: look up, then create
        assert conn.find_order(the_order.external_ref) is not None
    assert len(sales_orders(fleet)) == 1
    conn.create_order(the_order)  # SAP itself does not refuse a repeated reference
    assert len(sales_orders(fleet)) == 2
    found = conn.find_order(the_order.external_ref)
    assert found is not None and found.remote_id == "1"  # the first one, deterministically


def test_long_reference_is_compact_and_deterministic(fleet: FakeFleet) -> None:
    the_order = order(fleet, increment="9000000000001", store="a_very_long_store_view_code")
    reference = customer_reference(the_order.external_ref)
    assert len(the_order.external_ref) > 35 and len(reference) == 35
    assert reference.endswith("9000000000001") and reference == customer_reference(
        the_order.external_ref
    )
    other = order(fleet, increment="9000000000001", store="a_very_long_store_view_codf")
    assert customer_reference(other.external_ref) != reference
    conn = connector(fleet)
    created = conn.create_order(the_order)
    found = conn.find_order(the_order.external_ref)
    assert found is not None and found.remote_id == created.remote_id
    assert the_order.external_ref in conn.order_refs()
    assert other.external_ref not in conn.order_refs()


def test_sold_to_from_accounts_then_email_then_default(fleet: FakeFleet) -> None:
    customers = fleet.s4hana.ctx.dataset.customers
    by_email = connector(fleet)
    assert by_email.sold_to(order(fleet, email=customers[2].email.upper())) == "10000003"
    mapped = connector(fleet, accounts={customers[2].email: "10000005"})
    assert mapped.sold_to(order(fleet, email=customers[2].email)) == "10000005"
    fallback = connector(fleet, default_customer="10000004")
    assert fallback.sold_to(order(fleet, email="walk-in@example.net")) == "10000004"


def test_no_business_partner_is_a_mapping_error_naming_the_order(fleet: FakeFleet) -> None:
    with pytest.raises(MappingError, match="000000007") as info:
        connector(fleet).create_order(order(fleet, "000000007", email="walk-in@example.net"))
    assert info.value.field == "customer_email"
    assert sales_orders(fleet) == []


def test_without_the_email_entity_set_the_default_customer_is_used(fleet: FakeFleet) -> None:
    fleet.s4hana.add_fault(
        {
            "target": {"path": "A_AddressEmailAddress"},
            "effect": {"kind": "http_error", "status": 404, "code": "/IWBEP/CM_MGW_RT/020",
                       "message": "Resource not found for segment 'A_AddressEmailAddress'"},
        }
    )  # fmt: skip
    conn = connector(fleet, default_customer="10000002")
    conn.create_order(order(fleet))
    conn.create_order(order(fleet, "000000002", email="other@example.net"))
    assert {o["SoldToParty"] for o in sales_orders(fleet)} == {"10000002"}
    lookups = [e for e in fleet.s4hana.entries() if "A_AddressEmailAddress" in e.path]
    assert len(lookups) == 1  # asked once, then known to be unavailable


def test_unknown_material_is_a_mapping_error(fleet: FakeFleet) -> None:
    with pytest.raises(MappingError, match="000000009") as info:
        connector(fleet).create_order(order(fleet, "000000009", sku="NOPE"))
    assert info.value.field == "lines[0].sku"


def test_malformed_location_mapping_is_refused_at_start(fleet: FakeFleet) -> None:
    with pytest.raises(ConfigError, match="PLANT/SLOC"):
        S4Connector(connector(fleet).client, MappingConfig(locations={"x": "10100"}))


def test_a_plant_the_material_is_not_in_rejects_the_order_with_its_reason(
    fleet: FakeFleet,
) -> None:
    conn = connector(fleet)
    wrong = S4Connector(conn.client, MappingConfig(locations={**LOCATIONS, "default": "1030/0001"}))
    with pytest.raises(InvalidData, match="order 000000004: .*not maintained in plant 1030"):
        wrong.create_order(order(fleet, "000000004"))
    assert sales_orders(fleet) == []


def test_blocked_customer_is_a_business_hold_naming_the_order(fleet: FakeFleet) -> None:
    fleet.s4hana.event("block_customer", customer="10000001")
    with pytest.raises(BusinessHold, match="order 000000003"):
        connector(fleet).create_order(order(fleet, "000000003"))


def test_order_states_report_cancellations(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    first, second = order(fleet), order(fleet, "000000002")
    created = conn.create_order(first)
    conn.create_order(second)
    fleet.s4hana.event("cancel_order", sales_order=created.remote_id)
    states = conn.order_states([first.external_ref, second.external_ref, "mage-default-x"])
    assert states == {first.external_ref: "cancelled", second.external_ref: "open"}


# -- stock ----------------------------------------------------------------------------------
def test_stock_rows_per_material_and_plant_storage_location(fleet: FakeFleet) -> None:
    rows = list(connector(fleet).stock_levels())
    dataset = fleet.s4hana.ctx.dataset
    assert len(rows) == len(dataset.products) * len(dataset.sources)
    sources = {v: k for k, v in LOCATIONS.items()}
    for row in rows:
        assert row.qty == dataset.stock[(row.item_code, sources[row.location])]
        assert datetime.fromisoformat(row.version).tzinfo is not None


def test_stock_versions_stay_until_the_quantity_changes(fleet: FakeFleet, clock: SimClock) -> None:
    conn = connector(fleet)
    first = {(r.item_code, r.location): r for r in conn.stock_levels()}
    clock.advance(600)
    fleet.s4hana.event(
        "set_stock", material="SKU-000002", plant="1020", storage_location="0001", quantity=7
    )
    second = {(r.item_code, r.location): r for r in conn.stock_levels()}
    changed = ("SKU-000002", "1020/0001")
    assert second[changed].qty == 7 and second[changed].version > first[changed].version
    assert all(second[k].version == first[k].version for k in first if k != changed)


def test_unrestricted_stock_is_summed_and_unmapped_locations_are_kept(fleet: FakeFleet) -> None:
    fleet.s4hana.event(
        "set_stock", material="SKU-000001", plant="1010", storage_location="0009", quantity=5
    )
    rows = {(r.item_code, r.location): r.qty for r in connector(fleet).stock_levels()}
    assert rows[("SKU-000001", "1010/0009")] == 5  # the flow reports it as unmapped


# -- transport and errors -------------------------------------------------------------------
def test_acknowledged_but_not_kept_is_unknown_outcome(fleet: FakeFleet) -> None:
    fleet.s4hana.add_fault(
        {"target": {"method": "POST", "path": ORDERS}, "effect": {"kind": "silent_drop"}}
    )
    with pytest.raises(UnknownOutcome, match="does not have it"):
        connector(fleet).create_order(order(fleet))
    assert sales_orders(fleet) == []


def test_lost_response_is_unknown_outcome(fleet: FakeFleet) -> None:
    fleet.s4hana.add_fault(
        {"target": {"method": "POST", "path": ORDERS}, "effect": {"kind": "lose_response"}}
    )
    with pytest.raises(UnknownOutcome):
        connector(fleet).create_order(order(fleet))
    assert len(sales_orders(fleet)) == 1


def test_expired_session_is_refetched_once_transparently(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    conn.create_order(order(fleet))
    fleet.s4hana.event("expire_csrf")
    conn.create_order(order(fleet, "000000002"))
    assert len(sales_orders(fleet)) == 2
    statuses = [(e.method, e.status) for e in fleet.s4hana.entries()[-4:]]
    assert statuses == [("POST", 403), ("HEAD", 200), ("POST", 201), ("GET", 200)]


def test_a_second_csrf_refusal_is_auth_expired(fleet: FakeFleet) -> None:
    fleet.s4hana.add_fault(
        {"target": {"method": "POST"}, "effect": {"kind": "vendor", "name": "session_expired"}}
    )
    with pytest.raises(AuthExpired):
        connector(fleet).create_order(order(fleet))
    assert sales_orders(fleet) == []


def test_throttling_outage_and_bad_credentials(fleet: FakeFleet) -> None:
    fake = fleet.s4hana
    fake.add_fault({"effect": {"kind": "throttle", "retry_after_s": 5}, "trigger": {"first": 1}})
    with pytest.raises(Throttled) as info:
        connector(fleet).find_order("mage-default-1")
    assert info.value.retry_after == 5
    fake.add_fault({"id": "down", "effect": {"kind": "http_error", "status": 503}})
    with pytest.raises(RemoteUnavailable):
        connector(fleet).find_order("mage-default-1")
    fake.clear_faults()
    with pytest.raises(AuthExpired):
        connector(fleet, {"password": "wrong"}).find_order("mage-default-1")


def test_contract_changes_are_schema_drift(fleet: FakeFleet) -> None:
    fleet.s4hana.add_fault(
        {
            "target": {"method": "POST", "path": ORDERS},
            "effect": {"kind": "http_error", "status": 400, "code": "V1/102",
                       "message": "Enter a value for field ZZ1_WebChannel"},
        }
    )  # fmt: skip
    with pytest.raises(SchemaDrift, match="order 000000001"):
        connector(fleet).create_order(order(fleet))


def test_other_rejections_are_invalid_data(fleet: FakeFleet) -> None:
    fleet.s4hana.add_fault(
        {
            "target": {"method": "POST", "path": ORDERS},
            "effect": {"kind": "http_error", "status": 400, "code": "V1/384",
                       "message": "Enter a positive order quantity"},
        }
    )  # fmt: skip
    with pytest.raises(InvalidData, match="order 000000001"):
        connector(fleet).create_order(order(fleet))
