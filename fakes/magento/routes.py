"""The implemented Web API routes: path, ACL resources, service arguments, backend call.

ACL resources follow ``etc/webapi.xml`` of Magento 2.4.8+ (granular ``Magento_Sales::*``
resources) and ``InventoryApi/etc/webapi.xml``. A route without resources is anonymous.
Argument names and types are the service methods' (``Param``); ``searchCriteria`` is required
wherever the repository's ``getList`` has no default (every list here but sources). This module
holds the sales, MSI and store routes and gathers the others (:mod:`fakes.magento.routes_catalog`,
:mod:`fakes.magento.routes_accounts`, :mod:`fakes.magento.routes_checkout`).
"""

from __future__ import annotations

from typing import Any

from fakes.magento import routes_accounts, routes_catalog, routes_checkout
from fakes.magento.inputs import Param
from fakes.magento.webapi import CRITERIA, Context, Handler, Route
from fakes.magento.webapi import flag as _flag
from fakes.magento.webapi import id_param as _id
from fakes.magento.webapi import optional as _opt

OPTIONAL_CRITERIA = Param("searchCriteria", "search_criteria", required=False)
VIEW = ("Magento_Sales::actions_view",)
STORE = ("Magento_Backend::store",)
SOURCE = ("Magento_InventoryApi::source",)
SOURCE_ITEM_ASSIGN = ("Magento_InventoryApi::stock_source_item_assign",)
CUSTOMER = ("Magento_Customer::customer",)
SALES_API = "Magento\\Sales\\Api\\"
ORDER_MANAGEMENT = SALES_API + "OrderManagementInterface::"
ORDER_SAVE = SALES_API + "OrderRepositoryInterface::save"
INVENTORY_API = "Magento\\InventoryApi\\Api\\"


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


CORE_ROUTES: tuple[Route, ...] = (
    Route("POST", "/V1/integration/admin/token", (),
          (Param("username", "string"), Param("password", "string")),
          lambda b, a, c: b.admin_token(a["username"], a["password"]), sync_only=True),
    # orders
    Route("GET", "/V1/orders/:id", VIEW, (_id(),), lambda b, a, c: b.order(a["id"])),
    Route("GET", "/V1/orders", VIEW, (CRITERIA,),
          lambda b, a, c: b.orders(a["searchCriteria"], c.item_fields)),
    Route("GET", "/V1/orders/:id/statuses", VIEW, (_id(),),
          lambda b, a, c: b.order_status(a["id"])),
    Route("GET", "/V1/orders/:id/comments", VIEW, (_id(),),
          lambda b, a, c: b.order_comments(a["id"])),
    Route("POST", "/V1/orders/:id/comments", ("Magento_Sales::comment",),
          (_id(), Param("statusHistory", "status_history")),
          lambda b, a, c: b.add_order_comment(a["id"], a["statusHistory"]),
          ORDER_MANAGEMENT + "addComment"),
    Route("POST", "/V1/orders/:id/cancel", ("Magento_Sales::cancel",), (_id(),),
          lambda b, a, c: b.cancel_order(a["id"]), ORDER_MANAGEMENT + "cancel"),
    Route("POST", "/V1/orders/:id/hold", ("Magento_Sales::hold",), (_id(),),
          lambda b, a, c: b.hold_order(a["id"]), ORDER_MANAGEMENT + "hold"),
    Route("POST", "/V1/orders/:id/unhold", ("Magento_Sales::unhold",), (_id(),),
          lambda b, a, c: b.unhold_order(a["id"]), ORDER_MANAGEMENT + "unHold"),
    Route("POST", "/V1/orders", ("Magento_Sales::api_actions",), (Param("entity", "order"),),
          lambda b, a, c: b.save_order(a["entity"], c.store), ORDER_SAVE),
    Route("PUT", "/V1/orders/create", ("Magento_Sales::create",), (Param("entity", "order"),),
          lambda b, a, c: b.save_order(a["entity"], c.store), ORDER_SAVE),
    # fulfilment
    Route("POST", "/V1/order/:orderId/invoice", ("Magento_Sales::invoice",),
          _document_params("invoice", (_flag("capture"),)),
          lambda b, a, c: b.invoice_order(a["orderId"], _body(a)),
          SALES_API + "InvoiceOrderInterface::execute"),
    Route("POST", "/V1/order/:orderId/ship", ("Magento_Sales::ship",),
          _document_params("shipment", (_opt("tracks", "shipment_track_creation[]", []),
                                        _opt("packages", "shipment_package_creation[]", []))),
          lambda b, a, c: b.ship_order(a["orderId"], _body(a)),
          SALES_API + "ShipOrderInterface::execute"),
    Route("POST", "/V1/order/:orderId/refund", ("Magento_Sales::creditmemo",),
          _document_params("creditmemo"),
          lambda b, a, c: b.refund_order(a["orderId"], _body(a)),
          SALES_API + "RefundOrderInterface::execute"),
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
          lambda b, a, c: b.save_source_items(a["sourceItems"] or []),
          INVENTORY_API + "SourceItemsSaveInterface::execute"),
    Route("POST", "/V1/inventory/source-items-delete", SOURCE_ITEM_ASSIGN,
          (Param("sourceItems", "source_item[]"),),
          lambda b, a, c: b.delete_source_items(a["sourceItems"] or []),
          INVENTORY_API + "SourceItemsDeleteInterface::execute"),
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

