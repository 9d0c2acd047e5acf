"""Invoices, shipments, credit memos: creation rules, order state, MSI effects, lookups."""

from __future__ import annotations

from typing import Any

from tests.fakes.magento.conftest import Api, criteria

NOTHING_TO_SHIP = ("Shipment Document Validation Error(s):\n"
                   "The order does not allow a shipment to be created.\n"
                   "You can't create a shipment without products.")


def _qty(api: Api, sku: str, source: str) -> float:
    for row in api.fake.state()["source_items"]:
        if row["sku"] == sku and row["source_code"] == source:
            return float(row["quantity"])
    raise AssertionError((sku, source))


def _two_lines(api: Api, **kw: Any) -> tuple[int, list[int]]:
    placed = api.place(lines=[{"sku": "SKU-000001", "qty": 3}, {"sku": "SKU-000002", "qty": 1}],
                       **kw)
    order = api.order(placed["entity_id"])
    return placed["entity_id"], [i["item_id"] for i in order["items"]]


def test_partial_then_full_shipment_completes_a_paid_order(api: Api) -> None:
    order_id, (first, second) = _two_lines(api)
    before = _qty(api, "SKU-000001", "wh-north")
    body = {"items": [{"order_item_id": first, "qty": 2}],
            "tracks": [{"track_number": "1Z999", "title": "UPS", "carrier_code": "ups"}],
            "arguments": {"extension_attributes": {"source_code": "wh-north"}}}
    response = api.post(f"/rest/V1/order/{order_id}/ship", body)
    assert response.status_code == 200 and response.get_json() == 1
    order = api.order(order_id)
    assert order["items"][0]["qty_shipped"] == 2 and order["state"] == "processing"
    assert _qty(api, "SKU-000001", "wh-north") == before - 2
    rest = api.post(f"/rest/V1/order/{order_id}/ship", {})
    assert rest.get_json() == 2
    order = api.order(order_id)
    assert [i["qty_shipped"] for i in order["items"]] == [3, 1]
    assert (order["state"], order["status"]) == ("complete", "complete")


def test_shipment_document(api: Api) -> None:
    order_id, (first, _) = _two_lines(api)
    body = {"items": [{"order_item_id": first, "qty": 1}], "appendComment": True,
            "comment": {"comment": "Left the warehouse", "is_visible_on_front": 1},
            "tracks": [{"track_number": "T-1", "title": "DHL", "carrier_code": "dhl"}]}
    shipment_id = api.post(f"/rest/V1/order/{order_id}/ship", body).get_json()
    shipment = api.get(f"/rest/V1/shipment/{shipment_id}").get_json()
    assert shipment["order_id"] == order_id and shipment["increment_id"] == "000000001"
    assert shipment["items"][0]["order_item_id"] == first and shipment["items"][0]["qty"] == 1
    track = shipment["tracks"][0]
    assert (track["track_number"], track["carrier_code"], track["weight"]) == ("T-1", "dhl", None)
    assert shipment["comments"][0]["is_customer_notified"] == 1
    assert shipment["extension_attributes"]["source_code"] == "default"


def test_overshipping_a_line_ships_what_is_left(api: Api) -> None:
    order_id, (first, _) = _two_lines(api)
    api.post(f"/rest/V1/order/{order_id}/ship", {"items": [{"order_item_id": first, "qty": 2}]})
    again = api.post(f"/rest/V1/order/{order_id}/ship",
                     {"items": [{"order_item_id": first, "qty": 5}]})
    assert again.status_code == 200
    shipment = api.get(f"/rest/V1/shipment/{again.get_json()}").get_json()
    assert shipment["items"][0]["qty"] == 1
    assert api.order(order_id)["items"][0]["qty_shipped"] == 3


def test_nothing_left_to_ship_is_refused(api: Api) -> None:
    order_id, _ = _two_lines(api)
    api.post(f"/rest/V1/order/{order_id}/ship", {})
    response = api.post(f"/rest/V1/order/{order_id}/ship", {})
    assert response.status_code == 400
    assert response.get_json() == {"message": NOTHING_TO_SHIP}
    assert len(api.fake.state()["shipments"]) == 1


