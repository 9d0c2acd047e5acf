"""Returns on the legacy ERP: the credit-note adapter's request (unit), and the flow in-process
against the Magento and legacy fakes (one note per memo despite a lost answer, the restock in the
mapped warehouse, refusals dead-lettered naming the memo)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from lxml import etree

from contracts.legacy.wsdl import NAMESPACE
from scenarios.context import Ctx
from scenarios.flowviews import returns as rv
from scenarios.flowviews.returns_erps import VIEWS
from sync_core.connectors.legacy.client import SoapFault
from sync_core.connectors.legacy.returns import LegacyCredits
from sync_core.errors import InvalidData, MappingError, UnknownOutcome
from sync_core.flows.returns import ReturnsFlow, attach
from sync_core.flows.returns_model import CreditLine, CreditNote
from tests.engine.flow_helpers import engine_of as _engine
from tests.engine.flow_helpers import in_process
from tests.engine.test_flow_order_policies import Frozen

NS = f"{{{NAMESPACE}}}"


def _note(*lines: CreditLine, adjustment: str = "0") -> CreditNote:
    return CreditNote(
        creditmemo_id=9,
        increment_id="000000003",
        reference="mage-default-CM000000003",
        order_entity_id=7,
        order_increment_id="000000007",
        order_ref="mage-default-000000007",
        erp_order_id="SO000007",
        lines=lines,
        shipping=Decimal(5),
        adjustment=Decimal(adjustment),
        grand_total=Decimal(35),
        currency="GBP",
        customer_email="a@example.test",
    )


def _line(qty: str = "2", restock: bool = False) -> CreditLine:
    return CreditLine(1, "A", "IT-A", Decimal(qty), Decimal(10), Decimal("20.004"), Decimal(0),
                      restock, "WH02" if restock else None)  # fmt: skip


def _answer(operation: str, numbers: list[str]) -> etree._Element:
    root = etree.Element(f"{NS}{operation}Response")
    notes = etree.SubElement(root, f"{NS}credit_notes")
    for number in numbers:
        etree.SubElement(
            etree.SubElement(notes, f"{NS}credit_note"), f"{NS}credit_note_no"
        ).text = number
    return root


def _credits(found: list[list[str]], calls: list[Any], fail: Exception | None = None) -> Any:
    def call(operation: str, fields: Any = ()) -> etree._Element:
        calls.append((operation, list(fields)))
        if operation == "CreateCreditNote":
            if fail is not None:
                raise fail
            return etree.Element(f"{NS}CreateCreditNoteResponse")
        return _answer(operation, found.pop(0))

    connector = SimpleNamespace(soap=SimpleNamespace(call=call))
    return LegacyCredits(connector, Frozen())  # type: ignore[arg-type]


def test_the_create_sends_the_reference_order_and_restock_then_reads_back() -> None:
    calls: list[Any] = []
    credits = _credits([["CN000004"]], calls)
    ref = credits.create_credit(_note(_line(restock=True), _line("1")))
    assert (ref.remote_id, ref.display) == ("CN000004", "CN000004")
    operation, fields = calls[0]
    assert operation == "CreateCreditNote"
    assert fields[:3] == [
        ("credit_ref", "mage-default-CM000000003"),
        ("erp_order_no", "SO000007"),
        ("credit_date", "2026-01-05"),
    ]
    restocked, money_only = fields[3][1]
    assert restocked == ("line", [("sku", "IT-A"), ("quantity", "2"), ("amount", "20.00"),
                                  ("restock", "true"), ("warehouse", "WH02")])  # fmt: skip
    assert ("restock", "false") in money_only[1] and len(money_only[1]) == 4
    assert calls[1] == ("FindCreditNotesByReference", [("credit_ref", "mage-default-CM000000003")])


def test_an_acknowledged_note_the_erp_does_not_have_is_an_unknown_outcome() -> None:
    with pytest.raises(UnknownOutcome, match="credit memo 000000003 of order 000000007"):
        _credits([[]], []).create_credit(_note(_line()))


def test_refusals_name_the_memo_code_and_field() -> None:
    fault = SoapFault("Line 1: 3 of IT-A credited in all", code="OVER_CREDIT",
                      field="lines/line[1]/quantity", status=500)  # fmt: skip
    with pytest.raises(InvalidData) as caught:
        _credits([], [], fault).create_credit(_note(_line()))
    message = caught.value.message
    assert "credit memo 000000003" in message and "OVER_CREDIT" in message
    assert "lines/line[1]/quantity" in message
    with pytest.raises(InvalidData, match="adjustment of 2"):
        _credits([], []).create_credit(_note(_line(), adjustment="2"))
    with pytest.raises(MappingError) as unit:
        _credits([], []).create_credit(_note(_line("1.5")))
    assert unit.value.field == "lines[0].qty"


def test_several_notes_with_the_reference_bind_the_first() -> None:
    ref = _credits([["CN000009", "CN000002"]], []).find_credit(_note(_line()))
    assert ref is not None and ref.remote_id == "CN000002"


# -- in-process against the fakes -------------------------------------------------------------
@pytest.fixture
def ctx() -> Iterator[Ctx]:
    with in_process("legacy") as context:
        yield context


def _shipped(ctx: Ctx, lines: list[tuple[str, int]]) -> dict[str, Any]:
    placed = ctx.place(1, lines=[{"sku": s, "qty": q} for s, q in lines])[0]
    ctx.cycles(3)
    VIEWS["legacy"].prepare(ctx.world, placed)  # ships in the ERP (and arms a lost answer)
    ctx.cycles(3)
    return placed


def test_one_note_per_memo_despite_a_lost_answer_with_the_restock(ctx: Ctx) -> None:
    assert isinstance(attach(_engine(ctx)), ReturnsFlow)
    sku = ctx.world.magento.ctx.dataset.products[0].sku
    placed = _shipped(ctx, [(sku, 3)])
    before = rv.magento(ctx.world, "GET", f"/orders/{placed['entity_id']}")
    assert all(rv.num(i["qty_shipped"]) == 3 for i in before["items"])  # fulfilment shipped it
    stock = {(r["sku"], r["warehouse"]): r["quantity"] for r in ctx.world.erp_fake.state()["stock"]}
    rv.refund(ctx.world, int(placed["entity_id"]), [(sku, 2)], shipping=0, restock=True)
    ctx.cycles(6)
    state = ctx.world.erp_fake.state()
    docs = VIEWS["legacy"].credits(state)
    assert [(d.ref, d.order, d.lines) for d in docs] == [
        ("mage-default-CM000000001", placed["increment_id"], {sku: Decimal(2)})
    ]
    assert ctx.world.erp_fake.faults.get("lose-credit-legacy").hits == 1  # type: ignore[union-attr]
    assert VIEWS["legacy"].restocked(state) == {(placed["increment_id"], sku, "WH01"): Decimal(2)}
    after = {(r["sku"], r["warehouse"]): r["quantity"] for r in state["stock"]}
    assert after[(sku, "WH01")] == stock[(sku, "WH01")] + 2


def test_a_refused_credit_is_dead_lettered_naming_the_memo(ctx: Ctx) -> None:
    sku = ctx.world.magento.ctx.dataset.products[0].sku
    placed = _shipped(ctx, [(sku, 2)])
    number = ctx.world.erp_fake.state()["orders"][0]["erp_order_no"]
    ctx.world.erp_fake.event("cancel_order", erp_order_no=number)
    rv.refund(ctx.world, int(placed["entity_id"]), [(sku, 1)], shipping=0)
    ctx.cycles(3)
    dead = [d for d in ctx.connector.quarantined() or [] if "creditmemo" in d["entity"]]
    assert len(dead) == 1
    assert "credit memo 000000001 of order 000000001" in dead[0]["reason"]
    assert "ORDER_CANCELLED" in dead[0]["reason"]
    assert VIEWS["legacy"].credits(ctx.world.erp_fake.state()) == []
