"""The streaming stock reconciler: the same verdicts as the engine's reconciliation, on streams
in SKU order, with every difference counted and out-of-order input refused."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from sync_core.config import MappingConfig
from sync_core.reconcile_stock import StockOrderError, StockRow, reconcile_stock

MAPPING = MappingConfig(locations={"default": "1", "wh-north": "2"})


def rows(*items: tuple[str, str, int]) -> list[StockRow]:
    return [(sku, where, Decimal(qty)) for sku, where, qty in items]


def test_equal_sides_have_no_difference_and_every_row_is_checked():
    magento = rows(("A", "default", 5), ("A", "wh-north", 0), ("B", "default", 7))
    erp = rows(("A", "1", 5), ("A", "2", 0), ("B", "1", 7))
    result = reconcile_stock(magento, erp, MAPPING, "netsuite")
    assert result.differences == 0
    assert result.checked == 3
    assert result.diffs == []


def test_a_different_quantity_is_a_mismatch_naming_sku_source_and_both_figures():
    magento = rows(("A", "default", 5), ("B", "wh-north", 3))
    erp = rows(("A", "1", 5), ("B", "2", 4))
    result = reconcile_stock(magento, erp, MAPPING, "netsuite")
    assert result.mismatched == 1
    assert result.diffs == [
        {
            "kind": "stock_mismatch",
            "key": "B|wh-north",
            "detail": "stock B @ wh-north: Magento 3 but netsuite 4",
        }
    ]


def test_negative_erp_stock_counts_as_zero():
    magento = rows(("A", "default", 0), ("B", "default", 2))
    erp = rows(("A", "1", -3), ("B", "1", -1))
    result = reconcile_stock(magento, erp, MAPPING, "erp")
    assert result.mismatched == 1
    assert result.diffs[0]["key"] == "B|default"


def test_rows_only_one_side_has_are_counted_on_that_side():
    magento = rows(
        ("A", "default", 1), ("A", "wh-north", 2), ("C", "default", 3), ("E", "default", 1)
    )
    erp = rows(("A", "1", 1), ("B", "1", 4), ("C", "1", 3), ("C", "2", 6), ("F", "2", 1))
    result = reconcile_stock(magento, erp, MAPPING, "erp")
    assert result.missing_in_erp == 2  # A @ wh-north, E @ default (after the ERP ran out)
    assert result.missing_in_magento == 3  # B @ default, C @ wh-north, F @ wh-north
    assert result.mismatched == 0
    keys = {(d["kind"], d["key"]) for d in result.diffs}
    assert ("missing_in_erp", "A|wh-north") in keys
    assert ("missing_in_erp", "E|default") in keys
    assert ("missing_in_magento", "F|wh-north") in keys


def test_the_sources_of_one_sku_may_come_in_any_order():
    magento = rows(("A", "wh-north", 2), ("A", "default", 1), ("B", "default", 3))
    erp = rows(("A", "1", 1), ("A", "2", 2), ("B", "1", 3))
    assert reconcile_stock(magento, erp, MAPPING, "erp").differences == 0


def test_an_erp_location_without_a_magento_source_is_noted_not_compared():
    magento = rows(("A", "default", 1))
    erp = rows(("A", "1", 1), ("A", "9", 50))
    result = reconcile_stock(magento, erp, MAPPING, "erp")
    assert result.differences == 0
    assert result.unmapped_locations == {"9"}


def test_an_unmapped_location_between_mapped_ones_is_noted_and_the_rest_compared():
    magento = rows(("A", "default", 1), ("A", "wh-north", 2), ("B", "default", 3))
    erp = rows(("A", "2", 2), ("A", "7", 9), ("A", "1", 4), ("B", "1", 3))
    result = reconcile_stock(magento, erp, MAPPING, "erp")
    assert result.unmapped_locations == {"7"}
    assert result.mismatched == 1 and result.diffs[0]["key"] == "A|default"
    assert result.missing_in_erp == result.missing_in_magento == 0


def test_mapped_item_codes_are_compared_under_their_skus():
    mapping = MappingConfig(items={"A": "ITEM-A", "B": "ITEM-B"}, locations={"default": "1"})
    magento = rows(("A", "default", 1), ("B", "default", 2))
    erp = rows(("ITEM-A", "1", 1), ("ITEM-B", "1", 5))
    result = reconcile_stock(magento, erp, mapping, "erp")
    assert result.mismatched == 1
    assert result.diffs[0]["key"] == "B|default"


@pytest.mark.parametrize("side", ["magento", "erp"])
def test_a_stream_out_of_sku_order_is_refused_naming_side_and_skus(side: str):
    ordered = rows(("A", "default", 1), ("B", "default", 1), ("C", "default", 1))
    shuffled = rows(("A", "default", 1), ("C", "default", 1), ("B", "default", 1))
    magento = shuffled if side == "magento" else ordered
    erp_rows = ordered if side == "magento" else shuffled
    erp = [(sku, "1", qty) for sku, _, qty in erp_rows]
    with pytest.raises(StockOrderError, match=rf"{side} stock is not in SKU order.*'B'.*'C'"):
        reconcile_stock(magento, erp, MAPPING, "erp")


def test_every_difference_is_counted_but_only_max_diffs_are_kept():
    magento = rows(*((f"S{n:03d}", "default", 1) for n in range(50)))
    erp = rows(*((f"S{n:03d}", "1", 2) for n in range(50)))
    result = reconcile_stock(magento, erp, MAPPING, "erp", max_diffs=10)
    assert result.mismatched == 50
    assert len(result.diffs) == 10
    assert result.as_dict()["diffs_kept"] == 10


def test_streams_are_consumed_lazily_one_sku_at_a_time():
    pulled = {"magento": 0}

    def magento() -> Iterator[StockRow]:
        for n in range(1000):
            pulled["magento"] += 1
            yield (f"S{n:04d}", "default", Decimal(1))

    erp = rows(("S0000", "1", 1), ("S0001", "1", 1))

    class Stop(Exception):
        pass

    def failing_erp() -> Iterator[StockRow]:
        yield from erp
        raise Stop

    with pytest.raises(Stop):
        reconcile_stock(magento(), failing_erp(), MAPPING, "erp")
    assert pulled["magento"] <= 3  # nothing read ahead beyond the SKU being compared
