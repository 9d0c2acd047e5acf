"""Magento 2.4 admin Web API contract: the reference Swagger schema and its implemented subset."""

from __future__ import annotations

from contracts.magento.async_schema import ASYNC_RESPONSE_SCHEMA
from contracts.magento.schema import (
    GUEST_IMPLEMENTED,
    GUEST_REFERENCE_FILE,
    IMPLEMENTED,
    REFERENCE_FILE,
    ReferenceNotFound,
    allow_null,
    extract_subset,
    guest_reference_path,
    json_schema,
    load_reference,
    reference_dir,
    reference_path,
    response_schema,
)

__all__ = [
    "ASYNC_RESPONSE_SCHEMA",
    "GUEST_IMPLEMENTED",
    "GUEST_REFERENCE_FILE",
    "IMPLEMENTED",
    "REFERENCE_FILE",
    "ReferenceNotFound",
    "allow_null",
    "extract_subset",
    "guest_reference_path",
    "json_schema",
    "load_reference",
    "reference_dir",
    "reference_path",
    "response_schema",
]
