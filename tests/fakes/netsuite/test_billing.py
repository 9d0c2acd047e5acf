"""Invoices, credit memos and return authorizations (``!transform``), the sales order's billing
statuses, the ``bill``/``credit`` events, SuiteQL rows and the metadata catalog entries."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from fakes.core.fake import Fake, create_fake
from fakes.netsuite.records import WriteOptions
from tests.fakes.netsuite.conftest import BASE, RECORD, SUITEQL, first_ids, oauth_header, order_body

CATALOG = f"{RECORD}/metadata-catalog"


@pytest.fixture
def order(ns: requests.Session, fake: Fake) -> str:
    """An order of 5 x item (rate 10) and 1 x item2, shipping 4.5."""
    body = order_body(first_ids(fake), shippingCost=4.5, otherRefNum="PO-7")
    body["item"]["items"][0]["quantity"] = 5
    return str(ns.post(f"{RECORD}/salesOrder", json=body).headers["Location"])


def transform(ns: requests.Session, url: str, target: str, body: Any = None,
              **kwargs: Any) -> requests.Response:
    return ns.post(f"{url}/!transform/{target}", json=body, **kwargs)


def lines(*pairs: tuple[int, float]) -> dict[str, Any]:
    return {"item": {"items": [{"orderLine": n, "quantity": q} for n, q in pairs]}}


def expanded(ns: requests.Session, url: str) -> dict[str, Any]:
    return dict(ns.get(url, params={"expandSubResources": "true"}).json())


def status(ns: requests.Session, url: str) -> str:
    return str(ns.get(url).json()["orderStatus"]["id"])


def error(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["title"] == "Bad Request"
    return dict(body["o:errorDetails"][0])


def billed_order(ns: requests.Session, order: str) -> str:
    """Fulfil everything and bill it; the invoice URL."""
    assert transform(ns, order, "itemFulfillment").status_code == 204
    response = transform(ns, order, "invoice")
    assert response.status_code == 204
    return str(response.headers["Location"])


# -- invoices -----------------------------------------------------------------------------------
def test_unfulfilled_order_cannot_be_billed(ns: requests.Session, fake: Fake, order: str) -> None:
    detail = error(transform(ns, order, "invoice"))
    assert detail["o:errorCode"] == "USER_ERROR"
    assert "You can not initialize invoice: invalid reference" in detail["detail"]
    assert fake.state()["invoices"] == []


def test_empty_body_bills_everything_fulfilled(
    ns: requests.Session, fake: Fake, order: str
) -> None:
    invoice_url = billed_order(ns, order)
    assert invoice_url == f"{RECORD}/invoice/1003"
    invoice = expanded(ns, invoice_url)
    price = fake.state()["inventoryItems"][1]["basePrice"]
    assert invoice["tranId"] == "INV1"
    assert invoice["createdFrom"]["id"] == order.rsplit("/", 1)[1]
    assert invoice["createdFrom"]["refName"] == "Sales Order #SO1"
    assert invoice["entity"]["id"] == first_ids(fake)["customer"]
    assert invoice["tranDate"] == "2026-01-05" and invoice["otherRefNum"] == "PO-7"
    assert invoice["subtotal"] == round(50.0 + price, 2)
    assert invoice["total"] == invoice["amountRemaining"] == round(54.5 + price, 2)
    assert invoice["status"] == {"id": "A", "refName": "Open"}
    got = [(x["orderLine"], x["item"]["id"], x["quantity"], x["rate"], x["amount"])
           for x in invoice["item"]["items"]]
    assert got[0] == (1, first_ids(fake)["item"], 5.0, 10.0, 50.0)
    assert got[1][0] == 2 and got[1][2] == 1.0
    assert status(ns, order) == "G"


def test_partial_billing_walks_the_statuses(ns: requests.Session, order: str) -> None:
    assert transform(ns, order, "itemFulfillment", lines((1, 3))).status_code == 204
    assert ns.get(order).json()["orderStatus"] == {
        "id": "E", "refName": "Pending Billing/Partially Fulfilled"}
    assert transform(ns, order, "invoice", lines((1, 2))).status_code == 204
    assert status(ns, order) == "E"
    assert transform(ns, order, "invoice").status_code == 204
    assert ns.get(order).json()["orderStatus"] == {"id": "D", "refName": "Partially Fulfilled"}
    assert transform(ns, order, "itemFulfillment").status_code == 204
    assert ns.get(order).json()["orderStatus"] == {"id": "F", "refName": "Pending Billing"}
    assert transform(ns, order, "invoice").status_code == 204
    assert ns.get(order).json()["orderStatus"] == {"id": "G", "refName": "Billed"}
    billed = [x["quantityBilled"] for x in expanded(ns, order)["item"]["items"]]
    assert billed == [5.0, 1.0]


def test_partial_amounts_add_up_to_the_line(ns: requests.Session, fake: Fake) -> None:
    body = order_body(first_ids(fake))
    body["item"]["items"] = [{"item": {"id": first_ids(fake)["item"]}, "quantity": 3,
                              "amount": 10.0}]
    url = ns.post(f"{RECORD}/salesOrder", json=body).headers["Location"]
    transform(ns, url, "itemFulfillment")
    for _ in range(3):
        assert transform(ns, url, "invoice", lines((1, 1))).status_code == 204
    amounts = [inv["item"][0]["amount"] for inv in fake.state()["invoices"]]
    assert amounts == [3.33, 3.33, 3.34]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        (lines((1, 6)), "item.items[0].quantity"),
        (lines((9, 1)), "item.items[0].orderLine"),
        (lines((1, -1)), "item.items[0].quantity"),
        ({"item": {"items": "all"}}, "item"),
        ({"item": {"items": [{"orderLine": "1"}]}}, "item.items[0].orderLine"),
    ],
    ids=["over-billing", "unknown-line", "negative", "shape", "line-type"],
)
def test_bad_invoices_are_refused(
    ns: requests.Session, fake: Fake, order: str, body: Any, path: str
) -> None:
    transform(ns, order, "itemFulfillment")
    detail = error(transform(ns, order, "invoice", body))
    assert detail["o:errorPath"] == path
    assert fake.state()["invoices"] == []


def test_over_billing_names_what_is_left(ns: requests.Session, order: str) -> None:
    transform(ns, order, "itemFulfillment", lines((1, 2)))
    detail = error(transform(ns, order, "invoice", lines((1, 3))))
    assert detail["detail"] == ("You cannot bill more than the remaining quantity (2) of order "
                                "line 1.")
    assert transform(ns, order, "invoice", lines((2, 1))).status_code == 400


def test_billing_ahead_of_fulfilment_option() -> None:
    billing = create_fake("netsuite", seed=7, options={"billing_basis": "ordered"})
    backend: Any = billing.backend
    order_id = str(billing.event("bill", id=_order(billing))["invoice"])
    invoice = backend.records["invoice"][order_id]
    assert [x["quantity"] for x in invoice["item"]] == [2.0, 1.0]
    so = backend.records["salesOrder"][invoice["createdFrom"]["id"]]
    assert so["orderStatus"]["id"] == "B"
    billing.event("fulfill", id=so["id"])
    assert so["orderStatus"]["id"] == "G"


def _order(fake: Fake) -> str:
    backend: Any = fake.backend
    return str(backend.create(backend.rtype("salesOrder"), order_body(first_ids(fake)),
                              WriteOptions()))


def test_invoice_read_by_external_id_and_listed(ns: requests.Session, order: str) -> None:
    transform(ns, order, "itemFulfillment", lines((1, 2)))
    first = transform(ns, order, "invoice", {**lines((1, 1)), "externalId": "MAG-INV-1",
                                             "memo": "first"})
    assert first.status_code == 204
    transform(ns, order, "invoice")
    by_eid = ns.get(f"{RECORD}/invoice/eid:MAG-INV-1").json()
    assert by_eid["id"] == first.headers["Location"].rsplit("/", 1)[1]
    assert by_eid["memo"] == "first"
    listing = ns.get(f"{RECORD}/invoice", params={"limit": 1}).json()
    assert listing["totalResults"] == 2 and listing["count"] == 1 and listing["hasMore"] is True
    assert listing["items"][0]["links"][0]["href"] == f"{RECORD}/invoice/{by_eid['id']}"
    dup = transform(ns, order, "invoice", {"externalId": "MAG-INV-1"})
    assert error(dup)["o:errorPath"] == "externalId"
    queried = ns.get(f"{RECORD}/invoice", params={"q": 'memo IS "first"'}).json()
    assert [x["id"] for x in queried["items"]] == [by_eid["id"]]
    upsert = ns.put(f"{RECORD}/invoice/eid:MAG-INV-1", json={"memo": "upserted"})
    assert upsert.status_code == 204
    assert ns.get(f"{RECORD}/invoice/{by_eid['id']}").json()["memo"] == "upserted"


def test_patch_invoice_body_fields_only(ns: requests.Session, order: str) -> None:
    invoice = billed_order(ns, order)
    assert ns.patch(invoice, json={"memo": "paid by card", "dueDate": "2026-02-04",
                                   "custbody_magento_invoice": "000000042"}).status_code == 204
    saved = ns.get(invoice).json()
    assert saved["memo"] == "paid by card" and saved["dueDate"] == "2026-02-04"
    assert saved["custbody_magento_invoice"] == "000000042"
    assert error(ns.patch(invoice, json={"item": {"items": []}}))["o:errorPath"] == "item"
    assert error(ns.patch(invoice, json={"dueDate": "soon"}))["o:errorPath"] == "dueDate"
    assert ns.patch(invoice, json={"total": 1.0}).status_code == 204
    assert ns.get(invoice).json()["total"] == saved["total"]


def test_invoices_are_made_by_transform_only(ns: requests.Session, fake: Fake) -> None:
    body = {"entity": {"id": first_ids(fake)["customer"]}}
    created = ns.post(f"{RECORD}/invoice", json=body)
    assert created.status_code == 405
    assert created.json()["o:errorDetails"][0]["o:errorCode"] == "METHOD_NOT_ALLOWED"
    assert ns.put(f"{RECORD}/invoice/eid:NEW-1", json=body).status_code == 405
    assert ns.get(f"{RECORD}/invoice/999").status_code == 404


def test_delete_invoice_reopens_billing(ns: requests.Session, fake: Fake, order: str) -> None:
    invoice = billed_order(ns, order)
    assert error(ns.delete(order))["o:errorCode"] == "USER_ERROR"
    assert ns.delete(invoice).status_code == 204
    assert status(ns, order) == "F"
    assert ns.get(invoice).status_code == 404
    assert fake.state()["invoices"] == []
    assert transform(ns, order, "invoice").status_code == 204


def test_billed_fulfilment_cannot_be_deleted(ns: requests.Session, fake: Fake,
                                             order: str) -> None:
    billed_order(ns, order)
    shipment = f"{RECORD}/itemFulfillment/{fake.state()['itemFulfillments'][0]['id']}"
    assert "billed" in error(ns.delete(shipment))["detail"]


def test_closing_every_line_closes_the_order(ns: requests.Session, order: str) -> None:
    closed = {"item": {"items": [{"line": 1, "isClosed": True}, {"line": 2, "isClosed": True}]}}
    assert ns.patch(order, json=closed).status_code == 204
    assert ns.get(order).json()["orderStatus"] == {"id": "H", "refName": "Closed"}
    assert "invalid reference" in error(transform(ns, order, "invoice"))["detail"]


# -- credit memos -------------------------------------------------------------------------------
def test_full_credit_pays_the_invoice(ns: requests.Session, order: str) -> None:
    invoice = billed_order(ns, order)
    response = transform(ns, invoice, "creditMemo")
    assert response.status_code == 204
    memo = expanded(ns, response.headers["Location"])
    bill = ns.get(invoice).json()
    assert memo["tranId"] == "CM1" and memo["createdFrom"]["id"] == bill["id"]
    assert memo["createdFrom"]["refName"] == "Invoice #INV1"
    assert memo["status"] == {"id": "B", "refName": "Fully Applied"}
    assert memo["total"] == memo["applied"] == bill["total"] and memo["unapplied"] == 0
    assert memo["shippingCost"] == 4.5 and memo["subtotal"] == bill["subtotal"]
    assert [(x["orderLine"], x["quantity"]) for x in memo["item"]["items"]] == [(1, 5.0),
                                                                                 (2, 1.0)]
    assert bill["amountRemaining"] == 0 and bill["status"]["id"] == "B"
    assert status(ns, order) == "G"
    again = error(transform(ns, invoice, "creditMemo"))
    assert "You can not initialize creditmemo" in again["detail"]


def test_partial_credit_and_over_credit(ns: requests.Session, fake: Fake, order: str) -> None:
    invoice = billed_order(ns, order)
    assert transform(ns, invoice, "creditMemo", lines((1, 2))).status_code == 204
    assert ns.get(invoice).json()["amountRemaining"] == ns.get(invoice).json()["total"] - 24.5
    detail = error(transform(ns, invoice, "creditMemo", lines((1, 4))))
    assert detail["o:errorPath"] == "item.items[0].quantity"
    assert "remaining quantity (3) of invoice line 1" in detail["detail"]
    assert len(fake.state()["creditMemos"]) == 1
    assert error(ns.delete(invoice))["o:errorCode"] == "USER_ERROR"


def test_credit_memo_patch_delete(ns: requests.Session, fake: Fake, order: str) -> None:
    invoice = billed_order(ns, order)
    memo = transform(ns, invoice, "creditMemo", {"memo": "refund", "externalId": "CR-1"})
    url = memo.headers["Location"]
    assert ns.get(f"{RECORD}/creditMemo/eid:CR-1").json()["memo"] == "refund"
    assert ns.patch(url, json={"memo": "changed"}).status_code == 204
    assert ns.get(url).json()["memo"] == "changed"
    assert ns.delete(url).status_code == 204
    bill = ns.get(invoice).json()
    assert bill["amountRemaining"] == bill["total"]
    assert fake.state()["creditMemos"] == []


def test_paid_in_full_when_everything_is_credited(ns: requests.Session, fake: Fake) -> None:
    url = ns.post(f"{RECORD}/salesOrder", json=order_body(first_ids(fake))).headers["Location"]
    invoice = billed_order(ns, url)
    transform(ns, invoice, "creditMemo")
    bill = ns.get(invoice).json()
    assert bill["amountRemaining"] == 0 and bill["status"] == {"id": "B",
                                                               "refName": "Paid In Full"}


# -- return authorizations ----------------------------------------------------------------------
def test_return_authorization_from_fulfilled_lines(ns: requests.Session, order: str) -> None:
    assert "invalid reference" in error(transform(ns, order, "returnAuthorization"))["detail"]
    transform(ns, order, "itemFulfillment", lines((1, 3)))
    response = transform(ns, order, "returnAuthorization", lines((1, 2)))
    assert response.status_code == 204
    rma = expanded(ns, response.headers["Location"])
    assert rma["tranId"] == "RMA1" and rma["createdFrom"]["id"] == order.rsplit("/", 1)[1]
    assert rma["orderStatus"] == {"id": "A", "refName": "Pending Approval"}
    assert rma["status"] == rma["orderStatus"] and rma["total"] == 20.0
    assert [(x["orderLine"], x["quantity"]) for x in rma["item"]["items"]] == [(1, 2.0)]
    over = error(transform(ns, order, "returnAuthorization", lines((1, 2))))
    assert over["o:errorPath"] == "item.items[0].quantity"
    assert ns.patch(response.headers["Location"],
                    json={"orderStatus": {"id": "C"}}).status_code == 204
    assert transform(ns, order, "returnAuthorization", lines((1, 3))).status_code == 204


def test_return_authorization_status_choices(ns: requests.Session, order: str) -> None:
    transform(ns, order, "itemFulfillment")
    made = transform(ns, order, "returnAuthorization", {"orderStatus": {"id": "B"}})
    url = made.headers["Location"]
    assert ns.get(url).json()["orderStatus"] == {"id": "B", "refName": "Pending Receipt"}
    assert error(ns.patch(url, json={"orderStatus": {"id": "G"}}))["o:errorPath"] == (
        "orderStatus")
    assert ns.patch(url, json={"orderStatus": {"id": "A"}}).status_code == 204
    assert "invalid reference" in error(transform(ns, order, "returnAuthorization"))["detail"]
    assert ns.delete(url).status_code == 204
    bad = error(transform(ns, order, "returnAuthorization", {"orderStatus": "F"}))
    assert bad["o:errorPath"] == "orderStatus"


def test_default_return_status_option() -> None:
    fake = create_fake("netsuite", seed=7, options={"default_return_status": "B"})
    backend: Any = fake.backend
    order_id = _order(fake)
    fake.event("fulfill", id=order_id)
    result = backend.transform(backend.rtype("salesOrder"), order_id, "returnauthorization",
                               None)
    assert fake.state()["returnAuthorizations"][0]["orderStatus"] == {"id": "B"}
    assert result.record == "returnAuthorization"


# -- events, snapshot, SuiteQL, metadata --------------------------------------------------------
def test_bill_and_credit_events(ns: requests.Session, fake: Fake, order: str) -> None:
    order_id = order.rsplit("/", 1)[1]
    with pytest.raises(ValueError, match="initialize invoice"):
        fake.event("bill", id=order_id)
    fake.event("fulfill", id=order_id)
    invoice_id = fake.event("bill", id=order_id, lines=[{"line": 1, "quantity": 2}])["invoice"]
    with pytest.raises(ValueError, match="remaining quantity"):
        fake.event("bill", id=order_id, lines=[{"line": 1, "quantity": 4}])
    memo_id = fake.event("credit", invoice_id=invoice_id)["creditMemo"]
    state = fake.state()
    assert [i["id"] for i in state["invoices"]] == [invoice_id]
    assert state["creditMemos"][0]["id"] == memo_id
    assert state["creditMemos"][0]["createdFrom"] == {"id": invoice_id}
    assert state["invoices"][0]["amountRemaining"] == 0
    assert state["returnAuthorizations"] == []
    with pytest.raises(ValueError, match="no invoice"):
        fake.event("credit", invoice_id="4242")


def test_events_over_the_control_plane(fake: Fake) -> None:
    order_id = _order(fake)
    client = Client(fake.wsgi)
    fake.event("fulfill", id=order_id)
    answer = client.post("/__harness__/events", json={"name": "bill",
                                                      "payload": {"id": order_id}})
    assert answer.status_code == 200
    refused = client.post("/__harness__/events", json={"name": "bill",
                                                       "payload": {"id": order_id}})
    assert refused.status_code == 400


def test_suiteql_rows_for_billing(ns: requests.Session, order: str) -> None:
    invoice = billed_order(ns, order)
    transform(ns, invoice, "creditMemo", lines((2, 1)))
    transform(ns, order, "returnAuthorization", lines((1, 1)))
    q = ("SELECT id, type, status, createdfrom, tranid, foreigntotal FROM transaction "
         "WHERE type IN ('CustInvc', 'CustCred', 'RtnAuth') ORDER BY id")
    response = ns.post(SUITEQL, json={"q": q}, headers={"Prefer": "transient"})
    got = [(r["type"], r["status"], r["createdfrom"], r["tranid"])
           for r in response.json()["items"]]
    inv_id, so_id = invoice.rsplit("/", 1)[1], order.rsplit("/", 1)[1]
    assert got == [("CustInvc", "A", so_id, "INV1"), ("CustCred", "B", inv_id, "CM1"),
                   ("RtnAuth", "A", so_id, "RMA1")]
    lines_q = ("SELECT t.type, tl.quantity, tl.createdfrom FROM transactionline tl JOIN "
               "transaction t ON t.id = tl.transaction WHERE tl.mainline = 'F' AND "
               "t.type IN ('CustInvc', 'CustCred') ORDER BY t.id, tl.id")
    rows = ns.post(SUITEQL, json={"q": lines_q}, headers={"Prefer": "transient"}).json()
    assert [(r["type"], r["quantity"], r["createdfrom"]) for r in rows["items"]] == [
        ("CustInvc", "-5", so_id), ("CustInvc", "-1", so_id), ("CustCred", "1", inv_id)]


def test_snapshot_has_the_billing_keys(fake: Fake) -> None:
    state = fake.state()
    assert state["invoices"] == state["creditMemos"] == state["returnAuthorizations"] == []


def test_metadata_catalog_lists_the_new_records(ns: requests.Session) -> None:
    names = [x["name"] for x in ns.get(CATALOG).json()["items"]]
    assert {"invoice", "creditMemo", "returnAuthorization"} <= set(names)
    schema = ns.get(f"{CATALOG}/invoice").json()
    assert schema["title"] == "Invoice"
    assert schema["properties"]["status"]["properties"]["id"]["enum"] == ["A", "B", "D", "E",
                                                                          "V"]
    assert schema["properties"]["createdFrom"]["readOnly"] is True
    items = schema["properties"]["item"]["properties"]["items"]["items"]["properties"]
    assert {"orderLine", "quantity", "rate", "amount", "item"} <= set(items)
    doc = ns.get(CATALOG, params={"select": "invoice,salesOrder"},
                 headers={"Accept": "application/swagger+json"}).json()
    assert "post" not in doc["paths"]["/invoice"]
    assert set(doc["paths"]["/invoice/{id}"]) == {"get", "patch", "delete"}
    assert "/invoice/{id}/!transform/creditMemo" in doc["paths"]
    assert "/salesOrder/{id}/!transform/invoice" in doc["paths"]
    ra = ns.get(f"{CATALOG}/returnAuthorization").json()["properties"]["orderStatus"]
    assert "H" in ra["properties"]["id"]["enum"]


def test_async_transform_to_invoice(ns: requests.Session, fake: Fake, order: str) -> None:
    transform(ns, order, "itemFulfillment")
    response = transform(ns, order, "invoice", headers={"Prefer": "respond-async"})
    assert response.status_code == 202
    assert fake.state()["invoices"] == []
    fake.clock.advance(5)
    assert len(fake.state()["invoices"]) == 1


# -- over WSGI ----------------------------------------------------------------------------------
def signed(client: Client, fake: Fake, method: str, path: str, body: Any = None) -> Any:
    url = f"{BASE}{path}"
    header = oauth_header(method, url, fake.credentials(), timestamp=int(fake.clock.time()),
                          nonce=f"w{method}{len(path)}{id(body)}")
    data = None if body is None else json.dumps(body)
    return client.open(path, base_url=BASE, method=method, data=data,
                       headers={"Authorization": header, "Content-Type": "application/json"})


def test_billing_over_wsgi(fake: Fake) -> None:
    client = Client(fake.wsgi)
    order_id = _order(fake)
    root = "/services/rest/record/v1"
    fake.event("fulfill", id=order_id)
    made = signed(client, fake, "POST", f"{root}/salesOrder/{order_id}/!transform/invoice")
    assert made.status_code == 204
    invoice_path = made.headers["Location"].replace(BASE, "")
    got = signed(client, fake, "GET", invoice_path)
    assert got.status_code == 200 and got.json["tranId"] == "INV1"
    bad = signed(client, fake, "POST", f"{invoice_path}/!transform/creditMemo", [1, 2])
    assert bad.status_code == 400 and bad.json["o:errorDetails"][0]["o:errorCode"] == (
        "INVALID_CONTENT")
    broken = client.open(f"{invoice_path}/!transform/creditMemo", base_url=BASE, method="POST",
                         data="{not json", headers={
                             "Authorization": oauth_header(
                                 "POST", f"{BASE}{invoice_path}/!transform/creditMemo",
                                 fake.credentials(), timestamp=int(fake.clock.time()),
                                 nonce="broken"),
                             "Content-Type": "application/json"})
    assert broken.status_code == 400 and "o:errorDetails" in broken.json
    memo = signed(client, fake, "POST", f"{invoice_path}/!transform/creditMemo",
                  lines((1, 1)))
    assert memo.status_code == 204
    assert fake.state()["creditMemos"][0]["item"][0]["quantity"] == 1.0
