"""The shape of a Web API route (``etc/webapi.xml``): path, ACL resources, service, arguments.

A route without resources is ``anonymous``; ``("self",)`` is the customer-token resource.
``service`` names the service contract method (``Interface::method``) the route calls: the
asynchronous endpoints derive their queue topic from it. Every route that is not a ``GET`` (and
not a token route) also exists under ``/async/V1/...`` and ``/async/bulk/V1/...``, where the
bulk path writes each ``:param`` as ``by<Param>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from fakes.magento.inputs import Param
from fakes.magento.stores import Store

if TYPE_CHECKING:
    from fakes.magento.auth import Caller
    from fakes.magento.state import MagentoBackend

SELF = ("self",)


@dataclass(frozen=True)
class Context:
    """What a handler may need besides its arguments."""

    store: Store
    base_url: str
    caller: Caller | None = None
    # the keys of a list's items that ``?fields=items[...]`` keeps: the rest need no rendering
    item_fields: frozenset[str] | None = None


Handler = Callable[["MagentoBackend", dict[str, Any], Context], Any]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    acl: tuple[str, ...]
    params: tuple[Param, ...]
    handler: Handler
    service: str = ""
    sync_only: bool = False

    @cached_property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.strip("/").split("/"))

    @property
    def bulk_segments(self) -> tuple[str, ...]:
        return tuple("by" + s[1:2].upper() + s[2:] if s.startswith(":") else s
                     for s in self.segments)

    @property
    def asynchronous(self) -> bool:
        """Whether ``/async`` and ``/async/bulk`` serve this route."""
        return self.method != "GET" and not self.sync_only

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return None
        found: dict[str, str] = {}
        for mine, theirs in zip(self.segments, parts, strict=True):
            if mine.startswith(":"):
                if not theirs:
                    return None
                found[mine[1:]] = theirs
            elif mine != theirs:
                return None
        return found

    def match_bulk(self, parts: list[str]) -> bool:
        return tuple(parts) == self.bulk_segments

    @cached_property
    def literal_count(self) -> int:
        return sum(1 for s in self.segments if not s.startswith(":"))


def id_param(name: str = "id") -> Param:
    return Param(name, "int")


def flag(name: str) -> Param:
    return Param(name, "bool", required=False, default=False)


def optional(name: str, type_: str, default: Any = None) -> Param:
    return Param(name, type_, required=False, default=default)


CRITERIA = Param("searchCriteria", "search_criteria")
