"""shipAndInvoice, partial shipments, the item ledger and stock per location, credit memos and the
operator events (item journal, partial shipment, cancellation)."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.core.bridge import FakeFleet
from tests.fakes.business_central.conftest import BC, error_of, make_fake


def _company_state(bc: BC) -> dict[str, Any]:
    state: dict[str, Any] = bc.fake.state()["environments"]["production"]["CRONUS UK Ltd."]
    return state


def _stock(bc: BC, number: str, code: str) -> float:
    item = next(i for i in _company_state(bc)["items"] if i["number"] == number)
    return float(item["inventoryByLocation"].get(code, 0))


def _two_line_order(bc: BC) -> dict[str, Any]:
    items = bc.values("items?$top=2")
    main, north = bc.location("MAIN")["id"], bc.location("NORTH")["id"]
    lines = [{"itemId": items[0]["id"], "quantity": 3, "locationId": main},
             {"itemId": items[1]["id"], "quantity": 2, "locationId": north}]
    return dict(bc.new_order(lines=lines).json())


def test_ship_and_invoice_posts_documents_and_ledger(bc: BC) -> None:
    items = bc.values("items?$top=2")
    before = (_stock(bc, items[0]["number"], "MAIN"), _stock(bc, items[1]["number"], "NORTH"))
    order = _two_line_order(bc)
    response = bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice")
    assert (response.status_code, response.content) == (204, b"")
    assert bc.values("salesOrders") == []
    shipment = bc.values("salesShipments?$expand=salesShipmentLines")[0]
    assert shipment["orderNumber"] == order["number"]
    assert [ln["quantity"] for ln in shipment["salesShipmentLines"]] == [3, 2]
    invoice = bc.values("salesInvoices?$expand=salesInvoiceLines")[0]
    assert (invoice["orderNumber"], invoice["status"]) == (order["number"], "Open")
    assert invoice["totalAmountIncludingTax"] == pytest.approx(order["totalAmountIncludingTax"])
    ledger = bc.values(f"itemLedgerEntries?$filter=documentNumber eq '{shipment['number']}'")
    assert sorted(e["quantity"] for e in ledger) == [-3, -2]
    assert {e["entryType"] for e in ledger} == {"Sale"}
    assert _stock(bc, items[0]["number"], "MAIN") == before[0] - 3
    assert _stock(bc, items[1]["number"], "NORTH") == before[1] - 2
    assert bc.get(f"items({items[0]['id']})").json()["inventory"] == items[0]["inventory"] - 3


def test_posting_does_not_touch_the_item_record(bc: BC) -> None:
    item = bc.first("items")
    order = bc.new_order().json()
    bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice")
    after = bc.get(f"items({item['id']})").json()
    assert after["inventory"] == item["inventory"] - 2
    assert after["lastModifiedDateTime"] == item["lastModifiedDateTime"]
    assert after["@odata.etag"] == item["@odata.etag"]


def test_partial_shipment_through_ship_quantity(bc: BC) -> None:
    order = _two_line_order(bc)
    lines = bc.values(f"salesOrders({order['id']})/salesOrderLines")
    bc.patch(f"salesOrderLines({lines[0]['id']})", json={"shipQuantity": 1},
             headers={"If-Match": "*"})
    bc.patch(f"salesOrderLines({lines[1]['id']})", json={"shipQuantity": 0},
             headers={"If-Match": "*"})
    assert bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice").status_code == 204
    header = bc.get(f"salesOrders({order['id']})").json()
    assert (header["status"], header["fullyShipped"]) == ("Released", False)
    after = bc.values(f"salesOrders({order['id']})/salesOrderLines")
    assert [(ln["shippedQuantity"], ln["invoicedQuantity"], ln["shipQuantity"]) for ln in after] \
        == [(1, 1, 2), (0, 0, 2)]
    locked = bc.patch(f"salesOrderLines({after[0]['id']})", json={"quantity": 9},
                      headers={"If-Match": "*"})
    assert error_of(locked)[:2] == (400, "Application_FieldValidationException")
    assert bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice").status_code == 204
    assert bc.values("salesOrders") == []
    assert len(bc.values("salesShipments")) == 2 and len(bc.values("salesInvoices")) == 2


def test_complete_shipping_advice_refuses_partial_shipments(bc: BC) -> None:
    order = _two_line_order(bc)
    assert order["partialShipping"] is True
    complete = bc.patch(f"salesOrders({order['id']})", json={"partialShipping": False},
                        headers={"If-Match": "*"}).json()
    assert complete["partialShipping"] is False
    with pytest.raises(ValueError, match="complete shipment"):
        bc.fake.event("ship_order", number=order["number"],
                      lines=[{"sequence": 10000, "quantity": 1}])
    line = bc.values(f"salesOrders({order['id']})/salesOrderLines")[0]
    bc.patch(f"salesOrderLines({line['id']})", json={"shipQuantity": 1}, headers={"If-Match": "*"})
    refused = bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice")
    assert error_of(refused)[2].startswith("This order must be a complete shipment.")
    assert bc.values("salesShipments") == []


def test_operator_partial_shipment_then_invoice(bc: BC) -> None:
    order = _two_line_order(bc)
    result = bc.fake.event("ship_order", number=order["number"],
                           lines=[{"sequence": 10000, "quantity": 2}])
    assert result["invoice"] is None and result["order_deleted"] is False
    lines = bc.values(f"salesOrders({order['id']})/salesOrderLines")
    assert [(ln["shippedQuantity"], ln["invoicedQuantity"]) for ln in lines] == [(2, 0), (0, 0)]
    shipment = bc.values(f"salesShipments?$filter=orderNumber eq '{order['number']}'")
    assert len(shipment) == 1 and bc.values("salesInvoices") == []
    with pytest.raises(ValueError, match="cannot ship"):
        bc.fake.event("ship_order", number=order["number"],
                      lines=[{"sequence": 10000, "quantity": 5}])
    bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice")
    invoice = bc.values("salesInvoices?$expand=salesInvoiceLines")[0]
    assert [ln["quantity"] for ln in invoice["salesInvoiceLines"]] == [3, 2]


def test_operator_ships_everything_when_lines_omitted(bc: BC) -> None:
    order = _two_line_order(bc)
    result = bc.fake.event("ship_order", number=order["number"])
    assert result["shipment"] and result["invoice"] is None
    assert bc.get(f"salesOrders({order['id']})").json()["fullyShipped"] is True


def test_blocked_customer_cannot_post(bc: BC) -> None:
    order = bc.new_order().json()
    bc.fake.event("block_customer", number=order["customerNumber"], blocked="Invoice")
    response = bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice")
    status, code, text = error_of(response)
    assert (status, code) == (400, "Application_DialogException")
    assert text.startswith(f"You cannot post this type of document when Customer "
                           f"{order['customerNumber']} is blocked with type Invoice")
    assert bc.values("salesShipments") == []


def test_nothing_to_post(bc: BC) -> None:
    order = bc.new_order(lines=[]).json()
    response = bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice")
    assert error_of(response)[2].startswith("There is nothing to post.")
    assert bc.get(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice").status_code == 405


def test_prevent_negative_inventory_option() -> None:
    fake = make_fake(prevent_negative_inventory=True)
    with FakeFleet({"business-central": fake}):
        client = BC(fake)
        item = client.first("items")
        stock = _stock(client, item["number"], "MAIN")
        order = client.new_order(lines=[{"itemId": item["id"], "quantity": stock + 1,
                                         "locationId": client.location("MAIN")["id"]}]).json()
        response = client.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice")
        assert error_of(response)[2].startswith(
            f"You have insufficient quantity of Item {item['number']} on inventory.")


def test_item_journal_event_moves_stock(bc: BC) -> None:
    item = bc.first("items")
    before = _stock(bc, item["number"], "SOUTH")
    result = bc.fake.event("post_item_journal", item_number=item["number"],
                           location_code="SOUTH", quantity=-4)
    entry = bc.values(f"itemLedgerEntries?$filter=entryNumber eq {result['entryNumber']}")[0]
    assert (entry["entryType"], entry["quantity"]) == ("Negative Adjmt.", -4)
    assert _stock(bc, item["number"], "SOUTH") == before - 4
    assert bc.get(f"items({item['id']})").json()["inventory"] == item["inventory"] - 4
    with pytest.raises(ValueError):
        bc.fake.event("post_item_journal", item_number="NOPE", location_code="SOUTH", quantity=1)


def test_cancel_order_event(bc: BC) -> None:
    open_order = bc.new_order().json()
    assert bc.fake.event("cancel_order", number=open_order["number"])["deleted"] is True
    assert bc.values("salesOrders") == []
    order = _two_line_order(bc)
    bc.fake.event("ship_order", number=order["number"], lines=[{"sequence": 10000, "quantity": 1}])
    assert bc.fake.event("cancel_order", number=order["number"])["deleted"] is False
    lines = bc.values(f"salesOrders({order['id']})/salesOrderLines")
    assert [(ln["quantity"], ln["shipQuantity"]) for ln in lines] == [(1, 0), (0, 0)]
    assert bc.get(f"salesOrders({order['id']})").json()["fullyShipped"] is True


def test_credit_memo_posting_restocks(bc: BC) -> None:
    order = bc.new_order().json()
    bc.post(f"salesOrders({order['id']})/Microsoft.NAV.shipAndInvoice")
    invoice = bc.values("salesInvoices")[0]
    item = bc.first("items")
    before = _stock(bc, item["number"], "MAIN")
    memo = bc.post("salesCreditMemos", json={
        "customerNumber": order["customerNumber"], "invoiceNumber": invoice["number"],
        "externalDocumentNumber": "MAG-CM-1",
        "salesCreditMemoLines": [{"itemId": item["id"], "quantity": 1,
                                  "locationId": bc.location("MAIN")["id"]}]})
    assert memo.status_code == 201
    created = memo.json()
    assert (created["status"], created["invoiceId"]) == ("Draft", invoice["id"])
    assert bc.post(f"salesCreditMemos({created['id']})/Microsoft.NAV.post").status_code == 204
    assert bc.get(f"salesCreditMemos({created['id']})").json()["status"] == "Open"
    assert _stock(bc, item["number"], "MAIN") == before + 1
    again = bc.post(f"salesCreditMemos({created['id']})/Microsoft.NAV.post")
    assert error_of(again)[:2] == (400, "Application_DialogException")
    locked = bc.patch(f"salesCreditMemos({created['id']})", json={"externalDocumentNumber": "X"},
                      headers={"If-Match": "*"})
    assert error_of(locked)[0] == 400


def test_credit_memo_needs_a_known_invoice(bc: BC) -> None:
    customer = bc.first("customers")
    response = bc.post("salesCreditMemos", json={"customerNumber": customer["number"],
                                                 "invoiceNumber": "PS-INV999999"})
    assert error_of(response)[:2] == (400, "Application_DialogException")


def test_snapshot_shape(bc: BC) -> None:
    bc.new_order()
    company = _company_state(bc)
    assert set(company) >= {"salesOrders", "salesShipments", "salesInvoices", "salesCreditMemos",
                            "customers", "items", "itemLedgerEntries"}
    order = company["salesOrders"][0]
    assert order["salesOrderLines"][0]["locationCode"] == "MAIN"
    assert all("locationCode" in e for e in company["itemLedgerEntries"])
