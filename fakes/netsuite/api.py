"""The SuiteTalk REST routes: parse the request, call the backend, render; no business rules.

Paths (all under the server root, as on ``https://<account>.suitetalk.api.netsuite.com``)::

    POST   /services/rest/auth/oauth2/v1/token                  OAuth 2.0 client credentials
    GET    /services/rest/record/v1/metadata-catalog[/<type>]   record metadata (metadata.py)
    GET    /services/rest/record/v1/<type>                      list (limit, offset, q)
    POST   /services/rest/record/v1/<type>                      create -> 204 + Location
    GET    /services/rest/record/v1/<type>/<id | eid:X>         read (fields, expandSubResources)
    PUT    /services/rest/record/v1/<type>/eid:X                upsert -> 204 + Location
    PATCH  /services/rest/record/v1/<type>/<id | eid:X>         update -> 204
    DELETE /services/rest/record/v1/<type>/<id | eid:X>         delete -> 204
    GET    /services/rest/record/v1/<type>/<id>/<sublist>[/<line>]
    POST   /services/rest/record/v1/salesOrder/<id>/!transform/itemFulfillment
    POST   /services/rest/record/v1/salesOrder/<id>/!transform/invoice           (billing.py)
    POST   /services/rest/record/v1/salesOrder/<id>/!transform/returnAuthorization
    POST   /services/rest/record/v1/invoice/<id>/!transform/creditMemo
    POST   /services/rest/query/v1/suiteql                      (Prefer: transient)
    GET    /services/rest/async/v1/job/<id>[/task[/<task>[/result]]]

Record types match case-insensitively. Every route but the token endpoint needs TBA or a
bearer token. Writes with ``Prefer: respond-async`` become jobs (202).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from fakes.core.spec import ErrorRequest
from fakes.netsuite import jobs, metadata, suiteql
from fakes.netsuite.auth import authenticate, issue_token
from fakes.netsuite.errors import (
    BACKEND_KEY,
    NetSuiteError,
    bad_request,
    error_response,
    json_response,
    render_error,
)
from fakes.netsuite.m2m import TokenRequestError
from fakes.netsuite.oauth1 import SignedRequest
from fakes.netsuite.records import WriteOptions
from fakes.netsuite.render import (
    RECORD_PREFIX,
    View,
    collection,
    line_key,
    link,
    record_url,
    render_line,
    render_record,
    render_sublist,
)
from fakes.netsuite.state import NetSuiteBackend, valid_external_id

SINGULAR = "application/vnd.oracle.resource+json; type=singular"
COLLECTION = "application/vnd.oracle.resource+json; type=collection"
TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"
SUITEQL_PATH = "/services/rest/query/v1/suiteql"
MAX_LIMIT = 1000
URL_CHARS = "/:@!$&'()*+,;=-._~"


# -- request helpers ----------------------------------------------------------------------------
def header(name: str, default: str = "") -> str:
    return request.headers.get(name, default)


def base_url() -> str:
    return request.host_url.rstrip("/")


def prefer() -> set[str]:
    tokens = set()
    for value in request.headers.getlist("Prefer"):
        for part in value.split(","):
            tokens.add(part.split(";")[0].split("=")[0].strip().lower())
    return tokens


def flag(name: str) -> bool:
    return request.args.get(name, "").lower() == "true"


def int_param(name: str, default: int, low: int, high: int | None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        limits = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise bad_request("INVALID_PARAMETER", f"Invalid value for the query parameter {name}: "
                          f"{raw}. The value must be an integer {limits}.", query_param=name)
    return value


def paging() -> tuple[int, int]:
    limit = int_param("limit", MAX_LIMIT, 1, MAX_LIMIT)
    offset = int_param("offset", 0, 0, None)
    return limit, offset


def json_body(required: bool = True) -> Any:
    raw = request.get_data()
    if not raw.strip():
        if required:
            raise bad_request("INVALID_CONTENT", "The request body is empty. Provide a JSON "
                              "object.")
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise bad_request("INVALID_CONTENT", "The request body is not valid JSON: "
                          f"{getattr(exc, 'msg', str(exc))}.") from None


def write_options() -> WriteOptions:
    replace = frozenset(p.strip() for p in request.args.get("replace", "").split(",") if p.strip())
    validation = header("X-NetSuite-PropertyNameValidation", "Warning")
    return WriteOptions(replace=replace, name_validation=validation)


def signed_request() -> SignedRequest:
    env = request.environ
    raw = str(env.get("REQUEST_URI") or env.get("RAW_URI") or
              quote(env.get("PATH_INFO", ""), safe=URL_CHARS))
    path = raw.split("?", 1)[0]
    if "://" in path:
        path = urlsplit(path).path
    form = None
    if request.mimetype == "application/x-www-form-urlencoded":
        form = request.get_data(as_text=True)
    return SignedRequest(request.method, request.scheme, request.host, path,
                         str(env.get("QUERY_STRING", "")), form,
                         header("Authorization"))


def no_content(location: str | None = None) -> Response:
    response = Response(status=204)
    if location:
        response.headers["Location"] = location
    return response


def singular(body: Any) -> Response:
    return json_response(body, 200, SINGULAR)


# -- registration -------------------------------------------------------------------------------
def register_routes(app: Flask, backend: NetSuiteBackend) -> None:
    app.extensions[BACKEND_KEY] = backend
    _hooks(app, backend)
    _auth_routes(app, backend)
    _metadata_routes(app, backend)
    _record_routes(app, backend)
    _write_routes(app, backend)
    _query_routes(app, backend)
    _job_routes(app, backend)


def _hooks(app: Flask, backend: NetSuiteBackend) -> None:
    app.register_error_handler(NetSuiteError, error_response)
    for code in (400, 404, 405, 413, 415):
        app.register_error_handler(code, _http_error)

    @app.before_request
    def _before() -> Response | None:
        if not request.path.startswith("/services/rest/"):
            return None
        backend.run_due_jobs()
        if request.path.rstrip("/") == TOKEN_PATH:
            return None
        with backend.lock:
            authenticate(signed_request(), backend.creds, backend.auth, backend.timestamp(),
                         backend.auth_policy())
        return None

    @app.teardown_request
    def _after(_exc: BaseException | None) -> None:
        backend.clear_flags()


def _http_error(exc: HTTPException) -> Response:
    code = exc.code or 500
    if code == 404:
        return error_response(NetSuiteError(404, "INVALID_URL",
                                            f"The request URL {request.path} is not valid."))
    if code == 405:
        return error_response(NetSuiteError(405, "METHOD_NOT_ALLOWED", f"The HTTP method "
                                             f"{request.method} is not allowed for this "
                                             "resource."))
    return render_error_for(code)


def render_error_for(code: int) -> Response:
    return render_error(ErrorRequest("http_error", code))


def _auth_routes(app: Flask, backend: NetSuiteBackend) -> None:
    @app.post(TOKEN_PATH)
    def token() -> Response:
        if request.mimetype != "application/x-www-form-urlencoded":
            return _token_error(TokenRequestError(
                "invalid_request", "the body must be application/x-www-form-urlencoded"))
        form = {key: request.form.get(key, "") for key in request.form}
        urls = {f"{base_url()}{TOKEN_PATH}"}
        try:
            body = issue_token(form, backend.creds, backend.auth, backend.timestamp(), urls,
                               backend.auth_policy())
        except TokenRequestError as err:
            return _token_error(err)
        response = json_response(body, 200, "application/json")
        response.headers["Cache-Control"] = "no-store"
        return response


def _token_error(err: TokenRequestError) -> Response:
    return json_response({"error": err.error, "error_description": err.description},
                         err.status, "application/json")


def _accepts(media: str) -> bool:
    return any(media in value for value in request.headers.getlist("Accept"))


def _metadata_routes(app: Flask, backend: NetSuiteBackend) -> None:
    def described(names: list[str]) -> list[tuple[Any, dict[str, str]]]:
        types = [backend.rtype(name) for name in names]
        return [(rt, backend.custom_fields(rt.name)) for rt in types]

    @app.get(metadata.CATALOG_PATH)
    def metadata_catalog() -> Response:
        names = metadata.all_record_names()
        selected = [s.strip() for s in request.args.get("select", "").split(",") if s.strip()]
        if _accepts(metadata.SWAGGER):
            document = metadata.openapi(base_url(), described(selected or names))
            return json_response(document, 200, metadata.SWAGGER)
        return json_response(metadata.catalog_list(base_url(), names), 200, "application/json")

    @app.get(f"{metadata.CATALOG_PATH}/<rtype>")
    def record_metadata(rtype: str) -> Response:
        ((rt, custom),) = described([rtype])
        if _accepts(metadata.SWAGGER):
            return json_response(metadata.openapi(base_url(), [(rt, custom)]), 200,
                                 metadata.SWAGGER)
        return json_response(metadata.record_schema(rt, custom), 200, metadata.SCHEMA)


def _record_routes(app: Flask, backend: NetSuiteBackend) -> None:
    @app.get(f"{RECORD_PREFIX}/<rtype>")
    def list_records(rtype: str) -> Response:
        rt = backend.rtype(rtype)
        limit, offset = paging()
        if backend.option("offset_multiple_of_limit") and offset % limit:
            raise bad_request("INVALID_PARAMETER", "The offset must be a multiple of the limit.",
                              query_param="offset")
        q = request.args.get("q")
        ids = backend.collection_ids(rt, q)
        base = base_url()
        items = [{"links": [link("self", record_url(base, rt.name, rid))], "id": rid}
                 for rid in ids[offset:offset + limit]]
        extra = f"&q={quote(q, safe='')}" if q else ""
        return json_response(collection(f"{base}{RECORD_PREFIX}/{rt.name}", items, limit, offset,
                                        len(ids), extra), 200, COLLECTION)

    @app.get(f"{RECORD_PREFIX}/<rtype>/<key>")
    def get_record(rtype: str, key: str) -> Response:
        rt = backend.rtype(rtype)
        fields = request.args.get("fields")
        view = View(base_url(), flag("expandSubResources"),
                    frozenset(f.strip() for f in fields.split(",")) if fields else None,
                    flag("simpleEnumFormat"))
        record = backend.materialize(rt, backend.stored(rt, key))
        return singular(render_record(rt, record, view, backend.ref_name))

    @app.get(f"{RECORD_PREFIX}/<rtype>/<key>/<sublist>")
    @app.get(f"{RECORD_PREFIX}/<rtype>/<key>/<sublist>/<line>")
    def get_sublist(rtype: str, key: str, sublist: str, line: str | None = None) -> Response:
        rt = backend.rtype(rtype)
        record = backend.materialize(rt, backend.stored(rt, key))
        spec = rt.sublists.get(sublist)
        if spec is None:
            raise NetSuiteError(404, "INVALID_URL", f"The sublist {sublist} does not exist.")
        view = View(base_url(), expand=True)
        url = f"{record_url(view.base, rt.name, record['id'])}/{sublist}"
        if line is None:
            return json_response(render_sublist(spec, record[sublist], url, view,
                                                backend.ref_name), 200, COLLECTION)
        for entry in record[sublist]:
            if line_key(spec, entry) == line:
                return singular(render_line(spec, entry, url, view, backend.ref_name))
        raise NetSuiteError(404, "NONEXISTENT_ID", f"The sublist line {line} does not exist.")


def _write_routes(app: Flask, backend: NetSuiteBackend) -> None:
    def run(op: jobs.WriteOp, with_location: bool = True) -> Response:
        base = base_url()
        if "respond-async" in prefer():
            key = header("X-NetSuite-Idempotency-Key") or None
            job = jobs.submit(backend, op, base, key)
            response = Response(status=202)
            response.headers["Preference-Applied"] = "respond-async"
            response.headers["Location"] = jobs.job_url(base, job["id"])
            return response
        result = backend.execute(op)
        return no_content(result.location(base) if with_location else None)

    @app.post(f"{RECORD_PREFIX}/<rtype>")
    def create(rtype: str) -> Response:
        rt = backend.rtype(rtype)
        return run(jobs.WriteOp("create", rt.name, None, json_body(), write_options()))

    @app.put(f"{RECORD_PREFIX}/<rtype>/<key>")
    def upsert(rtype: str, key: str) -> Response:
        rt = backend.rtype(rtype)
        if not key.startswith("eid:"):
            raise bad_request("INVALID_ID", "Upsert requires an external ID in the URL "
                              "(eid:<externalId>); internal IDs are not allowed.")
        if not valid_external_id(key[4:]):
            raise bad_request("INVALID_ID", f"The external ID {key[4:]} is not valid. Use "
                              "letters, digits, underscores and hyphens only.")
        return run(jobs.WriteOp("upsert", rt.name, key, json_body(), write_options()))

    @app.patch(f"{RECORD_PREFIX}/<rtype>/<key>")
    def update(rtype: str, key: str) -> Response:
        rt = backend.rtype(rtype)
        return run(jobs.WriteOp("update", rt.name, key, json_body(), write_options()))

    @app.delete(f"{RECORD_PREFIX}/<rtype>/<key>")
    def delete(rtype: str, key: str) -> Response:
        rt = backend.rtype(rtype)
        return run(jobs.WriteOp("delete", rt.name, key), with_location=False)

    @app.post(f"{RECORD_PREFIX}/<rtype>/<key>/!transform/<target>")
    def transform(rtype: str, key: str, target: str) -> Response:
        rt = backend.rtype(rtype)
        op = jobs.WriteOp("transform", rt.name, key, json_body(required=False), write_options(),
                          target)
        return run(op)


def _query_routes(app: Flask, backend: NetSuiteBackend) -> None:
    @app.post(SUITEQL_PATH)
    def suiteql_query() -> Response:
        if "transient" not in prefer():
            raise bad_request("INVALID_HEADER", "SuiteQL queries require the request header "
                              "Prefer: transient.", header="Prefer")
        body = json_body()
        if not isinstance(body, dict) or not isinstance(body.get("q"), str) or not body["q"]:
            raise bad_request("INVALID_CONTENT", "The request body must be a JSON object with "
                              "the query text in q.", path="q")
        limit, offset = paging()
        rows = suiteql.run(backend, body["q"])
        url = f"{base_url()}{SUITEQL_PATH}"
        return json_response(collection(url, rows[offset:offset + limit], limit, offset,
                                        len(rows)), 200, COLLECTION)


def _job_routes(app: Flask, backend: NetSuiteBackend) -> None:
    prefix = jobs.JOB_PREFIX

    @app.get(f"{prefix}/<job_id>")
    def job(job_id: str) -> Response:
        return singular(jobs.job_view(jobs.get_job(backend, job_id), base_url()))

    @app.get(f"{prefix}/<job_id>/task")
    def tasks(job_id: str) -> Response:
        return json_response(jobs.task_collection(jobs.get_job(backend, job_id), base_url()),
                             200, COLLECTION)

    @app.get(f"{prefix}/<job_id>/task/<task_id>")
    def task(job_id: str, task_id: str) -> Response:
        return singular(jobs.task_view(jobs.get_job(backend, job_id), task_id, base_url()))

    @app.get(f"{prefix}/<job_id>/task/<task_id>/result")
    def result(job_id: str, task_id: str) -> Response:
        outcome = jobs.task_result(jobs.get_job(backend, job_id), task_id)
        if outcome["status"] == 204:
            return no_content(outcome.get("location"))
        return json_response(outcome["body"], outcome["status"],
                             "application/vnd.oracle.resource+json; type=error")
