"""Magento-specific faults (``{"effect": {"kind": "vendor", "name": ...}}``).

``expire_tokens``   every admin token issued so far is revoked (a password change, a security
                    job); the request then runs normally, so a caller with an old admin token
                    gets Magento's 401 while integration-token callers go on working.
``unauthorized``    the integration lost the route's ACL resources for this request: 401
                    ``The consumer isn't authorized to access %resources.``.
``maintenance``     ``bin/magento maintenance:enable``: 503 with the HTML page of
                    ``pub/errors/503.php`` instead of JSON.
``partial_price_batch``  a price write (base, special, tier or cost prices; sync, async or bulk)
                    still answers 200 but refuses ``params.reject`` (default 1) of its valid
                    rows with the storage's own message for an unknown SKU, as if those
                    products had been deleted meanwhile. ``params.which``: ``last`` (default),
                    ``first`` or ``spread``; ``params.message`` replaces the message. An async
                    write is refused when the consumer runs it.

Rate limiting (2.4.7+) needs nothing here: the core ``throttle`` effect renders Magento's 429.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import Response

from fakes.core.backend import VendorBackend
from fakes.core.faults import Fault, RequestInfo
from fakes.core.spec import VendorFaultHandler
from fakes.magento import auth, routes
from fakes.magento.api import split_store
from fakes.magento.errors import consumer_not_authorized, error_response
from fakes.magento.state import MagentoBackend

MAINTENANCE_PAGE = """<!doctype html>
<html lang="en">
<head><title>Error 503: Service Unavailable</title></head>
<body><main><h1>Service Temporarily Unavailable</h1>
<p>The server is temporarily unable to service your request due to maintenance downtime or
capacity problems. Please try again later.</p></main></body>
</html>
"""


def expire_tokens(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    assert isinstance(backend, MagentoBackend)
    auth.revoke_admin_tokens(backend.auth, backend.now)
    return None


def unauthorized(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    _, parts = split_store(request.path.removeprefix("/rest"))
    found = routes.find(request.method, parts)
    acl = found[0].acl if found and found[0].acl else ("Magento_Backend::admin",)
    return error_response(consumer_not_authorized(acl))


def maintenance(backend: VendorBackend, fault: Fault, request: RequestInfo) -> Response | None:
    response = Response(MAINTENANCE_PAGE, status=503, content_type="text/html; charset=UTF-8")
    if fault.spec.effect.retry_after_s is not None:
        response.headers["Retry-After"] = str(int(fault.spec.effect.retry_after_s))
    return response


PRICE_WRITES = re.compile(
    r"/V1/products/(base-prices|special-price|special-price-delete|tier-prices|"
    r"tier-prices-delete|cost)$")


def partial_price_batch(backend: VendorBackend, fault: Fault,
                        request: RequestInfo) -> Response | None:
    assert isinstance(backend, MagentoBackend)
    if request.method not in ("POST", "PUT") or not PRICE_WRITES.search(request.path):
        return None
    params = fault.spec.effect.params
    message = params.get("message")
    backend.prices.arm_rejection(int(params.get("reject", 1)), str(params.get("which", "last")),
                                 None if message is None else str(message))
    return None


VENDOR_FAULTS: Mapping[str, VendorFaultHandler] = {
    "expire_tokens": expire_tokens,
    "unauthorized": unauthorized,
    "maintenance": maintenance,
    "partial_price_batch": partial_price_batch,
}
