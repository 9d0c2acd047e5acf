"""The ``field_drift`` fault: a JSON answer whose fields are renamed, dropped or retyped, as
when a vendor upgrade or an extension changes a payload without notice (FM-G04)."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response


def drift_json_body(response: Response, params: dict[str, Any]) -> None:
    """Rewrite ``response``'s JSON body in place; non-JSON bodies are left alone."""
    if "json" not in (response.content_type or ""):
        return
    try:
        data = json.loads(response.get_data())
    except ValueError:
        return
    rename = {str(k): str(v) for k, v in dict(params.get("rename") or {}).items()}
    drop = {str(name) for name in params.get("drop") or []}
    retype = {str(name) for name in params.get("retype") or []}
    response.set_data(json.dumps(_drift(data, rename, drop, retype)))


def _drift(value: Any, rename: dict[str, str], drop: set[str], retype: set[str]) -> Any:
    if isinstance(value, list):
        return [_drift(item, rename, drop, retype) for item in value]
    if not isinstance(value, dict):
        return value
    changed: dict[str, Any] = {}
    for key, item in value.items():
        if key in drop:
            continue
        item = _drift(item, rename, drop, retype)
        if key in retype and isinstance(item, int | float) and not isinstance(item, bool):
            item = f"{item} EA"  # a number that now arrives as text with its unit
        changed[rename.get(str(key), str(key))] = item
    return changed
