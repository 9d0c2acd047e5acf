"""Engine configuration: systems, credentials, mappings and policies, validated by pydantic.

Secrets are ``SecretStr``: they never print. In YAML, ``${NAME}`` is replaced by the
environment variable ``NAME``, so credentials stay out of files that are committed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

ErpKind = Literal["netsuite", "sap-b1", "s4hana", "sage200", "business-central", "legacy"]
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ConfigError(ValueError):
    """The configuration is invalid; the message names the key."""


class MagentoConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str
    integration_token: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    page_size: int = Field(default=100, ge=1, le=1000)


class ErpConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ErpKind
    base_url: str
    credentials: dict[str, SecretStr] = Field(default_factory=dict)
    options: dict[str, str] = Field(
        default_factory=dict, description="non-secret connector settings, e.g. ref_udf"
    )

    def secret(self, key: str) -> str:
        value = self.credentials.get(key)
        if value is None:
            raise ConfigError(f"erp.credentials.{key} is required for {self.kind}")
        return value.get_secret_value()


class MappingConfig(BaseModel):
    """Magento codes -> ERP codes. Unmapped SKUs keep their code; unmapped sources are refused."""

    model_config = ConfigDict(extra="forbid")

    items: dict[str, str] = Field(default_factory=dict)
    locations: dict[str, str] = Field(default_factory=dict)
    accounts: dict[str, str] = Field(default_factory=dict)
    default_customer: str | None = None
    price_lists: dict[str, str] = Field(
        default_factory=dict,
        description="Magento customer group code -> ERP price list / price level / band",
    )
    tax_codes: dict[str, str] = Field(
        default_factory=dict, description="Magento tax class -> ERP tax code"
    )
    stores: dict[str, str] = Field(
        default_factory=dict,
        description="Magento store code -> ERP company, subsidiary or sales channel",
    )

    def item_code(self, sku: str) -> str:
        return self.items.get(sku, sku)

    def sku_for(self, item_code: str) -> str:
        for sku, code in self.items.items():
            if code == item_code:
                return sku
        return item_code

    def source_for(self, location: str) -> str | None:
        for source, loc in self.locations.items():
            if loc == location:
                return source
        return None


Entity = Literal["orders", "stock", "prices", "accounts", "fulfilment", "returns", "order_state"]
System = Literal["magento", "erp"]

# Who may own each entity, and the direction that follows from it.
ALLOWED_OWNERS: dict[str, tuple[System, ...]] = {
    "orders": ("magento",),
    "stock": ("erp",),
    "prices": ("erp", "magento"),
    "accounts": ("magento", "erp"),
    "fulfilment": ("erp",),
    "returns": ("magento", "erp"),
    "order_state": ("erp",),
}
_DEFAULT_OWNERS: dict[str, System] = {
    "orders": "magento",
    "stock": "erp",
    "prices": "erp",
    "accounts": "magento",
    "fulfilment": "erp",
    "returns": "magento",
    "order_state": "erp",
}


class FlowSettings(BaseModel):
    """One entity's exchange: whether it runs, which system owns the truth (data flows from the
    owner to the other system), how often it runs, and how it is triggered."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    source_of_truth: System | None = None
    every_s: float | None = Field(default=None, gt=0)
    trigger: Literal["schedule", "event"] = "schedule"

    def owner(self, entity: str) -> System:
        return self.source_of_truth or _DEFAULT_OWNERS[entity]

    def direction(self, entity: str) -> str:
        owner = self.owner(entity)
        return "magento->erp" if owner == "magento" else "erp->magento"


