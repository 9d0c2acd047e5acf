"""``searchCriteria`` over a list of rows, with the semantics of Magento's collection processor.

* Filter groups are ANDed; the filters inside one group are ORed. A missing ``condition_type``
  is ``eq``; an unknown one also compares with ``=`` (``prepareSqlCondition`` falls back to it).
* Comparisons follow MySQL: ``NULL`` never matches except ``null``/``notnull``; text compares
  case-insensitively (``*_general_ci``); numbers compare numerically; datetimes as datetimes.
  ``in``/``nin`` split a string value on commas; ``like`` uses ``%`` and ``_``; ``finset`` is
  ``FIND_IN_SET``.
* A sort order without ``direction`` sorts descending (``SortingProcessor`` treats anything but
  ``ASC`` as ``DESC``); ties keep primary-key order; ``NULL`` sorts first ascending.
* No ``pageSize`` (or 0) returns every row. A ``currentPage`` past the end returns the last page
  again, and below 1 the first page, as ``Collection::getCurPage`` does.
* A field that is no column is a database error; Magento masks it in production mode.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fakes.magento.errors import INTERNAL, InputError, MagentoError
from fakes.magento.fields import INTERFACES

Row = dict[str, Any]
LEADING_NUMBER = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
SORT_FIELD = re.compile(r"[^a-z0-9_]", re.I)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Columns:
    """The searchable columns of an entity and their SQL-ish types."""

    types: dict[str, str]
    unknown: Callable[[str], MagentoError]

    @classmethod
    def of(
        cls, interface: str, extra: dict[str, str] | None = None, *, eav: bool = False
    ) -> Columns:
        types = {name: _column_type(name, kind) for name, kind in INTERFACES[interface].items()}
        types = {name: kind for name, kind in types.items() if kind}
        types.update(extra or {})
        return cls(types, _eav_error if eav else _sql_error)


def _column_type(name: str, kind: str) -> str:
    if kind not in ("int", "float", "string", "bool"):
        return ""
    if kind == "string" and (name.endswith(("_at", "_date")) or name == "dob"):
        return "datetime"
    return "number" if kind in ("int", "float", "bool") else "string"


def _sql_error(field: str) -> MagentoError:
    """``Column not found`` is a ``Zend_Db_Statement_Exception``: masked, but a client error."""
    from fakes.magento.errors import report_id

    return MagentoError(INTERNAL.format(report_id()), status=400)


def _eav_error(field: str) -> MagentoError:
    return InputError("Invalid attribute name: %1", [field])


def run(rows: list[Row], criteria: dict[str, Any], columns: Columns) -> dict[str, Any]:
    """The ``*SearchResults`` body for ``rows`` (already in primary-key order)."""
    groups = criteria.get("filter_groups") or []
    sorts = criteria.get("sort_orders") or []
    _check_fields(groups, sorts, columns)
    tests = [_group_test(g, columns) for g in groups]
    matched = [row for row in rows if all(test(row) for test in tests)]
    for sort in reversed(sorts):
        matched = _sorted(matched, sort, columns)
    page = paginate(matched, criteria.get("page_size"), criteria.get("current_page"))
    return {"items": page, "search_criteria": echo(criteria), "total_count": len(matched)}


def _check_fields(groups: list[Any], sorts: list[Any], columns: Columns) -> None:
    for sort in sorts:
        check_sort_order(sort)
    used = [f.get("field") for g in groups for f in (g.get("filters") or [])]
    used += [s.get("field") for s in sorts]
    for field in used:
        if field not in columns.types:
            raise columns.unknown(str(field))


def check_sort_order(sort: dict[str, Any]) -> None:
    """``SortOrder::setField`` / ``setDirection`` validation (an ``InputException``)."""
    field = sort.get("field")
    if field is not None and SORT_FIELD.search(str(field)):
        raise InputError("Sort order field %1 contains restricted symbols", [field])
    direction = sort.get("direction")
    if direction is not None and str(direction).upper() not in ("ASC", "DESC"):
        raise InputError(
            'The sort order "%1" is invalid. Select a different sort order and try again.',
            [direction],
        )


def paginate(rows: list[Row], page_size: int | None, current_page: int | None) -> list[Row]:
    if not page_size or page_size < 0:
        return list(rows)
    last = max(1, math.ceil(len(rows) / page_size))
    page = min(max(current_page or 1, 1), last)
    return rows[(page - 1) * page_size : page * page_size]


def echo(criteria: dict[str, Any]) -> dict[str, Any]:
    """The ``search_criteria`` a search result repeats back."""
    groups = criteria.get("filter_groups") or []
    out: dict[str, Any] = {"filter_groups": [_echo_group(g) for g in groups]}
    if criteria.get("sort_orders"):
        out["sort_orders"] = [_echo_sort(s) for s in criteria["sort_orders"]]
    for key in ("page_size", "current_page"):
        if criteria.get(key) is not None:
            out[key] = criteria[key]
    return out


def _echo_group(group: dict[str, Any]) -> dict[str, Any]:
    filters = []
    for f in group.get("filters") or []:
        item = {k: f[k] for k in ("field", "value") if f.get(k) is not None}
        item["condition_type"] = f.get("condition_type") or "eq"
        filters.append(item)
    return {"filters": filters}


def _echo_sort(sort: dict[str, Any]) -> dict[str, Any]:
    out = {k: sort[k] for k in ("field", "direction") if sort.get(k) is not None}
    if "direction" in out:
        out["direction"] = str(out["direction"]).upper()
    return out


RowTest = Callable[[Row], bool]


def _group_test(group: dict[str, Any], columns: Columns) -> RowTest:
    """A filter group (its filters ORed) as one test of a row, each filter's value read once
    for the whole search rather than once a row."""
    tests = [_filter_test(f, columns) for f in group.get("filters") or []]
    if not tests:
        return lambda row: True
    if len(tests) == 1:
        return tests[0]
    return lambda row: any(test(row) for test in tests)


def _filter_test(flt: dict[str, Any], columns: Columns) -> RowTest:
    """One filter as a test of a row: :func:`matches`, with the value read beforehand."""
    field = str(flt.get("field"))
    kind = columns.types[field]
    condition = str(flt.get("condition_type") or "eq").lower()
    value = flt.get("value")
    if condition in ("null", "notnull") or value is None:
        return lambda row: matches(row.get(field), condition, value, kind)
    test = _condition(condition, str(value), kind)
    return lambda row: (actual := row.get(field)) is not None and test(actual)


def matches(actual: Any, condition: str, value: Any, kind: str) -> bool:
    """One SQL condition (``prepareSqlCondition``) against one column value."""
    if condition == "null":
        return actual is None
    if condition == "notnull":
        return actual is not None
    if actual is None or value is None:
        return False
    return _condition(condition, str(value), kind)(actual)


ValueTest = Callable[[Any], bool]
ORDERED: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gteq": operator.ge,
    "moreq": operator.ge,
    "from": operator.ge,
    "lt": operator.lt,
    "lteq": operator.le,
    "to": operator.le,
}
CONDITIONS = (
    "eq", "neq", "in", "nin", "like", "nlike", "finset", "nfinset", "regexp", *ORDERED,
)
"""The conditions with a value (``null`` and ``notnull`` have none); any other is ``eq``."""


def _condition(condition: str, value: str, kind: str) -> ValueTest:
    """A condition with its value read once, as a test of a (non-null) column value."""
    if condition in ORDERED:
        right, compare = _right(value, kind), ORDERED[condition]
        if right is None:
            return lambda actual: False
        return lambda actual: (left := _left(actual, kind)) is not None and compare(left, right)
    if condition == "neq":
        right = _right(value, kind)
        return lambda actual: _order(_left(actual, kind), right) not in (0, None)
    if condition in ("like", "nlike"):
        pattern, keep = _like_regex(value), condition == "like"
        return lambda actual: (pattern.match(_text(actual, kind)) is not None) == keep
    if condition in ("finset", "nfinset"):
        keep = condition == "finset"
        return lambda actual: (value in _text(actual, kind).split(",")) == keep
    if condition == "regexp":
        try:
            found = re.compile(value, re.I)
        except re.error:
            return lambda actual: False
        return lambda actual: found.search(_text(actual, kind)) is not None
    parts = value.split(",") if condition in ("in", "nin") else [value]  # eq, and the unknown
    rights, keep = [_right(part, kind) for part in parts], condition != "nin"
    if kind != "number":  # text and dates: equal means ==, so a set answers (no NaN here)
        readable = {right for right in rights if right is not None}
        return lambda actual: (_left(actual, kind) in readable) == keep
    return lambda actual: any(_order(_left(actual, kind), r) == 0 for r in rights) == keep


def _left(actual: Any, kind: str) -> Any:
    """A column value as the comparison sees it (``None``: a date SQL cannot read)."""
    if kind == "number":
        return float(actual)
    if kind == "datetime":
        return parse_time(str(actual))
    return _text(actual, kind).rstrip().lower()


def _right(value: str, kind: str) -> Any:
    """A filter value as the comparison sees it (``None``: a date SQL cannot read)."""
    if kind == "number":
        return mysql_number(value)
    if kind == "datetime":
        return parse_time(value)
    return value.rstrip().lower()


def _order(left: Any, right: Any) -> int | None:
    if left is None or right is None:
        return None
    return int(left > right) - int(left < right)


def mysql_number(value: str) -> float:
    match = LEADING_NUMBER.match(value)
    return float(match.group(0)) if match else 0.0


@functools.lru_cache(maxsize=65_536)  # searches compare the same stamps row after row
def parse_time(value: str) -> datetime | None:
    text = value.strip().replace("T", " ").replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _text(actual: Any, kind: str) -> str:
    if isinstance(actual, float) and kind == "number":
        return f"{actual:.4f}"
    if isinstance(actual, bool):
        return "1" if actual else "0"
    return str(actual)


def _like_regex(pattern: str) -> re.Pattern[str]:
    out = []
    chars = iter(pattern)
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out) + r"\Z", re.I | re.S)


def _sorted(rows: list[Row], sort: dict[str, Any], columns: Columns) -> list[Row]:
    field = str(sort.get("field"))
    kind = columns.types[field]
    descending = str(sort.get("direction") or "").upper() != "ASC"
    present = [r for r in rows if r.get(field) is not None]
    absent = [r for r in rows if r.get(field) is None]
    present.sort(key=lambda r: _sort_key(r[field], kind), reverse=descending)
    return present + absent if descending else absent + present


def _sort_key(value: Any, kind: str) -> Any:
    if kind == "number":
        return float(value)
    if kind == "datetime":
        return parse_time(str(value)) or datetime.min
    return str(value).lower()
