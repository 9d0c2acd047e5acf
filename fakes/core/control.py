"""The control plane over HTTP, under ``/__harness__/``: reset, seed, faults, journal, state,
clock and events. It mirrors the Python methods of :class:`fakes.core.fake.Fake`.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, jsonify, request
from pydantic import ValidationError

from fakes.core.backend import UnknownEvent

if TYPE_CHECKING:
    from fakes.core.fake import Fake


def _problem(status: int, message: str, **extra: Any) -> Response:
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def _json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def register_control_plane(app: Flask, fake: Fake, prefix: str) -> None:
    bp = Blueprint("harness_control", __name__, url_prefix=prefix)

    @bp.before_request
    def _authorise() -> Response | None:
        token = fake.control_token
        if token and not hmac.compare_digest(request.headers.get("X-Harness-Token", ""), token):
            return _problem(401, "control plane token missing or wrong (header X-Harness-Token)")
        return None

    @bp.get("/")
    def index() -> Response:
        return jsonify(
            {
                "vendor": fake.spec.name,
                "seed": fake.seed,
                "events": sorted(fake.backend.events),
                "vendor_faults": sorted(fake.spec.vendor_faults),
                "clock": fake.clock.now().isoformat(),
            }
        )

    @bp.post("/reset")
    def reset() -> Response:
        fake.reset()
        return jsonify({"reset": True, "seed": fake.seed})

    @bp.post("/seed")
    def seed() -> Response:
        value = _json_body().get("seed")
        if not isinstance(value, int):
            return _problem(400, "field 'seed' must be an integer")
        fake.reseed(value)
        return jsonify({"seed": fake.seed})

    @bp.get("/faults")
    def list_faults() -> Response:
        return jsonify([f.describe() for f in fake.faults.active()])

    @bp.post("/faults")
    def add_fault() -> Response:
        try:
            fault = fake.add_fault(_json_body())
        except ValidationError as exc:
            errors = [
                {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                for e in exc.errors()
            ]
            return _problem(400, "invalid fault", details=errors)
        except ValueError as exc:
            return _problem(400, str(exc))
        response = jsonify(fault.describe())
        response.status_code = 201
        return response

    @bp.delete("/faults")
    def clear_faults() -> Response:
        return jsonify({"cleared": fake.clear_faults()})

    @bp.delete("/faults/<fault_id>")
    def clear_fault(fault_id: str) -> Response:
        if not fake.clear_faults(fault_id):
            return _problem(404, f"no fault with id {fault_id!r}")
        return jsonify({"cleared": 1})

    @bp.get("/journal")
    def journal() -> Response:
        since = request.args.get("since", "0")
        if not since.isdigit():
            return _problem(400, "query parameter 'since' must be a non-negative integer")
        entries = fake.entries(int(since))
        return jsonify(
            {"last_seq": fake.journal.last_seq, "entries": [e.to_dict() for e in entries]}
        )

    @bp.get("/state")
    def state() -> Response:
        return jsonify(fake.state())

    @bp.get("/clock")
    def clock() -> Response:
        return jsonify({"now": fake.clock.now().isoformat(), "simulated": fake.clock.simulated})

    @bp.post("/clock")
    def advance_clock() -> Response:
        seconds = _json_body().get("advance_s")
        if not isinstance(seconds, int | float) or seconds < 0:
            return _problem(400, "field 'advance_s' must be a non-negative number")
        now: datetime = fake.clock.advance(float(seconds))
        return jsonify({"now": now.isoformat()})

    @bp.post("/events")
    def events() -> Response:
        body = _json_body()
        name = body.get("name")
        payload = body.get("payload") or {}
        if not isinstance(name, str) or not isinstance(payload, dict):
            return _problem(400, "body must be {'name': str, 'payload': object}")
        try:
            result = fake.event(name, **payload)
        except UnknownEvent:
            return _problem(404, f"unknown event {name!r}", known=sorted(fake.backend.events))
        except (TypeError, ValueError, KeyError) as exc:
            return _problem(400, f"event {name!r} rejected: {exc}")
        return jsonify({"event": name, "result": result})

    app.register_blueprint(bp)
