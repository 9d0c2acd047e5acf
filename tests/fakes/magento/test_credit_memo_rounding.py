"""Credit memo (and invoice) amounts when a line's tax does not split into whole cents: partial
documents take a rounded share of what is left, the one that takes the rest gets exactly the
rest (``Creditmemo\\Total\\Tax`` / ``Invoice\\Total\\Tax``, ``isLast``), so the memos of an order
add up to its invoiced tax and paid total and the last one is never refused."""

from __future__ import annotations

from typing import Any

from tests.fakes.magento.conftest import Api

SKU_A, SKU_B = "SKU-000001", "SKU-000002"


def _price(api: Api, sku: str, price: float) -> None:
    body = {"prices": [{"sku": sku, "price": price, "store_id": 0}]}
    assert api.post("/rest/V1/products/base-prices", body).status_code == 200


def _order(api: Api, lines: list[tuple[str, int]], paid: bool = True) -> dict[str, Any]:
    placed = api.place(lines=[{"sku": sku, "qty": qty} for sku, qty in lines], paid=paid)
    return api.order(placed["entity_id"])


def _refund(
    api: Api, order: dict[str, Any], qtys: dict[int, int] | None, shipping: float | None = 0
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if qtys is not None:
        body["items"] = [{"order_item_id": item, "qty": qty} for item, qty in qtys.items()]
    if shipping is not None:
        body["arguments"] = {"shipping_amount": shipping}
    response = api.post(f"/rest/V1/order/{order['entity_id']}/refund", body)
    assert response.status_code == 200, response.get_data(as_text=True)
    memo: dict[str, Any] = api.get(f"/rest/V1/creditmemo/{response.get_json()}").get_json()
    return memo


def _cents(values: list[float]) -> int:
    return sum(round(v * 100) for v in values)


def test_three_partial_memos_add_up_to_the_invoiced_tax(api: Api) -> None:
    _price(api, SKU_A, 10.99)  # 3 x 10.99 = 32.97, tax 20 % = 6.59: 2.1966... a unit
    order = _order(api, [(SKU_A, 3)])
    item = order["items"][0]["item_id"]
    assert (order["tax_invoiced"], order["total_paid"]) == (6.59, 44.56)
    memos = [
        _refund(api, order, {item: 1}),
        _refund(api, order, {item: 1}),
        _refund(api, order, None, shipping=None),
    ]
    assert [m["tax_amount"] for m in memos] == [2.20, 2.20, 2.19]
    assert [m["items"][0]["tax_amount"] for m in memos] == [2.20, 2.20, 2.19]
    assert [m["subtotal"] for m in memos] == [10.99, 10.99, 10.99]
    assert [m["grand_total"] for m in memos] == [13.19, 13.19, 18.18]
    after = api.order(order["entity_id"])
    assert _cents([m["tax_amount"] for m in memos]) == _cents([after["tax_invoiced"]])
    assert _cents([m["grand_total"] for m in memos]) == _cents([after["total_paid"]])
    assert (after["tax_refunded"], after["total_refunded"]) == (6.59, 44.56)
    assert after["items"][0]["tax_refunded"] == after["items"][0]["tax_invoiced"] == 6.59
    assert after["state"] == "closed"


def test_a_half_cent_unit_tax_leaves_the_last_unit_the_rest(api: Api) -> None:
    _price(api, SKU_A, 10.03)  # 2 x 10.03 = 20.06, tax 4.01: 2.005 a unit
    order = _order(api, [(SKU_A, 2)])
    item = order["items"][0]["item_id"]
    first = _refund(api, order, {item: 1})
    last = _refund(api, order, {item: 1}, shipping=5.0)
    assert (first["tax_amount"], last["tax_amount"]) == (2.01, 2.00)
    assert (first["grand_total"], last["grand_total"]) == (12.04, 17.03)
    after = api.order(order["entity_id"])
    assert after["total_refunded"] == after["total_paid"] == 29.07
    assert after["state"] == "closed"


def test_a_memo_that_ends_one_line_takes_only_that_lines_tax(api: Api) -> None:
    _price(api, SKU_A, 10.99)
    _price(api, SKU_B, 10.03)
    order = _order(api, [(SKU_A, 3), (SKU_B, 2)])
    line_a, line_b = (i["item_id"] for i in order["items"])
    partial = _refund(api, order, {line_a: 2})
    rest_of_a = _refund(api, order, {line_a: 1})
    assert (partial["tax_amount"], rest_of_a["tax_amount"]) == (4.39, 2.20)
    rest = _refund(api, order, None, shipping=None)
    assert (rest["tax_amount"], rest["items"][0]["order_item_id"]) == (4.01, line_b)
    after = api.order(order["entity_id"])
    assert after["tax_refunded"] == after["tax_invoiced"] == 10.60
    assert after["total_refunded"] == after["total_paid"]


def test_rounding_deltas_carry_between_the_lines_of_one_memo(api: Api) -> None:
    _price(api, SKU_A, 10.03)
    _price(api, SKU_B, 10.03)
    order = _order(api, [(SKU_A, 2), (SKU_B, 2)])
    line_a, line_b = (i["item_id"] for i in order["items"])
    first = _refund(api, order, {line_a: 1, line_b: 1})
    assert [i["tax_amount"] for i in first["items"]] == [2.01, 2.00]
    assert first["tax_amount"] == 4.01
    last = _refund(api, order, {line_a: 1, line_b: 1}, shipping=None)
    assert [i["tax_amount"] for i in last["items"]] == [2.00, 2.01]
    after = api.order(order["entity_id"])
    assert after["tax_refunded"] == after["tax_invoiced"] == 8.02
    assert after["total_refunded"] == after["total_paid"]


def test_partial_invoices_add_up_to_the_order_tax(api: Api) -> None:
    _price(api, SKU_A, 10.99)
    order = _order(api, [(SKU_A, 3)], paid=False)
    item = order["items"][0]["item_id"]
    path = f"/rest/V1/order/{order['entity_id']}/invoice"
    ids = [
        api.post(path, {"items": [{"order_item_id": item, "qty": 1}]}).get_json() for _ in range(3)
    ]
    invoices = [api.get(f"/rest/V1/invoices/{i}").get_json() for i in ids]
    assert [i["tax_amount"] for i in invoices] == [2.20, 2.20, 2.19]
    after = api.order(order["entity_id"])
    assert after["tax_invoiced"] == after["tax_amount"] == 6.59
    assert after["items"][0]["tax_invoiced"] == 6.59
    assert after["total_paid"] == after["grand_total"]
