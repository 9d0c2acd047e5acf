"""Storefront checkout over REST: guest carts (masked ids) and customer carts (``/carts/mine``).

The flow is Magento's: create a cart, add items, estimate shipping methods for an address, set
the shipping information (addresses and method; the answer lists payment methods and totals),
then send the payment information, which places the order and answers its entity id.

* Adding an item checks MSI: the cart's quantity of a SKU may not pass its salable quantity
  (``The requested qty is not available``; nothing salable at all: ``Product that you are
  trying to add is not available.``). Placing the order checks again (``Not all of your
  products are available in the requested quantity.``) and appends the order's reservations.
* One carrier: flat rate (``flatrate_flatrate``) at the fake's ``shipping_amount`` per order.
  Payment methods: ``checkmo`` and ``banktransfer`` leave the order pending; ``braintree``
  captures it (invoiced, ``processing``), as the ``place_order`` event's paid orders are.
* A customer has at most one active cart; ``POST /V1/carts/mine`` returns it when it exists.
"""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fakes.magento.catalog import stamp
from fakes.magento.errors import REQUIRED, InputError, NoSuchEntity, aggregate
from fakes.magento.rules import money
from fakes.magento.stores import Store

Quote = dict[str, Any]
MASK_ALPHABET = string.ascii_letters + string.digits
NO_SUCH_ENTITY = "No such entity with %fieldName = %fieldValue"
CARRIER = {"carrier_code": "flatrate", "method_code": "flatrate", "carrier_title": "Flat Rate",
           "method_title": "Fixed"}
PAYMENT_METHODS = {"checkmo": "Check / Money order", "banktransfer": "Bank Transfer Payment",
                   "braintree": "Credit Card (Braintree)"}
PAID_METHODS = ("braintree",)
ADDRESS_REQUIRED = ("firstname", "lastname", "street", "city", "country_id", "postcode",
                    "telephone")
QTY_NOT_AVAILABLE = "The requested qty is not available"
NOT_AVAILABLE = "Product that you are trying to add is not available."
NOT_ALL_AVAILABLE = "Not all of your products are available in the requested quantity."
NO_SHIPPING_METHOD = "The shipping method is missing. Select the shipping method and try again."
EMPTY_CART_SHIPPING = ("The shipping method can't be set for an empty cart. Add an item to cart "
                       "and try again.")


