"""The error tree. Retry and dead-letter logic look only at the class::

SyncError
+-- RetryableError            try again later (backoff, Retry-After)
|   +-- TransportError        no answer; a read is safe to repeat
|   |   +-- UnknownOutcome    a write was sent and may have been applied: look up first
|   +-- Throttled             429 or a concurrency limit; carries retry_after
|   +-- RemoteUnavailable     5xx, outage
|   +-- AuthExpired           session or token expired; re-authenticate, then retry
|   +-- LockContention        another worker holds the entity
|   +-- CircuitOpen           the system's circuit is open; not counted as an attempt
+-- PermanentError            retrying cannot help: quarantine with the reason
    +-- InvalidData           the remote rejected the payload (4xx validation)
    +-- MappingError          our data cannot be mapped (unknown SKU, missing address ...)
    +-- SchemaDrift           the remote contract changed under us
    +-- RemoteNotFound        the remote says the entity does not exist
    +-- BusinessHold          credit hold, blocked account, approval pending
"""

from __future__ import annotations


class SyncError(Exception):
    """Base of every engine error. ``reason`` is a short machine-readable class."""

    reason = "error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class RetryableError(SyncError):
    reason = "retryable"


class TransportError(RetryableError):
    reason = "transport"


class UnknownOutcome(TransportError):
    reason = "unknown_outcome"


class Throttled(RetryableError):
    reason = "throttled"

    def __init__(
        self, message: str, *, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class RemoteUnavailable(RetryableError):
    reason = "remote_unavailable"


class AuthExpired(RetryableError):
    reason = "auth_expired"


class LockContention(RetryableError):
    reason = "lock_contention"


class CircuitOpen(RetryableError):
    reason = "circuit_open"

    def __init__(self, system: str, retry_at_s: float) -> None:
        super().__init__(f"circuit for {system} is open")
        self.system = system
        self.retry_after = retry_at_s


class PermanentError(SyncError):
    reason = "permanent"


class InvalidData(PermanentError):
    reason = "invalid_data"


class MappingError(PermanentError):
    """Our record cannot be mapped; names the record and the field."""

    reason = "mapping"

    def __init__(self, record: str, field: str, problem: str) -> None:
        super().__init__(f"{record}: field {field!r} {problem}")
        self.record = record
        self.field = field


class SchemaDrift(PermanentError):
    reason = "schema_drift"


class RemoteNotFound(PermanentError):
    reason = "not_found"


class BusinessHold(PermanentError):
    reason = "business_hold"
