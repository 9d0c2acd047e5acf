"""Gateway protocol: Basic auth, CSRF and sessions, JSON shapes, query options, errors."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
import requests
from werkzeug.test import Client

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake, create_fake
from fakes.core.spec import ErrorRequest
from fakes.s4hana.errors import render_error
from tests.fakes.s4hana.conftest import (
    BP,
    CUSTOMER,
    MATERIAL,
    PRODUCT,
    SO,
    STOCK,
    basic,
    create_order,
    csrf_session,
    order_body,
)

SO_PATH = "/sap/opu/odata/sap/API_SALES_ORDER_SRV"
ERROR_KEYS = {"application", "transactionid", "timestamp", "Error_Resolution", "errordetails"}


def assert_sap_error(
    response: requests.Response, status: int, code: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "innererror"}
    assert error["message"]["lang"] == "en" and error["message"]["value"]
    assert set(error["innererror"]) == ERROR_KEYS
    assert re.fullmatch(r"\d{14}\.\d{7}", error["innererror"]["timestamp"])
    assert re.fullmatch(r"[0-9A-F]{32}", error["innererror"]["transactionid"])
    for detail in error["innererror"]["errordetails"]:
        assert set(detail) == {"code", "message", "propertyref", "severity", "target"}
    if code is not None:
        assert error["code"] == code
    return error  # type: ignore[no-any-return]


# -- authentication -------------------------------------------------------------------------
def test_wrong_password_gets_the_icf_logon_page(fake: Fake, fleet: FakeFleet) -> None:
    response = requests.get(f"{SO}/A_SalesOrder", auth=("S4_COMM_USER", "wrong"), timeout=5)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        'Basic realm="SAP NetWeaver Application Server [S4H/100]"'
    )
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Logon failed" in response.text
    assert fake.credentials()["password"] not in response.text


def test_missing_credentials_and_foreign_client_are_refused(fake: Fake, wsgi: Client) -> None:
    assert wsgi.get(f"{SO_PATH}/$metadata").status_code == 401
    refused = wsgi.get(f"{SO_PATH}/$metadata?sap-client=200", headers=basic(fake))
    assert refused.status_code == 401
    assert "[S4H/200]" in refused.headers["www-authenticate"]
    assert wsgi.get(f"{SO_PATH}/$metadata?sap-client=100", headers=basic(fake)).status_code == 200


def test_credentials_are_deterministic_per_seed() -> None:
    assert (
        create_fake("s4hana", seed=5).credentials() == create_fake("s4hana", seed=5).credentials()
    )
    assert (
        create_fake("s4hana", seed=5).credentials() != create_fake("s4hana", seed=6).credentials()
    )


# -- CSRF -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [("HEAD", "/"), ("HEAD", ""), ("GET", "/"), ("GET", ""), ("GET", "/$metadata")],
)
def test_csrf_fetch_returns_token_and_session_cookies(
    fake: Fake, wsgi: Client, method: str, path: str
) -> None:
    headers = {**basic(fake), "x-csrf-token": "Fetch"}
    response = wsgi.open(SO_PATH + path, method=method, headers=headers)
    assert response.status_code == 200
    assert re.fullmatch(r"[A-Za-z0-9]{22}==", response.headers["x-csrf-token"])
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("SAP_SESSIONID_S4H_100=") for c in cookies)
    assert "sap-usercontext=sap-client=100; path=/" in cookies


def test_modifying_without_token_is_refused(fake: Fake, wsgi: Client) -> None:
    response = wsgi.post(f"{SO_PATH}/A_SalesOrder", json=order_body(), headers=basic(fake))
    assert response.status_code == 403
    assert response.headers["x-csrf-token"] == "Required"
    assert response.get_data(as_text=True) == "CSRF token validation failed"
    assert fake.state()["salesOrders"] == []


def _fetch(fake: Fake) -> tuple[Client, str]:
    client = Client(fake.wsgi)
    response = client.get(f"{SO_PATH}/", headers={**basic(fake), "x-csrf-token": "fetch"})
    return client, response.headers["x-csrf-token"]


def test_token_is_bound_to_its_session_cookie(fake: Fake) -> None:
    first, first_token = _fetch(fake)
    second, second_token = _fetch(fake)
    assert first_token != second_token
    headers = {**basic(fake), "x-csrf-token": first_token}
    crossed = second.post(f"{SO_PATH}/A_SalesOrder", json=order_body(), headers=headers)
    assert crossed.status_code == 403
    no_cookie = Client(fake.wsgi).post(
        f"{SO_PATH}/A_SalesOrder", json=order_body(), headers=headers
    )
    assert no_cookie.status_code == 403
    assert (
        first.post(f"{SO_PATH}/A_SalesOrder", json=order_body(), headers=headers).status_code == 201
    )


def test_expire_csrf_event_invalidates_tokens(fake: Fake) -> None:
    client, token = _fetch(fake)
    headers = {**basic(fake), "x-csrf-token": token}
    assert fake.event("expire_csrf") == {"expired_sessions": 1}
    assert (
        client.post(f"{SO_PATH}/A_SalesOrder", json=order_body(), headers=headers).status_code
        == 403
    )
    fresh = client.get(f"{SO_PATH}/", headers={**basic(fake), "x-csrf-token": "fetch"})
    assert fresh.headers["x-csrf-token"] != token
    headers["x-csrf-token"] = fresh.headers["x-csrf-token"]
    assert (
        client.post(f"{SO_PATH}/A_SalesOrder", json=order_body(), headers=headers).status_code
        == 201
    )


def test_idle_sessions_time_out_on_the_simulated_clock(fake: Fake) -> None:
    client, token = _fetch(fake)
    fake.clock.advance(1801)
    response = client.post(
        f"{SO_PATH}/A_SalesOrder", json=order_body(), headers={**basic(fake), "x-csrf-token": token}
    )
    assert response.status_code == 403


def test_session_expired_vendor_fault(fake: Fake, fleet: FakeFleet, http: requests.Session) -> None:
    fake.add_fault(
        {"effect": {"kind": "vendor", "name": "session_expired"}, "trigger": {"first": 1}}
    )
    response = http.post(f"{SO}/A_SalesOrder", json=order_body(), timeout=5)
    assert response.status_code == 403
    http.headers["x-csrf-token"] = http.head(SO, headers={"x-csrf-token": "fetch"}).headers[
        "x-csrf-token"
    ]
    assert http.post(f"{SO}/A_SalesOrder", json=order_body(), timeout=5).status_code == 201


# -- JSON shapes ----------------------------------------------------------------------------
def test_entity_json_has_metadata_etag_dates_and_decimal_strings(http: requests.Session) -> None:
    order = create_order(http)
    response = http.get(f"{SO}/A_SalesOrder('{order['SalesOrder']}')", timeout=5)
    body = response.json()["d"]
    meta = body["__metadata"]
    assert meta["uri"] == f"{SO}/A_SalesOrder('{order['SalesOrder']}')" == meta["id"]
    assert meta["type"] == "API_SALES_ORDER_SRV.A_SalesOrderType"
    assert meta["etag"] == response.headers["ETag"]
    assert re.fullmatch(r"W/\"datetimeoffset'2026-01-05T09%3A00%3A00\.\d{7}Z'\"", meta["etag"])
    assert re.fullmatch(r"/Date\(\d+\)/", body["CreationDate"])
    assert re.fullmatch(r"/Date\(\d+\+0000\)/", body["LastChangeDateTime"])
    assert isinstance(body["TotalNetAmount"], str) and re.fullmatch(
        r"\d+\.\d{2}", body["TotalNetAmount"]
    )
    assert body["to_Item"] == {"__deferred": {"uri": f"{meta['uri']}/to_Item"}}
    assert body["CustomerPurchaseOrderDate"] is None


def test_service_document_lists_entity_sets(http: requests.Session) -> None:
    assert http.get(f"{SO}/", timeout=5).json() == {
        "d": {"EntitySets": ["A_SalesOrder", "A_SalesOrderItem", "A_SalesOrderItemPrElement"]}
    }


# -- query options --------------------------------------------------------------------------
def test_server_paging_gives_absolute_same_origin_next_links(fake: Fake, fleet: FakeFleet) -> None:
    fake = create_fake("s4hana", seed=1, options={"page_size": 10})
    with FakeFleet({"s4hana": fake}):
        http = csrf_session(fake, PRODUCT)
        url = f"{PRODUCT}/A_Product?$select=Product&$inlinecount=allpages"
        seen: list[str] = []
        while url:
            body = http.get(url, timeout=5).json()["d"]
            assert body["__count"] == "24"
            seen += [r["Product"] for r in body["results"]]
            url = body.get("__next")
            if url:
                assert url.startswith(f"{PRODUCT}/A_Product?") and "$skiptoken=" in url
        assert len(seen) == len(set(seen)) == 24


def test_top_skip_and_paging_combine(fake: Fake) -> None:
    fake = create_fake("s4hana", seed=1, options={"page_size": 4})
    with FakeFleet({"s4hana": fake}):
        http = csrf_session(fake, PRODUCT)
        first = http.get(f"{PRODUCT}/A_Product?$skip=2&$top=6&$select=Product", timeout=5).json()[
            "d"
        ]
        second = http.get(first["__next"], timeout=5).json()["d"]
        names = [r["Product"] for r in first["results"] + second["results"]]
        assert names == [f"SKU-{i:06d}" for i in range(3, 9)]
        assert "__next" not in second


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Product eq 'SKU-000003'", ["SKU-000003"]),
        (
            "Product ne 'SKU-000003' and Product le 'SKU-000004'",
            ["SKU-000001", "SKU-000002", "SKU-000004"],
        ),
        (
            "(Product eq 'SKU-000001' or Product eq 'SKU-000024') and ProductType eq 'HAWA'",
            ["SKU-000001", "SKU-000024"],
        ),
        (
            "substringof('-00002', Product) and Product gt 'SKU-000022'",
            ["SKU-000023", "SKU-000024"],
        ),
        ("startswith(Product, 'SKU-00001') and endswith(Product, '9')", ["SKU-000019"]),
        (
            "Product ge 'SKU-000023' and CreationDate eq datetime'2026-01-05T00:00:00'",
            ["SKU-000023", "SKU-000024"],
        ),
        ("Product lt 'SKU-000002' and not (GrossWeight lt 0m)", ["SKU-000001"]),
        ("CreationDate gt datetime'2026-01-05T00:00:00'", []),
        # string keys pinned by an and chain narrow the records before the whole filter runs
        ("'SKU-000003' eq Product", ["SKU-000003"]),
        ("Product eq 'sku-000003'", []),
        ("Product eq 'SKU-000003' and Product eq 'SKU-000004'", []),
        ("Product eq 'SKU-000003' or Product eq 'SKU-000004'", ["SKU-000003", "SKU-000004"]),
        (
            "Product eq 'SKU-000001' and ProductType eq 'HAWA' or Product eq 'SKU-000024'",
            ["SKU-000001", "SKU-000024"],
        ),
        ("not Product eq 'SKU-000003' and Product le 'SKU-000002'", ["SKU-000001", "SKU-000002"]),
        ("Product eq 'SKU-000003' and (ProductType eq 'X' or Product eq 'SKU-000003')",
         ["SKU-000003"]),
    ],
)
def test_filter_operators(http: requests.Session, expression: str, expected: list[str]) -> None:
    response = http.get(
        f"{PRODUCT}/A_Product", params={"$filter": expression, "$select": "Product"}
    )
    assert response.status_code == 200, response.text
    assert [r["Product"] for r in response.json()["d"]["results"]] == expected


def test_orderby_count_and_inlinecount(http: requests.Session) -> None:
    response = http.get(
        f"{PRODUCT}/A_Product",
        params={
            "$orderby": "Product desc",
            "$top": "2",
            "$inlinecount": "allpages",
            "$select": "Product",
        },
    )
    body = response.json()["d"]
    assert [r["Product"] for r in body["results"]] == ["SKU-000024", "SKU-000023"]
    assert body["__count"] == "24"
    count = http.get(f"{PRODUCT}/A_Product/$count", params={"$filter": "Product gt 'SKU-000020'"})
    assert (count.text, count.headers["Content-Type"].split(";")[0]) == ("4", "text/plain")


def test_select_and_nested_expand(http: requests.Session) -> None:
    response = http.get(
        f"{BP}/A_BusinessPartner('{CUSTOMER}')",
        params={
            "$expand": "to_Customer/to_CustomerSalesArea",
            "$select": "BusinessPartner,to_Customer/Customer,"
            "to_Customer/to_CustomerSalesArea/Currency",
        },
    )
    body = response.json()["d"]
    assert set(body) == {"__metadata", "BusinessPartner", "to_Customer"}
    customer = body["to_Customer"]
    assert customer["Customer"] == CUSTOMER
    assert [a["Currency"] for a in customer["to_CustomerSalesArea"]["results"]] == ["EUR"]


def test_navigation_paths_and_single_property(http: requests.Session) -> None:
    order = create_order(
        http,
        items=[
            {"Material": MATERIAL, "RequestedQuantity": "1"},
            {"Material": MATERIAL, "RequestedQuantity": "3"},
        ],
    )
    base = f"{SO}/A_SalesOrder('{order['SalesOrder']}')"
    items = http.get(f"{base}/to_Item").json()["d"]["results"]
    assert [i["SalesOrderItem"] for i in items] == ["10", "20"]
    one = http.get(f"{base}/to_Item(SalesOrder='{order['SalesOrder']}',SalesOrderItem='20')")
    assert one.json()["d"]["RequestedQuantity"] == "3"
    assert http.get(f"{base}/to_Item/$count").text == "2"
    assert http.get(f"{base}/SoldToParty").json() == {"d": {"SoldToParty": CUSTOMER}}
    parent = http.get(
        f"{SO}/A_SalesOrderItem(SalesOrder='{order['SalesOrder']}',SalesOrderItem='10')/to_SalesOrder"
    )
    assert parent.json()["d"]["SalesOrder"] == order["SalesOrder"]


# -- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/A_Nothing", {}, 404),
        ("/A_SalesOrder('404')", {}, 404),
        ("/A_SalesOrder", {"$filter": "Nope eq 'x'"}, 400),
        ("/A_SalesOrder", {"$filter": "SalesOrder eq"}, 400),
        ("/A_SalesOrder", {"$filter": "SalesOrder eq 1"}, 400),
        ("/A_SalesOrder", {"$top": "-1"}, 400),
        ("/A_SalesOrder", {"$orderby": "SalesOrder sideways"}, 400),
        ("/A_SalesOrder", {"$expand": "to_Nowhere"}, 400),
        ("/A_SalesOrder", {"$select": "Nope"}, 400),
        ("/A_SalesOrder(1)", {}, 400),
        ("/A_SalesOrderItem('1')", {}, 400),
    ],
)
def test_bad_reads_get_sap_errors(
    http: requests.Session, path: str, params: dict[str, Any], status: int
) -> None:
    create_order(http)
    assert_sap_error(http.get(SO + path, params=params, timeout=5), status)


def test_unknown_service_is_a_gateway_error(http: requests.Session) -> None:
    response = http.get("https://s4.fake.test/sap/opu/odata/sap/API_NOPE_SRV/", timeout=5)
    assert assert_sap_error(response, 404, "/IWFND/MED/170")


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        json.dumps({"Bogus": 1}).encode(),
        json.dumps({**order_body(), "SoldToParty": 17}).encode(),
        json.dumps(order_body(items=[{"Material": MATERIAL, "RequestedQuantity": "abc"}])).encode(),
        json.dumps(order_body(items=[{"Material": MATERIAL}])).encode(),
        json.dumps(order_body(items="nope")).encode(),
        json.dumps({**order_body(), "SoldToParty": "X" * 11}).encode(),
    ],
)
def test_malformed_bodies_get_400_in_sap_shape(
    fake: Fake, http: requests.Session, body: bytes
) -> None:
    response = http.post(
        f"{SO}/A_SalesOrder", data=body, headers={"Content-Type": "application/json"}
    )
    assert_sap_error(response, 400)
    assert fake.state()["salesOrders"] == []


def test_writes_to_read_only_sets_are_not_implemented(http: requests.Session) -> None:
    response = http.post(f"{STOCK}/A_MaterialStock", json={"Material": "X"})
    error = assert_sap_error(response, 501)
    assert "not implemented in data provider class" in error["message"]["value"]


@pytest.mark.parametrize(
    ("effect", "status", "code"),
    [
        ({"kind": "http_error", "status": 503}, 503, "/IWFND/CM_BEC/026"),
        ({"kind": "http_error", "status": 500, "code": "SY/530", "message": "boom"}, 500, "SY/530"),
        ({"kind": "throttle", "retry_after_s": 7}, 429, None),
    ],
)
def test_injected_errors_use_the_sap_shape(
    fake: Fake, http: requests.Session, effect: dict[str, Any], status: int, code: str | None
) -> None:
    fake.add_fault({"effect": effect, "trigger": {"first": 1}})
    response = http.get(f"{SO}/A_SalesOrder", timeout=5)
    error = assert_sap_error(response, status, code)
    application = error["innererror"]["application"]
    assert (application["service_id"], application["component_id"]) == (
        "API_SALES_ORDER_SRV",
        "SD-SLS-API",
    )
    if status == 429:
        assert response.headers["Retry-After"] == "7"


def test_concurrency_cap_uses_the_sap_shape() -> None:
    fake = create_fake("s4hana")
    with fake.flask.app_context():
        response = render_error(ErrorRequest("concurrency", 429))
    body = json.loads(response.get_data())
    assert body["error"]["code"] == "/IWFND/CM_CONSUMER/430"
    assert body["error"]["innererror"]["errordetails"][0]["severity"] == "error"


# -- concurrency ----------------------------------------------------------------------------
def test_stale_if_match_is_refused_with_412(http: requests.Session) -> None:
    order = create_order(http)
    url = f"{SO}/A_SalesOrder('{order['SalesOrder']}')"
    etag = order["__metadata"]["etag"]
    changed = http.patch(url, json={"PurchaseOrderByCustomer": "A"}, headers={"If-Match": etag})
    assert changed.status_code == 204 and changed.headers["ETag"] != etag
    stale = http.patch(url, json={"PurchaseOrderByCustomer": "B"}, headers={"If-Match": etag})
    assert_sap_error(stale, 412, "/IWBEP/CM_MGW_RT/190")
    assert http.get(url).json()["d"]["PurchaseOrderByCustomer"] == "A"
    assert (
        http.patch(
            url, json={"PurchaseOrderByCustomer": "C"}, headers={"If-Match": "*"}
        ).status_code
        == 204
    )


def test_if_match_can_be_required() -> None:
    fake = create_fake("s4hana", options={"require_if_match": True})
    with FakeFleet({"s4hana": fake}):
        http = csrf_session(fake)
        order = create_order(http)
        url = f"{SO}/A_SalesOrder('{order['SalesOrder']}')"
        assert_sap_error(http.patch(url, json={"PurchaseOrderByCustomer": "A"}), 428)
        ok = http.patch(
            url,
            json={"PurchaseOrderByCustomer": "A"},
            headers={"If-Match": order["__metadata"]["etag"]},
        )
        assert ok.status_code == 204


def test_merge_tunnelled_through_post(http: requests.Session) -> None:
    order = create_order(http)
    url = f"{SO}/A_SalesOrder('{order['SalesOrder']}')"
    response = http.post(
        url, json={"PurchaseOrderByCustomer": "TUNNEL"}, headers={"X-HTTP-Method": "MERGE"}
    )
    assert response.status_code == 204
    assert http.get(url).json()["d"]["PurchaseOrderByCustomer"] == "TUNNEL"


def test_etag_conflict_vendor_fault(fake: Fake, http: requests.Session) -> None:
    order = create_order(http)
    fake.add_fault(
        {
            "target": {"method": "PATCH"},
            "effect": {"kind": "vendor", "name": "etag_conflict"},
            "trigger": {"first": 1},
        }
    )
    url = f"{SO}/A_SalesOrder('{order['SalesOrder']}')"
    assert_sap_error(http.patch(url, json={"PurchaseOrderByCustomer": "A"}), 412)
    assert http.patch(url, json={"PurchaseOrderByCustomer": "A"}).status_code == 204


def test_document_locked_vendor_fault(fake: Fake, http: requests.Session) -> None:
    order = create_order(http)
    fake.add_fault(
        {"target": {"method": "PATCH"}, "effect": {"kind": "vendor", "name": "document_locked"}}
    )
    url = f"{SO}/A_SalesOrder('{order['SalesOrder']}')"
    error = assert_sap_error(http.patch(url, json={"PurchaseOrderByCustomer": "A"}), 400, "V1/042")
    assert order["SalesOrder"] in error["message"]["value"]


def test_idle_timeout_uses_the_clock(fake: Fake, http: requests.Session) -> None:
    fake.clock.advance(timedelta(minutes=29).total_seconds())
    assert http.post(f"{SO}/A_SalesOrder", json=order_body()).status_code == 201
    fake.clock.advance(timedelta(minutes=31).total_seconds())
    assert http.post(f"{SO}/A_SalesOrder", json=order_body()).status_code == 403


# -- Atom (the default when JSON is not asked for) ------------------------------------------
ATOM = "{http://www.w3.org/2005/Atom}"
META = "{http://schemas.microsoft.com/ado/2007/08/dataservices/metadata}"
DATA = "{http://schemas.microsoft.com/ado/2007/08/dataservices}"


def node(element: ET.Element, path: str) -> ET.Element:
    found = element.find(path)
    assert found is not None, path
    return found


def test_atom_feed_and_entry_without_json_accept(http: requests.Session) -> None:
    order = create_order(http)
    del http.headers["Accept"]
    feed = http.get(f"{SO}/A_SalesOrder", params={"$inlinecount": "allpages", "$expand": "to_Item"})
    assert feed.headers["Content-Type"].startswith("application/atom+xml;type=feed")
    root = ET.fromstring(feed.content)
    assert root.tag == ATOM + "feed" and node(root, META + "count").text == "1"
    entry = node(root, ATOM + "entry")
    assert entry.get(META + "etag") == order["__metadata"]["etag"]
    props = node(entry, f"{ATOM}content/{META}properties")
    assert node(props, DATA + "SoldToParty").text == CUSTOMER
    assert node(props, DATA + "TotalNetAmount").get(META + "type") == "Edm.Decimal"
    assert node(props, DATA + "CustomerPurchaseOrderDate").get(META + "null") == "true"
    inline = node(entry, f"{ATOM}link[@title='to_Item']/{META}inline/{ATOM}feed")
    assert len(inline.findall(ATOM + "entry")) == 1
    single = http.get(f"{SO}/A_SalesOrder('{order['SalesOrder']}')", params={"$format": "xml"})
    assert ET.fromstring(single.content).tag == ATOM + "entry"


def test_xml_error_document_without_json_accept(http: requests.Session) -> None:
    del http.headers["Accept"]
    response = http.get(f"{SO}/A_SalesOrder('404')")
    assert response.status_code == 404
    root = ET.fromstring(response.content)
    assert root.tag == META + "error"
    assert node(root, META + "code").text == "/IWBEP/CM_MGW_RT/020"
    assert (
        node(root, f"{META}innererror/{META}errordetails/{META}errordetail/{META}severity").text
        == "error"
    )
