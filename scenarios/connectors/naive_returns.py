"""The naive script's returns chore: "when Magento refunds, credit the ERP order".

Every run it lists all of Magento's credit memos (no cursor, no memory of what it sent) and,
for each, credits the order in the ERP: the whole order, whatever the memo's lines (the memo's
items are ignored), with no external reference, so nothing can be looked up; a lost answer is
simply tried again next run. It never returns goods to a warehouse.

The ERP half is one function per ERP kind (below); ERPs without one are not covered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from scenarios.connectors.naive import NaiveConnector

Credit = Callable[["NaiveConnector", dict[str, Any]], None]


def _memos(naive: NaiveConnector) -> list[dict[str, Any]]:
    response = naive.session.get(
        f"{naive.world.magento.base_url}/rest/V1/creditmemos",
        params={"searchCriteria[pageSize]": "100"},
        headers=naive.magento_headers,
        timeout=30,
    )
    return list(response.json().get("items") or [])


def _order(naive: NaiveConnector, order_id: int) -> dict[str, Any]:
    response = naive.session.get(
        f"{naive.world.magento.base_url}/rest/V1/orders/{order_id}",
        headers=naive.magento_headers,
        timeout=30,
    )
    return dict(response.json())


# -- NetSuite: transform the order's invoice into a credit memo, with no body ------------------
def _netsuite(naive: NaiveConnector, order: dict[str, Any]) -> None:
    erp: Any = naive.erp
    increment = str(order.get("increment_id"))
    rows = erp._suiteql(
        "SELECT t.id FROM transaction t JOIN transaction s ON s.id = t.createdfrom "
        f"WHERE t.type = 'CustInvc' AND s.otherrefnum = '{increment}'"
    )
    for row in rows:
        naive.session.post(
            f"{erp.base}/services/rest/record/v1/invoice/{row['id']}/!transform/creditMemo",
            json={},
            auth=erp.auth,
            timeout=30,
        )


# -- Business Central: a credit memo of the whole order, applied to its invoice -----------------
def _business_central(naive: NaiveConnector, order: dict[str, Any]) -> None:
    erp: Any = naive.erp
    increment = str(order.get("increment_id"))
    invoices = erp._values("salesInvoices", {"$filter": f"externalDocumentNumber eq '{increment}'"})
    lines = [
        {
            "lineType": "Item",
            "lineObjectNumber": item["sku"],
            "quantity": item.get("qty_ordered"),
            "unitPrice": item.get("price"),
        }
        for item in order.get("items") or []
        if not item.get("parent_item_id")
    ]
    for invoice in invoices[:1]:
        body = {
            "customerNumber": invoice.get("customerNumber"),
            "invoiceId": invoice["id"],
            "salesCreditMemoLines": lines,
        }
        naive.session.post(
            f"{erp._company()}/salesCreditMemos", json=body, headers=erp._headers(), timeout=30
        )


# -- SAP Business One: a credit note of every order line, no base document ----------------------
def _sap_b1(naive: NaiveConnector, order: dict[str, Any]) -> None:
    erp: Any = naive.erp
    increment = str(order.get("increment_id"))
    found = erp._rows("/Orders", {"$filter": f"NumAtCard eq '{increment}'"})
    if not found:
        return
    lines = [
        {
            "ItemCode": item["sku"],
            "Quantity": item.get("qty_ordered"),
            "UnitPrice": item.get("price"),
        }
        for item in order.get("items") or []
        if not item.get("parent_item_id")
    ]
    body = {"CardCode": found[0]["CardCode"], "NumAtCard": increment, "DocumentLines": lines}
    erp._call("POST", "/CreditNotes", json=body)


CREDITORS: dict[str, Credit] = {
    "netsuite": _netsuite,
    "business-central": _business_central,
    "sap-b1": _sap_b1,
}


def cycle(naive: NaiveConnector) -> None:
    credit = CREDITORS.get(naive.world.erp)
    if credit is None:
        return
    for memo in _memos(naive):
        try:
            credit(naive, _order(naive, int(memo["order_id"])))
        except (requests.RequestException, ValueError, KeyError, IndexError) as exc:
            naive.errors.append(f"credit memo {memo.get('increment_id')}: {exc}")
