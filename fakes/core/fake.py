"""One running fake: a vendor backend behind its Flask routes, the fault middleware and the
control plane. The same object is reached in-process, as a WSGI app, and over HTTP.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from flask import Flask, Response
from flask import request as flask_request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WsgiResponse

from fakes.core.backend import FakeContext, VendorBackend
from fakes.core.clock import SimClock, WallClock
from fakes.core.control import register_control_plane
from fakes.core.dataset import SeedProfile, Size, build_dataset
from fakes.core.drift import drift_json_body
from fakes.core.faults import Fault, FaultEngine, FaultSpec, RequestInfo
from fakes.core.journal import Journal, JournalEntry, redact_body, redact_headers
from fakes.core.rng import SeededRandom
from fakes.core.spec import ErrorRequest, VendorSpec
from fakes.core.transport import TransportFault

CONTROL_PREFIX = "/__harness__"
MALFORMED_CUT = 7


class Fake:
    """A vendor fake. Its control plane is these methods, and ``/__harness__/`` over HTTP."""

    def __init__(
        self,
        spec: VendorSpec,
        *,
        seed: int = 0,
        clock: SimClock | WallClock | None = None,
        size: Size = "small",
        profile: SeedProfile | dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
        control_token: str | None = None,
        journal_size: int = 10_000,
    ) -> None:
        self.spec = spec
        self.size: Size = size
        self.control_token = control_token
        self.base_url = spec.base_url
        if not isinstance(profile, SeedProfile):
            profile = SeedProfile.from_dict(profile)
        self.ctx = FakeContext(
            vendor=spec.name,
            clock=clock or SimClock(),
            rng=SeededRandom(seed),
            dataset=build_dataset(seed, size),
            profile=profile,
            options=dict(options or {}),
        )
        self.backend: VendorBackend = spec.backend(self.ctx)
        self.faults = FaultEngine(self.ctx.rng.stream(f"{spec.name}:faults"))
        self.journal = Journal(journal_size)
        self._sensitive = [re.compile(p) for p in spec.sensitive_paths]
        self.flask = self._build_flask()

    # -- control plane (Python) -------------------------------------------------------------
    @property
    def clock(self) -> SimClock | WallClock:
        return self.ctx.clock

    @property
    def seed(self) -> int:
        return self.ctx.rng.seed

    def reset(self) -> None:
        """Back to the seeded dataset; faults and journal cleared."""
        self.faults.clear()
        self.journal.clear()
        self.backend.reset()

    def reseed(self, seed: int) -> None:
        self.ctx.rng = SeededRandom(seed)
        self.ctx.dataset = build_dataset(seed, self.size)
        self.faults.reseed(self.ctx.rng.stream(f"{self.spec.name}:faults"))
        self.reset()

    def add_fault(self, spec: FaultSpec | dict[str, Any]) -> Fault:
        fault = self.faults.add(spec)
        name = fault.spec.effect.name
        if fault.spec.effect.kind == "vendor" and name not in self.spec.vendor_faults:
            self.faults.clear(fault.id)
            known = ", ".join(sorted(self.spec.vendor_faults)) or "none"
            raise ValueError(
                f"effect.name {name!r} is not a {self.spec.name} fault (known: {known})"
            )
        return fault

    def clear_faults(self, fault_id: str | None = None) -> int:
        return self.faults.clear(fault_id)

    def entries(self, since: int = 0) -> list[JournalEntry]:
        return self.journal.entries(since)

    def state(self) -> dict[str, Any]:
        with self.backend.lock:
            return self.backend.snapshot()

    def event(self, name: str, **payload: Any) -> Any:
        return self.backend.handle_event(name, payload)

    def credentials(self) -> dict[str, str]:
        return self.spec.credentials(self.backend)

    # -- the WSGI app -----------------------------------------------------------------------
    def _build_flask(self) -> Flask:
        app = Flask(f"fake-{self.spec.name}")
        app.url_map.strict_slashes = False
        app.config["MAX_CONTENT_LENGTH"] = 110 * 1024 * 1024
        self.spec.register_routes(app, self.backend)
        register_control_plane(app, self, CONTROL_PREFIX)

        @app.errorhandler(HTTPException)
        def _http_error(exc: HTTPException) -> Response:
            return self.spec.render_error(
                ErrorRequest(
                    "http_error", exc.code or 500, None, exc.description, path=flask_request.path
                )
            )

        @app.errorhandler(Exception)
        def _internal(exc: Exception) -> Response:
            if isinstance(exc, TransportFault):
                raise exc
            return self.spec.render_error(
                ErrorRequest(
                    "internal",
                    500,
                    None,
                    f"Internal error: {type(exc).__name__}",
                    path=flask_request.path,
                )
            )

        return app

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The fake as a WSGI app, with faults and journal around the vendor routes."""
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return self.flask.wsgi_app(environ, start_response)
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0) or -1)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        request = RequestInfo(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=path,
            query=unquote(environ.get("QUERY_STRING", "")),
            body=body,
            headers=_headers(environ),
        )
        response = self._handle(environ, request)
        return response(environ, start_response)

    def _handle(self, environ: dict[str, Any], request: RequestInfo) -> WsgiResponse:
        decision = self.faults.decide(request, self.clock.now())
        blocked_by = self.faults.enter_caps(decision.caps) if decision.caps else None
        if blocked_by is not None:
            response = self._error("concurrency", blocked_by, 429, request.path)
            return self._log(request, response, blocked_by)
        try:
            arrived = self.clock.monotonic() if decision.respond_after_s else 0.0
            if decision.delay_s:
                self.clock.sleep(decision.delay_s)
            answer = self._dispatch(environ, request, decision.pre, decision.post)
            if decision.respond_after_s:
                self.clock.sleep(decision.respond_after_s - (self.clock.monotonic() - arrived))
            return answer
        finally:
            if decision.caps:
                self.faults.leave_caps(decision.caps)

    def _dispatch(
        self, environ: dict[str, Any], request: RequestInfo, pre: Fault | None, post: Fault | None
    ) -> WsgiResponse:
        if pre is not None:
            response = self._pre_effect(pre, request)
            if response is not None:
                return self._log(request, response, pre)
        with self.backend.lock:
            saved = (
                self.backend.checkpoint()
                if post and post.spec.effect.kind == "silent_drop"
                else None
            )
            response = Response.from_app(self.flask.wsgi_app, environ)
            if saved is not None:
                self.backend.restore(saved)
        if post is not None and post.spec.effect.kind == "lose_response":
            self._log(request, response, post, outcome="committed, response lost")
            raise TransportFault(post.spec.effect.after, post.spec.effect.delay_s)
        if post is not None and post.spec.effect.kind == "malformed_body":
            response.set_data(response.get_data()[:MALFORMED_CUT])
        if post is not None and post.spec.effect.kind == "field_drift":
            drift_json_body(response, post.spec.effect.params)
        if post is not None and post.spec.effect.kind == "stale_read":
            response = self._stale(post, request, response)
        return self._log(request, response, post)

    @staticmethod
    def _stale(fault: Fault, request: RequestInfo, response: WsgiResponse) -> WsgiResponse:
        """The first answer this request (method, path, query and body: two SuiteQL queries
        are two requests) got under the fault, in place of the current one."""
        key = (request.method, request.path, request.query, request.body)
        if key not in fault.remembered:
            fault.remembered[key] = (
                response.status_code,
                response.get_data(),
                response.content_type or "",
            )
            return response
        status, body, content_type = fault.remembered[key]
        return WsgiResponse(body, status=status, content_type=content_type)

    def _pre_effect(self, fault: Fault, request: RequestInfo) -> WsgiResponse | None:
        effect = fault.spec.effect
        if effect.kind in ("timeout", "reset"):
            self._log(request, None, fault, outcome=f"not processed ({effect.kind})")
            raise TransportFault(effect.kind, effect.delay_s)
        if effect.kind == "throttle":
            return self._error("throttle", fault, 429, request.path)
        if effect.kind == "vendor":
            handler = self.spec.vendor_faults[effect.name or ""]
            with self.backend.lock, self.flask.app_context():
                return handler(self.backend, fault, request)
        return self._error("http_error", fault, effect.status, request.path)

    def _error(self, kind: str, fault: Fault, status: int, path: str) -> Response:
        effect = fault.spec.effect
        with self.flask.app_context():
            response = self.spec.render_error(
                ErrorRequest(kind, status, effect.code, effect.message, effect.retry_after_s, path)
            )
        if kind in ("throttle", "concurrency") and effect.retry_after_s is not None:
            response.headers.setdefault("Retry-After", str(int(round(effect.retry_after_s))))
        return response

    def _log(
        self,
        request: RequestInfo,
        response: WsgiResponse | None,
        fault: Fault | None,
        outcome: str | None = None,
    ) -> WsgiResponse:
        sensitive = any(p.search(request.path) for p in self._sensitive)
        self.journal.record(
            at=self.clock.now().isoformat(),
            method=request.method,
            path=request.path,
            query=request.query,
            status=response.status_code if response is not None else None,
            outcome=outcome or ("faulted" if fault else "ok"),
            fault_id=fault.id if fault else None,
            fault_effect=fault.spec.effect.kind if fault else None,
            request_headers=redact_headers(request.headers),
            request_body=redact_body(request.body, sensitive),
            response_body=redact_body(response.get_data(), sensitive)
            if response is not None
            else "",
        )
        return response if response is not None else WsgiResponse(status=504)


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    return headers


def create_fake(vendor: str | VendorSpec, **kwargs: Any) -> Fake:
    """Create one fake by vendor name (``magento``, ``netsuite``, ...) or spec."""
    from fakes.registry import load_spec

    spec = vendor if isinstance(vendor, VendorSpec) else load_spec(vendor)
    return Fake(spec, **kwargs)
