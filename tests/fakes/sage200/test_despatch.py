"""Confirm despatch, despatch receipts and views, and the despatch/invoice/cancel events."""

from __future__ import annotations

from typing import Any

from tests.fakes.sage200.conftest import SageClient


def _order(api: SageClient, qty: float = 4, index: int = 0, **header: Any) -> dict[str, Any]:
    return api.order([{"code": api.product(index)["code"], "line_quantity": qty}], **header)


def _holding(api: SageClient, order: dict[str, Any]) -> dict[str, Any]:
    line = order["lines"][0]
    path = f"/warehouse_holdings?$filter=product_id eq {line['product_id']} and " \
           f"warehouse_id eq {line['warehouse_id']}"
    return api.json("GET", path)[0]  # type: ignore[no-any-return]


def test_pending_despatch_lists_allocated_lines(api: SageClient) -> None:
    order = _order(api, 3, customer_document_no="WEB-1")
    pending = api.json("GET", "/sop_confirm_despatch")
    assert len(pending) == 1
    adjustment = pending[0]
    assert adjustment["sop_order_return_id"] == order["id"]
    assert adjustment["confirmation_intent_type"] == "ConfirmOnDespatch"
    item = adjustment["items"][0]
    assert (item["id"], item["quantity"], item["available_quantity"]) == (
        order["lines"][0]["id"], 3, 3)
    other = api.customer(1)["id"]
    assert api.json("GET", f"/sop_confirm_despatch?$filter=trader_id eq {other}") == []


def test_confirm_despatch_moves_stock_and_statuses(api: SageClient) -> None:
    order = _order(api, 4)
    before = _holding(api, order)
    line_id = order["lines"][0]["id"]
    result = api.json("POST", "/sop_confirm_despatch", json={
        "sop_order_return_id": order["id"], "items": [{"id": line_id, "quantity": 1}],
        "tracking_items": [{"courier_id": 2, "consignment_no": "CN-1", "pieces": 1}],
    })
    assert result["items"][0]["quantity"] == 1
    assert result["items"][0]["despatch_receipt_quantity"] == 1
    after = _holding(api, order)
    assert after["confirmed_qty_in_stock"] == before["confirmed_qty_in_stock"] - 1
    assert after["quantity_allocated_sop"] == before["quantity_allocated_sop"] - 1
    assert after["free_stock_available"] == before["free_stock_available"]
    line = api.json("GET", f"/sop_order_lines/{line_id}")
    assert (line["despatch_receipt_quantity"], line["despatch_receipt_status"]) == (1, "Partial")
    assert api.json("GET", f"/sop_orders/{order['id']}")["despatch_receipt_status"] == "Partial"
    receipt = api.json("GET", "/sop_despatch_receipts")[0]
    assert (receipt["courier_name"], receipt["consignment_no"]) == ("DPD", "CN-1")


def test_cannot_despatch_more_than_allocated(api: SageClient) -> None:
    order = _order(api, 2)
    response = api.post("/sop_confirm_despatch", json={
        "sop_order_return_id": order["id"],
        "items": [{"id": order["lines"][0]["id"], "quantity": 3}]})
    assert response.status_code == 400
    assert "outstanding" in response.get_json()["message"]
    assert api.json("GET", "/sop_despatch_receipts") == []


def test_unallocated_line_needs_allocation_before_api_despatch(make_api) -> None:
    api = make_api(allocate_on_entry=False)
    order = _order(api, 2)
    assert order["lines"][0]["allocated_quantity"] == 0
    assert api.json("GET", "/sop_confirm_despatch") == []
    response = api.post("/sop_confirm_despatch", json={
        "sop_order_return_id": order["id"],
        "items": [{"id": order["lines"][0]["id"], "quantity": 1}]})
    assert response.status_code == 400 and "allocated" in response.get_json()["message"]


def test_allocation_is_limited_by_free_stock(api: SageClient) -> None:
    product = api.product()
    holding = product["warehouse_holdings"][0]
    api.fake.event("set_stock", product_code=product["code"], warehouse=holding["warehouse_name"],
                   quantity=3)
    order = _order(api, 5)
    assert order["lines"][0]["allocated_quantity"] == 3
    assert order["lines"][0]["allocation_status"] == "Partial"
    assert _holding(api, order)["free_stock_available"] == 0


def test_confirm_despatch_bad_requests(api: SageClient) -> None:
    order = _order(api, 2)
    cases = [
        ({"items": []}, "sop_order_return_id"),
        ({"sop_order_return_id": order["id"]}, "items field"),
        ({"sop_order_return_id": 1, "items": [{"id": 1, "quantity": 1}]}, "not found"),
        ({"sop_order_return_id": order["id"], "items": [{"id": 1, "quantity": 1}]}, "not found"),
        ({"sop_order_return_id": order["id"], "items": [{"quantity": 1}]}, "id and a quantity"),
        ({"sop_order_return_id": order["id"],
          "items": [{"id": order["lines"][0]["id"], "quantity": 1}],
          "tracking_items": [{"courier_id": 99}]}, "Courier"),
    ]
    for body, fragment in cases:
        response = api.post("/sop_confirm_despatch", json=body)
        assert response.status_code == 400, body
        assert fragment in response.get_json()["message"], body


