"""OData query options as the Service Layer supports them (manual 3.7).

``$filter`` with ``eq ne gt ge lt le and or not``, parentheses, ``startswith``, ``endswith``,
``contains`` and (OData 3) ``substringof``; string, number, boolean, ``null`` and
``datetime'...'`` literals; enum properties compare by member name or stored value; dates in any
spelling the SL accepts. Other functions (``toupper``...) are rejected the way the SL rejects
them, as unknown properties. ``$select``, ``$orderby``, ``$top``, ``$skip``, ``$inlinecount``
(v1) and ``$count`` (v2) complete the set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts.sap_b1.csdl import Prop
from fakes.sap_b1 import errors, schema, values

Row = Mapping[str, Any]
Pred = Callable[[Row], Any]
TOKEN_RE = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<dt>datetime'[^']*')"
    r"|(?P<date>\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?)|(?P<num>-?\d+(?:\.\d+)?[mMdDfFlL]?)"
    r"|(?P<punct>[(),])|(?P<name>[A-Za-z_$][\w./$]*))"
)


def _ordered(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """An ordering comparison that is false for nulls and for values of unlike types."""

    def compare(a: Any, b: Any) -> bool:
        if a is None or b is None:
            return False
        try:
            return test(a, b)
        except TypeError:
            return False

    return compare


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": _ordered(lambda a, b: a > b),
    "ge": _ordered(lambda a, b: a >= b),
    "lt": _ordered(lambda a, b: a < b),
    "le": _ordered(lambda a, b: a <= b),
}
STRING_FUNCS: dict[str, Callable[[str, str], bool]] = {
    "startswith": lambda s, x: s.startswith(x),
    "endswith": lambda s, x: s.endswith(x),
    "contains": lambda s, x: x in s,
    "substringof": lambda x, s: x in s,
}


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str


def tokenize(text: str) -> list[Tok]:
    tokens: list[Tok] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        match = TOKEN_RE.match(text, pos)
        if match is None or match.end() == pos:
            raise errors.invalid_filter(f"unexpected text at position {pos}")
        kind = match.lastgroup or "name"
        tokens.append(Tok(kind, match.group(kind)))
        pos = match.end()
    return tokens


@dataclass
class Operand:
    """One side of a comparison: an evaluator plus the property it reads, if any."""

    get: Pred
    prop: Prop | None = None
    literal: Any = None
    is_literal: bool = False


class FilterParser:
    def __init__(self, text: str, type_name: str, case_insensitive: bool) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.type_name = type_name
        self.ci = case_insensitive

    def parse(self) -> Pred:
        if not self.tokens:
            raise errors.invalid_filter("empty expression")
        pred = self._or()
        if self.pos != len(self.tokens):
            raise errors.invalid_filter(f"unexpected '{self.tokens[self.pos].text}'")
        return pred

    def _peek(self) -> Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _keyword(self, *words: str) -> str | None:
        tok = self._peek()
        if tok is not None and tok.kind == "name" and tok.text.lower() in words:
            self.pos += 1
            return tok.text.lower()
        return None

    def _expect(self, text: str) -> None:
        tok = self._peek()
        if tok is None or tok.text != text:
            raise errors.invalid_filter(f"expected '{text}'")
        self.pos += 1

    def _or(self) -> Pred:
        left = self._and()
        while self._keyword("or"):
            left = _either(left, self._and())
        return left

    def _and(self) -> Pred:
        left = self._not()
        while self._keyword("and"):
            left = _both(left, self._not())
        return left

    def _not(self) -> Pred:
        if self._keyword("not"):
            inner = self._not()
            return lambda row: not inner(row)
        return self._comparison()

    def _comparison(self) -> Pred:
        left = self._operand()
        op = self._keyword(*COMPARE)
        if op is None:
            return left.get
        right = self._operand()
        return self._compare(op, left, right)

    def _compare(self, op: str, left: Operand, right: Operand) -> Pred:
        left, right = self._typed(left, right), self._typed(right, left)
        fold = self._fold
        test = COMPARE[op]
        return lambda row: test(fold(left.get(row)), fold(right.get(row)))

    def _fold(self, value: Any) -> Any:
        return value.lower() if self.ci and isinstance(value, str) else value

    def _typed(self, side: Operand, other: Operand) -> Operand:
        """Read a literal as the type of the property it is compared with."""
        if not side.is_literal or other.prop is None or side.literal is None:
            return side
        value = _literal_as(other.prop, side.literal)
        return Operand(lambda row: value, literal=value, is_literal=True)

    def _operand(self) -> Operand:
        tok = self._peek()
        if tok is None:
            raise errors.invalid_filter("unexpected end of expression")
        self.pos += 1
        if tok.text == "(":
            inner = self._or()
            self._expect(")")
            return Operand(inner)
        if tok.kind != "name":
            value = _literal(tok)
            return Operand(lambda row: value, literal=value, is_literal=True)
        return self._name(tok.text)

    def _name(self, name: str) -> Operand:
        lowered = name.lower()
        constants = {"null": None, "true": True, "false": False}
        if lowered in constants:
            value = constants[lowered]
            return Operand(lambda row: value, literal=value, is_literal=True)
        nxt = self._peek()
        if nxt is not None and nxt.text == "(":
            return self._call(name)
        return self._property(name)

    def _property(self, name: str) -> Operand:
        canonical = schema.canonical(self.type_name, name)
        p = schema.prop(self.type_name, canonical) if canonical else None
        if canonical is None or (p is not None and p.collection):
            raise errors.invalid_property(name, self.type_name)
        return Operand(lambda row: row.get(canonical), prop=p)

    def _call(self, name: str) -> Operand:
        func = STRING_FUNCS.get(name.lower())
        if func is None:
            raise errors.invalid_property(name, self.type_name)
        self._expect("(")
        first = self._operand()
        self._expect(",")
        second = self._operand()
        self._expect(")")
        fold = self._fold

        def call(row: Row) -> bool:
            a, b = first.get(row), second.get(row)
            if not isinstance(a, str) or not isinstance(b, str):
                return False
            return bool(func(fold(a), fold(b)))

        return Operand(call)


def _either(a: Pred, b: Pred) -> Pred:
    return lambda row: bool(a(row)) or bool(b(row))


def _both(a: Pred, b: Pred) -> Pred:
    return lambda row: bool(a(row)) and bool(b(row))


def _literal(tok: Tok) -> Any:
    if tok.kind == "str":
        return tok.text[1:-1].replace("''", "'")
    if tok.kind in ("dt", "date"):
        text = tok.text[len("datetime'") : -1] if tok.kind == "dt" else tok.text
        parsed = values.parse_date(text)
        if parsed is None:
            raise errors.invalid_filter(f"invalid datetime literal {tok.text}")
        return parsed
    if tok.kind == "num":
        text = tok.text.rstrip("mMdDfFlL")
        return float(text) if "." in text else int(text)
    raise errors.invalid_filter(f"unexpected '{tok.text}'")


def _literal_as(p: Prop, value: Any) -> Any:
    if schema.is_enum(p):
        return schema.enum_names(p.local_type).get(str(value).lower(), value)
    if p.base_type == "Edm.DateTime" and isinstance(value, str):
        parsed = values.parse_date(value)
        if parsed is None:
            raise errors.invalid_filter(f"invalid date '{value}'")
        return parsed
    if p.base_type == "Edm.String" and isinstance(value, int | float):
        return str(value)
    if p.base_type in values.FLOAT_TYPES | values.INT_TYPES and isinstance(value, str):
        try:
            return float(value)
        except ValueError as exc:
            raise errors.invalid_filter(f"'{value}' is not a number") from exc
    return value


# -- the whole query ------------------------------------------------------------------------------


@dataclass
class Query:
    predicate: Pred | None = None
    select: list[str] | None = None
    orderby: list[tuple[str, bool]] = field(default_factory=list)
    top: int | None = None
    skip: int = 0
    count: bool = False


def _non_negative(name: str, raw: str | None) -> int | None:
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise errors.invalid_query_option(f"Invalid value '{raw}' for query option {name}")
    return int(raw)


def _select(raw: str | None, type_name: str) -> list[str] | None:
    if raw is None or raw.strip() in ("", "*"):
        return None
    return [schema.require(type_name, part.strip()) for part in raw.split(",") if part.strip()]


def _orderby(raw: str | None, type_name: str) -> list[tuple[str, bool]]:
    keys: list[tuple[str, bool]] = []
    for part in (raw or "").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise errors.invalid_query_option(f"Invalid $orderby expression '{part.strip()}'")
        keys.append((schema.require(type_name, words[0]), len(words) == 2 and words[1] == "desc"))
    return keys


def _count(args: Mapping[str, str], v2: bool) -> bool:
    if v2:
        raw = args.get("$count", "false").lower()
        if raw not in ("true", "false"):
            raise errors.invalid_query_option(f"Invalid value '{raw}' for query option $count")
        return raw == "true"
    raw = args.get("$inlinecount", "none").lower()
    if raw not in ("allpages", "none"):
        raise errors.invalid_query_option(f"Invalid value '{raw}' for query option $inlinecount")
    return raw == "allpages"


def parse_query(
    args: Mapping[str, str], type_name: str, v2: bool, case_insensitive: bool = False
) -> Query:
    raw_filter = args.get("$filter")
    predicate = None
    if raw_filter is not None:
        predicate = FilterParser(raw_filter, type_name, case_insensitive).parse()
    return Query(
        predicate=predicate,
        select=_select(args.get("$select"), type_name),
        orderby=_orderby(args.get("$orderby"), type_name),
        top=_non_negative("$top", args.get("$top")),
        skip=_non_negative("$skip", args.get("$skip")) or 0,
        count=_count(args, v2),
    )


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    return (2, str(value))


def filter_and_sort(query: Query, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows matching ``$filter``, in ``$orderby`` order (else in key order)."""
    matched = [row for row in rows if query.predicate is None or query.predicate(row)]
    for name, desc in reversed(query.orderby):
        matched.sort(key=_by(name), reverse=desc)
    return matched


def _by(name: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    return lambda row: _sort_key(row.get(name))
