"""``$filter`` for OData v2: parse once against the entity type, evaluate per record.

Supported: ``eq ne gt ge lt le``, ``and or not``, parentheses, the functions ``substringof
startswith endswith tolower toupper trim length``, and literals of every Edm type Gateway
accepts (``'x'``, ``5``, ``5.0m``, ``datetime'2024-01-01T00:00:00'``,
``datetimeoffset'...Z'``, ``time'PT10H'``, ``guid'...'``, ``true``, ``null``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from contracts.s4hana.edmx import EntityType
from fakes.s4hana import edm
from fakes.s4hana.errors import bad_option

Getter = Callable[[str], Any]
Expr = Callable[[Getter], Any]

_TOKEN = re.compile(
    r"\s*(?:(?P<lit>(?:datetimeoffset|datetime|time|guid|binary|X)'[^']*'|'(?:[^']|'')*'"
    r"|[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?(?![\w.]))"
    r"|(?P<punct>[(),])|(?P<name>[A-Za-z_][\w/]*))"
)
COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
FUNCTIONS: dict[str, tuple[int, Callable[..., Any]]] = {
    "substringof": (2, lambda a, b: _text(a) in _text(b)),
    "startswith": (2, lambda a, b: _text(a).startswith(_text(b))),
    "endswith": (2, lambda a, b: _text(a).endswith(_text(b))),
    "tolower": (1, lambda a: _text(a).lower()),
    "toupper": (1, lambda a: _text(a).upper()),
    "trim": (1, lambda a: _text(a).strip()),
    "length": (1, lambda a: len(_text(a))),
}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise bad_option("String function applied to a non-string operand")
    return value


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text.rstrip()):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise bad_option(f"Invalid filter expression: '{text}'")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class Parser:
    """Recursive descent over the token list; property names are checked against the type."""

    def __init__(self, text: str, entity_type: EntityType) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.entity_type = entity_type

    def parse(self) -> Expr:
        expr = self._or()
        if self.pos != len(self.tokens):
            raise self._error()
        return expr

    def _error(self) -> Exception:
        return bad_option(f"Invalid filter expression: '{self.text}'")

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _keyword(self, *words: str) -> str | None:
        token = self._peek()
        if token and token[0] == "name" and token[1] in words:
            self.pos += 1
            return token[1]
        return None

    def _expect(self, punct: str) -> None:
        if self._peek() != ("punct", punct):
            raise self._error()
        self.pos += 1

    def _or(self) -> Expr:
        left = self._and()
        while self._keyword("or"):
            left = _or(left, self._and())
        return left

    def _and(self) -> Expr:
        left = self._not()
        while self._keyword("and"):
            left = _and(left, self._not())
        return left

    def _not(self) -> Expr:
        if self._keyword("not"):
            inner = self._not()
            return lambda get: not inner(get)
        return self._comparison()

    def _comparison(self) -> Expr:
        left = self._primary()
        op = self._keyword(*COMPARISONS)
        if op is None:
            return left
        right = self._primary()
        return lambda get: compare(op, left(get), right(get))

    def _primary(self) -> Expr:
        token = self._peek()
        if token is None:
            raise self._error()
        self.pos += 1
        kind, text = token
        if (kind, text) == ("punct", "("):
            inner = self._or()
            self._expect(")")
            return inner
        if kind == "lit":
            return _constant(_literal(text))
        if kind == "name" and text in ("true", "false", "null"):
            return _constant({"true": True, "false": False, "null": None}[text])
        if kind == "name" and self._peek() == ("punct", "("):
            return self._function(text)
        if kind == "name":
            return self._property(text)
        raise self._error()

    def _function(self, name: str) -> Expr:
        if name not in FUNCTIONS:
            raise bad_option(f"Function '{name}' is not supported in $filter")
        arity, func = FUNCTIONS[name]
        self._expect("(")
        args = [self._or()]
        while self._peek() == ("punct", ","):
            self.pos += 1
            args.append(self._or())
        self._expect(")")
        if len(args) != arity:
            raise self._error()
        return lambda get: func(*(arg(get) for arg in args))

    def _property(self, name: str) -> Expr:
        if "/" in name:
            raise bad_option(f"Filtering on navigation path '{name}' is not supported")
        if name not in self.entity_type.properties:
            raise bad_option(f"Property '{name}' not found in type '{self.entity_type.name}'")
        return lambda get: get(name)


def _constant(value: Any) -> Expr:
    return lambda get: value


def _literal(text: str) -> Any:
    try:
        return edm.parse_literal(text)
    except edm.EdmError as exc:
        raise bad_option(str(exc)) from exc


def _or(left: Expr, right: Expr) -> Expr:
    return lambda get: bool(left(get)) or bool(right(get))


def _and(left: Expr, right: Expr) -> Expr:
    return lambda get: bool(left(get)) and bool(right(get))


def _coerce(left: Any, right: Any) -> tuple[Any, Any]:
    numeric = (int, float, Decimal)
    if isinstance(left, numeric) and isinstance(right, numeric):
        if isinstance(left, bool) or isinstance(right, bool):
            return left, right
        return Decimal(str(left)), Decimal(str(right))
    if isinstance(left, datetime) and isinstance(right, datetime):
        return left, right
    if type(left) is not type(right):
        raise bad_option(f"Incompatible operands in $filter: {left!r} and {right!r}")
    return left, right


def compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        if op in ("eq", "ne"):
            return (left is right) == (op == "eq")
        return False
    left, right = _coerce(left, right)
    if op == "eq":
        return bool(left == right)
    if op == "ne":
        return bool(left != right)
    result: bool = {
        "gt": left > right,
        "ge": left >= right,
        "lt": left < right,
        "le": left <= right,
    }[op]
    return result


def compile_filter(text: str, entity_type: EntityType) -> tuple[Expr, dict[str, str]]:
    """Parse ``text``: an expression that takes a property getter and returns truthiness, and
    the properties it pins to one string (:func:`_pinned_strings`)."""
    parser = Parser(text, entity_type)
    return parser.parse(), _pinned_strings(parser.tokens, entity_type)


def _pinned_strings(tokens: list[tuple[str, str]], entity_type: EntityType) -> dict[str, str]:
    """The properties a parsed filter pins to one string in every record it keeps: the
    conjuncts ``Prop eq 'x'`` (or ``'x' eq Prop``) of a filter that is an ``and`` chain at its
    top level (``or`` binds loosest, so one at the top pins nothing). A collection may drop the
    records whose string differs before it runs the whole filter."""
    conjuncts: list[list[tuple[str, str]]] = [[]]
    depth = 0
    for kind, word in tokens:
        if kind == "punct":
            depth += {"(": 1, ")": -1}.get(word, 0)
        if depth == 0 and kind == "name" and word in ("and", "or"):
            if word == "or":
                return {}
            conjuncts.append([])
            continue
        conjuncts[-1].append((kind, word))
    pins: dict[str, str] = {}
    for part in conjuncts:
        if len(part) != 3 or part[1] != ("name", "eq"):
            continue
        (left_kind, left), _, (right_kind, right) = part
        name, literal = (left, right) if left_kind == "name" else (right, left)
        kind = right_kind if left_kind == "name" else left_kind
        if kind == "lit" and literal.startswith("'") and name in entity_type.properties:
            value = _literal(literal)
            if isinstance(value, str):
                pins[name] = value
    return pins
