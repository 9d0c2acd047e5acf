"""Sales orders: POST (atomic, first error only), the non-atomic PUT, delete, holds, duplicates."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.sage200.conftest import SageClient


def _line(api: SageClient, qty: float = 2, index: int = 0, **extra: Any) -> dict[str, Any]:
    return {"code": api.product(index)["code"], "line_quantity": qty, **extra}


def test_post_returns_200_with_the_created_order(api: SageClient) -> None:
    customer = api.customer()
    product = api.product()
    order = api.order([_line(api, 3)], customer_document_no="WEB-1001")
    assert order["id"] > 0 and order["document_no"] == "0000000001"
    assert order["customer_id"] == customer["id"]
    assert order["customer_document_no"] == "WEB-1001"
    assert order["document_status"] == "EnumDocumentStatusLive"
    line = order["lines"][0]
    assert line["line_type"] == "EnumLineTypeStandard"
    assert (line["product_id"], line["code"]) == (product["id"], product["code"])
    assert line["warehouse_id"] == product["warehouse_holdings"][0]["warehouse_id"]
    assert line["line_quantity"] == 3 and line["selling_unit_price"] > 0
    net = round(3 * line["selling_unit_price"], 2)
    assert order["total_net_value"] == pytest.approx(net)
    assert order["total_gross_value"] == pytest.approx(round(net * 1.2, 2), abs=0.011)


def test_lines_and_customer_only_with_expand(api: SageClient) -> None:
    order = api.order([_line(api)])
    plain = api.json("GET", f"/sop_orders/{order['id']}")
    assert "lines" not in plain and "customer" not in plain
    full = api.json("GET", f"/sop_orders/{order['id']}?$expand=lines,customer")
    assert len(full["lines"]) == 1 and full["customer"]["id"] == order["customer_id"]


def test_price_defaults_from_price_band_and_can_be_given(api: SageClient) -> None:
    product = api.product()
    price = api.json("GET", f"/product_price_views?$filter=product_id eq {product['id']}")[0]
    order = api.order([_line(api), _line(api, selling_unit_price=1.5, unit_discount_percent=10)])
    assert order["lines"][0]["selling_unit_price"] == price["product_price_price"]
    assert order["lines"][1]["selling_unit_price"] == 1.5
    assert order["lines"][1]["discounted_unit_price"] == 1.35


def test_same_customer_document_no_twice_makes_two_orders(api: SageClient) -> None:
    first = api.order([_line(api)], customer_document_no="WEB-7")
    second = api.order([_line(api)], customer_document_no="WEB-7")
    assert first["id"] != second["id"]
    found = api.json("GET", "/sop_orders?$filter=customer_document_no eq 'web-7'")
    assert [o["id"] for o in found] == [first["id"], second["id"]]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"lines": []}, "customer_id field is required"),
        ({"customer_id": 1, "lines": []}, "Customer record with Id 1 not found"),
        ({"customer_id": "30001"}, "not a valid integer"),
        ({"customer_id": 30001, "customer_document_no": "x" * 31}, "maximum length of 30"),
        ({"customer_id": 30001, "lines": [{"code": "NOPE", "line_quantity": 1}]},
         "code 'NOPE' not found"),
        ({"customer_id": 30001, "lines": [{"code": "SKU-000001", "line_quantity": 0}]},
         "greater than zero"),
        ({"customer_id": 30001, "lines": [{"code": "SKU-000001"}]}, "line_quantity field"),
        ({"customer_id": 30001, "lines": [{"product_id": 20001, "warehouse_id": 5,
                                           "line_quantity": 1}]}, "Warehouse record with Id 5"),
        ({"customer_id": 30001, "lines": [{"line_type": "EnumLineTypeBogus"}]},
         "not a valid line type"),
        ({"customer_id": 30001, "lines": ["not-a-line"]}, "invalid sales order line"),
        ({"customer_id": 30001, "lines": [{"line_type": "EnumLineTypeFreeText",
                                           "line_quantity": 1}]}, "description field"),
        ({"customer_id": 30001, "lines": [{"code": "SKU-000001", "line_quantity": 1,
                                           "tax_code_id": 99}]}, "Tax code record"),
    ],
)
def test_post_validation_is_400_with_first_error(
    api: SageClient, body: dict[str, Any], fragment: str
) -> None:
    response = api.post("/sop_orders", json=body)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["statusCode"] == 400 and fragment in payload["message"]
    assert api.fake.state()["sop_orders"] == []


def test_only_first_bad_line_is_reported_and_nothing_stored(api: SageClient) -> None:
    body = {"customer_id": api.customer()["id"], "lines": [
        {"code": "SKU-000001", "line_quantity": 1},
        {"code": "FIRST-BAD", "line_quantity": 1},
        {"code": "SECOND-BAD", "line_quantity": 1},
    ]}
    response = api.post("/sop_orders", json=body)
    assert response.status_code == 400
    assert "FIRST-BAD" in response.get_json()["message"]
    assert "SECOND-BAD" not in response.get_json()["message"]
    assert api.json("GET", "/sop_orders") == []
    assert api.order([_line(api)])["document_no"] == "0000000001"


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[1, 2]", b'"text"'])
def test_malformed_bodies_are_400_not_500(api: SageClient, raw: bytes) -> None:
    response = api.post("/sop_orders", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["statusCode"] == 400


def test_product_must_be_held_in_the_given_warehouse(api: SageClient) -> None:
    product = api.product()
    holding = product["warehouse_holdings"][0]
    backend = api.fake.backend
    del backend.holdings[holding["id"]]
    response = api.post("/sop_orders", json={"customer_id": 30001, "lines": [
        {"product_id": product["id"], "warehouse_id": holding["warehouse_id"],
         "line_quantity": 1}]})
    assert response.status_code == 400
    assert "is not held in warehouse" in response.get_json()["message"]


def test_put_saves_lines_one_by_one_and_stops_at_first_error(api: SageClient) -> None:
    order = api.order([_line(api, 1)])
    before = order["date_time_updated"]
    api.fake.clock.advance(60)
    body = {"lines": [
        {"id": order["lines"][0]["id"], "line_quantity": 4},
        _line(api, 2, index=1),
        {"code": "BROKEN", "line_quantity": 1},
        _line(api, 9, index=2),
    ]}
    response = api.put(f"/sop_orders/{order['id']}", json=body)
    assert response.status_code == 400
    assert "BROKEN" in response.get_json()["message"]
    saved = api.json("GET", f"/sop_orders/{order['id']}?$expand=lines")
    assert [line["line_quantity"] for line in saved["lines"]] == [4, 2]
    assert saved["date_time_updated"] > before


def test_put_updates_header_and_deletes_lines(api: SageClient) -> None:
    order = api.order([_line(api, 1), _line(api, 2, index=1)])
    first, second = order["lines"]
    updated = api.json("PUT", f"/sop_orders/{order['id']}?$expand=lines", json={
        "customer_document_no": "NEW-REF", "analysis_code_1": "magento:42",
        "lines": [{"id": second["id"], "is_to_delete": True},
                  {"id": first["id"], "selling_unit_price": 9.99}],
    })
    assert updated["customer_document_no"] == "NEW-REF"
    assert updated["analysis_code_1"] == "magento:42"
    assert [(x["id"], x["selling_unit_price"]) for x in updated["lines"]] == [(first["id"], 9.99)]


def test_put_unknown_line_and_customer_change_are_400(api: SageClient) -> None:
    order = api.order([_line(api)])
    bad_line = api.put(f"/sop_orders/{order['id']}",
                       json={"lines": [{"id": 1, "line_quantity": 1}]})
    assert bad_line.status_code == 400
    other = api.customer(1)["id"]
    moved = api.put(f"/sop_orders/{order['id']}", json={"customer_id": other})
    assert moved.status_code == 400 and "cannot be changed" in moved.get_json()["message"]


def test_unknown_ids_are_404_and_bad_ids_400(api: SageClient) -> None:
    for method in ("GET", "PUT", "DELETE"):
        response = api.call(method, "/sop_orders/999999", json={})
        assert response.status_code == 404
        assert response.get_json() == {
            "statusCode": 404, "message": "Sales order record with Id 999999 not found."}
    assert api.get("/sop_orders/abc").status_code == 400
    assert api.get("/sop_orders/1.5").status_code == 400


def test_delete_order_then_gone_and_stock_released(api: SageClient) -> None:
    order = api.order([_line(api, 5)])
    holding_id = api.product()["warehouse_holdings"][0]["id"]
    assert api.json("GET", f"/warehouse_holdings/{holding_id}")["quantity_allocated_sop"] == 5
    response = api.delete(f"/sop_orders/{order['id']}")
    assert response.status_code == 200
    assert api.get(f"/sop_orders/{order['id']}").status_code == 404
    assert api.json("GET", f"/warehouse_holdings/{holding_id}")["quantity_allocated_sop"] == 0


def test_cannot_delete_despatched_order(api: SageClient) -> None:
    order = api.order([_line(api, 2)])
    api.fake.event("despatch", id=order["id"], lines=[
        {"line_id": order["lines"][0]["id"], "quantity": 1}])
    response = api.delete(f"/sop_orders/{order['id']}")
    assert response.status_code == 400
    assert "despatched" in response.get_json()["message"]


def test_customer_on_hold_rejects_by_default(api: SageClient) -> None:
    customer = api.customer()
    api.fake.event("hold_customer", reference=customer["reference"], on_hold=True)
    assert api.json("GET", f"/customers/{customer['id']}")["on_hold"] is True
    response = api.post("/sop_orders", json={"customer_id": customer["id"], "lines": [_line(api)]})
    assert response.status_code == 400 and "on hold" in response.get_json()["message"]


def test_on_hold_policy_hold_creates_held_order(make_api) -> None:
    api = make_api(on_hold_policy="hold")
    api.fake.event("hold_customer", reference=api.customer()["reference"], on_hold=True)
    order = api.order([_line(api)])
    assert order["document_status"] == "EnumDocumentStatusOnHold"


def test_credit_limit_puts_order_on_hold_unless_overridden(api: SageClient) -> None:
    customer = api.customer()
    api.fake.event("set_credit", reference=customer["reference"], credit_limit=10, balance=0)
    held = api.order([_line(api)])
    assert held["is_credit_limit_exceeded"] is True
    assert held["document_status"] == "EnumDocumentStatusOnHold"
    released = api.json("PUT", f"/sop_orders/{held['id']}", json={"override_on_hold": True})
    assert released["document_status"] == "EnumDocumentStatusLive"
    overridden = api.order([_line(api)], override_on_hold=True)
    assert overridden["document_status"] == "EnumDocumentStatusLive"


def test_order_lines_endpoints(api: SageClient) -> None:
    order = api.order([_line(api), _line(api, index=1)])
    lines = api.json("GET", f"/sop_orders/{order['id']}/sop_order_lines")
    assert [x["line_number"] for x in lines] == [1, 2]
    one = api.json("GET", f"/sop_orders/{order['id']}/sop_order_lines/{lines[1]['id']}")
    assert one == lines[1]
    assert api.json("GET", f"/sop_order_lines/{lines[0]['id']}") == lines[0]
    assert api.get(f"/sop_orders/{order['id']}/sop_order_lines/1").status_code == 404


def test_customer_orders_endpoint(api: SageClient) -> None:
    order = api.order([_line(api)])
    mine = api.json("GET", f"/customers/{order['customer_id']}/sop_orders")
    assert [o["id"] for o in mine] == [order["id"]]
    assert api.json("GET", f"/customers/{api.customer(1)['id']}/sop_orders") == []
    assert api.get("/customers/1/sop_orders").status_code == 404


def test_free_text_comment_and_charge_lines(api: SageClient) -> None:
    order = api.order([
        {"line_type": "EnumLineTypeFreeText", "description": "Gift wrap", "line_quantity": 1,
         "selling_unit_price": 2},
        {"line_type": "EnumLineTypeComment", "description": "Leave at door"},
        {"line_type": "EnumLineTypeCharge", "description": "Carriage", "selling_unit_price": 5},
    ])
    assert [x["line_type"] for x in order["lines"]] == [
        "EnumLineTypeFreeText", "EnumLineTypeComment", "EnumLineTypeCharge"]
    assert order["subtotal_charge_net_value"] == 5 and order["subtotal_goods_value"] == 2
