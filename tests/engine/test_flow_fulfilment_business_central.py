"""Fulfilment on Business Central: posted sales shipments, located through the item ledger
(Analytics API ``itemLedgerEntries.locationCode``), become Magento shipments per source; the
reader's fallbacks with a stub client."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from sync_core.config import MappingConfig
from sync_core.connectors.business_central import fulfilment
from sync_core.connectors.business_central.stock import CoverageGap
from sync_core.errors import RemoteNotFound
from tests.engine.fulfilment_helpers import deliver, exported, partial_then_split, skus, world


def test_partial_then_two_locations() -> None:
    with world("business-central") as ctx:
        partial_then_split(ctx, tracked=False)  # API v2.0 exposes no package tracking number


def test_deliveries_name_the_bound_order_and_each_location() -> None:
    with world("business-central") as ctx:
        a, b = skus(ctx, 2)
        order = exported(ctx, [(a, 2), (b, 1)])
        deliver(ctx, order, [(a, 2, "default"), (b, 1, "wh-south")], None)
        engine = ctx.connector.engine  # type: ignore[attr-defined]
        (shipment,) = list(engine.erp.deliveries(None))
        (binding,) = list(engine.store.bound("business-central", "order"))
        assert shipment.erp_order_id == str(binding["remote_id"])
        assert shipment.external_ref.casefold() == str(binding["external_ref"]).casefold()
        assert sorted((x.sku, x.qty, x.location) for x in shipment.lines) == [
            (a, Decimal(2), "MAIN"),
            (b, Decimal(1), "SOUTH"),
        ]
        assert shipment.tracking_numbers == []


SHIPMENT = {
    "id": "s1",
    "number": "S-SHPT1",
    "orderNumber": "SO1",
    "externalDocumentNumber": "MAGE-X-1",
    "lastModifiedDateTime": "2026-01-02T10:00:00Z",
    "salesShipmentLines": [
        {"lineType": "Item", "lineObjectNumber": "IT-1", "quantity": 2, "sequence": 10000},
        {"lineType": "Comment", "lineObjectNumber": "", "quantity": 0, "sequence": 20000},
    ],
}


def _connector(route: str, locations: list[str], ledger: Any) -> Any:
    def collect(url: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        if url.endswith("salesShipments"):
            return [SHIPMENT, {**SHIPMENT, "number": "S-2", "externalDocumentNumber": "PHONE"}]
        if url.endswith("itemLedgerEntries"):
            if isinstance(ledger, Exception):
                raise ledger
            return list(ledger)
        if url.endswith("locations"):
            return [{"code": code} for code in locations]
        if url.endswith("salesOrders"):
            return []
        return [{"orderId": "guid-1", "orderNumber": "SO1"}]  # salesInvoices

    settings = SimpleNamespace(
        stock_api=route, company_url=lambda path, route="v2.0": f"{route}/{path}"
    )
    return SimpleNamespace(
        system="business-central",
        client=SimpleNamespace(collect=collect, settings=settings),
        mapping=MappingConfig(items={"A": "IT-1"}),
        _ensure_target=lambda what: None,
        _url=lambda path: f"v2.0/{path}",
    )


def test_ledger_entries_locate_the_lines_and_invoices_name_a_deleted_order() -> None:
    ledger = [
        {
            "entryNo": 5,
            "entryType": "Sale",
            "documentNo": "S-SHPT1",
            "itemNo": "IT-1",
            "locationCode": "NORTH",
            "quantity": -2,
        },
        {
            "entryNo": 6,
            "entryType": "Positive Adjmt.",
            "documentNo": "S-SHPT1",
            "itemNo": "IT-1",
            "locationCode": "MAIN",
            "quantity": 9,
        },
    ]
    connector = _connector("microsoft/analytics/v1.0", ["MAIN", "NORTH"], ledger)
    (shipment,) = list(fulfilment.deliveries(connector, None))
    assert (shipment.erp_document_id, shipment.erp_order_id) == ("S-SHPT1", "guid-1")
    assert [(x.sku, x.qty, x.location) for x in shipment.lines] == [("A", Decimal(2), "NORTH")]


def test_without_the_ledger_route_one_location_is_used_and_several_are_refused() -> None:
    missing = RemoteNotFound("no such page")
    (shipment,) = list(
        fulfilment.deliveries(_connector("microsoft/analytics/v1.0", ["MAIN"], missing), None)
    )
    assert [(x.sku, x.qty, x.location) for x in shipment.lines] == [("A", Decimal(2), "MAIN")]
    with pytest.raises(CoverageGap, match="refusing to guess among 2 locations"):
        list(fulfilment.deliveries(_connector("v2.0", ["MAIN", "NORTH"], []), None))
