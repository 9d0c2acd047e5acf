"""Business Central vendor faults.

``custom_api_regression``
    An extension update changes a custom API page (FM-D03). ``params``: ``entity_set`` (the
    custom page), and any of ``rename`` ``{"old": "new"}``, ``remove`` ``[field, ...]``,
    ``require`` ``[field, ...]``, optionally ``environment``. The change is applied when the
    fault first strikes and stays; the request itself is then served with the new shape.
"""

from __future__ import annotations

from flask import Response

from fakes.business_central.state import BusinessCentralBackend
from fakes.core.backend import VendorBackend
from fakes.core.faults import Fault, RequestInfo


def custom_api_regression(
    backend: VendorBackend, fault: Fault, request: RequestInfo
) -> Response | None:
    assert isinstance(backend, BusinessCentralBackend)
    params = fault.spec.effect.params
    if params.get("entity_set"):
        backend.regress_custom_api(params)
    return None


VENDOR_FAULTS = {"custom_api_regression": custom_api_regression}
