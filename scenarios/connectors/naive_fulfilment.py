"""The naive script's fulfilment chore: "when the ERP has shipped something, ship the order".

Every run it lists the ERP's delivery documents (all of them: it keeps no cursor and no
memory of what it did), takes the order each one is for, and POSTs Magento's
``/V1/order/{id}/ship`` with no items (Magento then ships everything left), no source (so the
``default`` source is deducted whatever warehouse the goods left from) and no tracking number.
A partial delivery marks the whole order shipped; a delivery from another warehouse deducts
the wrong source; and it asks again on every run (Magento refuses once nothing is left).

It reads each ERP the way such scripts do, with one request per run (readers below, by ERP
kind). ERPs without a reader here are not covered: the script never ships for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scenarios.connectors.naive import NaiveConnector

Reader = Callable[["NaiveConnector"], set[str]]
LEGACY_NS = "urn:legacy-erp:order-service:v1"


def _legacy(naive: NaiveConnector) -> set[str]:
    """``ListShipments`` since the epoch; the order reference of each, as text."""
    creds = naive.world.erp_fake.credentials()
    body = (
        f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:tns="{LEGACY_NS}"><soap:Body><tns:ListShipments>'
        "<tns:since>1970-01-01T00:00:00Z</tns:since>"
        "</tns:ListShipments></soap:Body></soap:Envelope>"
    )
    response = naive.session.post(
        f"{naive.world.erp_fake.base_url}/soap/OrderService",
        data=body.encode("utf-8"),
        auth=(creds["username"], creds["password"]),
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        timeout=30,
    )
    return set(re.findall(r"<(?:\w+:)?order_ref>([^<]*)</", response.text))


def _netsuite(naive: NaiveConnector) -> set[str]:
    """Every item fulfilment's sales order, by the ``otherRefNum`` the script wrote."""
    rows = naive.erp._suiteql(
        "SELECT so.otherrefnum AS ref FROM transaction t "
        "JOIN transaction so ON so.id = t.createdfrom WHERE t.type = 'ItemShip'"
    )
    return {str(r["ref"]) for r in rows if r.get("ref")}


def _sage200(naive: NaiveConnector) -> set[str]:
    """Every despatch's order, by the ``customer_document_no`` the script wrote."""
    response = naive.erp._call("GET", "/sop_order_despatch_views")
    rows: Any = response.json() if response.status_code == 200 else []
    return {
        str(r["sop_order_customer_document_no"])
        for r in (rows if isinstance(rows, list) else [])
        if isinstance(r, dict) and r.get("sop_order_customer_document_no")
    }


def _business_central(naive: NaiveConnector) -> set[str]:
    """Every posted shipment's order, by the ``externalDocumentNumber`` the script wrote."""
    rows = naive.erp._values("salesShipments", {"$select": "externalDocumentNumber"})
    return {str(r["externalDocumentNumber"]) for r in rows if r.get("externalDocumentNumber")}


READERS: dict[str, Reader] = {
    "legacy": _legacy,
    "netsuite": _netsuite,
    "sage200": _sage200,
    "business-central": _business_central,
}


def _increment(ref: str) -> str:
    return ref.rsplit("-", 1)[-1]


def _order_id(naive: NaiveConnector, increment: str) -> int | None:
    response = naive.session.get(
        f"{naive.world.magento.base_url}/rest/V1/orders",
        params={
            "searchCriteria[filterGroups][0][filters][0][field]": "increment_id",
            "searchCriteria[filterGroups][0][filters][0][value]": increment,
        },
        headers=naive.magento_headers,
        timeout=30,
    )
    items: list[dict[str, Any]] = response.json().get("items") or []
    return int(items[0]["entity_id"]) if items else None


def cycle(naive: NaiveConnector) -> None:
    reader = READERS.get(naive.world.erp)
    if reader is None:
        return
    for ref in sorted(reader(naive)):
        entity_id = _order_id(naive, _increment(ref))
        if entity_id is None:
            continue
        response = naive.session.post(
            f"{naive.world.magento.base_url}/rest/V1/order/{entity_id}/ship",
            json={"notify": False},
            headers=naive.magento_headers,
            timeout=30,
        )
        if response.status_code >= 300:
            naive.errors.append(f"ship order {ref}: {response.status_code}")
