"""Service Layer errors: ``{"error": {"code": <int>, "message": {"lang": "en-us", "value": ...}}}``.

Codes and texts come from the SL user manual, the vendor-API notes and public client code. Where
a code or text is marked *unconfirmed* below, the message shape follows what real logs show and
the code is the closest family seen in the wild (``-10`` business rules, ``-5002`` validation,
``-1000`` OData parser, ``-2028`` not found).
"""

from __future__ import annotations

import json

from flask import Response

from fakes.core.spec import ErrorRequest

JSON_V1 = "application/json;odata=minimalmetadata;charset=utf-8"
LANG = "en-us"


class SLError(Exception):
    """A Service Layer error; ``status`` is the HTTP status it travels with."""

    def __init__(self, code: int, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def body(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": {"lang": LANG, "value": self.message}}}


def error_response(err: SLError) -> Response:
    return Response(json.dumps(err.body()), status=err.status, content_type=JSON_V1)


# -- sessions (manual 3.1) ------------------------------------------------------------------------
def login_failed() -> SLError:
    return SLError(100000027, "Login failed", 401)


def invalid_session() -> SLError:
    return SLError(301, "Invalid session or session already timeout.", 401)


# -- OData layer ----------------------------------------------------------------------------------
def not_found() -> SLError:
    """GET/PATCH by an unknown key (status 404 unconfirmed)."""
    return SLError(-2028, "No matching records found (ODBC -2028)", 404)


def resource_not_found(segment: str) -> SLError:
    """Unknown entity set or path segment (unconfirmed)."""
    return SLError(-1000, f"Resource not found for the segment '{segment}'.", 404)


def invalid_property(name: str, type_name: str) -> SLError:
    """Confirmed for ``$select``/``$filter`` in several client logs."""
    return SLError(-1000, f"Property '{name}' of '{type_name}' is invalid")


def read_only(name: str, type_name: str) -> SLError:
    """The manual says read-only properties are ignored; customers see rejections (unconfirmed)."""
    return SLError(-1000, f"Property '{name}' of '{type_name}' is read-only")


def invalid_value(name: str, value: object) -> SLError:
    return SLError(-1000, f"Property '{name}' has an invalid value '{value}'")


def invalid_body(detail: str) -> SLError:
    return SLError(-1000, f"Invalid request body: {detail}")


def invalid_filter(detail: str) -> SLError:
    """Filter syntax errors carry -5002 in the vendor notes (text unconfirmed)."""
    return SLError(-5002, f"Invalid filter expression: {detail}")


def invalid_query_option(detail: str) -> SLError:
    return SLError(-1000, detail)


def not_supported() -> SLError:
    """DELETE on a system document (manual 3.5.4)."""
    return SLError(-5006, "The requested action is not supported for this object.")


def etag_mismatch() -> SLError:
    """If-Match against a stale ETag (status 412 and code unconfirmed)."""
    text = "Another user or another operation modified data; to continue, open the window again"
    return SLError(-2039, text, 412)


def batch_incomplete() -> SLError:
    """Manual 3.10 'Batch Response'."""
    return SLError(-1000, "Incomplete Batch Request Body!")


# -- business rules -------------------------------------------------------------------------------
def bp_missing(table: str) -> SLError:
    return SLError(-10, f"Enter business partner code [{table}.CardCode]")


def bp_invalid(table: str, card_code: str) -> SLError:
    """Text seen in a production log; the code -10 is unconfirmed."""
    return SLError(-10, f"Invalid BP code [{table}.CardCode] , '{card_code}'")


def bp_inactive(table: str, card_code: str) -> SLError:
    """A frozen (inactive) business partner (text unconfirmed)."""
    return SLError(-10, f"Business partner '{card_code}' is inactive [{table}.CardCode]")


def credit_limit(card_code: str) -> SLError:
    return SLError(-10, f"Credit limit exceeded for business partner '{card_code}'")


def bp_exists(card_code: str) -> SLError:
    """Manual 3.5.1."""
    return SLError(
        -10,
        f"1320000140 - Business partner code '{card_code}' already assigned to a business "
        "partner; enter a unique business partner code",
    )


def item_exists(item_code: str) -> SLError:
    """Manual 3.10 batch example."""
    return SLError(-10, f"Item code '{item_code}' already exists")


def duplicate_key() -> SLError:
    return SLError(-2035, "This entry already exists in the following tables (ODBC -2035)")


def item_missing(line: int) -> SLError:
    """Text from a production log."""
    text = "Item number is missing; specify an item number"
    return SLError(-5002, f"{text} [DocumentLines.ItemCode][line: {line}]")


def item_invalid(table: str, line: int, item_code: str) -> SLError:
    return SLError(-10, f"Invalid item number [{table}.ItemCode][line: {line}] , '{item_code}'")


def warehouse_invalid(table: str, line: int, code: str) -> SLError:
    return SLError(-10, f"Invalid warehouse code [{table}.WhsCode][line: {line}] , '{code}'")


def negative_stock(table: str, line: int) -> SLError:
    return SLError(-10, f"Quantity falls into negative inventory [{table}.ItemCode][line: {line}]")


def bad_quantity(table: str, line: int) -> SLError:
    return SLError(-5002, f"Enter a positive quantity [{table}.Quantity][line: {line}]")


def no_lines() -> SLError:
    return SLError(-5002, "Cannot add a document without rows")


def due_date_missing(table: str) -> SLError:
    return SLError(-5002, f"Enter delivery date [{table}.DocDueDate]")


def base_invalid(table: str, line: int, detail: str) -> SLError:
    return SLError(-5002, f"{detail} [{table}.BaseEntry][line: {line}]")


def base_card_mismatch() -> SLError:
    """Text from a production log."""
    return SLError(-5002, "Base document card and target document card do not match.")


def over_quantity(table: str, line: int) -> SLError:
    return SLError(
        -5002,
        f"Quantity exceeds the open quantity of the base document row [{table}.Quantity]"
        f"[line: {line}]",
    )


def document_closed() -> SLError:
    return SLError(-5002, "Document is already closed")


def document_not_closed() -> SLError:
    return SLError(-5002, "Document is not closed; it cannot be reopened")


def nothing_to_reopen() -> SLError:
    return SLError(-5002, "The document has no open quantity; it cannot be reopened")


def has_targets() -> SLError:
    return SLError(
        -5002, "Cannot cancel a document that has been copied to a target document"
    )


def line_locked(table: str, line: int) -> SLError:
    return SLError(-5002, f"Row is closed or copied to a target document [{table}][line: {line}]")


def posted_lines(table: str) -> SLError:
    return SLError(-5002, f"Rows of a posted document cannot be changed [{table}]")


def field_locked(name: str) -> SLError:
    return SLError(-5002, f"Field '{name}' cannot be changed on an existing document")


def linked_data(name: str) -> SLError:
    return SLError(-5002, f"Cannot remove '{name}'; it is used in documents")


def transaction_notification(message: str) -> SLError:
    """A customer's SBO_SP_TransactionNotification rejection: always code -1."""
    return SLError(-1, message)


# -- fakes/core errors ----------------------------------------------------------------------------
DEFAULTS: dict[str, tuple[int, str]] = {
    "throttle": (-1, "Too many requests; the Service Layer is busy"),
    "concurrency": (-1, "The maximum number of concurrent requests has been reached"),
    "internal": (-1, "Internal error"),
}
STATUS_DEFAULTS: dict[int, tuple[int, str]] = {
    400: (-1000, "Bad request"),
    401: (301, "Invalid session or session already timeout."),
    404: (-2028, "No matching records found (ODBC -2028)"),
    405: (-5006, "The requested action is not supported for this object."),
}


def _code(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def render_error(err: ErrorRequest) -> Response:
    """The Service Layer body for faults and core errors of every kind."""
    fallback = DEFAULTS.get(err.kind) or STATUS_DEFAULTS.get(err.status) or (-1, "Service error")
    message = err.message or fallback[1]
    return error_response(SLError(_code(err.code, fallback[0]), message, err.status))
