"""The REST front controller: ``/rest[/<store_code>]/V1/...`` to a backend call, in Magento's order.

1. ``PathProcessor``: the segment after ``/rest`` is a store code when a store view has it
   (``all`` = the admin store); otherwise it stays part of the path, so an unknown store code
   ends as ``Request does not match any route.`` (404), as in Magento.
2. ``Router``: method + path to a route (trailing slashes ignored), else the same 404.
3. ``RequestValidator``: the route's ACL resources against the caller (Bearer admin JWT,
   Bearer integration token, or an OAuth 1.0a signature); failing that, 401
   ``The consumer isn't authorized to access %resources.``.
   A ``self`` route (``/V1/carts/mine``) needs a customer token; an anonymous route still
   learns who calls when a valid token is sent.
4. Input: the query (GET/DELETE, PHP-style ``a[b][0][c]`` keys) or the JSON body
   (POST/PUT), then the route's path parameters; see :mod:`fakes.magento.inputs`.
5. The backend call; its result is rendered as JSON (a bare string, number or boolean too).

``/rest/<store>/async/V1/...`` validates the input the same way and queues it (202, see
:mod:`fakes.magento.bulk`); ``/async/bulk/V1/...`` takes a JSON array of such inputs, with
``by<Param>`` segments instead of path parameters, each entity carrying its own parameters.
Before anything else the backend's async consumer catches up with the clock.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, Response, request

from fakes.core.backend import VendorBackend
from fakes.magento import fields_filter, routes
from fakes.magento.auth import Caller
from fakes.magento.errors import (
    BACKEND_KEY,
    INTERNAL,
    InputError,
    MagentoError,
    RouteNotFound,
    WebapiError,
    consumer_not_authorized,
    error_response,
    json_response,
)
from fakes.magento.inputs import process
from fakes.magento.state import MagentoBackend
from fakes.magento.stores import Store, by_code
from fakes.magento.webapi import SELF

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
ALLOWED = ("GET", "POST", "PUT", "DELETE")
KEY = re.compile(r"^([^\[]*)((?:\[[^\]]*\])*)$")
JSON_TYPES = ("application/json", "text/json", "application/x-json")


def register_routes(app: Flask, backend: VendorBackend) -> None:
    assert isinstance(backend, MagentoBackend)
    app.extensions[BACKEND_KEY] = backend

    @app.route("/rest", methods=METHODS, defaults={"path": ""})
    @app.route("/rest/<path:path>", methods=METHODS)
    def rest(path: str) -> Response:
        try:
            data, status = dispatch(backend, path)
            if status == 200:  # the async endpoints answer their bulk uuid whole
                data = fields_filter.filtered(data, request.args.get("fields"))
            return json_response(data, status)
        except MagentoError as exc:
            return error_response(exc)
        except Exception:  # noqa: BLE001 - Magento masks every unexpected error
            return json_response({"message": INTERNAL.format(backend.next_report_id())}, 500)


def dispatch(backend: MagentoBackend, path: str) -> tuple[Any, int]:
    backend.tick()
    store, parts = split_store(path)
    method = request.method.upper()
    if method not in ALLOWED:
        raise InputError("Request method is invalid.")
    if parts[:1] == ["async"]:
        bulk = parts[1:2] == ["bulk"]
        return dispatch_async(backend, store, method, parts[2 if bulk else 1:], bulk), 202
    found = routes.find(method, parts)
    if found is None:
        raise RouteNotFound()
    route, path_params = found
    caller = authorise(backend, route)
    data = request_data(method)
    data.update(path_params)
    args = process(route.params, data)
    check_page_size(backend, args)
    context = routes.Context(
        store=store,
        base_url=request.host_url,
        caller=caller,
        item_fields=fields_filter.item_keys(request.args.get("fields")),
    )
    return route.handler(backend, args, context), 200


def dispatch_async(backend: MagentoBackend, store: Store, method: str, parts: list[str],
                   bulk: bool) -> dict[str, Any]:
    """``AsynchronousRequestProcessor``: validate every entity, then queue them as one bulk."""
    found = routes.find_async(method, parts, bulk)
    if found is None:
        raise RouteNotFound()
    route, path_params = found
    caller = authorise(backend, route)
    if bulk:
        entities = [process(route.params, entity) for entity in bulk_entities()]
    else:
        data = request_data(method)
        data.update(path_params)
        entities = [process(route.params, data)]
    return backend.schedule((route.method, route.path), route.service, entities, store, caller)


def bulk_entities() -> list[dict[str, Any]]:
    """The request bodies of a bulk call: each array element that is an object (or array)."""
    body = php_array(decode_body())
    return [php_array(v) for v in body.values() if isinstance(v, dict | list)]


def split_store(path: str) -> tuple[Store, list[str]]:
    parts = path.strip("/").split("/")
    store = by_code(parts[0]) if parts else None
    if store is not None:
        return store, parts[1:]
    default = by_code("default")
    assert default is not None
    return default, parts


def authorise(backend: MagentoBackend, route: routes.Route) -> Caller | None:
    """The caller, when it may use the route; an anonymous route allows anyone."""
    header = request.headers.get("Authorization", "")
    caller = backend.caller(
        header, request.method, lambda: (request.base_url, list(request.args.items(multi=True)))
    )
    if not route.acl:
        return caller
    if caller is None or (route.acl == SELF) != (caller.kind == "customer"):
        raise consumer_not_authorized(route.acl)
    if caller.resources is not None and not set(route.acl) <= caller.resources:
        raise consumer_not_authorized(route.acl)
    return caller


def request_data(method: str) -> dict[str, Any]:
    if method in ("GET", "DELETE"):
        return parse_query(list(request.args.items(multi=True)))
    return php_array(decode_body())


def decode_body() -> Any:
    """The JSON body, after Magento's ``Content-Type`` checks; an empty body is ``{}``."""
    raw = request.get_data()
    if not raw.strip():
        return {}
    content_type = (request.mimetype or "").lower()
    if not content_type:
        raise InputError("Content-Type header is empty.")
    if content_type not in JSON_TYPES:
        raise WebapiError(
            f"Server cannot understand Content-Type HTTP header media type {content_type}"
        )
    try:
        return json.loads(raw)
    except ValueError:
        raise WebapiError("Decoding error.") from None


