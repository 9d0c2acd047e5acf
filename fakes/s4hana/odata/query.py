"""System query options: ``$filter $orderby $top $skip $skiptoken $select $expand
$inlinecount $format`` parsed against the addressed entity set, and applied to its records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contracts.s4hana.edmx import EntityType, ServiceModel
from fakes.s4hana import edm
from fakes.s4hana.errors import bad_option
from fakes.s4hana.odata.filter import Expr, compile_filter

Record = dict[str, Any]
KNOWN = {
    "$filter",
    "$orderby",
    "$top",
    "$skip",
    "$skiptoken",
    "$select",
    "$expand",
    "$inlinecount",
    "$format",
    "$count",
    "search",
    "sap-client",
    "sap-language",
}


@dataclass
class Expand:
    """An ``$expand`` tree: navigation property -> what to expand below it."""

    children: dict[str, Expand] = field(default_factory=dict)

    def add(self, path: list[str]) -> None:
        if path:
            self.children.setdefault(path[0], Expand()).add(path[1:])


@dataclass
class Select:
    """A ``$select`` tree; ``None`` properties mean all."""

    properties: set[str] | None = None
    children: dict[str, Select] = field(default_factory=dict)

    def child(self, nav: str) -> Select:
        return self.children.get(nav, Select())

    def wants(self, name: str) -> bool:
        return self.properties is None or name in self.properties or name in self.children


@dataclass
class QueryOptions:
    filter: Expr | None = None
    pins: dict[str, str] = field(default_factory=dict)
    """Properties the filter pins to one string (``filter.compile_filter``)."""
    orderby: list[tuple[str, bool]] = field(default_factory=list)
    top: int | None = None
    skip: int = 0
    skiptoken: int = 0
    select: Select = field(default_factory=Select)
    expand: Expand = field(default_factory=Expand)
    inlinecount: bool = False
    format: str | None = None


def _int_option(args: Mapping[str, str], name: str) -> int | None:
    raw = args.get(name)
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise bad_option(f"Invalid value '{raw}' for system query option {name}")
    return int(raw)


def parse_options(
    args: Mapping[str, str], model: ServiceModel, entity_set: str | None
) -> QueryOptions:
    """Parse query options; those needing a type are checked against ``entity_set``."""
    fmt = args.get("$format")
    if fmt is not None and fmt not in ("json", "xml", "atom"):
        raise bad_option(f"Invalid value '{fmt}' for system query option $format")
    options = QueryOptions(format=fmt, inlinecount=_inlinecount(args.get("$inlinecount")))
    options.top = _int_option(args, "$top")
    options.skip = _int_option(args, "$skip") or 0
    options.skiptoken = _int_option(args, "$skiptoken") or 0
    if entity_set is None:
        return options
    entity_type = model.type_of(entity_set)
    if args.get("$filter"):
        options.filter, options.pins = compile_filter(args["$filter"], entity_type)
    options.orderby = _orderby(args.get("$orderby", ""), entity_type)
    options.expand = _expand(args.get("$expand", ""), model, entity_set)
    options.select = _select(args.get("$select", ""), model, entity_set, options.expand)
    return options


def _inlinecount(raw: str | None) -> bool:
    if raw in (None, "none"):
        return False
    if raw == "allpages":
        return True
    raise bad_option(f"Invalid value '{raw}' for system query option $inlinecount")


def _orderby(raw: str, entity_type: EntityType) -> list[tuple[str, bool]]:
    order = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        name, _, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if name not in entity_type.properties or direction not in ("asc", "desc"):
            raise bad_option(f"Invalid $orderby expression '{part}'")
        order.append((name, direction == "desc"))
    return order


def _expand(raw: str, model: ServiceModel, entity_set: str) -> Expand:
    tree = Expand()
    for part in filter(None, (p.strip() for p in raw.split(","))):
        path = part.split("/")
        _check_nav_path(model, entity_set, path)
        tree.add(path)
    return tree


def _check_nav_path(model: ServiceModel, entity_set: str, path: list[str]) -> str:
    current = entity_set
    for nav in path:
        try:
            current = model.nav_target(current, nav).entity_set
        except KeyError as exc:
            raise bad_option(f"Navigation property '{nav}' not found in {current}") from exc
    return current


def _select(raw: str, model: ServiceModel, entity_set: str, expand: Expand) -> Select:
    if not raw.strip() or raw.strip() == "*":
        return Select()
    root = Select(properties=set())
    for part in filter(None, (p.strip() for p in raw.split(","))):
        _add_select(root, part.split("/"), model, entity_set)
    return root


def _add_select(node: Select, path: list[str], model: ServiceModel, entity_set: str) -> None:
    head, rest = path[0], path[1:]
    entity_type = model.type_of(entity_set)
    if not rest:
        if head != "*" and head not in entity_type.properties | entity_type.navigations:
            raise bad_option(f"Property '{head}' not found in type '{entity_type.name}'")
        node.properties = None if head == "*" else (node.properties or set()) | {head}
        return
    target = _check_nav_path(model, entity_set, [head])
    child = node.children.setdefault(head, Select(properties=set()))
    _add_select(child, rest, model, target)


def value_getter(entity_type: EntityType, record: Record) -> Callable[[str], Any]:
    def get(name: str) -> Any:
        value = record.get(name)
        return edm.default(entity_type.properties[name]) if value is None else value

    return get


def apply_filter(
    records: list[Record], entity_type: EntityType, options: QueryOptions
) -> list[Record]:
    expr = options.filter
    if expr is None:
        return records
    if options.pins:  # a lookup by key reads one string per record, not the whole filter
        records = [r for r in records if _may_match(entity_type, r, options.pins)]
    return [r for r in records if expr(value_getter(entity_type, r))]


def _may_match(entity_type: EntityType, record: Record, pins: dict[str, str]) -> bool:
    """False when a pinned property holds another string; anything else is left to the whole
    filter (its comparison decides, or refuses the types)."""
    for name, literal in pins.items():
        value = record.get(name)
        if value is None:
            value = edm.default(entity_type.properties[name])
        if isinstance(value, str) and value != literal:
            return False
    return True


def apply_order(
    records: list[Record], entity_type: EntityType, options: QueryOptions
) -> list[Record]:
    ordered = list(records)
    for name, desc in reversed(options.orderby):
        ordered.sort(key=_sorter(name, edm.default(entity_type.properties[name])), reverse=desc)
    return ordered


def _sorter(name: str, fallback: Any) -> Callable[[Record], tuple[bool, Any]]:
    return lambda record: _sort_key(record.get(name), fallback)


def _sort_key(value: Any, fallback: Any) -> tuple[bool, Any]:
    actual = fallback if value is None else value
    return (actual is None, actual if actual is not None else 0)
