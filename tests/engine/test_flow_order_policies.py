"""Order policies (stockout FM-T01, credit hold FM-T03) and order state ERP -> Magento: the
decisions and their wording (unit), and the flows in-process against the fakes."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from scenarios.connectors.builtin import BuiltinConnector
from scenarios.erps import support
from scenarios.views import erp_orders
from scenarios.world import World, build_world
from sync_core.clock import Clock
from sync_core.config import FlowSettings, MappingConfig, Policies
from sync_core.connectors.base import ErpStockRow
from sync_core.connectors.business_central import order_state as bc
from sync_core.connectors.magento.order_state import MagentoOrderActions
from sync_core.connectors.s4hana import order_state as s4
from sync_core.connectors.sage200 import order_state as sage
from sync_core.connectors.sap_b1 import order_state as b1
from sync_core.errors import BusinessHold, RemoteUnavailable
from sync_core.flows.order_checks import (
    DefaultChecks,
    RefusalChecks,
    Shortfall,
    StockSnapshot,
    checks_for,
)
from sync_core.flows.order_policies import OrderPolicies, PolicyStop
from sync_core.flows.order_state import OrderStateFlow, attach, canonical
from sync_core.model import Address, Order, OrderLine

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class Frozen(Clock):
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        raise AssertionError("no waiting in these tests")


class StubChecks(DefaultChecks):
    """Stock per (item, location) as given; counts reads; may fail or name a held account."""

    def __init__(self, stock: dict[tuple[str, str], int], held: str | None = None) -> None:
        super().__init__(None)
        self.stock = stock
        self.held = held
        self.reads = 0
        self.down = False

    def stock_rows(self) -> Iterable[ErpStockRow] | None:
        self.reads += 1
        if self.down:
            raise RemoteUnavailable("erp 503")
        return [ErpStockRow(i, loc, Decimal(q), "1") for (i, loc), q in self.stock.items()]

    def account_hold(self, order: Order) -> str | None:
        return self.held


def order(*lines: tuple[str, int], increment: str = "000000001") -> Order:
    address = Address(
        firstname="A", lastname="B", street=["1 Road"], city="C", postcode="P", country_id="GB"
    )
    return Order(
        source_id="1",
        increment_id=increment,
        store_code="default",
        store_id=1,
        customer_email="a@example.test",
        customer_name="A B",
        currency="GBP",
        grand_total=Decimal(10),
        lines=[
            OrderLine(line_no=n, sku=sku, qty=Decimal(q), price=Decimal(1))
            for n, (sku, q) in enumerate(lines, 1)
        ],
        shipping_address=address,
        created_at=NOW,
        updated_at=NOW,
    )


MAPPING = MappingConfig(items={"SKU-A": "ITEM-A"}, locations={"default": "1", "north": "2"})


def snapshot(checks: StubChecks, clock: Clock | None = None) -> StockSnapshot:
    return StockSnapshot(checks, MAPPING, clock or Frozen(), ttl_s=300)


def policies(checks: StubChecks, **values: Any) -> OrderPolicies:
    rules = OrderPolicies(object(), object(), Frozen(), Policies(**values))  # type: ignore[arg-type]
    rules.checks = checks
    rules.stock = snapshot(checks)
    return rules


# -- unit: stock ---------------------------------------------------------------------------------
def test_shortfall_names_the_sku_and_what_is_missing() -> None:
    short = Shortfall("SKU-A", "ITEM-A", Decimal("5.0"), Decimal("-1"))
    assert short.missing == Decimal(5)
    assert short.describe() == "SKU SKU-A: ordered 5, ERP has 0 (short 5)"


def test_snapshot_sums_mapped_locations_by_item_code_only() -> None:
    checks = StubChecks({("ITEM-A", "1"): 2, ("ITEM-A", "2"): 1, ("ITEM-A", "9"): 50})
    (short,) = snapshot(checks).shortfalls(order(("SKU-A", 4))) or []
    assert (short.sku, short.item_code, short.available) == ("SKU-A", "ITEM-A", Decimal(3))
    assert snapshot(checks).shortfalls(order(("SKU-A", 3))) == []


def test_snapshot_counts_orders_created_since_it_was_read() -> None:
    checks = StubChecks({("ITEM-A", "1"): 3})
    stock = snapshot(checks)
    first = order(("SKU-A", 2))
    assert stock.shortfalls(first) == []
    stock.consume(first)
    (short,) = stock.shortfalls(order(("SKU-A", 2), ("SKU-A", 1))) or []
    assert short.wanted == Decimal(3) and short.available == Decimal(1)


def test_snapshot_is_reused_but_a_shortfall_is_checked_on_a_fresh_read() -> None:
    clock = Frozen()
    checks = StubChecks({("ITEM-A", "1"): 1})
    stock = snapshot(checks, clock)
    assert stock.shortfalls(order(("SKU-A", 1))) == []
    clock.at = NOW.replace(minute=2)
    assert stock.shortfalls(order(("SKU-A", 1))) == []
    assert checks.reads == 1
    checks.stock[("ITEM-A", "1")] = 10  # restocked since the read
    assert stock.shortfalls(order(("SKU-A", 5))) == []
    assert checks.reads == 2


def test_threads_that_find_the_snapshot_stale_together_read_the_erp_once() -> None:
    checks = StubChecks({("ITEM-A", "1"): 5})
    first_read, go_on = threading.Event(), threading.Event()
    plain = checks.stock_rows

    def slow_rows() -> Iterable[ErpStockRow] | None:
        first_read.set()
        assert go_on.wait(5)
        return plain()

    checks.stock_rows = slow_rows  # type: ignore[method-assign]
    stock = snapshot(checks)
    answers: list[object] = []
    threads = [
        threading.Thread(target=lambda: answers.append(stock.shortfalls(order(("SKU-A", 1)))))
        for _ in range(4)
    ]
    threads[0].start()
    assert first_read.wait(5)
    for thread in threads[1:]:
        thread.start()
    go_on.set()
    for thread in threads:
        thread.join(5)
    assert answers == [[], [], [], []]
    assert checks.reads == 1


def test_snapshot_fails_open_when_the_erp_cannot_be_read() -> None:
    checks = StubChecks({("ITEM-A", "1"): 0})
    checks.down = True
    assert snapshot(checks).shortfalls(order(("SKU-A", 5))) is None


# -- unit: decisions -----------------------------------------------------------------------------
def test_stockout_hold_stops_the_order_naming_sku_and_shortfall() -> None:
    rules = policies(StubChecks({("ITEM-A", "1"): 1}), stockout="hold")
    with pytest.raises(PolicyStop) as stop:
        rules.before_create(order(("SKU-A", 3), ("SKU-B", 1)))
    assert (stop.value.kind, stop.value.action) == ("stockout", "hold")
    assert "order 000000001" in stop.value.reason
    assert "SKU SKU-A: ordered 3, ERP has 1 (short 2)" in stop.value.reason
    assert "SKU SKU-B: ordered 1, ERP has 0 (short 1)" in stop.value.reason


def test_stockout_backorder_lets_the_order_through_with_a_note() -> None:
    rules = policies(StubChecks({("ITEM-A", "1"): 1}), stockout="backorder")
    note = rules.before_create(order(("SKU-A", 3)))
    assert note is not None and note.startswith("backordered in erp: SKU SKU-A")
    assert rules.before_create(order(("SKU-A", 1))) is None


@pytest.mark.parametrize(("policy", "verb"), [("hold", "held"), ("reject", "rejected")])
def test_credit_hold_asked_before_create_follows_the_policy(policy: str, verb: str) -> None:
    rules = policies(StubChecks({}, held="account CUST1 is on credit hold"), credit_hold=policy)
    with pytest.raises(PolicyStop) as stop:
        rules.before_create(order(("SKU-A", 1)))
    assert (stop.value.kind, stop.value.action) == ("credit_hold", policy)
    assert stop.value.reason == f"order 000000001 {verb}: account CUST1 is on credit hold"


def test_only_refusals_naming_a_held_account_are_credit_holds() -> None:
    rules = policies(StubChecks({}), credit_hold="reject")
    rules.checks = RefusalChecks(None, b1.HELD)
    held = BusinessHold("sap-b1 400 -10: Business partner 'C00001' is inactive [ORDR.CardCode]")
    stop = rules.refused(order(("SKU-A", 1)), held)
    assert stop is not None and stop.action == "reject" and "account C00001" in stop.reason
    assert rules.refused(order(("SKU-A", 1)), BusinessHold("price variance on line 1")) is None


@pytest.mark.parametrize(
    ("pattern", "message", "account"),
    [
        (b1.HELD, "sap-b1 400 -10: Business partner 'C00007' is inactive", "C00007"),
        (
            s4.HELD,
            "s4hana 400 V1/462: Sold-to party 10000003 is blocked for sales orders",
            "10000003",
        ),
        (sage.HELD, "sage200 400: The customer account 'CUST0002' is on hold.", "CUST0002"),
        (bc.HELD, "order 1: customer C00002 is blocked (Ship) in Business Central", "C00002"),
    ],
)
def test_each_erp_refusal_names_the_account(pattern: Any, message: str, account: str) -> None:
    assert RefusalChecks(None, pattern).held_account(BusinessHold(message)) == account


def test_checks_are_found_by_erp_kind_with_a_default() -> None:
    class Unknown:
        system = "other"

    assert type(checks_for(Unknown())) is DefaultChecks
    assert DefaultChecks(Unknown()).stock_rows() is None  # no stock_levels: no check


def test_erp_states_map_to_what_magento_is_told() -> None:
    assert [canonical(s) for s in ("cancelled", "on_hold", "closed", "delivered", "open")] == [
        "cancelled",
        "held",
        "closed",
        "open",
        "open",
    ]


# -- in-process against the fakes ------------------------------------------------------------
@pytest.fixture
def netsuite() -> Iterator[World]:
    world = build_world("netsuite", 3)
    yield world
    world.close()


def magento_order(world: World, entity_id: int) -> dict[str, Any]:
    orders: list[dict[str, Any]] = world.magento.state()["orders"]
    return next(o for o in orders if int(o["entity_id"]) == entity_id)


def comments(world: World, entity_id: int) -> list[str]:
    return [str(h["comment"]) for h in magento_order(world, entity_id)["status_histories"]]


def run(cut: BuiltinConnector, world: World, cycles: int = 4) -> None:
    for _ in range(cycles):
        cut.cycle()
        world.advance(60)


def test_stockout_hold_then_release_exports_exactly_once(netsuite: World) -> None:
    dataset = netsuite.magento.ctx.dataset
    sku = dataset.products[0].sku
    for location in netsuite.profile["locations"].values():
        support("netsuite").set_stock(netsuite.erp_fake, sku, location, 0)  # type: ignore[union-attr]
    placed = netsuite.magento.event("place_order", lines=[{"sku": sku, "qty": 2}])
    entity = int(placed["entity_id"])
    cut = BuiltinConnector(netsuite, stockout="hold")
    run(cut, netsuite)
    assert erp_orders("netsuite", netsuite.erp_fake.state()) == []
    assert magento_order(netsuite, entity)["state"] == "holded"
    assert any(
        f"SKU {sku}: ordered 2, ERP has 0 (short 2)" in c for c in comments(netsuite, entity)
    )
    assert cut.quarantined() == []  # a policy stop is not a failure of the sync
    support("netsuite").set_stock(netsuite.erp_fake, sku, "1", 5)  # type: ignore[union-attr]
    MagentoOrderActions(cut.engine.magento).unhold(entity)
    run(cut, netsuite)
    run(cut, netsuite)  # released orders are not exported twice
    (exported,) = erp_orders("netsuite", netsuite.erp_fake.state())
    assert exported.refs >= {placed["increment_id"]}
    assert magento_order(netsuite, entity)["state"] == "processing"
    cut.close()


def test_reject_cancels_an_order_magento_can_cancel(netsuite: World) -> None:
    sku = netsuite.magento.ctx.dataset.products[0].sku
    placed = netsuite.magento.event("place_order", lines=[{"sku": sku, "qty": 1}], paid=False)
    cut = BuiltinConnector(netsuite)
    rules = OrderPolicies(cut.engine.magento, cut.engine.erp, netsuite.clock, Policies())
    raw = cut.engine.magento.get_order(int(placed["entity_id"]))
    outcome = rules.apply(raw, PolicyStop("credit_hold", "reject", "rejected: account X held"))
    assert outcome.action == "canceled"
    assert magento_order(netsuite, int(placed["entity_id"]))["state"] == "canceled"
    assert "rejected: account X held" in comments(netsuite, int(placed["entity_id"]))
    cut.close()


def test_magento_actions_do_not_repeat_a_transition(netsuite: World) -> None:
    sku = netsuite.magento.ctx.dataset.products[0].sku
    entity = int(netsuite.magento.event("place_order", lines=[{"sku": sku, "qty": 1}])["entity_id"])
    cut = BuiltinConnector(netsuite)
    actions = MagentoOrderActions(cut.engine.magento)
    assert actions.hold(entity) is True and actions.hold(entity) is False
    assert actions.cancel(entity) is False  # invoiced in full: Magento refuses
    assert magento_order(netsuite, entity)["state"] == "processing"  # the hold was lifted first
    assert actions.unhold(entity) is False
    cut.close()


def test_order_state_tells_magento_of_erp_holds_and_releases() -> None:
    world = build_world("sage200", 4)
    try:
        sku = world.magento.ctx.dataset.products[0].sku
        placed = world.magento.event("place_order", lines=[{"sku": sku, "qty": 1}])
        entity = int(placed["entity_id"])
        cut = BuiltinConnector(world)
        run(cut, world)
        (exported,) = erp_orders("sage200", world.erp_fake.state())
        hold = {"document_status": "EnumDocumentStatusOnHold"}
        world.erp_fake.event("amend_order", id=int(exported.id), changes=hold)
        run(cut, world, 6)
        assert magento_order(world, entity)["state"] == "holded"
        assert any("is on hold" in c for c in comments(world, entity))
        live = {"document_status": "EnumDocumentStatusLive"}
        world.erp_fake.event("amend_order", id=int(exported.id), changes=live)
        run(cut, world, 6)
        assert magento_order(world, entity)["state"] == "processing"
        assert any("our hold is lifted" in c for c in comments(world, entity))
        cut.close()
    finally:
        world.close()


def test_order_state_cancellation_is_told_once_with_an_alert(netsuite: World) -> None:
    sku = netsuite.magento.ctx.dataset.products[0].sku
    entity = int(netsuite.magento.event("place_order", lines=[{"sku": sku, "qty": 1}])["entity_id"])
    cut = BuiltinConnector(netsuite)
    run(cut, netsuite)
    (exported,) = erp_orders("netsuite", netsuite.erp_fake.state())
    netsuite.erp_fake.event("cancel_order", id=exported.id)
    flow = next(f for f, _ in cut.engine.optional if isinstance(f, OrderStateFlow))
    first = flow.run(("test", 1))
    again = flow.run(("test", 1))
    assert len(first.cancelled) == 1 and again.cancelled == []
    assert magento_order(netsuite, entity)["state"] == "holded"  # paid: cannot cancel, held
    alerts = [a for a in cut.alerts() or [] if a["kind"] == "status_mismatch"]
    assert any(str(placed_increment(netsuite, entity)) in a["message"] for a in alerts)
    cut.close()


def placed_increment(world: World, entity_id: int) -> str:
    return str(magento_order(world, entity_id)["increment_id"])


def test_order_state_flow_is_optional(netsuite: World) -> None:
    cut = BuiltinConnector(netsuite)
    assert attach(cut.engine) is not None
    off = {"order_state": FlowSettings(enabled=False)}
    cut.engine.config = cut.config.model_copy(update={"flows": off})
    assert attach(cut.engine) is None
    cut.close()


class CountingHolds(StubChecks):
    def __init__(self) -> None:
        super().__init__({("ITEM-A", "1"): 100})
        self.asked = 0

    def account_hold(self, order: Order) -> str | None:
        self.asked += 1
        return self.held


def test_account_hold_is_asked_before_every_order_by_default() -> None:
    checks = CountingHolds()
    rules = policies(checks)
    for n in range(3):
        rules.before_create(order(("SKU-A", 1), increment=f"00000000{n}"))
    assert checks.asked == 3


def test_a_not_held_answer_is_reused_within_the_ttl_but_a_hold_never_is() -> None:
    checks = CountingHolds()
    rules = policies(checks, account_check_ttl_s=300)
    clock = Frozen()
    rules.clock = clock
    rules.before_create(order(("SKU-A", 1)))
    rules.before_create(order(("SKU-A", 1)))
    assert checks.asked == 1  # the second order reused "not held"
    clock.at = NOW + timedelta(minutes=6)
    checks.held = "account C1 is on credit hold"
    with pytest.raises(PolicyStop):
        rules.before_create(order(("SKU-A", 1)))
    with pytest.raises(PolicyStop):
        rules.before_create(order(("SKU-A", 1)))
    assert checks.asked == 3  # a hold found is asked again every time
