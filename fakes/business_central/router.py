"""The API dispatcher: parses ``/v2.0/{tenant}/{environment}/api/...`` paths (OData segments
such as ``companies({id})/salesOrders({id})/salesOrderLines``), authenticates, resolves the
environment and company, calls the backend and renders OData JSON. Used by the Flask routes and
by ``$batch`` for each inner request; it knows nothing of Flask.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fakes.business_central import webservices
from fakes.business_central.batch import run_batch
from fakes.business_central.catalog import Catalog, CustomCatalog, StandardCatalog
from fakes.business_central.company import Company
from fakes.business_central.errors import (
    BadRequest,
    BCError,
    Dialog,
    MethodNotAllowed,
    NotFound,
    ResourceNotFound,
    envelope,
)
from fakes.business_central.odata import Page, Query, keyed_on, parse_query, run
from fakes.business_central.schema import COMPANY, EntityDef
from fakes.business_central.state import BusinessCentralBackend, Environment, Parent
from fakes.business_central.values import etag, guid, to_json
from fakes.business_central.wire import XML_TYPE, ApiRequest, ApiResponse

SEGMENT = re.compile(r"^(?P<name>[^()]+)(?:\((?P<key>[^()]*)\))?$")
ACTION_PREFIX = "Microsoft.NAV."
ODATA_V4 = "ODataV4"


@dataclass(frozen=True)
class Target:
    tenant: str | None
    environment: str
    api_path: str
    root: tuple[str, str, str] | None
    segments: list[str]


@dataclass
class Call:
    """Everything one request resolved to."""

    backend: BusinessCentralBackend
    req: ApiRequest
    env: Environment
    catalog: Catalog
    service_root: str


def handle(backend: BusinessCentralBackend, req: ApiRequest) -> ApiResponse:
    try:
        return _handle(backend, req)
    except BCError as exc:
        return error(exc, backend.correlation_id())


def error(exc: BCError, correlation_id: str) -> ApiResponse:
    return ApiResponse(exc.status, envelope(exc.code, exc.message, correlation_id), exc.headers)


def _handle(backend: BusinessCentralBackend, req: ApiRequest) -> ApiResponse:
    if ODATA_V4 in req.path.split("/")[1:3]:
        return _web_service(backend, req)
    target = parse_target(req.path, req.root)
    if req.inner:
        backend.tokens.check(req.header("Authorization"), backend.now)
    else:
        backend.authenticate(req.header("Authorization"), target.tenant)
    env = backend.environment(target.environment)
    catalog: Catalog | None = StandardCatalog(backend) if target.root is None else \
        CustomCatalog.for_root(backend, env, target.root)
    if catalog is None:
        raise _no_resource(req)
    service_root = f"{req.root}v2.0/{target.api_path}/"
    return _dispatch(Call(backend, req, env, catalog, service_root), target.segments)


def _web_service(backend: BusinessCentralBackend, req: ApiRequest) -> ApiResponse:
    """``{tenant}/{environment}/ODataV4/Company('{name}')/{service}`` (tenant optional)."""
    parts = req.path.split("/")
    at = parts.index(ODATA_V4)
    tenant = parts[0] if at == 2 else None
    rest = [p for p in parts[at + 1:] if p]
    backend.authenticate(req.header("Authorization"), tenant)
    env = backend.environment(parts[at - 1])
    if len(rest) != 2:
        raise _no_resource(req)
    company = backend.company(env, None, webservices.company_name(rest[0], req))
    if backend.published.get(rest[1]) != webservices.PRICE_LIST_LINE_PAGE:
        raise _no_resource(req)
    root = f"{req.root}v2.0/{'/'.join(parts[:at + 1])}/"
    return webservices.serve(company, rest[1], req, _page_size_of(backend, req)[0], root)


def _no_resource(req: ApiRequest) -> NotFound:
    return NotFound("No HTTP resource was found that matches the request URI "
                    f"'{req.root}v2.0/{req.path}'.")


def parse_target(path: str, root: str) -> Target:
    parts = path.split("/")
    if len(parts) >= 2 and parts[1] == "api":
        tenant, env, rest = None, parts[0], parts[2:]
    elif len(parts) >= 3 and parts[2] == "api":
        tenant, env, rest = parts[0], parts[1], parts[3:]
    else:
        raise NotFound("No HTTP resource was found that matches the request URI "
                       f"'{root}v2.0/{path}'.")
    prefix = "/".join(parts[: len(parts) - len(rest)])
    if rest[:1] == ["v2.0"]:
        return Target(tenant, env, f"{prefix}/v2.0", None, rest[1:])
    if len(rest) >= 3:
        root_key = (rest[0].lower(), rest[1].lower(), rest[2].lower())
        return Target(tenant, env, f"{prefix}/{'/'.join(rest[:3])}", root_key, rest[3:])
    raise NotFound(f"No HTTP resource was found that matches the request URI '{root}v2.0/{path}'.")


def segment(text: str) -> tuple[str, str | None]:
    match = SEGMENT.match(text)
    if match is None:
        raise ResourceNotFound(f"Resource not found for the segment '{text}'.")
    raw_key = match.group("key")
    if raw_key is None:
        return match.group("name"), None
    key = guid(raw_key.removeprefix("id=").strip("'"))
    if key is None:
        raise BadRequest("Bad Request - Error in query syntax.", code="BadRequest_NotFound")
    return match.group("name"), key


# -- dispatch ---------------------------------------------------------------------------------


def _dispatch(call: Call, segments: list[str]) -> ApiResponse:
    segments = [s for s in segments if s != ""]
    if not segments:
        return _only(call, "GET", lambda: _service_document(call))
    if segments[0] == "$metadata":
        return _only(call, "GET", lambda: ApiResponse(200, call.catalog.metadata(),
                                                      content_type=XML_TYPE))
    if segments[0] == "$batch":
        if call.req.inner:
            raise BadRequest("A $batch request cannot be nested in another $batch request.")
        return _only(call, "POST", lambda: run_batch(
            call.backend, call.req, call.service_root, lambda inner: handle(call.backend, inner)))
    name, key = segment(segments[0])
    if name == "companies":
        return _companies(call, key, segments[1:])
    company = call.backend.company(call.env, None, _company_name(call.req))
    return _entities(call, company, segments, f"companies({company.id})")


def _company_name(req: ApiRequest) -> str | None:
    return req.header("Company") or req.args.get("company")


def _only(call: Call, method: str, action: Any) -> ApiResponse:
    if call.req.method != method:
        raise MethodNotAllowed(f"The requested resource does not support http method "
                               f"'{call.req.method}'.")
    result: ApiResponse = action()
    return result


def _service_document(call: Call) -> ApiResponse:
    return ApiResponse(200, {
        "@odata.context": f"{call.service_root}$metadata",
        "value": [{"name": "companies", "kind": "EntitySet", "url": "companies"}],
    })


def _companies(call: Call, key: str | None, rest: list[str]) -> ApiResponse:
    if key is None:
        if rest:
            raise ResourceNotFound(f"Resource not found for the segment '{rest[0]}'.")
        companies = [c.info for c in call.env.companies.values()]
        query = parse_query(call.req.args, COMPANY, {})
        return _only(call, "GET", lambda: _collection(call, COMPANY, companies, query,
                                                      "companies", None))
    company = call.backend.company(call.env, key, None)
    if not rest:
        return _only(call, "GET", lambda: _single(call, COMPANY, company.info, "companies",
                                                  None, 200))
    return _entities(call, company, rest, f"companies({company.id})")


def _entities(call: Call, company: Company, rest: list[str], path: str) -> ApiResponse:
    name, key = segment(rest[0])
    entity = call.catalog.entity(name)
    if entity is None:
        raise ResourceNotFound(f"Resource not found for the segment '{name}'.")
    here = f"{path}/{name}"
    if len(rest) == 1:
        if key is None:
            return _collection_call(call, company, entity, None, here)
        return _entity_call(call, company, entity, key, None, f"{here}({key})")
    if key is None or len(rest) > 2:
        raise ResourceNotFound(f"Resource not found for the segment '{rest[1]}'.")
    child_name, child_key = segment(rest[1])
    if child_name.startswith(ACTION_PREFIX) and child_key is None:
        return _action(call, company, entity, key, child_name.removeprefix(ACTION_PREFIX))
    children = call.catalog.children(entity)
    if child_name not in children:
        raise ResourceNotFound(f"Resource not found for the segment '{child_name}'.")
    parent: Parent = (entity.set_name, key)
    call.catalog.get(company, entity.set_name, key, None)
    nested = f"{here}({key})/{child_name}"
    if child_key is None:
        return _collection_call(call, company, children[child_name], parent, nested)
    return _entity_call(call, company, children[child_name], child_key, parent,
                        f"{nested}({child_key})")


def _action(call: Call, company: Company, entity: EntityDef, key: str, action: str) -> ApiResponse:
    if call.req.method != "POST":
        raise MethodNotAllowed(f"The requested resource does not support http method "
                               f"'{call.req.method}'.")
    call.catalog.invoke(company, entity.set_name, key, action)
    return ApiResponse(204)


def _collection_call(
    call: Call, company: Company, entity: EntityDef, parent: Parent | None, path: str
) -> ApiResponse:
    method = call.req.method
    if method == "GET":
        query = parse_query(call.req.args, entity, call.catalog.children(entity))
        if entity.parent and parent is None and not keyed_on(query.filter, ("documentId", "id")):
            raise Dialog("You must specify an Id or a Document Id to get the lines.")
        records = call.catalog.list(company, entity.set_name, parent)
        return _collection(call, entity, records, query, path, company)
    if method == "POST":
        record = call.catalog.create(company, entity.set_name, call.req.json(), parent)
        response = _single(call, entity, record, path, company, 201)
        response.headers["Location"] = f"{call.service_root}{path}({record['id']})"
        return response
    raise _not_allowed(method, entity)


def _entity_call(
    call: Call, company: Company, entity: EntityDef, key: str, parent: Parent | None, path: str
) -> ApiResponse:
    method = call.req.method
    collection_path = path.rsplit("(", 1)[0]
    if method == "GET":
        record = call.catalog.get(company, entity.set_name, key, parent)
        query = parse_query(call.req.args, entity, call.catalog.children(entity))
        return _single(call, entity, record, collection_path, company, 200, query)
    if_match = call.req.header("If-Match")
    if method == "PATCH":
        record = call.catalog.update(company, entity.set_name, key, call.req.json(), if_match,
                                     parent)
        return _single(call, entity, record, collection_path, company, 200)
    if method == "DELETE":
        call.catalog.delete(company, entity.set_name, key, if_match, parent)
        return ApiResponse(204)
    raise _not_allowed(method, entity)


def _not_allowed(method: str, entity: EntityDef) -> MethodNotAllowed:
    return MethodNotAllowed(
        f"'{method}' requests for '{entity.set_name}' of EdmType 'Entity' are not allowed "
        "within Microsoft Dynamics NAV OData web services."
    )


# -- rendering --------------------------------------------------------------------------------


def _context(call: Call, path: str) -> str:
    return f"{call.service_root}$metadata#{path}"


def render(
    call: Call, company: Company | None, entity: EntityDef, record: Mapping[str, Any],
    query: Query | None = None,
) -> dict[str, Any]:
    query = query or Query()
    out: dict[str, Any] = {"@odata.etag": etag(dict(record))}
    for name in query.select or entity.names:
        out[name] = to_json(record.get(name))
    for nav, inner in query.expand.items():
        child = call.catalog.children(entity)[nav]
        assert company is not None
        lines = call.catalog.list(company, child.set_name, (entity.set_name, str(record["id"])))
        page = run(lines, inner, child, len(lines) + 1)
        out[nav] = [render(call, company, child, line, inner) for line in page.records]
    return out


def _single(
    call: Call, entity: EntityDef, record: Mapping[str, Any], path: str, company: Company | None,
    status: int, query: Query | None = None,
) -> ApiResponse:
    body = {"@odata.context": _context(call, f"{path}/$entity")}
    body.update(render(call, company, entity, record, query))
    return ApiResponse(status, body, {"ETag": body["@odata.etag"]})


def _collection(
    call: Call, entity: EntityDef, records: list[dict[str, Any]], query: Query, path: str,
    company: Company | None,
) -> ApiResponse:
    size, applied = _page_size(call)
    page = run(records, query, entity, size)
    body: dict[str, Any] = {"@odata.context": _context(call, path)}
    if query.count:
        body["@odata.count"] = page.total
    body["value"] = [render(call, company, entity, r, query) for r in page.records]
    if page.next_token is not None:
        body["@odata.nextLink"] = _next_link(call, path, page)
    headers = {"Preference-Applied": f"odata.maxpagesize={size}"} if applied else {}
    return ApiResponse(200, body, headers)


def _page_size(call: Call) -> tuple[int, bool]:
    return _page_size_of(call.backend, call.req)


def _page_size_of(backend: BusinessCentralBackend, req: ApiRequest) -> tuple[int, bool]:
    size = backend.options.page_size
    prefer = req.header("Prefer") or ""
    match = re.search(r"odata\.maxpagesize\s*=\s*(\d+)", prefer)
    if match and 0 < int(match.group(1)) < size:
        return int(match.group(1)), True
    return size, False


def _next_link(call: Call, path: str, page: Page) -> str:
    args = {k: v for k, v in call.req.args.items() if k not in ("$skip", "$skiptoken", "$top")}
    if page.next_top is not None:
        args["$top"] = str(page.next_top)
    args["$skiptoken"] = str(page.next_token)
    query = "&".join(f"{quote(k, safe='$')}={quote(v, safe='')}" for k, v in args.items())
    return f"{call.service_root}{path}?{query}"
