"""The Sage 200 connector against the Sage 200 fake, in-process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import requests

from fakes import mock
from fakes.core.bridge import FakeFleet
from sync_core.config import ErpConfig, MappingConfig, parse_config
from sync_core.connectors.registry import build_erp
from sync_core.connectors.sage200 import (
    AccessDenied,
    MissingEndpoint,
    Sage200Client,
    Sage200Connector,
    document_ref,
)
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

LOCATIONS = {"default": "HOME", "wh-north": "NORTH", "wh-south": "SOUTH"}
STANDARD_PATH = "/uk/sage200/accounts/v1"


@pytest.fixture
def fleet() -> Iterator[FakeFleet]:
    with mock("sage200", seed=1) as running:
        yield running


def make(fleet: FakeFleet, mapping: MappingConfig | None = None, **creds: str) -> Sage200Connector:
    fake = fleet.sage200
    config = ErpConfig(
        kind="sage200", base_url=fake.base_url, credentials={**fake.credentials(), **creds}
    )
    return Sage200Connector(Sage200Client(config), mapping or MappingConfig(locations=LOCATIONS))


def order(
    fleet: FakeFleet,
    increment: str = "000000001",
    sku: str = "SKU-000001",
    email: str | None = None,
    store: str = "default",
) -> Order:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return Order(
        source_id="1",
        increment_id=increment,
        store_code=store,
        store_id=1,
        customer_email=email or fleet.sage200.ctx.dataset.customers[0].email,
        customer_name="A B",
        currency="GBP",
        grand_total=Decimal("20"),
        lines=[OrderLine(line_no=1, sku=sku, qty=Decimal(2), price=Decimal("10.50"))],
        shipping_address=Address(
            firstname="A",
            lastname="B",
            street=["1 Way", "Flat 2"],
            city="C",
            postcode="P1 1AA",
            country_id="GB",
        ),
        created_at=now,
        updated_at=now,
    )


def sop_orders(fleet: FakeFleet) -> list[dict[str, Any]]:
    return list(fleet.sage200.state()["sop_orders"])


def posts(fleet: FakeFleet) -> int:
    return sum(
        1 for e in fleet.sage200.entries() if e.method == "POST" and e.path.endswith("/sop_orders")
    )


# -- orders -------------------------------------------------------------------------------------
def test_create_then_find_by_customer_document_no(fleet: FakeFleet) -> None:
    conn = make(fleet)
    the_order = order(fleet)
    assert conn.find_order(the_order.external_ref) is None
    created = conn.create_order(the_order)
    found = conn.find_order(the_order.external_ref)
    assert found == created and created.display == "0000000001"
    (record,) = sop_orders(fleet)
    assert record["customer_document_no"] == "mage-default-000000001"
    assert record["customer_reference"] == "CUST0001"  # by the contact's email
    (line,) = record["lines"]
    assert (line["code"], line["line_quantity"], line["selling_unit_price"]) == (
        "SKU-000001",
        2,
        10.5,
    )
    home = next(w for w in fleet.sage200.state()["warehouses"] if w["name"] == "HOME")
    assert line["warehouse_id"] == home["id"]
    assert record["delivery_address"]["address_2"] == "Flat 2"


def test_rerun_looks_up_first_so_sage_gets_one_order(fleet: FakeFleet) -> None:
    the_order = order(fleet)
    for _ in range(3):  # the flow's find-before-create, run three times
        conn = make(fleet)
        if conn.find_order(the_order.external_ref) is None:
            conn.create_order(the_order)
    assert len(sop_orders(fleet)) == 1 and posts(fleet) == 1


def test_lost_response_is_unknown_outcome_and_the_lookup_finds_it(fleet: FakeFleet) -> None:
    fleet.sage200.add_fault(
        {
            "target": {"method": "POST", "path": "/sop_orders$"},
            "effect": {"kind": "lose_response"},
            "trigger": {"first": 1},
        }
    )
    conn, the_order = make(fleet), order(fleet)
    with pytest.raises(UnknownOutcome):
        conn.create_order(the_order)
    found = conn.find_order(the_order.external_ref)
    assert found is not None and len(sop_orders(fleet)) == 1


def test_silent_drop_is_unknown_outcome(fleet: FakeFleet) -> None:
    fleet.sage200.add_fault(
        {
            "target": {"method": "POST", "path": "/sop_orders$"},
            "effect": {"kind": "silent_drop"},
            "trigger": {"first": 1},
        }
    )
    with pytest.raises(UnknownOutcome, match="does not have it"):
        make(fleet).create_order(order(fleet))


def test_long_reference_is_compacted_deterministically(fleet: FakeFleet) -> None:
    the_order = order(fleet, increment="1000000000000042", store="wholesale_europe")
    ref = document_ref(the_order.external_ref)
    assert len(the_order.external_ref) > 30 and len(ref) == 30
    assert ref.startswith("mage-wholesale_euro") and ref == document_ref(the_order.external_ref)
    assert ref != document_ref(the_order.external_ref[:-1] + "3")
    conn = make(fleet)
    created = conn.create_order(the_order)
    assert conn.find_order(the_order.external_ref) == created
    assert document_ref("mage-default-000000001") == "mage-default-000000001"


def test_unknown_sku_is_a_mapping_error_naming_the_order(fleet: FakeFleet) -> None:
    with pytest.raises(MappingError, match="000000009") as info:
        make(fleet).create_order(order(fleet, "000000009", sku="NOPE"))
    assert info.value.field == "lines[0].sku" and posts(fleet) == 0


def test_overlong_address_is_a_mapping_error(fleet: FakeFleet) -> None:
    base = order(fleet)
    long_street = base.shipping_address.model_copy(update={"street": ["x" * 61]})
    with pytest.raises(MappingError) as info:
        make(fleet).create_order(base.model_copy(update={"shipping_address": long_street}))
    assert info.value.field == "shipping_address.street[0]"


# -- accounts (FM-SG03) -------------------------------------------------------------------------
def test_mapped_account_missing_in_sage_is_held_without_fallback(fleet: FakeFleet) -> None:
    email = fleet.sage200.ctx.dataset.customers[0].email
    mapping = MappingConfig(
        locations=LOCATIONS, accounts={email: "GHOST01"}, default_customer="CUST0002"
    )
    with pytest.raises(MappingError, match="GHOST01") as info:
        make(fleet, mapping).create_order(order(fleet))
    assert info.value.field == "customer_email" and posts(fleet) == 0


def test_mapped_account_is_used(fleet: FakeFleet) -> None:
    email = fleet.sage200.ctx.dataset.customers[0].email
    mapping = MappingConfig(locations=LOCATIONS, accounts={email: "CUST0003"})
    make(fleet, mapping).create_order(order(fleet))
    assert sop_orders(fleet)[0]["customer_reference"] == "CUST0003"


def test_unknown_email_needs_a_default_account(fleet: FakeFleet) -> None:
    with pytest.raises(MappingError, match="no default account"):
        make(fleet).create_order(order(fleet, email="walk.in@example.com"))
    mapping = MappingConfig(locations=LOCATIONS, default_customer="CUST0002")
    make(fleet, mapping).create_order(order(fleet, email="walk.in@example.com"))
    assert sop_orders(fleet)[0]["customer_reference"] == "CUST0002"


def test_account_on_hold_is_a_business_hold(fleet: FakeFleet) -> None:
    fleet.sage200.event("hold_customer", reference="CUST0001", on_hold=True)
    with pytest.raises(BusinessHold, match="CUST0001"):
        make(fleet).create_order(order(fleet))
    assert sop_orders(fleet) == []


# -- stock --------------------------------------------------------------------------------------
def test_stock_levels_per_holding_with_timestamps(fleet: FakeFleet) -> None:
    rows = list(make(fleet).stock_levels())
    dataset = fleet.sage200.ctx.dataset
    assert len(rows) == len(dataset.products) * len(dataset.sources)
    sources = {location: source for source, location in LOCATIONS.items()}
    for row in rows:
        assert row.qty == dataset.stock[(row.item_code, sources[row.location])]
        assert datetime.fromisoformat(row.version) == dataset.created_at


def test_stale_export_rows_are_counted(fleet: FakeFleet) -> None:
    conn = make(fleet)
    list(conn.stock_levels())
    fleet.sage200.clock.advance(600)
    fleet.sage200.add_fault(
        {"effect": {"kind": "vendor", "name": "stale_stock", "params": {"age_s": 7200}}}
    )
    stale = list(conn.stock_levels())
    assert conn.stale_rows == len(stale)
    assert all(row.version == "2026-01-05T07:10:00+00:00" for row in stale)


# -- coverage (FM-SG01) -------------------------------------------------------------------------
def test_missing_endpoint_refuses_both_flows() -> None:
    options = {"sage200": {"unavailable_endpoints": ["warehouse_holdings"]}}
    with mock("sage200", seed=1, options=options) as fleet:
        conn = make(fleet)
        with pytest.raises(MissingEndpoint, match="GET warehouse_holdings"):
            conn.create_order(order(fleet))
        with pytest.raises(MissingEndpoint, match="refuses to run"):
            list(conn.stock_levels())
        assert posts(fleet) == 0
        assert conn.coverage()["GET warehouse_holdings"] is False


def test_standard_site_needs_its_base_path() -> None:
    with mock("sage200", seed=1, options={"sage200": {"variant": "standard"}}) as fleet:
        with pytest.raises(MissingEndpoint, match="GET sop_orders"):
            make(fleet).find_order("mage-default-1")
        conn = make(fleet, api_base_path=STANDARD_PATH)
        conn.create_order(order(fleet))
        assert conn.client.root.endswith(STANDARD_PATH) and len(sop_orders(fleet)) == 1


def test_build_calls_nothing(fleet: FakeFleet) -> None:
    fake = fleet.sage200
    config = parse_config(
        {
            "magento": {"base_url": "http://magento.fake.test"},
            "erp": {
                "kind": "sage200",
                "base_url": fake.base_url,
                "credentials": fake.credentials(),
            },
        }
    )
    built = build_erp(config, requests.Session())
    assert isinstance(built, Sage200Connector) and fake.entries() == []


# -- errors and auth ----------------------------------------------------------------------------
def test_throttle_carries_retry_after(fleet: FakeFleet) -> None:
    fleet.sage200.add_fault(
        {
            "target": {"path": "/accounts/v1/"},
            "effect": {"kind": "throttle", "retry_after_s": 5},
            "trigger": {"first": 1},
        }
    )
    with pytest.raises(Throttled) as info:
        make(fleet).find_order("mage-default-1")
    assert info.value.retry_after == 5


def test_outage_and_lost_tunnel_are_remote_unavailable(fleet: FakeFleet) -> None:
    fleet.sage200.add_fault(
        {
            "id": "down",
            "target": {"path": "/accounts/v1/"},
            "effect": {"kind": "http_error", "status": 503},
        }
    )
    with pytest.raises(RemoteUnavailable):
        make(fleet).find_order("mage-default-1")
    fleet.sage200.clear_faults("down")
    fleet.sage200.add_fault({"effect": {"kind": "vendor", "name": "tunnel_down"}})
    with pytest.raises(RemoteUnavailable, match="504"):
        make(fleet).find_order("mage-default-1")


def test_expired_or_revoked_token_reauthenticates(fleet: FakeFleet) -> None:
    conn = make(fleet)
    conn.find_order("mage-default-1")
    fleet.sage200.event("revoke_tokens")
    assert conn.find_order("mage-default-1") is None
    fleet.sage200.clock.advance(3601)
    assert list(conn.stock_levels())
    assert conn.client.authentications == 3


def test_refresh_token_is_used_and_rotated(fleet: FakeFleet) -> None:
    conn = make(fleet)
    conn.find_order("mage-default-1")
    first_refresh = conn.client._token.refresh
    fleet.sage200.event("revoke_tokens")
    conn.find_order("mage-default-1")
    assert conn.client._token.refresh not in (None, first_refresh)
    assert first_refresh not in fleet.sage200.backend.tokens.refresh  # used, so rotated out


def test_bad_credentials_are_retryable_and_secret_free(fleet: FakeFleet) -> None:
    with pytest.raises(AuthExpired) as info:
        make(fleet, client_secret="not-the-secret").find_order("mage-default-1")
    assert "not-the-secret" not in str(info.value)
    assert fleet.sage200.credentials()["client_secret"] not in str(info.value)


def test_wrong_site_is_access_denied(fleet: FakeFleet) -> None:
    with pytest.raises(AccessDenied, match="X-Site"):
        make(fleet, company_id="999").find_order("mage-default-1")


def test_required_field_is_schema_drift() -> None:
    options = {"sage200": {"manual_document_no": True}}
    with (
        mock("sage200", seed=1, options=options) as fleet,
        pytest.raises(SchemaDrift, match="document_no"),
    ):
        make(fleet).create_order(order(fleet))


def test_order_states_for_reconciliation(fleet: FakeFleet) -> None:
    conn = make(fleet)
    first, second = order(fleet, "000000001"), order(fleet, "000000002")
    cancelled = conn.create_order(first)
    conn.create_order(second)
    fleet.sage200.event("cancel_order", id=int(cancelled.remote_id))
    states = conn.order_states([first.external_ref, second.external_ref, "mage-default-9"])
    assert states == {first.external_ref: "cancelled", second.external_ref: "open"}