def test_ship_refusals(api: Api) -> None:
    order_id, (first, _) = _two_lines(api, paid=False)
    api.post(f"/rest/V1/orders/{order_id}/hold")
    held = api.post(f"/rest/V1/order/{order_id}/ship", {})
    assert held.get_json()["message"].endswith(
        "A shipment cannot be created when an order has a status of holded")
    api.post(f"/rest/V1/orders/{order_id}/unhold")
    no_number = api.post(f"/rest/V1/order/{order_id}/ship",
                         {"tracks": [{"title": "UPS", "carrier_code": "ups"}]})
    assert no_number.get_json()["message"].endswith("Please enter a tracking number.")
    assert api.post("/rest/V1/order/999/ship", {}).status_code == 404


def test_shipment_needs_stock_at_its_source(api: Api) -> None:
    api.fake.event("set_source_item", sku="SKU-000001", source_code="wh-south", quantity=1)
    order_id, (first, _) = _two_lines(api)
    body = {"items": [{"order_item_id": first, "qty": 3}],
            "arguments": {"extension_attributes": {"source_code": "wh-south"}}}
    response = api.post(f"/rest/V1/order/{order_id}/ship", body)
    assert response.status_code == 400
    assert response.get_json() == {
        "message": "Could not save a shipment, see error log for details"}
    assert api.order(order_id)["items"][0]["qty_shipped"] == 0
    assert _qty(api, "SKU-000001", "wh-south") == 1


def test_unshipped_shipment_of_unpaid_order_keeps_its_state(api: Api) -> None:
    order_id, _ = _two_lines(api, paid=False)
    api.post(f"/rest/V1/order/{order_id}/ship", {})
    assert api.order(order_id)["state"] == "new"
    invoice_id = api.post(f"/rest/V1/order/{order_id}/invoice", {"capture": True}).get_json()
    order = api.order(order_id)
    assert (order["state"], order["total_paid"], order["total_due"]) == (
        "complete", order["grand_total"], 0)
    invoice = api.get(f"/rest/V1/invoices/{invoice_id}").get_json()
    assert invoice["grand_total"] == order["grand_total"] and invoice["total_qty"] == 4


def test_invoice_rules(api: Api) -> None:
    paid_id, _ = _two_lines(api)
    nothing = api.post(f"/rest/V1/order/{paid_id}/invoice", {})
    assert nothing.get_json() == {"message": "Invoice Document Validation Error(s):\n"
                                  "The order does not allow an invoice to be created.\n"
                                  "You can't create an invoice without products."}
    order_id, (first, second) = _two_lines(api, paid=False)
    over = api.post(f"/rest/V1/order/{order_id}/invoice",
                    {"items": [{"order_item_id": first, "qty": 4}]})
    assert over.status_code == 400
    assert over.get_json()["message"] == 'We found an invalid quantity to invoice item "%1".'
    part = api.post(f"/rest/V1/order/{order_id}/invoice",
                    {"items": [{"order_item_id": second, "qty": 1}]})
    assert part.status_code == 200
    order = api.order(order_id)
    assert [i["qty_invoiced"] for i in order["items"]] == [0, 1]
    assert order["state"] == "new"


def test_refund_partial_then_full_closes(api: Api) -> None:
    order_id, (first, second) = _two_lines(api)
    api.post(f"/rest/V1/order/{order_id}/ship", {})
    partial = api.post(f"/rest/V1/order/{order_id}/refund",
                       {"items": [{"order_item_id": first, "qty": 1}],
                        "arguments": {"shipping_amount": 0}})
    assert partial.status_code == 200
    order = api.order(order_id)
    assert order["state"] == "complete" and order["items"][0]["qty_refunded"] == 1
    memo = api.get(f"/rest/V1/creditmemo/{partial.get_json()}").get_json()
    assert memo["shipping_amount"] == 0 and memo["items"][0]["qty"] == 1
    rest = api.post(f"/rest/V1/order/{order_id}/refund", {})
    assert rest.status_code == 200
    order = api.order(order_id)
    assert (order["state"], order["total_refunded"]) == ("closed", order["total_paid"])