@dataclass
class Carts:
    seed: int
    quotes: dict[int, Quote] = field(default_factory=dict)
    masks: dict[str, int] = field(default_factory=dict)
    next_quote: int = 1
    next_item: int = 1

    # -- carts -------------------------------------------------------------------------------
    def create_guest(self, store: Store, now: datetime) -> str:
        quote = self._new(store, now, None)
        digest = hashlib.sha256(f"{self.seed}:quote:{quote['id']}".encode()).digest()
        masked = "".join(MASK_ALPHABET[b % len(MASK_ALPHABET)] for b in digest)
        self.masks[masked] = quote["id"]
        quote["masked_id"] = masked
        return masked

    def create_for_customer(self, customer: dict[str, Any], store: Store, now: datetime) -> int:
        existing = self.active_for(customer["id"])
        if existing is not None:
            return int(existing["id"])
        quote = self._new(store, now, customer)
        return int(quote["id"])

    def _new(self, store: Store, now: datetime, customer: dict[str, Any] | None) -> Quote:
        quote_id = self.next_quote
        self.next_quote += 1
        quote: Quote = {
            "id": quote_id, "store_id": store.id or 1, "currency": store.currency,
            "created_at": stamp(now), "updated_at": stamp(now), "is_active": True,
            "customer": customer, "items": [], "shipping_address": None,
            "billing_address": None, "shipping_method": None, "reserved_order_id": None,
            "order_id": None,
        }
        self.quotes[quote_id] = quote
        return quote

    def by_mask(self, masked: str) -> Quote:
        quote_id = self.masks.get(masked)
        if quote_id is None or not self.quotes[quote_id]["is_active"]:
            raise NoSuchEntity(NO_SUCH_ENTITY, {"fieldName": "cartId", "fieldValue": masked})
        return self.quotes[quote_id]

    def active_for(self, customer_id: int) -> Quote | None:
        for quote in self.quotes.values():
            customer = quote["customer"]
            if quote["is_active"] and customer is not None and customer["id"] == customer_id:
                return quote
        return None

    def mine(self, customer_id: int) -> Quote:
        quote = self.active_for(customer_id)
        if quote is None:
            raise NoSuchEntity(NO_SUCH_ENTITY, {"fieldName": "customerId",
                                                "fieldValue": customer_id})
        return quote

    # -- items -------------------------------------------------------------------------------
    def add_item(self, quote: Quote, product: dict[str, Any], qty: float, salable: float,
                 unit_price: float, now: datetime) -> dict[str, Any]:
        if qty <= 0:
            raise InputError("The qty value is required to update quote item.")
        item = next((i for i in quote["items"] if i["sku"] == product["sku"]), None)
        wanted = qty + (item["qty"] if item else 0.0)
        if salable <= 0:
            raise InputError(NOT_AVAILABLE)
        if wanted > salable:
            raise InputError(QTY_NOT_AVAILABLE)
        if item is None:
            item = {"item_id": self.next_item, "sku": product["sku"], "qty": 0.0,
                    "name": product["name"], "price": unit_price, "product_type": "simple",
                    "quote_id": str(quote["id"])}
            self.next_item += 1
            quote["items"].append(item)
        item["qty"] = wanted
        item["price"] = unit_price
        quote["updated_at"] = stamp(now)
        return item

    def remove_item(self, quote: Quote, item_id: int) -> bool:
        kept = [i for i in quote["items"] if i["item_id"] != item_id]
        if len(kept) == len(quote["items"]):
            raise NoSuchEntity("The %1 Cart doesn't contain the %2 item.",
                               [quote["id"], item_id])
        quote["items"] = kept
        return True

    # -- shipping ----------------------------------------------------------------------------
    def set_shipping(self, quote: Quote, info: dict[str, Any], now: datetime) -> None:
        if not quote["items"]:
            raise InputError(EMPTY_CART_SHIPPING)
        address = info.get("shipping_address") or {}
        check_address(address)
        carrier, method = info.get("shipping_carrier_code"), info.get("shipping_method_code")
        if (carrier, method) != (CARRIER["carrier_code"], CARRIER["method_code"]):
            raise NoSuchEntity("Carrier with such method not found: %1, %2", [carrier, method])
        quote["shipping_address"] = address
        billing = info.get("billing_address")
        quote["billing_address"] = billing or quote["billing_address"] or address
        quote["shipping_method"] = f"{carrier}_{method}"
        quote["updated_at"] = stamp(now)

    def ready(self, quote: Quote, billing: dict[str, Any] | None, method: str) -> None:
        """``QuoteValidator`` and the payment method check before ``placeOrder``."""
        if quote["shipping_method"] is None or not quote["items"]:
            raise InputError(NO_SHIPPING_METHOD)
        if billing:
            quote["billing_address"] = billing
        if method not in PAYMENT_METHODS:
            raise InputError("The requested Payment Method is not available.")

    def close(self, quote: Quote, order: dict[str, Any], now: datetime) -> None:
        quote.update(is_active=False, reserved_order_id=order["increment_id"],
                     order_id=order["entity_id"], updated_at=stamp(now))


def check_address(address: dict[str, Any]) -> None:
    missing = [(REQUIRED, {"fieldName": name}) for name in ADDRESS_REQUIRED
               if not address.get(name) or address.get(name) == [""]]
    if missing:
        raise aggregate(list(missing))


def shipping_methods(quote: Quote, amount: float) -> list[dict[str, Any]]:
    if not quote["items"]:
        return []
    return [{**CARRIER, "amount": amount, "base_amount": amount, "available": True,
             "error_message": "", "price_excl_tax": amount, "price_incl_tax": amount}]


def payment_methods() -> list[dict[str, str]]:
    return [{"code": code, "title": title} for code, title in PAYMENT_METHODS.items()]


def totals(quote: Quote, tax_rate: float, shipping: float) -> dict[str, Any]:
    items = [_total_item(i, tax_rate) for i in quote["items"]]
    subtotal = money(sum(i["row_total"] for i in items))
    tax = money(sum(i["tax_amount"] for i in items))
    ship = shipping if quote["shipping_method"] and items else 0.0
    grand = money(subtotal + tax + ship)
    out: dict[str, Any] = {"grand_total": grand, "subtotal": subtotal, "discount_amount": 0.0,
                           "subtotal_with_discount": subtotal, "shipping_amount": ship,
                           "shipping_discount_amount": 0.0, "tax_amount": tax,
                           "shipping_tax_amount": 0.0, "subtotal_incl_tax": money(subtotal + tax),
                           "shipping_incl_tax": ship}
    out.update({f"base_{k}": v for k, v in list(out.items())})
    out.update({"weee_tax_applied_amount": None, "base_currency_code": quote["currency"],
                "quote_currency_code": quote["currency"],
                "items_qty": int(sum(i["qty"] for i in quote["items"])), "items": items,
                "total_segments": _segments(subtotal, ship, tax, grand)})
    return out


