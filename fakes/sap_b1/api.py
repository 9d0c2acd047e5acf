"""Service Layer routes under ``/b1s/v1`` (OData 3) and ``/b1s/v2`` (OData 4): parse the request,
call the backend, render the answer. No business rules here.

Login/Logout, the service document, ``$metadata``, ``$batch``, ``/ping/``, and for every
implemented entity set: query, ``$count``, get by key, create (``Prefer: return-no-content``),
PATCH (``B1S-ReplaceCollectionsOnPatch``, ``If-Match``), DELETE and bound actions. Every route
but Login and ping needs the ``B1SESSION`` cookie.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, Response, request

from fakes.core.backend import VendorBackend
from fakes.sap_b1 import batch, errors, odata, schema
from fakes.sap_b1.errors import SLError, error_response
from fakes.sap_b1.paths import Target, parse_target
from fakes.sap_b1.render import Wire, key_literal, next_link
from fakes.sap_b1.state import SapB1Backend, key_of
from fakes.sap_b1.store import KEYS

ROOT = "/b1s/<any(v1, v2):ver>"
SERVICE_SETS = list(KEYS)
XML = "application/xml;charset=utf-8"


def _prefer() -> list[str]:
    return [p.strip().lower() for p in request.headers.get("Prefer", "").split(",") if p.strip()]


def _json_body(allow_empty: bool = False) -> Any:
    raw = request.get_data()
    if not raw.strip():
        if allow_empty:
            return {}
        raise errors.invalid_body("the request has no body")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise errors.invalid_body("not valid JSON") from exc


class ServiceLayer:
    """The routes of one fake, bound to its backend."""

    def __init__(self, app: Flask, backend: SapB1Backend) -> None:
        self.app = app
        self.backend = backend

    def wire(self, ver: str) -> Wire:
        return Wire(ver, request.host_url, bool(self.backend.opt("full_entities")))

    def authorise(self) -> None:
        self.backend.check_session(request.cookies.get("B1SESSION"))

    # -- session and service routes -----------------------------------------------------------
    def login(self, ver: str) -> Response:
        session_id = self.backend.login(_json_body())
        wire = self.wire(ver)
        fragment = "B1Sessions/$entity" if wire.v2 else "B1Sessions/@Element"
        payload = {
            **wire.context(fragment),
            "SessionId": session_id,
            "Version": str(self.backend.opt("version")),
            "SessionTimeout": int(self.backend.opt("session_timeout_min")),
        }
        response = wire.json(payload)
        response.headers.add("Set-Cookie", f"B1SESSION={session_id};HttpOnly;")
        response.headers.add("Set-Cookie", f"ROUTEID={self.backend.opt('route_id')}; path=/b1s")
        return response

    def logout(self, ver: str) -> Response:
        self.backend.logout(request.cookies.get("B1SESSION"))
        return self.wire(ver).no_content()

    def service_document(self, ver: str) -> Response:
        self.authorise()
        wire = self.wire(ver)
        sets = [{"name": n, "kind": "EntitySet", "url": n} for n in SERVICE_SETS]
        return wire.json({**wire.context(), "value": sets})

    def metadata(self, ver: str) -> Response:
        self.authorise()
        wire = self.wire(ver)
        body = schema.metadata_v2() if wire.v2 else schema.metadata_v1()
        return Response(body, content_type=XML, headers=wire.headers())

    def ping(self, ver: str | None = None) -> Response:
        now = self.backend.clock.time()
        sender = "node 1" if ver else "load balancer"
        payload = {"message": "pong", "sender": sender, "timestamp": now}
        return Response(json.dumps(payload), content_type="application/json")

    def batch(self, ver: str) -> Response:
        self.authorise()
        return batch.handle(self.app, self.backend, self.wire(ver), request)

    # -- resources ----------------------------------------------------------------------------
    def resource(self, ver: str, rest: str) -> Response:
        session_routes = {"login": self.login, "logout": self.logout}
        if request.method == "POST" and rest.strip("/").lower() in session_routes:
            return session_routes[rest.strip("/").lower()](ver)
        self.authorise()
        wire = self.wire(ver)
        target = parse_target(rest)
        if target.key is None:
            return self._on_collection(wire, target)
        return self._on_entity(wire, target)

    def _on_collection(self, wire: Wire, target: Target) -> Response:
        method = request.method
        if target.tail == "$count" and method == "GET":
            return self._count(target.set_name)
        if target.tail is not None:
            raise errors.resource_not_found(target.tail)
        if method == "GET":
            return self._query(wire, target.set_name)
        if method == "POST":
            return self._create(wire, target.set_name)
        raise errors.not_supported()

    def _on_entity(self, wire: Wire, target: Target) -> Response:
        method = request.method
        if target.tail is not None:
            if method != "POST":
                raise errors.resource_not_found(target.tail)
            self.backend.action(target.set_name, target.key, target.tail)
            return wire.no_content()
        if method == "GET":
            return self._get(wire, target)
        if method in ("PATCH", "PUT", "MERGE"):
            return self._update(wire, target)
        if method == "DELETE":
            self.backend.delete(target.set_name, target.key)
            return wire.no_content()
        raise errors.not_supported()

    def _case_insensitive(self) -> bool:
        return request.headers.get("B1S-CaseInsensitive", "").lower() == "true"

    def _query_of(self, set_name: str, v2: bool) -> odata.Query:
        type_name = schema.set_type(set_name)
        return odata.parse_query(request.args, type_name, v2, self._case_insensitive())

    def _count(self, set_name: str) -> Response:
        query = self._query_of(set_name, v2=False)
        count = len(odata.filter_and_sort(query, self.backend.rows(set_name)))
        return Response(str(count), content_type="text/plain;charset=utf-8")

    def _page_size(self) -> tuple[int, str | None]:
        for pref in _prefer():
            name, _, value = pref.partition("=")
            if name.strip() == "odata.maxpagesize" and value.strip().isdigit():
                return int(value), f"odata.maxpagesize={int(value)}"
        header = request.headers.get("B1S-PageSize", "")
        if header.strip().isdigit():
            return int(header), None
        return int(self.backend.opt("page_size")), None

    def _query(self, wire: Wire, set_name: str) -> Response:
        query = self._query_of(set_name, wire.v2)
        matched = odata.filter_and_sort(query, self.backend.rows(set_name))
        window = matched[query.skip :]
        if query.top is not None:
            window = window[: query.top]
        page_size, applied = self._page_size()
        page = window[:page_size] if page_size > 0 else window
        payload: dict[str, Any] = wire.collection_context(set_name, query.select)
        if query.count:
            payload[wire.ann("count")] = len(matched) if wire.v2 else str(len(matched))
        type_name = schema.set_type(set_name)
        payload["value"] = [
            wire.entity(type_name, row, self._etag(set_name, row), query.select) for row in page
        ]
        if len(window) > len(page):
            top = query.top - len(page) if query.top is not None else None
            args = request.args.items(multi=True)
            style = str(self.backend.opt("next_link_style"))
            link = next_link(wire, set_name, args, query.skip + len(page), top, style)
            payload[wire.ann("nextLink")] = link
        response = wire.json(payload)
        if applied:
            response.headers["Preference-Applied"] = applied
        return response

    def _etag(self, set_name: str, row: dict[str, Any]) -> str:
        return self.backend.etag(set_name, key_of(set_name, row))

    def _get(self, wire: Wire, target: Target) -> Response:
        entity = self.backend.entity(target.set_name, target.key)
        type_name = schema.set_type(target.set_name)
        select = odata.parse_query(request.args, type_name, wire.v2).select
        etag = self.backend.etag(target.set_name, target.key)
        payload = {
            **wire.entity_context(target.set_name, select),
            **wire.entity(type_name, entity, etag, select),
        }
        response = wire.json(payload)
        response.headers["ETag"] = etag
        return response

    def _create(self, wire: Wire, set_name: str) -> Response:
        key = self.backend.create(set_name, _json_body())
        etag = self.backend.etag(set_name, key)
        path = f"/b1s/{wire.version}/{set_name}({key_literal(key, KEYS[set_name])})"
        if "return-no-content" in _prefer():
            headers = {"Location": path, "ETag": etag, "Preference-Applied": "return-no-content"}
            return wire.no_content(headers)
        entity = self.backend.entity(set_name, key)
        type_name = schema.set_type(set_name)
        payload = {**wire.entity_context(set_name), **wire.entity(type_name, entity, etag, None)}
        response = wire.json(payload, status=201)
        response.headers["Location"] = request.host_url.rstrip("/") + path
        response.headers["ETag"] = etag
        return response

    def _update(self, wire: Wire, target: Target) -> Response:
        self.backend.entity(target.set_name, target.key)
        if_match = request.headers.get("If-Match")
        current = self.backend.etag(target.set_name, target.key)
        if if_match and if_match.strip() != "*" and if_match.strip() != current:
            raise errors.etag_mismatch()
        replace = request.headers.get("B1S-ReplaceCollectionsOnPatch", "").lower() == "true"
        self.backend.update(target.set_name, target.key, _json_body(), replace)
        etag = self.backend.etag(target.set_name, target.key)
        return wire.no_content({"ETag": etag})

    def not_found(self, ver: str | None = None, rest: str = "") -> Response:
        raise errors.resource_not_found(rest or request.path)


def _sl_error(exc: SLError) -> Response:
    return error_response(exc)


def register_routes(app: Flask, backend: VendorBackend) -> None:
    if not isinstance(backend, SapB1Backend):
        raise TypeError("the sap-b1 routes need a SapB1Backend")
    sl = ServiceLayer(app, backend)
    app.register_error_handler(SLError, _sl_error)
    app.add_url_rule(f"{ROOT}/Login", "sl_login", sl.login, methods=["POST"])
    app.add_url_rule(f"{ROOT}/Logout", "sl_logout", sl.logout, methods=["POST"])
    app.add_url_rule(f"{ROOT}/", "sl_service", sl.service_document, methods=["GET"])
    app.add_url_rule(f"{ROOT}/$metadata", "sl_metadata", sl.metadata, methods=["GET"])
    app.add_url_rule(f"{ROOT}/$batch", "sl_batch", sl.batch, methods=["POST"])
    app.add_url_rule("/ping/", "sl_ping_lb", sl.ping, methods=["GET"])
    app.add_url_rule(f"{ROOT}/ping/", "sl_ping", sl.ping, methods=["GET"])
    methods = ["GET", "POST", "PATCH", "PUT", "MERGE", "DELETE"]
    app.add_url_rule(f"{ROOT}/<path:rest>", "sl_resource", sl.resource, methods=methods)
    app.add_url_rule("/b1s/<path:rest>", "sl_unknown", sl.not_found, methods=methods)
