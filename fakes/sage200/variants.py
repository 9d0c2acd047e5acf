"""Which Sage 200 product serves which endpoints (FM-SG01).

Sage 200 comes as **Standard** (online, base ``/uk/sage200/accounts/v1``) and **Professional**
(formerly Extra, base ``/uk/sage200extra/accounts/v1``). An endpoint the product does not have
answers 404 "Is the endpoint available for your version of Sage 200?" [SelectCo
``NotFoundException``]. Three sources of difference are modelled:

* **Professional-only endpoints.** The reference Swagger marks paths with
  ``x-sage-professional-only`` (``/product_transactions/{id}/traceable_item_transactions``,
  ``/traceable_items_assign``); Standard answers 404 for them. Professional-only *fields*
  (``traceable_type``, ``use_for_sales_trading``, ``confirmation_intent_type`` ...) are left out
  of Standard responses.
* **Release age.** Professional is installed on premise and "client sites may not always be on
  the most recent version" [SelectCo ``NotFoundException``]; Standard is always current. Option
  ``release`` (``"YYYY-MM-DD"``) makes a Professional site answer 404 for operations the
  Swagger changelog says were added later (e.g. ``sop_confirm_despatch`` 22/08/2022, PUT and
  DELETE ``sop_orders/{Id}`` 08/11/2021).
* **Site configuration.** Option ``unavailable_endpoints`` (list of endpoint keys below)
  removes further endpoints, for scenarios that need a flow's endpoint to be missing.

Assumption (no source lists the Standard surface endpoint by endpoint): apart from the
professional-only markers, Standard serves the same implemented endpoints as Professional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

STANDARD = "standard"
PROFESSIONAL = "professional"
BASE_PATHS: dict[str, str] = {
    STANDARD: "/uk/sage200/accounts/v1",
    PROFESSIONAL: "/uk/sage200extra/accounts/v1",
}
SOP_DESPATCH_RELEASE = date(2022, 8, 22)
SOP_ORDER_EDIT_RELEASE = date(2021, 11, 8)


@dataclass(frozen=True)
class Endpoint:
    """One path under the base path; ``added`` holds per-method release dates (changelog)."""

    path: str
    methods: tuple[str, ...]
    professional_only: bool = False
    added: dict[str, date] = field(default_factory=dict)


def _since(when: date, *methods: str) -> dict[str, date]:
    return dict.fromkeys(methods, when)


ENDPOINTS: dict[str, Endpoint] = {
    "sites": Endpoint("/sites", ("GET",)),
    "sop_orders": Endpoint("/sop_orders", ("GET", "POST")),
    "sop_order": Endpoint(
        "/sop_orders/<Id>", ("GET", "PUT", "DELETE"),
        added=_since(SOP_ORDER_EDIT_RELEASE, "PUT", "DELETE"),
    ),
    "sop_order_lines": Endpoint("/sop_orders/<sopOrderId>/sop_order_lines", ("GET",)),
    "sop_order_line_of_order": Endpoint(
        "/sop_orders/<sopOrderId>/sop_order_lines/<Id>", ("GET",)
    ),
    "sop_order_line": Endpoint("/sop_order_lines/<Id>", ("GET",)),
    "customer_sop_orders": Endpoint("/customers/<customerId>/sop_orders", ("GET",)),
    "sop_confirm_despatch": Endpoint(
        "/sop_confirm_despatch", ("GET", "POST"),
        added=_since(SOP_DESPATCH_RELEASE, "GET", "POST"),
    ),
    "sop_despatch_receipts": Endpoint(
        "/sop_despatch_receipts", ("GET",), added=_since(SOP_DESPATCH_RELEASE, "GET")
    ),
    "sop_despatch_receipt": Endpoint(
        "/sop_despatch_receipts/<Id>", ("GET", "PUT"),
        added=_since(SOP_DESPATCH_RELEASE, "GET", "PUT"),
    ),
    "sop_order_despatch_views": Endpoint(
        "/sop_order_despatch_views", ("GET",), added=_since(SOP_DESPATCH_RELEASE, "GET")
    ),
    "sop_order_despatch_line_views": Endpoint("/sop_order_despatch_line_views", ("GET",)),
    "customers": Endpoint("/customers", ("GET", "POST")),
    "customer": Endpoint("/customers/<Id>", ("GET", "PUT")),
    "products": Endpoint("/products", ("GET",)),
    "product": Endpoint("/products/<Id>", ("GET",)),
    "warehouses": Endpoint("/warehouses", ("GET",)),
    "warehouse": Endpoint("/warehouses/<Id>", ("GET",)),
    "warehouse_holdings": Endpoint("/warehouse_holdings", ("GET",)),
    "warehouse_holding": Endpoint("/warehouse_holdings/<Id>", ("GET",)),
    "product_warehouse_holdings": Endpoint(
        "/products/<productId>/warehouse_holdings", ("GET",)
    ),
    "warehouse_warehouse_holdings": Endpoint(
        "/warehouses/<warehouseId>/warehouse_holdings", ("GET",)
    ),
    "price_bands": Endpoint("/price_bands", ("GET",)),
    "price_band": Endpoint("/price_bands/<Id>", ("GET",)),
    "product_price_views": Endpoint("/product_price_views", ("GET",)),
    "sales_credit_notes": Endpoint("/sales_credit_notes", ("POST",)),
    "sales_posted_transactions": Endpoint("/sales_posted_transactions", ("GET",)),
    "sales_posted_transaction": Endpoint("/sales_posted_transactions/<Id>", ("GET",)),
    "traceable_item_transactions": Endpoint(
        "/product_transactions/<traceableHistoryId>/traceable_item_transactions",
        ("GET",), professional_only=True,
    ),
}
HOLDING_ENDPOINTS = frozenset(
    {"warehouse_holdings", "warehouse_holding", "product_warehouse_holdings",
     "warehouse_warehouse_holdings"}
)


@dataclass(frozen=True)
class Coverage:
    """The endpoints one configured Sage 200 site answers."""

    variant: str = PROFESSIONAL
    release: date | None = None
    unavailable: frozenset[str] = frozenset()
    serve_both_bases: bool = False

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> Coverage:
        variant = str(options.get("variant", PROFESSIONAL)).lower()
        if variant not in BASE_PATHS:
            raise ValueError(f"sage200 option 'variant' must be one of {sorted(BASE_PATHS)}")
        release = options.get("release")
        return cls(
            variant=variant,
            release=date.fromisoformat(release) if isinstance(release, str) else release,
            unavailable=frozenset(options.get("unavailable_endpoints", ())),
            serve_both_bases=bool(options.get("serve_both_bases", False)),
        )

    @property
    def base_path(self) -> str:
        return BASE_PATHS[self.variant]

    @property
    def bases(self) -> tuple[str, ...]:
        if self.serve_both_bases:
            return tuple(BASE_PATHS.values())
        return (self.base_path,)

    @property
    def professional(self) -> bool:
        return self.variant == PROFESSIONAL

    def serves(self, key: str, method: str) -> bool:
        endpoint = ENDPOINTS[key]
        if key in self.unavailable or method not in endpoint.methods:
            return False
        if endpoint.professional_only and not self.professional:
            return False
        added = endpoint.added.get(method)
        return not (self.professional and self.release and added and added > self.release)

    def describe(self) -> dict[str, list[str]]:
        """Endpoint keys -> methods this site answers (for the fit report)."""
        served = {
            key: [m for m in ep.methods if self.serves(key, m)] for key, ep in ENDPOINTS.items()
        }
        return {key: methods for key, methods in served.items() if methods}