def _total_item(item: dict[str, Any], rate: float) -> dict[str, Any]:
    row = money(item["price"] * item["qty"])
    tax = money(row * rate / 100)
    incl = money(item["price"] * (1 + rate / 100))
    return {"item_id": item["item_id"], "price": item["price"], "base_price": item["price"],
            "qty": item["qty"], "row_total": row, "base_row_total": row,
            "row_total_with_discount": 0.0, "tax_amount": tax, "base_tax_amount": tax,
            "tax_percent": rate, "discount_amount": 0.0, "base_discount_amount": 0.0,
            "discount_percent": 0.0, "price_incl_tax": incl, "base_price_incl_tax": incl,
            "row_total_incl_tax": money(row + tax), "base_row_total_incl_tax": money(row + tax),
            "options": "[]", "weee_tax_applied_amount": None, "weee_tax_applied": None,
            "name": item["name"]}


def _segments(subtotal: float, shipping: float, tax: float, grand: float) -> list[dict[str, Any]]:
    return [{"code": "subtotal", "title": "Subtotal", "value": subtotal},
            {"code": "shipping", "title": "Shipping & Handling (Flat Rate - Fixed)",
             "value": shipping},
            {"code": "tax", "title": "Tax", "value": tax, "area": "taxes"},
            {"code": "grand_total", "title": "Grand Total", "value": grand, "area": "footer"}]


def cart_out(quote: Quote) -> dict[str, Any]:
    """``CartInterface`` as ``GET /V1/guest-carts/:cartId`` and ``/V1/carts/mine`` show it."""
    customer = quote["customer"]
    guest = customer is None
    out: dict[str, Any] = {
        "id": quote["id"], "created_at": quote["created_at"], "updated_at": quote["updated_at"],
        "is_active": quote["is_active"], "is_virtual": False, "items": quote["items"],
        "items_count": len(quote["items"]),
        "items_qty": float(sum(i["qty"] for i in quote["items"])),
        "customer": _customer(customer),
        "billing_address": address_out(quote["billing_address"], quote, customer, 0),
        "orig_order_id": 0, "currency": _currency(quote["currency"]),
        "customer_is_guest": guest, "customer_note_notify": True,
        "customer_tax_class_id": 3, "store_id": quote["store_id"],
    }
    if quote["shipping_address"] is not None:
        shipping = {"address": address_out(quote["shipping_address"], quote, customer, 1),
                    "method": quote["shipping_method"]}
        out["extension_attributes"] = {"shipping_assignments": [
            {"shipping": shipping, "items": quote["items"]}]}
    return out


def _customer(customer: dict[str, Any] | None) -> dict[str, Any]:
    if customer is None:
        return {"email": None, "firstname": None, "lastname": None}
    keys = ("id", "group_id", "created_at", "updated_at", "created_in", "email", "firstname",
            "lastname", "store_id", "website_id", "disable_auto_group_change")
    return {k: customer[k] for k in keys if customer.get(k) is not None}


def address_out(address: dict[str, Any] | None, quote: Quote, customer: dict[str, Any] | None,
                offset: int) -> dict[str, Any]:
    """A quote address; an unset one still has its id and the required keys as ``null``."""
    given = address or {}
    out = {"id": quote["id"] * 2 - 1 + offset,
           "region": None, "region_id": None, "region_code": None, "country_id": None,
           "street": [""], "telephone": None, "postcode": None, "city": None,
           "firstname": None, "lastname": None, "email": None}
    out.update({k: v for k, v in given.items() if v is not None})
    if customer is not None:
        out["customer_id"] = customer["id"]
        out["email"] = out["email"] or customer["email"]
    out.setdefault("same_as_billing", 0)
    out.setdefault("save_in_address_book", 0)
    return out


def _currency(code: str) -> dict[str, Any]:
    return {"global_currency_code": code, "base_currency_code": code,
            "store_currency_code": code, "quote_currency_code": code,
            "store_to_base_rate": 0, "store_to_quote_rate": 0, "base_to_global_rate": 1,
            "base_to_quote_rate": 1}
