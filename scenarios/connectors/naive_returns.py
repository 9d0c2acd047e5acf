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
from xml.sax.saxutils import escape

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


# -- Sage 200: a posted credit note for the whole order, on the default sales account -----------
def _sage200(naive: NaiveConnector, order: dict[str, Any]) -> None:
    erp: Any = naive.erp
    increment = str(order.get("increment_id"))
    found = erp._list(f"/sop_orders?$filter=customer_document_no eq '{increment}'&$expand=lines")
    if not found:
        return
    sop = found[0]
    items = [
        {"code": "4000", "narrative": f"{x['code']} x {x['line_quantity']:g}",
         "value": x["line_total_value"]}
        for x in sop.get("lines") or []
    ]  # fmt: skip
    goods, tax = sop.get("total_net_value"), sop.get("total_tax_value")
    body = {
        "customer_id": sop["customer_id"],
        "reference": increment,
        "second_reference": sop.get("document_no"),
        "document_goods_value": goods,
        "document_tax_value": tax,
        "nominal_analysis_items": items,
        "tax_analysis_items": [{"tax_code_id": 1, "goods_amount": goods, "tax_amount": tax}],
    }
    erp._call("POST", "/sales_credit_notes", json=body)


# -- legacy: a SOAP credit note for every line of the order, the increment as its reference ------
def _legacy(naive: NaiveConnector, order: dict[str, Any]) -> None:
    erp: Any = naive.erp
    increment = str(order.get("increment_id"))
    lines = "".join(
        f"<tns:line><tns:sku>{escape(str(item['sku']))}</tns:sku>"
        f"<tns:quantity>{int(float(item.get('qty_ordered') or 0))}</tns:quantity>"
        f"<tns:amount>{item.get('row_total') or 0}</tns:amount>"
        "<tns:restock>false</tns:restock></tns:line>"
        for item in order.get("items") or []
        if not item.get("parent_item_id")
    )
    body = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:tns="urn:legacy-erp:order-service:v1"><soap:Body><tns:CreateCreditNote>'
        f"<tns:credit_ref>{escape(increment)}</tns:credit_ref>"
        f"<tns:order_ref>{escape(increment)}</tns:order_ref>"
        f"<tns:credit_date>{str(order.get('created_at') or '')[:10]}</tns:credit_date>"
        f"<tns:lines>{lines}</tns:lines></tns:CreateCreditNote></soap:Body></soap:Envelope>"
    )
    naive.session.post(
        f"{erp.base}/soap/OrderService",
        data=body.encode("utf-8"),
        auth=erp.auth,
        headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
        timeout=30,
    )


CREDITORS: dict[str, Credit] = {
    "netsuite": _netsuite,
    "business-central": _business_central,
    "sap-b1": _sap_b1,
    "legacy": _legacy,
    "sage200": _sage200,
}


# -- S/4HANA: a credit memo request for the whole order, no invoice reference ------------------
def _s4hana(naive: NaiveConnector, order: dict[str, Any]) -> None:
    erp: Any = naive.erp
    increment = str(order.get("increment_id"))
    found = erp._results(
        "API_SALES_ORDER_SRV/A_SalesOrder", {"$filter": f"PurchaseOrderByCustomer eq '{increment}'"}
    )
    if not found:
        return
    head = found[0]
    area = ("SalesOrganization", "DistributionChannel", "OrganizationDivision", "SoldToParty")
    items = [
        {"Material": str(item["sku"]), "RequestedQuantity": str(item.get("qty_ordered"))}
        for item in order.get("items") or []
        if not item.get("parent_item_id")
    ]
    body = {
        "CreditMemoRequestType": "CR",
        **{name: head[name] for name in area},
        "PurchaseOrderByCustomer": increment,
        "to_Item": items,
    }
    if erp.token is None:
        fetched = naive.session.head(
            f"{erp.base}/API_SALES_ORDER_SRV/",
            auth=erp.auth,
            headers={"x-csrf-token": "Fetch"},
            timeout=30,
        )
        erp.token = fetched.headers.get("x-csrf-token", "")
    naive.session.post(
        f"{erp.base}/API_CREDIT_MEMO_REQUEST_SRV/A_CreditMemoRequest",
        json=body,
        auth=erp.auth,
        headers={"x-csrf-token": erp.token, "Accept": "application/json"},
        timeout=30,
    )


CREDITORS["s4hana"] = _s4hana


def cycle(naive: NaiveConnector) -> None:
    credit = CREDITORS.get(naive.world.erp)
    if credit is None:
        return
    for memo in _memos(naive):
        try:
            credit(naive, _order(naive, int(memo["order_id"])))
        except (requests.RequestException, ValueError, KeyError, IndexError) as exc:
            naive.errors.append(f"credit memo {memo.get('increment_id')}: {exc}")
