"""Routes of the storefront checkout: guest carts (anonymous, masked cart ids, as in
guest-schema-2.4.9.yaml) and the logged-in customer's cart (``/V1/carts/mine``, resource
``self``: a customer token). They are not offered under ``/async`` here.
"""

from __future__ import annotations

from typing import Any

from fakes.magento.inputs import Param
from fakes.magento.webapi import SELF, Context, Route
from fakes.magento.webapi import id_param as _id
from fakes.magento.webapi import optional as _opt

GUEST = "/V1/guest-carts/:cartId"
MINE = "/V1/carts/mine"
CART_ID = (Param("cartId", "string"),)
ITEM = (Param("cartItem", "cart_item"),)
ADDRESS = (Param("address", "quote_address"),)
SHIPPING = (Param("addressInformation", "shipping_information"),)
BILLING = _opt("billingAddress", "quote_address")


def _me(context: Context) -> int:
    assert context.caller is not None and context.caller.user_id is not None
    return context.caller.user_id


def _cart(args: dict[str, Any]) -> str:
    return str(args["cartId"])


ROUTES: tuple[Route, ...] = (
    # guest carts
    Route("POST", "/V1/guest-carts", (), (), lambda b, a, c: b.create_cart(c.store, None),
          sync_only=True),
    Route("GET", GUEST, (), CART_ID, lambda b, a, c: b.cart(_cart(a))),
    Route("GET", GUEST + "/items", (), CART_ID, lambda b, a, c: b.cart_items(_cart(a))),
    Route("POST", GUEST + "/items", (), CART_ID + ITEM,
          lambda b, a, c: b.add_cart_item(_cart(a), a["cartItem"]), sync_only=True),
    Route("DELETE", GUEST + "/items/:itemId", (), CART_ID + (_id("itemId"),),
          lambda b, a, c: b.remove_cart_item(_cart(a), a["itemId"]), sync_only=True),
    Route("POST", GUEST + "/estimate-shipping-methods", (), CART_ID + ADDRESS,
          lambda b, a, c: b.estimate_shipping(_cart(a)), sync_only=True),
    Route("POST", GUEST + "/shipping-information", (), CART_ID + SHIPPING,
          lambda b, a, c: b.set_shipping_information(_cart(a), a["addressInformation"]),
          sync_only=True),
    Route("GET", GUEST + "/payment-methods", (), CART_ID,
          lambda b, a, c: b.cart_payment_methods(_cart(a))),
    Route("GET", GUEST + "/totals", (), CART_ID, lambda b, a, c: b.cart_totals(_cart(a))),
    Route("POST", GUEST + "/payment-information", (),
          CART_ID + (Param("email", "string"), Param("paymentMethod", "quote_payment"), BILLING),
          lambda b, a, c: b.place_cart_order(_cart(a), a["paymentMethod"], a["billingAddress"],
                                             a["email"]), sync_only=True),
    # the customer's own cart
    Route("POST", MINE, SELF, (), lambda b, a, c: b.create_cart(c.store, _me(c)),
          sync_only=True),
    Route("GET", MINE, SELF, (), lambda b, a, c: b.cart(_me(c))),
    Route("GET", MINE + "/items", SELF, (), lambda b, a, c: b.cart_items(_me(c))),
    Route("POST", MINE + "/items", SELF, ITEM,
          lambda b, a, c: b.add_cart_item(_me(c), a["cartItem"]), sync_only=True),
    Route("DELETE", MINE + "/items/:itemId", SELF, (_id("itemId"),),
          lambda b, a, c: b.remove_cart_item(_me(c), a["itemId"]), sync_only=True),
    Route("POST", MINE + "/estimate-shipping-methods", SELF, ADDRESS,
          lambda b, a, c: b.estimate_shipping(_me(c)), sync_only=True),
    Route("POST", MINE + "/shipping-information", SELF, SHIPPING,
          lambda b, a, c: b.set_shipping_information(_me(c), a["addressInformation"]),
          sync_only=True),
    Route("GET", MINE + "/payment-methods", SELF, (),
          lambda b, a, c: b.cart_payment_methods(_me(c))),
    Route("GET", MINE + "/totals", SELF, (), lambda b, a, c: b.cart_totals(_me(c))),
    Route("POST", MINE + "/payment-information", SELF,
          (Param("paymentMethod", "quote_payment"), BILLING),
          lambda b, a, c: b.place_cart_order(_me(c), a["paymentMethod"], a["billingAddress"],
                                             None), sync_only=True),
)
