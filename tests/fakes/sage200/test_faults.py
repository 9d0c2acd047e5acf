"""Vendor faults (stale_stock, tunnel_down), core faults in Sage's shape, operator events."""

from __future__ import annotations

import pytest

from tests.fakes.sage200.conftest import SageClient


def _stale(api: SageClient, age_s: int = 7200) -> None:
    api.fake.add_fault({"effect": {"kind": "vendor", "name": "stale_stock",
                                   "params": {"age_s": age_s}}})


def test_stale_stock_serves_frozen_figures_with_old_timestamps(api: SageClient) -> None:
    product = api.product()
    holding = product["warehouse_holdings"][0]
    api.fake.clock.advance(600)
    _stale(api, 7200)
    first = api.json("GET", f"/warehouse_holdings/{holding['id']}")
    assert first["date_time_updated"] == "2026-01-05T07:10:00Z"
    api.fake.event("set_stock", product_code=product["code"], warehouse=holding["warehouse_name"],
                   quantity=1)
    frozen = api.json("GET", f"/products/{product['id']}/warehouse_holdings")
    assert frozen[0]["confirmed_qty_in_stock"] == holding["confirmed_qty_in_stock"]
    assert frozen[0]["date_time_updated"] == "2026-01-05T07:10:00Z"
    listed = api.json("GET", f"/warehouse_holdings?$filter=id eq {holding['id']}")
    assert listed == [first]
    assert api.fake.state()["warehouse_holdings"][0]["confirmed_qty_in_stock"] == 1
    api.fake.clear_faults()
    fresh = api.json("GET", f"/warehouse_holdings/{holding['id']}")
    assert fresh["confirmed_qty_in_stock"] == 1


def test_stale_stock_still_checks_auth_and_leaves_other_routes(api: SageClient) -> None:
    _stale(api)
    assert api.get("/warehouse_holdings", headers={}).status_code == 401
    assert api.get("/warehouse_holdings?$filter=bogus eq 1").status_code == 400
    assert api.json("GET", "/warehouses")[0]["name"] == "HOME"
    entry = api.fake.entries()[-1]
    assert entry.fault_id is None and entry.path.endswith("/warehouses")


def test_tunnel_down(api: SageClient) -> None:
    api.fake.add_fault({"effect": {"kind": "vendor", "name": "tunnel_down"}})
    response = api.get("/customers")
    assert response.status_code == 504
    assert response.get_json()["statusCode"] == 504
    assert api.json("GET", "/sites") == []
    assert api.new_token()["access_token"]


def test_http_error_fault_uses_sage_shape(api: SageClient) -> None:
    api.fake.add_fault({"target": {"method": "POST"},
                        "effect": {"kind": "http_error", "status": 403}})
    response = api.post("/sop_orders", json={})
    assert response.status_code == 403
    assert response.get_json() == {"statusCode": 403, "message": "Forbidden"}


def test_throttle_fault_is_429_with_retry_after(api: SageClient) -> None:
    api.fake.add_fault({"effect": {"kind": "throttle", "retry_after_s": 5},
                        "trigger": {"first": 1}})
    response = api.get("/customers")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {
        "statusCode": 429, "message": "Rate limit is exceeded. Try again in 5 seconds."}
    assert api.get("/customers").status_code == 200


def test_unknown_vendor_fault_refused(api: SageClient) -> None:
    with pytest.raises(ValueError, match="stale_stock"):
        api.fake.add_fault({"effect": {"kind": "vendor", "name": "explode"}})


def test_amend_order_event_changes_order_and_timestamp(api: SageClient) -> None:
    order = api.order([{"code": "SKU-000001", "line_quantity": 2}])
    api.fake.clock.advance(120)
    result = api.fake.event("amend_order", id=order["id"], changes={
        "promised_delivery_date": "2026-02-01T00:00:00Z",
        "lines": [{"id": order["lines"][0]["id"], "line_quantity": 1}],
    })
    assert result["id"] == order["id"]
    changed = api.json("GET", f"/sop_orders/{order['id']}?$expand=lines")
    assert changed["promised_delivery_date"] == "2026-02-01T00:00:00Z"
    assert changed["lines"][0]["line_quantity"] == 1
    assert changed["date_time_updated"] == "2026-01-05T09:02:00Z"
    since = api.json("GET", "/sop_orders?$filter=date_time_updated gt 2026-01-05T09:01:00Z")
    assert [o["id"] for o in since] == [order["id"]]


