"""The store's frequent statements, built once per store with bound parameters.

Every job runs through a claim, a binding lookup, a bind and a completion; every tick takes
and releases the leases of its scheduled pulls and moves their cursors. Building those
statements anew each time (SQLAlchemy Core's construction and cache key) cost more than
running them on SQLite, so each is built once here and executed with its parameters.
Parameter names start with ``p_`` so they never clash with the columns they set.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, Select, Update, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sync_core.store_schema import alerts, audit, bindings, cursors, dead_letters, jobs, leases


class StoreStatements:
    """The prepared statements of one store; ``postgres`` adds row locks to the claim."""

    def __init__(self, postgres: bool) -> None:
        order = (jobs.c.next_attempt_at, jobs.c.id)
        pending = (
            select(jobs)
            .where(jobs.c.status == "pending", jobs.c.next_attempt_at <= bindparam("p_due"))
            .order_by(*order)
            .limit(bindparam("p_most"))
        )
        expired = (
            select(jobs)
            .where(jobs.c.status == "running", jobs.c.lease_until <= bindparam("p_now"))
            .order_by(*order)
            .limit(bindparam("p_most"))
        )
        if postgres:  # workers sharing the store skip each other's rows instead of waiting
            pending = pending.with_for_update(skip_locked=True)
            expired = expired.with_for_update(skip_locked=True)
        self.due_pending: Select[Any] = pending
        self.lease_expired: Select[Any] = expired
        self.take_job: Update = (
            update(jobs)
            .where(jobs.c.id == bindparam("p_id"), jobs.c.fencing_token == bindparam("p_held"))
            .values(
                status="running",
                lease_owner=bindparam("p_owner"),
                fencing_token=bindparam("p_token"),
                lease_until=bindparam("p_until"),
                updated_at=bindparam("p_now"),
            )
        )
        self.renew_job: Update = (
            update(jobs)
            .where(
                jobs.c.id == bindparam("p_id"),
                jobs.c.fencing_token == bindparam("p_token"),
                jobs.c.status == "running",
            )
            .values(lease_until=bindparam("p_until"))
        )
        self.job_token: Select[Any] = select(jobs.c.fencing_token).where(
            jobs.c.id == bindparam("p_id")
        )
        self.complete_job: Update = (
            update(jobs)
            .where(jobs.c.id == bindparam("p_id"), jobs.c.fencing_token == bindparam("p_token"))
            .values(
                status="done",
                lease_owner=None,
                lease_until=None,
                updated_at=bindparam("p_now"),
                last_error=None,
                error_class=None,
            )
        )
        self.resolve_dead_letters: Update = (
            update(dead_letters)
            .where(
                dead_letters.c.flow == bindparam("p_flow"),
                dead_letters.c.entity_key == bindparam("p_key"),
                dead_letters.c.resolved_at.is_(None),
            )
            .values(resolved_at=bindparam("p_now"))
        )
        self.add_audit: Insert = insert(audit)
        self.resolve_alert: Update = (
            update(alerts)
            .where(alerts.c.key == bindparam("p_key"), alerts.c.resolved_at.is_(None))
            .values(resolved_at=bindparam("p_now"))
        )
        self.open_alerts_like: Select[Any] = select(alerts.c.key).where(
            alerts.c.resolved_at.is_(None), alerts.c.key.startswith(bindparam("p_prefix"))
        )
        self.binding: Select[Any] = select(bindings).where(
            bindings.c.system == bindparam("p_system"),
            bindings.c.entity == bindparam("p_entity"),
            bindings.c.local_key == bindparam("p_key"),
        )
        self.bindings_of: Select[Any] = select(bindings).where(
            bindings.c.system == bindparam("p_system"),
            bindings.c.entity.in_(bindparam("p_entities", expanding=True)),
            bindings.c.local_key == bindparam("p_key"),
        )
        upsert = (pg_insert if postgres else sqlite_insert)(bindings)
        self.bind: Insert = upsert.on_conflict_do_update(
            index_elements=[bindings.c.system, bindings.c.entity, bindings.c.local_key],
            set_={
                name: upsert.excluded[name]
                for name in ("remote_id", "external_ref", "synced_at", "state")
            },
        )
        self.cursor: Select[Any] = select(cursors.c.value).where(
            cursors.c.name == bindparam("p_name")
        )
        self.cursors: Select[Any] = select(cursors.c.name, cursors.c.value).where(
            cursors.c.name.in_(bindparam("p_names", expanding=True))
        )
        self.move_cursor: Update = (
            update(cursors)
            .where(cursors.c.name == bindparam("p_name"))
            .values(value=bindparam("p_value"), updated_at=bindparam("p_now"))
        )
        self.add_cursor: Insert = insert(cursors)
        lease = select(leases).where(leases.c.name == bindparam("p_name"))
        self.lease: Select[Any] = lease.with_for_update() if postgres else lease
        self.lease_token: Select[Any] = select(leases.c.token).where(
            leases.c.name == bindparam("p_name")
        )
        self.add_lease: Insert = insert(leases)
        self.take_lease: Update = (
            update(leases)
            .where(leases.c.name == bindparam("p_name"), leases.c.token == bindparam("p_held"))
            .values(
                owner=bindparam("p_owner"), token=bindparam("p_token"), until=bindparam("p_until")
            )
        )
        self.release_lease: Update = (
            update(leases)
            .where(leases.c.name == bindparam("p_name"), leases.c.token == bindparam("p_token"))
            .values(until=bindparam("p_now"))
        )
