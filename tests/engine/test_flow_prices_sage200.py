"""Sage 200 prices with dates (FM-T02): time-based price bands the web account is linked to
(``erp.options.dated_price_bands``) give dated base prices; the base band stays undated. The
price source with a stub client."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from sync_core.config import MappingConfig
from sync_core.connectors.sage200.prices import SagePriceSource, band
from sync_core.errors import SchemaDrift

BANDS = [
    {"name": "Standard", "is_time_based": False, "is_active": True},
    {
        "name": "PROMO",
        "is_time_based": True,
        "is_active": True,
        "active_date_time_from": "2026-12-01T00:00:00Z",
        "active_date_time_to": "2026-12-02T00:00:00Z",
    },
    {"name": "OLD", "is_time_based": True, "is_active": False},
    {"name": "TRADE", "is_time_based": False, "is_active": True},
]


def _row(band_name: str, code: str, price: float, standard: bool = False) -> dict[str, Any]:
    return {
        "product_code": code,
        "price_band_name": band_name,
        "product_price_price": price,
        "product_price_use_standard": standard,
    }


def _source(views: list[dict[str, Any]], **options: str) -> SagePriceSource:
    tables = {"price_bands": BANDS, "product_price_views": views}
    engine: Any = SimpleNamespace(
        erp=SimpleNamespace(client=SimpleNamespace(rows=lambda resource: tables[resource])),
        config=SimpleNamespace(
            mapping=MappingConfig(price_lists={"wholesale": "PROMO"}),
            erp=SimpleNamespace(options=options),
        ),
    )
    return SagePriceSource(engine)


def test_a_time_based_band_is_dated_through_its_last_day() -> None:
    found = band(BANDS[1])
    assert found.valid_from == datetime(2026, 12, 1, tzinfo=UTC)
    assert found.valid_to == datetime(2026, 12, 2, 23, 59, 59, tzinfo=UTC)
    assert band(BANDS[0]).valid_from is None and band(BANDS[0]).valid_to is None


def test_a_bad_band_date_is_schema_drift_naming_the_band() -> None:
    with pytest.raises(SchemaDrift, match="'PROMO'"):
        band({**BANDS[1], "active_date_time_from": "soon"})


def test_dated_bands_give_dated_base_prices_and_the_base_band_stays() -> None:
    views = [
        _row("Standard", "A", 10.0),
        _row("PROMO", "A", 8.0),
        _row("PROMO", "B", 10.0, standard=True),
        _row("OLD", "A", 1.0),
        _row("TRADE", "A", 7.0),
    ]
    prices = _source(views, dated_price_bands="PROMO, OLD").read()
    base = sorted((p.sku, p.amount, p.valid_from is not None) for p in prices if p.kind == "base")
    assert base == [("A", Decimal("8.0"), True), ("A", Decimal("10.0"), False)]
    (tier,) = [p for p in prices if p.kind == "tier" and p.sku == "A"]
    assert (tier.group, tier.valid_to) == (
        "wholesale",
        datetime(2026, 12, 2, 23, 59, 59, tzinfo=UTC),
    )


def test_without_the_setting_no_band_but_the_base_band_prices_the_web() -> None:
    prices = _source([_row("Standard", "A", 10.0), _row("PROMO", "A", 8.0)]).read()
    assert [(p.kind, p.amount) for p in prices] == [
        ("base", Decimal("10.0")),
        ("tier", Decimal("8.0")),
    ]
