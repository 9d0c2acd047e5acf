"""The storefront's guest checkout over Magento's REST API, as a Locust user.

One task is one order, the way a storefront places it (guest-schema-2.4.9): create a guest cart,
add one or two items, estimate shipping methods, set the shipping information, then send the
payment information, which places the order and answers its entity id. Shoppers are the seeded
dataset's customers (their e-mail addresses and default addresses), so the ERP knows them;
items are the SKUs with the most stock. Payment is ``braintree``: the order is captured
(``processing``), which is what the sync engine exports.

Users are paced so that all users together place ``--order-rate`` orders per second.
"""

from __future__ import annotations

import itertools
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from locust import HttpUser, User, constant_throughput, task
from locust.clients import HttpSession
from locust.env import Environment

from load.served import Control

CART = "/rest/V1/guest-carts"
ADDRESS_FIELDS = ("firstname", "lastname", "street", "city", "postcode", "country_id", "telephone")
_user_numbers = itertools.count(1)
_shops: dict[str, Shop] = {}


@dataclass(frozen=True)
class Customer:
    email: str
    address: dict[str, Any]


@dataclass(frozen=True)
class Shop:
    skus: tuple[str, ...]
    customers: tuple[Customer, ...]


def load_shop(control: Control, skus: int = 8) -> Shop:
    """The ``skus`` SKUs with the most stock over all sources, and the customers with an
    address, from the Magento fake's state."""
    state = control.state()
    totals: dict[str, float] = defaultdict(float)
    for item in state.get("source_items", []):
        totals[str(item["sku"])] += float(item["quantity"])
    best = tuple(sorted(totals, key=lambda sku: (-totals[sku], sku))[:skus])
    customers = tuple(_customer(c) for c in state.get("customers", []) if c.get("addresses"))
    if not best or not customers:
        raise RuntimeError("the Magento fake has no stock or no customers to shop with")
    return Shop(best, customers)


def _customer(raw: dict[str, Any]) -> Customer:
    address = {key: raw["addresses"][0].get(key) for key in ADDRESS_FIELDS}
    return Customer(str(raw["email"]), {**address, "email": raw["email"]})


def shop_for(host: str) -> Shop:
    """The shop of the Magento fake at ``host``, read once per process."""
    if host not in _shops:
        _shops[host] = load_shop(Control.for_host(host))
    return _shops[host]


def restock(control: Control, skus: tuple[str, ...], quantity: float) -> None:
    """Set each SKU's quantity at the ``default`` source (a long run would sell out)."""
    for sku in skus:
        control.event("set_source_item", sku=sku, source_code="default", quantity=quantity)


def share_order_rate(environment: Environment) -> None:
    """Split ``--order-rate`` over the users; the share reaches distributed workers with the
    master's custom options. Call it on the master or local runner's ``test_start``."""
    options = environment.parsed_options
    runner = environment.runner
    if options is None or runner is None:
        return
    users = runner.target_user_count or getattr(options, "num_users", None) or 1
    options.order_rate_per_user = float(options.order_rate) / max(int(users), 1)


def paced(user: User) -> float:
    """Locust ``wait_time``: pace each user at its share of ``--order-rate``."""
    options = user.environment.parsed_options
    share = getattr(options, "order_rate_per_user", None) or getattr(options, "order_rate", 1.0)
    if not share or share <= 0:
        return 0.0
    wait: float = constant_throughput(float(share))(user)
    return wait


def _post(client: HttpSession, path: str, body: Any, name: str) -> Any:
    """POST and answer the JSON body, or None after marking the request failed."""
    with client.post(path, json=body, name=name, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code}: {_message(response.text)}")
            return None
        try:
            return response.json()
        except ValueError:
            response.failure("the answer is not JSON")
            return None


def _message(text: str) -> str:
    """Magento's error message (without its placeholders' values), or the start of the body."""
    try:
        return str(json.loads(text).get("message", text))[:200]
    except (ValueError, AttributeError):
        return text[:200]


def guest_checkout(
    client: HttpSession, shop: Shop, rng: random.Random, method: str = "braintree"
) -> int | None:
    """Place one order as a guest; answer its entity id, or None when a step failed."""
    customer = rng.choice(shop.customers)
    cart = _post(client, CART, None, "POST /V1/guest-carts")
    if not isinstance(cart, str):
        return None
    base = f"{CART}/{cart}"
    for sku in rng.sample(shop.skus, rng.randint(1, min(2, len(shop.skus)))):
        item = {"cartItem": {"sku": sku, "qty": 1, "quote_id": cart}}
        if _post(client, base + "/items", item, "POST /V1/guest-carts/[cartId]/items") is None:
            return None
    country = {"address": {"country_id": customer.address["country_id"]}}
    name = "POST /V1/guest-carts/[cartId]/estimate-shipping-methods"
    if _post(client, base + "/estimate-shipping-methods", country, name) is None:
        return None
    shipping = {
        "addressInformation": {
            "shipping_address": customer.address,
            "billing_address": customer.address,
            "shipping_carrier_code": "flatrate",
            "shipping_method_code": "flatrate",
        }
    }
    name = "POST /V1/guest-carts/[cartId]/shipping-information"
    if _post(client, base + "/shipping-information", shipping, name) is None:
        return None
    payment = {"email": customer.email, "paymentMethod": {"method": method}}
    name = "POST /V1/guest-carts/[cartId]/payment-information"
    order = _post(client, base + "/payment-information", payment, name)
    return order if isinstance(order, int) and not isinstance(order, bool) else None


class GuestShopper(HttpUser):
    """A storefront visitor who checks out as a guest, once per task."""

    abstract = True
    wait_time = paced
    payment_method = "braintree"

    def on_start(self) -> None:
        if not self.host:
            raise RuntimeError("no Magento host: pass --host or let the locustfile serve one")
        self.shop = shop_for(self.host)
        seed = getattr(self.environment.parsed_options, "seed", 0)
        self.rng = random.Random(f"{seed}:shopper:{next(_user_numbers)}")

    @task
    def checkout(self) -> None:
        entity_id = guest_checkout(self.client, self.shop, self.rng, self.payment_method)
        if entity_id is not None:
            self.placed(entity_id)

    def placed(self, entity_id: int) -> None:
        """Called after each order is placed; subclasses report it."""
