"""The Magento backend: one object owning the catalogue, MSI, sales and auth state.

Every public method is one Web API service call (or a control-plane event) and returns what
the REST layer renders; errors are :class:`fakes.magento.errors.MagentoError`. No Flask here.

Options (``Fake(options=...)``): ``allow_bearer_integration_token`` (True),
``admin_token_lifetime_s`` (4 h), ``max_login_failures`` (6) and ``lockout_s`` (1800),
``integration_resources`` (None = every ACL resource), ``tax_rate`` (20 %), ``shipping_amount``
(5.00 flat per order), ``invoice_paid_orders`` (True: a paid checkout is invoiced at once, as an
online capture is), ``backorders`` (False: a shipment needs the quantity at its source),
``input_limit_enabled`` (False), ``default_page_size`` (20) and ``max_page_size`` (300).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fakes.core.backend import VendorBackend, event
from fakes.magento import auth, documents, orders, rules
from fakes.magento.auth import AuthState, Caller
from fakes.magento.catalog import stamp, stock_item
from fakes.magento.errors import (
    PRODUCT_NOT_FOUND,
    SIGN_IN_INCORRECT,
    InputError,
    NoSuchEntity,
    NotAuthorized,
    entity_not_found,
)
from fakes.magento.oauth import verify_oauth
from fakes.magento.orders import PlaceRequest, Sales
from fakes.magento.output import prune
from fakes.magento.search import Columns, run
from fakes.magento.seed import build
from fakes.magento.stores import STORES, Store, by_code, frontend_stores

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
}
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

    def caller(self, authorization: str, method: str, url: str,
               params: list[tuple[str, str]]) -> Caller | None:
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and credentials.strip():
            return auth.bearer(self.auth, credentials.strip(), self.now, self.options)
        signed = scheme.lower() == "oauth"
        if signed and verify_oauth(self.auth, authorization, method, url, params):
            return auth.integration_caller(self.options)
        return None

    # -- orders ------------------------------------------------------------------------------
    def order(self, order_id: int) -> dict[str, Any]:
        return order_out(self.sales.get(order_id))

    def orders(self, criteria: dict[str, Any]) -> dict[str, Any]:
        return self._search(list(self.sales.orders.values()), criteria, ORDER_COLUMNS, order_out)

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
                out: Any) -> dict[str, Any]:
        result = run(rows, criteria, columns)
        result["items"] = [out(r) for r in result["items"]]
        return result

    def snapshot(self) -> dict[str, Any]:
        return {
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
        request = PlaceRequest(lines, store, customer_email, increment_id, shipping_address, paid)
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

    def _event_order(self, entity_id: int) -> dict[str, Any]:
        order = self.sales.orders.get(int(entity_id))
        if order is None:
            raise KeyError(f"no order with entity_id {entity_id}")
        return order


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
