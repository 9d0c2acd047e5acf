"""pytest-benchmark for the hot paths every request or record goes through: mapping a Magento
order, Magento ``searchCriteria`` (built by sync_core, parsed and run by the fake), OAuth 1.0a
(NetSuite TBA signing in sync_core, the Magento fake's verification) and stock version
comparison. Run: ``python -m pytest benchmarks --benchmark-only`` (compare runs with
``--benchmark-autosave`` and ``--benchmark-compare``). Each benchmark also asserts the result,
so a fast wrong answer fails.
"""

from __future__ import annotations

import random
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, Client
from requests_oauthlib import OAuth1

from fakes import FakeFleet, SimClock, create_fake
from fakes.magento import search
from fakes.magento.api import parse_query
from fakes.magento.auth import AuthState
from fakes.magento.inputs import process
from fakes.magento.oauth import NONCE_MEMORY, verify_oauth
from fakes.magento.state import ORDER_COLUMNS
from fakes.magento.webapi import CRITERIA
from sync_core.connectors.magento import to_order
from sync_core.connectors.magento.client import search_params
from sync_core.flows.stock import is_older

GROUPS = [
    [("updated_at", "2026-11-29 10:00:00", "gteq")],
    [("state", "processing,complete", "in")],
]
SORT = [("updated_at", "ASC"), ("entity_id", "ASC")]
URL = "http://magento.fake.test/rest/V1/orders"


@pytest.fixture(scope="module")
def magento_orders() -> dict[str, Any]:
    """Two hundred orders as the Magento fake answers them, and its store views."""
    magento = create_fake("magento", seed=0, clock=SimClock())
    skus = [p.sku for p in magento.ctx.dataset.products[:6]]
    rng = random.Random(0)
    for _ in range(200):
        lines = [{"sku": sku, "qty": rng.randint(1, 3)} for sku in rng.sample(skus, 2)]
        magento.event("place_order", store_code="default", lines=lines)
    fleet = FakeFleet({"magento": magento})
    fleet.start()
    try:
        auth = {"Authorization": f"Bearer {magento.credentials()['integration_token']}"}
        order = requests.get(f"{magento.base_url}/rest/V1/orders/1", headers=auth, timeout=10)
        views = requests.get(
            f"{magento.base_url}/rest/V1/store/storeViews", headers=auth, timeout=10
        )
        rows = magento.backend.orders({"page_size": None})["items"]  # type: ignore[attr-defined]
    finally:
        fleet.stop()
    return {
        "order": order.json(),
        "stores": {int(v["id"]): str(v["code"]) for v in views.json()},
        "rows": rows,
    }


def test_map_a_magento_order(benchmark, magento_orders):
    order = benchmark(to_order, magento_orders["order"], magento_orders["stores"])
    assert order.lines and order.external_ref.endswith(str(magento_orders["order"]["increment_id"]))


def test_build_search_criteria(benchmark):
    params = benchmark(search_params, GROUPS, SORT, 100, 3)
    assert params["searchCriteria[filterGroups][1][filters][0][conditionType]"] == "in"
    assert params["searchCriteria[currentPage]"] == "3"


def _parse(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return dict(process((CRITERIA,), parse_query(pairs))["searchCriteria"])


def test_parse_search_criteria_in_the_fake(benchmark):
    pairs = list(search_params(GROUPS, SORT, 100, 3).items())
    criteria = benchmark(_parse, pairs)
    assert criteria["page_size"] == 100 and criteria["current_page"] == 3
    assert [g["filters"][0]["field"] for g in criteria["filter_groups"]] == ["updated_at", "state"]


def test_run_search_criteria_over_orders(benchmark, magento_orders):
    pairs = list(search_params([[("state", "processing,complete", "in")]], SORT, 50, 2).items())
    criteria = _parse(pairs)
    result = benchmark(search.run, magento_orders["rows"], criteria, ORDER_COLUMNS)
    assert result["total_count"] == len(magento_orders["rows"]) and len(result["items"]) == 50


def test_sign_a_netsuite_request(benchmark):
    auth = OAuth1(
        "ck" * 16, "cs" * 16, "ti" * 16, "ts" * 16, signature_method="HMAC-SHA256", realm="123"
    )
    url = "https://123.suitetalk.api.netsuite.com/services/rest/record/v1/salesOrder"

    def sign() -> str:
        prepared = requests.Request("GET", url, params={"q": "externalId IS mage-1"}).prepare()
        return str(auth(prepared).headers["Authorization"])

    header = benchmark(sign)
    assert 'oauth_signature_method="HMAC-SHA256"' in header and 'realm="123"' in header


def _signed_headers(state: AuthState, count: int) -> list[str]:
    client = Client(
        state.consumer_key,
        client_secret=state.consumer_secret,
        resource_owner_key=state.integration_token,
        resource_owner_secret=state.access_token_secret,
        signature_method=SIGNATURE_HMAC_SHA256,
    )
    query = urlencode({"searchCriteria[pageSize]": "10"})
    return [str(client.sign(f"{URL}?{query}")[1]["Authorization"]) for _ in range(count)]


@pytest.mark.parametrize("remembered", [0, NONCE_MEMORY], ids=["fresh", "full-nonce-memory"])
def test_verify_oauth_in_the_magento_fake(benchmark, remembered):
    state = AuthState.generate(random.Random(1))
    state.nonces = [f"0:old-{n}" for n in range(remembered)]
    headers = iter(_signed_headers(state, 3000))
    query = [("searchCriteria[pageSize]", "10")]
    url = f"{URL}?{urlencode(query)}"

    def verify() -> bool:
        return verify_oauth(state, next(headers), "GET", url, query)

    accepted = benchmark.pedantic(verify, rounds=200, iterations=1, warmup_rounds=5)
    assert accepted is True


@pytest.mark.parametrize(
    ("candidate", "applied", "older"),
    [
        ("2026-11-29T10:00:00", "2026-11-29T11:00:00#abc", True),
        ("11/29/2026 10:00:00", "11/28/2026 10:00:00", False),
        ("ile-000123", "ile-000124", True),
        ("9f86d081884c7d65", "2c26b46b68ffc68f", False),
    ],
    ids=["iso", "netsuite", "sequence", "opaque"],
)
def test_compare_stock_versions(benchmark, candidate, applied, older):
    assert benchmark(is_older, candidate, applied) is older
