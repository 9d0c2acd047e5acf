"""The OData subset the Sage 200 API accepts on collections and single entities.

From Sage's own guidance as quoted in SelectCo's ``SageODataBuilder``: ``$filter`` (``eq ne gt ge
lt le``, ``and or not``, brackets, ``contains``/``startswith``/``endswith``, unquoted dates such as
``2016-02-23`` and UTC date-times ending in ``Z``, quoted enum values, ``null``), ``$orderby``
(``field asc|desc``, comma separated), ``$top`` (default 500, at most 5000), ``$skip`` (an error
without ``$orderby``), ``$select`` (``customer.name`` reaches into an expanded entity),
``$expand`` and ``$count=true``.

String comparisons ignore case, as the SQL Server collation behind Sage 200 does (assumption).
What ``$count=true`` returns is unconfirmed; the fake answers the bare number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

DEFAULT_TOP = 500
MAX_TOP = 5000
COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le")
FUNCTIONS = ("contains", "startswith", "endswith", "substringof", "tolower", "toupper")
TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>'(?:[^']|'')*')
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)[mMdDfFlL]?
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:[./][A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<punct>[(),])
)""",
    re.VERBOSE,
)


class ODataError(ValueError):
    """A query option Sage would reject with a 400."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class FieldRef:
    path: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class BoolOp:
    op: str
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Literal | FieldRef | Call | Compare | BoolOp | Not


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ODataError(f"Syntax error at position {pos} in '{text}'.")
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[Token], fields: frozenset[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.fields = fields

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise ODataError("Unexpected end of the $filter expression.")
        self.pos += 1
        return token

    def keyword(self, *words: str) -> str | None:
        token = self.peek()
        if token is not None and token.kind == "name" and token.text.lower() in words:
            self.pos += 1
            return token.text.lower()
        return None

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            raise ODataError(f"Expected '{text}' but found '{token.text}'.")

    def parse(self) -> Node:
        node = self.parse_or()
        if self.peek() is not None:
            raise ODataError(f"Syntax error near '{self.take().text}'.")
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.keyword("or"):
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else BoolOp("or", tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_not()]
        while self.keyword("and"):
            items.append(self.parse_not())
        return items[0] if len(items) == 1 else BoolOp("and", tuple(items))

    def parse_not(self) -> Node:
        if self.keyword("not"):
            return Not(self.parse_not())
        left = self.parse_operand()
        op = self.keyword(*COMPARISONS)
        if op is None:
            return left
        return Compare(op, left, self.parse_operand())

    def parse_operand(self) -> Node:
        token = self.take()
        if token.text == "(":
            node = self.parse_or()
            self.expect(")")
            return node
        if token.kind == "name":
            return self.parse_name(token.text)
        return Literal(_literal(token))

    def parse_name(self, text: str) -> Node:
        lowered = text.lower()
        if lowered in ("true", "false"):
            return Literal(lowered == "true")
        if lowered == "null":
            return Literal(None)
        nxt = self.peek()
        if nxt is not None and nxt.text == "(":
            return self.parse_call(lowered)
        path = text.replace("/", ".")
        if path not in self.fields:
            raise ODataError(f"Could not find a property named '{text}'.")
        return FieldRef(path)

    def parse_call(self, name: str) -> Node:
        if name not in FUNCTIONS:
            raise ODataError(f"Unknown function '{name}'.")
        self.expect("(")
        args = [self.parse_or()]
        while self.peek() == Token("punct", ","):
            self.take()
            args.append(self.parse_or())
        self.expect(")")
        return Call(name, tuple(args))


def _literal(token: Token) -> Any:
    if token.kind == "string":
        return token.text[1:-1].replace("''", "'")
    if token.kind == "number":
        value = float(token.text)
        return int(value) if value.is_integer() and "." not in token.text else value
    if token.kind == "date":
        return _date(token.text)
    if token.kind == "datetime":
        return parse_datetime(token.text)
    raise ODataError(f"Unexpected '{token.text}'.")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ODataError(f"'{text}' is not a valid date.") from exc


def parse_datetime(text: str) -> datetime:
    """An ISO date-time (or date) as naive UTC, the way Sage stores and reports them."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ODataError(f"'{text}' is not a valid date-time.") from exc
    return _to_naive(value) if value.tzinfo is not None else value


