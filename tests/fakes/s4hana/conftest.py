"""Fixtures for the S/4HANA fake: the fake, an in-process fleet and a CSRF-ready session."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake

BASE = "https://s4.fake.test/sap/opu/odata/sap"
SO = f"{BASE}/API_SALES_ORDER_SRV"
BP = f"{BASE}/API_BUSINESS_PARTNER"
PRODUCT = f"{BASE}/API_PRODUCT_SRV"
STOCK = f"{BASE}/API_MATERIAL_STOCK_SRV"
DELIVERY = f"{BASE}/API_OUTBOUND_DELIVERY_SRV;v=0002"
BILLING = f"{BASE}/API_BILLING_DOCUMENT_SRV"
CUSTOMER = "10000001"
MATERIAL = "SKU-000001"
OTHER = "SKU-000002"


def order_body(items: Any = None, **header: Any) -> dict[str, Any]:
    """A standard order for the seeded customer; ``items`` defaults to one item of 2 pieces."""
    body = {
        "SalesOrderType": "OR",
        "SalesOrganization": "1010",
        "DistributionChannel": "10",
        "OrganizationDivision": "00",
        "SoldToParty": CUSTOMER,
        "PurchaseOrderByCustomer": "MAGENTO-100000001",
        "to_Item": items
        if items is not None
        else [{"Material": MATERIAL, "RequestedQuantity": "2"}],
    }
    body.update(header)
    return body


def csrf_session(fake: Fake, root: str = SO) -> requests.Session:
    session = requests.Session()
    creds = fake.credentials()
    session.auth = (creds["username"], creds["password"])
    session.headers["Accept"] = "application/json"
    token = session.head(root, headers={"x-csrf-token": "Fetch"}, timeout=5)
    session.headers["x-csrf-token"] = token.headers["x-csrf-token"]
    return session


@pytest.fixture
def fake() -> Fake:
    return create_fake("s4hana", seed=1)


@pytest.fixture
def fleet(fake: Fake) -> Iterator[FakeFleet]:
    with FakeFleet({"s4hana": fake}) as running:
        yield running


@pytest.fixture
def http(fake: Fake, fleet: FakeFleet) -> requests.Session:
    """A ``requests`` session with Basic auth and a fetched CSRF token (in-process)."""
    return csrf_session(fake)


@pytest.fixture
def wsgi(fake: Fake) -> Client:
    return Client(fake.wsgi)


def basic(fake: Fake) -> dict[str, str]:
    creds = fake.credentials()
    raw = f"{creds['username']}:{creds['password']}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def create_order(http: requests.Session, **kwargs: Any) -> dict[str, Any]:
    response = http.post(f"{SO}/A_SalesOrder", json=order_body(**kwargs), timeout=5)
    assert response.status_code == 201, response.text
    return response.json()["d"]  # type: ignore[no-any-return]
