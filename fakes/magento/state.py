"""The Magento backend: one object owning the catalogue, MSI, sales and auth state.

Every public method is one Web API service call (or a control-plane event) and returns what
the REST layer renders; errors are :class:`fakes.magento.errors.MagentoError`. No Flask here.

Options (``Fake(options=...)``): ``allow_bearer_integration_token`` (True),
``admin_token_lifetime_s`` (4 h), ``max_login_failures`` (6) and ``lockout_s`` (1800),
``integration_resources`` (None = every ACL resource), ``tax_rate`` (20 %), ``shipping_amount``
(5.00 flat per order), ``invoice_paid_orders`` (True: a paid checkout is invoiced at once, as an
online capture is), ``backorders`` (False: a shipment needs the quantity at its source),
``input_limit_enabled`` (False), ``default_page_size`` (20) and ``max_page_size`` (300),
``customer_token_lifetime_s`` (1 h), and for the async consumer ``consumers_running`` (True),
``consumer_interval_s`` (5 simulated seconds between runs) and ``consumer_batch_size`` (100
operations per run).

The consumer catches up with the clock (:meth:`MagentoBackend.tick`) at every request, event
and snapshot; the price, checkout, account and B2B services live in their own modules
(:mod:`fakes.magento.prices`, :mod:`~fakes.magento.checkout`, :mod:`~fakes.magento.accounts`,
:mod:`~fakes.magento.companies`, :mod:`~fakes.magento.bulk`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fakes.core.backend import VendorBackend, event
from fakes.magento import accounts, auth, checkout, documents, legacy_stock, orders, rules
from fakes.magento.auth import AuthState, Caller
from fakes.magento.bulk import (
    DEADLOCK,
    NOT_RETRIABLY_FAILED,
    RETRIABLY_FAILED,
    BulkQueue,
    Submission,
    success_message,
)
from fakes.magento.catalog import stamp, stock_item
from fakes.magento.checkout import Carts
from fakes.magento.companies import Companies
from fakes.magento.errors import (
    PRODUCT_NOT_FOUND,
    SIGN_IN_INCORRECT,
    InputError,
    MagentoError,
    NoSuchEntity,
    NotAuthorized,
    entity_not_found,
    render,
)
from fakes.magento.oauth import verify_oauth
from fakes.magento.orders import PlaceRequest, Sales
from fakes.magento.output import prune
from fakes.magento.prices import PriceBook
from fakes.magento.search import Columns, run
from fakes.magento.seed import build
from fakes.magento.stores import STORES, Store, by_code, by_id, frontend_stores
from fakes.magento.webapi import Context

DEFAULT_OPTIONS: dict[str, Any] = {
    "allow_bearer_integration_token": True,
    "admin_token_lifetime_s": 4 * 3600,
    "max_login_failures": 6,
    "lockout_s": 1800,
    "integration_resources": None,
    "tax_rate": 20.0,
    "shipping_amount": 5.0,
    "invoice_paid_orders": True,
    "backorders": False,
    "input_limit_enabled": False,
    "default_page_size": 20,
    "max_page_size": 300,
    "customer_token_lifetime_s": 3600,
    "consumers_running": True,
    "consumer_interval_s": 5.0,
    "consumer_batch_size": 100,
}
CartRef = str | int  # a guest cart's masked id, or the customer id of ``/carts/mine``
ORDER_COLUMNS = Columns.of("order")
SHIPMENT_COLUMNS = Columns.of("shipment")
INVOICE_COLUMNS = Columns.of("invoice")
CREDITMEMO_COLUMNS = Columns.of("creditmemo")
SOURCE_ITEM_COLUMNS = Columns.of("source_item")
SOURCE_COLUMNS = Columns.of("source")
PRODUCT_COLUMNS = Columns.of(
    "product",
    {"url_key": "string", "tax_class_id": "number", "ean": "string", "entity_id": "number"},
    eav=True,
)
CUSTOMER_COLUMNS = Columns.of("customer", {"entity_id": "number"}, eav=True)
GROUP_COLUMNS = Columns.of("customer_group")
OPERATION_COLUMNS = Columns.of("bulk_operation")


class MagentoBackend(VendorBackend):
    """Magento 2.4 (Adobe Commerce) with MSI, two websites and an admin + integration user."""

    def load_seed(self) -> None:
        self.options: dict[str, Any] = {**DEFAULT_OPTIONS, **self.ctx.options}
        self.auth = AuthState.generate(self.ctx.rng.stream("magento:credentials"))
        seeded = build(self.ctx.dataset, self.ctx.profile)
        self.catalog = seeded.catalog
        self.inventory = seeded.inventory
        self.sales = Sales()
        self.reports = 0
        self.prices = PriceBook()
        self.bulk = BulkQueue(seed=self.ctx.rng.seed,
                              running=bool(self.options["consumers_running"]),
                              next_run=self.now.timestamp() + self._interval)
        self.carts = Carts(seed=self.ctx.rng.seed)
        self.companies = Companies()
        self.passwords: dict[int, str] = {}

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def next_report_id(self) -> str:
        self.reports += 1
        return f"webapi-{int(self.now.timestamp()):08x}{self.reports:05x}"

    # -- auth --------------------------------------------------------------------------------
    def admin_token(self, username: str, password: str) -> str:
        if not auth.login(self.auth, username, password, self.now, self.options):
            raise NotAuthorized(SIGN_IN_INCORRECT)
        return auth.issue_jwt(self.auth, self.now, float(self.options["admin_token_lifetime_s"]))

    def customer_token(self, username: str, password: str) -> str:
        customer = accounts.login(self.catalog, self.passwords, self.auth.customer_password,
                                  username, password)
        if customer is None:
            raise NotAuthorized(SIGN_IN_INCORRECT)
        lifetime = float(self.options["customer_token_lifetime_s"])
        return auth.issue_jwt(self.auth, self.now, lifetime, auth.USER_TYPE_CUSTOMER,
                              int(customer["id"]))

    def caller(self, authorization: str, method: str,
               signed_over: Callable[[], tuple[str, list[tuple[str, str]]]]) -> Caller | None:
        """``signed_over``: the request's URL and query, asked for only when an OAuth 1.0a
        signature is checked (a token covers neither)."""
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return auth.bearer(self.auth, credentials.strip(), self.now, self.options)
        if scheme.lower() != "oauth":
            return None
        url, params = signed_over()
        if verify_oauth(self.auth, authorization, method, url, params):
            return auth.integration_caller(self.options)
        return None

    # -- orders ------------------------------------------------------------------------------
    def order(self, order_id: int) -> dict[str, Any]:
        return order_out(self.sales.get(order_id))

    def orders(
        self, criteria: dict[str, Any], item_fields: frozenset[str] | None = None
    ) -> dict[str, Any]:
        """``item_fields``: the keys the answer's ``fields`` filter keeps of each order; only
        those are rendered (each key renders on its own, so the filtered answer is the same)."""
        rows = list(self.sales.orders.values())
        return self._search(rows, criteria, ORDER_COLUMNS, order_out, item_fields)

    def order_status(self, order_id: int) -> str:
        return str(self.sales.get(order_id)["status"])

    def order_comments(self, order_id: int) -> dict[str, Any]:
        order = self.sales.get(order_id) if order_id in self.sales.orders else None
        items = [prune(h, "status_history") for h in order["status_histories"]] if order else []
        echo = {"field": "parent_id", "value": str(order_id), "condition_type": "eq"}
        return {"items": items, "search_criteria": {"filter_groups": [{"filters": [echo]}]},
                "total_count": len(items)}

    def add_order_comment(self, order_id: int, history: dict[str, Any]) -> bool:
        orders.add_comment(self.sales, self.sales.get(order_id), history, self.now)
        return True

    def cancel_order(self, order_id: int) -> bool:
        return orders.cancel(self.sales.get(order_id), self.inventory, self.catalog, self.now)

    def hold_order(self, order_id: int) -> bool:
        return orders.hold(self.sales.get(order_id), self.now)

    def unhold_order(self, order_id: int) -> bool:
        return orders.unhold(self.sales.get(order_id), self.now)

    def save_order(self, entity: dict[str, Any], store: Store) -> dict[str, Any]:
        default = store if store.id else by_code("default")
        assert default is not None
        saved = orders.save(self.sales, entity, self.now, default)
        stored = self.sales.orders.get(saved.get("entity_id") or 0) is saved
        return order_out(saved) if stored else dict(prune(saved, "order"))

    # -- fulfilment --------------------------------------------------------------------------
    def invoice_order(self, order_id: int, body: dict[str, Any]) -> int:
        return documents.invoice(self.sales, self.sales.get(order_id), body, self.now)

    def ship_order(self, order_id: int, body: dict[str, Any]) -> int:
        order = self.sales.get(order_id)
        return documents.ship(self.sales, order, self.inventory, self.catalog, body, self.now,
                              bool(self.options["backorders"]))

    def refund_order(self, order_id: int, body: dict[str, Any]) -> int:
        order = self.sales.get(order_id)
        return documents.refund(self.sales, order, self.inventory, self.catalog, body, self.now)

    def invoices(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return self._search(list(self.sales.invoices.values()), criteria, INVOICE_COLUMNS,
                            lambda d: prune(d, "invoice"))

    def invoice(self, invoice_id: int) -> dict[str, Any]:
        return prune(_document(self.sales.invoices, invoice_id), "invoice")

    def shipments(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return self._search(list(self.sales.shipments.values()), criteria, SHIPMENT_COLUMNS,
                            lambda d: prune(d, "shipment"))

    def shipment(self, shipment_id: int) -> dict[str, Any]:
        return prune(_document(self.sales.shipments, shipment_id), "shipment")

    def creditmemos(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return self._search(list(self.sales.creditmemos.values()), criteria, CREDITMEMO_COLUMNS,
                            lambda d: prune(d, "creditmemo"))

    def creditmemo(self, creditmemo_id: int) -> dict[str, Any]:
        return prune(_document(self.sales.creditmemos, creditmemo_id), "creditmemo")

    # -- catalogue and customers -------------------------------------------------------------
    def product(self, sku: str) -> dict[str, Any]:
        product = self.catalog.products.get(sku)
        if product is None:
            raise NoSuchEntity(PRODUCT_NOT_FOUND)
        return self._product_out(product)

    def products(self, criteria: dict[str, Any]) -> dict[str, Any]:
        rows = [_flat_product(p) for p in self.catalog.products.values()]
        result = run(rows, criteria, PRODUCT_COLUMNS)
        products = self.catalog.products
        result["items"] = [self._product_out(products[r["sku"]]) for r in result["items"]]
        return result

    def _product_out(self, product: dict[str, Any]) -> dict[str, Any]:
        out = prune(product, "product")
        row = self.inventory.item(product["sku"], "default")
        out["extension_attributes"] = {**product["extension_attributes"],
                                       "stock_item": stock_item(product, row)}
        out["tier_prices"] = self.prices.product_tiers(product)
        out["custom_attributes"] = (out["custom_attributes"]
                                    + self.prices.product_attributes(product["sku"]))
        return dict(out)

    def customer(self, customer_id: int) -> dict[str, Any]:
        customer = self.catalog.customers.get(customer_id)
        if customer is None:
            raise NoSuchEntity("No such entity with %fieldName = %fieldValue",
                               {"fieldName": "customerId", "fieldValue": customer_id})
        return dict(prune(customer, "customer"))

    def customers(self, criteria: dict[str, Any]) -> dict[str, Any]:
        rows = [{**c, "entity_id": c["id"]} for c in self.catalog.customers.values()]
        result = run(rows, criteria, CUSTOMER_COLUMNS)
        result["items"] = [self.customer(r["id"]) for r in result["items"]]
        return result

    def create_customer(self, data: dict[str, Any], password: str | None, store: Store,
                        caller: Caller | None) -> dict[str, Any]:
        if password:
            accounts.check_password(password)
        trusted = caller is not None and caller.kind in ("admin", "integration")
        created = accounts.create(self.catalog, data, store, self.now, trusted)
        self.passwords[int(created["id"])] = password or ""
        return self.customer(int(created["id"]))

    def update_customer(self, customer_id: int, data: dict[str, Any]) -> dict[str, Any]:
        accounts.update(self.catalog, customer_id, data, self.now)
        return self.customer(customer_id)

    def delete_customer(self, customer_id: int) -> bool:
        return accounts.delete(self.catalog, customer_id)

    def customer_groups(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return run(accounts.groups(), criteria, GROUP_COLUMNS)

    # -- MSI ---------------------------------------------------------------------------------
    def sources(self, criteria: dict[str, Any] | None) -> dict[str, Any]:
        return run(list(self.inventory.sources.values()), criteria or {}, SOURCE_COLUMNS)

    def source(self, code: str) -> dict[str, Any]:
        source = self.inventory.sources.get(code)
        if source is None:
            raise NoSuchEntity('Source with code "%value" does not exist.', {"value": code})
        return dict(source)

    def source_items(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return run(self.inventory.rows(), criteria, SOURCE_ITEM_COLUMNS)

    def save_source_items(self, items: list[dict[str, Any]]) -> list[Any]:
        self.inventory.save(items, self.catalog.skus())
        return []

    def delete_source_items(self, items: list[dict[str, Any]]) -> list[Any]:
        self.inventory.delete(items)
        return []

    def salable_qty(self, sku: str, stock_id: int) -> float:
        if sku not in self.catalog.products:
            raise InputError('The product that was requested doesn\'t exist. Verify the product '
                             'and try again.')
        if stock_id != 1:
            raise NoSuchEntity('Stock with id "%value" does not exist.', {"value": stock_id})
        return self.inventory.salable(sku)

    # -- legacy CatalogInventory ------------------------------------------------------------
    def stock_item(self, sku: str) -> dict[str, Any]:
        return prune(legacy_stock.item(self.catalog, self.inventory, sku), "stock_item")

    def stock_status(self, sku: str) -> dict[str, Any]:
        status = legacy_stock.status(self.catalog, self.inventory, sku)
        status["stock_item"] = prune(status["stock_item"], "stock_item")
        return status

    def update_stock_item(self, sku: str, data: dict[str, Any]) -> int:
        return legacy_stock.update(self.catalog, self.inventory, sku, data)

    # -- async and bulk ----------------------------------------------------------------------
    @property
    def _interval(self) -> float:
        return float(self.options["consumer_interval_s"])

    def schedule(self, route_key: tuple[str, str], service: str,
                 entities: list[dict[str, Any]], store: Store,
                 caller: Caller | None) -> dict[str, Any]:
        """``publishMass``: one bulk of open operations, answered with 202 by the REST layer."""
        submission = Submission(route_key, service, entities,
                                "all" if store.id == 0 else store.code,
                                caller.kind if caller else "guest",
                                caller.user_id if caller else None)
        return self.bulk.schedule(submission, self.now)

    def tick(self) -> None:
        """Run the consumer for every run due by now (the simulated clock may have moved)."""
        batch = int(self.options["consumer_batch_size"])
        for run_at, operation in self.bulk.due(self.now.timestamp(), self._interval, batch):
            self._run_operation(operation, run_at)

    def _run_operation(self, operation: dict[str, Any], run_at: float) -> None:
        failure = self.bulk.pop_armed_failure()
        if failure is not None:
            status = RETRIABLY_FAILED if failure["retriable"] else NOT_RETRIABLY_FAILED
            self.bulk.finish(operation, run_at, status, failure["message"], 0, None)
            return
        from fakes.magento.routes import by_key  # the route table imports this module

        route = by_key(*operation["_route"])
        store = by_code(operation["_store"]) or STORES[1]
        context = Context(store, "", Caller(operation["_caller"]))
        try:
            output = route.handler(self, copy.deepcopy(operation["_args"]), context)
        except MagentoError as exc:
            message = render(exc.message, exc.parameters)
            self.bulk.finish(operation, run_at, NOT_RETRIABLY_FAILED, message, 0, None)
        except Exception as exc:  # noqa: BLE001 - OperationProcessor records any failure
            self.bulk.finish(operation, run_at, NOT_RETRIABLY_FAILED, str(exc), 0, None)
        else:
            self.bulk.finish(operation, run_at, 1, success_message(operation["_service"]), None,
                             json.dumps(output, separators=(",", ":")))

    def bulk_operations(self, criteria: dict[str, Any]) -> dict[str, Any]:
        rows = self.bulk.rows()
        result = run(rows, criteria, OPERATION_COLUMNS)
        result["items"] = [prune(r, "bulk_operation") for r in result["items"]]
        return result

    def handle_event(self, name: str, payload: dict[str, Any]) -> Any:
        with self.lock:
            self.tick()
            return super().handle_event(name, payload)

    # -- checkout ----------------------------------------------------------------------------
    def create_cart(self, store: Store, customer_id: int | None) -> CartRef:
        store = store if store.id else STORES[1]
        if customer_id is None:
            return self.carts.create_guest(store, self.now)
        return self.carts.create_for_customer(self._customer_row(customer_id), store, self.now)

    def _customer_row(self, customer_id: int) -> dict[str, Any]:
        customer = self.catalog.customers.get(customer_id)
        if customer is None:
            raise NoSuchEntity("No such entity with %fieldName = %fieldValue",
                               {"fieldName": "customerId", "fieldValue": customer_id})
        return customer

    def _quote(self, ref: CartRef) -> dict[str, Any]:
        return self.carts.by_mask(ref) if isinstance(ref, str) else self.carts.mine(ref)

    def cart(self, ref: CartRef) -> dict[str, Any]:
        return checkout.cart_out(self._quote(ref))

    def cart_items(self, ref: CartRef) -> list[dict[str, Any]]:
        return list(self._quote(ref)["items"])

    def add_cart_item(self, ref: CartRef, item: dict[str, Any]) -> dict[str, Any]:
        quote = self._quote(ref)
        product = self.catalog.products.get(str(item.get("sku")))
        if product is None:
            raise NoSuchEntity(PRODUCT_NOT_FOUND)
        qty = float(item.get("qty") or 0)
        held = sum(i["qty"] for i in quote["items"] if i["sku"] == product["sku"])
        price = self.prices.final_price(product, held + qty, _group(quote), self.now)
        salable = self.inventory.salable(product["sku"])
        return dict(self.carts.add_item(quote, product, qty, salable, price, self.now))

    def remove_cart_item(self, ref: CartRef, item_id: int) -> bool:
        return self.carts.remove_item(self._quote(ref), item_id)

    def estimate_shipping(self, ref: CartRef) -> list[dict[str, Any]]:
        quote = self._quote(ref)
        return checkout.shipping_methods(quote, float(self.options["shipping_amount"]))

    def set_shipping_information(self, ref: CartRef, info: dict[str, Any]) -> dict[str, Any]:
        quote = self._quote(ref)
        self.carts.set_shipping(quote, info, self.now)
        return {"payment_methods": checkout.payment_methods(), "totals": self._totals(quote)}

    def cart_totals(self, ref: CartRef) -> dict[str, Any]:
        return self._totals(self._quote(ref))

    def cart_payment_methods(self, ref: CartRef) -> list[dict[str, str]]:
        self._quote(ref)
        return checkout.payment_methods()

    def _totals(self, quote: dict[str, Any]) -> dict[str, Any]:
        return checkout.totals(quote, float(self.options["tax_rate"]),
                               float(self.options["shipping_amount"]))

    def place_cart_order(self, ref: CartRef, payment: dict[str, Any],
                         billing: dict[str, Any] | None, email: str | None) -> int:
        """``savePaymentInformationAndPlaceOrder``: the order's entity id."""
        quote = self._quote(ref)
        method = str(payment.get("method") or "")
        self.carts.ready(quote, billing, method)
        lines = [{"sku": i["sku"], "qty": i["qty"]} for i in quote["items"]]
        if any(line["qty"] > self.inventory.salable(line["sku"]) for line in lines):
            raise InputError(checkout.NOT_ALL_AVAILABLE)
        order = orders.place(self.sales, self.catalog, self.inventory,
                             self._cart_request(quote, lines, method, email), self.now,
                             self.options)
        if method in checkout.PAID_METHODS:
            self._capture(order)
        self.carts.close(quote, order, self.now)
        return int(order["entity_id"])

    def _cart_request(self, quote: dict[str, Any], lines: list[dict[str, Any]], method: str,
                      email: str | None) -> PlaceRequest:
        customer = quote["customer"]
        billing = quote["billing_address"] or quote["shipping_address"]
        guest = None if customer else (str(billing.get("firstname")),
                                       str(billing.get("lastname")))
        store = by_id(quote["store_id"]) or STORES[1]
        return PlaceRequest(
            lines, store, customer["email"] if customer else (email or billing.get("email")),
            shipping_address=quote["shipping_address"], paid=method in checkout.PAID_METHODS,
            billing_address=billing, payment_method=method,
            prices={i["sku"]: i["price"] for i in quote["items"]}, guest_name=guest)

    # -- stores ------------------------------------------------------------------------------
    def store_views(self) -> list[dict[str, Any]]:
        return [s.view() for s in STORES]

    def websites(self) -> list[dict[str, Any]]:
        return [s.website() for s in STORES]

    def store_groups(self) -> list[dict[str, Any]]:
        return [s.group() for s in STORES]

    def store_configs(self, codes: list[str] | None, base_url: str) -> list[dict[str, Any]]:
        wanted = [s for s in frontend_stores() if not codes or s.code in codes]
        return [s.config(base_url) for s in wanted]

    # -- internals ---------------------------------------------------------------------------
    def _search(self, rows: list[dict[str, Any]], criteria: dict[str, Any], columns: Columns,
                out: Any, item_fields: frozenset[str] | None = None) -> dict[str, Any]:
        result = run(rows, criteria, columns)
        if item_fields is not None:
            result["items"] = [{k: v for k, v in r.items() if k in item_fields}
                               for r in result["items"]]
        result["items"] = [out(r) for r in result["items"]]
        return result

    def snapshot(self) -> dict[str, Any]:
        self.tick()
        return {
            "customers": [self.customer(i) for i in self.catalog.customers],
            "base_prices": {s: p["price"] for s, p in self.catalog.products.items()},
            "prices": self.prices.snapshot(),
            "bulks": self.bulk.snapshot(),
            "consumers_running": self.bulk.running,
            "carts": [checkout.cart_out(q) for q in self.carts.quotes.values()],
            **self.companies.snapshot(),
            "orders": [order_out(o) for o in self.sales.orders.values()],
            "shipments": [prune(d, "shipment") for d in self.sales.shipments.values()],
            "invoices": [prune(d, "invoice") for d in self.sales.invoices.values()],
            "creditmemos": [prune(d, "creditmemo") for d in self.sales.creditmemos.values()],
            "source_items": self.inventory.rows(),
            "reservations": [dict(r) for r in self.inventory.reservations],
            "stores": self.store_views(),
            "clock": stamp(self.now),
        }

    # -- control-plane events ----------------------------------------------------------------
    @event("place_order")
    def place_order(
        self,
        lines: list[dict[str, Any]],
        customer_email: str | None = None,
        store_code: str = "default",
        increment_id: str | None = None,
        shipping_address: dict[str, Any] | str | None = None,
        paid: bool = True,
        sku_override: bool = True,
    ) -> dict[str, Any]:
        """A customer checks out. Any SKU is accepted (poison orders) unless ``sku_override``
        is false; quantities may be zero or negative."""
        store = by_code(store_code)
        if store is None or store.id == 0:
            raise ValueError(f"unknown store_code {store_code!r}")
        if not sku_override:
            unknown = [line["sku"] for line in lines if line["sku"] not in self.catalog.products]
            if unknown:
                raise ValueError(f"unknown SKUs: {unknown}")
        request = PlaceRequest(lines, store, customer_email, increment_id, shipping_address, paid,
                               prices=self._event_prices(lines, customer_email))
        order = orders.place(self.sales, self.catalog, self.inventory, request, self.now,
                             self.options)
        if paid:
            self._capture(order)
        return {"entity_id": order["entity_id"], "increment_id": order["increment_id"],
                "store_id": order["store_id"]}

    @event("touch_order")
    def touch_order(self, entity_id: int) -> dict[str, Any]:
        order = self._event_order(entity_id)
        orders.touch(order, self.now)
        return {"entity_id": entity_id, "updated_at": order["updated_at"]}

    @event("set_order_status")
    def set_order_status(self, entity_id: int, state: str, status: str) -> dict[str, Any]:
        order = self._event_order(entity_id)
        orders.set_status(self.sales, order, state, status, self.now)
        return {"entity_id": entity_id, "state": state, "status": status}

    @event("set_source_item")
    def set_source_item(self, sku: str, source_code: str, quantity: float,
                        status: int | None = None) -> dict[str, Any]:
        """A merchant edits stock in the admin."""
        if source_code not in self.inventory.sources:
            raise ValueError(f"unknown source_code {source_code!r}")
        state = (1 if quantity > 0 else 0) if status is None else int(status)
        self.inventory.set_item(sku, source_code, float(quantity), state)
        return dict(self.inventory.item(sku, source_code) or {})

    @event("revoke_admin_tokens")
    def revoke_admin_tokens(self) -> dict[str, Any]:
        """Admin tokens issued so far stop working (password change, manual revocation)."""
        auth.revoke_admin_tokens(self.auth, self.now)
        return {"revoked_before": self.auth.revoked_before}

    def _capture(self, order: dict[str, Any]) -> None:
        """An online capture at checkout invoices what can be invoiced; a paid order with
        nothing to invoice (zero or negative lines) just records the payment."""
        invoiceable = any(rules.to_invoice(item) > 0 for item in order["items"])
        if invoiceable and self.options["invoice_paid_orders"]:
            documents.invoice(self.sales, order, {}, self.now)
            return
        for prefix in ("", "base_"):
            order[f"{prefix}total_paid"] = order[f"{prefix}grand_total"]
            order[f"{prefix}total_due"] = 0.0
        order["payment"]["amount_paid"] = order["payment"]["base_amount_paid"] = order["total_paid"]

    def _event_prices(self, lines: list[dict[str, Any]],
                      email: str | None) -> dict[str, float]:
        group = orders.pick_customer(self.catalog, email, self.sales.ids.get("order", 0) + 1)
        prices: dict[str, float] = {}
        for line in lines:
            product = self.catalog.products.get(str(line.get("sku")))
            qty = line.get("qty", 1)
            if product is not None and isinstance(qty, int | float):
                prices[product["sku"]] = self.prices.final_price(
                    product, float(qty), int(group["group_id"] or 0), self.now)
        return prices

    @event("stop_consumers")
    def stop_consumers(self) -> dict[str, Any]:
        """The ``async.operations.all`` consumer stops (cron off, consumer crashed): operations
        stay open (status 4) while the API keeps accepting new ones."""
        self.bulk.running = False
        return {"running": False, "open": len(self.bulk.open)}

    @event("start_consumers")
    def start_consumers(self) -> dict[str, Any]:
        """The consumer is back; its first run comes one interval later."""
        self.bulk.restart(self.now.timestamp(), self._interval)
        return {"running": True, "open": len(self.bulk.open)}

    @event("run_consumers")
    def run_consumers(self, max_operations: int | None = None) -> dict[str, Any]:
        """``bin/magento queue:consumers:start async.operations.all --max-messages=N`` now,
        running or not."""
        now = self.now.timestamp()
        taken = self.bulk.take_now(now, max_operations)
        for operation in taken:
            self._run_operation(operation, now)
        return {"processed": len(taken), "open": len(self.bulk.open)}

    @event("fail_next_operations")
    def fail_next_operations(self, count: int = 1, retriable: bool = True,
                             message: str | None = None) -> dict[str, Any]:
        """The next ``count`` operations the consumer takes fail: a deadlock (status 2,
        retriable) or ``message`` (status 3) without running."""
        text = message or (DEADLOCK if retriable else "Something went wrong while processing "
                           "the request.")
        self.bulk.armed_failures += [{"retriable": retriable, "message": text}] * int(count)
        return {"armed": len(self.bulk.armed_failures)}

    @event("set_company_status")
    def set_company_status(self, company_id: int, status: int,
                           reject_reason: str | None = None) -> dict[str, Any]:
        """A merchant approves, rejects or blocks a company in the admin."""
        company = self.companies.set_status(int(company_id), int(status), reject_reason,
                                            self.now)
        return {"id": company["id"], "status": company["status"]}

    def _event_order(self, entity_id: int) -> dict[str, Any]:
        order = self.sales.orders.get(int(entity_id))
        if order is None:
            raise KeyError(f"no order with entity_id {entity_id}")
        return order


def _group(quote: dict[str, Any]) -> int:
    customer = quote["customer"]
    return int(customer["group_id"]) if customer else 0


def order_out(order: dict[str, Any]) -> dict[str, Any]:
    data = dict(order)
    data["status_histories"] = sorted(
        order.get("status_histories") or [],
        key=lambda h: (h["created_at"], h["entity_id"]), reverse=True,
    )
    return dict(prune(data, "order"))


def _document(table: dict[int, dict[str, Any]], entity_id: int) -> dict[str, Any]:
    if not entity_id:
        raise InputError("An ID is needed. Set the ID and try again.")
    document = table.get(entity_id)
    if document is None:
        raise entity_not_found()
    return document


def _flat_product(product: dict[str, Any]) -> dict[str, Any]:
    flat = {**product, "entity_id": product["id"]}
    for attribute in product["custom_attributes"]:
        flat[attribute["attribute_code"]] = attribute["value"]
    return flat
