"""Business Central prices with dates (FM-T02): Active lines of the price list web service
(page 7005 published under ``erp.options.price_list_service``) give dated base prices, whole
days; the item card's unitPrice stays the undated base. The price source with a stub client."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from sync_core.config import MappingConfig
from sync_core.connectors.business_central.price_lines import line_filter, parse, service_url
from sync_core.connectors.business_central.prices import BcPriceSource
from sync_core.errors import SchemaDrift
from sync_core.flows.prices_model import desired

ITEMS = [
    {"number": "A", "unitPrice": 10.0, "blocked": False},
    {"number": "B", "unitPrice": 20.0, "blocked": False},
    {"number": "X", "unitPrice": 5.0, "blocked": True},
]


def _line(item: str, price: float, start: str, end: str, **extra: Any) -> dict[str, Any]:
    return {
        "Price_List_Code": "S00001",
        "Line_No": 10000,
        "Status": "Active",
        "Source_Type": "All_Customers",
        "Asset_Type": "Item",
        "Asset_No": item,
        "Variant_Code": "",
        "Currency_Code": "",
        "Minimum_Quantity": 0,
        "Amount_Type": "Price",
        "Unit_Price": price,
        "Starting_Date": start,
        "Ending_Date": end,
        **extra,
    }


class StubClient:
    def __init__(self, lines: list[dict[str, Any]]) -> None:
        self.lines = lines
        self.calls: list[tuple[str, dict[str, str] | None]] = []
        self.settings = SimpleNamespace(
            base_url="https://bc.test",
            tenant="t1",
            environment="production",
            company_name=None,
            company_url=lambda path="": f"https://bc.test/api/companies(c1)/{path}".rstrip("/"),
        )

    def collect(self, url: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        self.calls.append((url, params))
        return self.lines if "/ODataV4/" in url else ITEMS

    def get(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        self.calls.append((url, params))
        return {"id": "c1", "name": "CRONUS UK Ltd."}


def _source(lines: list[dict[str, Any]], **options: str) -> tuple[BcPriceSource, StubClient]:
    client = StubClient(lines)
    engine: Any = SimpleNamespace(
        erp=SimpleNamespace(client=client),
        config=SimpleNamespace(mapping=MappingConfig(), erp=SimpleNamespace(options=options)),
    )
    return BcPriceSource(engine), client


def test_without_the_service_only_the_item_card_is_read() -> None:
    source, client = _source([_line("A", 8.0, "2026-12-01", "2026-12-02")])
    prices = source.read()
    assert sorted((p.sku, p.amount) for p in prices) == [
        ("A", Decimal("10.0")),
        ("B", Decimal("20.0")),
    ]
    assert all("/ODataV4/" not in url for url, _ in client.calls)


def test_a_line_is_the_base_price_through_its_last_day() -> None:
    lines = [_line("A", 8.0, "2026-12-01", "2026-12-02"), _line("X", 1.0, "", "")]
    source, client = _source(lines, price_list_service="PriceListLines")
    prices = source.read()
    (dated,) = [p for p in prices if p.valid_from is not None]
    assert (dated.sku, dated.amount) == ("A", Decimal("8.0"))
    assert dated.valid_from == datetime(2026, 12, 1, tzinfo=UTC)
    assert dated.valid_to == datetime(2026, 12, 2, 23, 59, 59, tzinfo=UTC)
    assert "X" not in {p.sku for p in prices}  # blocked item: no price at all
    at = {
        moment: desired(prices, moment)["base|A"]["price"]
        for moment in (
            datetime(2026, 11, 30, 23, 59, tzinfo=UTC),
            datetime(2026, 12, 1, 0, 0, tzinfo=UTC),
            datetime(2026, 12, 2, 23, 0, tzinfo=UTC),
            datetime(2026, 12, 3, 0, 0, tzinfo=UTC),
        )
    }
    assert list(at.values()) == [10.0, 8.0, 8.0, 10.0]


def test_the_service_is_read_by_company_name_with_the_active_item_filter() -> None:
    source, client = _source([], price_list_service="PriceListLines")
    source.read()
    url, params = next(c for c in client.calls if "/ODataV4/" in c[0])
    assert url == (
        "https://bc.test/v2.0/t1/production/ODataV4/Company('CRONUS%20UK%20Ltd.')/PriceListLines"
    )
    assert params is not None
    assert params["$filter"] == (
        "Source_Type eq 'All_Customers' and Status eq 'Active' and Asset_Type eq 'Item'"
    )
    assert "Price_List_Code eq 'WEB''S'" in line_filter("WEB'S")


def test_an_undated_line_replaces_the_item_card() -> None:
    source, _ = _source([_line("B", 18.0, "0001-01-01", "0001-01-01")], price_list_service="S")
    prices = source.read()
    assert [(p.amount, p.valid_from) for p in prices if p.sku == "B"] == [(Decimal("18.0"), None)]


def test_an_open_start_line_wins_over_the_card_until_its_end() -> None:
    source, _ = _source([_line("A", 9.0, "0001-01-01", "2026-12-02")], price_list_service="S")
    prices = source.read()
    assert desired(prices, datetime(2026, 12, 2, tzinfo=UTC))["base|A"]["price"] == 9.0
    assert desired(prices, datetime(2026, 12, 3, tzinfo=UTC))["base|A"]["price"] == 10.0


@pytest.mark.parametrize(
    "extra",
    [
        {"Status": "Draft"},
        {"Variant_Code": "RED"},
        {"Currency_Code": "USD"},
        {"Minimum_Quantity": 10},
        {"Amount_Type": "Discount"},
        {"Asset_Type": "Resource"},
    ],
)
def test_lines_that_price_something_else_are_skipped(extra: dict[str, Any]) -> None:
    assert parse(_line("A", 8.0, "2026-12-01", "2026-12-02", **extra)) is None


def test_a_bad_date_is_schema_drift_naming_the_line() -> None:
    with pytest.raises(SchemaDrift, match="S00001/10000: Ending_Date"):
        parse(_line("A", 8.0, "2026-12-01", "soon"))
    with pytest.raises(SchemaDrift, match="before it starts"):
        parse(_line("A", 8.0, "2026-12-03", "2026-12-01"))


def test_service_url_quotes_the_company_name() -> None:
    settings = SimpleNamespace(base_url="https://bc.test", tenant="t", environment="e")
    url = service_url(settings, "Jo's Shop", "Lines")
    assert url.endswith("/ODataV4/Company('Jo%27%27s%20Shop')/Lines")
