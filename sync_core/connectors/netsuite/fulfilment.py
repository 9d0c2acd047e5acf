"""NetSuite item fulfilments (``itemFulfillment``) as shipments for the fulfilment flow.

One SuiteQL read finds the fulfilments changed since the cursor with their lines: the
fulfilment (``transaction`` of type ``ItemShip``), its item lines (``transactionline``: ``item``
internal id, ``quantity`` (stored negative, as NetSuite keeps outbound quantities),
``location`` internal id, ``createdfrom`` the sales order), and the sales order's
``externalid``, the Magento reference the orders flow keyed it by. Only orders with an external
id starting ``mage-`` are ours. Lines map item internal ids back to item codes through the
item master (``itemid``), then to SKUs.

Tracking numbers live on the fulfilment's ``package`` sublist (``packageTrackingNumber``, one
line per parcel); SuiteQL does not return sublists, so each fulfilment of ours is read once
more (``GET itemFulfillment/<id>?fields=package&expandSubResources=true``).

Versions and the cursor are ``lastmodifieddate`` as ``YYYY-MM-DD HH24:MI:SS``; the filter is
``>=`` (the last one is read again: the flow's bindings make that harmless).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sync_core.errors import SchemaDrift
from sync_core.fulfilment_model import Shipment, ShipmentLine

if TYPE_CHECKING:
    from sync_core.connectors.netsuite.connector import NetSuiteConnector

REF_PREFIX = "mage-"
STAMP = "YYYY-MM-DD HH24:MI:SS"
QUERY = (
    "SELECT t.id AS id, t.tranid AS tranid, "
    f"TO_CHAR(t.lastmodifieddate, '{STAMP}') AS modified, "
    "so.id AS orderid, so.externalid AS ref, tl.item AS item, tl.quantity AS quantity, "
    "tl.location AS location "
    "FROM transaction t "
    "JOIN transactionline tl ON tl.transaction = t.id "
    "JOIN transaction so ON so.id = tl.createdfrom "
    "WHERE t.type = 'ItemShip' AND tl.mainline = 'F' AND tl.item IS NOT NULL "
    "AND so.externalid LIKE 'mage-%'"
)
ORDER = " ORDER BY t.id, tl.linesequencenumber"


def query(since: str | None) -> str:
    """The SuiteQL read of fulfilment lines changed at or after ``since``."""
    if not since:
        return QUERY + ORDER
    stamp = since.replace("T", " ")[:19].replace("'", "")
    return QUERY + f" AND t.lastmodifieddate >= TO_TIMESTAMP('{stamp}', '{STAMP}')" + ORDER


def deliveries(connector: NetSuiteConnector, since: str | None) -> Iterator[Shipment]:
    """Every fulfilment of one of our orders changed at or after ``since`` (all when None)."""
    codes = {internal: code for code, internal in connector.item_ids().items()}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in connector.client.suiteql(query(since)):
        grouped.setdefault(str(row["id"]), []).append(row)
    for document, rows in grouped.items():
        lines = [line for row in rows if (line := _line(connector, codes, row)) is not None]
        first = rows[0]
        yield Shipment(
            system=connector.system,
            erp_document_id=document,
            erp_order_id=str(first["orderid"]),
            external_ref=str(first["ref"]),
            lines=lines,
            tracking_numbers=tracking_numbers(connector, document),
            version=str(first.get("modified") or ""),
        )


def _line(
    connector: NetSuiteConnector, codes: dict[str, str], row: dict[str, Any]
) -> ShipmentLine | None:
    try:
        qty = abs(Decimal(str(row.get("quantity") or 0)))
    except InvalidOperation as exc:
        raise SchemaDrift(
            f"netsuite itemFulfillment {row.get('id')}: quantity {row.get('quantity')!r} "
            "is not a number"
        ) from exc
    if qty <= 0:
        return None
    item = str(row["item"])
    code = codes.get(item) or codes.get(item.split(".")[0]) or item
    return ShipmentLine(
        sku=connector.mapping.sku_for(code),
        item_code=code,
        qty=qty,
        location=str(row.get("location") or ""),
    )


def tracking_numbers(connector: NetSuiteConnector, document: str) -> list[str]:
    """The ``packageTrackingNumber`` of each package of the fulfilment, in order."""
    record = connector.client.get_record(
        "itemFulfillment", document, fields="package", expandSubResources="true"
    )
    package = record.get("package") or {}
    rows = package.get("items") if isinstance(package, dict) else package
    found: list[str] = []
    for row in rows or []:
        number = str((row or {}).get("packageTrackingNumber") or "").strip()
        if number and number not in found:
            found.append(number)
    return found
