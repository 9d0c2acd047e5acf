"""Where the connector may write: the environment and company assertions (FM-D01, FM-D02).

Before its first read or write, the connector checks, through the vendor's own APIs:

1. **Environment.** ``GET /environments/v1.2`` (the tenant's environments, with their
   ``type``): the configured environment must exist and be of the expected type
   (``environment_type``, ``Production`` unless set; ``any`` skips this check, e.g. on
   premises, where that endpoint does not exist). A sandbox copied from production keeps the
   production company GUIDs, so a company check alone would not notice a connector pointed at
   the sandbox; the type does.
2. **Company.** ``GET companies({company_id})`` in that environment must answer, and when
   ``company_name`` is configured, its ``name`` (or ``displayName``) must match.

A definite mismatch is cached and raised as :class:`TargetMismatch` on every later call, so
the run refuses without sending anything more; an outage during the check is not cached. After
the check, every request still carries the company GUID in its URL and every answer is checked
for the same company (:meth:`BCClient.check_scope`).
"""

from __future__ import annotations

from typing import Any

from sync_core.connectors.business_central.client import (
    SYSTEM,
    BCClient,
    TargetMismatch,
)
from sync_core.errors import RemoteNotFound

ENVIRONMENTS_PATH = "/environments/v1.2"


class TargetGuard:
    def __init__(self, client: BCClient) -> None:
        self.client = client
        self.settings = client.settings
        self.company: dict[str, Any] | None = None
        self.failure: TargetMismatch | None = None

    @property
    def verified(self) -> bool:
        return self.company is not None

    def ensure(self) -> None:
        """Verify once; afterwards free. A definite mismatch is raised again every time."""
        if self.failure is not None:
            raise self.failure
        if self.company is not None:
            return
        try:
            self._check_environment()
            self.company = self._check_company()
        except TargetMismatch as exc:
            self.failure = exc
            raise

    def _check_environment(self) -> None:
        s = self.settings
        expected = s.environment_type
        if expected.lower() == "any":
            return
        body = self.client.get(s.base_url + ENVIRONMENTS_PATH)
        rows = [r for r in body.get("value") or [] if isinstance(r, dict)]
        found = next(
            (r for r in rows if str(r.get("name", "")).lower() == s.environment.lower()), None
        )
        if found is None:
            listed = ", ".join(f"{r.get('name')} ({r.get('type')})" for r in rows) or "none"
            raise TargetMismatch(
                f"{SYSTEM} environment {s.environment!r} does not exist in tenant {s.tenant} "
                f"(environments: {listed}); the run refuses"
            )
        kind = str(found.get("type") or "")
        if kind.lower() != expected.lower():
            raise TargetMismatch(
                f"{SYSTEM} environment {s.environment!r} is a {kind} environment, but this "
                f"connector expects {expected} (erp.credentials.environment_type); the run "
                "refuses: nothing is read from or written to it"
            )

    def _check_company(self) -> dict[str, Any]:
        s = self.settings
        url = s.company_url()  # refuses a company_id that is not a GUID
        try:
            company = self.client.get(url)
        except (TargetMismatch, RemoteNotFound) as exc:
            raise TargetMismatch(
                f"{SYSTEM} company {s.company_id} does not exist in environment "
                f"{s.environment!r}; the run refuses ({exc.message})"
            ) from exc
        if s.company_name:
            names = {str(company.get(k) or "").strip().lower() for k in ("name", "displayName")}
            if s.company_name.strip().lower() not in names:
                raise TargetMismatch(
                    f"{SYSTEM} company {s.company_id} in environment {s.environment!r} is "
                    f"{company.get('name')!r}, not the expected {s.company_name!r} "
                    "(erp.credentials.company_name); the run refuses: nothing is written to it"
                )
        return company

    @property
    def company_label(self) -> str:
        name = (self.company or {}).get("name") or self.settings.company_id
        return f"{name} ({self.settings.environment})"