def test_amend_order_can_set_status_and_reports_errors(api: SageClient) -> None:
    order = api.order([{"code": "SKU-000001", "line_quantity": 2}])
    api.fake.event("amend_order", id=order["id"],
                   changes={"document_status": "EnumDocumentStatusOnHold"})
    assert api.json("GET", f"/sop_orders/{order['id']}")["document_status"] == \
        "EnumDocumentStatusOnHold"
    client = api.client
    for payload in ({"id": order["id"], "changes": {"document_status": "Nope"}},
                    {"id": order["id"], "changes": {"lines": [{"code": "X", "line_quantity": 1}]}},
                    {"id": 1, "changes": {}}):
        response = client.post("/__harness__/events", json={"name": "amend_order",
                                                              "payload": payload})
        assert response.status_code == 400, payload


def test_hold_customer_event_and_unknown_reference(api: SageClient) -> None:
    reference = api.customer()["reference"]
    assert api.fake.event("hold_customer", reference=reference, on_hold=True)["on_hold"] is True
    assert api.fake.event("hold_customer", reference=reference, on_hold=False)["on_hold"] is False
    response = api.client.post("/__harness__/events", json={
        "name": "hold_customer", "payload": {"reference": "NOPE", "on_hold": True}})
    assert response.status_code == 400


def test_set_stock_unknown_codes_and_new_holding(api: SageClient) -> None:
    response = api.client.post("/__harness__/events", json={
        "name": "set_stock", "payload": {"product_code": "NOPE", "warehouse": "HOME",
                                         "quantity": 1}})
    assert response.status_code == 400
    backend = api.fake.backend
    product = api.product()
    holding = product["warehouse_holdings"][-1]
    del backend.holding_index[(product["id"], holding["warehouse_id"])]
    del backend.holdings[holding["id"]]
    created = api.fake.event("set_stock", product_code=product["code"],
                             warehouse=holding["warehouse_name"], quantity=4)
    assert created["warehouse_holding_id"] != holding["id"]
    assert len(api.json("GET", f"/products/{product['id']}/warehouse_holdings")) == 3


def test_silent_drop_and_lose_response_on_post(api: SageClient) -> None:
    from fakes.core.transport import TransportFault

    api.fake.add_fault({"target": {"method": "POST", "path": "sop_orders"},
                        "effect": {"kind": "silent_drop"}, "trigger": {"first": 1}})
    assert api.post("/sop_orders", json={"customer_id": 30001}).status_code == 200
    assert api.json("GET", "/sop_orders") == []
    api.fake.add_fault({"target": {"method": "POST", "path": "sop_orders"},
                        "effect": {"kind": "lose_response"}, "trigger": {"first": 1}})
    with pytest.raises(TransportFault):
        api.post("/sop_orders", json={"customer_id": 30001})
    assert len(api.json("GET", "/sop_orders")) == 1


def test_each_stale_fault_takes_its_own_snapshot(api: SageClient) -> None:
    product = api.product()
    holding = product["warehouse_holdings"][0]
    _stale(api, 60)
    assert api.json("GET", f"/warehouse_holdings/{holding['id']}")["confirmed_qty_in_stock"] == \
        holding["confirmed_qty_in_stock"]
    api.fake.clear_faults()
    api.fake.event("set_stock", product_code=product["code"], warehouse=holding["warehouse_name"],
                   quantity=9)
    _stale(api, 60)
    assert api.json("GET", f"/warehouse_holdings/{holding['id']}")["confirmed_qty_in_stock"] == 9


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("set_stock", {"product_code": "SKU-000001", "warehouse": "HOME", "quantity": "lots"}),
        ("set_price", {"product_code": "SKU-000001", "price": None}),
        ("set_credit", {"reference": "CUST0001", "credit_limit": "NaN"}),
        ("despatch", {"id": 60001, "lines": [{"line_id": 1, "quantity": "x"}]}),
        ("despatch", {"id": 60001, "lines": "nope"}),
        ("amend_order", {"id": 60001, "changes": "nope"}),
        ("cancel_order", {"id": 1}),
        ("invoice_order", {"id": 1}),
    ],
)
def test_bad_event_payloads_are_400_not_500(api: SageClient, name: str, payload: dict) -> None:
    response = api.client.post("/__harness__/events", json={"name": name, "payload": payload})
    assert response.status_code == 400, response.get_data(as_text=True)
