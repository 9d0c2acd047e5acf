"""Alerts: raised once per condition (keyed), resolved when it clears, written to the log,
kept in the store, and posted to an optional webhook. A failing webhook never stops a run."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests

from sync_core.clock import Clock
from sync_core.store import Store

log = logging.getLogger("sync_core.alerts")


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str
    message: str
    severity: str = "warning"


class Alerter:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        webhook: str | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.webhook = webhook
        self.session = session or requests.Session()

    def raise_alert(self, alert: Alert) -> bool:
        if not self.store.raise_alert(
            alert.key, alert.kind, alert.severity, alert.message, self.clock.now()
        ):
            return False
        log.warning("ALERT %s: %s", alert.kind, alert.message)
        if self.webhook:
            self._post(alert)
        return True

    def settle(self, scope: str, current: list[Alert]) -> None:
        """Raise ``current``; resolve open alerts under ``scope`` that are no longer current.
        One read of the open alerts under ``scope`` serves both (most checks find nothing)."""
        already = self.store.open_alert_keys(scope)
        for alert in current:
            if alert.key not in already:
                self.raise_alert(alert)
        stale = already - {a.key for a in current}
        if stale:
            self.store.resolve_alerts(stale, self.clock.now())

    def _post(self, alert: Alert) -> None:
        body = {
            "key": alert.key,
            "kind": alert.kind,
            "severity": alert.severity,
            "message": alert.message,
            "at": self.clock.now().isoformat(),
        }
        try:
            self.session.post(str(self.webhook), json=body, timeout=10)
        except requests.RequestException as exc:
            log.error("alert webhook failed: %s", type(exc).__name__)
