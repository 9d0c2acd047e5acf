"""Durable engine state on SQLAlchemy Core: SQLite by default (a file or memory), PostgreSQL
for many workers. Tables (:mod:`sync_core.store_schema`): bindings, the job outbox, cursors,
versions, dead letters, leases, alerts, audit; the frequent statements are prepared once per
store (:mod:`sync_core.store_statements`).

Every state change of a job happens in one transaction, so a worker killed at any instant
leaves each job either untouched or fully moved on.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.schema import Table

from sync_core.store_schema import (
    IN_CHUNK,
    UtcDateTime,
    alerts,
    audit,
    bindings,
    dead_letters,
    jobs,
    leases,
    metadata,
    versions,
)
from sync_core.store_statements import StoreStatements

__all__ = [
    "IN_CHUNK",
    "Job",
    "LeaseLost",
    "Store",
    "UtcDateTime",
    "audit",
    "bindings",
    "jobs",
    "metadata",
]


@dataclass(frozen=True)
class Job:
    id: int
    flow: str
    entity_key: str
    system: str
    payload: dict[str, Any]
    attempts: int
    fencing_token: int
    created_at: datetime | None = None
    lease_until: datetime | None = None  # as claimed; renewals do not update it


class LeaseLost(Exception):
    """The job's lease was taken over by another worker; this worker must not commit."""


