"""The price flow: units on what Magento should hold (dates), the diff and its change percent,
Magento's per-row failures; and the flow in-process against the Magento and ERP fakes
(preview, approval, rollback, tiers per customer group, rejected rows retried or dead-lettered,
the per-batch ledger)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from scenarios.connectors.builtin import engine_config
from scenarios.world import World, build_world
from sync_core.config import ConfigError, FlowSettings
from sync_core.connectors.magento.prices import _attribute, _render
from sync_core.connectors.sap_b1.prices import _area_price
from sync_core.engine import Engine
from sync_core.errors import PermanentError
from sync_core.flows.prices import PricesFlow, attach
from sync_core.flows.prices_model import ErpPrice, change_pct, desired, diff

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


# -- what Magento should hold -------------------------------------------------------------------
def test_a_future_base_price_waits_for_its_date() -> None:
    rows = [
        ErpPrice("A", "base", Decimal("10")),
        ErpPrice("A", "base", Decimal("12"), valid_from=NOW + DAY),
    ]
    assert desired(rows, NOW) == {"base|A": {"price": 10.0}}
    assert desired(rows, NOW + DAY) == {"base|A": {"price": 12.0}}


def test_a_special_price_is_sent_with_its_dates_before_it_starts() -> None:
    rows = [ErpPrice("A", "special", Decimal("8"), valid_from=NOW + DAY, valid_to=NOW + 2 * DAY)]
    assert desired(rows, NOW)["special|A"] == {
        "price": 8.0,
        "price_from": "2026-03-11 12:00:00",
        "price_to": "2026-03-12 12:00:00",
    }
    assert desired(rows, NOW + 3 * DAY) == {}


def test_the_active_special_price_wins_over_the_next_one() -> None:
    rows = [
        ErpPrice("A", "special", Decimal("9"), valid_from=NOW - DAY, valid_to=NOW + DAY),
        ErpPrice("A", "special", Decimal("7"), valid_from=NOW + 2 * DAY),
    ]
    assert desired(rows, NOW)["special|A"]["price"] == 9.0
    assert desired(rows, NOW + 2 * DAY)["special|A"]["price"] == 7.0


def test_tier_prices_are_keyed_by_group_and_quantity() -> None:
    rows = [ErpPrice("A", "tier", Decimal("9.5"), group="Wholesale")]
    assert desired(rows, NOW) == {"tier|A|Wholesale|1": {"price": 9.5}}


# -- the diff -----------------------------------------------------------------------------------
def test_the_diff_measures_each_change_against_what_the_customer_pays() -> None:
    current: dict[str, dict[str, Any]] = {
        "base|A": {"price": 10.0},
        "special|A": {"price": 8.0, "price_to": None},
    }
    wanted = {"base|A": {"price": 13.0}}
    changes = {c.key: c for c in diff(wanted, current, frozenset({"base", "special"}), {"A"})}
    assert changes["base|A"].change_pct == 30.0
    assert changes["special|A"].new is None and changes["special|A"].change_pct == 25.0


def test_deleting_an_ended_special_price_changes_nothing_a_customer_sees() -> None:
    current: dict[str, dict[str, Any]] = {
        "base|A": {"price": 10.0},
        "special|A": {"price": 5.0, "price_to": "2026-03-01"},
    }
    (change,) = diff({"base|A": {"price": 10.0}}, current, frozenset({"special"}), {"A"}, NOW)
    assert change.new is None and change.change_pct == 0.0


def test_the_diff_leaves_unknown_skus_kinds_it_does_not_own_and_base_deletions_alone() -> None:
    current = {"base|A": {"price": 10.0}, "tier|A|General|1": {"price": 9.0}}
    wanted = {"base|B": {"price": 3.0}}
    assert diff(wanted, current, frozenset({"base"}), {"A"}) == []


def test_a_change_from_zero_counts_as_a_full_change() -> None:
    assert change_pct("base|A", {"price": 0}, {"price": 5}, None) == 100.0


# -- Magento's per-row failures -----------------------------------------------------------------
def test_a_failure_is_attributed_to_the_row_its_parameters_name() -> None:
    found: dict[str, str] = {}
    failure = {"message": "Invalid attribute %fieldName = %fieldValue.", "parameters": ["SKU", "B"]}
    _attribute(failure, ["base|A", "base|B"], found)
    assert found == {"base|B": "Invalid attribute SKU = B."}


def test_a_tier_failure_needs_the_group_and_quantity_too() -> None:
    found: dict[str, str] = {}
    params = ["A", "0", "Wholesale", "1"]
    _attribute(
        {"message": "m", "parameters": params}, ["tier|A|General|1", "tier|A|Wholesale|1"], found
    )
    assert list(found) == ["tier|A|Wholesale|1"]


def test_placeholders_are_filled_in_order() -> None:
    assert _render("No such %a, %b.", ["x", "y"]) == "No such x, y."


def test_a_b1_period_discount_in_percent_is_taken_off_the_list_price() -> None:
    assert _area_price({"Discount": 10.0}, Decimal("20")) == Decimal("18.00")
    assert _area_price({"SpecialPrice": 15.0}, None) == Decimal("15.0")
    assert _area_price({"Discount": 10.0}, None) is None


# -- in-process against the fakes ---------------------------------------------------------------
@pytest.fixture
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    made = build_world(getattr(request, "param", "netsuite"), 3)
    yield made
    made.close()


def _engine(world: World, **changes: Any) -> Engine:
    config = engine_config(world)
    mapping = config.mapping.model_copy(update=changes.pop("mapping", {}))
    config = config.model_copy(update={"mapping": mapping, **changes})
    return Engine(config, clock=world.clock, name="test")


def _flow(engine: Engine) -> PricesFlow:
    found = attach(engine)
    assert found is not None
    return found


def _ns_item(world: World, index: int) -> dict[str, Any]:
    items = world.erp_fake.backend.records["inventoryItem"]  # type: ignore[attr-defined]
    return list(items.values())[index]  # type: ignore[no-any-return]


def _magento(world: World, sku: str) -> float:
    return float(world.magento.state()["base_prices"][sku])


def test_the_flow_is_absent_when_disabled_or_magento_owns_prices(world: World) -> None:
    off = _engine(world, flows={"prices": FlowSettings(enabled=False)})
    mine = _engine(world, flows={"prices": FlowSettings(source_of_truth="magento")})
    assert attach(off) is None and attach(mine) is None


def test_a_small_change_applies_and_is_audited_per_item(world: World) -> None:
    engine = _engine(world)
    flow = _flow(engine)
    item = _ns_item(world, 0)
    item["basePrice"] = round(item["basePrice"] * 1.1, 2)
    (change,) = flow.preview()
    assert change.key == f"base|{item['externalId']}" and change.change_pct == 10.0
    result = flow.run()
    assert result.status == "applied"
    assert result.counts == {"submitted": 1, "accepted": 1, "rejected": 0, "pending": 0}
    assert _magento(world, item["externalId"]) == item["basePrice"]
    trail = engine.store.audit_trail(f"base|{item['externalId']}")
    assert [(t["action"], t["outcome"]) for t in trail] == [("apply", "accepted")]
    assert flow.preview() == []


def test_a_big_change_waits_and_a_new_erp_price_supersedes_the_held_batch(world: World) -> None:
    engine = _engine(world)
    flow = _flow(engine)
    item = _ns_item(world, 1)
    before = _magento(world, item["externalId"])
    item["basePrice"] = round(before * 1.5, 2)
    held = flow.run()
    assert held.status == "pending_approval" and held.counts["pending"] == 1
    assert flow.run().batch == held.batch  # the same diff: the same batch keeps waiting
    assert _magento(world, item["externalId"]) == before
    assert [a["kind"] for a in engine.alerts()] == ["price_approval"]
    item["basePrice"] = round(before * 1.6, 2)
    second = flow.run()
    assert second.batch != held.batch
    assert flow.batches.batch(held.batch or 0)["status"] == "superseded"  # type: ignore[index]
    with pytest.raises(PermanentError, match=f"price batch {held.batch} is superseded"):
        flow.approve(held.batch or 0)
    flow.approve(second.batch or 0)
    assert _magento(world, item["externalId"]) == item["basePrice"]
    assert engine.alerts() == []


def test_rollback_restores_exactly_and_is_not_undone_by_the_next_run(world: World) -> None:
    engine = _engine(world)
    flow = _flow(engine)
    items = [_ns_item(world, i) for i in range(3)]
    before = {i["externalId"]: _magento(world, i["externalId"]) for i in items}
    for item in items:
        item["basePrice"] = round(item["basePrice"] * 0.95, 2)
    applied = flow.run()
    assert applied.status == "applied"
    flow.rollback(applied.batch or 0)
    assert {s: _magento(world, s) for s in before} == before
    assert flow.run().status == "unchanged"
    assert {s: _magento(world, s) for s in before} == before
    with pytest.raises(PermanentError, match="price batch 999 does not exist"):
        flow.rollback(999)


def test_rejected_rows_are_retried_then_dead_lettered_with_the_reason(world: World) -> None:
    engine = _engine(world)
    flow = _flow(engine)
    items = [_ns_item(world, i) for i in range(4)]
    for item in items:
        item["basePrice"] = round(item["basePrice"] * 1.02, 2)
    world.magento.add_fault(
        {
            "target": {"path": "base-prices$"},
            "effect": {"kind": "vendor", "name": "partial_price_batch", "params": {"reject": 1}},
        }
    )
    first = flow.run()
    assert first.counts == {"submitted": 4, "accepted": 3, "rejected": 1, "pending": 0}
    stuck = items[-1]["externalId"]
    (rejected,) = [i for i in flow.batches.items(first.batch or 0) if i["outcome"] == "rejected"]
    assert rejected["disposition"] == "retry" and "Invalid attribute SKU" in rejected["reason"]
    flow.run()
    flow.run()
    (dead,) = flow.batches.dead()
    assert dead["key"] == f"base|{stuck}"
    (alert,) = engine.alerts()
    assert alert["kind"] == "price_dead_letter" and stuck in alert["message"]
    assert flow.run().status == "unchanged"  # dead-lettered: not sent again until it changes
    world.magento.clear_faults()
    assert flow.replay([f"base|{stuck}"]) == 1
    assert engine.alerts() == []
    assert flow.run().counts == {"submitted": 1, "accepted": 1, "rejected": 0, "pending": 0}
    assert _magento(world, stuck) == items[-1]["basePrice"]
    for batch in flow.batches.batches():
        counts = flow.batches.counts(int(batch["id"]))
        assert counts["accepted"] + counts["rejected"] + counts["pending"] == counts["submitted"]


@pytest.mark.parametrize("world", ["sap-b1"], indirect=True)
def test_b1_price_lists_become_tier_prices_per_customer_group(world: World) -> None:
    backend: Any = world.erp_fake.backend
    backend.create_master("PriceLists", {"PriceListName": "Trade", "Factor": 0.8})
    engine = _engine(world, mapping={"price_lists": {"Wholesale": "2"}})
    flow = _flow(engine)
    changes = flow.preview()
    assert changes and all(c.key.startswith("tier|") and "|Wholesale|1" in c.key for c in changes)
    assert max(c.change_pct for c in changes) == 20.0  # 0.8 of the list price: not above 20
    result = flow.run()
    assert result.status == "applied" and result.counts["rejected"] == 0
    tiers = world.magento.state()["prices"]["tier"]
    assert {t["customer_group"] for t in tiers} == {"Wholesale"}
    assert len(tiers) == len(changes)
    flow.rollback(result.batch or 0)
    assert world.magento.state()["prices"]["tier"] == []


@pytest.mark.parametrize("world", ["sap-b1"], indirect=True)
def test_a_bad_price_list_mapping_names_the_group(world: World) -> None:
    with pytest.raises(ConfigError, match="mapping.price_lists.Wholesale"):
        _engine(world, mapping={"price_lists": {"Wholesale": "trade"}})


@pytest.mark.parametrize("world", ["s4hana"], indirect=True)
def test_an_s4_future_list_price_is_sent_on_its_first_day(world: World) -> None:
    engine = _engine(world)
    flow = _flow(engine)
    sku = world.magento.ctx.dataset.products[0].sku
    before = _magento(world, sku)
    tomorrow = (world.clock.now() + DAY).date().isoformat()
    world.erp_fake.event(
        "price_condition", material=sku, amount="19.99", valid_from=tomorrow, valid_to=tomorrow
    )
    assert flow.preview() == []
    world.advance(DAY.total_seconds())
    flow.approve(flow.run().batch or 0)  # a big drop: held, then approved
    assert _magento(world, sku) == 19.99
    world.advance(DAY.total_seconds())
    flow.approve(flow.run().batch or 0)
    assert _magento(world, sku) == before
