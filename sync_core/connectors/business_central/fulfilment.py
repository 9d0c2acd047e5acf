"""Business Central posted sales shipments (``salesShipments``) as shipments for the flow.

A posted Sales Shipment names its order (``orderNumber``) and copies the order's
``externalDocumentNumber`` (our reference, upper-cased by ``Code[35]``). Its lines
(``salesShipmentLines``) carry item and quantity but, in API v2.0, no location (the table's
"Location Code" is not exposed). Where the goods left from is in the item ledger: posting a
shipment writes one Sale entry per line with ``documentNo`` = the shipment number, the item,
the (negative) quantity and ``locationCode``, which Microsoft's Analytics API page
``itemLedgerEntries`` (or a customer's page with the same fields: the ``stock_api`` setting the
stock flow reads) exposes. So the lines of a shipment are its Sale ledger entries, per item and
location; a company whose ledger route is missing (or ``stock_api`` is ``v2.0``) falls back to
the shipment lines when it has one location, and refuses (CoverageGap) otherwise.

The order binding names the order's id (GUID): it is found by ``number`` on ``salesOrders``,
or, once posting deleted a completed order, as ``orderId`` of its ``salesInvoices``. API v2.0
has no package tracking number on shipments ("Package Tracking No." is not exposed), so
shipments carry none. Shipments are read by ``lastModifiedDateTime ge <since>`` (inclusive: the
flow's bindings make a re-read harmless); the version is that stamp. Only shipments whose
``externalDocumentNumber`` starts ``MAGE-`` are ours.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sync_core.connectors.business_central.client import SYSTEM, odata_quote
from sync_core.connectors.business_central.stock import LEDGER_SET, CoverageGap
from sync_core.errors import RemoteNotFound, SchemaDrift
from sync_core.fulfilment_model import Shipment, ShipmentLine

if TYPE_CHECKING:
    from sync_core.connectors.business_central.connector import BusinessCentralConnector

REF_PREFIX = "mage-"
CHUNK = 15
SHIPMENT_SELECT = "id,number,orderNumber,externalDocumentNumber,lastModifiedDateTime"
Located = dict[tuple[str, str], Decimal]  # (item number, location code) -> quantity


def deliveries(connector: BusinessCentralConnector, since: str | None) -> Iterator[Shipment]:
    """Every posted shipment of one of our orders changed at or after ``since``."""
    connector._ensure_target("fulfilment")
    params = {"$select": SHIPMENT_SELECT, "$expand": "salesShipmentLines"}
    if since:
        params["$filter"] = f"lastModifiedDateTime ge {since}"
    rows = [
        row
        for row in connector.client.collect(connector._url("salesShipments"), params)
        if str(row.get("externalDocumentNumber") or "").casefold().startswith(REF_PREFIX)
    ]
    if not rows:
        return
    located = _ledger(connector, [str(r["number"]) for r in rows])
    orders = _order_ids(connector, {str(r.get("orderNumber") or "") for r in rows} - {""})
    for row in rows:
        number = str(row["number"])
        lines = _lines(connector, row, located.get(number))
        yield Shipment(
            system=connector.system,
            erp_document_id=number,
            erp_order_id=orders.get(str(row.get("orderNumber") or "")),
            external_ref=str(row["externalDocumentNumber"]),
            lines=lines,
            version=str(row.get("lastModifiedDateTime") or ""),
        )


def _qty(value: Any, where: str) -> Decimal:
    try:
        return Decimal(str(value if value is not None else 0))
    except InvalidOperation as exc:
        raise SchemaDrift(f"{SYSTEM} {where}: quantity {value!r} is not a number") from exc


def _lines(
    connector: BusinessCentralConnector, row: dict[str, Any], located: Located | None
) -> list[ShipmentLine]:
    if located is None:
        located = _single_location(connector, row)
    return [
        ShipmentLine(sku=connector.mapping.sku_for(item), item_code=item, qty=qty, location=loc)
        for (item, loc), qty in located.items()
        if qty > 0
    ]


def _ledger(connector: BusinessCentralConnector, numbers: list[str]) -> dict[str, Located]:
    """Sale ledger entries of the shipments, per shipment number, item and location."""
    route = connector.client.settings.stock_api
    if route.lower() == "v2.0":
        return {}
    url = connector.client.settings.company_url(LEDGER_SET, route)
    found: dict[str, Located] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        clause = " or ".join(f"documentNo eq {odata_quote(n)}" for n in chunk)
        params = {
            "$filter": f"({clause})",
            "$select": "entryNo,entryType,documentNo,itemNo,locationCode,quantity",
        }
        try:
            entries = connector.client.collect(url, params)
        except RemoteNotFound:
            return {}
        for entry in entries:
            if str(entry.get("entryType") or "") != "Sale":
                continue
            where = f"api/{route} {LEDGER_SET} entry {entry.get('entryNo')}"
            key = (str(entry.get("itemNo") or ""), str(entry.get("locationCode") or ""))
            located = found.setdefault(str(entry.get("documentNo")), {})
            located[key] = located.get(key, Decimal(0)) - _qty(entry.get("quantity"), where)
    return found


def _single_location(connector: BusinessCentralConnector, row: dict[str, Any]) -> Located:
    """Without the ledger route: the shipment lines, when the company has one location."""
    rows = connector.client.collect(connector._url("locations"), {"$select": "code"})
    codes = sorted({str(loc.get("code") or "") for loc in rows})
    if len(codes) > 1:
        raise CoverageGap(
            f"{SYSTEM}: shipment {row.get('number')}: API v2.0 shipment lines name no location "
            f"and the item ledger route api/{connector.client.settings.stock_api} is not "
            f"available; refusing to guess among {len(codes)} locations ({', '.join(codes)})"
        )
    location = codes[0] if codes else ""
    located: Located = {}
    for line in row.get("salesShipmentLines") or []:
        if line.get("lineType") != "Item":
            continue
        key = (str(line.get("lineObjectNumber") or ""), location)
        where = f"shipment {row.get('number')} line {line.get('sequence')}"
        located[key] = located.get(key, Decimal(0)) + _qty(line.get("quantity"), where)
    return located


def _order_ids(connector: BusinessCentralConnector, numbers: set[str]) -> dict[str, str]:
    """The id of each order number: open orders, else the ``orderId`` of its invoices."""
    found: dict[str, str] = {}
    ordered = sorted(numbers)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        clause = " or ".join(f"number eq {odata_quote(n)}" for n in chunk)
        for row in connector.client.collect(
            connector._url("salesOrders"), {"$filter": clause, "$select": "id,number"}
        ):
            found[str(row["number"])] = str(row["id"])
    missing = [n for n in ordered if n not in found]
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        clause = " or ".join(f"orderNumber eq {odata_quote(n)}" for n in chunk)
        for row in connector.client.collect(
            connector._url("salesInvoices"), {"$filter": clause, "$select": "orderId,orderNumber"}
        ):
            if row.get("orderId"):
                found.setdefault(str(row["orderNumber"]), str(row["orderId"]))
    return found
