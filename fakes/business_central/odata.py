"""OData v4 query options over in-memory records: ``$filter`` (comparisons, ``and``/``or``/
``not``, ``contains``/``startswith``/``endswith``/``tolower``/``toupper``, string, number,
GUID, date and datetime literals), ``$orderby``, ``$select``, ``$expand``, ``$top``, ``$skip``,
``$count`` and server-driven paging with a key-based ``$skiptoken``.

String comparisons ignore case, as Business Central's SQL collation does. Type rules follow
OData: a GUID property compares only with a GUID literal, a date only with a date literal.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from fakes.business_central.errors import BadRequest, QuerySyntax
from fakes.business_central.schema import (
    BOOL,
    DATE,
    DATETIME,
    DEC,
    GUID,
    INT,
    INT64,
    STR,
    EntityDef,
)

TOKEN = re.compile(
    r"\s*(?:(?P<enum>[A-Za-z_][\w.]*'(?:[^']|'')*')"
    r"|(?P<string>'(?:[^']|'')*')"
    r"|(?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))"
    r"|(?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|(?P<date>\d{4}-\d{2}-\d{2})"
    r"|(?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDfFlL]?)"
    r"|(?P<ident>[A-Za-z_][\w./]*)"
    r"|(?P<punct>[(),]))"
)
COMPARISONS = {"eq": "Equal", "ne": "NotEqual", "gt": "GreaterThan", "ge": "GreaterThanOrEqual",
               "lt": "LessThan", "le": "LessThanOrEqual"}
STRING_FUNCTIONS = {"contains", "startswith", "endswith"}
CASE_FUNCTIONS = {"tolower", "toupper"}
NUMERIC = {DEC, INT, INT64}
LITERAL_TYPES = {"string": STR, "datetime": DATETIME, "guid": GUID, "date": DATE,
                 "number": DEC, "bool": BOOL, "null": "null", "enum": "enum"}

Node = tuple[Any, ...]


@dataclass
class Query:
    filter: Node | None = None
    orderby: list[tuple[str, bool]] = field(default_factory=list)
    select: list[str] | None = None
    expand: dict[str, Query] = field(default_factory=dict)
    top: int | None = None
    skip: int = 0
    count: bool = False
    skiptoken: str | None = None


# -- parsing ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, entity: EntityDef) -> None:
        self.text = text
        self.entity = entity
        self.tokens = self._tokenize(text)
        self.pos = 0

    def _tokenize(self, text: str) -> list[tuple[str, str, int]]:
        tokens: list[tuple[str, str, int]] = []
        index = 0
        while index < len(text):
            if text[index:].strip() == "":
                break
            match = TOKEN.match(text, index)
            if match is None or match.end() == index:
                raise self._syntax(index)
            kind = match.lastgroup or "punct"
            tokens.append((kind, match.group(kind), match.start(kind)))
            index = match.end()
        return tokens

    def _syntax(self, position: int) -> QuerySyntax:
        return QuerySyntax(f"Syntax error at position {position} in '{self.text}'.")

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise self._syntax(len(self.text))
        self.pos += 1
        return token

    def keyword(self, *words: str) -> str | None:
        token = self.peek()
        if token and token[0] == "ident" and token[1] in words:
            self.pos += 1
            return token[1]
        return None

    def expect(self, value: str) -> None:
        kind, text, position = self.take()
        if text != value:
            raise self._syntax(position)

    def parse(self) -> Node:
        node = self.parse_or()
        if self.peek() is not None:
            raise self._syntax(self.take()[2])
        if _type_of(node) != BOOL:
            raise BadRequest("The $filter expression must evaluate to a single boolean value.",
                             code="BadRequest_NotFound")
        return node

    def parse_or(self) -> Node:
        node = self.parse_and()
        while self.keyword("or"):
            node = ("or", node, self.parse_and())
        return node

    def parse_and(self) -> Node:
        node = self.parse_not()
        while self.keyword("and"):
            node = ("and", node, self.parse_not())
        return node

    def parse_not(self) -> Node:
        if self.keyword("not"):
            return ("not", self.parse_not())
        return self.parse_comparison()

    def parse_comparison(self) -> Node:
        left = self.parse_primary()
        op = self.keyword(*COMPARISONS)
        if op is None:
            return left
        right = self.parse_primary()
        _check_types(op, left, right)
        return ("cmp", op, left, right)

    def parse_primary(self) -> Node:
        kind, text, position = self.take()
        if text == "(" and kind == "punct":
            node = self.parse_or()
            self.expect(")")
            return node
        if kind == "ident":
            return self._identifier(text, position)
        if kind == "punct":
            raise self._syntax(position)
        return _literal(kind, text)

    def _identifier(self, text: str, position: int) -> Node:
        if text in ("true", "false"):
            return ("lit", text == "true", BOOL)
        if text == "null":
            return ("lit", None, "null")
        nxt = self.peek()
        if nxt is not None and nxt[1] == "(":
            return self._call(text, position)
        spec = self.entity.field(text)
        if spec is None:
            raise unknown_property(self.entity, text)
        return ("prop", text, "enum" if spec.is_enum else spec.type)

    def _call(self, name: str, position: int) -> Node:
        if name not in STRING_FUNCTIONS | CASE_FUNCTIONS:
            raise QuerySyntax(f"An unknown function with name '{name}' was found. This may also "
                              "be a function import or a key lookup on a navigation property, "
                              "which is not allowed.")
        self.expect("(")
        args = [self.parse_or()]
        while self.peek() is not None and self.peek()[1] == ",":  # type: ignore[index]
            self.take()
            args.append(self.parse_or())
        self.expect(")")
        if len(args) != (1 if name in CASE_FUNCTIONS else 2):
            raise self._syntax(position)
        if any(_type_of(arg) not in (STR, "enum") for arg in args):
            shape = "Edm.String Nullable=true" if name in CASE_FUNCTIONS else \
                "Edm.String Nullable=true, Edm.String Nullable=true"
            raise BadRequest(f"No function signature for the function with name '{name}' matches "
                             f"the specified arguments. The function signatures considered are: "
                             f"{name}({shape}).", code="BadRequest_NotFound")
        return ("call", name, *args)


def _literal(kind: str, text: str) -> Node:
    if kind in ("string", "enum"):
        value = text[text.index("'") + 1:-1].replace("''", "'")
        return ("lit", value, LITERAL_TYPES[kind] if kind == "enum" else STR)
    if kind == "number":
        return ("lit", Decimal(text.rstrip("mMdDfFlL")), DEC)
    if kind == "guid":
        return ("lit", text.lower(), GUID)
    if kind == "datetime":
        return ("lit", datetime.fromisoformat(text.replace("Z", "+00:00")), DATETIME)
    return ("lit", text, DATE)


def _type_of(node: Node) -> str:
    if node[0] in ("prop", "lit"):
        return str(node[2])
    if node[0] == "call":
        return STR if node[1] in CASE_FUNCTIONS else BOOL
    return BOOL


def _check_types(op: str, left: Node, right: Node) -> None:
    lt, rt = _type_of(left), _type_of(right)
    if "null" in (lt, rt) or lt == rt:
        return
    if {lt, rt} <= NUMERIC or {lt, rt} == {"enum", STR}:
        return
    shown = {"enum": "Edm.Enum"}
    raise BadRequest(
        "A binary operator with incompatible types was detected. Found operand types "
        f"'{shown.get(lt, lt)}' and '{shown.get(rt, rt)}' for operator kind '{COMPARISONS[op]}'.",
        code="BadRequest_NotFound",
    )


def unknown_property(entity: EntityDef, name: str) -> BadRequest:
    return BadRequest(
        f"Could not find a property named '{name}' on type '{entity.qualified_type}'.",
        code="BadRequest_NotFound",
    )


def parse_filter(text: str, entity: EntityDef) -> Node:
    return _Parser(text, entity).parse()


# -- evaluation -------------------------------------------------------------------------------


def _value(node: Node, record: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "prop":
        return _normal(record.get(node[1]), node[2])
    if kind == "call":
        return _call(node, record)
    return matches(node, record)


def _normal(value: Any, type_: str) -> Any:
    if value is None:
        return None
    if type_ == DATETIME:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if type_ in (GUID,):
        return str(value).lower()
    if type_ in NUMERIC:
        return Decimal(value)
    return value


def _call(node: Node, record: Mapping[str, Any]) -> Any:
    name = node[1]
    args = [_value(arg, record) for arg in node[2:]]
    if name == "tolower":
        return str(args[0] or "").lower()
    if name == "toupper":
        return str(args[0] or "").upper()
    haystack, needle = (str(a or "").casefold() for a in args)
    checks: dict[str, Callable[[str], bool]] = {
        "contains": haystack.__contains__, "startswith": haystack.startswith,
        "endswith": haystack.endswith,
    }
    return checks[name](needle)


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        same = left is None and right is None
        return same if op == "eq" else (not same if op == "ne" else False)
    if isinstance(left, str) and isinstance(right, str):
        left, right = left.casefold(), right.casefold()
    try:
        outcome: bool = {
            "eq": left == right, "ne": left != right, "gt": left > right, "ge": left >= right,
            "lt": left < right, "le": left <= right,
        }[op]
    except TypeError:
        return False
    return outcome


def matches(node: Node, record: Mapping[str, Any]) -> bool:
    kind = node[0]
    if kind == "or":
        return matches(node[1], record) or matches(node[2], record)
    if kind == "and":
        return matches(node[1], record) and matches(node[2], record)
    if kind == "not":
        return not matches(node[1], record)
    if kind == "cmp":
        return _compare(node[1], _value(node[2], record), _value(node[3], record))
    return bool(_value(node, record))


def keyed_on(node: Node | None, names: tuple[str, ...]) -> bool:
    """True when an ``and``-chain of the filter pins one of ``names`` with ``eq``."""
    if node is None:
        return False
    if node[0] == "and":
        return keyed_on(node[1], names) or keyed_on(node[2], names)
    return node[0] == "cmp" and node[1] == "eq" and any(
        side[0] == "prop" and side[1] in names for side in node[2:]
    )


# -- query options ----------------------------------------------------------------------------


def parse_query(
    args: Mapping[str, str], entity: EntityDef, children: Mapping[str, EntityDef]
) -> Query:
    query = Query()
    if args.get("$filter"):
        query.filter = parse_filter(args["$filter"], entity)
    if args.get("$orderby"):
        query.orderby = _orderby(args["$orderby"], entity)
    if args.get("$select"):
        query.select = _select(args["$select"], entity)
    if args.get("$expand"):
        query.expand = _expand(args["$expand"], entity, children)
    query.top = _non_negative("$top", args.get("$top"))
    query.skip = _non_negative("$skip", args.get("$skip")) or 0
    query.count = str(args.get("$count", "")).lower() == "true"
    query.skiptoken = args.get("$skiptoken")
    return query


def _non_negative(name: str, raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise BadRequest(f"Invalid value '{raw}' for {name} query option found. The {name} query "
                         "option requires a non-negative integer value.")
    return int(raw)


def _orderby(text: str, entity: EntityDef) -> list[tuple[str, bool]]:
    out = []
    for part in text.split(","):
        words = part.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise QuerySyntax(f"Syntax error at position 0 in '{text}'.")
        if entity.field(words[0]) is None:
            raise unknown_property(entity, words[0])
        out.append((words[0], len(words) == 2 and words[1] == "desc"))
    return out


def _select(text: str, entity: EntityDef) -> list[str] | None:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if "*" in names:
        return None
    for name in names:
        if entity.field(name) is None:
            raise unknown_property(entity, name)
    return names


def _expand(text: str, entity: EntityDef, children: Mapping[str, EntityDef]) -> dict[str, Query]:
    out: dict[str, Query] = {}
    for name, options in _split_expand(text):
        child = children.get(name)
        if child is None:
            raise unknown_property(entity, name)
        inner = dict(o.split("=", 1) for o in options.split(";") if "=" in o) if options else {}
        out[name] = parse_query(inner, child, {})
    return out


def _split_expand(text: str) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    depth, start = 0, 0
    for index, char in enumerate(text + ","):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            part = text[start:index].strip()
            name, _, rest = part.partition("(")
            items.append((name.strip(), rest[:-1] if rest.endswith(")") else rest))
            start = index + 1
    return [item for item in items if item[0]]


# -- running a query ----------------------------------------------------------------------------


@dataclass
class Page:
    records: list[dict[str, Any]]
    total: int
    next_token: str | None = None
    next_top: int | None = None


def run(records: list[dict[str, Any]], query: Query, entity: EntityDef, page_size: int) -> Page:
    selected = [r for r in records if query.filter is None or matches(query.filter, r)]
    for name, descending in reversed(query.orderby):
        spec = entity.field(name)
        type_ = "enum" if spec is None or spec.is_enum else spec.type
        selected.sort(key=_sorter(name, type_), reverse=descending)
    start = _resume(selected, query.skiptoken) if query.skiptoken else query.skip
    window = selected[start:]
    limit = page_size if query.top is None else min(query.top, page_size)
    page = Page(window[:limit], len(selected))
    wanted = len(window) if query.top is None else min(query.top, len(window))
    if wanted > len(page.records):
        page.next_token = _token(page.records[-1]["id"], start + len(page.records))
        page.next_top = None if query.top is None else query.top - len(page.records)
    return page


def _sorter(name: str, type_: str) -> Callable[[dict[str, Any]], Any]:
    return lambda record: _sort_key(record.get(name), type_)


def _sort_key(value: Any, type_: str) -> Any:
    normal = _normal(value, type_)
    return normal.casefold() if isinstance(normal, str) else normal


def _token(last_id: str, position: int) -> str:
    raw = json.dumps({"after": last_id, "pos": position}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _resume(records: list[dict[str, Any]], token: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        after, position = str(data["after"]), int(data["pos"])
    except (ValueError, KeyError, TypeError):
        raise BadRequest("The skip token value is invalid.", code="BadRequest_NotFound") from None
    for index, record in enumerate(records):
        if record["id"] == after:
            return index + 1
    return min(position, len(records))
