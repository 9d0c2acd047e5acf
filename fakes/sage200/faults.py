"""Sage 200 specific faults.

``stale_stock`` (FM-SG02)
    Warehouse holdings are answered from a snapshot: stock figures frozen, and
    ``date_time_updated`` reported ``params.age_s`` seconds before the snapshot was taken. The
    snapshot is taken at the fault's first strike (fakes/core gives a vendor handler no hook when
    a fault is added; see the report). Other requests pass through untouched.
``tunnel_down``
    The on-premise Azure tunnel of a Professional site is lost: every API call answers 504 and
    ``GET /sites`` answers an empty array [realnetintegrations]. Sage ID still issues tokens.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast
from urllib.parse import quote

from flask import Response, current_app, g

from fakes.core.backend import VendorBackend
from fakes.core.faults import Fault, RequestInfo
from fakes.core.spec import VendorFaultHandler
from fakes.sage200 import render
from fakes.sage200.api import STALE_KEY
from fakes.sage200.errors import error_response, json_response
from fakes.sage200.state import Sage200Backend
from fakes.sage200.variants import ENDPOINTS, HOLDING_ENDPOINTS
from fakes.sage200.wire import fmt_dt

TUNNEL_MESSAGE = "The remote server did not respond in time (the Sage 200 site is unreachable)."


def _relative(b: Sage200Backend, path: str) -> str | None:
    for base in b.coverage.bases:
        if path == base or path.startswith(base + "/"):
            return path[len(base):].rstrip("/") or "/"
    return None


def _is_holdings(b: Sage200Backend, path: str) -> bool:
    rel = _relative(b, path)
    if rel is None:
        return False
    parts = rel.strip("/").split("/")
    return any(_fits(ENDPOINTS[key].path, parts) for key in HOLDING_ENDPOINTS)


def _fits(template: str, parts: list[str]) -> bool:
    pieces = template.strip("/").split("/")
    if len(pieces) != len(parts):
        return False
    pairs = zip(pieces, parts, strict=True)
    return all(t == p or (t.startswith("<") and p.isdigit()) for t, p in pairs)


def _snapshot(b: Sage200Backend, fault: Fault) -> list[dict[str, object]]:
    key = f"{fault.id}:{id(fault)}"
    if key not in b.stale:
        age = float(fault.spec.effect.params.get("age_s", 0))
        stamp = fmt_dt(b.now() - timedelta(seconds=age))
        rows = render.holding_rows(b, b.holdings.values())
        for row in rows:
            row["date_time_updated"] = stamp
        b.stale[key] = rows
    return [dict(row) for row in b.stale[key]]


def stale_stock(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    b = cast(Sage200Backend, backend)
    if request.method != "GET" or not _is_holdings(b, request.path):
        return None
    rows = _snapshot(b, fault)
    # ``request.query`` is percent-decoded but keeps a form-encoded "+" (a space, as clients
    # such as requests encode query strings): keep it a "+" so it still reads as a space.
    with current_app.test_request_context(
        request.path, method="GET", query_string=quote(request.query, safe="=&$,'()/:+"),
        headers=request.headers,
    ):
        setattr(g, STALE_KEY, rows)
        return current_app.full_dispatch_request()


def tunnel_down(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    b = cast(Sage200Backend, backend)
    rel = _relative(b, request.path)
    if rel is None:
        return None
    if request.method == "GET" and rel == ENDPOINTS["sites"].path:
        return json_response([])
    return error_response(504, TUNNEL_MESSAGE)


VENDOR_FAULTS: dict[str, VendorFaultHandler] = {
    "stale_stock": stale_stock,
    "tunnel_down": tunnel_down,
}
