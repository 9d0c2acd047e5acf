"""NetSuite prices with dates (FM-T02): an active sale price rule of the configured price level
and currency gives its items a dated base price (whole days, first to last, UTC); the item's
basePrice stays undated. The price source with a stub REST client."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from sync_core.config import MappingConfig
from sync_core.connectors.netsuite.prices import NetSuitePrices
from sync_core.connectors.netsuite.sale_price_rules import Window, dated_price, window
from sync_core.errors import SchemaDrift
from sync_core.flows.prices_model import desired

RULE = {
    "id": "7",
    "name": "Spring",
    "priceLevel": {"id": "1", "refName": "Base Price"},
    "currency": {"id": "1"},
    "startDate": "2026-03-01",
    "endDate": "2026-03-02",
    "isInactive": False,
}


def _entry(rule: str, item: str, *breaks: tuple[float, float]) -> dict[str, Any]:
    items = [{"lowerBound": low, "rate": rate} for low, rate in breaks]
    return {
        "id": f"e{rule}{item}",
        "item": {"id": item},
        "priceRule": {"id": rule},
        "quantityBreaks": {"items": items},
    }


class StubClient:
    """Records by type and id; lists answer one page of ids."""

    def __init__(self, records: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.records = records
        self.http = SimpleNamespace(request=self._list, json=lambda body: body)

    def _list(self, method: str, path: str, params: dict[str, str]) -> dict[str, Any]:
        rows = self.records.get(path.rsplit("/", 1)[-1], {})
        return {"items": [{"id": rid} for rid in rows], "hasMore": False}

    def get_record(self, record_type: str, key: str, **params: str) -> dict[str, Any]:
        return self.records[record_type][key]


def _source(client: StubClient, **options: str) -> NetSuitePrices:
    engine: Any = SimpleNamespace(
        erp=SimpleNamespace(client=client),
        config=SimpleNamespace(mapping=MappingConfig(), erp=SimpleNamespace(options=options)),
    )
    return NetSuitePrices(engine)


def _items() -> dict[str, dict[str, Any]]:
    return {
        "501": {"id": "501", "itemId": "A", "basePrice": 10.0, "isInactive": False},
        "502": {"id": "502", "itemId": "B", "basePrice": 20.0, "isInactive": True},
    }


def test_a_rule_holds_from_its_first_day_through_its_last() -> None:
    found = window(RULE, "1", "1")
    assert found == Window(
        "7", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 2, 23, 59, 59, tzinfo=UTC)
    )
    open_ended = window({**RULE, "startDate": None, "endDate": None}, "1", "1")
    assert open_ended is not None and open_ended.valid_from is None and open_ended.valid_to is None


@pytest.mark.parametrize(
    "changed",
    [{"isInactive": True}, {"priceLevel": {"id": "5"}}, {"currency": {"id": "3"}}],
)
def test_inactive_other_level_or_other_currency_rules_do_not_count(changed: dict[str, Any]) -> None:
    assert window({**RULE, **changed}, "1", "1") is None


def test_a_bad_rule_date_is_schema_drift_naming_the_rule_and_field() -> None:
    with pytest.raises(SchemaDrift, match=r"salepricerule 7: endDate '3/2/2026'"):
        window({**RULE, "endDate": "3/2/2026"}, "1", "1")


def test_the_quantity_one_break_is_the_dated_base_price() -> None:
    dates = window(RULE, "1", "1")
    assert dates is not None
    price = dated_price("A", _entry("7", "501", (10, 8.0), (0, 9.5)), dates)
    assert price is not None
    assert (price.kind, price.amount, price.valid_from) == (
        "base",
        Decimal("9.5"),
        dates.valid_from,
    )
    assert price.source == "sale price rule 7"
    assert dated_price("A", _entry("7", "501", (10, 8.0)), dates) is None
    with pytest.raises(SchemaDrift, match="e7501: no quantityBreaks"):
        dated_price("A", {"id": "e7501"}, dates)


def test_read_dates_the_rule_price_and_keeps_the_base_price() -> None:
    client = StubClient(
        {
            "inventoryItem": _items(),
            "salePriceRule": {"7": RULE, "8": {**RULE, "id": "8", "priceLevel": {"id": "5"}}},
            "salePriceRuleEntry": {
                "1": _entry("7", "501", (0, 9.5)),
                "2": _entry("8", "501", (0, 1.0)),
                "3": _entry("7", "502", (0, 5.0)),
            },
        }
    )
    rows = _source(client).read()
    assert [(r.sku, r.amount, r.source) for r in rows] == [
        ("A", Decimal("9.5"), "sale price rule 7"),
        ("A", Decimal("10.0"), "base price"),
    ]
    assert desired(rows, datetime(2026, 2, 28, 23, 0, tzinfo=UTC)) == {"base|A": {"price": 10.0}}
    assert desired(rows, datetime(2026, 3, 2, 23, 0, tzinfo=UTC)) == {"base|A": {"price": 9.5}}
    assert desired(rows, datetime(2026, 3, 3, 0, 0, tzinfo=UTC)) == {"base|A": {"price": 10.0}}


def test_the_price_level_and_currency_come_from_the_erp_options() -> None:
    client = StubClient(
        {
            "inventoryItem": _items(),
            "salePriceRule": {"8": {**RULE, "id": "8", "priceLevel": {"id": "5"}}},
            "salePriceRuleEntry": {"2": _entry("8", "501", (0, 7.0))},
        }
    )
    assert [r.amount for r in _source(client).read()] == [Decimal("10.0")]
    online = _source(client, price_level="5").read()
    assert [r.amount for r in online] == [Decimal("7.0"), Decimal("10.0")]
    assert [r.amount for r in _source(client, price_level="5", price_currency="2").read()] == [
        Decimal("10.0")
    ]


def test_an_undated_rule_wins_over_the_base_price() -> None:
    client = StubClient(
        {
            "inventoryItem": _items(),
            "salePriceRule": {"7": {**RULE, "startDate": None, "endDate": None}},
            "salePriceRuleEntry": {"1": _entry("7", "501", (1, 9.0))},
        }
    )
    rows = _source(client).read()
    assert desired(rows, datetime(2026, 1, 1, tzinfo=UTC)) == {"base|A": {"price": 9.0}}
