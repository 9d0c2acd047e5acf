"""The NetSuite connector's extra order fields (``erp.options``), the metadata-catalog check and
the error classes of contract changes (FM-N01, FM-N03) and approval holds (FM-N02)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from fakes import mock
from fakes.core.bridge import FakeFleet
from sync_core.config import ConfigError, ErpConfig, MappingConfig
from sync_core.connectors.netsuite import NetSuiteClient, NetSuiteConnector
from sync_core.connectors.netsuite.connector import order_fields
from sync_core.errors import InvalidData, SchemaDrift
from tests.engine.test_netsuite_connector import order

CHANNEL = "custbody_sales_channel"


@pytest.fixture
def fleet() -> Iterator[FakeFleet]:
    with mock("netsuite", seed=1) as running:
        yield running


def connector(fleet: FakeFleet, **options: str) -> NetSuiteConnector:
    fake = fleet.netsuite
    config = ErpConfig(kind="netsuite", base_url=fake.base_url,
                       credentials=fake.credentials(), options=options)
    return NetSuiteConnector(NetSuiteClient(config), MappingConfig(), config.options)


def fault(fleet: FakeFleet, name: str, field: str = CHANNEL) -> None:
    fleet.netsuite.add_fault({"id": name, "effect": {
        "kind": "vendor", "name": name, "params": {"record": "salesOrder", "field": field}}})


def orders(fleet: FakeFleet) -> list[dict[str, Any]]:
    return list(fleet.netsuite.state()["salesOrders"])


def test_order_fields_from_json_and_field_keys() -> None:
    fields = order_fields({"order_fields": json.dumps({CHANNEL: "web", "memo": "m"}),
                           "field:memo": "from key", "ref_udf": "ignored"})
    assert fields == {CHANNEL: "web", "memo": "from key"}


@pytest.mark.parametrize("options", [
    {"order_fields": "{not json"}, {"order_fields": "[1]"}, {"field:memo": "{unknown}"},
])
def test_bad_order_fields_are_config_errors(options: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        order_fields(options)


def test_configured_fields_are_sent_with_placeholders(fleet: FakeFleet) -> None:
    conn = connector(fleet, order_fields=json.dumps({CHANNEL: "web"}),
                     **{"field:custbody_magento_store": "{store_code}/{increment_id}"})
    conn.create_order(order(fleet))
    (record,) = orders(fleet)
    assert record[CHANNEL] == "web"
    assert record["custbody_magento_store"] == "default/000000001"


def test_mandatory_field_is_schema_drift_naming_the_field(fleet: FakeFleet) -> None:
    fault(fleet, "mandatory_field")
    with pytest.raises(SchemaDrift, match=CHANNEL) as info:
        connector(fleet).create_order(order(fleet))
    assert "Please enter value(s) for: Sales Channel" in info.value.message
    assert orders(fleet) == []
    connector(fleet, order_fields=json.dumps({CHANNEL: "web"})).create_order(order(fleet))
    assert [r[CHANNEL] for r in orders(fleet)] == ["web"]


def test_removed_custom_field_is_refused_before_the_write(fleet: FakeFleet) -> None:
    fault(fleet, "custom_field_removed")
    conn = connector(fleet, order_fields=json.dumps({CHANNEL: "web"}))
    with pytest.raises(SchemaDrift, match=f"no field\\(s\\) {CHANNEL}"):
        conn.create_order(order(fleet))
    writes = [e for e in fleet.netsuite.entries() if e.method == "PUT"]
    assert writes == [] and orders(fleet) == []


def test_field_removed_after_the_check_is_refused_by_strict_names(fleet: FakeFleet) -> None:
    conn = connector(fleet, order_fields=json.dumps({CHANNEL: "web"}))
    conn.create_order(order(fleet, "000000001"))
    fault(fleet, "custom_field_removed")
    with pytest.raises(SchemaDrift, match=f"no field\\(s\\) {CHANNEL}"):
        conn.create_order(order(fleet, "000000002"))
    assert [r["externalId"] for r in orders(fleet)] == ["mage-default-000000001"]


def test_metadata_is_read_once_while_it_holds(fleet: FakeFleet) -> None:
    conn = connector(fleet, order_fields=json.dumps({CHANNEL: "web"}))
    for n in range(3):
        conn.create_order(order(fleet, f"00000000{n + 1}"))
    reads = [e for e in fleet.netsuite.entries() if "metadata-catalog" in e.path]
    assert len(reads) == 1


def test_bad_value_is_invalid_data_not_drift(fleet: FakeFleet) -> None:
    conn = connector(fleet, order_fields=json.dumps({"shippingCost": "lots"}))
    with pytest.raises(InvalidData, match="Invalid Field Value") as info:
        conn.create_order(order(fleet))
    assert not isinstance(info.value, SchemaDrift)


def test_orders_held_for_approval_read_as_pending_approval(fleet: FakeFleet) -> None:
    fleet.netsuite.add_fault({"effect": {"kind": "vendor", "name": "pending_approval"}})
    conn = connector(fleet)
    the_order = order(fleet)
    conn.create_order(the_order)
    assert conn.order_states([the_order.external_ref]) == {
        the_order.external_ref: "pending_approval"
    }