def _to_naive(value: datetime) -> datetime:
    offset = value.utcoffset()
    naive = value.replace(tzinfo=None)
    return naive - offset if offset else naive


def parse_filter(text: str, fields: frozenset[str]) -> Node:
    return _Parser(tokenize(text), fields).parse()


# -- evaluation -------------------------------------------------------------------------------


def pinned(node: Node | None) -> dict[str, Any]:
    """The fields a filter pins to one literal in every row it keeps (``f eq 'x'``, alone or
    ANDed with anything): a collection may narrow its rows on them before rendering, and the
    whole filter still decides."""
    if isinstance(node, Compare) and node.op == "eq":
        if isinstance(node.left, FieldRef) and isinstance(node.right, Literal):
            return {node.left.path: node.right.value}
        if isinstance(node.right, FieldRef) and isinstance(node.left, Literal):
            return {node.right.path: node.left.value}
    if isinstance(node, BoolOp) and node.op == "and":
        found: dict[str, Any] = {}
        for item in node.items:
            found.update(pinned(item))  # a field pinned twice: either value keeps a superset
        return found
    return {}


def may_match(pins: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    """False when one of ``values`` (a row's fields as rendered) rules the row out under
    ``pins``; a value the comparison cannot judge leaves the row to the whole filter."""
    for name, literal in pins.items():
        if name not in values:
            continue
        try:
            if not compare("eq", values[name], literal):
                return False
        except ODataError:
            continue
    return True


def lookup(row: Mapping[str, Any], path: str) -> Any:
    value: Any = row
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def evaluate(node: Node, row: Mapping[str, Any]) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, FieldRef):
        return lookup(row, node.path)
    if isinstance(node, Not):
        return not _truth(evaluate(node.item, row))
    if isinstance(node, BoolOp):
        results = (_truth(evaluate(item, row)) for item in node.items)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Compare):
        return compare(node.op, evaluate(node.left, row), evaluate(node.right, row))
    return _call(node.name, [evaluate(arg, row) for arg in node.args])


def matches(node: Node | None, row: Mapping[str, Any]) -> bool:
    """Whether ``row`` passes the parsed ``$filter`` (no filter passes everything)."""
    return node is None or _truth(evaluate(node, row))


def _truth(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ODataError("The $filter expression must be a boolean expression.")


def _call(name: str, args: list[Any]) -> Any:
    if name in ("tolower", "toupper"):
        _arity(name, args, 1)
        text = _text(args[0])
        return None if text is None else (text.lower() if name == "tolower" else text.upper())
    _arity(name, args, 2)
    haystack, needle = (args[1], args[0]) if name == "substringof" else (args[0], args[1])
    hay, pin = _text(haystack), _text(needle)
    if hay is None or pin is None:
        return False
    hay, pin = hay.casefold(), pin.casefold()
    if name in ("contains", "substringof"):
        return pin in hay
    return hay.startswith(pin) if name == "startswith" else hay.endswith(pin)


def _arity(name: str, args: list[Any], count: int) -> None:
    if len(args) != count:
        raise ODataError(f"The function '{name}' takes {count} argument(s).")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ODataError("String functions need string arguments.")


def compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        if op in ("eq", "ne"):
            return (left is right) == (op == "eq")
        return False
    a, b = _comparable(left, right)
    try:
        return _ORDER[op](a, b)
    except TypeError as exc:
        raise ODataError("A binary operator with incompatible types was detected.") from exc


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: bool(a == b),
    "ne": lambda a, b: bool(a != b),
    "gt": lambda a, b: bool(a > b),
    "ge": lambda a, b: bool(a >= b),
    "lt": lambda a, b: bool(a < b),
    "le": lambda a, b: bool(a <= b),
}


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    if isinstance(left, date | datetime) or isinstance(right, date | datetime):
        return _as_datetime(left), _as_datetime(right)
    if isinstance(left, bool) != isinstance(right, bool):
        raise ODataError("A binary operator with incompatible types was detected.")
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold(), right.casefold()
    if isinstance(left, str) or isinstance(right, str):
        raise ODataError("A binary operator with incompatible types was detected.")
    return left, right


def _as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ODataError:
            pass
    raise ODataError("A binary operator with incompatible types was detected.")


# -- query options ----------------------------------------------------------------------------

