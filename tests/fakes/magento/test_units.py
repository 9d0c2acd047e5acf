"""Unit tests of the pieces with the subtlest rules: input conversion and SQL-like matching."""

from __future__ import annotations

import pytest

from fakes.magento.errors import InputError, WebapiError
from fakes.magento.inputs import Param, convert, php_string, process
from fakes.magento.search import matches, paginate


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
])
def test_sql_conditions(actual: object, condition: str, value: str, kind: str,
                        expected: bool) -> None:
    assert matches(actual, condition, value, kind) is expected


def test_paginate_clamps_like_get_cur_page() -> None:
    rows = [{"n": n} for n in range(5)]
    assert paginate(rows, 2, 3) == [{"n": 4}]
    assert paginate(rows, 2, 99) == [{"n": 4}]
    assert paginate(rows, 0, 3) == rows
    assert paginate([], 2, 5) == []


def test_php_string_of_floats() -> None:
    assert (php_string(5.0), php_string(2.5), php_string(False)) == ("5", "2.5", "")