def php_array(body: Any) -> dict[str, Any]:
    """``(array)`` of a decoded JSON body: objects stay, lists get integer keys."""
    if isinstance(body, dict):
        return body
    if isinstance(body, list):
        return {str(i): v for i, v in enumerate(body)}
    return {} if body is None else {"0": body}


def parse_query(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """PHP's ``parse_str``: ``a[b][0][c]=v`` nests, ``a[]=v`` appends, the last value wins."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = KEY.match(key)
        if not match or not match.group(1):
            continue
        names = [match.group(1)] + re.findall(r"\[([^\]]*)\]", match.group(2))
        _assign(root, names, value)
    return root


def _assign(node: dict[str, Any], names: list[str], value: str) -> None:
    for depth, name in enumerate(names):
        if name == "":
            name = str(sum(1 for k in node if k.isdigit()))
        if depth == len(names) - 1:
            node[name] = value
            return
        child = node.get(name)
        if not isinstance(child, dict):
            child = node[name] = {}
        node = child


def check_page_size(backend: MagentoBackend, args: dict[str, Any]) -> None:
    """Web API input limits (off by default): a default and a maximum ``pageSize``."""
    criteria = args.get("searchCriteria")
    if not isinstance(criteria, dict) or not backend.options["input_limit_enabled"]:
        return
    maximum = int(backend.options["max_page_size"])
    if criteria.get("page_size") is not None and criteria["page_size"] > maximum:
        raise InputError("Maximum SearchCriteria pageSize is %max", {"max": maximum})
    if criteria.get("page_size") is None:
        criteria["page_size"] = int(backend.options["default_page_size"])