def test_receipt_tracking_update_and_views(api: SageClient) -> None:
    order = _order(api, 2, customer_document_no="WEB-9")
    api.fake.event("despatch", id=order["id"],
                   lines=[{"line_id": order["lines"][0]["id"], "quantity": 2}])
    receipt = api.json("GET", "/sop_despatch_receipts")[0]
    assert receipt["despatched_by"] == "MANAGER"
    updated = api.json("PUT", f"/sop_despatch_receipts/{receipt['id']}",
                       json={"courier_id": 3, "consignment_no": "TRACK-1", "weight": 1.5})
    assert (updated["courier_name"], updated["consignment_no"]) == ("DHL", "TRACK-1")
    view = api.json("GET", "/sop_order_despatch_views")[0]
    assert (view["sop_order_id"], view["sop_order_customer_document_no"]) == (order["id"], "WEB-9")
    assert view["sop_despatch_consignment_no"] == "TRACK-1"
    line_view = api.json("GET", "/sop_order_despatch_line_views")[0]
    assert line_view["sop_order_line_id"] == order["lines"][0]["id"]
    assert line_view["sop_despatch_line_quantity"] == 2
    assert line_view["warehouse_name"] == _holding(api, order)["warehouse_name"]
    assert api.get("/sop_despatch_receipts/1").status_code == 404


def test_despatch_event_allocates_and_two_despatches_sum(make_api) -> None:
    api = make_api(allocate_on_entry=False)
    order = _order(api, 5)
    line_id = order["lines"][0]["id"]
    for qty in (2, 3):
        api.fake.event("despatch", id=order["id"], lines=[{"line_id": line_id, "quantity": qty}])
    line = api.json("GET", f"/sop_order_lines/{line_id}")
    assert (line["despatch_receipt_quantity"], line["despatch_receipt_status"]) == (5, "Complete")
    despatches = api.fake.state()["despatches"]
    assert [d["lines"][0]["quantity"] for d in despatches] == [2, 3]
    assert despatches[0]["lines"][0]["product_code"] == order["lines"][0]["code"]


def test_invoice_event_completes_order_and_grows_balance(api: SageClient) -> None:
    order = _order(api, 2)
    api.fake.event("despatch", id=order["id"],
                   lines=[{"line_id": order["lines"][0]["id"], "quantity": 2}])
    api.fake.event("invoice_order", id=order["id"])
    done = api.json("GET", f"/sop_orders/{order['id']}")
    assert done["document_status"] == "EnumDocumentStatusComplete"
    assert done["invoice_credit_status"] == "Complete"
    balance = api.json("GET", f"/customers/{order['customer_id']}")["balance"]
    assert balance == order["total_gross_value"]
    assert api.put(f"/sop_orders/{order['id']}", json={}).status_code == 400


def test_cancel_event_releases_allocation_and_blocks_despatch(api: SageClient) -> None:
    order = _order(api, 4)
    api.fake.event("cancel_order", id=order["id"])
    cancelled = api.json("GET", f"/sop_orders/{order['id']}")
    assert cancelled["document_status"] == "EnumDocumentStatusCancelled"
    assert cancelled["cancelled_status"] == "Complete"
    assert _holding(api, order)["quantity_allocated_sop"] == 0
    response = api.post("/sop_confirm_despatch", json={
        "sop_order_return_id": order["id"],
        "items": [{"id": order["lines"][0]["id"], "quantity": 1}]})
    assert response.status_code == 400


def test_despatch_event_errors_are_control_plane_400(api: SageClient) -> None:
    response = api.client.post("/__harness__/events", json={
        "name": "despatch", "payload": {"id": 1, "lines": [{"line_id": 1, "quantity": 1}]}})
    assert response.status_code == 400


def test_put_quantity_changes_reallocate_within_free_stock(api: SageClient) -> None:
    product = api.product()
    holding = product["warehouse_holdings"][0]
    api.fake.event("set_stock", product_code=product["code"], warehouse=holding["warehouse_name"],
                   quantity=5)
    order = _order(api, 3)
    line_id = order["lines"][0]["id"]
    for quantity, allocated, free in ((6, 5, 0), (4, 4, 1), (2, 2, 3)):
        updated = api.json("PUT", f"/sop_orders/{order['id']}?$expand=lines",
                           json={"lines": [{"id": line_id, "line_quantity": quantity}]})
        assert updated["lines"][0]["allocated_quantity"] == allocated, quantity
        assert _holding(api, order)["free_stock_available"] == free, quantity
