"""The implemented Web API routes: path, ACL resources, service arguments, backend call.

ACL resources follow ``etc/webapi.xml`` of Magento 2.4.8+ (granular ``Magento_Sales::*``
resources) and ``InventoryApi/etc/webapi.xml``. A route without resources is anonymous.
Argument names and types are the service methods' (``Param``); ``searchCriteria`` is required
wherever the repository's ``getList`` has no default (every list here but sources).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakes.magento.inputs import Param
from fakes.magento.state import MagentoBackend
from fakes.magento.stores import Store


@dataclass(frozen=True)
class Context:
    """What a handler may need besides its arguments."""

    store: Store
    base_url: str


Handler = Callable[[MagentoBackend, dict[str, Any], Context], Any]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    acl: tuple[str, ...]
    params: tuple[Param, ...]
    handler: Handler

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return None
        found: dict[str, str] = {}
        for mine, theirs in zip(self.segments, parts, strict=True):
            if mine.startswith(":"):
                if not theirs:
                    return None
                found[mine[1:]] = theirs
            elif mine != theirs:
                return None
        return found

    @property
    def literal_count(self) -> int:
        return sum(1 for s in self.segments if not s.startswith(":"))


CRITERIA = Param("searchCriteria", "search_criteria")
OPTIONAL_CRITERIA = Param("searchCriteria", "search_criteria", required=False)
VIEW = ("Magento_Sales::actions_view",)
STORE = ("Magento_Backend::store",)
SOURCE = ("Magento_InventoryApi::source",)
SOURCE_ITEM_ASSIGN = ("Magento_InventoryApi::stock_source_item_assign",)
CUSTOMER = ("Magento_Customer::customer",)


def _id(name: str = "id") -> Param:
    return Param(name, "int")


def _flag(name: str) -> Param:
    return Param(name, "bool", required=False, default=False)


def _opt(name: str, type_: str, default: Any = None) -> Param:
    return Param(name, type_, required=False, default=default)


def _document_params(kind: str, extra: tuple[Param, ...] = ()) -> tuple[Param, ...]:
    return (
        _id("orderId"),
        _opt("items", f"{kind}_item_creation[]", []),
        _flag("notify"),
        _flag("appendComment"),
        _opt("comment", f"{kind}_comment_creation"),
        *extra,
        _opt("arguments", f"{kind}_creation_arguments"),
    )


def _body(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k != "orderId"}


ROUTES: tuple[Route, ...] = (
    Route("POST", "/V1/integration/admin/token", (),
          (Param("username", "string"), Param("password", "string")),
          lambda b, a, c: b.admin_token(a["username"], a["password"])),
    # orders
    Route("GET", "/V1/orders/:id", VIEW, (_id(),), lambda b, a, c: b.order(a["id"])),
    Route("GET", "/V1/orders", VIEW, (CRITERIA,), lambda b, a, c: b.orders(a["searchCriteria"])),
    Route("GET", "/V1/orders/:id/statuses", VIEW, (_id(),),
          lambda b, a, c: b.order_status(a["id"])),
    Route("GET", "/V1/orders/:id/comments", VIEW, (_id(),),
          lambda b, a, c: b.order_comments(a["id"])),
    Route("POST", "/V1/orders/:id/comments", ("Magento_Sales::comment",),
          (_id(), Param("statusHistory", "status_history")),
          lambda b, a, c: b.add_order_comment(a["id"], a["statusHistory"])),
    Route("POST", "/V1/orders/:id/cancel", ("Magento_Sales::cancel",), (_id(),),
          lambda b, a, c: b.cancel_order(a["id"])),
    Route("POST", "/V1/orders/:id/hold", ("Magento_Sales::hold",), (_id(),),
          lambda b, a, c: b.hold_order(a["id"])),
    Route("POST", "/V1/orders/:id/unhold", ("Magento_Sales::unhold",), (_id(),),
          lambda b, a, c: b.unhold_order(a["id"])),
    Route("POST", "/V1/orders", ("Magento_Sales::api_actions",), (Param("entity", "order"),),
          lambda b, a, c: b.save_order(a["entity"], c.store)),
    Route("PUT", "/V1/orders/create", ("Magento_Sales::create",), (Param("entity", "order"),),
          lambda b, a, c: b.save_order(a["entity"], c.store)),
    # fulfilment
    Route("POST", "/V1/order/:orderId/invoice", ("Magento_Sales::invoice",),
          _document_params("invoice", (_flag("capture"),)),
          lambda b, a, c: b.invoice_order(a["orderId"], _body(a))),
    Route("POST", "/V1/order/:orderId/ship", ("Magento_Sales::ship",),
          _document_params("shipment", (_opt("tracks", "shipment_track_creation[]", []),
                                        _opt("packages", "shipment_package_creation[]", []))),
          lambda b, a, c: b.ship_order(a["orderId"], _body(a))),
    Route("POST", "/V1/order/:orderId/refund", ("Magento_Sales::creditmemo",),
          _document_params("creditmemo"),
          lambda b, a, c: b.refund_order(a["orderId"], _body(a))),
    Route("GET", "/V1/invoices", ("Magento_Sales::sales_invoice",), (CRITERIA,),
          lambda b, a, c: b.invoices(a["searchCriteria"])),
    Route("GET", "/V1/invoices/:id", ("Magento_Sales::sales_invoice",), (_id(),),
          lambda b, a, c: b.invoice(a["id"])),
    Route("GET", "/V1/shipments", ("Magento_Sales::shipment",), (CRITERIA,),
          lambda b, a, c: b.shipments(a["searchCriteria"])),
    Route("GET", "/V1/shipment/:id", ("Magento_Sales::shipment",), (_id(),),
          lambda b, a, c: b.shipment(a["id"])),
    Route("GET", "/V1/creditmemos", ("Magento_Sales::sales_creditmemo",), (CRITERIA,),
          lambda b, a, c: b.creditmemos(a["searchCriteria"])),
    Route("GET", "/V1/creditmemo/:id", ("Magento_Sales::sales_creditmemo",), (_id(),),
          lambda b, a, c: b.creditmemo(a["id"])),
    # catalogue and customers
    Route("GET", "/V1/products", ("Magento_Catalog::products",), (CRITERIA,),
          lambda b, a, c: b.products(a["searchCriteria"])),
    Route("GET", "/V1/products/:sku", ("Magento_Catalog::products",),
          (Param("sku", "string"), _flag("editMode"), _opt("storeId", "int"), _flag("forceReload")),
          lambda b, a, c: b.product(a["sku"])),
    Route("GET", "/V1/customers/:customerId", CUSTOMER, (_id("customerId"),),
          lambda b, a, c: b.customer(a["customerId"])),
    Route("GET", "/V1/customers/search", CUSTOMER, (CRITERIA,),
          lambda b, a, c: b.customers(a["searchCriteria"])),
    # MSI
    Route("GET", "/V1/inventory/sources", SOURCE, (OPTIONAL_CRITERIA,),
          lambda b, a, c: b.sources(a["searchCriteria"])),
    Route("GET", "/V1/inventory/sources/:sourceCode", SOURCE, (Param("sourceCode", "string"),),
          lambda b, a, c: b.source(a["sourceCode"])),
    Route("GET", "/V1/inventory/source-items", SOURCE, (CRITERIA,),
          lambda b, a, c: b.source_items(a["searchCriteria"])),
    Route("POST", "/V1/inventory/source-items", SOURCE_ITEM_ASSIGN,
          (Param("sourceItems", "source_item[]"),),
          lambda b, a, c: b.save_source_items(a["sourceItems"] or [])),
    Route("POST", "/V1/inventory/source-items-delete", SOURCE_ITEM_ASSIGN,
          (Param("sourceItems", "source_item[]"),),
          lambda b, a, c: b.delete_source_items(a["sourceItems"] or [])),
    Route("GET", "/V1/inventory/get-product-salable-quantity/:sku/:stockId",
          ("Magento_InventoryApi::stock",), (Param("sku", "string"), _id("stockId")),
          lambda b, a, c: b.salable_qty(a["sku"], a["stockId"])),
    # stores
    Route("GET", "/V1/store/storeViews", STORE, (), lambda b, a, c: b.store_views()),
    Route("GET", "/V1/store/storeGroups", STORE, (), lambda b, a, c: b.store_groups()),
    Route("GET", "/V1/store/websites", STORE, (), lambda b, a, c: b.websites()),
    Route("GET", "/V1/store/storeConfigs", STORE, (_opt("storeCodes", "string[]"),),
          lambda b, a, c: b.store_configs(a["storeCodes"], c.base_url)),
)

SENSITIVE_PATHS = (r"/V1/integration/admin/token",)


def find(method: str, parts: list[str]) -> tuple[Route, dict[str, str]] | None:
    """The best route for a path; literal segments win over parameters."""
    found = [(r, p) for r in ROUTES if r.method == method and (p := r.match(parts)) is not None]
    if not found:
        return None
    return max(found, key=lambda pair: pair[0].literal_count)


def implemented() -> list[tuple[str, str]]:
    """``(METHOD, swagger path)`` of every route, for the contract loader."""
    return [(r.method, _swagger_path(r.path)) for r in ROUTES]


def _swagger_path(path: str) -> str:
    return "/".join("{" + s[1:] + "}" if s.startswith(":") else s for s in path.split("/"))
