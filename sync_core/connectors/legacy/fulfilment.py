"""Legacy ERP shipments (SOAP ``ListShipments``) as shipments for the fulfilment flow.

``ListShipments(since)`` answers every shipment with ``shipped_at >= since`` (inclusive, so
the last one is read again; the flow's bindings make that harmless). A shipment names its
``erp_order_no`` and the ``order_ref`` the order was created with (the Magento reference), a
``tracking`` number, and per line the ``sku``, ``quantity`` and the ``warehouse`` it left
from. The version is ``shipped_at`` (ISO 8601). A shipment of an order that does not carry a
Magento reference (``mage-...``, an order keyed in at the ERP) is left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from lxml import etree

from sync_core.connectors.legacy.client import children, text
from sync_core.errors import SchemaDrift
from sync_core.fulfilment_model import Shipment, ShipmentLine

if TYPE_CHECKING:
    from sync_core.connectors.legacy.connector import LegacyConnector

EPOCH = "1970-01-01T00:00:00Z"
REF_PREFIX = "mage-"


def deliveries(connector: LegacyConnector, since: str | None) -> Iterator[Shipment]:
    """Every shipment shipped at or after ``since`` (all when None)."""
    response = connector.soap.call("ListShipments", [("since", since or EPOCH)])
    for node in children(response, "shipments/shipment"):
        shipment = _shipment(connector, node)
        if shipment is not None:
            yield shipment


def _shipment(connector: LegacyConnector, node: etree._Element) -> Shipment | None:
    ref = text(node, "order_ref")
    if not ref.startswith(REF_PREFIX):
        return None
    number = text(node, "shipment_no")
    lines = [_line(connector, number, line) for line in children(node, "lines/line")]
    tracking = text(node, "tracking", required=False)
    return Shipment(
        system=connector.system,
        erp_document_id=number,
        erp_order_id=text(node, "erp_order_no"),
        external_ref=ref,
        lines=[line for line in lines if line is not None],
        tracking_numbers=[tracking] if tracking else [],
        version=text(node, "shipped_at"),
    )


def _line(connector: LegacyConnector, number: str, node: etree._Element) -> ShipmentLine | None:
    raw = text(node, "quantity")
    try:
        qty = Decimal(raw)
    except InvalidOperation as exc:
        raise SchemaDrift(f"legacy shipment {number}: quantity {raw!r} is not a number") from exc
    if qty <= 0:
        return None
    code = text(node, "sku")
    return ShipmentLine(
        sku=connector.mapping.sku_for(code),
        item_code=code,
        qty=qty,
        location=text(node, "warehouse"),
    )
