"""Sage 200 routes: parse the request, check coverage and auth, call the backend, render.

Every endpoint is registered under the variant's base path (and the other one too when
``serve_both_bases`` is set). A request to an endpoint or verb the site does not have answers
404 before auth is checked, as the API gateway routes first. Then ``Authorization: Bearer``,
then ``X-Site``/``X-Company`` (not needed for ``GET /sites``). ``Ocp-Apim-Subscription-Key``
is accepted and ignored (deprecated 19 Feb 2021, no longer required).

The fake Sage ID token endpoint is ``POST /oauth/token`` at the server root.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, cast

from flask import Flask, Response, g, request

from fakes.core.backend import VendorBackend
from fakes.sage200 import credit_notes, customer_writes, orders, render
from fakes.sage200.auth import TokenError
from fakes.sage200.errors import BadRequest, NotFound, SageError, error_response, json_response
from fakes.sage200.models import STATUS_LIVE
from fakes.sage200.odata import (
    ODataError,
    Query,
    Resource,
    apply,
    apply_one,
    matches,
    may_match,
    parse_query,
    pinned,
)
from fakes.sage200.state import Sage200Backend
from fakes.sage200.variants import ENDPOINTS
from fakes.sage200.wire import fmt_dt

View = Callable[..., Response]
ID = re.compile(r"^\d{1,18}$")
STALE_KEY = "sage_stale_holdings"


# -- request helpers --------------------------------------------------------------------------


def parse_id(text: str) -> int:
    if not ID.match(text):
        raise BadRequest(f"The value '{text}' is not valid.")
    return int(text)


def json_body() -> Any:
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("The request body is empty.")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("The request body is not valid JSON.") from exc


def query_args() -> dict[str, str]:
    return {key: request.args.get(key, "") for key in request.args}


Rows = list[dict[str, Any]] | Callable[[Query], list[dict[str, Any]]]


def listing(rows: Rows, resource: Resource) -> Response:
    """A collection's answer; ``rows`` may be a function of the query (to narrow the rows it
    renders by what the filter pins, :func:`fakes.sage200.odata.pinned`)."""
    try:
        query = parse_query(query_args(), resource)
        found = rows(query) if callable(rows) else rows
        return json_response(apply(found, query, resource))
    except ODataError as exc:
        raise BadRequest(str(exc)) from exc


def single(row: dict[str, Any], resource: Resource) -> Response:
    try:
        return json_response(apply_one(row, parse_query(query_args(), resource), resource))
    except ODataError as exc:
        raise BadRequest(str(exc)) from exc


def not_found(_: Exception) -> Response:
    return error_response(404)


# -- registration -----------------------------------------------------------------------------


class Routes:
    def __init__(self, app: Flask, b: Sage200Backend) -> None:
        self.app, self.b = app, b

    def add(self, key: str, method: str, view: View) -> None:
        endpoint = ENDPOINTS[key]
        guarded = self._guard(key, method, view)
        for base in self.b.coverage.bases:
            self.app.add_url_rule(
                base + endpoint.path, f"sage200:{key}:{method}:{base}", guarded, methods=[method]
            )

    def _guard(self, key: str, method: str, view: View) -> View:
        b = self.b

        def guarded(**kwargs: str) -> Response:
            if not b.coverage.serves(key, method):
                raise NotFound()
            b.check_bearer(request.headers.get("Authorization"))
            if key != "sites":
                b.check_site(request.headers.get("X-Site"), request.headers.get("X-Company"))
            return view(**kwargs)

        return guarded


def register_routes(app: Flask, backend: VendorBackend) -> None:
    b = cast(Sage200Backend, backend)
    app.register_error_handler(SageError, lambda exc: exc.response())
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, not_found)
    app.add_url_rule("/oauth/token", "sage200:token", _token_view(b), methods=["POST"])
    routes = Routes(app, b)
    for register in (_sop_routes, _despatch_routes, _stock_routes, _ledger_routes, _credit_routes):
        register(routes, b)


# -- Sage ID ----------------------------------------------------------------------------------


def _token_form() -> dict[str, str]:
    if request.is_json:
        data = request.get_json(silent=True)
        form = {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    else:
        form = {k: v for k, v in request.form.items()}
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        form.setdefault("client_id", auth.username or "")
        form.setdefault("client_secret", auth.password or "")
    return form


def _token_view(b: Sage200Backend) -> View:
    def token() -> Response:
        try:
            body = b.tokens.grant(_token_form(), b.clock.now())
        except TokenError as exc:
            return json_response(exc.body, exc.status)
        response = json_response(body)
        response.headers["Cache-Control"] = "no-store"
        return response

    return token


# -- sales orders -----------------------------------------------------------------------------


def _sop_routes(routes: Routes, b: Sage200Backend) -> None:
    def order_rows(customer_id: int | None = None) -> Callable[[Query], list[dict[str, Any]]]:
        def rows(query: Query) -> list[dict[str, Any]]:
            pins = pinned(query.filter)
            return [render.order(b, o) for o in b.orders.values()
                    if (customer_id is None or o.customer_id == customer_id)
                    and may_match(pins, render.order_keys(o))]

        return rows

    def sites() -> Response:
        return json_response([b.site])

    def list_orders() -> Response:
        return listing(order_rows(), render.order_resource(b))

    def create_order() -> Response:
        order = orders.create(b, json_body())
        return single(render.order(b, order), render.order_resource(b))

    def get_order(Id: str) -> Response:
        order = b.get(b.orders, parse_id(Id), "Sales order")
        return single(render.order(b, order), render.order_resource(b))

    def put_order(Id: str) -> Response:
        order = orders.update(b, parse_id(Id), json_body())
        return single(render.order(b, order), render.order_resource(b))

    def delete_order(Id: str) -> Response:
        orders.delete(b, parse_id(Id))
        return Response(status=200)

    def customer_orders(customerId: str) -> Response:
        customer = b.get(b.customers, parse_id(customerId), "Customer")
        return listing(order_rows(customer.id), render.order_resource(b))

    routes.add("sites", "GET", sites)
    routes.add("sop_orders", "GET", list_orders)
    routes.add("sop_orders", "POST", create_order)
    routes.add("sop_order", "GET", get_order)
    routes.add("sop_order", "PUT", put_order)
    routes.add("sop_order", "DELETE", delete_order)
    routes.add("customer_sop_orders", "GET", customer_orders)
    _line_routes(routes, b)


def _line_routes(routes: Routes, b: Sage200Backend) -> None:
    def order_lines(sopOrderId: str) -> Response:
        order = b.get(b.orders, parse_id(sopOrderId), "Sales order")
        return listing([render.line(b, x) for x in order.lines], render.line_resource(b))

    def order_line(sopOrderId: str, Id: str) -> Response:
        order = b.get(b.orders, parse_id(sopOrderId), "Sales order")
        wanted = parse_id(Id)
        found = next((x for x in order.lines if x.id == wanted), None)
        if found is None:
            raise NotFound(f"Sales order line record with Id {wanted} not found.")
        return single(render.line(b, found), render.line_resource(b))

    def any_line(Id: str) -> Response:
        wanted = parse_id(Id)
        for order in b.orders.values():
            for x in order.lines:
                if x.id == wanted:
                    return single(render.line(b, x), render.line_resource(b))
        raise NotFound(f"Sales order line record with Id {wanted} not found.")

    routes.add("sop_order_lines", "GET", order_lines)
    routes.add("sop_order_line_of_order", "GET", order_line)
    routes.add("sop_order_line", "GET", any_line)


# -- despatch ---------------------------------------------------------------------------------


def _pending(b: Sage200Backend) -> Response:
    """GET ``sop_confirm_despatch``: live orders with allocated lines still to despatch."""
    try:
        query = parse_query(query_args(), render.PENDING_RESOURCE)
        groups: dict[int, list[dict[str, Any]]] = {}
        for order in sorted(b.orders.values(), key=lambda o: o.document_no):
            if order.status != STATUS_LIVE:
                continue
            for x in order.lines:
                available = orders.available_for_despatch(x)
                row = {"trader_id": order.customer_id, "warehouse_id": x.warehouse_id or 0,
                       "document_no": order.document_no,
                       "document_date": fmt_dt(order.document_date),
                       "confirmation_intent_type": "ConfirmOnDespatch"}
                if available > 0 and matches(query.filter, row):
                    item = render.despatch_item(b, order, x, available)
                    groups.setdefault(order.id, []).append(item)
    except ODataError as exc:
        raise BadRequest(str(exc)) from exc
    adjustments = [_adjustment(b, oid, items) for oid, items in groups.items()]
    return json_response(adjustments[query.skip : query.skip + query.top])


def _adjustment(b: Sage200Backend, order_id: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {"sop_order_return_id": order_id, "items": items}
    if b.coverage.professional:
        data["confirmation_intent_type"] = "ConfirmOnDespatch"
    return data


def _despatch_routes(routes: Routes, b: Sage200Backend) -> None:
    def pending() -> Response:
        return _pending(b)

    def confirm() -> Response:
        order, record = orders.confirm_despatch(b, json_body())
        by_line = {x.id: x for x in order.lines}
        items = [render.despatch_item(b, order, by_line[dl.order_line_id], dl.quantity)
                 for dl in record.lines]
        data = _adjustment(b, order.id, items)
        data["despatch_receipt_date"] = fmt_dt(record.despatch_date)
        return json_response(data)

    def receipts() -> Response:
        rows = [render.despatch(d) for d in b.despatches.values()]
        return listing(rows, render.DESPATCH_RESOURCE)

    def receipt(Id: str) -> Response:
        record = b.get(b.despatches, parse_id(Id), "SOP despatch receipt")
        return single(render.despatch(record), render.DESPATCH_RESOURCE)

    def put_receipt(Id: str) -> Response:
        record = orders.update_despatch(b, parse_id(Id), json_body())
        return single(render.despatch(record), render.DESPATCH_RESOURCE)

    def views() -> Response:
        rows = [render.despatch_view(b, d) for d in b.despatches.values()]
        return listing(rows, render.DESPATCH_VIEW_RESOURCE)

    def line_views() -> Response:
        rows = [render.despatch_line_view(b, d, dl)
                for d in b.despatches.values() for dl in d.lines]
        return listing(rows, render.DESPATCH_LINE_VIEW_RESOURCE)

    routes.add("sop_confirm_despatch", "GET", pending)
    routes.add("sop_confirm_despatch", "POST", confirm)
    routes.add("sop_despatch_receipts", "GET", receipts)
    routes.add("sop_despatch_receipt", "GET", receipt)
    routes.add("sop_despatch_receipt", "PUT", put_receipt)
    routes.add("sop_order_despatch_views", "GET", views)
    routes.add("sop_order_despatch_line_views", "GET", line_views)


# -- stock ------------------------------------------------------------------------------------


def holding_source(b: Sage200Backend) -> list[dict[str, Any]]:
    """Warehouse holdings as served: a stale snapshot while ``stale_stock`` strikes."""
    stale = g.get(STALE_KEY)
    if stale is not None:
        return cast(list[dict[str, Any]], stale)
    return render.holding_rows(b, b.holdings.values())


def _stock_routes(routes: Routes, b: Sage200Backend) -> None:
    def products() -> Response:
        alloc = b.allocations()
        rows = [render.product(b, p, alloc) for p in b.products.values()]
        return listing(rows, render.product_resource(b))

    def product(Id: str) -> Response:
        found = b.get(b.products, parse_id(Id), "Product")
        return single(render.product(b, found, b.allocations()), render.product_resource(b))

    def warehouses() -> Response:
        rows = [render.warehouse(b, w) for w in b.warehouses.values()]
        return listing(rows, render.warehouse_resource(b))

    def warehouse(Id: str) -> Response:
        found = b.get(b.warehouses, parse_id(Id), "Warehouse")
        return single(render.warehouse(b, found), render.warehouse_resource(b))

    routes.add("products", "GET", products)
    routes.add("product", "GET", product)
    routes.add("warehouses", "GET", warehouses)
    routes.add("warehouse", "GET", warehouse)
    _holding_routes(routes, b)


def _holding_routes(routes: Routes, b: Sage200Backend) -> None:
    def rows_where(field: str | None = None, value: int = 0) -> list[dict[str, Any]]:
        return [row for row in holding_source(b) if field is None or row[field] == value]

    def all_holdings() -> Response:
        return listing(rows_where(), render.holding_resource(b))

    def one_holding(Id: str) -> Response:
        wanted = parse_id(Id)
        found = rows_where("id", wanted)
        if not found:
            raise NotFound(f"Warehouse holding record with Id {wanted} not found.")
        return single(found[0], render.holding_resource(b))

    def for_product(productId: str) -> Response:
        found = b.get(b.products, parse_id(productId), "Product")
        return listing(rows_where("product_id", found.id), render.holding_resource(b))

    def for_warehouse(warehouseId: str) -> Response:
        found = b.get(b.warehouses, parse_id(warehouseId), "Warehouse")
        return listing(rows_where("warehouse_id", found.id), render.holding_resource(b))

    def traceable_transactions(traceableHistoryId: str) -> Response:
        parse_id(traceableHistoryId)
        return json_response([])

    routes.add("warehouse_holdings", "GET", all_holdings)
    routes.add("warehouse_holding", "GET", one_holding)
    routes.add("product_warehouse_holdings", "GET", for_product)
    routes.add("warehouse_warehouse_holdings", "GET", for_warehouse)
    routes.add("traceable_item_transactions", "GET", traceable_transactions)


# -- sales ledger and price book --------------------------------------------------------------


def _ledger_routes(routes: Routes, b: Sage200Backend) -> None:
    def customers() -> Response:
        rows = [render.customer(c) for c in b.customers.values()]
        return listing(rows, render.customer_resource(b))

    def customer(Id: str) -> Response:
        found = b.get(b.customers, parse_id(Id), "Customer")
        return single(render.customer(found), render.customer_resource(b))

    def price_bands() -> Response:
        rows = [render.price_band(band) for band in b.price_bands.values()]
        return listing(rows, render.PRICE_BAND_RESOURCE)

    def price_band(Id: str) -> Response:
        found = b.get(b.price_bands, parse_id(Id), "Price band")
        return single(render.price_band(found), render.PRICE_BAND_RESOURCE)

    def price_views() -> Response:
        rows = [render.price_view(p, band, b.band_prices.get((band.id, p.id)))
                for band in b.price_bands.values() for p in b.products.values()]
        return listing(rows, render.PRICE_VIEW_RESOURCE)

    def create_customer() -> Response:  # customer_writes: POST and PUT of customers
        created = customer_writes.create(b, json_body())
        return single(render.customer(created), render.customer_resource(b))

    def put_customer(Id: str) -> Response:
        changed = customer_writes.update(b, parse_id(Id), json_body())
        return single(render.customer(changed), render.customer_resource(b))

    routes.add("customers", "GET", customers)
    routes.add("customers", "POST", create_customer)
    routes.add("customer", "GET", customer)
    routes.add("customer", "PUT", put_customer)
    routes.add("price_bands", "GET", price_bands)
    routes.add("price_band", "GET", price_band)
    routes.add("product_price_views", "GET", price_views)


def _credit_routes(routes: Routes, b: Sage200Backend) -> None:
    """Sales ledger credit notes (see :mod:`fakes.sage200.credit_notes`)."""

    def post_credit() -> Response:
        record = credit_notes.create(b, json_body())
        return single(credit_notes.render(record), credit_notes.POSTED_RESOURCE)

    def posted() -> Response:
        return listing(credit_notes.rows(b), credit_notes.POSTED_RESOURCE)

    def posted_one(Id: str) -> Response:
        record = b.get(b.credits, parse_id(Id), "Sales posted transaction")
        return single(credit_notes.render(record), credit_notes.POSTED_RESOURCE)

    routes.add("sales_credit_notes", "POST", post_credit)
    routes.add("sales_posted_transactions", "GET", posted)
    routes.add("sales_posted_transaction", "GET", posted_one)
