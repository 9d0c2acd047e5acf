"""Every OrderService operation by name: orders, stock and shipments
(:mod:`fakes.legacy.service`), customer accounts (:mod:`fakes.legacy.service_customers`) and
credit notes (:mod:`fakes.legacy.service_credits`)."""

from __future__ import annotations

from fakes.legacy import service, service_credits, service_customers
from fakes.legacy.service import Handler

MORE: dict[str, Handler] = {**service_customers.HANDLERS, **service_credits.HANDLERS}


def handler(operation: str) -> Handler:
    """The handler of a contract operation (looked up on each call, so tests may patch
    :data:`fakes.legacy.service.HANDLERS`)."""
    found = service.HANDLERS.get(operation)
    return found if found is not None else MORE[operation]
