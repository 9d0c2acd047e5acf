"""JSON ``$batch``: ``{"requests": [{"method", "id", "url", "headers", "body"}]}`` run in order
through the same dispatcher, answered ``200 {"responses": [{"id", "status", "headers", "body"}]}``.

Execution stops at the first failed request unless ``Prefer: odata.continue-on-error`` is sent.
With ``Isolation: snapshot`` the batch is one transaction: on any failure every change is rolled
back, while the responses still show what each request answered before the rollback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fakes.business_central.errors import BadRequest
from fakes.business_central.state import BusinessCentralBackend
from fakes.business_central.wire import ApiRequest, ApiResponse

Dispatch = Callable[[ApiRequest], ApiResponse]
METHODS = {"GET", "POST", "PATCH", "DELETE", "PUT"}


def run_batch(
    backend: BusinessCentralBackend, req: ApiRequest, service_root: str, dispatch: Dispatch
) -> ApiResponse:
    content_type = (req.header("Content-Type") or "").lower()
    if "multipart" in content_type:
        raise BadRequest("Only JSON batch requests are supported by this service; send "
                         "Content-Type: application/json.")
    operations = _operations(req.json(), backend.options.batch_max)
    isolated = (req.header("Isolation") or "").strip().lower() == "snapshot"
    keep_going = "odata.continue-on-error" in (req.header("Prefer") or "").lower()
    saved = backend.checkpoint() if isolated else None
    answers: list[dict[str, Any]] = []
    failed = False
    for op in operations:
        inner = _inner_request(req, service_root, op)
        response = dispatch(inner)
        answers.append(_answer(op, response))
        if response.status >= 400:
            failed = True
            if not keep_going:
                break
    if failed and saved is not None:
        backend.restore(saved)
    return ApiResponse(200, {"responses": answers})


def _operations(body: Any, limit: int) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
        raise BadRequest("Invalid Request Body")
    requests: list[dict[str, Any]] = body["requests"]
    if len(requests) > limit:
        raise BadRequest(f"The number of operations in the batch request ({len(requests)}) "
                         f"exceeds the maximum allowed ({limit}).")
    for op in requests:
        if not isinstance(op, dict) or not isinstance(op.get("url"), str) or \
                str(op.get("method", "")).upper() not in METHODS:
            raise BadRequest("Invalid Request Body")
    return requests


def _inner_request(outer: ApiRequest, service_root: str, op: dict[str, Any]) -> ApiRequest:
    url = urlsplit(op["url"])
    path = url.path
    if url.scheme or path.startswith("/"):
        path = path.lstrip("/").removeprefix("v2.0/")
    else:
        api_prefix = service_root.removeprefix(outer.root).removeprefix("v2.0/")
        path = f"{api_prefix}{path}"
    headers = {k: str(v) for k, v in dict(op.get("headers") or {}).items()}
    auth = outer.header("Authorization")
    if auth and not any(k.lower() == "authorization" for k in headers):
        headers["Authorization"] = auth
    body = op.get("body")
    raw = b"" if body is None else json.dumps(body).encode()
    return ApiRequest(str(op["method"]).upper(), path, dict(parse_qsl(url.query)), headers, raw,
                      outer.root, inner=True)


def _answer(op: dict[str, Any], response: ApiResponse) -> dict[str, Any]:
    headers = {k.lower(): v for k, v in response.headers.items()}
    answer: dict[str, Any] = {"id": op.get("id"), "status": response.status, "headers": headers}
    if response.body is not None:
        headers["content-type"] = response.content_type
        headers["odata-version"] = "4.0"
        answer["body"] = response.body
    return answer
