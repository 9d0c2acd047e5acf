"""Oracle NetSuite SuiteTalk REST web services fake (CLI name ``netsuite``).

Token-based authentication (OAuth 1.0a, HMAC-SHA256) and OAuth 2.0 client credentials; the
record service for ``salesOrder``, ``customer``, ``inventoryItem``, ``location``,
``itemFulfillment``, ``invoice``, ``creditMemo`` and ``returnAuthorization`` (the last three made
by ``!transform``, see ``billing.py``); the Pricing feature's
``priceLevel``, ``salePriceRule`` and ``salePriceRuleEntry`` (effective-dated prices, see
``pricing.py``); the record metadata catalog (OpenAPI 3.0 / JSON
Schema, custom fields included); collection paging and ``q`` filters; SuiteQL; asynchronous
jobs with idempotency keys.
See ``api.py`` for the routes and ``state.py`` for the options.
"""

from __future__ import annotations

from typing import Any, cast

from fakes.core.backend import VendorBackend
from fakes.core.spec import VendorSpec
from fakes.netsuite.api import TOKEN_PATH, register_routes
from fakes.netsuite.errors import render_error
from fakes.netsuite.faults import VENDOR_FAULTS
from fakes.netsuite.keys import private_key_pem
from fakes.netsuite.state import NetSuiteBackend

BASE_URL = "https://1234567.suitetalk.fake.test"


def credentials(backend: VendorBackend) -> dict[str, str]:
    b = cast(NetSuiteBackend, backend)
    creds = b.creds
    return {
        "account": creds.account,
        "consumer_key": creds.consumer_key,
        "consumer_secret": creds.consumer_secret,
        "token_id": creds.token_id,
        "token_secret": creds.token_secret,
        "client_id": creds.client_id,
        "certificate_id": creds.certificate_id,
        "private_key_pem": private_key_pem(creds.key_seed, str(b.option("oauth2_key_type"))),
    }


def ready_extras(backend: VendorBackend, base_url: str) -> dict[str, Any]:
    return {"token_url": base_url.rstrip("/") + TOKEN_PATH}


SPEC = VendorSpec(
    name="netsuite",
    base_url=BASE_URL,
    backend=NetSuiteBackend,
    register_routes=register_routes,  # type: ignore[arg-type]
    render_error=render_error,
    credentials=credentials,
    sensitive_paths=(r"^/services/rest/auth/oauth2/",),
    vendor_faults=VENDOR_FAULTS,
    ready_extras=ready_extras,
)

__all__ = ["SPEC", "NetSuiteBackend", "credentials"]
