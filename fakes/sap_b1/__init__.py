"""SAP Business One Service Layer fake (``sap-b1``): ``/b1s/v1`` (OData 3) and ``/b1s/v2``
(OData 4) over one company database, with cookie sessions, documents with copy-from and stock,
master data, ``$batch`` and the Service Layer's own error bodies.
"""

from __future__ import annotations

from fakes.core.backend import VendorBackend
from fakes.core.spec import VendorSpec
from fakes.sap_b1.api import register_routes
from fakes.sap_b1.errors import render_error
from fakes.sap_b1.faults import VENDOR_FAULTS
from fakes.sap_b1.state import SapB1Backend

BASE_URL = "https://b1.fake.test"


def credentials(backend: VendorBackend) -> dict[str, str]:
    """The ready-file keys for sap-b1: ``company_db``, ``username``, ``password``."""
    if not isinstance(backend, SapB1Backend):
        raise TypeError("sap-b1 credentials need a SapB1Backend")
    return {
        "company_db": backend.company_db,
        "username": backend.username,
        "password": backend.password,
    }


SPEC = VendorSpec(
    name="sap-b1",
    base_url=BASE_URL,
    backend=SapB1Backend,
    register_routes=register_routes,
    render_error=render_error,
    credentials=credentials,
    sensitive_paths=(r"(?i)^/b1s/v[12]/Login/?$",),
    vendor_faults=VENDOR_FAULTS,
)

__all__ = ["BASE_URL", "SPEC", "SapB1Backend", "credentials"]
