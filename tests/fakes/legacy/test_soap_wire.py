"""The SOAP 1.1 wire: WSDL, envelopes, SOAPAction, faults and auth, checked on raw XML."""

from __future__ import annotations

from lxml import etree
from werkzeug.test import Client

from contracts.legacy.wsdl import validate_wsdl
from fakes.core.fake import Fake
from fakes.legacy import LegacyBackend
from tests.fakes.legacy.helpers import NS, action, envelope

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
URL = "/soap/OrderService"
CREATE = (
    "<tns:CreateOrder><tns:order_ref>100000001</tns:order_ref>"
    "<tns:customer_ref>{customer}</tns:customer_ref><tns:order_date>2026-01-05</tns:order_date>"
    "<tns:lines>{lines}</tns:lines></tns:CreateOrder>"
)
LINE = ("<tns:line><tns:sku>{sku}</tns:sku><tns:quantity>{qty}</tns:quantity>"
        "<tns:unit_price>9.50</tns:unit_price><tns:warehouse>WH01</tns:warehouse></tns:line>")


def create_body(customer: str = "CUST0001", lines: tuple[tuple[str, str], ...] = (
        ("SKU-000001", "2"),)) -> str:
    return CREATE.format(customer=customer,
                         lines="".join(LINE.format(sku=s, qty=q) for s, q in lines))


def fault_of(response) -> dict[str, str | None]:
    root = etree.fromstring(response.get_data())
    fault = root.find(f"{{{SOAP}}}Body/{{{SOAP}}}Fault")
    assert fault is not None, response.get_data()
    typed = fault.find(f"detail/{{{NS}}}OrderServiceFault")
    assert typed is not None
    return {"faultcode": fault.findtext("faultcode"), "faultstring": fault.findtext("faultstring"),
            "code": typed.findtext(f"{{{NS}}}code"), "field": typed.findtext(f"{{{NS}}}field")}


def post(client: Client, body: bytes, headers: dict[str, str]):
    return client.post(URL, data=body, headers=headers)


def test_wsdl_is_the_contract_with_the_callers_address(client: Client) -> None:
    response = client.get(URL + "?wsdl", base_url="http://erp.example.test:8080")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert validate_wsdl(response.get_data()) == (True, "ok")
    assert b'location="http://erp.example.test:8080/soap/OrderService"' in response.get_data()
    assert client.get(URL + "?WSDL").status_code == 200
    assert client.get(URL).status_code == 405


def test_create_order_reports_partial_success(client: Client, auth, fake: Fake) -> None:
    body = envelope(create_body(lines=(("SKU-000001", "2"), ("NOPE", "1"), ("SKU-000002", "0"))))
    response = post(client, body, {**action("CreateOrder"), **auth})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = etree.fromstring(response.get_data())
    result = root.find(f"{{{SOAP}}}Body/{{{NS}}}CreateOrderResponse")
    assert result.findtext(f"{{{NS}}}status") == "partial"
    assert result.findtext(f"{{{NS}}}erp_order_no") == "SO000001"
    codes = [e.text for e in result.iterfind(f"{{{NS}}}rejected_lines/{{{NS}}}line/{{{NS}}}code")]
    assert codes == ["UNKNOWN_SKU", "BAD_QUANTITY"]
    assert fake.state()["orders"][0]["source"] == "soap"


def test_all_lines_rejected_creates_nothing(client: Client, auth, fake: Fake) -> None:
    response = post(client, envelope(create_body(lines=(("NOPE", "1"),))),
                    {**action("CreateOrder"), **auth})
    root = etree.fromstring(response.get_data())
    assert root.findtext(f".//{{{NS}}}status") == "rejected"
    assert root.find(f".//{{{NS}}}erp_order_no") is None
    assert fake.state()["orders"] == []


def test_unknown_customer_is_a_typed_client_fault(client: Client, auth) -> None:
    response = post(client, envelope(create_body(customer="CUST9999")),
                    {**action("CreateOrder"), **auth})
    assert response.status_code == 500
    assert fault_of(response) == {"faultcode": "soap:Client", "code": "UNKNOWN_CUSTOMER",
                                  "faultstring": "Customer 'CUST9999' does not exist.",
                                  "field": "customer_ref"}


def test_malformed_requests_get_client_faults_never_tracebacks(client: Client, auth) -> None:
    headers = {**action("GetOrder"), **auth}
    cases = {
        b"<not-xml": "MALFORMED_REQUEST",
        b"": "MALFORMED_REQUEST",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>': "MALFORMED_REQUEST",
        b"<plain/>": "INVALID_REQUEST",
        envelope(""): "INVALID_REQUEST",
        envelope("<tns:Nope/>"): "UNKNOWN_OPERATION",
        envelope("<tns:GetOrder><tns:wrong>1</tns:wrong></tns:GetOrder>"): "SCHEMA_VALIDATION",
        envelope(create_body(lines=(("SKU-000001", "two"),))): "SCHEMA_VALIDATION",
    }
    for body, code in cases.items():
        response = post(client, body, headers if b"CreateOrder" not in body
                        else {**action("CreateOrder"), **auth})
        assert response.status_code == 500, body
        fault = fault_of(response)
        assert (fault["faultcode"], fault["code"]) == ("soap:Client", code), body
    assert b"Traceback" not in response.get_data()


