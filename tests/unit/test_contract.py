"""Response contract checks name the record and the field that drifted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sync_core.contract import number, only_known
from sync_core.errors import SchemaDrift


def test_number_accepts_numbers_and_numeric_strings() -> None:
    assert number({"qty": 3}, "qty", system="erp", record="row 1") == Decimal(3)
    assert number({"qty": "12.000"}, "qty", system="erp", record="row 1") == Decimal("12.000")


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ({"qtyonhand": 3}, "field 'qty' is missing"),
        ({"qty": "3 EA"}, "'3 EA', not a number"),
        ({"qty": None}, "None, not a number"),
        ({"qty": True}, "True, not a number"),
    ],
)
def test_number_refuses_drift_naming_record_and_field(
    row: dict[str, object], fragment: str
) -> None:
    with pytest.raises(SchemaDrift) as caught:
        number(row, "qty", system="erp", record="row 7")
    assert fragment in caught.value.message
    assert caught.value.message.startswith("erp row 7:")
    assert caught.value.reason == "schema_drift"


def test_only_known_names_the_unexpected_field() -> None:
    only_known({"item": 1}, ("item", "qty"), system="netsuite", record="row 2")
    with pytest.raises(SchemaDrift, match="unexpected field\\(s\\) qtyonhand"):
        only_known({"item": 1, "qtyonhand": 2}, ("item", "qty"), system="netsuite", record="r")
