"""The legacy fake's credit notes: CreateCreditNote (restock, refusals naming the line, no
idempotency) and FindCreditNotesByReference (every copy), on the wire and through zeep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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


def _order(backend: LegacyBackend, ref: str = "mage-default-000000001", ship: bool = True) -> str:
    lines = [
        LineIn(1, "SKU-000001", "3", "10.00", "WH01"),
        LineIn(2, "SKU-000002", "1", "5.00", "WH02"),
    ]
    result = backend.create_order(ref, "CUST0001", dt.date(2026, 1, 5), lines, source="soap")
    assert result.order is not None
    if ship:
        backend.ship_order(
            result.order.erp_order_no,
            [{"line_no": 1, "quantity": 3}, {"line_no": 2, "quantity": 1}],
        )
    return result.order.erp_order_no


def _line(
    sku: str = "SKU-000001",
    quantity: int = 2,
    amount: str = "20.00",
    restock: bool = False,
    warehouse: str | None = None,
) -> str:
    where = f"<tns:warehouse>{warehouse}</tns:warehouse>" if warehouse else ""
    return (
        f"<tns:line><tns:sku>{sku}</tns:sku><tns:quantity>{quantity}</tns:quantity>"
        f"<tns:amount>{amount}</tns:amount><tns:restock>{str(restock).lower()}</tns:restock>"
        f"{where}</tns:line>"
    )


def _create(
    client: Client,
    auth: dict[str, str],
    order: str,
    *lines: str,
    ref: str = "mage-default-CM1",
    by: str = "erp_order_no",
) -> etree._Element:
    body = (
        f"<tns:CreateCreditNote><tns:credit_ref>{ref}</tns:credit_ref>"
        f"<tns:{by}>{order}</tns:{by}><tns:credit_date>2026-01-06</tns:credit_date>"
        f"<tns:lines>{''.join(lines) or _line()}</tns:lines></tns:CreateCreditNote>"
    )
    response = client.post(
        "/soap/OrderService", data=envelope(body), headers={**action("CreateCreditNote"), **auth}
    )
    return etree.fromstring(response.get_data())


def _fault(root: etree._Element) -> tuple[str, str | None]:
    detail = root.find(".//detail/" + TNS + "OrderServiceFault")
    assert detail is not None, etree.tostring(root)
    return detail.findtext(TNS + "code") or "", detail.findtext(TNS + "field")


def _stock(backend: LegacyBackend, sku: str, warehouse: str) -> int:
    return backend.stock[(sku, warehouse)].quantity


def test_a_restocked_line_goes_back_to_the_named_warehouse(
    client: Client, auth: dict[str, str], backend: LegacyBackend
) -> None:
    number = _order(backend)
    before = _stock(backend, "SKU-000001", "WH03")
    root = _create(
        client, auth, number, _line(restock=True, warehouse="WH03"), _line("SKU-000002", 1, "5.00")
    )
    note = root.find(f".//{TNS}credit_note")
    assert note is not None
    assert note.findtext(TNS + "credit_note_no") == "CN000001"
    assert note.findtext(TNS + "total") == "25.00"
    assert note.findtext(TNS + "customer_ref") == "CUST0001"
    assert _stock(backend, "SKU-000001", "WH03") == before + 2
    exported = backend.stock_at(backend.clock.now())
    assert exported[("SKU-000001", "WH03")] == before + 2
    lines = backend.credit_book.notes[0].lines
    assert [(x.sku, x.restock, x.warehouse) for x in lines] == [
        ("SKU-000001", True, "WH03"),
        ("SKU-000002", False, None),
    ]


def test_restock_defaults_to_the_order_lines_warehouse(
    client: Client, auth: dict[str, str], backend: LegacyBackend
) -> None:
    number = _order(backend)
    before = _stock(backend, "SKU-000001", "WH01")
    _create(client, auth, number, _line(quantity=1, amount="10", restock=True))
    assert _stock(backend, "SKU-000001", "WH01") == before + 1


def test_no_idempotency_and_find_answers_every_copy(
    client: Client, auth: dict[str, str], backend: LegacyBackend
) -> None:
    number = _order(backend)
    _create(client, auth, number, _line(quantity=1, amount="10"))
    ref = "mage-default-000000001"
    _create(client, auth, ref, _line(quantity=1, amount="10"), by="order_ref")
    body = "<tns:FindCreditNotesByReference><tns:credit_ref>mage-default-CM1</tns:credit_ref>"
    response = client.post(
        "/soap/OrderService",
        data=envelope(body + "</tns:FindCreditNotesByReference>"),
        headers={**action("FindCreditNotesByReference"), **auth},
    )
    root = etree.fromstring(response.get_data())
    numbers = [n.text for n in root.iter(TNS + "credit_note_no")]
    assert numbers == ["CN000001", "CN000002"]


def test_refusals_name_the_line_and_change_nothing(
    client: Client, auth: dict[str, str], backend: LegacyBackend
) -> None:
    number = _order(backend)
    stock = _stock(backend, "SKU-000001", "WH01")
    cases = [
        ((_line(quantity=4),), ("OVER_CREDIT", "lines/line[1]/quantity")),
        ((_line("SKU-000003"),), ("UNKNOWN_SKU", "lines/line[1]/sku")),
        ((_line(quantity=0),), ("BAD_QUANTITY", "lines/line[1]/quantity")),
        ((_line(amount="-1"),), ("BAD_AMOUNT", "lines/line[1]/amount")),
        (
            (_line(), _line(restock=True, warehouse="WH99")),
            ("UNKNOWN_WAREHOUSE", "lines/line[2]/warehouse"),
        ),
    ]
    for lines, expected in cases:
        assert _fault(_create(client, auth, number, *lines)) == expected
    assert backend.credit_book.notes == []
    assert _stock(backend, "SKU-000001", "WH01") == stock


def test_goods_that_never_shipped_cannot_go_back_to_stock(
    client: Client, auth: dict[str, str], backend: LegacyBackend
) -> None:
    number = _order(backend, ship=False)
    root = _create(client, auth, number, _line(restock=True))
    assert _fault(root) == ("NOT_SHIPPED", "lines/line[1]/restock")
    assert _create(client, auth, number, _line()).find(f".//{TNS}credit_note") is not None


def test_the_order_must_be_found_once_and_open(
    client: Client, auth: dict[str, str], backend: LegacyBackend
) -> None:
    assert _fault(_create(client, auth, "SO999999")) == ("ORDER_NOT_FOUND", "erp_order_no")
    first = _order(backend, "mage-default-000000009")
    _order(backend, "mage-default-000000009")
    root = _create(client, auth, "mage-default-000000009", by="order_ref")
    assert _fault(root) == ("AMBIGUOUS_ORDER", "order_ref")
    backend.cancel_order(first)
    assert _fault(_create(client, auth, first)) == ("ORDER_CANCELLED", "erp_order_no")
    assert (
        _create(client, auth, "mage-default-000000009", by="order_ref").find(f".//{TNS}credit_note")
        is not None
    )


def test_a_missing_reference_fails_schema_validation(
    client: Client, auth: dict[str, str], backend: LegacyBackend
) -> None:
    number = _order(backend)
    body = (
        f"<tns:CreateCreditNote><tns:erp_order_no>{number}</tns:erp_order_no>"
        f"<tns:credit_date>2026-01-06</tns:credit_date><tns:lines>{_line()}</tns:lines>"
        "</tns:CreateCreditNote>"
    )
    response = client.post(
        "/soap/OrderService", data=envelope(body), headers={**action("CreateCreditNote"), **auth}
    )
    assert response.status_code == 500
    assert _fault(etree.fromstring(response.get_data()))[0] == "SCHEMA_VALIDATION"


def test_zeep_creates_and_finds_credit_notes(fake: Fake, fleet: FakeFleet) -> None:
    backend = fake.backend
    assert isinstance(backend, LegacyBackend)
    number = _order(backend)
    session = requests.Session()
    creds = fake.credentials()
    session.auth = (creds["username"], creds["password"])
    client = zeep.Client(wsdl=WSDL, transport=Transport(session=session))
    line = {"sku": "SKU-000001", "quantity": 1, "amount": Decimal("10"), "restock": True}
    note = client.service.CreateCreditNote(
        credit_ref="CM-Z",
        erp_order_no=number,
        credit_date=dt.date(2026, 1, 6),
        lines={"line": [line]},
    )
    assert (note.credit_note_no, note.total, note.lines.line[0].warehouse) == (
        "CN000001",
        Decimal("10.00"),
        "WH01",
    )
    found = client.service.FindCreditNotesByReference(credit_ref="CM-Z")
    assert [n.credit_note_no for n in found] == ["CN000001"]
    assert fake.state()["credit_notes"][0]["credit_ref"] == "CM-Z"
