"""The ``q`` filter of record collections (ORA "Record Collection Filtering").

``q`` is ``<field> <OPERATOR> [<value> | [<v1>, <v2>, ...]]`` conditions joined with ``AND`` and
``OR`` (``AND`` binds tighter) and grouped with parentheses, e.g.
``email START_WITH barbara``, ``companyName EMPTY``, ``id ANY_OF [101, 102]``,
``lastModifiedDate ON_OR_AFTER "1/5/2026"``. Operators depend on the field's type; every
operator also has a ``_NOT`` form (``IS_NOT``, ``EMPTY_NOT``, ``CONTAIN_NOT``...):

* strings: IS, CONTAIN, START_WITH, END_WITH, EMPTY (case-insensitive, as N/query matches);
* numbers and record ids: EQUAL, ANY_OF, BETWEEN, GREATER, GREATER_OR_EQUAL, LESS,
  LESS_OR_EQUAL, WITHIN (= BETWEEN), EMPTY;
* dates: AFTER, BEFORE, ON, ON_OR_AFTER, ON_OR_BEFORE, WITHIN, EMPTY (values ``M/D/YYYY``,
  ``YYYY-MM-DD`` or ISO date-times; a value without a time compares by day);
* booleans: IS.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fakes.netsuite.model import Kind

TOKEN = re.compile(r'\s*(?:(?P<punct>[()\[\],])|"(?P<dq>(?:[^"\\]|\\.)*)"|'
                   r"'(?P<sq>(?:[^'\\]|\\.)*)'|(?P<word>[^\s()\[\],]+))")
STRING_OPS = {"IS", "CONTAIN", "START_WITH", "END_WITH", "EMPTY"}
NUMBER_OPS = {"EQUAL", "ANY_OF", "BETWEEN", "GREATER", "GREATER_OR_EQUAL", "LESS",
              "LESS_OR_EQUAL", "WITHIN", "EMPTY"}
DATE_OPS = {"AFTER", "BEFORE", "ON", "ON_OR_AFTER", "ON_OR_BEFORE", "WITHIN", "EMPTY"}
OPS_BY_KIND: dict[str, set[str]] = {
    "string": STRING_OPS, "number": NUMBER_OPS, "integer": NUMBER_OPS, "id": NUMBER_OPS,
    "ref": NUMBER_OPS, "enum": STRING_OPS | {"ANY_OF", "EQUAL"}, "date": DATE_OPS,
    "datetime": DATE_OPS, "boolean": {"IS"},
}
DATE_FORMATS = ("%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%SZ",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class Condition:
    field: str
    kind: Kind
    op: str
    negate: bool
    values: tuple[str, ...]


Node = tuple[str, Any]
KindOf = Callable[[str], tuple[str, Kind] | None]


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = TOKEN.match(text, pos)
        if match is None:
            raise FilterError(f"cannot read the query at position {pos}")
        kind = match.lastgroup or "word"
        value = match.group(kind)
        tokens.append(("str" if kind in ("dq", "sq") else kind, _unescape(value, kind)))
        pos = match.end()
    return tokens


def _unescape(value: str, kind: str) -> str:
    return re.sub(r"\\(.)", r"\1", value) if kind in ("dq", "sq") else value


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], kind_of: KindOf) -> None:
        self.tokens = tokens
        self.pos = 0
        self.kind_of = kind_of

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FilterError("the query ends too early")
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token is not None and token[0] == "word" and token[1].upper() == word:
            self.pos += 1
            return True
        return False

    def expr(self) -> Node:
        parts = [self.conjunction()]
        while self.keyword("OR"):
            parts.append(self.conjunction())
        return ("or", parts) if len(parts) > 1 else parts[0]

    def conjunction(self) -> Node:
        parts = [self.atom()]
        while self.keyword("AND"):
            parts.append(self.atom())
        return ("and", parts) if len(parts) > 1 else parts[0]

    def atom(self) -> Node:
        token = self.peek()
        if token == ("punct", "("):
            self.take()
            node = self.expr()
            if self.take() != ("punct", ")"):
                raise FilterError("a parenthesis is not closed")
            return node
        return ("cond", self.condition())

    def condition(self) -> Condition:
        kind, name = self.take()
        found = self.kind_of(name) if kind == "word" else None
        if found is None:
            raise FilterError(f"Field '{name}' was not found or cannot be used in a query")
        field, field_kind = found
        op_kind, op_word = self.take()
        op, negate = _split_op(op_word.upper() if op_kind == "word" else "")
        if op not in OPS_BY_KIND.get(field_kind, set()):
            raise FilterError(f"Operator {op_word!r} is not valid for field '{field}'")
        values = () if op == "EMPTY" else self.values()
        _check_arity(op, values, field)
        _check_values(field_kind, values)
        return Condition(field, field_kind, op, negate, values)

    def values(self) -> tuple[str, ...]:
        if self.peek() != ("punct", "["):
            kind, value = self.take()
            if kind == "punct":
                raise FilterError(f"a value is missing before {value!r}")
            return (value,)
        self.take()
        values = []
        while True:
            kind, value = self.take()
            if kind == "punct":
                raise FilterError(f"a value is missing before {value!r}")
            values.append(value)
            sep = self.take()
            if sep == ("punct", "]"):
                return tuple(values)
            if sep != ("punct", ","):
                raise FilterError("values in a list must be separated by commas")


def _split_op(word: str) -> tuple[str, bool]:
    if word.endswith("_NOT") and word != "IS_NOT":
        return word[:-4], True
    if word == "IS_NOT":
        return "IS", True
    return word, False


def _check_arity(op: str, values: tuple[str, ...], field: str) -> None:
    if op in ("BETWEEN", "WITHIN") and len(values) != 2:
        raise FilterError(f"{op} on '{field}' needs two values")
    if op not in ("BETWEEN", "WITHIN", "ANY_OF") and op != "EMPTY" and len(values) != 1:
        raise FilterError(f"{op} on '{field}' needs one value")


def _check_values(kind: Kind, values: tuple[str, ...]) -> None:
    check: Callable[[str], object] | None = {
        "date": parse_date, "datetime": parse_date, "boolean": _boolean, "number": _number,
        "integer": _number, "id": _number, "ref": _number,
    }.get(kind)
    for value in values if check else ():
        check(value)  # type: ignore[misc]


def parse(text: str, kind_of: KindOf) -> Node:
    parser = _Parser(tokenize(text), kind_of)
    if parser.peek() is None:
        raise FilterError("the query is empty")
    node = parser.expr()
    if parser.peek() is not None:
        raise FilterError(f"unexpected {parser.peek()[1]!r} in the query")  # type: ignore[index]
    return node


def matches(node: Node, flat: dict[str, Any]) -> bool:
    tag, body = node
    if tag == "or":
        return any(matches(child, flat) for child in body)
    if tag == "and":
        return all(matches(child, flat) for child in body)
    cond: Condition = body
    result = _test(cond, flat.get(cond.field))
    return not result if cond.negate else result


def _test(cond: Condition, value: Any) -> bool:
    if cond.op == "EMPTY":
        return value is None or value == "" or value == []
    if value is None:
        return False
    if cond.kind in ("string", "enum") and cond.op not in ("ANY_OF", "EQUAL"):
        return _test_string(cond.op, str(value).lower(), cond.values[0].lower())
    if cond.kind == "enum":
        return str(value).lower() in {v.lower() for v in cond.values}
    if cond.kind == "boolean":
        return bool(value) == _boolean(cond.values[0])
    if cond.kind in ("date", "datetime"):
        return _test_date(cond.op, str(value), cond.values)
    return _test_number(cond.op, _number(str(value)), [_number(v) for v in cond.values])


def _test_string(op: str, value: str, wanted: str) -> bool:
    return {
        "IS": value == wanted,
        "CONTAIN": wanted in value,
        "START_WITH": value.startswith(wanted),
        "END_WITH": value.endswith(wanted),
    }[op]


def _test_number(op: str, value: float, wanted: list[float]) -> bool:
    if op in ("BETWEEN", "WITHIN"):
        low, high = sorted(wanted)
        return low <= value <= high
    if op == "ANY_OF":
        return value in wanted
    return {
        "EQUAL": value == wanted[0], "GREATER": value > wanted[0],
        "GREATER_OR_EQUAL": value >= wanted[0], "LESS": value < wanted[0],
        "LESS_OR_EQUAL": value <= wanted[0],
    }[op]


def _test_date(op: str, value: str, wanted: tuple[str, ...]) -> bool:
    parsed = [parse_date(v) for v in wanted]
    by_day = not any(has_time for _, has_time in parsed)
    field = _granular(parse_date(value)[0], by_day)
    targets = [_granular(d, by_day) for d, _ in parsed]
    if op in ("BETWEEN", "WITHIN"):
        low, high = sorted(targets)
        return low <= field <= high
    target = targets[0]
    return {
        "AFTER": field > target, "BEFORE": field < target, "ON": field == target,
        "ON_OR_AFTER": field >= target, "ON_OR_BEFORE": field <= target,
    }[op]


def _granular(value: datetime, by_day: bool) -> datetime:
    return value.replace(hour=0, minute=0, second=0, microsecond=0) if by_day else value


def parse_date(text: str) -> tuple[datetime, bool]:
    """A date or date-time as the query may write it; the flag says whether it had a time."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt), "%H" in fmt or "%I" in fmt
        except ValueError:
            continue
    raise FilterError(f"{text!r} is not a valid date")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise FilterError(f"{text!r} is not a valid number") from None


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "t"):
        return True
    if lowered in ("false", "f"):
        return False
    raise FilterError(f"{text!r} is not a valid boolean")
