"""zeep, unchanged, against the fake: every operation, typed faults, WS-Security, served HTTP."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import requests
import zeep
from zeep.exceptions import Fault
from zeep.transports import Transport
from zeep.wsse.username import UsernameToken

from contracts.legacy.wsdl import validate_wsdl
from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake
from fakes.core.server import serve

WSDL = "https://legacy.fake.test/soap/OrderService?wsdl"
LINES = {"line": [
    {"sku": "SKU-000001", "quantity": 2, "unit_price": Decimal("9.99"), "warehouse": "WH01"},
    {"sku": "SKU-000002", "quantity": 1, "unit_price": Decimal("5"), "warehouse": "WH02"},
    {"sku": "NOPE", "quantity": 1, "unit_price": Decimal("1"), "warehouse": "WH01"},
]}


def basic_client(fake: Fake, wsdl: str = WSDL) -> zeep.Client:
    session = requests.Session()
    creds = fake.credentials()
    session.auth = (creds["username"], creds["password"])
    session.headers["Connection"] = "close"  # idle keep-alives delay the served fake's close
    return zeep.Client(wsdl=wsdl, transport=Transport(session=session))


def create(client: zeep.Client, order_ref: str = "100000001", lines=None):
    return client.service.CreateOrder(order_ref=order_ref, customer_ref="CUST0001",
                                      order_date=dt.date(2026, 1, 5), lines=lines or LINES)


def test_every_operation_through_zeep(fleet: FakeFleet, fake: Fake) -> None:
    client = basic_client(fake)
    result = create(client)
    assert (result.status, result.erp_order_no) == ("partial", "SO000001")
    assert [ln.line_no for ln in result.accepted_lines.line] == [1, 2]
    [rejected] = result.rejected_lines.line
    assert (rejected.line_no, rejected.code) == (3, "UNKNOWN_SKU")

    order = client.service.GetOrder(erp_order_no="SO000001")
    assert (order.order_ref, order.order_date, order.status) == ("100000001", dt.date(2026, 1, 5),
                                                                  "open")
    assert order.lines.line[0].unit_price == Decimal("9.99")

    fake.event("set_stock", sku="SKU-000001", warehouse="WH01", quantity=10)
    fake.clock.advance(60)
    fake.event("ship_order", erp_order_no="SO000001", lines=[{"line_no": 1, "quantity": 2}],
               tracking="1Z999")
    stock = client.service.GetStock(sku="SKU-000001", warehouse="WH01")
    assert [(s.sku, s.warehouse, s.quantity) for s in stock] == [("SKU-000001", "WH01", 8)]
    assert stock[0].as_of == dt.datetime(2026, 1, 5, 9, 1, tzinfo=dt.UTC)
    assert len(client.service.GetStock()) == 24 * 3

    shipments = client.service.ListShipments(since=dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC))
    assert [(s.tracking, s.lines.line[0].quantity) for s in shipments] == [("1Z999", 2)]
    assert client.service.ListShipments(since=dt.datetime(2026, 1, 6, tzinfo=dt.UTC)) in (None, [])


def test_no_idempotency_find_by_reference_sees_copies(fleet: FakeFleet, fake: Fake) -> None:
    client = basic_client(fake)
    first, second = create(client), create(client)
    assert first.erp_order_no != second.erp_order_no
    found = client.service.FindOrdersByReference(order_ref="100000001")
    assert [o.erp_order_no for o in found] == [first.erp_order_no, second.erp_order_no]
    assert client.service.FindOrdersByReference(order_ref="nothing") in (None, [])


def test_fault_has_typed_detail(fleet: FakeFleet, fake: Fake) -> None:
    client = basic_client(fake)
    with pytest.raises(Fault) as caught:
        client.service.GetOrder(erp_order_no="SO999999")
    fault = caught.value
    assert (fault.code, fault.message) == ("soap:Client", "Order 'SO999999' does not exist.")
    detail_type = client.get_element("ns0:OrderServiceFault")
    detail = detail_type.parse(fault.detail[0], client.wsdl.types)
    assert (detail.code, detail.field) == ("ORDER_NOT_FOUND", "erp_order_no")


def test_zeep_client_side_validation_is_not_needed_for_server_faults(fleet: FakeFleet,
                                                                      fake: Fake) -> None:
    client = basic_client(fake)
    with pytest.raises(Fault) as caught:
        client.service.CreateOrder(order_ref="1", customer_ref="CUST9999",
                                   order_date=dt.date(2026, 1, 5), lines=LINES)
    assert caught.value.detail[0][0].text == "UNKNOWN_CUSTOMER"


def test_username_token_digest(fleet: FakeFleet, fake: Fake) -> None:
    creds = fake.credentials()
    good = zeep.Client(WSDL, wsse=UsernameToken(creds["username"], creds["password"],
                                                use_digest=True))
    assert len(good.service.GetStock(sku="SKU-000001")) == 3
    bad = zeep.Client(WSDL, wsse=UsernameToken(creds["username"], "wrong", use_digest=True))
    with pytest.raises(Fault) as caught:
        bad.service.GetStock(sku="SKU-000001")
    assert caught.value.code == "wsse:FailedAuthentication"


def test_missing_credentials_surface_in_zeep(fleet: FakeFleet, fake: Fake) -> None:
    client = zeep.Client(WSDL)
    with pytest.raises(Fault) as caught:
        client.service.GetStock()
    assert caught.value.message == "HTTP Basic authentication is required."


def test_partial_import_vendor_fault_strikes_one_request(fleet: FakeFleet, fake: Fake) -> None:
    client = basic_client(fake)
    fake.add_fault({"target": {"path": "/soap/OrderService", "body_contains": "CreateOrder"},
                    "effect": {"kind": "vendor", "name": "partial_import",
                               "params": {"every": 1}}, "trigger": {"first": 1}})
    struck = create(client, lines={"line": LINES["line"][:2]})
    assert struck.status == "rejected" and struck.erp_order_no is None
    assert {r.code for r in struck.rejected_lines.line} == {"LOCKED"}
    assert create(client, lines={"line": LINES["line"][:2]}).status == "accepted"


def test_served_fake_works_with_zeep_and_ready_file(tmp_path) -> None:
    from fakes.legacy import SPEC

    fake = Fake(SPEC, seed=2, options={"root_dir": str(tmp_path / "erp")})
    with serve({"legacy": fake}) as servers:
        entry = servers.ready()["legacy"]
        assert entry["wsdl_url"] == fake.base_url + "/soap/OrderService?wsdl"
        assert entry["inbound_dir"] == str(tmp_path / "erp" / "inbound")
        assert entry["outbound_dir"] == str(tmp_path / "erp" / "outbound")
        assert set(entry["credentials"]) == {"username", "password"}
        wsdl = requests.get(entry["wsdl_url"], timeout=5, headers={"Connection": "close"})
        assert validate_wsdl(wsdl.content) == (True, "ok")
        client = basic_client(fake, entry["wsdl_url"])
        assert client.service._binding_options["address"].startswith("http://127.0.0.1:")
        assert create(client).erp_order_no == "SO000001"
