"""Routes under ``/sap/opu/odata/sap/<SERVICE>/``: auth, CSRF, parse, call the backend, render.

One view serves every service: the service root (GET/HEAD, also the usual CSRF fetch
target), ``$metadata``, ``$batch``, function imports and entity paths with keys,
navigation, ``$count`` and single properties. No business rule lives here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask, Response, request
from werkzeug.test import Client, EnvironBuilder

from fakes.s4hana import edm
from fakes.s4hana.errors import (
    ErrorDetail,
    SapError,
    bad_option,
    csrf_refused,
    error_body,
    error_response,
    logon_failed,
    malformed,
    not_found,
)
from fakes.s4hana.odata import atom
from fakes.s4hana.odata import batch as batchlib
from fakes.s4hana.odata.payload import decode_entity, load_json
from fakes.s4hana.odata.query import (
    Expand,
    QueryOptions,
    Select,
    apply_filter,
    apply_order,
    parse_options,
)
from fakes.s4hana.odata.render import Renderer
from fakes.s4hana.odata.uri import parse_key, parse_path
from fakes.s4hana.services import ROOT, Service, find_service
from fakes.s4hana.session import Session
from fakes.s4hana.state import S4Backend, Written
from fakes.s4hana.store import Record

JSON = "application/json; charset=utf-8"
MODIFYING = {"POST", "PUT", "PATCH", "MERGE", "DELETE"}
METHODS = ["GET", "POST", "PUT", "PATCH", "MERGE", "DELETE"]
BATCH_FLAG = "s4hana.batch_inner"


@dataclass
class Target:
    """What a resource path addresses."""

    entity_set: str
    record: Record | None = None
    rows: list[Record] | None = None
    parent: tuple[str, Record, str] | None = None
    count: bool = False
    property: str | None = None


class ODataView:
    """Handles one request at a time (fakes/core serialises them under the backend lock)."""

    def __init__(self, app: Flask, backend: S4Backend) -> None:
        self.app = app
        self.backend = backend

    # -- entry points ----------------------------------------------------------------------
    def root(self, service: str) -> Response:
        return self.handle(service, "")

    def resource(self, service: str, resource: str) -> Response:
        return self.handle(service, resource)

    def handle(self, service_name: str, resource: str) -> Response:
        svc = find_service(service_name)
        try:
            if svc is None:
                raise SapError(
                    404,
                    "/IWFND/MED/170",
                    f"No service found for namespace '/SAP/', "
                    f"name '{service_name.split(';')[0]}', version '0001'",
                )
            return self._authorised(svc, resource)
        except SapError as err:
            context = self.backend.error_context(request.path)
            if _wants_json():
                return error_response(err, context)
            body = atom.error_document(error_body(err, context))
            return Response(body, status=err.status, content_type="application/xml; charset=utf-8")

    def _authorised(self, svc: Service, resource: str) -> Response:
        auth = self.backend.auth
        client = request.args.get("sap-client")
        session = auth.session(request.cookies.get(auth.cookie_name), self.backend.now())
        header = request.headers.get("Authorization")
        user = auth.check_basic(header) if header else (session.user if session else None)
        if user is None or (client is not None and client != auth.client):
            return logon_failed(auth.sid, client or auth.client)
        method = self._method()
        inner = bool(request.environ.get(BATCH_FLAG))
        if (
            method in MODIFYING
            and not inner
            and not auth.token_ok(session, request.headers.get("x-csrf-token"))
        ):
            return csrf_refused()
        fetch = method == "GET" and request.headers.get("x-csrf-token", "").lower() == "fetch"
        if fetch and session is None:
            session = auth.open(user, self.backend.now())
        response = self._dispatch(svc, resource, method, user)
        return self._decorate(response, session if fetch else None)

    def _method(self) -> str:
        method = request.method.upper()
        override = request.headers.get("X-HTTP-Method", "").upper()
        if method == "POST" and override in ("MERGE", "PATCH", "PUT", "DELETE"):
            return override
        return "GET" if method == "HEAD" else method

    def _decorate(self, response: Response, session: Session | None) -> Response:
        response.headers.setdefault("dataserviceversion", "2.0")
        response.headers.setdefault("sap-server", "true")
        if session is not None:
            auth = self.backend.auth
            secure = "; secure" if request.scheme == "https" else ""
            response.headers["x-csrf-token"] = session.token
            response.headers.add(
                "Set-Cookie", f"{auth.cookie_name}={session.id}; path=/; HttpOnly{secure}"
            )
            response.headers.add("Set-Cookie", f"sap-usercontext=sap-client={auth.client}; path=/")
        return response

    # -- dispatch --------------------------------------------------------------------------
    def _dispatch(self, svc: Service, resource: str, method: str, user: str) -> Response:
        resource = resource.strip("/")
        if resource == "":
            return self._only(method, "GET") or self._service_document(svc)
        if resource == "$metadata":
            return self._only(method, "GET") or Response(svc.xml, content_type="application/xml")
        if resource == "$batch":
            return self._only(method, "POST") or self._batch(svc)
        if resource in svc.model.function_imports:
            return self._function(svc, resource, method)
        target = self._resolve(svc, resource)
        return self._entity_request(svc, target, method, user)

    def _only(self, method: str, allowed: str) -> Response | None:
        if method != allowed:
            raise SapError(405, "/IWFND/CM_MGW/025", f"Method {method} is not allowed here")
        return None

    def _renderer(self, svc: Service) -> Renderer:
        root = f"{request.host_url.rstrip('/')}{ROOT}/{svc.name}"
        return Renderer(svc, root, self.backend.related)

    def _json(self, body: Any, status: int = 200) -> Response:
        return Response(json.dumps(body, ensure_ascii=False), status=status, content_type=JSON)

    def _service_document(self, svc: Service) -> Response:
        sets = list(svc.model.entity_sets)
        if _wants_json():
            return self._json({"d": {"EntitySets": sets}})
        collections = "".join(
            f'<app:collection href="{name}"><atom:title>{name}</atom:title></app:collection>'
            for name in sets
        )
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<app:service xmlns:app="http://www.w3.org/2007/app" '
            'xmlns:atom="http://www.w3.org/2005/Atom" '
            f'xml:base="{request.host_url.rstrip("/")}{ROOT}/{svc.name}/">'
            f"<app:workspace><atom:title>Data</atom:title>{collections}</app:workspace>"
            "</app:service>"
        )
        return Response(xml, content_type="application/atomsvc+xml; charset=utf-8")

    # -- path resolution -------------------------------------------------------------------
    def _resolve(self, svc: Service, resource: str) -> Target:
        segments = parse_path(resource)
        head = segments[0]
        if head.name not in svc.model.entity_sets:
            raise not_found(head.name)
        target = Target(head.name)
        if head.key is None:
            target.rows = self.backend.rows(head.name)
        else:
            target.record = self._keyed(svc, head.name, head.key)
        for segment in segments[1:]:
            target = self._step(svc, target, segment.name, segment.key)
        return target

    def _keyed(self, svc: Service, entity_set: str, key: str) -> Record:
        return self.backend.get(entity_set, parse_key(svc.entity_type(entity_set), key))

    def _step(self, svc: Service, target: Target, name: str, key: str | None) -> Target:
        if target.count or target.property:
            raise not_found(name)
        if name == "$count" and target.rows is not None:
            return Target(target.entity_set, rows=target.rows, parent=target.parent, count=True)
        if target.record is None:
            raise not_found(name)
        entity_type = svc.entity_type(target.entity_set)
        if name in entity_type.properties and key is None:
            return Target(target.entity_set, record=target.record, property=name)
        if name not in entity_type.navigations:
            raise not_found(name)
        related_set, rows, many = self.backend.related(target.entity_set, target.record, name)
        if key is not None:
            wanted = parse_key(svc.entity_type(related_set), key)
            match = [r for r in rows if all(r.get(k) == v for k, v in wanted.items())]
            if not match:
                raise not_found(svc.entity_type(related_set).name)
            return Target(related_set, record=match[0])
        if many:
            return Target(related_set, rows=rows, parent=(target.entity_set, target.record, name))
        if not rows:
            raise not_found(svc.entity_type(related_set).name)
        return Target(related_set, record=rows[0])

    # -- entity requests -------------------------------------------------------------------
    def _entity_request(self, svc: Service, target: Target, method: str, user: str) -> Response:
        if method == "GET":
            return self._read(svc, target)
        if method == "POST":
            if target.rows is None or target.count:
                raise SapError(405, "/IWFND/CM_MGW/025", "POST is only allowed on collections")
            return self._create(svc, target, user)
        if target.record is None or target.property:
            raise SapError(405, "/IWFND/CM_MGW/025", f"{method} needs a single entity")
        if method == "DELETE":
            self.backend.delete(target.entity_set, self._key_of(svc, target), _if_match())
            return Response(status=204)
        return self._update(svc, target, user)

    def _key_of(self, svc: Service, target: Target) -> dict[str, Any]:
        record = target.record or {}
        return {k: record.get(k) for k in svc.entity_type(target.entity_set).keys}

    def _read(self, svc: Service, target: Target) -> Response:
        options = parse_options(request.args, svc.model, target.entity_set)
        renderer = self._renderer(svc)
        if target.record is not None and target.property is not None:
            return self._property(svc, target)
        if target.record is not None:
            response = self._entity(
                renderer, target.entity_set, target.record, options.expand, options.select
            )
            _set_etag(response, renderer.etag(target.entity_set, target.record))
            return response
        return self._collection(svc, target, options, renderer)

    def _property(self, svc: Service, target: Target) -> Response:
        record = target.record or {}
        prop = svc.entity_type(target.entity_set).properties[target.property or ""]
        if not _wants_json():
            return Response(atom.property_document(prop, record), content_type="application/xml")
        value = record.get(prop.name)
        value = edm.default(prop) if value is None else value
        return self._json({"d": {prop.name: edm.to_json(prop, value, record)}})

    def _entity(
        self,
        renderer: Renderer,
        entity_set: str,
        record: Record,
        expand: Expand,
        select: Select | None = None,
        status: int = 200,
    ) -> Response:
        if _wants_json():
            return self._json({"d": renderer.entity(entity_set, record, expand, select)}, status)
        xml = atom.AtomRenderer(renderer, self.backend.now())
        body = xml.document(xml.entry(entity_set, record, expand, select or Select()))
        return Response(body, status=status, content_type=atom.ATOM_ENTRY)

    def _collection(
        self, svc: Service, target: Target, options: QueryOptions, renderer: Renderer
    ) -> Response:
        entity_type = svc.entity_type(target.entity_set)
        rows = apply_filter(target.rows or [], entity_type, options)
        rows = apply_order(rows, entity_type, options)
        if target.count:
            return Response(str(len(rows)), content_type="text/plain; charset=utf-8")
        end = len(rows) if options.top is None else min(len(rows), options.skip + options.top)
        start = options.skip + options.skiptoken
        stop = min(end, start + self.backend.options.page_size)
        next_url = _next_link(stop - options.skip) if stop < end else None
        count = len(rows) if options.inlinecount else None
        page = rows[start:stop]
        if _wants_json():
            return self._json(
                renderer.collection(
                    target.entity_set, page, options.expand, options.select, count, next_url
                )
            )
        xml = atom.AtomRenderer(renderer, self.backend.now())
        feed = xml.feed(target.entity_set, page, options.expand, options.select, count, next_url)
        return Response(xml.document(feed), content_type=atom.ATOM_FEED)

    def _create(self, svc: Service, target: Target, user: str) -> Response:
        entity = decode_entity(svc.model, target.entity_set, load_json(request.get_data()))
        written = self.backend.create(entity, target.parent, user)
        renderer = self._renderer(svc)
        expand = parse_options(
            {"$expand": ",".join(entity.children)}, svc.model, target.entity_set
        ).expand
        response = self._entity(renderer, written.entity_set, written.record, expand, status=201)
        response.headers["Location"] = renderer.uri(written.entity_set, written.record)
        _set_etag(response, renderer.etag(written.entity_set, written.record))
        return _with_messages(response, written)

    def _update(self, svc: Service, target: Target, user: str) -> Response:
        entity = decode_entity(svc.model, target.entity_set, load_json(request.get_data()))
        key = self._key_of(svc, target)
        written = self.backend.update(target.entity_set, key, entity, _if_match(), user)
        response = Response(status=204)
        _set_etag(response, self._renderer(svc).etag(written.entity_set, written.record))
        return _with_messages(response, written)

    # -- function imports ------------------------------------------------------------------
    def _function(self, svc: Service, name: str, method: str) -> Response:
        function = svc.model.function_imports[name]
        if method != function.http_method:
            raise SapError(
                405,
                "/IWFND/CM_MGW/025",
                f"Function import {name} needs HTTP method {function.http_method}",
            )
        params = {}
        for param in function.parameters.values():
            raw = request.args.get(param.name)
            if raw is None:
                raise bad_option(f"Parameter '{param.name}' of function import {name} is missing")
            try:
                params[param.name] = edm.parse_literal(raw)
            except edm.EdmError as exc:
                raise bad_option(f"Invalid value {raw} for parameter '{param.name}'") from exc
        result = self.backend.call(svc.name, name, params)
        return self._json({"d": {"results": result}})

    # -- $batch ----------------------------------------------------------------------------
    def _batch(self, svc: Service) -> Response:
        parts = batchlib.parse_batch(request.get_data(), request.headers.get("Content-Type", ""))
        answers: list[batchlib.Answer] = []
        for part in parts:
            if isinstance(part, batchlib.ChangeSet):
                answers.append(self._changeset(svc, part))
            elif part.method != "GET":
                raise malformed("modifying requests must be inside a changeset")
            else:
                answers.append(self._inner(svc, part))
        token = self.backend.batch_boundary()
        body = batchlib.render_batch(answers, f"batch_{token}", f"changeset_{token}")
        return Response(body, status=202, content_type=f"multipart/mixed; boundary=batch_{token}")

    def _changeset(self, svc: Service, changeset: batchlib.ChangeSet) -> batchlib.Answer:
        saved = self.backend.checkpoint()
        responses = []
        for part in changeset.requests:
            if part.method == "GET":
                raise malformed("GET requests are not allowed inside a changeset")
            response = self._inner(svc, part)
            if response.status >= 400:
                self.backend.restore(saved)
                return response
            responses.append(response)
        return responses

    def _inner(self, svc: Service, part: batchlib.BatchRequest) -> batchlib.BatchResponse:
        path, _, query = part.path.partition("?")
        headers = {k: v for k, v in part.headers.items() if k != "content-length"}
        for name in ("Authorization", "Cookie"):
            if request.headers.get(name):
                headers[name] = request.headers[name]
        builder = EnvironBuilder(
            path=f"{ROOT}/{svc.name}/{path.lstrip('/')}",
            base_url=request.host_url,
            query_string=query,
            method=part.method,
            headers=list(headers.items()),
            data=part.body,
            environ_overrides={BATCH_FLAG: True},
        )
        result = Client(self.app.wsgi_app).open(builder)
        kept = [
            (k, v)
            for k, v in result.headers.items()
            if k.lower() not in ("content-length", "set-cookie")
        ]
        return batchlib.BatchResponse(result.status_code, kept, result.get_data())


def _wants_json() -> bool:
    fmt = request.args.get("$format")
    if fmt is not None:
        return fmt == "json"
    return "json" in request.headers.get("Accept", "")


def _if_match() -> str | None:
    return request.headers.get("If-Match")


def _set_etag(response: Response, etag: str | None) -> None:
    if etag is not None:
        response.headers["ETag"] = etag


def _next_link(skiptoken: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "$skiptoken"]
    args.append(("$skiptoken", str(skiptoken)))
    path = quote(request.path, safe="/;=(),'$:@")
    return f"{request.host_url.rstrip('/')}{path}?{urlencode(args, safe='$,()/:')}"


def _with_messages(response: Response, written: Written) -> Response:
    if written.messages:
        response.headers["sap-message"] = sap_message(written.messages)
    return response


def sap_message(messages: list[ErrorDetail]) -> str:
    """The ``sap-message`` header: the first message, the others as ``details``."""
    first, rest = messages[0], messages[1:]
    body = {
        "code": first.code,
        "message": first.message,
        "target": first.target,
        "severity": first.severity,
        "details": [
            {"code": m.code, "message": m.message, "target": m.target, "severity": m.severity}
            for m in rest
        ],
    }
    return json.dumps(body, ensure_ascii=False)


def register_routes(app: Flask, backend: S4Backend) -> None:
    """Mount every S/4HANA service on ``app``."""
    app.extensions["s4hana"] = backend
    view = ODataView(app, backend)

    @app.after_request
    def _date(response: Response) -> Response:
        """ICM, like any HTTP/1.1 origin server with a clock, dates every answer."""
        response.headers.setdefault("Date", format_datetime(backend.now(), usegmt=True))
        return response

    app.add_url_rule(f"{ROOT}/<service>/", "s4hana_root", view.root, methods=["GET"])
    app.add_url_rule(
        f"{ROOT}/<service>/<path:resource>", "s4hana_resource", view.resource, methods=METHODS
    )
