"""Storefront checkout over REST: guest carts, customer tokens and carts, MSI salable quantity."""

from __future__ import annotations

from typing import Any

import requests

from fakes.core.bridge import FakeFleet
from tests.fakes.magento.conftest import ADDRESS, BASE, SHIPPING_INFO, Api

SKU = "SKU-000003"


def _guest_cart(api: Api) -> str:
    response = api.anonymous("POST", "/rest/V1/guest-carts")
    assert response.status_code == 200
    cart: str = response.get_json()
    return cart


def _add(api: Api, cart: str, qty: float, sku: str = SKU) -> Any:
    return api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/items",
                         {"cartItem": {"sku": sku, "qty": qty, "quote_id": cart}})


def _checkout(api: Api, cart: str, method: str = "checkmo") -> Any:
    shipping = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/shipping-information",
                             SHIPPING_INFO)
    assert shipping.status_code == 200, shipping.get_data(as_text=True)
    return api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/payment-information",
                         {"email": ADDRESS["email"], "paymentMethod": {"method": method}})


def _set_stock(api: Api, qty: float, sku: str = SKU) -> None:
    for source in ("default", "wh-north", "wh-south"):
        api.fake.event("set_source_item", sku=sku, source_code=source,
                       quantity=qty if source == "default" else 0)


def _salable(api: Api, sku: str = SKU) -> float:
    response = api.get(f"/rest/V1/inventory/get-product-salable-quantity/{sku}/1")
    value: float = response.get_json()
    return value


def test_guest_checkout_places_an_order(api: Api) -> None:
    cart = _guest_cart(api)
    assert len(cart) == 32 and cart.isalnum()
    item = _add(api, cart, 2).get_json()
    assert (item["sku"], item["qty"], item["product_type"]) == (SKU, 2.0, "simple")
    methods = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/estimate-shipping-methods",
                            {"address": {"country_id": "GB"}}).get_json()
    assert [(m["carrier_code"], m["method_code"], m["amount"]) for m in methods] == [
        ("flatrate", "flatrate", 5.0)]
    before = _salable(api)
    details = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/shipping-information",
                            SHIPPING_INFO).get_json()
    assert {m["code"] for m in details["payment_methods"]} >= {"checkmo", "braintree"}
    totals = details["totals"]
    assert totals["grand_total"] == round(totals["subtotal"] * 1.2 + 5, 2)
    order_id = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/payment-information",
                             {"email": ADDRESS["email"], "paymentMethod": {"method": "checkmo"}})
    assert order_id.status_code == 200 and isinstance(order_id.get_json(), int)
    order = api.order(order_id.get_json())
    assert (order["state"], order["customer_is_guest"], order["customer_firstname"]) == (
        "new", 1, "Grace")
    assert order["grand_total"] == totals["grand_total"]
    assert order["billing_address"]["city"] == "York"
    shipping = order["extension_attributes"]["shipping_assignments"][0]["shipping"]
    assert shipping["address"]["postcode"] == ADDRESS["postcode"]
    assert _salable(api) == before - 2
    assert api.anonymous("GET", f"/rest/V1/guest-carts/{cart}").status_code == 404


def test_cart_orders_look_like_place_order_events(api: Api) -> None:
    cart = _guest_cart(api)
    _add(api, cart, 1)
    from_cart = api.order(_checkout(api, cart, "braintree").get_json())
    from_event = api.order(api.place(lines=[{"sku": SKU, "qty": 1}],
                                     customer_email="walk-in@example.org")["entity_id"])
    assert set(from_cart) == set(from_event)
    assert set(from_cart["items"][0]) == set(from_event["items"][0])
    assert set(from_cart["payment"]) == set(from_event["payment"])
    assert from_cart["state"] == from_event["state"] == "processing"
    assert from_cart["total_paid"] == from_cart["grand_total"]
    assert from_cart["items"][0]["price"] == from_event["items"][0]["price"]


