"""The Sage 200 backend: entities, stock figures, auth state and the vendor-side events.

Order rules (create, the non-atomic PUT, despatch, cancel) live in :mod:`fakes.sage200.orders`;
this module holds the state they act on and what the control plane can do to it.

Options (``Fake(..., options={...})``):
  ``variant``               ``professional`` (default) or ``standard``; see :mod:`.variants`
  ``release``               Professional on-premise release date; newer endpoints answer 404
  ``unavailable_endpoints`` endpoint keys to remove (FM-SG01 scenarios)
  ``serve_both_bases``      also answer under the other variant's base path (same coverage)
  ``token_ttl_s``           access-token lifetime on the fake's clock (default 3600)
  ``rotate_refresh_tokens`` a used refresh token is retired (default true)
  ``allocate_on_entry``     allocate free stock to new order lines (default true)
  ``on_hold_policy``        ``reject`` (default) or ``hold`` orders for accounts on hold
  ``manual_document_no``    Professional SOP setting "do not generate numbers": POST must carry
                            a unique ``document_no`` (default false: numbers are generated)
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from fakes.core.backend import VendorBackend, event
from fakes.sage200 import orders, price_bands, seed
from fakes.sage200.auth import DEFAULT_TTL_S, TokenStore
from fakes.sage200.credit_notes import PostedCredit
from fakes.sage200.errors import NotFound, Unauthorized
from fakes.sage200.models import (
    STATUS_CANCELLED,
    STATUS_COMPLETE,
    ZERO,
    Customer,
    Despatch,
    Holding,
    Order,
    PriceBand,
    Product,
    Warehouse,
)
from fakes.sage200.variants import Coverage

HoldingKey = tuple[int, int]


def number(value: Any) -> Decimal:
    """An event payload number as a Decimal; anything else is a ValueError (control plane 400)."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    try:
        result = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


