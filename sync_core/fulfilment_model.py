"""The canonical shipment: what an ERP delivery document says left a warehouse for an order.

Kept apart from :mod:`sync_core.model` (orders and stock) so the fulfilment flow can grow
without touching the order model. A :class:`Shipment` is one ERP delivery document; its lines
may come from several warehouses (the flow makes one Magento shipment per source).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class ShipmentLine(BaseModel):
    """One delivered line: ``sku`` is the Magento SKU (``mapping.sku_for`` of the ERP item),
    ``item_code`` the ERP's own code, ``location`` the ERP warehouse (``"PLANT/SLOC"`` on
    S/4HANA) the goods left from."""

    model_config = ConfigDict(frozen=True)

    sku: str
    item_code: str
    qty: Decimal = Field(gt=0)
    location: str


class Shipment(BaseModel):
    """One ERP delivery document for one Magento order.

    ``erp_document_id`` names the delivery in the ERP (the idempotency key of the flow);
    ``erp_order_id`` the ERP order it was copied from (the ``remote_id`` of the order binding),
    when the ERP tells; ``external_ref`` the Magento reference carried by that order;
    ``version`` the ERP's change stamp of the delivery (ISO 8601 when the ERP has one).
    """

    model_config = ConfigDict(frozen=True)

    system: str
    erp_document_id: str
    erp_order_id: str | None = None
    external_ref: str
    lines: list[ShipmentLine]
    tracking_numbers: list[str] = Field(default_factory=list)
    carrier: str | None = None
    version: str = ""

    def locations(self) -> list[str]:
        """The warehouses of the delivery, in first-seen order."""
        seen: list[str] = []
        for line in self.lines:
            if line.location not in seen:
                seen.append(line.location)
        return seen