def test_schema_fault_names_the_field(client: Client, auth) -> None:
    response = post(client, envelope(create_body(lines=(("SKU-000001", "two"),))),
                    {**action("CreateOrder"), **auth})
    assert fault_of(response)["field"] == "quantity"


def test_soap_action_rules(client: Client, auth) -> None:
    body = envelope("<tns:GetOrder><tns:erp_order_no>X</tns:erp_order_no></tns:GetOrder>")
    missing = post(client, body, {"Content-Type": "text/xml; charset=utf-8", **auth})
    assert fault_of(missing)["code"] == "SOAPACTION_MISSING"
    wrong = post(client, body, {**action("CreateOrder"), **auth})
    assert fault_of(wrong)["code"] == "SOAPACTION_MISMATCH"
    empty = post(client, body, {**action("GetOrder"), "SOAPAction": '""', **auth})
    assert fault_of(empty)["code"] == "ORDER_NOT_FOUND"


def test_media_type_and_soap_version(client: Client, auth) -> None:
    body = envelope("<tns:GetStock/>")
    wrong_type = post(client, body, {**action("GetStock"), "Content-Type": "application/json",
                                     **auth})
    assert wrong_type.status_code == 415
    assert fault_of(wrong_type)["code"] == "UNSUPPORTED_MEDIA_TYPE"
    soap12 = body.replace(SOAP.encode(), b"http://www.w3.org/2003/05/soap-envelope")
    response = post(client, soap12, {**action("GetStock"), **auth})
    assert fault_of(response)["faultcode"] == "soap:VersionMismatch"


def test_must_understand_header(client: Client, auth) -> None:
    header = '<x:Tx xmlns:x="urn:other" soap:mustUnderstand="1">1</x:Tx>'
    response = post(client, envelope("<tns:GetStock/>", header), {**action("GetStock"), **auth})
    assert fault_of(response)["faultcode"] == "soap:MustUnderstand"


def test_basic_auth_required(client: Client, auth) -> None:
    body = envelope("<tns:GetStock/>")
    response = post(client, body, action("GetStock"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert fault_of(response)["code"] == "AUTHENTICATION_FAILED"
    wrong = post(client, body, {**action("GetStock"), "Authorization": "Basic d3Jvbmc6d3Jvbmc="})
    assert wrong.status_code == 401
    assert post(client, body, {**action("GetStock"), **auth}).status_code == 200


def test_username_token_password_text(client: Client, backend: LegacyBackend) -> None:
    wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"

    def token(password: str) -> str:
        return (f'<wsse:Security xmlns:wsse="{wsse}"><wsse:UsernameToken>'
                f"<wsse:Username>{backend.username}</wsse:Username>"
                f"<wsse:Password>{password}</wsse:Password></wsse:UsernameToken></wsse:Security>")

    ok = post(client, envelope("<tns:GetStock/>", token(backend.password)), action("GetStock"))
    assert ok.status_code == 200
    bad = post(client, envelope("<tns:GetStock/>", token("nope")), action("GetStock"))
    assert bad.status_code == 500
    assert fault_of(bad)["faultcode"] == "wsse:FailedAuthentication"


def test_fault_engine_errors_are_soap_faults(fake: Fake, client: Client, auth) -> None:
    fake.add_fault({"target": {"path": "/soap"}, "effect": {"kind": "http_error", "status": 503},
                    "trigger": {"first": 1}})
    fake.add_fault({"target": {"path": "/soap"}, "effect": {"kind": "throttle",
                                                            "retry_after_s": 5},
                    "trigger": {"calls": [2]}})
    body = envelope("<tns:GetStock/>")
    outage = post(client, body, {**action("GetStock"), **auth})
    assert outage.status_code == 503 and fault_of(outage)["faultcode"] == "soap:Server"
    throttled = post(client, body, {**action("GetStock"), **auth})
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "5"
    assert fault_of(throttled)["code"] == "THROTTLED"
    assert post(client, body, {**action("GetStock"), **auth}).status_code == 200


def test_wsdl_drift_renames_wsdl_and_service(fake: Fake, client: Client, auth) -> None:
    fake.event("set_fault", fault="wsdl_drift")
    wsdl = client.get(URL + "?wsdl").get_data()
    ok, reason = validate_wsdl(wsdl)
    assert not ok and "CreateOrder/order_ref removed or renamed" in reason
    old = post(client, envelope(create_body()), {**action("CreateOrder"), **auth})
    assert fault_of(old)["code"] == "SCHEMA_VALIDATION"
    new = create_body().replace("order_ref>", "external_order_ref>")
    response = post(client, envelope(new), {**action("CreateOrder"), **auth})
    assert response.status_code == 200
    find = ("<tns:FindOrdersByReference><tns:external_order_ref>100000001"
            "</tns:external_order_ref></tns:FindOrdersByReference>")
    found = post(client, envelope(find), {**action("FindOrdersByReference"), **auth})
    assert b"<tns:external_order_ref>100000001<" in found.get_data()