def test_refund_refusals(api: Api) -> None:
    unpaid, _ = _two_lines(api, paid=False)
    nothing_paid = api.post(f"/rest/V1/order/{unpaid}/refund", {})
    assert nothing_paid.get_json()["message"] == (
        "Creditmemo Document Validation Error(s):\n"
        "The order does not allow a creditmemo to be created.\n"
        "The most money available to refund is 0.")
    order_id, (first, _) = _two_lines(api)
    over = api.post(f"/rest/V1/order/{order_id}/refund",
                    {"items": [{"order_item_id": first, "qty": 9}]})
    message = over.get_json()["message"]
    assert over.status_code == 400 and message.startswith("Creditmemo Document Validation")
    assert 'unrefunded quantity for product SKU "SKU-000001"' in message
    shipping = api.post(f"/rest/V1/order/{order_id}/refund", {"arguments": {"shipping_amount": 99}})
    assert shipping.get_json() == {"message": "Maximum shipping amount allowed to refund is: %1",
                                   "parameters": ["£5.00"]}
    assert api.fake.state()["creditmemos"] == []


def test_refund_returns_stock(api: Api) -> None:
    order_id, (first, second) = _two_lines(api)
    api.post(f"/rest/V1/order/{order_id}/ship",
             {"items": [{"order_item_id": first, "qty": 3}],
              "arguments": {"extension_attributes": {"source_code": "wh-north"}}})
    shipped_level = _qty(api, "SKU-000001", "wh-north")
    api.post(f"/rest/V1/order/{order_id}/refund",
             {"items": [{"order_item_id": first, "qty": 2}, {"order_item_id": second, "qty": 1}],
              "arguments": {"extension_attributes": {"return_to_stock_items": [first]}}})
    assert _qty(api, "SKU-000001", "wh-north") == shipped_level + 2
    events = [r["metadata"] for r in api.fake.state()["reservations"] if r["sku"] == "SKU-000002"]
    assert any("creditmemo_created" in m for m in events)


def test_document_lists_use_search_criteria(api: Api) -> None:
    for _ in range(3):
        order_id, _ = _two_lines(api)
        api.post(f"/rest/V1/order/{order_id}/ship", {})
    shipments = api.get(f"/rest/V1/shipments?{criteria([('order_id', '2', 'gteq')])}").get_json()
    assert [s["order_id"] for s in shipments["items"]] == [2, 3]
    invoices = api.get("/rest/V1/invoices?searchCriteria[pageSize]=2").get_json()
    assert invoices["total_count"] == 3 and len(invoices["items"]) == 2
    memos = api.get("/rest/V1/creditmemos?searchCriteria=").get_json()
    assert memos == {"items": [], "search_criteria": {"filter_groups": []}, "total_count": 0}
    assert api.get("/rest/V1/shipments").status_code == 400
    for path in ("/rest/V1/shipment/9", "/rest/V1/invoices/9", "/rest/V1/creditmemo/9"):
        assert api.get(path).status_code == 404


def test_reservations_follow_the_order_lifecycle(api: Api) -> None:
    order_id, _ = _two_lines(api, paid=False)
    api.post(f"/rest/V1/orders/{order_id}/cancel")
    quantities = [r["quantity"] for r in api.fake.state()["reservations"]
                  if r["sku"] == "SKU-000001"]
    assert quantities == [-3.0, 3.0]
    salable = api.get("/rest/V1/inventory/get-product-salable-quantity/SKU-000001/1").get_json()
    on_hand = sum(r["quantity"] for r in api.fake.state()["source_items"]
                  if r["sku"] == "SKU-000001")
    assert salable == on_hand
