"""Durable price batches (FM-T06, FM-G05): one row per batch, one row per item, on the engine's
store (SQLAlchemy Core, the store's metadata, so ``Store`` creates the tables).

A batch moves ``pending_approval`` -> ``approved`` -> ``applied``, or straight from ``preview``
to ``applied`` when no change exceeds the approval threshold; ``rolled_back`` after an
operator's rollback; ``superseded`` when the ERP moved on before approval. Its ``snapshot`` is
Magento's value of every item just before the apply, so a rollback restores it exactly.

Each item's ``outcome`` is ``pending`` (not sent yet), ``accepted`` or ``rejected`` (Magento's
per-item failure, with the reason), so accepted + rejected + pending = submitted for every
batch, always. A rejected item is ``retry`` (sent again in a later batch) or ``dead``
(dead-lettered with its reason after too many rejections), ``replayed`` once an operator
releases it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Float, Integer, String, Table, Text, insert, select
from sqlalchemy import update as sql_update

from sync_core.store import Store, UtcDateTime, metadata

price_batches = Table(
    "price_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("status", String(30), nullable=False),
    Column("max_change_pct", Float, nullable=False),
    Column("snapshot", JSON),
    Column("detail", Text, nullable=False, server_default=""),
    Column("updated_at", UtcDateTime(), nullable=False),
)

price_items = Table(
    "price_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", Integer, nullable=False, index=True),
    Column("key", String(300), nullable=False, index=True),
    Column("old", JSON),
    Column("new", JSON),
    Column("change_pct", Float, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("disposition", String(20)),
    Column("reason", Text, nullable=False, server_default=""),
    Column("updated_at", UtcDateTime(), nullable=False),
)

OPEN = ("preview", "pending_approval", "approved")
OUTCOMES = ("accepted", "rejected", "pending")


class PriceBatches:
    """Batches and items on one store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        metadata.create_all(store.engine, tables=[price_batches, price_items])

    def create(
        self, items: list[dict[str, Any]], status: str, max_pct: float, now: datetime
    ) -> int:
        with self.store.tx() as conn:
            created = conn.execute(
                insert(price_batches).values(
                    created_at=now, status=status, max_change_pct=max_pct, updated_at=now
                )
            )
            batch_id = int(created.inserted_primary_key[0])  # type: ignore[index]
            for item in items:
                conn.execute(
                    insert(price_items).values(
                        batch_id=batch_id,
                        key=item["key"],
                        old=item["old"],
                        new=item["new"],
                        change_pct=item["change_pct"],
                        outcome="pending",
                        updated_at=now,
                    )
                )
        return batch_id

    def batch(self, batch_id: int) -> dict[str, Any] | None:
        with self.store.tx() as conn:
            row = (
                conn.execute(select(price_batches).where(price_batches.c.id == batch_id))
                .mappings()
                .first()
            )
        return None if row is None else dict(row)

    def batches(self, statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        query = select(price_batches).order_by(price_batches.c.id)
        if statuses is not None:
            query = query.where(price_batches.c.status.in_(statuses))
        with self.store.tx() as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def items(self, batch_id: int) -> list[dict[str, Any]]:
        query = select(price_items).where(price_items.c.batch_id == batch_id)
        with self.store.tx() as conn:
            return [dict(r) for r in conn.execute(query.order_by(price_items.c.id)).mappings()]

    def history(self, key: str) -> list[dict[str, Any]]:
        """Every item ever batched for ``key``, oldest first, with its batch's status."""
        query = (
            select(price_items, price_batches.c.status)
            .join(price_batches, price_batches.c.id == price_items.c.batch_id)
            .where(price_items.c.key == key)
            .order_by(price_items.c.id)
        )
        with self.store.tx() as conn:
            return [dict(r) for r in conn.execute(query).mappings().all()]

    def set_status(
        self,
        batch_id: int,
        status: str,
        now: datetime,
        detail: str | None = None,
        snapshot: dict[str, Any] | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status, "updated_at": now}
        if detail is not None:
            values["detail"] = detail
        if snapshot is not None:
            values["snapshot"] = snapshot
        with self.store.tx() as conn:
            conn.execute(
                sql_update(price_batches).where(price_batches.c.id == batch_id).values(**values)
            )

    def set_outcome(
        self,
        item_id: int,
        outcome: str,
        now: datetime,
        reason: str = "",
        disposition: str | None = None,
    ) -> None:
        with self.store.tx() as conn:
            conn.execute(
                sql_update(price_items)
                .where(price_items.c.id == item_id)
                .values(outcome=outcome, reason=reason, disposition=disposition, updated_at=now)
            )

    def counts(self, batch_id: int) -> dict[str, int]:
        """submitted, accepted, rejected, pending of one batch."""
        found = {name: 0 for name in OUTCOMES}
        for item in self.items(batch_id):
            found[str(item["outcome"])] += 1
        return {"submitted": sum(found.values()), **found}

    def release(self, keys: list[str] | None, now: datetime) -> int:
        """Dead-lettered items (of ``keys``, or all) become ``replayed``: sent again."""
        query = sql_update(price_items).where(price_items.c.disposition == "dead")
        if keys is not None:
            query = query.where(price_items.c.key.in_(keys))
        with self.store.tx() as conn:
            return int(conn.execute(query.values(disposition="replayed", updated_at=now)).rowcount)

    def dead(self) -> list[dict[str, Any]]:
        query = select(price_items).where(price_items.c.disposition == "dead")
        with self.store.tx() as conn:
            return [dict(r) for r in conn.execute(query.order_by(price_items.c.id)).mappings()]