ROUTES: tuple[Route, ...] = (CORE_ROUTES + routes_catalog.ROUTES + routes_accounts.ROUTES
                             + routes_checkout.ROUTES)
SENSITIVE_PATHS = (r"/V1/integration/admin/token", r"/V1/integration/customer/token")
__all__ = ["ROUTES", "SENSITIVE_PATHS", "Context", "Handler", "Route", "find", "find_async",
           "implemented", "by_key"]


def _by_shape(routes: tuple[Route, ...]) -> dict[tuple[str, int], tuple[Route, ...]]:
    """The routes by method and number of path segments (only those can match a path)."""
    shapes: dict[tuple[str, int], list[Route]] = {}
    for route in routes:
        shapes.setdefault((route.method, len(route.segments)), []).append(route)
    return {shape: tuple(found) for shape, found in shapes.items()}


BY_SHAPE = _by_shape(ROUTES)


def find(method: str, parts: list[str]) -> tuple[Route, dict[str, str]] | None:
    """The best route for a path; literal segments win over parameters."""
    candidates = BY_SHAPE.get((method, len(parts)), ())
    found = [(r, p) for r in candidates if (p := r.match(parts)) is not None]
    if not found:
        return None
    return max(found, key=lambda pair: pair[0].literal_count)


def find_async(method: str, parts: list[str], bulk: bool) -> tuple[Route, dict[str, str]] | None:
    """The route an ``/async`` (path parameters in the path) or ``/async/bulk`` (``by<Param>``
    segments) request stands for."""
    if not bulk:
        found = find(method, parts)
        return found if found is not None and found[0].asynchronous else None
    for route in ROUTES:
        if route.method == method and route.asynchronous and route.match_bulk(parts):
            return route, {}
    return None


def by_key(method: str, path: str) -> Route:
    """The route ``(method, path)`` names, as a queued operation stores it."""
    for route in ROUTES:
        if route.method == method and route.path == path:
            return route
    raise KeyError(f"{method} {path}")


def implemented() -> list[tuple[str, str]]:
    """``(METHOD, swagger path)`` of every route, for the contract loader."""
    return [(r.method, _swagger_path(r.path)) for r in ROUTES]


def _swagger_path(path: str) -> str:
    return "/".join("{" + s[1:] + "}" if s.startswith(":") else s for s in path.split("/"))
