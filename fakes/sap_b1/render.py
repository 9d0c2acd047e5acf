"""Payloads on the wire, v1 (OData 3 JSON light) and v2 (OData 4) side by side.

=================  ==============================  ===============================
                   /b1s/v1                         /b1s/v2
=================  ==============================  ===============================
context            ``odata.metadata``              ``@odata.context``
entity context     ``...#Orders/@Element``         ``...#Orders/$entity``
count              ``odata.count`` (a string)      ``@odata.count`` (a number)
next page          ``odata.nextLink``              ``@odata.nextLink``
ETag               ``odata.etag``                  ``@odata.etag``
version header     ``DataServiceVersion: 3.0``     ``OData-Version: 4.0``
=================  ==============================  ===============================

The next link is a path with a literal ``$skip=`` (``/b1s/v1/Orders?$skip=20``, manual 3.7.6),
which is also what B1SLayer's ``skip=(\\d+)`` regex reads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import Response

from fakes.sap_b1 import schema, values
from fakes.sap_b1.errors import JSON_V1

JSON_V2 = "application/json;odata.metadata=minimal;charset=utf-8"
LINK_SAFE = "$=,()'/:@!*;"


@dataclass(frozen=True)
class Wire:
    """How one request wants its answer: the API version, its root URL and entity form."""

    version: str
    host_url: str
    full: bool = True

    @property
    def v2(self) -> bool:
        return self.version == "v2"

    @property
    def root(self) -> str:
        return f"{self.host_url.rstrip('/')}/b1s/{self.version}/"

    def ann(self, name: str) -> str:
        """``odata.count`` in v1, ``@odata.count`` in v2."""
        return f"@odata.{name}" if self.v2 else f"odata.{name}"

    def context(self, fragment: str = "") -> dict[str, str]:
        url = f"{self.root}$metadata" + (f"#{fragment}" if fragment else "")
        return {self.ann("context" if self.v2 else "metadata"): url}

    def entity_context(self, set_name: str, select: list[str] | None = None) -> dict[str, str]:
        if self.v2:
            shape = f"({','.join(select)})" if select else ""
            return self.context(f"{set_name}{shape}/$entity")
        shape = f"&$select={','.join(select)}" if select else ""
        return self.context(f"{set_name}/@Element{shape}")

    def collection_context(self, set_name: str, select: list[str] | None) -> dict[str, str]:
        if self.v2:
            return self.context(set_name + (f"({','.join(select)})" if select else ""))
        return self.context(set_name + (f"&$select={','.join(select)}" if select else ""))

    def headers(self) -> dict[str, str]:
        return {"OData-Version": "4.0"} if self.v2 else {"DataServiceVersion": "3.0"}

    def json(self, payload: Any, status: int = 200) -> Response:
        response = Response(
            json.dumps(payload, ensure_ascii=False),
            status=status,
            content_type=JSON_V2 if self.v2 else JSON_V1,
        )
        response.headers.update(self.headers())
        return response

    def no_content(self, extra: dict[str, str] | None = None) -> Response:
        response = Response(status=204, headers={**self.headers(), **(extra or {})})
        del response.headers["Content-Type"]
        return response

    # -- entities -----------------------------------------------------------------------------
    def shape(self, type_name: str, entity: dict[str, Any]) -> dict[str, Any]:
        """All properties of the type (null when unset) overlaid with the stored values."""
        out: dict[str, Any] = schema.skeleton(type_name) if self.full else {}
        for name, value in entity.items():
            p = schema.prop(type_name, name)
            if p is not None and schema.is_complex(p):
                out[name] = [self.shape(p.local_type, row) for row in value or []]
            else:
                out[name] = values.render(p, value, self.v2)
        return out

    def entity(
        self, type_name: str, entity: dict[str, Any], etag: str, select: list[str] | None
    ) -> dict[str, Any]:
        shaped = self.shape(type_name, entity)
        if select:
            shaped = {name: shaped.get(name) for name in select}
        return {self.ann("etag"): etag, **shaped}


def next_link(
    wire: Wire, set_name: str, args: Iterable[tuple[str, str]], skip: int, top: int | None,
    style: str,
) -> str:
    params = [(k, v) for k, v in args if k not in ("$skip", "$top")]
    if top is not None:
        params.append(("$top", str(top)))
    params.append(("$skip", str(skip)))
    query = "&".join(f"{k}={quote(v, safe=LINK_SAFE)}" for k, v in params)
    if style == "relative":
        return f"{set_name}?{query}"
    return f"/b1s/{wire.version}/{set_name}?{query}"


def key_literal(key: Any, fields: tuple[str, ...]) -> str:
    """``12``, ``'C00001'`` or ``CardCode='C1',ItemCode='I1'`` as in a resource path."""

    def one(value: Any) -> str:
        if isinstance(value, int):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    if len(fields) == 1:
        return one(key)
    return ",".join(f"{name}={one(value)}" for name, value in zip(fields, key, strict=True))
