"""A tiny vendor used to test fakes/core without any real vendor's rules."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request

from fakes.core.backend import VendorBackend, event
from fakes.core.spec import ErrorRequest, VendorSpec


class ToyBackend(VendorBackend):
    def load_seed(self) -> None:
        self.items: dict[int, dict[str, Any]] = {}
        self.next_id = 1
        self.stock = {p.sku: 10 for p in self.ctx.dataset.products[:3]}

    def snapshot(self) -> dict[str, Any]:
        return {"items": list(self.items.values()), "stock": dict(self.stock)}

    def create(self, data: dict[str, Any]) -> dict[str, Any]:
        item = {"id": self.next_id, **data}
        self.items[self.next_id] = item
        self.next_id += 1
        return item

    @event("set_stock")
    def set_stock(self, sku: str, qty: int) -> int:
        self.stock[sku] = qty
        return qty


def routes(app: Flask, backend: ToyBackend) -> None:
    @app.post("/api/items")
    def create() -> tuple[Response, int]:
        return jsonify(backend.create(request.get_json(force=True))), 201

    @app.get("/api/items/<int:item_id>")
    def get(item_id: int) -> Response | tuple[Response, int]:
        if item_id not in backend.items:
            return jsonify({"fault": "missing"}), 404
        return jsonify(backend.items[item_id])

    @app.delete("/api/items/<int:item_id>")
    def delete(item_id: int) -> tuple[str, int]:
        backend.items.pop(item_id, None)
        return "", 204

    @app.post("/api/login")
    def login() -> Response:
        return jsonify({"token": "s3cr3t-token"})


def render_error(err: ErrorRequest) -> Response:
    response = jsonify({"fault": err.code or err.kind, "text": err.message or "boom"})
    response.status_code = err.status
    return response


SPEC = VendorSpec(
    name="toy",
    base_url="http://toy.fake.test",
    backend=ToyBackend,
    register_routes=routes,  # type: ignore[arg-type]
    render_error=render_error,
    credentials=lambda backend: {"username": "toy", "password": "toy-pass"},
    sensitive_paths=(r"/api/login",),
)
