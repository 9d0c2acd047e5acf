"""A request and a response as the API layer sees them, independent of Flask, so ``$batch`` can
run its inner requests through the same dispatcher.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from fakes.business_central.errors import JSON_TYPE, BadRequest

XML_TYPE = "application/xml"


@dataclass
class ApiRequest:
    method: str
    path: str
    args: dict[str, str]
    headers: dict[str, str]
    body: bytes
    root: str
    inner: bool = False

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    def json(self) -> Any:
        if not self.body.strip():
            raise BadRequest("Invalid Request Body")
        try:
            return json.loads(self.body)
        except ValueError:
            raise BadRequest("Invalid Request Body") from None


@dataclass
class ApiResponse:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = JSON_TYPE
