"""The legacy ERP fake: CSV drop folders and a SOAP 1.1 OrderService (CLI name ``legacy``).

A home-grown ERP of the kind that has no REST API: the connector drops order files into
``inbound/``, the ERP imports them on a schedule and acknowledges each in ``ack/``; it writes
stock and shipment exports to ``outbound/``; and it offers a SOAP 1.1 document/literal
OrderService (orders, stock, shipments, customer accounts and credit notes). Neither way in has
idempotency. See ``README.md`` beside this module for the
behaviours, options, events and faults; the file layouts and the WSDL are contract data in
:mod:`contracts.legacy`.
"""

from __future__ import annotations

from typing import Any

from contracts.legacy.wsdl import SERVICE_PATH
from fakes.core.backend import VendorBackend
from fakes.core.spec import VendorSpec
from fakes.legacy.api import register_routes
from fakes.legacy.errors import render_error
from fakes.legacy.faults import VENDOR_FAULTS
from fakes.legacy.state import LegacyBackend

BASE_URL = "https://legacy.fake.test"


def _backend(backend: VendorBackend) -> LegacyBackend:
    if not isinstance(backend, LegacyBackend):
        raise TypeError("not a legacy backend")
    return backend


def credentials(backend: VendorBackend) -> dict[str, str]:
    """The integration user for SOAP (HTTP Basic or UsernameToken) and the file gateway."""
    legacy = _backend(backend)
    return {"username": legacy.username, "password": legacy.password}


def ready_extras(backend: VendorBackend, base_url: str) -> dict[str, Any]:
    folders = _backend(backend).folders
    return {
        "wsdl_url": base_url + SERVICE_PATH + "?wsdl",
        "files_url": base_url + "/files",
        "root_dir": str(folders.root),
        "inbound_dir": str(folders.inbound),
        "outbound_dir": str(folders.outbound),
        "ack_dir": str(folders.ack),
    }


SPEC = VendorSpec(
    name="legacy",
    base_url=BASE_URL,
    backend=LegacyBackend,
    register_routes=register_routes,  # type: ignore[arg-type]
    render_error=render_error,
    credentials=credentials,
    vendor_faults=VENDOR_FAULTS,
    ready_extras=ready_extras,
)

__all__ = ["BASE_URL", "SPEC", "LegacyBackend"]