def test_a_cart_cannot_take_more_than_is_salable(api: Api) -> None:
    _set_stock(api, 3)
    cart = _guest_cart(api)
    assert _add(api, cart, 2).status_code == 200
    too_many = _add(api, cart, 2)
    assert (too_many.status_code, too_many.get_json()) == (
        400, {"message": "The requested qty is not available"})
    _set_stock(api, 0, sku="SKU-000004")
    nothing = _add(api, cart, 1, sku="SKU-000004")
    assert nothing.get_json() == {"message": "Product that you are trying to add is not "
                                             "available."}


def test_reservations_stop_a_second_cart_at_order_time(api: Api) -> None:
    _set_stock(api, 3)
    first, second = _guest_cart(api), _guest_cart(api)
    assert _add(api, first, 3).status_code == 200
    assert _add(api, second, 3).status_code == 200
    assert _checkout(api, first).status_code == 200
    refused = _checkout(api, second)
    assert (refused.status_code, refused.get_json()) == (
        400, {"message": "Not all of your products are available in the requested quantity."})
    assert _salable(api) == 0
    assert _add(api, _guest_cart(api), 1).status_code == 400
    assert len(api.fake.state()["orders"]) == 1


def test_checkout_errors(api: Api) -> None:
    unknown = api.anonymous("GET", "/rest/V1/guest-carts/nope")
    assert (unknown.status_code, unknown.get_json()["parameters"]) == (
        404, {"fieldName": "cartId", "fieldValue": "nope"})
    cart = _guest_cart(api)
    empty = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/shipping-information",
                          SHIPPING_INFO)
    assert empty.get_json()["message"].startswith("The shipping method can't be set for an empty")
    assert _add(api, cart, 1, sku="NOPE").status_code == 404
    assert _add(api, cart, 0).status_code == 400
    _add(api, cart, 1)
    early = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/payment-information",
                          {"email": "x@example.org", "paymentMethod": {"method": "checkmo"}})
    assert early.get_json() == {"message": "The shipping method is missing. Select the shipping "
                                           "method and try again."}
    partial = {"addressInformation": {**SHIPPING_INFO["addressInformation"],
                                      "shipping_address": {"country_id": "GB", "city": "York"}}}
    invalid = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/shipping-information", partial)
    assert invalid.get_json()["message"] == "One or more input exceptions have occurred."
    wrong = {"addressInformation": {**SHIPPING_INFO["addressInformation"],
                                    "shipping_carrier_code": "ups"}}
    carrier = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/shipping-information", wrong)
    assert (carrier.status_code, carrier.get_json()["parameters"]) == (404, ["ups", "flatrate"])
    api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/shipping-information", SHIPPING_INFO)
    no_email = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/payment-information",
                             {"paymentMethod": {"method": "checkmo"}})
    assert no_email.get_json()["parameters"] == {"fieldName": "email"}
    bad_method = api.anonymous("POST", f"/rest/V1/guest-carts/{cart}/payment-information",
                               {"email": "x@example.org", "paymentMethod": {"method": "cash"}})
    assert bad_method.get_json() == {"message": "The requested Payment Method is not available."}


def test_cart_items_totals_and_removal(api: Api) -> None:
    cart = _guest_cart(api)
    _add(api, cart, 1)
    _add(api, cart, 2)
    items = api.anonymous("GET", f"/rest/V1/guest-carts/{cart}/items").get_json()
    assert [(i["sku"], i["qty"]) for i in items] == [(SKU, 3.0)]
    totals = api.anonymous("GET", f"/rest/V1/guest-carts/{cart}/totals").get_json()
    assert totals["items_qty"] == 3 and totals["shipping_amount"] == 0.0
    body = api.anonymous("GET", f"/rest/V1/guest-carts/{cart}").get_json()
    assert body["customer"] == {"email": None, "firstname": None, "lastname": None}
    assert body["customer_is_guest"] is True and body["billing_address"]["city"] is None
    removed = api.anonymous("DELETE", f"/rest/V1/guest-carts/{cart}/items/{items[0]['item_id']}")
    assert removed.get_json() is True
    assert api.anonymous("GET", f"/rest/V1/guest-carts/{cart}/items").get_json() == []
    assert api.anonymous("DELETE", f"/rest/V1/guest-carts/{cart}/items/999").status_code == 404


