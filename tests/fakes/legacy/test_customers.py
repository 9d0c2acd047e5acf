"""The legacy fake's customer accounts: seeded accounts, CreateCustomer (pending, no
idempotency), lookups by reference and e-mail, updates, the credit controller's events and the
derived balance, on the wire and through zeep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import requests
import zeep
from lxml import etree
from werkzeug.test import Client
from zeep.transports import Transport

from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake
from fakes.legacy import LegacyBackend
from fakes.legacy.model import LineIn
from tests.fakes.legacy.helpers import NS, action, envelope

TNS = f"{{{NS}}}"
WSDL = "https://legacy.fake.test/soap/OrderService?wsdl"


def _call(client: Client, auth: dict[str, str], operation: str, inner: str) -> etree._Element:
    body = f"<tns:{operation}>{inner}</tns:{operation}>"
    response = client.post(
        "/soap/OrderService", data=envelope(body), headers={**action(operation), **auth}
    )
    return etree.fromstring(response.get_data())


def _customers(root: etree._Element) -> list[dict[str, str]]:
    return [
        {etree.QName(child).localname: child.text or "" for child in node}
        for node in root.iter(TNS + "customer")
    ]


def _create(
    client: Client,
    auth: dict[str, str],
    ref: str = "mage-company-1",
    email: str = "buyers@acme.example",
) -> dict[str, str]:
    inner = (
        f"<tns:external_ref>{ref}</tns:external_ref><tns:name>Acme Ltd</tns:name>"
        f"<tns:email>{email}</tns:email><tns:phone>0113 000</tns:phone>"
        "<tns:city>Leeds</tns:city>"
    )
    (customer,) = _customers(_call(client, auth, "CreateCustomer", inner))
    return customer


def test_seeded_customers_are_approved_accounts(
    client: Client, auth: dict[str, str], backend: LegacyBackend
) -> None:
    (customer,) = _customers(
        _call(client, auth, "GetCustomer", "<tns:customer_ref>CUST0001</tns:customer_ref>")
    )
    assert (customer["status"], customer["credit_hold"], customer["credit_limit"]) == (
        "approved",
        "false",
        "5000.00",
    )
    assert "external_ref" not in customer
    assert set(backend.account_book.accounts) == set(backend.customers)


def test_a_new_account_waits_pending_and_can_be_named_on_orders(
    client: Client, auth: dict[str, str], backend: LegacyBackend
) -> None:
    customer = _create(client, auth)
    assert customer["customer_ref"] == "C000001"
    assert (customer["status"], customer["credit_limit"], customer["city"]) == (
        "pending",
        "0.00",
        "Leeds",
    )
    result = backend.create_order(
        "R1",
        "C000001",
        dt.date(2026, 1, 5),
        [LineIn(1, "SKU-000001", "1", "10", "WH01")],
        source="soap",
    )
    assert result.status == "accepted"


def test_create_is_not_idempotent_and_find_answers_every_match(
    client: Client, auth: dict[str, str]
) -> None:
    _create(client, auth)
    _create(client, auth)
    _create(client, auth, "mage-company-2", "other@acme.example")
    by_ref = _call(
        client,
        auth,
        "FindCustomersByReference",
        "<tns:external_ref>mage-company-1</tns:external_ref>",
    )
    assert [c["customer_ref"] for c in _customers(by_ref)] == ["C000001", "C000002"]
    by_email = _call(
        client, auth, "FindCustomersByReference", "<tns:email>OTHER@acme.example</tns:email>"
    )
    assert [c["customer_ref"] for c in _customers(by_email)] == ["C000003"]
    both = _call(
        client,
        auth,
        "FindCustomersByReference",
        "<tns:external_ref>mage-company-2</tns:external_ref>"
        "<tns:email>buyers@acme.example</tns:email>",
    )
    assert _customers(both) == []


def test_find_needs_a_criterion_and_unknown_accounts_are_client_faults(
    client: Client, auth: dict[str, str]
) -> None:
    root = _call(client, auth, "FindCustomersByReference", "")
    assert root.findtext(f".//{TNS}code") == "MISSING_FIELD"
    root = _call(client, auth, "GetCustomer", "<tns:customer_ref>NOPE</tns:customer_ref>")
    assert (
        root.findtext(".//faultcode"),
        root.findtext(f".//{TNS}code"),
        root.findtext(f".//{TNS}field"),
    ) == ("soap:Client", "UNKNOWN_CUSTOMER", "customer_ref")


def test_update_changes_only_the_contact_fields_given(
    client: Client, auth: dict[str, str], fake: Fake
) -> None:
    _create(client, auth)
    fake.event("approve_customer", customer_ref="C000001", credit_limit=7500)
    root = _call(
        client,
        auth,
        "UpdateCustomer",
        "<tns:customer_ref>C000001</tns:customer_ref><tns:phone>0113 999</tns:phone>",
    )
    (customer,) = _customers(root)
    assert (customer["phone"], customer["city"], customer["status"]) == (
        "0113 999",
        "Leeds",
        "approved",
    )
    assert customer["credit_limit"] == "7500.00"
    empty = _call(
        client,
        auth,
        "UpdateCustomer",
        "<tns:customer_ref>C000001</tns:customer_ref><tns:name></tns:name>",
    )
    assert empty.findtext(f".//{TNS}field") == "name"


def test_the_credit_controller_approves_holds_and_blocks(fake: Fake) -> None:
    fake.event("set_credit_hold", customer_ref="CUST0002")
    account = fake.event("approve_customer", customer_ref="CUST0002", credit_limit="100.5")
    assert (account["status"], account["credit_hold"], account["credit_limit"]) == (
        "approved",
        True,
        "100.50",
    )
    assert fake.event("set_credit_hold", customer_ref="CUST0002", on_hold=False)["credit_hold"] is (
        False
    )
    assert fake.event("block_customer", customer_ref="CUST0002")["status"] == "blocked"
    assert fake.event("block_customer", customer_ref="CUST0002", blocked=False)["status"] == (
        "approved"
    )
    backend = fake.backend
    assert isinstance(backend, LegacyBackend)
    with pytest.raises(ValueError, match="no customer 'NOPE'"):
        backend.approve_customer("NOPE")
    with pytest.raises(ValueError, match="credit_limit"):
        backend.approve_customer("CUST0002", credit_limit=-1)


def test_balance_is_open_orders_less_credit_notes(fake: Fake) -> None:
    backend = fake.backend
    assert isinstance(backend, LegacyBackend)
    lines = [LineIn(1, "SKU-000001", "2", "10.00", "WH01")]
    kept = backend.create_order("R1", "CUST0003", dt.date(2026, 1, 5), lines, source="soap")
    dropped = backend.create_order("R2", "CUST0003", dt.date(2026, 1, 5), lines, source="soap")
    assert kept.order is not None and dropped.order is not None
    backend.cancel_order(dropped.order.erp_order_no)
    from fakes.legacy import credit_notes
    from fakes.legacy.credit_notes import CreditLineIn

    credit_notes.create(
        backend,
        "CM",
        kept.order,
        dt.date(2026, 1, 6),
        [CreditLineIn("SKU-000001", 1, Decimal("10"), False, None)],
    )
    (row,) = [c for c in fake.state()["customers"] if c["customer_ref"] == "CUST0003"]
    assert row["balance"] == "10.00"


def test_zeep_creates_finds_and_reads_accounts(fake: Fake, fleet: FakeFleet) -> None:
    session = requests.Session()
    creds = fake.credentials()
    session.auth = (creds["username"], creds["password"])
    client = zeep.Client(wsdl=WSDL, transport=Transport(session=session))
    made = client.service.CreateCustomer(
        external_ref="mage-company-5", name="Zeep Ltd", email="z@example.test"
    )
    assert (made.customer_ref, made.status, made.credit_hold) == ("C000001", "pending", False)
    fake.event("approve_customer", customer_ref="C000001", credit_limit=900)
    found = client.service.FindCustomersByReference(external_ref="mage-company-5")
    assert [(c.customer_ref, c.status, c.credit_limit) for c in found] == [
        ("C000001", "approved", Decimal("900.00"))
    ]
    fake.event("set_credit_hold", customer_ref="C000001")
    assert client.service.GetCustomer(customer_ref="C000001").credit_hold is True
    updated = client.service.UpdateCustomer(customer_ref="C000001", phone="555")
    assert updated.phone == "555"


def test_a_balance_and_a_reference_lookup_count_only_their_own_orders(fake: Fake) -> None:
    backend = fake.backend
    assert isinstance(backend, LegacyBackend)
    line = [LineIn(1, "SKU-000001", "1", "5.00", "WH01")]
    day = dt.date(2026, 1, 5)
    first = backend.create_order("R1", "CUST0003", day, line, source="soap").order
    backend.create_order("R2", "CUST0002", day, line, source="soap")
    again = backend.create_order("R1", "CUST0003", day, line, source="soap").order
    backend.create_order("R3", "CUST0002", day, line, source="soap")
    assert first is not None and again is not None
    assert [o.erp_order_no for o in backend.find_orders("R1")] == [
        first.erp_order_no, again.erp_order_no]
    assert backend.find_orders("R9") == []
    balances = {c["customer_ref"]: c["balance"] for c in fake.state()["customers"]}
    assert (balances["CUST0003"], balances["CUST0002"]) == ("10.00", "10.00")
