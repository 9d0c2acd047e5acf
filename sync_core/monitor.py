"""Thresholds on the engine's own records: queue depth and age, dead letters, time since the
last successful scheduled run, and stock that has stopped changing (FM-G15)."""

from __future__ import annotations

from datetime import datetime

from sync_core.alerts import Alert
from sync_core.config import Policies
from sync_core.store import Store

SCHEDULED = ("orders.poll", "stock.import")


def _age(values: dict[str, str], cursor: str, now: datetime) -> float | None:
    value = values.get(cursor)
    if value is None:
        return None
    return (now - datetime.fromisoformat(value)).total_seconds()


def check(store: Store, policies: Policies, sources: list[str], now: datetime) -> list[Alert]:
    alerts: list[Alert] = []
    counts = store.job_counts()
    pending = counts.get("pending", 0) + counts.get("running", 0)
    if pending > policies.alert_queue_depth:
        alerts.append(
            Alert(
                "monitor:queue_depth",
                "queue_depth",
                f"{pending} jobs waiting (threshold {policies.alert_queue_depth})",
            )
        )
    oldest = store.oldest_pending()
    if oldest is not None and (now - oldest).total_seconds() > policies.alert_queue_age_s:
        alerts.append(
            Alert(
                "monitor:queue_age",
                "queue_age",
                f"the oldest waiting job was queued at {oldest.isoformat()}",
            )
        )
    dead = store.open_dead_letters()
    if dead:
        alerts.append(
            Alert(
                "monitor:dead_letters",
                "dead_letters",
                f"{len(dead)} item(s) quarantined, e.g. {dead[0]['reason'][:160]}",
                "error",
            )
        )
    stamps = store.cursors(
        [f"last_success:{flow}" for flow in SCHEDULED]
        + [f"stock_changed:{source}" for source in sources]
    )
    for flow in SCHEDULED:
        age = _age(stamps, f"last_success:{flow}", now)
        if age is not None and age > policies.alert_no_success_s:
            alerts.append(
                Alert(
                    f"monitor:no_success:{flow}",
                    "no_success",
                    f"{flow} has not succeeded for {age / 60:.0f} min",
                )
            )
    for source in sources:
        age = _age(stamps, f"stock_changed:{source}", now)
        if age is not None and age > policies.alert_stock_stale_s:
            alerts.append(
                Alert(
                    f"monitor:stock_stale:{source}",
                    "stock_stale",
                    f"stock for source {source} has not changed for "
                    f"{age / 3600:.1f} h: is the ERP export frozen?",
                )
            )
    return alerts
