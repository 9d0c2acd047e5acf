"""The answer of Magento's ``/async`` and ``/async/bulk`` endpoints, which no Swagger file has.

The generated schemas describe only synchronous routes; the asynchronous variants answer 202 with
``AsyncResponseInterface`` (``bulk_uuid``, ``request_items`` of ``ItemStatusInterface``,
``errors``), as AdobeDocs ``rest/use-rest/asynchronous-web-endpoints.md`` and
``bulk-endpoints.md`` document it. This JSON Schema (draft 4) is written from those pages.
"""

from __future__ import annotations

from typing import Any

ASYNC_RESPONSE_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "type": "object",
    "additionalProperties": False,
    "required": ["bulk_uuid", "request_items", "errors"],
    "properties": {
        "bulk_uuid": {
            "type": "string",
            "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        },
        "request_items": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "data_hash", "status"],
                "properties": {
                    "id": {"type": "integer"},
                    "data_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "status": {"type": "string", "enum": ["accepted", "rejected"]},
                    "error_message": {"type": "string"},
                    "error_code": {"type": "integer"},
                },
            },
        },
        "errors": {"type": "boolean"},
    },
}
