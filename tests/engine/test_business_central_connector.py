"""The Business Central connector against the Business Central fake, in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import requests

from fakes import mock
from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake
from scenarios.erps.business_central import ANALYTICS_LEDGER, ANALYTICS_PATH
from sync_core.config import ErpConfig, MappingConfig
from sync_core.connectors.business_central import (
    BCClient,
    BusinessCentralConnector,
    CoverageGap,
    TargetMismatch,
    erp_reference,
)
from sync_core.connectors.business_central.client import classify
from sync_core.errors import (
    AuthExpired,
    BusinessHold,
    InvalidData,
    LockContention,
    MappingError,
    RemoteUnavailable,
    SchemaDrift,
    Throttled,
    UnknownOutcome,
)
from sync_core.model import Address, Order, OrderLine

LOCATIONS = {"default": "MAIN", "wh-north": "NORTH", "wh-south": "SOUTH"}
ORDERS = r"/api/v2\.0/companies\([^)]*\)/salesOrders$"


def start(**options: Any) -> Iterator[FakeFleet]:
    merged = {"custom_apis": [ANALYTICS_LEDGER], **options}
    with mock("business-central", seed=1, options={"business-central": merged}) as running:
        yield running


@pytest.fixture
def fleet() -> Iterator[FakeFleet]:
    yield from start()


def bc(fleet: FakeFleet) -> Fake:
    fake: Fake = fleet.business_central
    return fake


def connector(
    fleet: FakeFleet, mapping: MappingConfig | None = None, **creds: str
) -> BusinessCentralConnector:
    fake = bc(fleet)
    config = ErpConfig.model_validate(
        {
            "kind": "business-central",
            "base_url": fake.base_url,
            "credentials": {**fake.credentials(), **creds},
        }
    )
    return BusinessCentralConnector(BCClient(config), mapping or MappingConfig(locations=LOCATIONS))


def order(
    fleet: FakeFleet,
    increment: str = "000000001",
    sku: str = "SKU-000001",
    email: str | None = None,
    store: str = "default",
    currency: str = "GBP",
) -> Order:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    return Order(
        source_id="1",
        increment_id=increment,
        store_code=store,
        store_id=1,
        customer_email=email or bc(fleet).ctx.dataset.customers[0].email,
        customer_name="A B",
        currency=currency,
        grand_total=Decimal("20"),
        lines=[OrderLine(line_no=1, sku=sku, qty=Decimal(2), price=Decimal("10.50"))],
        shipping_address=Address(
            firstname="Ann",
            lastname="Bee",
            street=["1 Way", "Flat 2"],
            city="Leeds",
            postcode="LS1 1AA",
            country_id="GB",
        ),
        created_at=now,
        updated_at=now,
    )


def company(fleet: FakeFleet, n: int = 0, env: str = "production") -> dict[str, Any]:
    snapshot: dict[str, Any] = list(bc(fleet).state()["environments"][env].values())[n]
    return snapshot


def requests_to(fleet: FakeFleet, fragment: str) -> int:
    return sum(1 for e in bc(fleet).entries() if fragment in e.path)


# -- orders -----------------------------------------------------------------------------------
def test_create_then_find_by_external_ref(fleet: FakeFleet) -> None:
    conn, the_order = connector(fleet), order(fleet)
    assert conn.find_order(the_order.external_ref) is None
    created = conn.create_order(the_order)
    found = conn.find_order(the_order.external_ref)
    assert found is not None and found.remote_id == created.remote_id
    assert created.display == "S-ORD101001"
    (record,) = company(fleet)["salesOrders"]
    assert record["externalDocumentNumber"] == "mage-default-000000001"
    assert record["shipToName"] == "Ann Bee" and record["shipToAddressLine2"] == "Flat 2"
    (line,) = record["salesOrderLines"]
    assert (line["lineObjectNumber"], line["quantity"], line["unitPrice"]) == (
        "SKU-000001",
        2,
        10.5,
    )


def test_lost_answer_is_unknown_outcome_and_the_retry_finds_the_order(fleet: FakeFleet) -> None:
    bc(fleet).add_fault(
        {
            "target": {"method": "POST", "path": ORDERS},
            "effect": {"kind": "lose_response"},
            "trigger": {"first": 1},
        }
    )
    conn, the_order = connector(fleet), order(fleet)
    with pytest.raises(UnknownOutcome):
        conn.create_order(the_order)
    assert conn.find_order(the_order.external_ref) is not None  # the engine's retry path
    assert len(company(fleet)["salesOrders"]) == 1


def test_acknowledged_but_not_kept_is_unknown_outcome(fleet: FakeFleet) -> None:
    bc(fleet).add_fault(
        {
            "target": {"method": "POST", "path": ORDERS},
            "effect": {"kind": "silent_drop"},
            "trigger": {"first": 1},
        }
    )
    conn, the_order = connector(fleet), order(fleet)
    with pytest.raises(UnknownOutcome, match="does not have it"):
        conn.create_order(the_order)
    assert conn.find_order(the_order.external_ref) is None
    conn.create_order(the_order)
    assert len(company(fleet)["salesOrders"]) == 1


def test_posted_order_is_found_through_its_invoice(fleet: FakeFleet) -> None:
    conn, the_order = connector(fleet), order(fleet)
    created = conn.create_order(the_order)
    url = conn.client.settings.company_url(f"salesOrders({created.remote_id})")
    conn.client.request("POST", f"{url}/Microsoft.NAV.shipAndInvoice")
    assert company(fleet)["salesOrders"] == []  # posting deleted the order
    found = conn.find_order(the_order.external_ref)
    assert found is not None and found.display == created.display
    assert conn.order_states([the_order.external_ref]) == {the_order.external_ref: "invoiced"}


def test_order_states_and_cancellation(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    kept, cancelled = order(fleet, "000000001"), order(fleet, "000000002")
    conn.create_order(kept)
    gone = conn.create_order(cancelled)
    bc(fleet).event("cancel_order", number=gone.display)
    refs = [kept.external_ref, cancelled.external_ref]
    assert conn.order_states(refs) == {refs[0]: "open", refs[1]: "cancelled"}
    assert cancelled.external_ref in conn.order_refs()  # never re-sent by reconciliation


def test_long_reference_is_compacted_deterministically(fleet: FakeFleet) -> None:
    store = "a_very_long_store_view_code_for_b2b"
    the_order = order(fleet, "000000123", store=store)
    ref = erp_reference(the_order.external_ref)
    assert len(the_order.external_ref) > 35 >= len(ref)
    assert ref == erp_reference(the_order.external_ref) and ref.endswith("~000000123")
    assert erp_reference("mage-default-000000001") == "mage-default-000000001"
    conn = connector(fleet)
    created = conn.create_order(the_order)
    found = conn.find_order(the_order.external_ref)
    assert found is not None and found.remote_id == created.remote_id


def test_unknown_item_is_a_mapping_error_naming_the_order(fleet: FakeFleet) -> None:
    with pytest.raises(MappingError, match="000000009") as info:
        connector(fleet).create_order(order(fleet, "000000009", sku="NOPE"))
    assert info.value.field == "lines[0].sku"
    assert company(fleet)["salesOrders"] == []


def test_customers_by_mapping_email_and_default(fleet: FakeFleet) -> None:
    stranger = "nobody@example.org"
    with pytest.raises(MappingError, match="no default customer") as info:
        connector(fleet).create_order(order(fleet, email=stranger))
    assert info.value.field == "customer_email"
    customers = company(fleet)["customers"]
    default = MappingConfig(default_customer=customers[1]["number"])
    connector(fleet, default).create_order(order(fleet, "000000002", email=stranger))
    mapped = MappingConfig(accounts={stranger: customers[2]["number"]})
    connector(fleet, mapped).create_order(order(fleet, "000000003", email=stranger))
    numbers = [o["customerNumber"] for o in company(fleet)["salesOrders"]]
    assert numbers == [customers[1]["number"], customers[2]["number"]]
    missing = MappingConfig(accounts={stranger: "C99999"})
    with pytest.raises(MappingError, match="C99999"):
        connector(fleet, missing).create_order(order(fleet, "000000004", email=stranger))


def test_blocked_customer_is_a_business_hold(fleet: FakeFleet) -> None:
    number = company(fleet)["customers"][0]["number"]
    conn = connector(fleet)
    conn.create_order(order(fleet, "000000001"))  # the customer is now cached
    bc(fleet).event("block_customer", number=number, blocked="Ship")
    with pytest.raises(BusinessHold, match="000000002.*blocked"):
        conn.create_order(order(fleet, "000000002"))  # Business Central refuses it
    with pytest.raises(BusinessHold, match="blocked"):
        connector(fleet).create_order(order(fleet, "000000003"))  # seen at lookup
    assert len(company(fleet)["salesOrders"]) == 1


def test_validation_refusal_is_invalid_data(fleet: FakeFleet) -> None:
    with pytest.raises(InvalidData, match="000000001.*currencyCode"):
        connector(fleet).create_order(order(fleet, currency="XYZ"))


# -- stock ------------------------------------------------------------------------------------
def test_stock_per_item_and_location_with_ledger_versions(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    rows = {(r.item_code, r.location): r for r in conn.stock_levels()}
    dataset = bc(fleet).ctx.dataset
    expected = {(sku, LOCATIONS[src]): qty for (sku, src), qty in dataset.stock.items() if qty}
    assert {k: int(r.qty) for k, r in rows.items()} == expected
    before = rows[("SKU-000001", "NORTH")]
    bc(fleet).event(
        "post_item_journal", item_number="SKU-000001", location_code="NORTH", quantity=-5
    )
    after = {(r.item_code, r.location): r for r in conn.stock_levels()}[("SKU-000001", "NORTH")]
    assert after.qty == before.qty - 5 and after.version > before.version
    assert after.version.startswith("ile-")


def test_changed_page_is_schema_drift_and_nothing_is_returned(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    list(conn.stock_levels())
    bc(fleet).add_fault(
        {
            "target": {"path": ANALYTICS_PATH},
            "effect": {
                "kind": "vendor",
                "name": "custom_api_regression",
                "params": {"entity_set": "itemLedgerEntries", "rename": {"quantity": "qty"}},
            },
        }
    )
    with pytest.raises(SchemaDrift, match="page changed under us"):
        list(conn.stock_levels())
    with pytest.raises(SchemaDrift, match="no longer has the field 'quantity'"):
        list(conn.stock_levels())  # the contract is checked again, from $metadata


def test_without_a_location_api_stock_refuses_for_many_locations() -> None:
    for fleet in start(custom_apis=[]):
        with pytest.raises(CoverageGap, match="per-location stock is not exposed"):
            list(connector(fleet).stock_levels())


def test_without_a_location_api_one_location_gets_the_totals() -> None:
    profile = {"locations": {"default": "MAIN", "wh-north": "MAIN", "wh-south": "MAIN"}}
    opts: dict[str, dict[str, Any]] = {"business-central": {"custom_apis": []}}
    with mock("business-central", seed=1, profile=profile, options=opts) as fleet:
        rows = list(connector(fleet).stock_levels())
        dataset = bc(fleet).ctx.dataset
        totals: dict[str, int] = {}
        for (sku, _src), qty in dataset.stock.items():
            totals[sku] = totals.get(sku, 0) + qty
        assert {r.item_code: int(r.qty) for r in rows} == {k: v for k, v in totals.items() if v}
        assert {r.location for r in rows} == {"MAIN"}


# -- the target (FM-D01, FM-D02) --------------------------------------------------------------
def test_sandbox_is_refused_before_any_data_call(fleet: FakeFleet) -> None:
    conn = connector(fleet, environment="sandbox")
    with pytest.raises(TargetMismatch, match="Sandbox environment"):
        conn.create_order(order(fleet))
    sent = len(bc(fleet).entries())
    with pytest.raises(TargetMismatch):
        list(conn.stock_levels())
    assert len(bc(fleet).entries()) == sent  # the refusal is remembered, nothing is sent
    assert requests_to(fleet, "/sandbox/") == 0
    sandbox_company = company(fleet, 0, "sandbox")["id"]
    on_purpose = connector(
        fleet, environment="sandbox", environment_type="Sandbox", company_id=sandbox_company
    )
    assert on_purpose.find_order("mage-default-000000001") is None


def test_unknown_environment_and_company_are_refused(fleet: FakeFleet) -> None:
    with pytest.raises(TargetMismatch, match="does not exist in tenant"):
        connector(fleet, environment="prod").find_order("x")
    other_env = company(fleet, 0, "sandbox")["id"]
    with pytest.raises(TargetMismatch, match="does not exist in environment"):
        connector(fleet, company_id=other_env).find_order("x")
    with pytest.raises(TargetMismatch, match="not a company GUID"):
        connector(fleet, company_id="CRONUS").find_order("x")


def test_expected_company_name_is_checked(fleet: FakeFleet) -> None:
    right, wrong = company(fleet, 0), company(fleet, 1)
    names = list(bc(fleet).state()["environments"]["production"])  # keyed by company name
    with pytest.raises(TargetMismatch, match="not the expected"):
        connector(fleet, company_id=wrong["id"], company_name=names[0]).create_order(order(fleet))
    assert company(fleet, 1)["salesOrders"] == []
    conn = connector(fleet, company_id=right["id"], company_name=names[0].upper())
    conn.create_order(order(fleet))


def test_an_answer_for_another_company_is_refused(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    other = company(fleet, 1)["id"]
    body = {"@odata.context": f"https://x/api/v2.0/$metadata#companies({other})/salesOrders"}
    with pytest.raises(TargetMismatch, match="answered for company"):
        conn.client.check_scope(body, "GET salesOrders")
    conn.client.check_scope(
        {"@odata.context": body["@odata.context"].replace(other, conn.client.settings.company_id)},
        "GET salesOrders",
    )


# -- transport, auth and errors ---------------------------------------------------------------
def test_expired_token_is_replaced_transparently(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    conn.find_order("mage-default-000000001")
    bc(fleet).clock.advance(3600)
    conn.find_order("mage-default-000000002")
    bc(fleet).event("revoke_tokens")
    conn.create_order(order(fleet))
    assert conn.client.tokens_fetched == 3
    statuses = [e.status for e in bc(fleet).entries() if "/api/" in e.path]
    assert statuses.count(401) == 2
    secret = conn.client.settings.client_secret
    assert all(secret not in (e.request_body or "") for e in bc(fleet).entries())


def test_bad_secret_throttling_and_outage_classes(fleet: FakeFleet) -> None:
    with pytest.raises(AuthExpired, match="invalid_client"):
        connector(fleet, client_secret="wrong").find_order("x")
    conn = connector(fleet)
    conn.find_order("x")
    bc(fleet).add_fault(
        {
            "target": {"path": "/api/"},
            "effect": {"kind": "throttle", "retry_after_s": 7},
            "trigger": {"first": 1},
        }
    )
    with pytest.raises(Throttled) as info:
        conn.find_order("x")
    assert info.value.retry_after == 7
    bc(fleet).add_fault(
        {
            "target": {"path": "/api/"},
            "effect": {"kind": "http_error", "status": 503},
            "trigger": {"first": 1},
        }
    )
    with pytest.raises(RemoteUnavailable):
        conn.find_order("x")


def test_update_rereads_after_an_etag_conflict(fleet: FakeFleet) -> None:
    conn = connector(fleet)
    created = conn.create_order(order(fleet))
    url = conn.client.settings.company_url(f"salesOrders({created.remote_id})")
    bc(fleet).add_fault(
        {
            "target": {"method": "PATCH"},
            "effect": {"kind": "http_error", "status": 409, "code": "Request_EntityChanged"},
            "trigger": {"first": 1},
        }
    )
    updated = conn.client.update(url, {"externalDocumentNumber": "mage-default-000000001-b"})
    assert updated["externalDocumentNumber"] == "mage-default-000000001-b"
    methods = [e.method for e in bc(fleet).entries() if created.remote_id in e.path]
    assert methods[-4:] == ["GET", "PATCH", "GET", "PATCH"]


@pytest.mark.parametrize(
    ("status", "code", "message", "kind"),
    [
        (
            409,
            "Request_EntityChanged",
            "Another user has already changed the record.",
            LockContention,
        ),
        (412, "", "Precondition failed", LockContention),
        (
            400,
            "Application_DialogException",
            "You cannot create this type of document when Customer C1 is blocked with type All",
            BusinessHold,
        ),
        (
            400,
            "BadRequest",
            "The property 'foo' does not exist on type 'Microsoft.NAV.x'.",
            SchemaDrift,
        ),
        (400, "BadRequest_RequiredParamNotProvided", "Field 'x' must not be blank.", SchemaDrift),
        (400, "Application_StringExceededLength", "The length of the string is 40", InvalidData),
        (404, "Internal_CompanyNotFound", "Cannot process the request", TargetMismatch),
        (429, "Application_TooManyRequests", "Too many requests", Throttled),
        (504, "", "", RemoteUnavailable),
    ],
)
def test_classify(status: int, code: str, message: str, kind: type[Exception]) -> None:
    response = requests.Response()
    response.status_code = status
    error = {"code": code, "message": f"{message}  CorrelationId:  0000-1."}
    response._content = json.dumps({"error": error}).encode()
    response.url = "https://api.businesscentral.dynamics.com/v2.0/t/production/api/v2.0/x"
    assert isinstance(classify(response), kind)
