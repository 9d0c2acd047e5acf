"""Backend options (``ctx.options``) with their defaults, checked once at seed time."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

DEFAULT_ENVIRONMENTS = (("production", "Production"), ("sandbox", "Sandbox"))
DEFAULT_COMPANIES = ("CRONUS UK Ltd.", "CRONUS UK Test")
TAX_RATES = {"STANDARD": 20, "REDUCED": 5, "ZERO": 0}


@dataclass(frozen=True)
class Options:
    environments: tuple[tuple[str, str], ...] = DEFAULT_ENVIRONMENTS
    companies: tuple[str, ...] = DEFAULT_COMPANIES
    page_size: int = 20_000
    etag_conflict_status: int = 409
    rate_limit: int = 6_000
    rate_window_s: float = 300.0
    throttle_retry_after: bool = True
    token_lifetime_s: int = 3_599
    tenant_domain: str = "cronus-uk.onmicrosoft.com"
    prevent_negative_inventory: bool = False
    delete_fully_posted_orders: bool = True
    batch_max: int = 100
    sandbox_is_copy: bool = False
    custom_apis: tuple[dict[str, Any], ...] = ()
    web_services: tuple[tuple[str, int], ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Options:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown business-central option(s): {', '.join(unknown)}")
        values = dict(data)
        if "environments" in values:
            values["environments"] = tuple(_environment(e) for e in values["environments"])
        if "web_services" in values:
            values["web_services"] = tuple(
                (str(name), int(page)) for name, page in dict(values["web_services"]).items()
            )
        for key in ("companies", "custom_apis"):
            if key in values:
                values[key] = tuple(values[key])
        options = cls(**values)
        options.check()
        return options

    def check(self) -> None:
        if not self.environments or not self.companies:
            raise ValueError("at least one environment and one company are required")
        if self.etag_conflict_status not in (409, 412):
            raise ValueError("etag_conflict_status must be 409 or 412")
        if self.page_size < 1 or self.rate_limit < 1 or self.batch_max < 1:
            raise ValueError("page_size, rate_limit and batch_max must be positive")


def _environment(value: Any) -> tuple[str, str]:
    if isinstance(value, str):
        return value, "Production" if value.lower().startswith("prod") else "Sandbox"
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"], str(value.get("type", "Sandbox"))
    raise ValueError(f"environment must be a name or {{'name', 'type'}}, not {value!r}")