class Sage200Backend(VendorBackend):
    coverage: Coverage
    tokens: TokenStore
    site_id: str
    company_id: int
    warehouses: dict[int, Warehouse]
    products: dict[int, Product]
    holdings: dict[int, Holding]
    customers: dict[int, Customer]
    price_bands: dict[int, PriceBand]
    band_prices: dict[tuple[int, int], Decimal]
    orders: dict[int, Order]
    despatches: dict[int, Despatch]
    credits: dict[int, PostedCredit]
    counters: dict[str, int]
    stale: dict[str, list[dict[str, Any]]]
    holding_index: dict[HoldingKey, int]
    code_index: dict[str, int]

    # -- seed and snapshot ------------------------------------------------------------------
    def load_seed(self) -> None:
        options = self.ctx.options
        self.coverage = Coverage.from_options(options)
        creds = self.ctx.rng.stream("sage200:credentials")
        self.site_id = str(uuid.UUID(int=creds.getrandbits(128), version=4))
        self.company_id = creds.randrange(1, 50)
        self.tokens = TokenStore(
            client_id=f"s200-{creds.getrandbits(48):012x}",
            client_secret=f"{creds.getrandbits(160):040x}",
            rng=self.ctx.rng.stream("sage200:tokens"),
            ttl_s=int(options.get("token_ttl_s", DEFAULT_TTL_S)),
            rotate=bool(options.get("rotate_refresh_tokens", True)),
        )
        self.orders, self.despatches, self.stale, self.credits = {}, {}, {}, {}
        seed.load(self)

    def snapshot(self) -> dict[str, Any]:
        from fakes.sage200 import snapshot

        return snapshot.build(self)

    # -- small helpers ----------------------------------------------------------------------
    def option(self, name: str, default: Any) -> Any:
        return self.ctx.options.get(name, default)

    def now(self) -> datetime:
        return self.clock.now().replace(tzinfo=None)

    def next_id(self, kind: str) -> int:
        self.counters[kind] += 1
        return self.counters[kind]

    @property
    def site(self) -> dict[str, Any]:
        return {
            "site_id": self.site_id,
            "site_name": "Harness Site",
            "site_short_name": "HARNESS",
            "company_id": self.company_id,
            "company_name": "Harness Trading Ltd",
        }

    # -- auth -------------------------------------------------------------------------------
    def check_bearer(self, header: str | None) -> None:
        scheme, _, token = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not self.tokens.valid(token.strip(), self.clock.now()):
            raise Unauthorized()

    def check_site(self, site: str | None, company: str | None) -> None:
        if (site or "").strip().lower() != self.site_id or (company or "").strip() != str(
            self.company_id
        ):
            raise Unauthorized(
                "Unauthorized. The X-Site and X-Company values are invalid or have been "
                "omitted from the request header."
            )

    # -- lookups ----------------------------------------------------------------------------
    def get(self, table: dict[int, Any], entity_id: int, label: str) -> Any:
        found = table.get(entity_id)
        if found is None:
            raise NotFound(f"{label} record with Id {entity_id} not found.")
        return found

    def add_holding(self, holding: Holding) -> None:
        self.holdings[holding.id] = holding
        self.holding_index[(holding.product_id, holding.warehouse_id)] = holding.id

    def add_product(self, product: Product) -> None:
        self.products[product.id] = product
        self.code_index.setdefault(product.code.casefold(), product.id)

    def product_by_code(self, code: str) -> Product | None:
        found = self.code_index.get(code.casefold())
        return self.products.get(found) if found is not None else None

    def warehouse_by_name(self, name: str) -> Warehouse | None:
        wanted = name.casefold()
        return next((w for w in self.warehouses.values() if w.name.casefold() == wanted), None)

    def customer_by_reference(self, reference: str) -> Customer | None:
        wanted = reference.casefold()
        return next((c for c in self.customers.values() if c.reference.casefold() == wanted), None)

    def holding_for(self, product_id: int, warehouse_id: int) -> Holding | None:
        found = self.holding_index.get((product_id, warehouse_id))
        return self.holdings.get(found) if found is not None else None

    def product_holdings(self, product_id: int) -> list[Holding]:
        found = (self.holding_for(product_id, site) for site in self.warehouses)
        return sorted((h for h in found if h is not None), key=lambda h: h.id)

    # -- stock figures ----------------------------------------------------------------------
    def allocations(self) -> dict[HoldingKey, Decimal]:
        """Quantity allocated to sales orders and not yet despatched, per (product, warehouse)."""
        allocated: dict[HoldingKey, Decimal] = defaultdict(Decimal)
        for order in self.orders.values():
            if order.status in (STATUS_CANCELLED, STATUS_COMPLETE):
                continue
            for line in order.lines:
                if line.product_id is not None and line.warehouse_id is not None:
                    outstanding = max(ZERO, line.allocated - line.despatched)
                    allocated[(line.product_id, line.warehouse_id)] += outstanding
        return allocated

    def free_stock(self, product_id: int, warehouse_id: int) -> Decimal:
        holding = self.holding_for(product_id, warehouse_id)
        if holding is None:
            return ZERO
        return holding.confirmed - self.allocations().get((product_id, warehouse_id), ZERO)

    def touch_holding(self, product_id: int | None, warehouse_id: int | None) -> None:
        if product_id is None or warehouse_id is None:
            return
        holding = self.holding_for(product_id, warehouse_id)
        if holding is not None:
            holding.updated = self.now()

    # -- events (things that happen inside Sage) -------------------------------------------
    @event("amend_order")
    def amend_order(self, id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """An operator edits an order in Sage (FM-SG05): same rules as PUT, plus status."""
        order = orders.amend(self, int(id), dict(changes))
        return {"id": order.id, "date_time_updated": order.updated.isoformat()}

    @event("despatch")
    def despatch(
        self, id: int, lines: list[dict[str, Any]], consignment_no: str | None = None
    ) -> dict[str, Any]:
        """The warehouse despatches order lines in Sage (allocating as needed), optionally
        with the carrier's consignment (tracking) number on the despatch."""
        pairs = [(int(item["line_id"]), number(item["quantity"])) for item in lines]
        tracking = {"consignment_no": consignment_no} if consignment_no else None
        despatch = orders.despatch(self, int(id), pairs, operator=True, tracking=tracking)
        return {"despatch_id": despatch.id, "despatch_no": despatch.despatch_no}

    @event("set_stock")
    def set_stock(self, product_code: str, warehouse: str, quantity: float) -> dict[str, Any]:
        holding = self._holding_by_codes(product_code, warehouse)
        holding.confirmed = number(quantity)
        holding.updated = self.now()
        return {"warehouse_holding_id": holding.id,
                "confirmed_qty_in_stock": float(holding.confirmed)}

    @event("hold_customer")
    def hold_customer(self, reference: str, on_hold: bool) -> dict[str, Any]:
        customer = self._customer(reference)
        customer.on_hold = bool(on_hold)
        customer.updated = self.now()
        return {"id": customer.id, "on_hold": customer.on_hold}

    @event("set_credit")
    def set_credit(
        self, reference: str, credit_limit: float | None = None, balance: float | None = None
    ) -> dict[str, Any]:
        customer = self._customer(reference)
        if credit_limit is not None:
            customer.credit_limit = number(credit_limit)
        if balance is not None:
            customer.balance = number(balance)
        customer.updated = self.now()
        return {"id": customer.id, "credit_limit": float(customer.credit_limit),
                "balance": float(customer.balance)}

    @event("set_price")
    def set_price(self, product_code: str, price: float) -> dict[str, Any]:
        product = self.product_by_code(product_code)
        if product is None:
            raise KeyError(f"no product {product_code!r}")
        product.price = number(price)
        product.price_updated = product.updated = self.now()
        return {"id": product.id, "price": float(product.price)}

    @event("cancel_order")
    def cancel_order(self, id: int) -> dict[str, Any]:
        order = orders.cancel(self, int(id))
        return {"id": order.id, "document_status": order.status}

    @event("invoice_order")
    def invoice_order(self, id: int) -> dict[str, Any]:
        order = orders.invoice(self, int(id))
        return {"id": order.id, "document_status": order.status}

    @event("set_band_price")
    def set_band_price(
        self,
        band: str,
        product_code: str,
        price: float,
        active_from: str | None = None,
        active_to: str | None = None,
    ) -> dict[str, Any]:
        """The pricing clerk sets a product's price in a price band (made if new); dates
        make the band time-based (see :mod:`.price_bands`)."""
        return price_bands.set_price(
            self, band, product_code, number(price), active_from, active_to
        )

    @event("revoke_tokens")
    def revoke_tokens(self, refresh: bool = False) -> dict[str, Any]:
        return {"revoked": self.tokens.revoke(bool(refresh))}

    def _holding_by_codes(self, product_code: str, warehouse: str) -> Holding:
        product = self.product_by_code(product_code)
        site = self.warehouse_by_name(warehouse)
        if product is None or site is None:
            raise KeyError(f"no product {product_code!r} or warehouse {warehouse!r}")
        holding = self.holding_for(product.id, site.id)
        if holding is None:
            holding = Holding(
                id=self.next_id("holding"), product_id=product.id, warehouse_id=site.id,
                confirmed=ZERO, created=self.now(), updated=self.now(),
            )
            self.add_holding(holding)
        return holding

    def _customer(self, reference: str) -> Customer:
        customer = self.customer_by_reference(reference)
        if customer is None:
            raise KeyError(f"no customer {reference!r}")
        return customer
