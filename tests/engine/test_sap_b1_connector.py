"""The SAP Business One connector against the Service Layer fake, in-process."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import requests

from fakes import mock
from sync_core.config import ErpConfig, MappingConfig
from sync_core.connectors.sap_b1 import (
    B1Client,
    SapB1Connector,
    SessionInvalid,
    TransactionRejected,
)
from sync_core.connectors.sap_b1.connector import version_of
from sync_core.errors import (
    AuthExpired,
    BusinessHold,
    MappingError,
    RemoteUnavailable,
    SchemaDrift,
    Throttled,
    UnknownOutcome,
)
from sync_core.model import Address, Order, OrderLine

LOCATIONS = {"default": "01", "wh-north": "02", "wh-south": "03"}


@pytest.fixture
def fleet():
    with mock("sap-b1", seed=1) as running:
        yield running


def connector(fleet, mapping: MappingConfig | None = None, page_size: int = 100,
              ref_udf: str | None = None, **creds: str) -> SapB1Connector:
    fake = fleet.sap_b1
    config = ErpConfig(kind="sap-b1", base_url=fake.base_url,
                       credentials={**fake.credentials(), **creds})
    client = B1Client(config, requests.Session(), page_size=page_size)
    return SapB1Connector(client, mapping or MappingConfig(locations=LOCATIONS), ref_udf)


def order(fleet, increment: str = "000000001", sku: str = "SKU-000001",
          email: str | None = None) -> Order:
    customer = fleet.sap_b1.ctx.dataset.customers[0]
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return Order(
        source_id="1", increment_id=increment, store_code="default", store_id=1,
        customer_email=email or customer.email, customer_name="A B", currency="GBP",
        grand_total=Decimal("20"), lines=[OrderLine(line_no=1, sku=sku, qty=Decimal(2),
                                                    price=Decimal(10))],
        shipping_address=Address(firstname="A", lastname="B", street=["1 Way"], city="C",
                                 postcode="P", country_id="GB"),
        created_at=now, updated_at=now,
    )


def orders_of(fleet) -> list[dict]:
    return list(fleet.sap_b1.state()["Orders"])


# -- orders ---------------------------------------------------------------------------------------
def test_create_then_find_by_num_at_card(fleet) -> None:
    conn = connector(fleet)
    the_order = order(fleet)
    assert conn.find_order(the_order.external_ref) is None
    created = conn.create_order(the_order)
    found = conn.find_order(the_order.external_ref)
    assert found == created
    (doc,) = orders_of(fleet)
    assert doc["NumAtCard"] == "mage-default-000000001"
    assert doc["CardCode"] == "C00001"  # found by EmailAddress
    assert created.display == str(doc["DocNum"]) and created.remote_id == str(doc["DocEntry"])
    assert [(line["ItemCode"], line["Quantity"], line["UnitPrice"])
            for line in doc["DocumentLines"]] == [("SKU-000001", 2.0, 10.0)]


def test_duplicate_guard_refusal_is_read_as_already_there(fleet) -> None:
    fleet.sap_b1.ctx.options["transaction_notification_duplicates"] = True
    conn = connector(fleet)
    first = conn.create_order(order(fleet))
    again = conn.create_order(order(fleet))  # a re-run that skipped the lookup
    assert again == first
    assert len(orders_of(fleet)) == 1


def test_other_transaction_notification_refusals_are_business_holds(fleet) -> None:
    fleet.sap_b1.add_fault({"target": {"method": "POST", "path": "/Orders"},
                            "effect": {"kind": "vendor", "name": "transaction_notification",
                                       "params": {"message": "(TN) Credit check failed"}}})
    with pytest.raises(TransactionRejected, match="Credit check failed") as info:
        connector(fleet).create_order(order(fleet))
    assert isinstance(info.value, BusinessHold)
    assert orders_of(fleet) == []


def test_reference_in_a_user_field_too(fleet) -> None:
    conn = connector(fleet, ref_udf="U_MageRef")
    created = conn.create_order(order(fleet))
    (doc,) = orders_of(fleet)
    assert doc["U_MageRef"] == "mage-default-000000001"
    assert conn.find_order("mage-default-000000001") == created
    with pytest.raises(ValueError):
        connector(fleet, ref_udf="MageRef")


def test_frozen_partner_is_a_business_hold(fleet) -> None:
    fleet.sap_b1.event("freeze_partner", card_code="C00001")
    with pytest.raises(BusinessHold, match="inactive"):
        connector(fleet).create_order(order(fleet))


# -- mapping --------------------------------------------------------------------------------------
def test_unknown_item_is_a_mapping_error(fleet) -> None:
    with pytest.raises(MappingError, match="order 000000009") as info:
        connector(fleet).create_order(order(fleet, "000000009", sku="NOPE"))
    assert info.value.field == "lines[0].sku"
    assert orders_of(fleet) == []


def test_customer_without_partner_is_held_unless_a_default_is_set(fleet) -> None:
    stranger = order(fleet, "000000007", email="nobody@example.org")
    with pytest.raises(MappingError, match="order 000000007") as info:
        connector(fleet).create_order(stranger)
    assert info.value.field == "customer_email"
    assert "no default_customer" in info.value.message
    policy = MappingConfig(locations=LOCATIONS, default_customer="C00005")
    connector(fleet, policy).create_order(stranger)
    assert [d["CardCode"] for d in orders_of(fleet)] == ["C00005"]


def test_account_mapping_wins_and_is_checked(fleet) -> None:
    email = fleet.sap_b1.ctx.dataset.customers[0].email
    mapped = MappingConfig(locations=LOCATIONS, accounts={email: "C00003"})
    connector(fleet, mapped).create_order(order(fleet))
    assert [d["CardCode"] for d in orders_of(fleet)] == ["C00003"]
    broken = MappingConfig(locations=LOCATIONS, accounts={email: "C99999"})
    with pytest.raises(MappingError, match="C99999"):
        connector(fleet, broken).create_order(order(fleet, "000000002"))


def test_unknown_property_is_schema_drift(fleet) -> None:
    conn = connector(fleet)
    with pytest.raises(SchemaDrift, match="NoSuchField"):
        conn.client.create("Orders", {"CardCode": "C00001", "NoSuchField": 1,
                                      "DocumentLines": [{"ItemCode": "SKU-000001"}]})


# -- stock ----------------------------------------------------------------------------------------
def test_stock_rows_per_item_and_warehouse_with_timestamps(fleet) -> None:
    rows = list(connector(fleet, page_size=5).stock_levels())  # five items a page
    dataset = fleet.sap_b1.ctx.dataset
    assert len(rows) == len(dataset.products) * len(dataset.sources)
    sources = {code: source for source, code in LOCATIONS.items()}
    for row in rows:
        assert row.qty == dataset.stock[(row.item_code, sources[row.location])]
        assert datetime.fromisoformat(row.version)


def test_stock_follows_relative_next_links(fleet) -> None:
    fleet.sap_b1.ctx.options["next_link_style"] = "relative"
    codes = connector(fleet, page_size=7).item_codes()
    assert len(codes) == len(fleet.sap_b1.ctx.dataset.products)


def test_versions() -> None:
    assert version_of({"ItemCode": "A", "UpdateDate": "2026-01-05"}) == "2026-01-05"
    for time in ("14:03:07", "140307", "PT14H3M7S", "2026-01-05T14:03:07"):
        assert version_of({"UpdateDate": "2026-01-05", "UpdateTime": time}) == (
            "2026-01-05T14:03:07"
        )
    digest = version_of({"ItemCode": "A"})
    assert digest.startswith("sha1:") and digest == version_of({"ItemCode": "A", "X": 1})


def test_mapping_problems_are_reported(fleet) -> None:
    mapping = MappingConfig(locations={"default": "01", "wh-south": "77"})
    problems = connector(fleet, mapping).check_warehouses()
    assert "source wh-south maps to warehouse 77, not in SAP B1" in problems
    assert any("warehouse 02 has no Magento source" in p for p in problems)


# -- transport ------------------------------------------------------------------------------------
def test_lost_response_is_unknown_outcome_then_found(fleet) -> None:
    fleet.sap_b1.add_fault({"target": {"method": "POST", "path": "/Orders"},
                            "effect": {"kind": "lose_response"}})
    conn = connector(fleet)
    with pytest.raises(UnknownOutcome):
        conn.create_order(order(fleet))
    assert len(orders_of(fleet)) == 1
    assert conn.find_order("mage-default-000000001") is not None


def test_throttling_and_outage(fleet) -> None:
    fleet.sap_b1.add_fault({"target": {"path": "/Items"},
                            "effect": {"kind": "throttle", "retry_after_s": 5},
                            "trigger": {"first": 1}})
    with pytest.raises(Throttled) as info:
        connector(fleet).item_codes()
    assert info.value.retry_after == 5
    fleet.sap_b1.add_fault({"target": {"path": "/Items"},
                            "effect": {"kind": "http_error", "status": 503},
                            "trigger": {"first": 1}})
    with pytest.raises(RemoteUnavailable):
        connector(fleet).item_codes()


def test_expired_session_is_renewed_transparently(fleet) -> None:
    conn = connector(fleet)
    conn.item_codes()
    fleet.sap_b1.clock.advance(31 * 60)  # past the 30-minute sliding timeout
    assert conn.find_order("mage-default-000000001") is None
    fleet.sap_b1.event("expire_sessions")
    conn.create_order(order(fleet))
    fleet.sap_b1.add_fault({"effect": {"kind": "vendor", "name": "invalid_session"},
                            "trigger": {"first": 1}})
    assert conn.find_order("mage-default-000000001") is not None
    assert conn.client.logins == 4
    assert len(orders_of(fleet)) == 1


def test_session_refused_twice_and_bad_password_are_auth_errors(fleet) -> None:
    fleet.sap_b1.add_fault({"target": {"path": "/Items"},
                            "effect": {"kind": "vendor", "name": "invalid_session"},
                            "trigger": {"first": 2}})
    with pytest.raises(SessionInvalid):
        connector(fleet).item_codes()
    with pytest.raises(AuthExpired) as info:
        connector(fleet, password="wrong-secret").item_codes()
    assert "wrong-secret" not in str(info.value)


# -- read-back and reconciliation -----------------------------------------------------------------
def test_acknowledged_but_not_kept_is_unknown_outcome(fleet) -> None:
    fleet.sap_b1.add_fault({"target": {"method": "POST", "path": "/Orders"},
                            "effect": {"kind": "silent_drop"}, "trigger": {"first": 1}})
    conn = connector(fleet)
    with pytest.raises(UnknownOutcome, match="mage-default-000000001"):
        conn.create_order(order(fleet))
    assert orders_of(fleet) == []
    assert conn.create_order(order(fleet)).remote_id == str(orders_of(fleet)[0]["DocEntry"])


def test_order_refs_and_states(fleet) -> None:
    conn = connector(fleet)
    made = {n: conn.create_order(order(fleet, f"00000000{n}")) for n in range(1, 5)}
    fleet.sap_b1.event("cancel_order", doc_entry=int(made[1].remote_id))
    fleet.sap_b1.event("close_order", doc_entry=int(made[2].remote_id))
    fleet.sap_b1.event("deliver", doc_entry=int(made[3].remote_id))
    refs = [f"mage-default-00000000{n}" for n in range(1, 5)]
    assert conn.order_refs() == set(refs)
    assert conn.order_states(refs) == dict(zip(refs, ["cancelled", "closed", "delivered", "open"],
                                               strict=True))
