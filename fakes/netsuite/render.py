"""Records as NetSuite REST returns them: HATEOAS links, references with ``refName``, sublists
either as a link or (``expandSubResources=true``) inlined as a collection, empty fields left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakes.netsuite.model import CURRENCIES, ENUMS, RecordType, Sublist

RECORD_PREFIX = "/services/rest/record/v1"
RefName = Callable[[str, str], str | None]


@dataclass(frozen=True)
class View:
    """How a record is shown: the server root it was asked on, and the read options."""

    base: str
    expand: bool = False
    fields: frozenset[str] | None = None
    simple_enum: bool = False


def link(rel: str, href: str) -> dict[str, str]:
    return {"rel": rel, "href": href}


def record_url(base: str, type_name: str, rid: str) -> str:
    return f"{base}{RECORD_PREFIX}/{type_name}/{rid}"


def render_record(
    rt: RecordType, record: dict[str, Any], view: View, ref_name: RefName
) -> dict[str, Any]:
    url = record_url(view.base, rt.name, record["id"])
    out: dict[str, Any] = {"links": [link("self", url)]}
    for name, value in record.items():
        if value is None or (view.fields is not None and name not in view.fields and name != "id"):
            continue
        if name in rt.sublists:
            out[name] = render_sublist(rt.sublists[name], value, f"{url}/{name}", view, ref_name)
        else:
            out[name] = render_value(name, value, rt.refs.get(name), view, ref_name,
                                     rt.enum_labels(name))
    return out


def render_value(
    name: str, value: Any, target: str | None, view: View, ref_name: RefName,
    labels: dict[str, str] | None = None,
) -> Any:
    if target is not None and isinstance(value, dict) and "id" in value:
        return render_ref(target, str(value["id"]), view, ref_name)
    labels = labels if labels is not None else ENUMS.get(name)
    if labels is not None and isinstance(value, dict) and "id" in value:
        if view.simple_enum:
            return {"id": value["id"]}
        return {"id": value["id"], "refName": labels.get(str(value["id"]), str(value["id"]))}
    return value


def render_ref(target: str, rid: str, view: View, ref_name: RefName) -> dict[str, Any]:
    out: dict[str, Any] = {"links": [link("self", record_url(view.base, target, rid))], "id": rid}
    name = CURRENCIES.get(rid) if target == "currency" else ref_name(target, rid)
    if name is not None:
        out["refName"] = name
    return out


def render_sublist(
    sublist: Sublist, lines: list[dict[str, Any]], url: str, view: View, ref_name: RefName
) -> dict[str, Any]:
    if not view.expand:
        return {"links": [link("self", url)]}
    items = [render_line(sublist, line, url, view, ref_name) for line in lines]
    return {"links": [link("self", url)], "items": items, "totalResults": len(items),
            "count": len(items), "hasMore": False, "offset": 0}


def render_line(
    sublist: Sublist, line: dict[str, Any], url: str, view: View, ref_name: RefName
) -> dict[str, Any]:
    out: dict[str, Any] = {"links": [link("self", f"{url}/{line_key(sublist, line)}")]}
    for name, value in line.items():
        if value is not None:
            out[name] = render_value(name, value, sublist.refs.get(name), view, ref_name)
    return out


def line_key(sublist: Sublist, line: dict[str, Any]) -> str:
    if sublist.name == "locations":
        return str(line.get("locationId", ""))
    return str(line.get("line", ""))


def collection_links(url: str, limit: int, offset: int, total: int, extra: str = "") -> list[
        dict[str, str]]:
    """``first``/``prev``/``next``/``last`` (when there is more than a page) and ``self``."""

    def href(at: int) -> str:
        return f"{url}?limit={limit}&offset={at}{extra}"

    links = []
    if total > limit:
        last = max(0, (total - 1) // limit * limit)
        links.append(link("first", href(0)))
        if offset > 0:
            links.append(link("prev", href(max(0, offset - limit))))
        if offset + limit < total:
            links.append(link("next", href(offset + limit)))
        links.append(link("last", href(last)))
    links.append(link("self", href(offset)))
    return links


def collection(
    url: str, items: list[dict[str, Any]], limit: int, offset: int, total: int, extra: str = ""
) -> dict[str, Any]:
    return {
        "links": collection_links(url, limit, offset, total, extra),
        "count": len(items),
        "hasMore": offset + len(items) < total,
        "items": items,
        "offset": offset,
        "totalResults": total,
    }
