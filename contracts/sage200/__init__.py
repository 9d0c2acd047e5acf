"""Sage 200 contract: the reference Swagger 2.0 documents of the Sage 200 API.

The files are Sage's own Swagger for Sage 200 Professional ("extra") sales order processing and
stock, as published in SelectCo/sage200-api-client (MIT). They live outside the package, under
``$HARNESS_REFERENCE_DIR/sage200`` or ``<repo root>/../shared/reference/sage200``, and are read,
never modified: :func:`load` returns a fresh dict each call.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

DOCUMENTS: dict[str, str] = {
    "SopSalesOrders": "SopSalesOrders.swagger.json",
    "Stock": "Stock.swagger.json",
}
ENV_VAR = "HARNESS_REFERENCE_DIR"


class ReferenceMissing(FileNotFoundError):
    """The reference Swagger is not where the harness looks for it."""


def reference_dir() -> Path:
    """``$HARNESS_REFERENCE_DIR``, else ``<repo root>/../shared/reference`` (may not exist)."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2].parent / "shared" / "reference"


def reference_path(name: str) -> Path:
    if name not in DOCUMENTS:
        raise KeyError(f"unknown Sage 200 document {name!r}; known: {', '.join(DOCUMENTS)}")
    return reference_dir() / "sage200" / DOCUMENTS[name]


def load(name: str) -> dict[str, Any]:
    """The reference Swagger ``name`` (``SopSalesOrders`` or ``Stock``) as a dict."""
    path = reference_path(name)
    if not path.is_file():
        raise ReferenceMissing(
            f"Sage 200 reference Swagger not found at {path}; set {ENV_VAR} to the folder "
            "that holds sage200/" + DOCUMENTS[name]
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def sop_sales_orders() -> dict[str, Any]:
    return load("SopSalesOrders")


def stock() -> dict[str, Any]:
    return load("Stock")


__all__ = [
    "DOCUMENTS",
    "ReferenceMissing",
    "load",
    "reference_dir",
    "reference_path",
    "sop_sales_orders",
    "stock",
]
