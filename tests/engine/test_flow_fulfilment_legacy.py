"""Fulfilment on the legacy ERP: SOAP ``ListShipments`` (per-line warehouse, tracking) becomes
Magento shipments per source; the reader's parsing of the SOAP answer."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from lxml import etree

from contracts.legacy.wsdl import NAMESPACE
from sync_core.config import MappingConfig
from sync_core.connectors.legacy import fulfilment
from sync_core.errors import SchemaDrift
from tests.engine.fulfilment_helpers import deliver, exported, partial_then_split, skus, world


def test_partial_then_two_warehouses_with_tracking() -> None:
    with world("legacy") as ctx:
        partial_then_split(ctx, tracked=True)


def test_deliveries_name_the_bound_order_and_each_warehouse() -> None:
    with world("legacy") as ctx:
        a, b = skus(ctx, 2)
        order = exported(ctx, [(a, 2), (b, 1)])
        deliver(ctx, order, [(a, 2, "default"), (b, 1, "wh-south")], "1Z1")
        engine = ctx.connector.engine  # type: ignore[attr-defined]
        (shipment,) = list(engine.erp.deliveries(None))
        (binding,) = list(engine.store.bound("legacy", "order"))
        assert shipment.erp_order_id == str(binding["remote_id"])
        assert shipment.external_ref == binding["external_ref"]
        assert [(x.sku, x.qty, x.location) for x in shipment.lines] == [
            (a, Decimal(2), "WH01"),
            (b, Decimal(1), "WH03"),
        ]
        assert shipment.tracking_numbers == ["1Z1"]
        assert [s.erp_document_id for s in engine.erp.deliveries(shipment.version)] == [
            shipment.erp_document_id
        ]


def _answer(ref: str, quantity: str) -> etree._Element:
    ns = f"{{{NAMESPACE}}}"
    root = etree.Element(f"{ns}ListShipmentsResponse")
    shipments = etree.SubElement(root, f"{ns}shipments")
    node = etree.SubElement(shipments, f"{ns}shipment")
    for name, value in (
        ("shipment_no", "SH000001"),
        ("erp_order_no", "SO-9"),
        ("order_ref", ref),
        ("tracking", "T-9"),
        ("shipped_at", "2026-01-02T10:00:00Z"),
    ):
        etree.SubElement(node, f"{ns}{name}").text = value
    line = etree.SubElement(etree.SubElement(node, f"{ns}lines"), f"{ns}line")
    for name, value in (
        ("line_no", "1"),
        ("sku", "IT-1"),
        ("quantity", quantity),
        ("warehouse", "WH02"),
    ):
        etree.SubElement(line, f"{ns}{name}").text = value
    return root


def _connector(answer: etree._Element, calls: list[Any]) -> Any:
    def call(operation: str, fields: Any = ()) -> etree._Element:
        calls.append((operation, list(fields)))
        return answer

    return SimpleNamespace(
        system="legacy", soap=SimpleNamespace(call=call), mapping=MappingConfig(items={"A": "IT-1"})
    )


def test_the_answer_maps_to_a_shipment_and_others_orders_are_left_out() -> None:
    calls: list[Any] = []
    (shipment,) = list(fulfilment.deliveries(_connector(_answer("mage-x-1", "2"), calls), None))
    assert calls == [("ListShipments", [("since", "1970-01-01T00:00:00Z")])]
    assert (shipment.erp_document_id, shipment.erp_order_id, shipment.external_ref) == (
        "SH000001",
        "SO-9",
        "mage-x-1",
    )
    assert [(x.sku, x.item_code, x.qty, x.location) for x in shipment.lines] == [
        ("A", "IT-1", Decimal(2), "WH02")
    ]
    assert (shipment.tracking_numbers, shipment.version) == (["T-9"], "2026-01-02T10:00:00Z")
    assert list(fulfilment.deliveries(_connector(_answer("PHONE-7", "2"), []), "x")) == []


def test_a_quantity_that_is_not_a_number_is_a_contract_change() -> None:
    with pytest.raises(SchemaDrift, match="SH000001: quantity 'two'"):
        list(fulfilment.deliveries(_connector(_answer("mage-x-1", "two"), []), None))
