"""What a vendor package gives fakes/core: its backend, routes, error shape and credentials."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from flask import Flask, Response

from fakes.core.backend import VendorBackend

if TYPE_CHECKING:
    from fakes.core.faults import Fault, RequestInfo


@dataclass(frozen=True)
class ErrorRequest:
    """The fault engine (or the core) asks a vendor to render an error of this kind."""

    kind: str  # http_error | throttle | concurrency | internal
    status: int
    code: str | None = None
    message: str | None = None
    retry_after_s: float | None = None
    path: str = ""


class VendorFaultHandler(Protocol):
    def __call__(
        self, backend: VendorBackend, fault: Fault, request: RequestInfo
    ) -> Response | None: ...


@dataclass(frozen=True)
class VendorSpec:
    name: str
    base_url: str
    backend: type[VendorBackend]
    register_routes: Callable[[Flask, VendorBackend], None]
    render_error: Callable[[ErrorRequest], Response]
    credentials: Callable[[VendorBackend], dict[str, str]]
    sensitive_paths: tuple[str, ...] = ()
    vendor_faults: Mapping[str, VendorFaultHandler] = field(default_factory=dict)
    ready_extras: Callable[[VendorBackend, str], dict[str, Any]] | None = None
