"""Unit tests of the pieces with the subtlest rules: input conversion and SQL-like matching."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes.magento.errors import InputError, WebapiError
from fakes.magento.inputs import Param, convert, php_string, process
from fakes.magento.search import CONDITIONS, Columns, matches, paginate, run


@pytest.mark.parametrize(("value", "type_", "expected"), [
    ("12", "int", 12), ("1e2", "int", 100), (" 7", "float", 7.0), (3, "string", "3"),
    (True, "string", "1"), ("yes", "bool", True), ("0", "bool", False), (None, "int", None),
])
def test_php_conversions(value: object, type_: str, expected: object) -> None:
    assert convert(value, type_) == expected


def test_type_errors_are_rendered_webapi_errors() -> None:
    with pytest.raises(WebapiError, match='The "array" value\'s type is invalid'):
        process((Param("id", "int"),), {"id": [1]})
    with pytest.raises(WebapiError, match='The "1" value\'s type is invalid'):
        process((Param("id", "int"),), {"id": True})


def test_nested_objects_match_names_loosely_and_refuse_unknown_ones() -> None:
    history = convert({"Comment": "x", "isVisibleOnFront": "1"}, "status_history")
    assert history == {"comment": "x", "is_visible_on_front": 1}
    with pytest.raises(InputError) as caught:
        convert({"colour": "red"}, "status_history")
    assert caught.value.parameters == {"fieldName": "Colour"}
    with pytest.raises(InputError, match="does not contains valid value"):
        convert({"comment": "<script>alert(1)</script>"}, "status_history")


def test_snake_case_parameter_names_are_accepted() -> None:
    args = process((Param("statusHistory", "status_history"),), {"status_history": {}})
    assert args == {"statusHistory": {}}


@pytest.mark.parametrize(("actual", "condition", "value", "kind", "expected"), [
    ("abc", "like", "a_c", "string", True),
    ("a%c", "like", "a\\%c", "string", True),
    ("abc", "like", "a\\%c", "string", False),
    (None, "neq", "1", "number", False),
    (None, "nin", "1", "number", False),
    (5.0, "eq", "5abc", "number", True),
    ("x", "eq", "X  ", "string", True),
    ("a,b,c", "finset", "b", "string", True),
    ("a,b,c", "nfinset", "b", "string", False),
    ("2026-01-05 10:00:00", "gt", "2026-01-05", "datetime", True),
    ("2026-01-05 10:00:00", "gt", "not a date", "datetime", False),
    ("2026-01-05 10:00:00", "neq", "not a date", "datetime", False),
    ("2026-01-05 10:00:00", "lteq", "not a date", "datetime", False),
    ("not a date", "gteq", "2026-01-05", "datetime", False),
    ("2026-01-06T00:00:00Z", "in", "x,2026-01-06 00:00:00", "datetime", True),
    ("not a date", "nin", "2026-01-05", "datetime", True),
    ("B ", "in", "a,b", "string", True),
    ("B ", "nin", "a,b", "string", False),
    (1.0, "in", "2,1", "number", True),
    (1.0, "nin", "2,1", "number", False),
    ("ab", "regexp", "(x|B)", "string", True),
    ("ab", "regexp", "[", "string", False),
    ("a", "no such condition", "A", "string", True),
])
def test_sql_conditions(actual: object, condition: str, value: str, kind: str,
                        expected: bool) -> None:
    assert matches(actual, condition, value, kind) is expected


COLUMNS = Columns({"n": "number", "s": "string", "at": "datetime"}, lambda f: InputError(f))
COLUMN_VALUES = {
    "n": [None, -2.0, 0.0, 1.0, 2.0],
    "s": [None, "a", "B", "a,b", "c ", "ab"],
    "at": [None, "2026-01-05 09:00:00", "2026-01-05 10:00:00", "2026-01-06 00:00:00"],
}
FILTER_VALUES = {
    "n": [None, "0", "1", "-2", "1,2", "x", "2abc"],
    "s": [None, "a", "b", "A%", "_b", "a,b", "c", "b,c "],
    "at": [None, "2026-01-05 09:00:00", "2026-01-05", "2026-01-06T00:00:00Z", "not a date",
           "2026-01-05 09:00:00,2026-01-05 10:00:00"],
}
CONDITION_NAMES = sorted(CONDITIONS) + ["null", "notnull"]


def _kept(row: dict[str, Any], groups: list[list[dict[str, Any]]]) -> bool:
    return all(
        not group or any(
            matches(row[f["field"]], f["condition_type"], f["value"], COLUMNS.types[f["field"]])
            for f in group
        )
        for group in groups
    )


@pytest.mark.parametrize("field", sorted(COLUMNS.types))
@pytest.mark.parametrize("condition", CONDITION_NAMES)
def test_a_search_filter_keeps_the_rows_it_matches_one_by_one(field: str, condition: str) -> None:
    """The search reads each filter's value once for all rows (nulls and valueless filters
    included); it must keep exactly the rows :func:`matches` accepts one by one."""
    rows = [{field: value} for value in COLUMN_VALUES[field]]
    for value in FILTER_VALUES[field]:
        groups = [[{"field": field, "condition_type": condition, "value": value}]]
        criteria = {"filter_groups": [{"filters": g} for g in groups]}
        kept = [row for row in rows if _kept(row, groups)]
        assert run(rows, criteria, COLUMNS)["items"] == kept, value


@st.composite
def a_filter(draw: st.DrawFn) -> dict[str, Any]:
    field = draw(st.sampled_from(sorted(COLUMNS.types)))
    return {"field": field, "condition_type": draw(st.sampled_from(CONDITION_NAMES)),
            "value": draw(st.sampled_from(FILTER_VALUES[field]))}


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    rows=st.lists(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in COLUMN_VALUES.items()}),
                  max_size=8),
    groups=st.lists(st.lists(a_filter(), max_size=3), max_size=3),
)
def test_a_search_ands_its_groups_and_ors_the_filters_of_a_group(
    rows: list[dict[str, Any]], groups: list[list[dict[str, Any]]]
) -> None:
    criteria = {"filter_groups": [{"filters": g} for g in groups]}
    assert run(rows, criteria, COLUMNS)["items"] == [row for row in rows if _kept(row, groups)]


def test_paginate_clamps_like_get_cur_page() -> None:
    rows = [{"n": n} for n in range(5)]
    assert paginate(rows, 2, 3) == [{"n": 4}]
    assert paginate(rows, 2, 99) == [{"n": 4}]
    assert paginate(rows, 0, 3) == rows
    assert paginate([], 2, 5) == []


def test_php_string_of_floats() -> None:
    assert (php_string(5.0), php_string(2.5), php_string(False)) == ("5", "2.5", "")
