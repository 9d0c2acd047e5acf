"""The engine's tables (SQLAlchemy Core): bindings, the job outbox, cursors, versions, dead
letters, leases, alerts and audit, and the column type that keeps their times in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time, always read back in UTC: SQLite keeps no zone and hands back naive
    values; the engine writes UTC and compares aware times, so every reader gets them aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


metadata = MetaData()

IN_CHUNK = 500  # keys per IN (...) list, well under any database's parameter limit

bindings = Table(
    "bindings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("system", String(40), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("local_key", String(200), nullable=False),
    Column("remote_id", String(200), nullable=False),
    Column("external_ref", String(200)),
    Column("state", String(40), nullable=False, server_default="bound"),
    Column("synced_at", UtcDateTime(), nullable=False),
    UniqueConstraint("system", "entity", "local_key"),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("flow", String(60), nullable=False),
    Column("entity_key", String(200), nullable=False),
    Column("system", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(20), nullable=False),  # pending | running | done | dead
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("lease_owner", String(80)),
    Column("lease_until", UtcDateTime()),
    Column("fencing_token", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("error_class", String(60)),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    UniqueConstraint("flow", "entity_key"),
    Index("ix_jobs_status_due", "status", "next_attempt_at", "id"),
    Index("ix_jobs_status_lease", "status", "lease_until"),
)

cursors = Table(
    "cursors",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

versions = Table(
    "versions",
    metadata,
    Column("scope", String(60), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("version", String(80), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("job_id", Integer, nullable=False),
    Column("flow", String(60), nullable=False),
    Column("entity_key", String(200), nullable=False),
    Column("reason_class", String(60), nullable=False),
    Column("reason", Text, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("trace_key", String(80), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("resolved_at", UtcDateTime()),
)

leases = Table(
    "leases",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("owner", String(80), nullable=False),
    Column("token", Integer, nullable=False),
    Column("until", UtcDateTime(), nullable=False),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False),
    Column("kind", String(60), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("message", Text, nullable=False),
    Column("raised_at", UtcDateTime(), nullable=False),
    Column("resolved_at", UtcDateTime()),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("flow", String(60), nullable=False),
    Column("entity_key", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("outcome", String(40), nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
)
