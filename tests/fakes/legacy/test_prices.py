"""The legacy fake's price book: seeded lists, a clerk's dated changes, price exports with their
control files (``SUM_AMOUNT``), the schedule, and export faults that name ``kind: prices``."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from contracts.legacy.layouts import (
    PRICE_EXPORT,
    parse_key_values,
    validate_control,
    validate_price_records,
)
from fakes.core.fake import Fake
from fakes.legacy import SPEC, LegacyBackend

FIRST = date(2026, 1, 5)  # the dataset's first day


def _sku(backend: LegacyBackend, index: int = 0) -> str:
    return sorted(backend.items)[index]


def _export(fake: Fake, **payload: str) -> tuple[str, str, str]:
    """(name, data text, control text) of the first file the export wrote."""
    record = fake.event("export_prices", **payload)["exports"][0]
    folders = fake.backend.folders  # type: ignore[attr-defined]
    data = folders.read("outbound", record["name"]).decode("utf-8")
    control = folders.read("outbound", record["control_file"]).decode("utf-8")
    return record["name"], data, control


def _std_rows(data: str, sku: str) -> list[list[str]]:
    return [row.split(",") for row in data.splitlines()[1:] if row.startswith(f"{sku},STD,")]


# -- the book ---------------------------------------------------------------------------------
def test_every_item_is_seeded_on_the_standard_and_trade_lists(backend: LegacyBackend) -> None:
    book = backend.price_book
    for code, item in backend.items.items():
        assert book.in_effect(code, "STD", 1, FIRST) == item.price
        trade = book.in_effect(code, "TRADE", 1, FIRST)
        trade_break = book.in_effect(code, "TRADE", 10, FIRST)
        assert trade is not None and trade_break is not None
        assert trade_break < trade < item.price
    assert len(book.records) == 3 * len(backend.items)


def test_a_dated_price_holds_on_its_days_and_the_older_one_after(
    fake: Fake, backend: LegacyBackend
) -> None:
    sku = _sku(backend)
    base = backend.price_book.in_effect(sku, "STD", 1, FIRST)
    start, end = FIRST + timedelta(days=2), FIRST + timedelta(days=3)
    fake.event(
        "set_price",
        sku=sku,
        price="9.50",
        effective_from=start.isoformat(),
        effective_to=end.isoformat(),
    )
    held = [
        backend.price_book.in_effect(sku, "STD", 1, start + timedelta(days=d))
        for d in (-1, 0, 1, 2)
    ]
    assert held == [base, Decimal("9.50"), Decimal("9.50"), base]


def test_an_open_ended_price_closes_the_older_one_the_day_before(
    fake: Fake, backend: LegacyBackend
) -> None:
    sku = _sku(backend)
    start = FIRST + timedelta(days=7)
    fake.event("set_price", sku=sku, price=12, effective_from=start.isoformat())
    records = sorted(
        (r for r in backend.price_book.records if r.key == (sku, "STD", 1)),
        key=lambda r: r.effective_from,
    )
    assert [(r.effective_from, r.effective_to, r.price) for r in records][1:] == [
        (start, None, Decimal("12"))
    ]
    assert records[0].effective_to == start - timedelta(days=1)


def test_a_price_for_an_existing_first_day_replaces_it(fake: Fake, backend: LegacyBackend) -> None:
    sku = _sku(backend)
    fake.event("set_price", sku=sku, price="7.25", price_list="TRADE", min_qty=10)
    fake.event("set_price", sku=sku, price="7.00", price_list="TRADE", min_qty=10)
    rows = [r for r in backend.price_book.records if r.key == (sku, "TRADE", 10)]
    assert len(rows) == 1 and rows[0].price == Decimal("7.00")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sku": "NOPE", "price": "1"}, "sku"),
        ({"price": "1", "price_list": "VIP"}, "price_list"),
        ({"price": "1.12345"}, "price"),
        ({"price": "-1"}, "price"),
        ({"price": "1", "min_qty": 0}, "min_qty"),
        ({"price": "1", "effective_from": "2026-02-30"}, "effective_from"),
        ({"price": "1", "effective_from": "2026-02-01T00:00"}, "effective_from"),
        (
            {"price": "1", "effective_from": "2026-02-01", "effective_to": "2026-01-31"},
            "effective_to",
        ),
    ],
)
def test_a_wrong_change_is_refused_naming_the_field(
    fake: Fake, backend: LegacyBackend, payload: dict[str, object], field: str
) -> None:
    before = list(backend.price_book.records)
    with pytest.raises(ValueError, match=field):
        fake.event("set_price", **{"sku": _sku(backend), **payload})
    assert backend.price_book.records == before


# -- exports ----------------------------------------------------------------------------------
def test_an_export_is_the_book_with_a_control_file_that_checks(
    fake: Fake, backend: LegacyBackend
) -> None:
    name, data, control = _export(fake)
    assert PRICE_EXPORT.matches_name(name) and name.endswith("_000001.csv")
    assert validate_control(PRICE_EXPORT, control, data) == (True, "ok")
    assert validate_price_records(name, data) == (True, "ok")
    values = parse_key_values(control, ",")
    assert values["ROW_COUNT"] == str(len(backend.price_book.records))
    total = sum((r.price for r in backend.price_book.records), Decimal(0))
    assert Decimal(values["SUM_AMOUNT"]) == total
    assert data.endswith("\r\n") and data.splitlines()[0] == ",".join(PRICE_EXPORT.column_names)
    assert _export(fake)[0].endswith("_000002.csv")


def test_an_export_carries_future_prices_with_their_dates_and_drops_ended_ones(
    fake: Fake, backend: LegacyBackend
) -> None:
    sku = _sku(backend)
    fake.event(
        "set_price", sku=sku, price="5", effective_from="2026-01-10", effective_to="2026-01-11"
    )
    fake.event(
        "set_price", sku=sku, price="6", effective_from="2026-01-01", effective_to="2026-01-02"
    )
    _, data, _ = _export(fake, sku=sku)
    rows = _std_rows(data, sku)
    assert [r[2:] for r in rows] == [
        ["1", money(backend.items[sku].price), "2026-01-05", ""],
        ["1", "5.00", "2026-01-10", "2026-01-11"],
    ]
    assert {line.split(",")[0] for line in data.splitlines()[1:]} == {sku}


def money(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def test_the_schedule_writes_price_exports(tmp_path: Path) -> None:
    fake = Fake(
        SPEC, seed=1, options={"root_dir": str(tmp_path / "erp"), "price_export_interval_s": 3600}
    )
    fake.clock.advance(3 * 3600 + 5)
    exports = [e for e in fake.state()["exports"] if e["kind"] == "prices"]
    assert [e["seq"] for e in exports] == [1]  # missed slots collapse into one run
    assert exports[0]["extracted_at"] == "2026-01-05T12:00:00Z"


def test_a_price_export_can_be_dropped_again_under_its_name(fake: Fake) -> None:
    name, data, _ = _export(fake)
    fake.backend.folders.delete("outbound", name)  # type: ignore[attr-defined]
    again = fake.event("redrop_export", file=name)
    assert again["duplicate_of"] == name
    assert fake.backend.folders.read("outbound", name).decode() == data  # type: ignore[attr-defined]


# -- faults -----------------------------------------------------------------------------------
def test_layout_faults_reach_price_exports_only_when_they_name_prices(fake: Fake) -> None:
    fake.event("set_fault", fault="rename_columns", params={"columns": {"price": "amount"}})
    _, data, control = _export(fake)
    assert validate_control(PRICE_EXPORT, control, data) == (True, "ok")
    fake.event(
        "set_fault",
        fault="rename_columns",
        params={"columns": {"price": "amount"}, "kind": "prices"},
    )
    _, data, control = _export(fake)
    ok, reason = validate_control(PRICE_EXPORT, control, data)
    assert not ok and "missing columns: price" in reason


def test_sequence_faults_skip_and_repeat_price_exports(fake: Fake) -> None:
    fake.event("set_fault", fault="skip_sequence", params={"kind": "prices", "remaining": 1})
    assert _export(fake)[0].endswith("_000002.csv")
    fake.event("set_fault", fault="repeat_export", params={"kind": "prices", "remaining": 1})
    written = fake.event("export_prices")["exports"]
    assert [e["seq"] for e in written] == [3, 4] and written[1]["duplicate_of"] == written[0][
        "name"
    ]


def test_the_book_is_part_of_a_checkpoint(fake: Fake, backend: LegacyBackend) -> None:
    saved = backend.checkpoint()
    fake.event("set_price", sku=_sku(backend), price="1.00")
    backend.restore(saved)
    assert (
        backend.price_book.in_effect(_sku(backend), "STD", 1, FIRST)
        == backend.items[_sku(backend)].price
    )
