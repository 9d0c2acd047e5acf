"""The Sage 200 (UK & Ireland) REST API fake, Standard and Professional.

Wire facts and their sources are in the module docstrings: auth in :mod:`.auth`, variants and
endpoint coverage in :mod:`.variants`, error bodies in :mod:`.errors`, query options in
:mod:`.odata`, order rules in :mod:`.orders`, faults in :mod:`.faults`, sales ledger credit
notes in :mod:`.credit_notes`, price bands (time based too) in :mod:`.price_bands`.
"""

from __future__ import annotations

from typing import Any, cast

from fakes.core.backend import VendorBackend
from fakes.core.spec import VendorSpec
from fakes.sage200.api import register_routes
from fakes.sage200.errors import render_error
from fakes.sage200.faults import VENDOR_FAULTS
from fakes.sage200.state import Sage200Backend

BASE_URL = "https://sage200.fake.test"
TOKEN_PATH = "/oauth/token"


def credentials_for(backend: VendorBackend, base_url: str) -> dict[str, str]:
    b = cast(Sage200Backend, backend)
    return {
        "token_url": base_url.rstrip("/") + TOKEN_PATH,
        "client_id": b.tokens.client_id,
        "client_secret": b.tokens.client_secret,
        "site_id": b.site_id,
        "company_id": str(b.company_id),
    }


def credentials(backend: VendorBackend) -> dict[str, str]:
    """Ready-file credentials for the in-process fake (``BASE_URL``)."""
    return credentials_for(backend, BASE_URL)


def ready_extras(backend: VendorBackend, base_url: str) -> dict[str, Any]:
    """For a served fake: absolute ``token_url``, the API base URL and the variant."""
    b = cast(Sage200Backend, backend)
    return {
        "credentials": credentials_for(backend, base_url),
        "api_base_url": base_url.rstrip("/") + b.coverage.base_path,
        "variant": b.coverage.variant,
    }


SPEC = VendorSpec(
    name="sage200",
    base_url=BASE_URL,
    backend=Sage200Backend,
    register_routes=register_routes,
    render_error=render_error,
    credentials=credentials,
    sensitive_paths=(r"^/oauth/token",),
    vendor_faults=VENDOR_FAULTS,
    ready_extras=ready_extras,
)

__all__ = ["BASE_URL", "SPEC", "Sage200Backend", "credentials", "ready_extras"]