def test_customer_token_and_own_cart(api: Api) -> None:
    customer = api.get("/rest/V1/customers/4").get_json()
    token = api.customer_token(customer["email"])
    cart_id = api.anonymous("POST", "/rest/V1/carts/mine", token=token).get_json()
    assert api.anonymous("POST", "/rest/V1/carts/mine", token=token).get_json() == cart_id
    mine = "/rest/V1/carts/mine"
    added = api.anonymous("POST", f"{mine}/items", {"cartItem": {"sku": SKU, "qty": 1}}, token)
    assert added.get_json()["quote_id"] == str(cart_id)
    cart = api.anonymous("GET", mine, token=token).get_json()
    assert cart["customer"]["id"] == 4 and cart["customer_is_guest"] is False
    api.anonymous("POST", f"{mine}/shipping-information", SHIPPING_INFO, token)
    order_id = api.anonymous("POST", f"{mine}/payment-information",
                             {"paymentMethod": {"method": "banktransfer"}}, token).get_json()
    order = api.order(order_id)
    assert (order["customer_id"], order["customer_is_guest"], order["customer_email"]) == (
        4, 0, customer["email"])
    assert order["customer_group_id"] == customer["group_id"]
    assert order["payment"]["method"] == "banktransfer"
    assert api.anonymous("GET", mine, token=token).status_code == 404


def test_customer_tokens_are_refused_where_they_do_not_belong(api: Api) -> None:
    email = api.get("/rest/V1/customers/1").get_json()["email"]
    wrong = api.anonymous("POST", "/rest/V1/integration/customer/token",
                          {"username": email, "password": "wrong"})
    assert wrong.status_code == 401
    assert wrong.get_json()["message"].startswith("The account sign-in was incorrect")
    token = api.customer_token(email)
    assert api.get("/rest/V1/orders/1", token=token).status_code == 401
    admin = api.get("/rest/V1/carts/mine")
    assert (admin.status_code, admin.get_json()["parameters"]) == (401, {"resources": "self"})
    assert api.anonymous("GET", "/rest/V1/carts/mine").status_code == 401
    assert api.anonymous("POST", "/rest/V1/carts/mine", token=token).status_code == 200
    api.advance(3601)
    assert api.anonymous("GET", "/rest/V1/carts/mine", token=token).status_code == 401


def test_admin_token_revocation_leaves_customer_tokens(api: Api) -> None:
    token = api.customer_token(api.get("/rest/V1/customers/2").get_json()["email"])
    api.fake.event("revoke_admin_tokens")
    assert api.anonymous("POST", "/rest/V1/carts/mine", token=token).status_code == 200


def test_guest_checkout_through_the_in_process_bridge(api: Api, fleet: FakeFleet) -> None:
    cart = requests.post(f"{BASE}/rest/default/V1/guest-carts", timeout=5).json()
    root = f"{BASE}/rest/default/V1/guest-carts/{cart}"
    requests.post(f"{root}/items", json={"cartItem": {"sku": SKU, "qty": 1, "quote_id": cart}},
                  timeout=5)
    requests.post(f"{root}/shipping-information", json=SHIPPING_INFO, timeout=5)
    placed = requests.post(f"{root}/payment-information", timeout=5, json={
        "email": ADDRESS["email"], "paymentMethod": {"method": "checkmo"}})
    assert placed.status_code == 200
    assert api.order(placed.json())["customer_email"] == ADDRESS["email"]