class Store:
    """The engine's database. ``url`` is any SQLAlchemy URL; ``sqlite://`` is in memory."""

    def __init__(self, url: str = "sqlite://") -> None:
        self.url = url
        self.engine: Engine = self._make_engine(url)
        # SQLite takes one writer at a time and an in-memory database is one shared connection:
        # the threads of one worker take turns (processes still rely on SQLite's own locks).
        self._turns: AbstractContextManager[object] = (
            nullcontext() if self.is_postgres else threading.RLock()
        )
        self.statements = StoreStatements(self.is_postgres)
        metadata.create_all(self.engine)
        for table in metadata.sorted_tables:  # a store made by an older version lacks them
            for index in table.indexes:
                index.create(self.engine, checkfirst=True)

    @staticmethod
    def _make_engine(url: str) -> Engine:
        if url in ("sqlite://", "sqlite:///:memory:"):
            engine = create_engine(
                url, connect_args={"check_same_thread": False}, poolclass=StaticPool
            )
        elif url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": 30})
        else:
            return create_engine(url, pool_pre_ping=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def tx(self) -> Iterator[Connection]:
        with self._turns, self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # -- jobs -------------------------------------------------------------------------------
    def enqueue(
        self, flow: str, entity_key: str, system: str, payload: dict[str, Any], now: datetime
    ) -> bool:
        """Add a job unless one for (flow, entity_key) exists; True when added."""
        try:
            with self.tx() as conn:
                conn.execute(insert(jobs).values(_new_job(flow, entity_key, system, payload, now)))
            return True
        except IntegrityError:
            return False

    def enqueue_new(
        self,
        flow: str,
        system: str,
        items: list[tuple[str, dict[str, Any]]],
        now: datetime,
    ) -> set[str]:
        """Add a job for each ``(entity_key, payload)`` that has none in ``flow`` yet, in the
        order given, in one transaction; the keys added. A poll that sees the same orders
        again costs one query per chunk instead of a refused insert per order."""
        added: set[str] = set()
        with self.tx() as conn:
            for start in range(0, len(items), IN_CHUNK):
                chunk = items[start : start + IN_CHUNK]
                known = self._queued(conn, flow, [k for k, _ in chunk])
                for key, payload in chunk:
                    if key in known or key in added:
                        continue
                    inserted = conn.execute(
                        self._insert(jobs)
                        .values(_new_job(flow, key, system, payload, now))
                        .on_conflict_do_nothing(index_elements=[jobs.c.flow, jobs.c.entity_key])
                    ).rowcount
                    if inserted:
                        added.add(key)
        return added

    def queued(self, flow: str, keys: list[str]) -> set[str]:
        """Those of ``keys`` that have a job in ``flow`` (whatever its status)."""
        with self.tx() as conn:
            return {
                key
                for start in range(0, len(keys), IN_CHUNK)
                for key in self._queued(conn, flow, keys[start : start + IN_CHUNK])
            }

    @staticmethod
    def _queued(conn: Connection, flow: str, keys: list[str]) -> set[str]:
        found = conn.execute(
            select(jobs.c.entity_key).where(jobs.c.flow == flow, jobs.c.entity_key.in_(keys))
        )
        return {str(key) for key in found.scalars()}

    def claim(
        self, owner: str, now: datetime, lease_s: float, limit: int, due_by: datetime | None = None
    ) -> list[Job]:
        """Lease up to ``limit`` due jobs (pending, or running with an expired lease); only
        jobs due at ``due_by`` (default ``now``) count as due."""
        # Two indexed queries rather than one OR (which scans every job ever made and sorts
        # them): the due pending jobs, and the running ones whose lease ran out, merged in
        # (next_attempt_at, id) order.
        q = self.statements
        claimed: list[Job] = []
        lease_until = now + timedelta(seconds=lease_s)
        with self.tx() as conn:
            rows = [
                *conn.execute(q.due_pending, {"p_due": due_by or now, "p_most": limit}).mappings(),
                *conn.execute(q.lease_expired, {"p_now": now, "p_most": limit}).mappings(),
            ]
            rows.sort(key=lambda row: (row["next_attempt_at"], row["id"]))
            for row in rows[:limit]:
                token = row["fencing_token"] + 1
                taken = conn.execute(
                    q.take_job,
                    {
                        "p_id": row["id"],
                        "p_held": row["fencing_token"],
                        "p_owner": owner,
                        "p_token": token,
                        "p_until": lease_until,
                        "p_now": now,
                    },
                )
                if taken.rowcount == 1:
                    claimed.append(
                        Job(
                            row["id"],
                            row["flow"],
                            row["entity_key"],
                            row["system"],
                            dict(row["payload"]),
                            row["attempts"],
                            token,
                            row["created_at"],
                            lease_until,
                        )
                    )
        return claimed

    def _finish(self, conn: Connection, job: Job, **values: Any) -> None:
        result = conn.execute(
            update(jobs)
            .where(jobs.c.id == job.id, jobs.c.fencing_token == job.fencing_token)
            .values(lease_owner=None, lease_until=None, **values)
        )
        if result.rowcount != 1:
            raise LeaseLost(f"job {job.id} was taken over by another worker")

    def renew(self, job: Job, now: datetime, lease_s: float) -> None:
        """Extend the job's lease before work starts; LeaseLost when another worker took it."""
        until = now + timedelta(seconds=lease_s)
        with self.tx() as conn:
            done = conn.execute(
                self.statements.renew_job,
                {"p_id": job.id, "p_token": job.fencing_token, "p_until": until},
            ).rowcount
        if done != 1:
            raise LeaseLost(f"job {job.id} was taken over by another worker")

    def check_fence(self, job: Job) -> None:
        """Raise LeaseLost unless ``job`` still holds its lease (call before an external
        write that cannot be fenced by the remote system)."""
        with self.tx() as conn:
            token = conn.execute(self.statements.job_token, {"p_id": job.id}).scalar()
        if token != job.fencing_token:
            raise LeaseLost(f"job {job.id} moved on to token {token}")

    def complete(self, job: Job, now: datetime, detail: str = "") -> None:
        with self.tx() as conn:
            done = conn.execute(
                self.statements.complete_job,
                {"p_id": job.id, "p_token": job.fencing_token, "p_now": now},
            )
            if done.rowcount != 1:
                raise LeaseLost(f"job {job.id} was taken over by another worker")
            self._resolve_dead_letters(conn, job, now)
            self._audit(conn, now, job.flow, job.entity_key, "complete", "ok", detail)

    def retry_later(
        self,
        job: Job,
        now: datetime,
        at: datetime,
        error: str,
        error_class: str,
        count_attempt: bool = True,
    ) -> None:
        with self.tx() as conn:
            self._finish(
                conn,
                job,
                status="pending",
                next_attempt_at=at,
                updated_at=now,
                attempts=job.attempts + (1 if count_attempt else 0),
                last_error=error,
                error_class=error_class,
            )
            self._audit(conn, now, job.flow, job.entity_key, "retry", error_class, error)

    def dead_letter(self, job: Job, now: datetime, reason_class: str, reason: str) -> int:
        with self.tx() as conn:
            self._finish(
                conn,
                job,
                status="dead",
                updated_at=now,
                attempts=job.attempts + 1,
                last_error=reason,
                error_class=reason_class,
            )
            result = conn.execute(
                insert(dead_letters).values(
                    job_id=job.id,
                    flow=job.flow,
                    entity_key=job.entity_key,
                    reason_class=reason_class,
                    reason=reason,
                    payload=job.payload,
                    trace_key=f"{job.flow}:{job.entity_key}:{job.id}",
                    created_at=now,
                )
            )
            self._audit(conn, now, job.flow, job.entity_key, "dead_letter", reason_class, reason)
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def _resolve_dead_letters(self, conn: Connection, job: Job, now: datetime) -> None:
        conn.execute(
            self.statements.resolve_dead_letters,
            {"p_flow": job.flow, "p_key": job.entity_key, "p_now": now},
        )

    def replay(self, dead_letter_id: int, now: datetime) -> bool:
        """Put a dead-lettered job back in the queue; the dead letter resolves on success."""
        with self.tx() as conn:
            row = (
                conn.execute(select(dead_letters).where(dead_letters.c.id == dead_letter_id))
                .mappings()
                .first()
            )
            if row is None or row["resolved_at"] is not None:
                return False
            conn.execute(
                update(jobs)
                .where(jobs.c.id == row["job_id"], jobs.c.status == "dead")
                .values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)
            )
            self._audit(conn, now, row["flow"], row["entity_key"], "replay", "queued", "")
            return True

    # -- queries ----------------------------------------------------------------------------
    def job_counts(self) -> dict[str, int]:
        with self.tx() as conn:
            rows = conn.execute(select(jobs.c.status, func.count()).group_by(jobs.c.status))
            return {status: int(count) for status, count in rows}

    def waiting_keys(self) -> list[str]:
        """Entity keys of jobs still pending or running."""
        with self.tx() as conn:
            rows = conn.execute(
                select(jobs.c.entity_key).where(jobs.c.status.in_(("pending", "running")))
            )
            return [str(r[0]) for r in rows]

    def open_dead_letters(self) -> list[dict[str, Any]]:
        with self.tx() as conn:
            rows = (
                conn.execute(
                    select(dead_letters)
                    .where(dead_letters.c.resolved_at.is_(None))
                    .order_by(dead_letters.c.id)
                )
                .mappings()
                .all()
            )
        return [dict(r) for r in rows]

    def next_due(self) -> datetime | None:
        with self.tx() as conn:
            value = conn.execute(
                select(func.min(jobs.c.next_attempt_at)).where(jobs.c.status == "pending")
            ).scalar()
        return value

    def audit_trail(self, entity_key: str | None = None) -> list[dict[str, Any]]:
        query = select(audit).order_by(audit.c.id)
        if entity_key is not None:
            query = query.where(audit.c.entity_key == entity_key)
        with self.tx() as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def record(
        self, flow: str, entity_key: str, action: str, outcome: str, detail: str, now: datetime
    ) -> None:
        with self.tx() as conn:
            self._audit(conn, now, flow, entity_key, action, outcome, detail)

    def _audit(
        self,
        conn: Connection,
        now: datetime,
        flow: str,
        key: str,
        action: str,
        outcome: str,
        detail: str,
    ) -> None:
        conn.execute(
            self.statements.add_audit,
            {
                "at": now,
                "flow": flow,
                "entity_key": key,
                "action": action,
                "outcome": outcome,
                "detail": detail[:2000],
            },
        )

    # -- bindings ---------------------------------------------------------------------------
    def binding(self, system: str, entity: str, local_key: str) -> dict[str, Any] | None:
        with self.tx() as conn:
            row = (
                conn.execute(
                    self.statements.binding,
                    {"p_system": system, "p_entity": entity, "p_key": local_key},
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def bindings_of(
        self, system: str, local_key: str, entities: tuple[str, ...]
    ) -> dict[str, dict[str, Any]]:
        """``local_key``'s binding of each of ``entities`` that has one, by entity (one
        query for what a job reads about its record before it starts)."""
        with self.tx() as conn:
            rows = conn.execute(
                self.statements.bindings_of,
                {"p_system": system, "p_entities": list(entities), "p_key": local_key},
            )
            return {str(row["entity"]): dict(row) for row in rows.mappings()}

    def bindings_among(
        self, system: str, entity: str, keys: list[str]
    ) -> dict[str, dict[str, Any]]:
        """The binding of each of ``keys`` that has one, by key (one query per chunk)."""
        found: dict[str, dict[str, Any]] = {}
        with self.tx() as conn:
            for start in range(0, len(keys), IN_CHUNK):
                rows = conn.execute(
                    select(bindings).where(
                        bindings.c.system == system,
                        bindings.c.entity == entity,
                        bindings.c.local_key.in_(keys[start : start + IN_CHUNK]),
                    )
                )
                found.update({str(row["local_key"]): dict(row) for row in rows.mappings()})
        return found

    def bind(
        self,
        system: str,
        entity: str,
        local_key: str,
        remote_id: str,
        external_ref: str | None,
        now: datetime,
        state: str = "bound",
    ) -> None:
        row = {
            "system": system,
            "entity": entity,
            "local_key": local_key,
            "remote_id": remote_id,
            "external_ref": external_ref,
            "synced_at": now,
            "state": state,
        }
        with self.tx() as conn:  # one statement: insert, or update the row the key names
            conn.execute(self.statements.bind, row)

    def _insert(self, table: Table) -> Any:
        """The dialect's INSERT, which has ``ON CONFLICT`` (SQLite and PostgreSQL alike)."""
        return pg_insert(table) if self.is_postgres else sqlite_insert(table)

    # -- alerts -----------------------------------------------------------------------------
    def raise_alert(self, key: str, kind: str, severity: str, message: str, now: datetime) -> bool:
        """Open an alert unless one with ``key`` is open already; True when it is new."""
        with self.tx() as conn:
            open_id = conn.execute(
                select(alerts.c.id).where(alerts.c.key == key, alerts.c.resolved_at.is_(None))
            ).scalar()
            if open_id is not None:
                return False
            conn.execute(
                insert(alerts).values(
                    key=key, kind=kind, severity=severity, message=message, raised_at=now
                )
            )
            return True

    def resolve_alerts(self, keys: set[str], now: datetime) -> None:
        with self.tx() as conn:
            conn.execute(
                update(alerts)
                .where(alerts.c.key.in_(keys), alerts.c.resolved_at.is_(None))
                .values(resolved_at=now)
            )

    def alerts(self, open_only: bool = True) -> list[dict[str, Any]]:
        query = select(alerts).order_by(alerts.c.id)
        if open_only:
            query = query.where(alerts.c.resolved_at.is_(None))
        with self.tx() as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def open_alert_keys(self, prefix: str) -> set[str]:
        """The keys of the open alerts that start with ``prefix``."""
        with self.tx() as conn:
            rows = conn.execute(self.statements.open_alerts_like, {"p_prefix": prefix})
            # LIKE takes ``_`` in a prefix for any character: the exact test is here
            return {str(key) for (key,) in rows if str(key).startswith(prefix)}

    def requeue(self, flow: str, entity_key: str, now: datetime) -> bool:
        """Send a finished job again (reconciliation found its effect missing)."""
        with self.tx() as conn:
            done = conn.execute(
                update(jobs)
                .where(
                    jobs.c.flow == flow,
                    jobs.c.entity_key == entity_key,
                    jobs.c.status.in_(("done", "dead")),
                )
                .values(status="pending", attempts=0, next_attempt_at=now, updated_at=now)
            ).rowcount
            conn.execute(bindings.delete().where(bindings.c.local_key == entity_key))
            if done:
                self._audit(conn, now, flow, entity_key, "requeue", "reconcile", "")
            return bool(done)

    def due_count(self, flow: str, now: datetime, most: int) -> int:
        """The pending ``flow`` jobs due at ``now``, counted up to ``most`` (the count stops
        there, so a deep queue costs no more than ``most`` rows)."""
        due = (
            select(jobs.c.id)
            .where(jobs.c.status == "pending", jobs.c.next_attempt_at <= now, jobs.c.flow == flow)
            .limit(most)
            .subquery()
        )
        with self.tx() as conn:
            return int(conn.execute(select(func.count()).select_from(due)).scalar() or 0)

    def oldest_pending(self) -> datetime | None:
        with self.tx() as conn:
            value = conn.execute(
                select(func.min(jobs.c.created_at)).where(jobs.c.status == "pending")
            ).scalar()
        return value

    def bound(self, system: str, entity: str) -> list[dict[str, Any]]:
        with self.tx() as conn:
            rows = conn.execute(
                select(bindings).where(bindings.c.system == system, bindings.c.entity == entity)
            )
            return [dict(r) for r in rows.mappings().all()]

    # -- leases for scheduled runs ----------------------------------------------------------
    def acquire_lease(self, name: str, owner: str, now: datetime, ttl_s: float) -> int | None:
        """Take the lease ``name`` for ``ttl_s``; its fencing token, or None while another
        owner holds it. A lease past its time is taken over with a higher token."""
        until = now + timedelta(seconds=ttl_s)
        q = self.statements
        with self.tx() as conn:
            row = conn.execute(q.lease, {"p_name": name}).mappings().first()
            if row is None:
                try:
                    with conn.begin_nested():
                        conn.execute(
                            q.add_lease, {"name": name, "owner": owner, "token": 1, "until": until}
                        )
                except IntegrityError:
                    return None
                return 1
            if row["owner"] != owner and row["until"] > now:
                return None
            token = int(row["token"]) + 1
            done = conn.execute(
                q.take_lease,
                {
                    "p_name": name,
                    "p_held": row["token"],
                    "p_owner": owner,
                    "p_token": token,
                    "p_until": until,
                },
            ).rowcount
            return token if done == 1 else None

    def release_lease(self, name: str, token: int, now: datetime) -> None:
        with self.tx() as conn:
            conn.execute(
                self.statements.release_lease, {"p_name": name, "p_token": token, "p_now": now}
            )

    def finish_run(self, lease: str, token: int, now: datetime, stamp: str, alert_key: str) -> None:
        """A scheduled run that succeeded, in one transaction: the cursor ``stamp`` set to
        ``now``, the open alert ``alert_key`` (its earlier refusal) resolved, the lease
        released."""
        q = self.statements
        with self.tx() as conn:
            self._put_cursor(conn, stamp, now.isoformat(), now)
            conn.execute(q.resolve_alert, {"p_key": alert_key, "p_now": now})
            conn.execute(q.release_lease, {"p_name": lease, "p_token": token, "p_now": now})

    def lease_holder(self, name: str) -> dict[str, Any] | None:
        with self.tx() as conn:
            row = conn.execute(select(leases).where(leases.c.name == name)).mappings().first()
        return dict(row) if row else None

    def _check_fence(self, conn: Connection, fence: tuple[str, int] | None) -> None:
        if fence is None:
            return
        name, token = fence
        current = conn.execute(self.statements.lease_token, {"p_name": name}).scalar()
        if current != token:
            raise LeaseLost(f"lease {name} moved on to token {current}; token {token} is fenced")

    # -- cursors and versions ---------------------------------------------------------------
    def cursor(self, name: str) -> str | None:
        with self.tx() as conn:
            value = conn.execute(self.statements.cursor, {"p_name": name}).scalar()
        return str(value) if value is not None else None

    def cursors(self, names: list[str]) -> dict[str, str]:
        """The value of each of ``names`` that is set, in one query."""
        with self.tx() as conn:
            rows = conn.execute(self.statements.cursors, {"p_names": names})
            return {str(name): str(value) for name, value in rows}

    def set_cursor(
        self, name: str, value: str, now: datetime, fence: tuple[str, int] | None = None
    ) -> None:
        with self.tx() as conn:
            self._check_fence(conn, fence)
            self._put_cursor(conn, name, value, now)

    def _put_cursor(self, conn: Connection, name: str, value: str, now: datetime) -> None:
        moved = {"p_name": name, "p_value": value, "p_now": now}
        if not conn.execute(self.statements.move_cursor, moved).rowcount:
            conn.execute(
                self.statements.add_cursor, {"name": name, "value": value, "updated_at": now}
            )

    def version(self, scope: str, key: str) -> str | None:
        with self.tx() as conn:
            value = conn.execute(
                select(versions.c.version).where(versions.c.scope == scope, versions.c.key == key)
            ).scalar()
        return str(value) if value is not None else None

    def versions_among(self, scope: str, keys: list[str]) -> dict[str, str]:
        """The version of each of ``keys`` that has one, by key (one query per chunk)."""
        found: dict[str, str] = {}
        with self.tx() as conn:
            for start in range(0, len(keys), IN_CHUNK):
                rows = conn.execute(
                    select(versions.c.key, versions.c.version).where(
                        versions.c.scope == scope,
                        versions.c.key.in_(keys[start : start + IN_CHUNK]),
                    )
                )
                found.update({str(key): str(version) for key, version in rows})
        return found

    def clear_versions(self, scope: str) -> None:
        with self.tx() as conn:
            conn.execute(versions.delete().where(versions.c.scope == scope))

    def set_versions(
        self, scope: str, items: dict[str, str], now: datetime, fence: tuple[str, int] | None = None
    ) -> None:
        upsert = self._insert(versions)
        upsert = upsert.on_conflict_do_update(
            index_elements=[versions.c.scope, versions.c.key],
            set_={"version": upsert.excluded.version, "updated_at": upsert.excluded.updated_at},
        )
        rows = [
            {"scope": scope, "key": key, "version": version, "updated_at": now}
            for key, version in items.items()
        ]
        with self.tx() as conn:
            self._check_fence(conn, fence)
            if rows:
                conn.execute(upsert, rows)


def _new_job(
    flow: str, entity_key: str, system: str, payload: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The columns of a job queued now."""
    return {
        "flow": flow,
        "entity_key": entity_key,
        "system": system,
        "payload": payload,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
