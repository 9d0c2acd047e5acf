"""The price flow on the legacy ERP, in-process against its fake: price exports taken in by
sequence number (re-drops, repeats and old files ignored, gaps alerted), checked whole against
their control files and record rules (a refusal names the file, line and field and applies
nothing), dated prices sent on their first day, and tier prices per customer group."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from contracts.legacy.layouts import parse_key_values, render_key_values
from scenarios.connectors.builtin import engine_config
from scenarios.world import World, build_world
from sync_core.engine import Engine
from sync_core.errors import InvalidData, SchemaDrift
from sync_core.flows.prices import PricesFlow, attach

SKU = "SKU-000001"


@pytest.fixture
def world() -> Iterator[World]:
    made = build_world("legacy", 3)
    yield made
    made.close()


def _engine(world: World, **mapping: Any) -> Engine:
    config = engine_config(world)
    config = config.model_copy(update={"mapping": config.mapping.model_copy(update=mapping)})
    return Engine(config, clock=world.clock, name="test")


def _flow(engine: Engine) -> PricesFlow:
    found = attach(engine)
    assert found is not None
    return found


def _magento(world: World, sku: str = SKU) -> Decimal:
    return Decimal(str(world.magento.state()["base_prices"][sku]))


def _price_files(world: World) -> list[str]:
    return [n for n in world.erp_fake.state()["files"]["outbound"] if n.startswith("PRICE_")]


def _alerts(engine: Engine, kind: str) -> list[str]:
    return [str(a["message"]) for a in engine.alerts() if a["kind"] == kind]


def _set(world: World, price: Decimal, **dates: str) -> None:
    world.erp_fake.event("set_price", sku=SKU, price=str(price), **dates)
    world.erp_fake.event("export_prices")


def _moved(world: World, factor: str) -> Decimal:
    """The seeded price of SKU times ``factor`` (within the approval threshold)."""
    seeded = world.erp_fake.backend.items[SKU].price  # type: ignore[attr-defined]
    return Decimal(seeded * Decimal(factor)).quantize(Decimal("0.01"))


def test_nothing_is_read_before_the_first_export(world: World) -> None:
    flow = _flow(_engine(world))
    assert flow.preview() == [] and flow.run().status == "unchanged"


def test_an_exported_change_is_applied_and_the_files_picked_up(world: World) -> None:
    flow = _flow(_engine(world))
    new = _moved(world, "1.05")
    _set(world, new)
    (change,) = flow.preview()
    assert change.key == f"base|{SKU}" and change.change_pct == 5.0
    assert flow.run().status == "applied"
    assert _magento(world) == new
    assert _price_files(world) == []
    restarted = _flow(_engine(world))  # the applied export is kept in the engine's store
    assert restarted.preview() == []


def test_redrops_repeats_and_old_exports_are_ignored_and_gaps_alerted(world: World) -> None:
    engine = _engine(world)
    flow = _flow(engine)
    first = world.erp_fake.event("export_prices")["exports"][0]["name"]
    flow.run()
    world.erp_fake.event("redrop_export", file=first)
    world.erp_fake.event("set_fault", fault="repeat_export", params={"kind": "prices"})
    _set(world, _moved(world, "1.01"))
    world.erp_fake.event("clear_fault")
    assert flow.run().status == "applied" and _magento(world) == _moved(world, "1.01")
    assert _alerts(engine, "legacy_price_redrop") and _alerts(engine, "legacy_price_repeat")
    world.erp_fake.event("set_fault", fault="skip_sequence", params={"kind": "prices"})
    _set(world, _moved(world, "1.02"))
    flow.run()
    (gap,) = _alerts(engine, "legacy_price_sequence_gap")
    assert "skipped 4" in gap and _magento(world) == _moved(world, "1.02")
    assert _price_files(world) == []


def test_an_old_export_dropped_late_changes_nothing(world: World) -> None:
    engine = _engine(world)
    flow = _flow(engine)
    folders = world.erp_fake.backend.folders  # type: ignore[attr-defined]
    _set(world, _moved(world, "0.98"))
    old = world.erp_fake.state()["exports"][-1]
    data = folders.read("outbound", old["name"])
    control = parse_key_values(folders.read("outbound", old["control_file"]).decode(), ",")
    _set(world, _moved(world, "0.97"))
    flow.run()
    assert _magento(world) == _moved(world, "0.97")
    cheaper = str(_moved(world, "0.98")).encode(), str(_moved(world, "0.96")).encode()
    amount = Decimal(control["SUM_AMOUNT"]) - _moved(world, "0.98") + _moved(world, "0.96")
    folders.write("outbound", old["name"], data.replace(*cheaper))  # seq 1, new content
    folders.write("outbound", old["control_file"], _render({**control, "SUM_AMOUNT": amount}))
    flow.run()
    assert _magento(world) == _moved(world, "0.97")
    assert any("an old export" in a for a in _alerts(engine, "legacy_price_stale"))


def _render(values: dict[str, Any]) -> bytes:
    return render_key_values(values, ",").encode()


def test_a_bad_record_refuses_the_whole_file_naming_line_and_field(world: World) -> None:
    engine = _engine(world)
    flow = _flow(engine)
    before = _magento(world)
    _set(world, _moved(world, "1.02"))
    name = world.erp_fake.state()["exports"][-1]["name"]
    folders = world.erp_fake.backend.folders  # type: ignore[attr-defined]
    text = folders.read("outbound", name).decode()
    lines = text.split("\r\n")
    lines[1] = lines[1].replace("2026-01-05", "2026-02-30", 1)
    folders.write("outbound", name, "\r\n".join(lines).encode())
    with pytest.raises(InvalidData, match=rf"{name} line 2 field effective_from"):
        flow.run()
    assert _magento(world) == before
    assert name in _price_files(world)  # left for a person to look at
    (alert,) = _alerts(engine, "legacy_price_refused")
    assert "line 2 field effective_from" in alert
    _set(world, _moved(world, "1.03"))  # the next good export heals the source
    assert flow.run().status == "applied" and _magento(world) == _moved(world, "1.03")


def test_a_control_total_mismatch_or_a_renamed_column_refuses_the_file(world: World) -> None:
    flow = _flow(_engine(world))
    name = world.erp_fake.event("export_prices")["exports"][0]["name"]
    folders = world.erp_fake.backend.folders  # type: ignore[attr-defined]
    control = folders.read("outbound", name[:-4] + ".ctl").decode()
    folders.write(
        "outbound", name[:-4] + ".ctl", control.replace("SUM_AMOUNT,", "SUM_AMOUNT,1").encode()
    )
    with pytest.raises(InvalidData, match="SUM_AMOUNT"):
        flow.run()
    world.erp_fake.event(
        "set_fault",
        fault="rename_columns",
        params={"columns": {"price": "amount"}, "kind": "prices"},
    )
    _set(world, _moved(world, "1.04"))
    with pytest.raises(SchemaDrift, match="missing columns: price"):
        flow.run()
    assert _magento(world) != _moved(world, "1.04")


def test_a_dated_price_is_sent_on_its_first_day_and_ends_on_its_last(world: World) -> None:
    flow = _flow(_engine(world))
    before = _magento(world)
    today = world.clock.now().date()
    start, end = today + timedelta(days=1), today + timedelta(days=2)
    dated = _moved(world, "0.90")
    _set(world, dated, effective_from=start.isoformat(), effective_to=end.isoformat())
    assert flow.run().status == "unchanged" and _magento(world) == before
    world.advance(86400)
    flow.run()
    assert _magento(world) == dated
    world.advance(86400)
    flow.run()
    assert _magento(world) == dated  # its last day still holds it
    world.advance(86400)
    flow.run()
    assert _magento(world) == before


def test_trade_prices_become_tiers_of_the_mapped_customer_group(world: World) -> None:
    flow = _flow(_engine(world, price_lists={"Wholesale": "TRADE"}))
    world.erp_fake.event("export_prices")
    changes = flow.preview()
    keys = {c.key for c in changes}
    assert f"tier|{SKU}|Wholesale|1" in keys and f"tier|{SKU}|Wholesale|10" in keys
    assert all(c.key.startswith("tier|") for c in changes)
    result = flow.run()
    assert result.status == "applied" and result.counts["rejected"] == 0
    tiers = world.magento.state()["prices"]["tier"]
    assert {t["customer_group"] for t in tiers} == {"Wholesale"}
    assert {float(t["quantity"]) for t in tiers} == {1.0, 10.0}


def test_a_file_that_is_not_utf8_is_refused_by_name(world: World) -> None:
    flow = _flow(_engine(world))
    record = world.erp_fake.event("export_prices")["exports"][0]
    folders = world.erp_fake.backend.folders  # type: ignore[attr-defined]
    data = folders.read("outbound", record["name"])
    folders.write("outbound", record["name"], data.replace(b"STD", b"ST\xff", 1))
    with pytest.raises(InvalidData, match=rf"{record['name']} refused: not UTF-8"):
        flow.run()
