"""The fake through ``requests``: in-process (FakeFleet) and served on 127.0.0.1.

The client code here behaves like the common Service Layer clients: it logs in, keeps the
session in a cookie jar, follows ``odata.nextLink`` (or re-queries with ``$skip`` like
B1SLayer), re-logs in on 401 and posts a ``$batch``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from fakes.core.bridge import FakeFleet, mock
from fakes.core.fake import Fake
from fakes.core.server import serve
from fakes.sap_b1 import BASE_URL, SPEC

SKIP_RE = re.compile(r"skip=(\d+)")


class ServiceLayerClient:
    def __init__(self, base_url: str, credentials: dict[str, str]) -> None:
        self.root = f"{base_url}/b1s/v1"
        self.credentials = credentials
        self.http = requests.Session()

    def login(self) -> None:
        response = self.http.post(f"{self.root}/Login", json={
            "CompanyDB": self.credentials["company_db"],
            "UserName": self.credentials["username"],
            "Password": self.credentials["password"]}, timeout=5)
        response.raise_for_status()

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        response = self.http.request(method, f"{self.root}/{path}", timeout=5, **kw)
        if response.status_code == 401:
            self.login()
            response = self.http.request(method, f"{self.root}/{path}", timeout=5, **kw)
        return response

    def get_all(self, path: str) -> list[dict[str, Any]]:
        """B1SLayer's GetAllAsync: re-query with ``$skip`` read from the next link."""
        rows: list[dict[str, Any]] = []
        skip = 0
        while True:
            body = self.request("GET", path, params={"$skip": skip}).json()
            rows += body["value"]
            link = body.get("odata.nextLink")
            if not link:
                return rows
            skip = int(SKIP_RE.search(link).group(1))  # type: ignore[union-attr]


@pytest.fixture
def fleet() -> Iterator[FakeFleet]:
    with mock("sap-b1", seed=5) as running:
        yield running


def test_in_process_session_paging_and_relogin(fleet: FakeFleet) -> None:
    fake = fleet["sap-b1"]
    assert fake.base_url == BASE_URL
    client = ServiceLayerClient(BASE_URL, fake.credentials())
    client.login()
    assert "B1SESSION" in client.http.cookies
    items = client.get_all("Items")
    assert len(items) == 24 == len({i["ItemCode"] for i in items})
    fake.event("expire_sessions")
    response = client.request("POST", "Orders", json={
        "CardCode": "C00001", "DocDueDate": "2026-01-10",
        "DocumentLines": [{"ItemCode": "SKU-000001", "Quantity": 1}]})
    assert response.status_code == 201
    assert response.json()["DocEntry"] == 1
    assert fake.state()["sessions"] == 1


def test_in_process_batch_with_requests(fleet: FakeFleet) -> None:
    client = ServiceLayerClient(BASE_URL, fleet["sap-b1"].credentials())
    client.login()
    body = (
        "--b1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        "GET Warehouses('01') HTTP/1.1\r\n\r\n\r\n--b1--\r\n"
    )
    response = client.request("POST", "$batch", data=body,
                              headers={"Content-Type": "multipart/mixed;boundary=b1"})
    assert response.status_code == 202
    assert "HTTP/1.1 200 OK" in response.text and '"WarehouseCode": "01"' in response.text


def test_served_over_http() -> None:
    fake = Fake(SPEC, seed=5)
    with serve({"sap-b1": fake}) as servers:
        entry = servers.ready()["sap-b1"]
        assert entry["base_url"].startswith("http://127.0.0.1:")
        assert set(entry["credentials"]) == {"company_db", "username", "password"}
        client = ServiceLayerClient(entry["base_url"], entry["credentials"])
        client.http.headers["Connection"] = "close"  # lets the server thread stop promptly
        client.login()
        assert {"B1SESSION", "ROUTEID"} <= set(client.http.cookies.keys())
        response = client.request("GET", "Orders", params={"$inlinecount": "allpages"})
        assert response.status_code == 200
        assert response.json()["odata.metadata"] == f"{entry['base_url']}/b1s/v1/$metadata#Orders"
        assert response.json()["odata.count"] == "0"
        wrong = requests.post(f"{entry['base_url']}/b1s/v1/Login", json={}, timeout=5,
                              headers={"Connection": "close"})
        assert wrong.status_code == 401
