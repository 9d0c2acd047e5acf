"""The fake reached with ``requests``: in-process through FakeFleet, and served over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from fakes.core.bridge import FakeFleet, mock
from fakes.core.fake import Fake
from fakes.core.server import serve
from fakes.sage200 import BASE_URL, SPEC
from fakes.sage200.variants import BASE_PATHS


class SageSession:
    """What a real client does: token from token_url, X headers from GET /sites, then calls."""

    def __init__(self, creds: dict[str, str], api_base: str) -> None:
        self.creds, self.api_base = creds, api_base
        token = requests.post(creds["token_url"], data={
            "grant_type": "client_credentials", "client_id": creds["client_id"],
            "client_secret": creds["client_secret"]}, timeout=5)
        token.raise_for_status()
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        site = self.session.get(f"{api_base}/sites", timeout=5).json()[0]
        self.session.headers.update(site_headers(site))

    def get(self, path: str) -> Any:
        response = self.session.get(self.api_base + path, timeout=5)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> requests.Response:
        return self.session.post(self.api_base + path, json=body, timeout=5)


def site_headers(site: dict[str, Any]) -> dict[str, str]:
    return {"X-Site": site["site_id"], "X-Company": str(site["company_id"])}


def _round_trip(client: SageSession) -> dict[str, Any]:
    customer = client.get("/customers?$filter=reference eq 'CUST0002'")[0]
    created = client.post("/sop_orders?$expand=lines", {
        "customer_id": customer["id"], "customer_document_no": "100000042",
        "lines": [{"code": "SKU-000003", "line_quantity": 1}]})
    assert created.status_code == 200
    order = created.json()
    despatched = client.post("/sop_confirm_despatch", {
        "sop_order_return_id": order["id"],
        "items": [{"id": order["lines"][0]["id"], "quantity": 1}]})
    assert despatched.status_code == 200
    return client.get(f"/sop_orders/{order['id']}")  # type: ignore[no-any-return]


def test_in_process_round_trip_with_requests() -> None:
    fake = Fake(SPEC, seed=2)
    with FakeFleet({"sage200": fake}):
        creds = fake.credentials()
        assert creds["token_url"] == f"{BASE_URL}/oauth/token"
        client = SageSession(creds, BASE_URL + BASE_PATHS["professional"])
        order = _round_trip(client)
    assert order["despatch_receipt_status"] == "Complete"
    assert fake.state()["despatches"][0]["sop_order_id"] == order["id"]


def test_mock_helper_with_standard_variant() -> None:
    with mock("sage200", seed=2, options={"sage200": {"variant": "standard"}}) as fleet:
        fake = fleet["sage200"]
        client = SageSession(fake.credentials(), BASE_URL + BASE_PATHS["standard"])
        assert client.get("/warehouses")[0]["name"] == "HOME"
        missing = client.session.get(
            f"{BASE_URL}{BASE_PATHS['standard']}/product_transactions/1/"
            "traceable_item_transactions", timeout=5)
        assert missing.status_code == 404


def test_lost_response_is_a_requests_timeout_and_order_exists() -> None:
    fake = Fake(SPEC, seed=2)
    fake.add_fault({"target": {"method": "POST", "path": "sop_orders$"},
                    "effect": {"kind": "lose_response"}, "trigger": {"first": 1}})
    with FakeFleet({"sage200": fake}):
        client = SageSession(fake.credentials(), BASE_URL + BASE_PATHS["professional"])
        with pytest.raises(requests.Timeout):
            client.post("/sop_orders", {"customer_id": 30001, "customer_document_no": "R-1"})
        assert [o["customer_document_no"] for o in client.get("/sop_orders")] == ["R-1"]


def test_served_ready_entry_and_round_trip() -> None:
    fake = Fake(SPEC, seed=2)
    with serve({"sage200": fake}) as servers:
        entry = servers.ready()["sage200"]
        base = servers.served["sage200"].base_url
        assert entry["credentials"]["token_url"] == f"{base}/oauth/token"
        assert entry["api_base_url"] == base + BASE_PATHS["professional"]
        assert entry["variant"] == "professional"
        assert set(entry["credentials"]) == {"token_url", "client_id", "client_secret",
                                             "site_id", "company_id"}
        client = SageSession(entry["credentials"], entry["api_base_url"])
        try:
            assert _round_trip(client)["despatch_receipt_status"] == "Complete"
        finally:
            client.session.close()