Expander = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Resource:
    """What a query may name for one entity: its scalar fields and its expandable relations."""

    fields: frozenset[str]
    expanders: Mapping[str, Expander] = field(default_factory=dict)
    expanded_fields: Mapping[str, frozenset[str]] = field(default_factory=dict)
    default_order: tuple[tuple[str, bool], ...] = (("id", False),)


@dataclass(frozen=True)
class Query:
    filter: Node | None = None
    orderby: tuple[tuple[str, bool], ...] = ()
    top: int = DEFAULT_TOP
    skip: int = 0
    select: tuple[str, ...] = ()
    expand: tuple[str, ...] = ()
    count: bool = False


def _int_option(args: Mapping[str, str], name: str, default: int) -> int:
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit():
        raise ODataError(f"Invalid value '{raw}' for {name}; a non-negative integer is required.")
    return int(raw)


def _names(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(part.strip().replace("/", ".") for part in raw.split(",") if part.strip())


def _orderby(raw: str | None, fields: frozenset[str]) -> tuple[tuple[str, bool], ...]:
    keys = []
    for part in _names(raw):
        bits = part.split()
        direction = bits[1].lower() if len(bits) == 2 else "asc"
        if len(bits) > 2 or direction not in ("asc", "desc") or bits[0] not in fields:
            raise ODataError(f"Invalid $orderby clause '{part}'.")
        keys.append((bits[0], direction == "desc"))
    return tuple(keys)


def parse_query(args: Mapping[str, str], resource: Resource) -> Query:
    expand = _names(args.get("$expand"))
    for name in expand:
        if name not in resource.expanders:
            raise ODataError(f"Could not find a property named '{name}' to expand.")
    raw_filter = args.get("$filter")
    query = Query(
        filter=parse_filter(raw_filter, resource.fields) if raw_filter else None,
        orderby=_orderby(args.get("$orderby"), resource.fields),
        top=_int_option(args, "$top", DEFAULT_TOP),
        skip=_int_option(args, "$skip", 0),
        select=_names(args.get("$select")),
        expand=expand,
        count=str(args.get("$count", "false")).lower() == "true",
    )
    _check(query, resource, args)
    return query


def _check(query: Query, resource: Resource, args: Mapping[str, str]) -> None:
    if query.top > MAX_TOP:
        raise ODataError(f"The maximum value that can be specified for $top is {MAX_TOP}.")
    if "$skip" in args and not query.orderby:
        raise ODataError("When using $skip, you must also use the $orderby parameter.")
    for name in query.select:
        head, _, tail = name.partition(".")
        known = resource.expanded_fields.get(head, frozenset()) if tail else resource.fields
        if (tail or head) not in known and head not in resource.expanders:
            raise ODataError(f"Could not find a property named '{name}' to select.")


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, str):
        return (1, value.casefold())
    return (1, value)


def _sorted(rows: list[dict[str, Any]], keys: Sequence[tuple[str, bool]]) -> list[dict[str, Any]]:
    for name, descending in reversed(keys):
        rows = sorted(rows, key=lambda row: _sort_key(row.get(name)), reverse=descending)
    return rows


def _shape(row: dict[str, Any], query: Query, resource: Resource) -> dict[str, Any]:
    shaped = dict(row)
    for name in query.expand:
        shaped[name] = resource.expanders[name](row)
    if not query.select:
        return shaped
    picked: dict[str, Any] = {}
    for name in query.select:
        head, _, tail = name.partition(".")
        if head not in shaped:
            continue
        if not tail:
            picked[head] = shaped[head]
        elif isinstance(shaped[head], dict):
            picked.setdefault(head, {})[tail] = shaped[head].get(tail)
    return picked


def apply(
    rows: list[dict[str, Any]], query: Query, resource: Resource
) -> list[dict[str, Any]] | int:
    """Filter, count, order, page, expand and select ``rows`` (rendered scalar fields)."""
    rows = [row for row in rows if matches(query.filter, row)]
    if query.count:
        return len(rows)
    rows = _sorted(rows, query.orderby or resource.default_order)
    rows = rows[query.skip : query.skip + query.top]
    return [_shape(row, query, resource) for row in rows]


def apply_one(row: dict[str, Any], query: Query, resource: Resource) -> dict[str, Any]:
    return _shape(row, query, resource)
