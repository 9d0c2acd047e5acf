"""The SAP S/4HANA fake: OData v2 services under ``/sap/opu/odata/sap/`` (CLI name ``s4hana``).

Services: API_SALES_ORDER_SRV, API_BUSINESS_PARTNER, API_PRODUCT_SRV, API_MATERIAL_STOCK_SRV,
API_OUTBOUND_DELIVERY_SRV;v=0002, API_BILLING_DOCUMENT_SRV, API_SLSPRICINGCONDITIONRECORD_SRV
(PPR0 condition records, read only), API_CREDIT_MEMO_REQUEST_SRV and API_CUSTOMER_RETURN_SRV,
each with a ``$metadata``
consistent with SAP's published EDMX. Basic authentication, CSRF tokens bound to security
sessions, ETags, server-driven paging, ``$batch`` changesets and SAP's error JSON are modelled;
SAP's own client ``pyodata`` works against it unchanged.
"""

from __future__ import annotations

from fakes.core.backend import VendorBackend
from fakes.core.spec import VendorSpec
from fakes.s4hana.api import register_routes
from fakes.s4hana.errors import render_error
from fakes.s4hana.faults import VENDOR_FAULTS
from fakes.s4hana.state import S4Backend

BASE_URL = "https://s4.fake.test"


def credentials(backend: VendorBackend) -> dict[str, str]:
    """The communication user's Basic credentials (deterministic per seed)."""
    assert isinstance(backend, S4Backend)
    return {"username": backend.auth.username, "password": backend.auth.password}


SPEC = VendorSpec(
    name="s4hana",
    base_url=BASE_URL,
    backend=S4Backend,
    register_routes=register_routes,  # type: ignore[arg-type]
    render_error=render_error,
    credentials=credentials,
    vendor_faults=VENDOR_FAULTS,
)

__all__ = ["BASE_URL", "SPEC", "S4Backend", "credentials"]
