"""Fulfilment on Sage 200: despatches (``sop_order_despatch_line_views``: warehouse, consignment
number) become Magento shipments per source; the reader's mapping and paging with a stub."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sync_core.config import MappingConfig
from sync_core.connectors.sage200 import fulfilment
from tests.engine.fulfilment_helpers import deliver, exported, partial_then_split, skus, world


def test_partial_then_two_warehouses_with_consignment_numbers() -> None:
    with world("sage200") as ctx:
        partial_then_split(ctx, tracked=True)


def test_deliveries_name_the_bound_order_and_each_warehouse() -> None:
    with world("sage200") as ctx:
        a, b = skus(ctx, 2)
        order = exported(ctx, [(a, 2), (b, 1)])
        deliver(ctx, order, [(a, 2, "default"), (b, 1, "wh-north")], "CN-1")
        engine = ctx.connector.engine  # type: ignore[attr-defined]
        (shipment,) = list(engine.erp.deliveries(None))
        (binding,) = list(engine.store.bound("sage200", "order"))
        assert shipment.erp_order_id == str(binding["remote_id"])
        assert [(x.sku, x.qty, x.location) for x in shipment.lines] == [
            (a, Decimal(2), "HOME"),
            (b, Decimal(1), "NORTH"),
        ]
        assert shipment.tracking_numbers == ["CN-1"]
        assert [s.erp_document_id for s in engine.erp.deliveries(shipment.version)] == [
            shipment.erp_document_id
        ]


def _row(line: int, despatch: int, ref: str, qty: float) -> dict[str, Any]:
    return {
        "sop_despatch_line_id": line,
        "sop_despatch_line_quantity": qty,
        "sop_despatch_id": despatch,
        "sop_order_id": 40,
        "sop_order_customer_document_no": ref,
        "product_code": "IT-1",
        "warehouse_name": "NORTH",
        "sop_despatch_consignment_no": "CN",
        "date_time_updated": f"2026-01-0{despatch}T10:00:00Z",
    }


def test_rows_are_paged_grouped_per_despatch_and_filtered_to_our_orders(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(fulfilment, "PAGE", 2)
    pages = [
        [_row(1, 1, "mage-x-1", 1), _row(2, 1, "mage-x-1", 2)],
        [_row(3, 2, "PHONE-1", 1), _row(4, 3, "mage-x-1", 0)],
        [],
    ]
    asked: list[dict[str, str]] = []

    def rows(resource: str, params: dict[str, str]) -> list[dict[str, Any]]:
        assert resource == fulfilment.VIEW
        asked.append(params)
        return pages[len(asked) - 1]

    connector: Any = SimpleNamespace(
        system="sage200",
        client=SimpleNamespace(rows=rows),
        mapping=MappingConfig(items={"A": "IT-1"}),
        check_coverage=lambda: None,
    )
    found = list(fulfilment.deliveries(connector, "2026-01-01T00:00:00Z"))
    assert [p["$skip"] for p in asked] == ["0", "2", "4"]
    assert asked[0]["$filter"] == "date_time_updated ge 2026-01-01T00:00:00Z"
    assert [(s.erp_document_id, s.erp_order_id, s.tracking_numbers) for s in found] == [
        ("1", "40", ["CN"]),
        ("3", "40", ["CN"]),
    ]
    assert [(x.sku, x.qty, x.location) for x in found[0].lines] == [
        ("A", Decimal(1), "NORTH"),
        ("A", Decimal(2), "NORTH"),
    ]
    assert found[1].lines == []  # a zero-quantity line ships nothing
