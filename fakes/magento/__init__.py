"""The Magento 2.4 / Adobe Commerce REST fake (admin Web API with MSI), CLI name ``magento``.

Paths are served as in production under the server root: ``/rest/V1/...``,
``/rest/<store_code>/V1/...`` and ``/rest/all/V1/...``. Credentials: the admin user for
``POST /V1/integration/admin/token``, the integration's access token (Bearer, or OAuth 1.0a with
the consumer key/secret and token secret), and the seeded customers' password for
``POST /V1/integration/customer/token``.
"""

from __future__ import annotations

from fakes.core.backend import VendorBackend
from fakes.core.spec import VendorSpec
from fakes.magento.api import register_routes
from fakes.magento.errors import render_error
from fakes.magento.faults import VENDOR_FAULTS
from fakes.magento.routes import SENSITIVE_PATHS
from fakes.magento.state import MagentoBackend


def credentials(backend: VendorBackend) -> dict[str, str]:
    assert isinstance(backend, MagentoBackend)
    state = backend.auth
    return {
        "username": state.username,
        "password": state.password,
        "integration_token": state.integration_token,
        "consumer_key": state.consumer_key,
        "consumer_secret": state.consumer_secret,
        "access_token_secret": state.access_token_secret,
        "customer_password": state.customer_password,
    }


SPEC = VendorSpec(
    name="magento",
    base_url="http://magento.fake.test",
    backend=MagentoBackend,
    register_routes=register_routes,
    render_error=render_error,
    credentials=credentials,
    sensitive_paths=SENSITIVE_PATHS,
    vendor_faults=VENDOR_FAULTS,
)

__all__ = ["SPEC", "MagentoBackend", "credentials"]
