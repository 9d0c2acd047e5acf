"""The NetSuite connector against the NetSuite fake, in-process."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from fakes import mock
from sync_core.config import ErpConfig, MappingConfig
from sync_core.connectors.netsuite import NetSuiteClient, NetSuiteConnector
from sync_core.errors import AuthExpired, MappingError, Throttled, UnknownOutcome
from sync_core.model import Address, Order, OrderLine


@pytest.fixture
def fleet():
    with mock("netsuite", seed=1) as running:
        yield running


def connector(fleet, **creds: str) -> NetSuiteConnector:
    fake = fleet.netsuite
    credentials = {**fake.credentials(), **creds}
    config = ErpConfig(kind="netsuite", base_url=fake.base_url, credentials=credentials)
    mapping = MappingConfig(locations={"default": "1", "wh-north": "2", "wh-south": "3"})
    return NetSuiteConnector(NetSuiteClient(config), mapping)


def order(fleet, increment: str = "000000001", sku: str = "SKU-000001") -> Order:
    customer = fleet.netsuite.ctx.dataset.customers[0]
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return Order(
        source_id="1", increment_id=increment, store_code="default", store_id=1,
        customer_email=customer.email, customer_name="A B", currency="GBP",
        grand_total=Decimal("20"), lines=[OrderLine(line_no=1, sku=sku, qty=Decimal(2),
                                                    price=Decimal(10))],
        shipping_address=Address(firstname="A", lastname="B", street=["1 Way"], city="C",
                                 postcode="P", country_id="GB"),
        created_at=now, updated_at=now,
    )


def test_create_then_find_by_external_ref(fleet) -> None:
    conn = connector(fleet)
    the_order = order(fleet)
    assert conn.find_order(the_order.external_ref) is None
    created = conn.create_order(the_order)
    found = conn.find_order(the_order.external_ref)
    assert found is not None and found.remote_id == created.remote_id
    (record,) = fleet.netsuite.state()["salesOrders"]
    assert record["externalId"] == "mage-default-000000001"


def test_repeated_create_is_an_upsert(fleet) -> None:
    conn = connector(fleet)
    conn.create_order(order(fleet))
    conn.create_order(order(fleet))
    assert len(fleet.netsuite.state()["salesOrders"]) == 1


def test_unknown_item_is_a_mapping_error(fleet) -> None:
    with pytest.raises(MappingError, match="000000009") as info:
        connector(fleet).create_order(order(fleet, "000000009", sku="NOPE"))
    assert info.value.field == "lines[0].sku"


def test_stock_levels_carry_timestamps(fleet) -> None:
    rows = list(connector(fleet).stock_levels())
    dataset = fleet.netsuite.ctx.dataset
    assert len(rows) == len(dataset.products) * len(dataset.sources)
    sources = {"1": "default", "2": "wh-north", "3": "wh-south"}
    for row in rows:
        assert row.qty == dataset.stock[(row.item_code, sources[row.location])]
        assert datetime.fromisoformat(row.version)


def test_lost_response_is_unknown_outcome(fleet) -> None:
    fleet.netsuite.add_fault({"target": {"method": "PUT"}, "effect": {"kind": "lose_response"}})
    with pytest.raises(UnknownOutcome):
        connector(fleet).create_order(order(fleet))
    assert len(fleet.netsuite.state()["salesOrders"]) == 1


def test_throttle_and_bad_credentials_are_retryable(fleet) -> None:
    fleet.netsuite.add_fault({"effect": {"kind": "throttle", "retry_after_s": 5},
                              "trigger": {"first": 1}})
    with pytest.raises(Throttled) as info:
        connector(fleet).item_ids()
    assert info.value.retry_after == 5
    with pytest.raises(AuthExpired):
        connector(fleet, token_secret="wrong").item_ids()