class Policies(BaseModel):
    model_config = ConfigDict(extra="forbid")

    orders_poll_s: float = 60.0
    stock_poll_s: float = 300.0
    fulfilment_poll_s: float = 300.0
    overlap_s: float = 300.0
    orders_poll_backlog: int = Field(
        default=1000,
        ge=0,
        description="while at least this many order exports are due, the orders poll holds "
        "off (for up to orders_poll_hold_s): jobs run oldest first, so new orders would queue "
        "behind them, and each poll re-reads its overlap. 0 never holds",
    )
    orders_poll_hold_s: float = Field(
        default=60.0, gt=0, description="the longest a backlog holds the orders poll off"
    )
    orders_snapshot_max_age_s: float = Field(
        default=60.0,
        ge=0,
        description="the poll reads the new orders it finds whole, a page per search, and an "
        "export's first attempt uses that copy while it is younger than this (a retry reads "
        "the order afresh). 0 reads every order at its export",
    )
    paid_states: list[str] = Field(default_factory=lambda: ["processing", "complete"])
    lookup_before_create: Literal["always", "after_failure"] = "always"
    retry_base_s: float = 2.0
    retry_cap_s: float = 600.0
    max_attempts: int = 12
    give_up_after_s: float = 86_400.0
    breaker_threshold: int = 5
    breaker_cooldown_s: float = 60.0
    lease_s: float = 300.0
    max_concurrency: int = Field(
        default=1,
        ge=1,
        le=256,
        description="FM-G08: jobs in flight per remote system at most; the worker adapts below "
        "it on throttling (sync_core.concurrency). 1 runs jobs one after another",
    )
    concurrency_gate: Literal["requests", "jobs"] = Field(
        default="requests",
        description="with max_concurrency > 1: the limit counts the ERP's requests in flight "
        "(jobs may then run twice as many at once), or whole jobs",
    )
    http_timeout_s: float = 30.0
    stock_batch_size: int = 500
    stock_via_async_bulk: bool = False
    alert_bulk_open_s: float = 900.0
    reconcile_s: float = 3600.0
    reconcile_window_s: float = 7 * 86_400.0
    alert_queue_depth: int = 1000
    alert_queue_age_s: float = 3600.0
    alert_stock_stale_s: float = 6 * 3600.0
    alert_no_success_s: float = 3600.0
    alert_pending_approval_s: float = 4 * 3600.0
    alert_webhook: str | None = None
    stockout: Literal["backorder", "hold"] = Field(
        default="backorder",
        description="FM-T01: an order the ERP lacks stock for is kept as a backorder or held",
    )
    credit_hold: Literal["hold", "reject"] = Field(
        default="hold",
        description="FM-T03: an order for an account on credit hold is held or rejected",
    )
    account_check_ttl_s: float = Field(
        default=0.0,
        ge=0,
        description="FM-T03: how long an ERP's answer that an account is not on hold is reused "
        "for its next orders (0: asked before every order; a hold found is never reused)",
    )
    stock_check_ttl_s: float = Field(
        default=300.0,
        gt=0,
        description="FM-T01: how long one read of the ERP's stock serves the stockout check",
    )
    price_approval_pct: float = Field(
        default=20.0,
        ge=0,
        description="FM-T06: a price batch with a change above this percent waits for approval",
    )
    account_approval: bool = Field(
        default=True, description="FM-T07: new B2B accounts wait for ERP approval"
    )
    account_customer_groups: list[int] = Field(
        default_factory=list,
        description="accounts flow: Magento customers of these group ids who belong to no "
        "company also get an ERP account (created open; contact and address kept in step)",
    )
    returns_restock: Literal["magento", "always", "never"] = Field(
        default="magento",
        description="FM-T04: credited goods go back to an ERP warehouse as the Magento credit "
        "memo says (return_to_stock_items), always (Magento's auto return), or never",
    )


class EngineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    magento: MagentoConfig
    erp: ErpConfig
    mapping: MappingConfig = Field(default_factory=MappingConfig)
    policies: Policies = Field(default_factory=Policies)
    flows: dict[Entity, FlowSettings] = Field(default_factory=dict)
    store_url: str = "sqlite://"
    seed: int = 0

    @model_validator(mode="after")
    def _owners_allowed(self) -> EngineConfig:
        for entity, settings in self.flows.items():
            owner = settings.source_of_truth
            if owner is not None and owner not in ALLOWED_OWNERS[entity]:
                allowed = " or ".join(ALLOWED_OWNERS[entity])
                raise ValueError(
                    f"flows.{entity}.source_of_truth: {owner!r} cannot own {entity} "
                    f"(allowed: {allowed})"
                )
        return self

    def flow(self, entity: str) -> FlowSettings:
        """The settings of one entity's flow (defaults when the profile says nothing)."""
        found: FlowSettings | None = self.flows.get(entity)  # type: ignore[call-overload]
        return found if found is not None else FlowSettings()


def _expand_env(value: Any, path: str) -> Any:
    if isinstance(value, dict):
        return {k: _expand_env(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand_env(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, str):

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in os.environ:
                raise ConfigError(f"{path}: environment variable {name} is not set")
            return os.environ[name]

        return _ENV.sub(replace, value)
    return value


def _problem(loc: tuple[int | str, ...], message: str) -> str:
    key = ".".join(str(part) for part in loc)
    message = message.removeprefix("Value error, ")
    return f"{key}: {message}" if key else message


def parse_config(data: dict[str, Any], source: str = "config") -> EngineConfig:
    try:
        return EngineConfig.model_validate(_expand_env(data, ""))
    except ValidationError as exc:
        problems = "; ".join(_problem(err["loc"], err["msg"]) for err in exc.errors())
        raise ConfigError(f"{source}: {problems}") from exc


def load_config(path: str | Path) -> EngineConfig:
    text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping")
    return parse_config(data, str(path))
