"""Microsoft Dynamics 365 Business Central API v2.0 fake (CLI name ``business-central``).

Routes (relative to the server root, as in production):

- ``POST /{tenant}/oauth2/v2.0/token``: Entra ID client credentials (secret in the form or
  HTTP Basic); ``GET /{tenant}/v2.0/.well-known/openid-configuration``.
- ``GET /environments/v1.1`` and ``/environments/v1.2``: the tenant's environments.
- ``/v2.0/{tenant}/{environment}/api/v2.0/...`` (tenant segment optional): ``companies``,
  ``companies({id})/{entitySet}[({id})[/lines[({id})]|/Microsoft.NAV.{action}]]``, ``$metadata``,
  ``$batch``; the company may also be named by a ``Company`` header or ``?company=``.
- ``/v2.0/{tenant}/{environment}/api/{publisher}/{group}/{version}/...``: custom API pages.

Entity sets: salesOrders (+salesOrderLines, ``shipAndInvoice``), salesCreditMemos
(+salesCreditMemoLines, ``post``), customers, items, locations, and read-only salesShipments,
salesInvoices (+lines) and itemLedgerEntries.

Options (``ctx.options``, see ``options.py``): ``environments``, ``companies``, ``page_size``
(20000), ``etag_conflict_status`` (409 or 412), ``rate_limit`` (6000 per ``rate_window_s`` 300),
``throttle_retry_after``, ``token_lifetime_s`` (3599), ``tenant_domain``,
``prevent_negative_inventory``, ``delete_fully_posted_orders``, ``batch_max`` (100),
``sandbox_is_copy`` (later environments reuse the first one's company ids and data),
``web_services`` ({service name: page id}), ``custom_apis`` (``[{"publisher", "group",
"version", "entity_set", "source", "fields":
{name: type | {"type", "source"}}, "required"?}]``).

Events: ``post_item_journal``, ``ship_order``, ``cancel_order``, ``block_customer``,
``publish_web_service``, ``add_price_list_line`` (``webservices.py``: OData V4 page web services),
``revoke_tokens`` (each optionally ``environment``/``company``). Vendor fault:
``custom_api_regression`` (``faults.py``).
"""

from __future__ import annotations

from typing import Any

from fakes.business_central.api import TOKEN_PATH, register_routes
from fakes.business_central.errors import render_error
from fakes.business_central.faults import VENDOR_FAULTS
from fakes.business_central.state import BusinessCentralBackend
from fakes.core.backend import VendorBackend
from fakes.core.spec import VendorSpec

BASE_URL = "https://bc.fake.test"


def credentials_for(backend: VendorBackend, base_url: str) -> dict[str, str]:
    assert isinstance(backend, BusinessCentralBackend)
    env, company = backend.primary
    tenant = backend.app.tenant_id
    return {
        "tenant": tenant,
        "environment": env.name,
        "company_id": company.id,
        "token_url": f"{base_url.rstrip('/')}{TOKEN_PATH.replace('<tenant>', tenant)}",
        "client_id": backend.app.client_id,
        "client_secret": backend.app.client_secret,
    }


def credentials(backend: VendorBackend) -> dict[str, str]:
    """Ready-file credentials for the in-process fake (``BASE_URL``)."""
    return credentials_for(backend, BASE_URL)


def ready_extras(backend: VendorBackend, base_url: str) -> dict[str, Any]:
    """When served, the token URL must point at the served host, not the in-process one."""
    return {"credentials": credentials_for(backend, base_url)}


SPEC = VendorSpec(
    name="business-central",
    base_url=BASE_URL,
    backend=BusinessCentralBackend,
    register_routes=register_routes,
    render_error=render_error,
    credentials=credentials,
    sensitive_paths=(r"/oauth2/v2\.0/token$",),
    vendor_faults=VENDOR_FAULTS,
    ready_extras=ready_extras,
)

__all__ = ["SPEC", "BASE_URL", "BusinessCentralBackend"]
