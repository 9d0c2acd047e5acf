"""Sage 200 despatches as shipments for the fulfilment flow.

Sage records each despatch of sales order lines as a despatch receipt; the read-only view
``sop_order_despatch_line_views`` gives one row per despatched line with everything the flow
needs in one read: the despatch (``sop_despatch_id``, ``sop_despatch_document_no``), the order
(``sop_order_id`` and ``sop_order_customer_document_no``, the Magento reference the orders flow
wrote, possibly in its compact form), the product (``product_code``), the quantity
(``sop_despatch_line_quantity``), the warehouse it left (``warehouse_name``, the location
names of ``mapping.locations``, as the stock flow reads them), and the carrier's consignment
number (``sop_despatch_consignment_no``, the tracking number). Only orders whose
``customer_document_no`` starts ``mage-`` are ours.

Rows are read by ``date_time_updated ge <since>`` (the despatch's change stamp, inclusive: the
last one is read again, the flow's bindings make that harmless), paged with ``$top``/``$skip``
in line order (the view has no ``id`` to page on). The version is that stamp.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sync_core.errors import SchemaDrift
from sync_core.fulfilment_model import Shipment, ShipmentLine

if TYPE_CHECKING:
    from sync_core.connectors.sage200.connector import Sage200Connector

VIEW = "sop_order_despatch_line_views"
REF_PREFIX = "mage-"
PAGE = 200
SELECT = (
    "sop_despatch_line_id,sop_despatch_line_quantity,sop_despatch_id,sop_despatch_document_no,"
    "sop_order_id,sop_order_customer_document_no,product_code,warehouse_name,"
    "sop_despatch_consignment_no,date_time_updated"
)


def rows(connector: Sage200Connector, since: str | None) -> Iterator[dict[str, Any]]:
    """Every despatch line view row changed at or after ``since`` (all when None)."""
    params = {"$select": SELECT, "$orderby": "sop_despatch_line_id", "$top": str(PAGE)}
    if since:
        params["$filter"] = f"date_time_updated ge {since}"
    skip = 0
    while True:
        page = connector.client.rows(VIEW, {**params, "$skip": str(skip)})
        yield from page
        if len(page) < PAGE:
            return
        skip += len(page)


def deliveries(connector: Sage200Connector, since: str | None) -> Iterator[Shipment]:
    """One shipment per despatch of one of our orders."""
    connector.check_coverage()
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows(connector, since):
        if str(row.get("sop_order_customer_document_no") or "").startswith(REF_PREFIX):
            grouped.setdefault(str(row["sop_despatch_id"]), []).append(row)
    for document, lines in grouped.items():
        first = lines[0]
        tracking = str(first.get("sop_despatch_consignment_no") or "").strip()
        shipped = [line for row in lines if (line := _line(connector, row)) is not None]
        yield Shipment(
            system=connector.system,
            erp_document_id=document,
            erp_order_id=str(first["sop_order_id"]),
            external_ref=str(first["sop_order_customer_document_no"]),
            lines=shipped,
            tracking_numbers=[tracking] if tracking else [],
            version=max(str(r.get("date_time_updated") or "") for r in lines),
        )


def _line(connector: Sage200Connector, row: dict[str, Any]) -> ShipmentLine | None:
    raw = row.get("sop_despatch_line_quantity")
    try:
        qty = Decimal(str(raw if raw is not None else 0))
    except InvalidOperation as exc:
        raise SchemaDrift(
            f"sage200 despatch line {row.get('sop_despatch_line_id')}: quantity {raw!r} "
            "is not a number"
        ) from exc
    code = str(row.get("product_code") or "")
    if qty <= 0 or not code:
        return None
    return ShipmentLine(
        sku=connector.mapping.sku_for(code),
        item_code=code,
        qty=qty,
        location=str(row.get("warehouse_name") or ""),
    )
