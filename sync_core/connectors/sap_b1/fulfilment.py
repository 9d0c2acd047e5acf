"""SAP Business One deliveries (``DeliveryNotes``) as shipments for the fulfilment flow.

A delivery note copied from a sales order carries, per line, ``BaseType`` 17 (ORDR),
``BaseEntry`` (the order's ``DocEntry``) and ``BaseLine``; the Magento reference is the order's
``NumAtCard`` (or the ``ref_udf`` UDF), read from the order, since B1 does not promise to copy
the customer reference onto the delivery. Each line ships from its ``WarehouseCode``. The
tracking number is the document's ``TrackingNumber`` when it is filled (empty: none).

Deliveries are read by ``UpdateDate ge <since's date>`` (B1 keeps the date of change per
document; the time is not reliably there), so a day is read again on every run; the flow's
bindings make that harmless. Cancelled delivery notes and lines not copied from an order are
ignored; a delivery of an order that does not carry a Magento reference (``mage-...``) is not
ours and is left out. The version is the ``UpdateDate``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sync_core.connectors.sap_b1.client import odata_quote
from sync_core.fulfilment_model import Shipment, ShipmentLine

if TYPE_CHECKING:
    from sync_core.connectors.sap_b1.connector import SapB1Connector

ORDER_TYPE = 17  # ORDR: a line copied from a sales order
DELIVERY_FIELDS = "DocEntry,DocNum,UpdateDate,Cancelled,TrackingNumber,DocumentLines"
REF_PREFIX = "mage-"
CHUNK = 20  # order DocEntries per $filter


def deliveries(connector: SapB1Connector, since: str | None) -> Iterator[Shipment]:
    """Every delivery note changed on or after the date of ``since`` (all when None)."""
    params = {"$select": DELIVERY_FIELDS, "$orderby": "DocEntry"}
    if since:
        params["$filter"] = f"UpdateDate ge {odata_quote(since[:10])}"
    notes = [n for n in connector.client.query("DeliveryNotes", params) if _live(n)]
    refs = _order_refs(connector, {e for n in notes for e in _base_entries(n)})
    for note in notes:
        yield from _shipments(connector, note, refs)


def _live(note: dict[str, Any]) -> bool:
    return note.get("Cancelled") != "tYES" and note.get("DocEntry") is not None


def _base_entries(note: dict[str, Any]) -> set[int]:
    return {
        int(line["BaseEntry"])
        for line in note.get("DocumentLines") or []
        if line.get("BaseType") == ORDER_TYPE and line.get("BaseEntry") is not None
    }


def _order_refs(connector: SapB1Connector, entries: set[int]) -> dict[int, str]:
    """The Magento reference of each sales order, by ``DocEntry``."""
    field = connector.ref_udf or "NumAtCard"
    found: dict[int, str] = {}
    ordered = sorted(entries)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        params = {
            "$filter": " or ".join(f"DocEntry eq {entry}" for entry in chunk),
            "$select": f"DocEntry,{field}",
        }
        for row in connector.client.query("Orders", params):
            ref = str(row.get(field) or "")
            if ref.startswith(REF_PREFIX) and row.get("DocEntry") is not None:
                found[int(row["DocEntry"])] = ref
    return found


def _shipments(
    connector: SapB1Connector, note: dict[str, Any], refs: dict[int, str]
) -> Iterator[Shipment]:
    """One shipment per order the note delivers (a B1 delivery may combine orders)."""
    by_order: dict[int, list[ShipmentLine]] = {}
    for line in note.get("DocumentLines") or []:
        if line.get("BaseType") != ORDER_TYPE or line.get("BaseEntry") is None:
            continue
        entry = int(line["BaseEntry"])
        qty = Decimal(str(line.get("Quantity") or 0))
        if entry not in refs or qty <= 0:
            continue
        code = str(line.get("ItemCode") or "")
        by_order.setdefault(entry, []).append(
            ShipmentLine(
                sku=connector.mapping.sku_for(code),
                item_code=code,
                qty=qty,
                location=str(line.get("WarehouseCode") or ""),
            )
        )
    tracking = str(note.get("TrackingNumber") or "").strip()
    document = str(note["DocEntry"])
    for entry, lines in by_order.items():
        yield Shipment(
            system=connector.system,
            # a note delivering several orders is one shipment per order
            erp_document_id=document if len(by_order) == 1 else f"{document}/{entry}",
            erp_order_id=str(entry),
            external_ref=refs[entry],
            lines=lines,
            tracking_numbers=[tracking] if tracking else [],
            version=str(note.get("UpdateDate") or "")[:10],
        )
