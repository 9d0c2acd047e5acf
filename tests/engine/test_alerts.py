"""Alerts are raised once per key and resolved when their scope's check no longer finds them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fakes import SimClock
from sync_core.alerts import Alert, Alerter
from sync_core.store import Store

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _open(store: Store) -> dict[str, datetime]:
    return {a["key"]: a["raised_at"] for a in store.alerts()}


def test_settle_raises_once_resolves_what_cleared_and_keeps_other_scopes() -> None:
    store, clock = Store(), SimClock(T0)
    alerter = Alerter(store, clock)
    stale = Alert("stock_stale:wh-1", "stock_stale", "no change for 6 h")
    # ``_`` is LIKE's any-character: a key that differs there is not in the scope
    lookalike = Alert("stockXstale:wh-1", "other", "another check's alert")
    alerter.settle("stockXstale:", [lookalike])
    alerter.settle("stock_stale:", [stale])
    clock.advance(3600)
    alerter.settle("stock_stale:", [stale])  # still current: not raised a second time
    assert _open(store) == {"stock_stale:wh-1": T0, "stockXstale:wh-1": T0}
    alerter.settle("stock_stale:", [])  # cleared: resolved; the lookalike stays open
    assert _open(store) == {"stockXstale:wh-1": T0}
    (resolved,) = [a for a in store.alerts(open_only=False) if a["key"] == "stock_stale:wh-1"]
    assert resolved["resolved_at"] == T0 + timedelta(hours=1)
