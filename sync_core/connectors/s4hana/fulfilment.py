"""SAP S/4HANA outbound deliveries (API_OUTBOUND_DELIVERY_SRV;v=0002) as shipments.

Only deliveries whose goods issue is posted (``OverallGoodsMovementStatus`` C) have left the
warehouse; a delivery still being picked is not a shipment yet (its ``LastChangeDate`` moves
when goods issue is posted, so it is read again then). Items come with the header
(``$expand=to_DeliveryDocumentItem``): ``ReferenceSDDocument`` is the sales order, whose
``PurchaseOrderByCustomer`` is the Magento reference (as the orders flow wrote it: the external
reference, or its compact form for long ones); ``Plant``/``StorageLocation`` make the location
``"PLANT/SLOC"`` of ``mapping.locations``; ``ActualDeliveryQuantity`` the quantity. The
delivery API carries no tracking number (that lives in the shipment/handling-unit documents),
so shipments have none.

Deliveries are read by ``LastChangeDate ge <since's date>`` (a date, so a day is read again:
the flow's bindings make that harmless); the version is that date, ISO 8601. A delivery of a
sales order that is not ours (no Magento reference) is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sync_core.connectors.s4hana.client import ROOT, SALES, literal
from sync_core.errors import SchemaDrift
from sync_core.fulfilment_model import Shipment, ShipmentLine

if TYPE_CHECKING:
    from sync_core.connectors.s4hana.connector import S4Connector

DELIVERY = f"{ROOT}/API_OUTBOUND_DELIVERY_SRV;v=0002"
ISSUED = "C"  # OverallGoodsMovementStatus: goods issue posted
CHUNK = 20  # sales orders per $filter
OURS = ("mage-", "m-")  # external references and their compact form (customer_reference)
DATE_RE = re.compile(r"/Date\((-?\d+)(?:[+-]\d+)?\)/")


def deliveries(connector: S4Connector, since: str | None) -> Iterator[Shipment]:
    """Goods-issued deliveries changed on or after the date of ``since`` (all when None)."""
    condition = f"OverallGoodsMovementStatus eq '{ISSUED}'"
    if since:
        condition += f" and LastChangeDate ge datetime'{since[:10]}T00:00:00'"
    params = {
        "$filter": condition,
        "$select": "DeliveryDocument,LastChangeDate,OverallGoodsMovementStatus",
        "$expand": "to_DeliveryDocumentItem",
        "$orderby": "DeliveryDocument",
    }
    headers = list(connector.client.collection(f"{DELIVERY}/A_OutbDeliveryHeader", params))
    orders = {str(i.get("ReferenceSDDocument") or "") for h in headers for i in _items(h)} - {""}
    refs = _references(connector, orders)
    for header in headers:
        yield from _shipments(connector, header, refs)


def _items(header: dict[str, Any]) -> list[dict[str, Any]]:
    nav = header.get("to_DeliveryDocumentItem")
    rows = nav.get("results") if isinstance(nav, dict) else nav
    return [r for r in rows or [] if isinstance(r, dict)]


def _references(connector: S4Connector, orders: set[str]) -> dict[str, str]:
    """``PurchaseOrderByCustomer`` of each of ``orders`` that carries a Magento reference."""
    found: dict[str, str] = {}
    ordered = sorted(orders)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        rows = connector.client.collection(
            f"{SALES}/A_SalesOrder",
            {
                "$filter": " or ".join(f"SalesOrder eq {literal(n)}" for n in chunk),
                "$select": "SalesOrder,PurchaseOrderByCustomer",
            },
        )
        for row in rows:
            ref = str(row.get("PurchaseOrderByCustomer") or "")
            if ref.startswith(OURS):
                found[str(row["SalesOrder"])] = ref
    return found


def _shipments(
    connector: S4Connector, header: dict[str, Any], refs: dict[str, str]
) -> Iterator[Shipment]:
    """One shipment per sales order the delivery serves (usually one)."""
    by_order: dict[str, list[ShipmentLine]] = {}
    for item in _items(header):
        order = str(item.get("ReferenceSDDocument") or "")
        qty = _quantity(item.get("ActualDeliveryQuantity"))
        if order not in refs or qty <= 0:
            continue
        material = str(item.get("Material") or "")
        plant, sloc = str(item.get("Plant") or ""), str(item.get("StorageLocation") or "")
        by_order.setdefault(order, []).append(
            ShipmentLine(
                sku=connector.mapping.sku_for(material),
                item_code=material,
                qty=qty,
                location=f"{plant}/{sloc}" if sloc else plant,
            )
        )
    document = str(header["DeliveryDocument"])
    for order, lines in by_order.items():
        yield Shipment(
            system=connector.system,
            erp_document_id=document if len(by_order) == 1 else f"{document}/{order}",
            erp_order_id=order,
            external_ref=refs[order],
            lines=lines,
            version=_date(header.get("LastChangeDate")),
        )


def _quantity(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value not in (None, "") else 0))
    except InvalidOperation as exc:
        raise SchemaDrift(f"s4hana delivery quantity {value!r} is not a number") from exc


def _date(value: Any) -> str:
    """An OData v2 ``/Date(ms)/`` (or an ISO string) as ``YYYY-MM-DD``; '' when absent."""
    text = str(value or "")
    match = DATE_RE.match(text)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).date().isoformat()
    return text[:10]
