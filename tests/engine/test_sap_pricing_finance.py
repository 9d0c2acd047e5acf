"""Price-list check on export (FM-S03) and finance totals (FM-S06) of the SAP Business One and
S/4HANA connectors, against their fakes in-process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import requests

from fakes import SimClock, mock
from fakes.core.bridge import FakeFleet
from sync_core.config import ConfigError, ErpConfig, MappingConfig
from sync_core.connectors.s4hana import S4Client, S4Connector
from sync_core.connectors.sap_b1 import B1Client, SapB1Connector
from sync_core.connectors.sap_b1.pricing import special_price
from sync_core.errors import BusinessHold
from sync_core.model import Address, Order, OrderLine

B1_LOCATIONS = {"default": "01", "wh-north": "02", "wh-south": "03"}
S4_LOCATIONS = {"default": "1010/0001", "wh-north": "1010/0002", "wh-south": "1020/0001"}


@pytest.fixture
def b1() -> Iterator[FakeFleet]:
    with mock("sap-b1", seed=1) as running:
        yield running


@pytest.fixture
def s4() -> Iterator[FakeFleet]:
    with mock("s4hana", seed=1, clock=SimClock()) as running:
        yield running


def b1_connector(fleet: FakeFleet, policy: str | None) -> SapB1Connector:
    fake = fleet.sap_b1
    options = {"price_policy": policy} if policy else {}
    config = ErpConfig(
        kind="sap-b1", base_url=fake.base_url, credentials=fake.credentials(), options=options
    )
    return SapB1Connector(
        B1Client(config, requests.Session()), MappingConfig(locations=B1_LOCATIONS)
    )


def s4_connector(fleet: FakeFleet, policy: str | None) -> S4Connector:
    fake = fleet.s4hana
    config = ErpConfig(kind="s4hana", base_url=fake.base_url, credentials=fake.credentials())
    options = {"price_policy": policy} if policy else {}
    return S4Connector(S4Client(config), MappingConfig(locations=S4_LOCATIONS), options=options)


def order(fleet: FakeFleet, email: str, prices: list[Decimal]) -> Order:
    now = datetime(2026, 1, 5, 9, tzinfo=UTC)
    lines = [
        OrderLine(line_no=n + 1, sku=f"SKU-00000{n + 1}", qty=Decimal(2), price=price)
        for n, price in enumerate(prices)
    ]
    return Order(
        source_id="1", increment_id="000000001", store_code="default", store_id=1,
        customer_email=email, customer_name="A B", currency="GBP", grand_total=Decimal(40),
        lines=lines,
        shipping_address=Address(firstname="A", lastname="B", street=["1 Way"], city="C",
                                 postcode="P", country_id="GB"),
        created_at=now, updated_at=now,
    )  # fmt: skip


def b1_list_price(fleet: FakeFleet, code: str) -> Decimal:
    item = next(i for i in fleet.sap_b1.state()["Items"] if i["ItemCode"] == code)
    return Decimal(str(item["ItemPrices"][0]["Price"]))


def b1_setup(fleet: FakeFleet) -> tuple[str, Order]:
    """C00001 has a special price for SKU-000001; SKU-000002 is charged at the list price."""
    backend = fleet.sap_b1.backend
    with backend.lock:
        backend.create("SpecialPrices", {"CardCode": "C00001", "ItemCode": "SKU-000001",
                                         "Price": 9.5})  # fmt: skip
    email = fleet.sap_b1.ctx.dataset.customers[0].email
    return email, order(fleet, email, [Decimal(10), b1_list_price(fleet, "SKU-000002")])


# -- Business One: prices -------------------------------------------------------------------------
def test_b1_policy_magento_sends_magentos_price_and_reports_the_line(b1: FakeFleet) -> None:
    conn = b1_connector(b1, "magento")
    _, the_order = b1_setup(b1)
    conn.create_order(the_order)
    (doc,) = b1.sap_b1.state()["Orders"]
    assert [line["Price"] for line in doc["DocumentLines"]][0] == 10.0
    (alert,) = conn.alerts()
    assert alert["kind"] == "price_variance"
    assert alert["subject"] == "mage-default-000000001:1"
    assert "000000001" in alert["detail"] and "SKU-000001" in alert["detail"]
    assert "9.50" in alert["detail"] and "special price for C00001" in alert["detail"]


def test_b1_policy_erp_lets_b1_price_the_lines(b1: FakeFleet) -> None:
    conn = b1_connector(b1, "erp")
    _, the_order = b1_setup(b1)
    conn.create_order(the_order)
    (doc,) = b1.sap_b1.state()["Orders"]
    assert doc["DocumentLines"][0]["Price"] == 9.5
    assert [a["subject"] for a in conn.alerts()] == ["mage-default-000000001:1"]


def test_b1_policy_hold_refuses_the_order_naming_its_lines(b1: FakeFleet) -> None:
    conn = b1_connector(b1, "hold")
    _, the_order = b1_setup(b1)
    with pytest.raises(BusinessHold) as held:
        conn.create_order(the_order)
    assert "order 000000001" in str(held.value) and "line 1 SKU-000001" in str(held.value)
    assert "SKU-000002" not in str(held.value)
    assert b1.sap_b1.state()["Orders"] == []
    assert len(conn.alerts()) == 1


def test_b1_price_list_of_the_partner_is_used(b1: FakeFleet) -> None:
    backend = b1.sap_b1.backend
    with backend.lock:
        backend.create("PriceLists", {"PriceListNo": 2, "PriceListName": "Trade", "Factor": 0.5})
    b1.sap_b1.backend.partner("C00001")["PriceListNum"] = 2
    conn = b1_connector(b1, "magento")
    email = b1.sap_b1.ctx.dataset.customers[0].email
    list_price = b1_list_price(b1, "SKU-000001")
    conn.create_order(order(b1, email, [list_price]))
    (alert,) = conn.alerts()
    assert "price list 2" in alert["detail"]


def test_without_a_policy_nothing_is_checked_and_an_unknown_one_is_refused(b1: FakeFleet) -> None:
    conn = b1_connector(b1, None)
    _, the_order = b1_setup(b1)
    conn.create_order(the_order)
    assert conn.alerts() == []
    with pytest.raises(ConfigError, match="price_policy"):
        b1_connector(b1, "cheapest")


def test_special_price_periods_and_discounts() -> None:
    special: dict[str, Any] = {
        "DiscountPercent": 10.0,
        "SpecialPriceDataAreas": [
            {"DateFrom": "2026-01-01", "Dateto": "2026-01-31", "SpecialPrice": 7.0}
        ],
    }
    assert special_price(special, Decimal(10), "2026-01-05") == Decimal(7)
    assert special_price(special, Decimal(10), "2026-02-05") == Decimal("9")
    assert special_price({"ValidTo": "2025-12-31", "Price": 3}, Decimal(10), "2026-01-05") is None


# -- Business One: finance ------------------------------------------------------------------------
def test_b1_finance_totals_by_base_document(b1: FakeFleet) -> None:
    conn = b1_connector(b1, None)
    email = b1.sap_b1.ctx.dataset.customers[0].email
    the_order = order(b1, email, [Decimal(10), Decimal(5)])
    ref = the_order.external_ref
    created = conn.create_order(the_order)
    assert conn.finance_totals([ref]) == {ref: {"invoiced": 0, "credited": 0}}
    invoice = b1.sap_b1.event("invoice", doc_entry=int(created.remote_id), base="Orders")
    backend = b1.sap_b1.backend
    with backend.lock:
        backend.create_document(
            "CreditNotes",
            {
                "CardCode": "C00001",
                "DocumentLines": [
                    {"BaseType": 13, "BaseEntry": int(invoice), "BaseLine": 0, "Quantity": 1}
                ],
            },
        )
    assert conn.finance_totals([ref]) == {ref: {"invoiced": Decimal(30), "credited": Decimal(10)}}


# -- S/4HANA --------------------------------------------------------------------------------------
def s4_setup(fleet: FakeFleet) -> Order:
    fleet.s4hana.event("set_price", material="SKU-000001", price="12.5")
    email = fleet.s4hana.ctx.dataset.customers[0].email
    price = Decimal(str(fleet.s4hana.backend.prices["SKU-000002"]))
    return order(fleet, email, [Decimal(10), price])


def s4_items(fleet: FakeFleet) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = fleet.s4hana.backend.tables["A_SalesOrderItem"].all()
    return rows


def test_s4_policy_magento_sets_the_manual_price(s4: FakeFleet) -> None:
    conn = s4_connector(s4, "magento")
    conn.create_order(s4_setup(s4))
    assert [Decimal(i["_price"]) for i in s4_items(s4)][0] == Decimal(10)
    (alert,) = conn.alerts()
    assert alert["subject"] == "mage-default-000000001:1" and "12.50" in alert["detail"]


def test_s4_policy_erp_keeps_sap_price(s4: FakeFleet) -> None:
    conn = s4_connector(s4, "erp")
    conn.create_order(s4_setup(s4))
    assert Decimal(s4_items(s4)[0]["_price"]) == Decimal("12.5")
    assert len(conn.alerts()) == 1


def test_s4_policy_hold_withdraws_the_order(s4: FakeFleet) -> None:
    conn = s4_connector(s4, "hold")
    the_order = s4_setup(s4)
    with pytest.raises(BusinessHold, match="order 000000001.*line 1 SKU-000001"):
        conn.create_order(the_order)
    assert s4.s4hana.state()["salesOrders"] == []
    assert conn.find_order(the_order.external_ref) is None


def test_s4_finance_totals_from_billing_documents(s4: FakeFleet) -> None:
    conn = s4_connector(s4, None)
    email = s4.s4hana.ctx.dataset.customers[0].email
    the_order = order(s4, email, [Decimal(10)])
    ref = the_order.external_ref
    created = conn.create_order(the_order)
    assert conn.finance_totals([ref]) == {ref: {"invoiced": 0, "credited": 0}}
    s4.s4hana.event("deliver", sales_order=created.remote_id, items=[])
    s4.s4hana.event("bill", sales_order=created.remote_id)
    s4.s4hana.event("credit_memo", sales_order=created.remote_id,
                    items=[{"item": "10", "quantity": 1}])  # fmt: skip
    price = Decimal(str(s4.s4hana.backend.prices["SKU-000001"]))
    totals = conn.finance_totals([ref])
    assert totals == {ref: {"invoiced": price * 2, "credited": price}}
