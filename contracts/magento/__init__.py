"""Magento 2.4 admin Web API contract: the reference Swagger schema and its implemented subset."""

from __future__ import annotations

from contracts.magento.schema import (
    IMPLEMENTED,
    REFERENCE_FILE,
    ReferenceNotFound,
    allow_null,
    extract_subset,
    json_schema,
    load_reference,
    reference_dir,
    reference_path,
    response_schema,
)

__all__ = [
    "IMPLEMENTED",
    "REFERENCE_FILE",
    "ReferenceNotFound",
    "allow_null",
    "extract_subset",
    "json_schema",
    "load_reference",
    "reference_dir",
    "reference_path",
    "response_schema",
]
