"""Fulfilment on NetSuite: item fulfilments (SuiteQL lines + ``package`` tracking numbers)
become Magento shipments per location; the reader's mapping with a stub client."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sync_core.config import MappingConfig
from sync_core.connectors.netsuite import fulfilment
from tests.engine.fulfilment_helpers import deliver, exported, partial_then_split, skus, world


def test_partial_then_two_locations_with_tracking() -> None:
    with world("netsuite") as ctx:
        partial_then_split(ctx, tracked=True)


def test_deliveries_name_the_bound_order_and_each_location() -> None:
    with world("netsuite") as ctx:
        a, b = skus(ctx, 2)
        order = exported(ctx, [(a, 2), (b, 1)])
        deliver(ctx, order, [(a, 2, "default"), (b, 1, "wh-south")], "1Z1")
        engine = ctx.connector.engine  # type: ignore[attr-defined]
        (shipment,) = list(engine.erp.deliveries(None))
        (binding,) = [r for r in engine.store.bound("netsuite", "order")]
        assert shipment.erp_order_id == str(binding["remote_id"])
        assert shipment.external_ref == binding["external_ref"]
        assert [(x.sku, x.qty, x.location) for x in shipment.lines] == [
            (a, Decimal(2), "1"),
            (b, Decimal(1), "3"),
        ]
        assert shipment.tracking_numbers == ["1Z1"]
        later = list(engine.erp.deliveries(shipment.version))
        assert [s.erp_document_id for s in later] == [shipment.erp_document_id]


class StubClient:
    def __init__(self, rows: list[dict[str, Any]], packages: dict[str, Any]) -> None:
        self.rows, self.packages = rows, packages
        self.queries: list[str] = []

    def suiteql(self, query: str) -> Iterator[dict[str, Any]]:
        self.queries.append(query)
        return iter(self.rows)

    def get_record(self, record_type: str, key: str, **params: str) -> dict[str, Any]:
        assert (record_type, params) == (
            "itemFulfillment",
            {"fields": "package", "expandSubResources": "true"},
        )
        return {"package": self.packages.get(key, {"items": []})}


def test_rows_map_to_shipments_with_codes_skus_and_absolute_quantities() -> None:
    rows = [
        {
            "id": "7",
            "modified": "2026-01-02 10:00:00",
            "orderid": "3",
            "ref": "mage-x-1",
            "item": "11",
            "quantity": "-2",
            "location": "1",
        },
        {
            "id": "7",
            "modified": "2026-01-02 10:00:00",
            "orderid": "3",
            "ref": "mage-x-1",
            "item": "12",
            "quantity": "-1",
            "location": "2",
        },
    ]
    packages = {"7": {"items": [{"packageTrackingNumber": "T1"}, {"packageTrackingNumber": ""}]}}
    client = StubClient(rows, packages)
    connector: Any = SimpleNamespace(
        system="netsuite",
        client=client,
        mapping=MappingConfig(items={"TEE": "IT-11"}),
        item_ids=lambda: {"IT-11": "11", "IT-12": "12"},
    )
    (shipment,) = list(fulfilment.deliveries(connector, "2026-01-02T09:00:00Z"))
    assert [(x.sku, x.item_code, x.qty, x.location) for x in shipment.lines] == [
        ("TEE", "IT-11", Decimal(2), "1"),
        ("IT-12", "IT-12", Decimal(1), "2"),
    ]
    assert (shipment.erp_document_id, shipment.erp_order_id, shipment.external_ref) == (
        "7",
        "3",
        "mage-x-1",
    )
    assert shipment.tracking_numbers == ["T1"]
    assert shipment.version == "2026-01-02 10:00:00"
    assert "TO_TIMESTAMP('2026-01-02 09:00:00', 'YYYY-MM-DD HH24:MI:SS')" in client.queries[0]


def test_the_query_reads_only_our_fulfilment_item_lines() -> None:
    text = fulfilment.query(None)
    assert "t.type = 'ItemShip'" in text and "so.externalid LIKE 'mage-%'" in text
    assert "TO_TIMESTAMP" not in text
    hostile = fulfilment.query("2026-01-02T09:00:00'--")
    assert "TO_TIMESTAMP('2026-01-02 09:00:00', " in hostile and "'--" not in hostile
