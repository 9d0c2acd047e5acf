"""The connector fit report: can this ERP kind, product variant and mapping profile carry each
flow of a Magento integration, and what guards it?

``erp-harness fit --erp KIND --profile FILE`` answers, per flow (orders export, stock import,
fulfilment import, prices, accounts, returns and credit notes, order state):

* **endpoints**: which calls the flow needs, whether the builtin connector makes them and
  whether this variant has them. The table (:mod:`scenarios.fit_capabilities`) is static and
  written from the connectors under ``sync_core/connectors/`` (their docstrings say what
  they support and what they refuse) and from the vendor facts of ``docs/vendor-apis.md``;
* **needs**: custom fields, custom API pages or mappings the flow depends on;
* **idempotency**: what keeps a retried order export from making a second ERP order, and per
  flow what keeps a retry, replay or re-read from doing its work twice;
* **risks**: the catalog scenarios that run on this ERP, what they guard, and (with
  ``run_scenarios``) whether the builtin connector passed them.

The profile is YAML with the optional keys ``variant``, ``mapping`` (the engine's
:class:`~sync_core.config.MappingConfig`), ``erp_options`` (``ErpConfig.options``) and
``flows`` (the engine's ``flows``: ``enabled`` and ``source_of_truth`` per entity decide
whether and in which direction a flow runs). A few
settings the connectors read from ``erp.credentials`` although they are not secret
(Business Central ``stock_api``, ``environment_type``, ``company_name``; Sage 200
``api_base_path``) are accepted in ``erp_options`` here, because they decide fit.

The scenarios run on the harness's own seeded world (its dataset and mapping), not on the
profile's mapping: they prove the connector's controls, the profile decides coverage.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scenarios.fit_capabilities import (
    CAPABILITIES,
    IDEMPOTENCY,
    REVERSE_RETURNS,
    Capability,
    Endpoint,
    FitStatus,
    Idempotency,
)
from sync_core.config import ConfigError, Entity, FlowSettings, MappingConfig

FLOWS: dict[str, str] = {
    "orders_export": "Orders export (Magento -> ERP)",
    "stock_import": "Stock import (ERP -> Magento, per source)",
    "fulfilment_import": "Fulfilment import (ERP deliveries -> Magento shipments)",
    "prices": "Prices (ERP price lists / bands)",
    "accounts": "Accounts (Magento B2B companies -> ERP accounts, approval gate)",
    "returns": "Returns and credit notes",
    "order_state": "Order state (ERP cancellations and holds -> Magento)",
}
# The engine's entity (``flows.<entity>`` in the profile) behind each flow of the report.
FLOW_ENTITIES: dict[str, str] = {
    "orders_export": "orders",
    "stock_import": "stock",
    "fulfilment_import": "fulfilment",
    "prices": "prices",
    "accounts": "accounts",
    "returns": "returns",
    "order_state": "order_state",
}
STATUS_TEXT: dict[str, str] = {
    "supported": "the builtin connector runs it on this variant and profile",
    "needs-setup": "runs once the named field, API or mapping is in place",
    "partial": "part of the flow is covered (see the notes)",
    "not-implemented": "the builtin connector has no code for it (the ERP's calls are listed "
    "where known: custom work)",
    "unsupported": "this variant or profile lacks what the flow needs: it refuses to start",
}
STATUS_COLOURS: dict[str, str] = {
    "supported": "#1a7f37",
    "needs-setup": "#9a6700",
    "partial": "#9a6700",
    "not-implemented": "#6e7781",
    "unsupported": "#cf222e",
    "passed": "#1a7f37",
    "failed": "#cf222e",
    "errored": "#9a6700",
    "skipped": "#6e7781",
    "not run": "#6e7781",
}
ERP_KINDS = ("netsuite", "sap-b1", "s4hana", "sage200", "business-central", "legacy")
VARIANTS: dict[str, tuple[str, ...]] = {
    "sage200": ("professional", "standard"),
    "business-central": ("saas", "on-premises"),
}
# Which flows each catalog scenario guards (the scenarios themselves say which ERPs they run on).
SCENARIO_FLOWS: dict[str, tuple[str, ...]] = {
    "FM-G01": ("orders_export", "stock_import"),
    "FM-G02": ("stock_import",),
    "FM-G03": ("stock_import",),
    "FM-G04": ("stock_import",),
    "FM-G05": ("prices",),
    "FM-G06": ("orders_export",),
    "FM-G07": ("orders_export",),
    "FM-G08": ("orders_export",),
    "FM-G09": ("orders_export",),
    "FM-G10": ("orders_export", "stock_import"),
    "FM-G11": ("orders_export",),
    "FM-G12": ("stock_import",),
    "FM-G13": ("orders_export",),
    "FM-G14": ("orders_export",),
    "FM-G15": ("stock_import",),
    "FM-G16": ("orders_export", "order_state"),
    "FM-N01": ("orders_export",),
    "FM-N02": ("orders_export",),
    "FM-N03": ("orders_export",),
    "FM-N04": ("stock_import",),
    "FM-N05": ("orders_export",),
    "FM-S01": ("orders_export",),
    "FM-S02": ("orders_export",),
    "FM-S03": ("prices",),
    "FM-S04": ("stock_import",),
    "FM-S05": ("fulfilment_import",),
    "FM-S06": ("returns",),
    "FM-T01": ("orders_export",),
    "FM-T02": ("prices",),
    "FM-T03": ("orders_export", "accounts"),
    "FM-T04": ("returns",),
    "FM-T05": ("fulfilment_import",),
    "FM-T06": ("prices",),
    "FM-T07": ("accounts",),
    "FM-D01": ("orders_export", "stock_import"),
    "FM-D02": ("orders_export", "stock_import"),
    "FM-D03": ("stock_import",),
    "FM-D04": ("stock_import",),
    "FM-D05": ("orders_export",),
    "FM-SG01": ("orders_export", "stock_import"),
    "FM-SG02": ("stock_import",),
    "FM-SG03": ("orders_export",),
    "FM-SG04": ("orders_export",),
    "FM-SG05": ("orders_export",),
    "FM-L01": ("orders_export",),
    "FM-L02": ("orders_export", "stock_import"),
    "FM-L03": ("orders_export",),
    "FM-L04": ("stock_import",),
}


class ProfileError(ConfigError):
    """The fit profile is invalid; the message names the key."""


# -- the profile -----------------------------------------------------------------------------
class FitProfile(BaseModel):
    """What a fit profile may say. Unknown keys are refused by name."""

    model_config = ConfigDict(extra="forbid")

    variant: str | None = None
    mapping: MappingConfig = Field(default_factory=MappingConfig)
    erp_options: dict[str, str] = Field(default_factory=dict)
    flows: dict[Entity, FlowSettings] = Field(default_factory=dict)

    @field_validator("erp_options", mode="before")
    @classmethod
    def _as_strings(cls, value: Any) -> Any:
        """``ErpConfig.options`` holds strings: a YAML mapping or list becomes JSON, a scalar
        its text (so ``order_fields`` may be written as a mapping)."""
        if not isinstance(value, dict):
            return value
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(item, dict | list):
                out[key] = json.dumps(item)
            elif isinstance(item, bool):
                out[key] = "true" if item else "false"
            elif isinstance(item, int | float):
                out[key] = str(item)
            else:
                out[key] = item
        return out


# Option keys each connector reads (``erp.options``, or non-secret ``erp.credentials``).
OPTION_KEYS: dict[str, tuple[str, ...]] = {
    "netsuite": ("order_fields", "create_via"),
    "sap-b1": ("price_policy", "ref_udf", "price_list", "account_code_prefix"),
    "s4hana": ("price_policy", "sales_organization", "distribution_channel"),
    "sage200": ("tax_codes", "api_base_path", "price_band", "account_code_prefix"),
    "business-central": ("stock_api", "environment_type", "company_name"),
    "legacy": (
        "transport",
        "stock_source",
        "lookup",
        "state_dir",
        "warehouse",
        "sender",
        "max_resends",
    ),
}
OPTION_PREFIXES: dict[str, tuple[str, ...]] = {"netsuite": ("field:",)}
LEGACY_CHOICES = {
    "transport": ("soap", "files"),
    "stock_source": ("soap", "files"),
    "lookup": ("soap", "ledger"),
}


def _check_erp(erp: str) -> None:
    if erp not in ERP_KINDS:
        raise ProfileError(f"unknown ERP kind {erp!r}; one of {', '.join(ERP_KINDS)}")


def parse_profile(data: Any, erp: str, source: str = "profile") -> FitProfile:
    """Validate a profile for ``erp``; a bad key or value raises :class:`ProfileError` naming
    it."""
    _check_erp(erp)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: the top level must be a mapping")
    try:
        profile = FitProfile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            if err["type"] == "extra_forbidden":
                problems.append(f"unknown key {key!r}")
            else:
                problems.append(f"{key}: {err['msg']}")
        raise ProfileError(f"{source}: {'; '.join(problems)}") from exc
    allowed = VARIANTS.get(erp)
    if profile.variant is not None and (allowed is None or profile.variant not in allowed):
        choices = f"one of {', '.join(allowed)}" if allowed else "not set (it has none)"
        raise ProfileError(
            f"{source}: variant {profile.variant!r} is not a variant of {erp}; "
            f"variant must be {choices}"
        )
    known = OPTION_KEYS[erp]
    prefixes = OPTION_PREFIXES.get(erp, ())
    for key in profile.erp_options:
        if key not in known and not any(key.startswith(p) and key[len(p) :] for p in prefixes):
            listed = ", ".join(list(known) + [f"{p}<id>" for p in prefixes])
            raise ProfileError(
                f"{source}: unknown key 'erp_options.{key}' for {erp} (known: {listed})"
            )
    if erp == "legacy":
        for key, allowed_values in LEGACY_CHOICES.items():
            value = profile.erp_options.get(key)
            if value is not None and value not in allowed_values:
                raise ProfileError(
                    f"{source}: erp_options.{key} must be one of {', '.join(allowed_values)}, "
                    f"got {value!r}"
                )
    _check_connector_options(erp, profile, source)
    _check_flows(profile, source)
    return profile


def _check_flows(profile: FitProfile, source: str) -> None:
    """The engine's own rule: who may own each entity (see ``EngineConfig``)."""
    from sync_core.config import ALLOWED_OWNERS

    for entity, settings in profile.flows.items():
        owner = settings.source_of_truth
        if owner is not None and owner not in ALLOWED_OWNERS[entity]:
            allowed = " or ".join(ALLOWED_OWNERS[entity])
            raise ProfileError(
                f"{source}: flows.{entity}.source_of_truth {owner!r} cannot own {entity} "
                f"(allowed: {allowed})"
            )


def _check_connector_options(erp: str, profile: FitProfile, source: str) -> None:
    """Let the connectors' own parsers judge the options they read."""
    options = dict(profile.erp_options)
    try:
        if erp == "netsuite":
            from sync_core.connectors.netsuite.connector import create_via, order_fields

            order_fields(options)
            create_via(options)
        elif erp in ("sap-b1", "s4hana"):
            from sync_core.connectors.pricing import price_policy

            price_policy(options)
        elif erp == "sage200" and options.get("tax_codes"):
            from sync_core.connectors.sage200.checks import TaxCodes

            TaxCodes(options["tax_codes"])
    except ConfigError as exc:
        raise ProfileError(f"{source}: {exc}") from exc
    if erp == "sap-b1":
        lists = {"erp_options.price_list": options.get("price_list", "1")}
        lists |= {f"mapping.price_lists.{g}": v for g, v in profile.mapping.price_lists.items()}
        for key, value in lists.items():
            if not value.isdigit():
                raise ProfileError(f"{source}: {key} must be a price list number, got {value!r}")
    ref_udf = options.get("ref_udf")
    if erp == "sap-b1" and ref_udf is not None and not ref_udf.startswith("U_"):
        raise ProfileError(
            f"{source}: erp_options.ref_udf {ref_udf!r} must be a user-defined field (U_...)"
        )


def load_profile(path: Path, erp: str) -> FitProfile:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML: {exc}") from exc
    return parse_profile(data, erp, str(path))


@dataclass
class FlowFit:
    flow: str
    title: str
    status: FitStatus
    endpoints: list[Endpoint]
    needs: list[str]
    notes: list[str]
    sources: list[str]
    risks: list[str] = field(default_factory=list)  # scenario ids
    idempotency: str = ""
    known_risks: list[str] = field(default_factory=list)  # limits of the builtin connector


@dataclass
class RiskFit:
    id: str
    title: str
    flows: list[str]
    harm: str
    guards: str
    result: str = "not run"  # passed | failed | errored | skipped | not run
    evidence: list[str] = field(default_factory=list)
    reproduce: str = ""


@dataclass
class FitReport:
    erp: str
    variant: str | None
    profile: str | None
    seed: int
    flows: list[FlowFit]
    idempotency: Idempotency
    risks: list[RiskFit]
    warnings: list[str]
    ran_scenarios: bool

    def flow(self, name: str) -> FlowFit:
        for found in self.flows:
            if found.flow == name:
                return found
        raise KeyError(name)

    def missing(self) -> list[tuple[str, Endpoint]]:
        """Every call this variant or profile lacks, with its flow."""
        return [(f.flow, e) for f in self.flows for e in f.endpoints if e.availability == "missing"]

    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for risk in self.risks:
            counts[risk.result] = counts.get(risk.result, 0) + 1
        return counts

    @property
    def ok(self) -> bool:
        """The core flows can run and no scenario that ran failed."""
        core_ok = all(
            self.flow(f).status in ("supported", "needs-setup")
            for f in ("orders_export", "stock_import")
        )
        return core_ok and not any(r.result in ("failed", "errored") for r in self.risks)

    def to_json(self) -> dict[str, Any]:
        return {
            "erp": self.erp,
            "variant": self.variant,
            "profile": self.profile,
            "seed": self.seed,
            "ok": self.ok,
            "idempotency": vars(self.idempotency),
            "flows": [{**vars(f), "endpoints": [vars(e) for e in f.endpoints]} for f in self.flows],
            "risks": [vars(r) for r in self.risks],
            "warnings": self.warnings,
            "ran_scenarios": self.ran_scenarios,
            "summary": self.summary(),
        }


def _flow_fit(name: str, cap: Capability) -> FlowFit:
    return FlowFit(
        name,
        FLOWS[name],
        cap.status,
        list(cap.endpoints),
        list(cap.needs),
        list(cap.notes),
        list(cap.sources),
        idempotency=cap.idempotency,
        known_risks=list(cap.risks),
    )


# -- profile-dependent adjustments -----------------------------------------------------------
Adjust = Callable[[dict[str, FlowFit], FitProfile, list[str]], None]


def _needs_locations(flows: dict[str, FlowFit], profile: FitProfile) -> None:
    if profile.mapping.locations:
        return
    stock, shipments = flows["stock_import"], flows["fulfilment_import"]
    if stock.status == "supported":
        stock.status = "needs-setup"
        stock.notes.append(
            "the profile maps no locations: unmapped sources are refused, so no stock is "
            "written until mapping.locations is filled"
        )
    if shipments.status == "supported":
        shipments.status = "needs-setup"
        shipments.notes.append(
            "the profile maps no locations: a delivery from an unmapped warehouse is not "
            "applied and holds the cursor until mapping.locations names it"
        )


def _adjust_netsuite(flows: dict[str, FlowFit], profile: FitProfile, warnings: list[str]) -> None:
    from sync_core.connectors.netsuite.connector import order_fields

    fields = order_fields(profile.erp_options)
    orders = flows["orders_export"]
    for name, value in sorted(fields.items()):
        kind = "custom body field" if name.startswith("custbody") else "body field"
        orders.needs.append(
            f"{kind} {name} (= {value!r}) must exist on salesOrder in the account "
            "(checked against the metadata catalog before the first write)"
        )
    _needs_locations(flows, profile)


def _adjust_sap(flows: dict[str, FlowFit], profile: FitProfile, warnings: list[str]) -> None:
    policy = profile.erp_options.get("price_policy")
    if policy:
        flows["prices"].needs.append(f"price_policy {policy}: price-list check on order export")
    else:
        flows["prices"].notes.append("price_policy is not set: the price check is off")
    if profile.erp_options.get("ref_udf"):
        warnings.append(
            f"erp_options.ref_udf {profile.erp_options['ref_udf']!r}: the connector's build() "
            "does not read it yet; only NumAtCard carries the reference"
        )
    _needs_locations(flows, profile)


def _adjust_s4hana(flows: dict[str, FlowFit], profile: FitProfile, warnings: list[str]) -> None:
    _adjust_sap(flows, profile, warnings)
    bad = {s: loc for s, loc in profile.mapping.locations.items() if loc.count("/") != 1}
    if bad:
        listed = ", ".join(f"{s} -> {loc!r}" for s, loc in sorted(bad.items()))
        warnings.append(f"mapping.locations must be 'PLANT/SLOC' for S/4HANA: {listed}")
        flows["stock_import"].status = "needs-setup"
        flows["fulfilment_import"].status = "needs-setup"
    if "default" not in profile.mapping.locations:
        flows["orders_export"].status = "needs-setup"
        flows["orders_export"].notes.append(
            "mapping.locations has no 'default' source: order items get no plant"
        )


STANDARD_ONLY_MISSING = (
    "GET product_transactions/{id}/traceable_item_transactions",
    "POST traceable_items_assign",
)
MAGENTO_CALLS = ("GET /V1", "POST /V1", "GET/PUT /V1")
SAGE_BASE = {"standard": "/uk/sage200/accounts/v1", "professional": "/uk/sage200extra/accounts/v1"}


def _adjust_sage(flows: dict[str, FlowFit], profile: FitProfile, warnings: list[str]) -> None:
    variant = profile.variant or "professional"
    base = profile.erp_options.get("api_base_path")
    expected = SAGE_BASE[variant]
    effective = "/" + (base or SAGE_BASE["professional"]).strip("/")
    orders = flows["orders_export"]
    if variant == "standard":
        for call in STANDARD_ONLY_MISSING:
            orders.endpoints.append(
                Endpoint(call, "missing", used=False, note="Professional-only (Swagger marker)")
            )
        orders.notes.append(
            "Sage 200 Standard: Professional-only endpoints (traceable items) answer 404 and "
            "Professional-only fields (traceable_type, use_for_sales_trading, "
            "confirmation_intent_type) are absent; the flows do not use them"
        )
        warnings.append(
            "FM-SG01 (Sage 200 Standard): missing endpoints "
            + ", ".join(STANDARD_ONLY_MISSING)
            + " (Professional-only); no flow of the builtin connector needs them, and its "
            "coverage check refuses both flows if an endpoint it needs answers 404. Any "
            "custom work on traceable (batch/serial) stock needs Professional"
        )
    else:
        flows["fulfilment_import"].notes.append(
            "Professional is on premise: sop_despatch_* and sop_confirm_despatch exist only "
            "from the 22/08/2022 release, PUT/DELETE sop_orders/{Id} from 08/11/2021; the "
            "flow reads sop_order_despatch_line_views, check the site's release serves it"
        )
    if effective != expected:
        cause = (
            f"api_base_path is {base!r}"
            if base
            else f"api_base_path is not set, so the connector uses {SAGE_BASE['professional']}"
        )
        text = (
            f"FM-SG01: {cause} but a {variant} site serves {expected}; every endpoint answers "
            "404, the coverage check names it and both flows refuse to start. Set "
            f"erp.credentials.api_base_path = {expected}"
        )
        for flow in flows.values():
            if flow.status == "not-implemented":
                continue
            flow.status = "unsupported"
            flow.endpoints = [
                e if e.call.startswith(MAGENTO_CALLS) else replace(e, availability="missing")
                for e in flow.endpoints
            ]
            flow.notes.append(text)
        warnings.append(text)
    if profile.erp_options.get("tax_codes"):
        orders.needs.append(
            "tax_codes: each Magento rate maps to a Sage tax code; the connector also reads "
            "each Magento order's tax (FM-SG04)"
        )
    else:
        orders.notes.append("tax_codes not set: Sage's default tax codes apply (FM-SG04)")
    _needs_locations(flows, profile)


def _adjust_bc(flows: dict[str, FlowFit], profile: FitProfile, warnings: list[str]) -> None:
    from sync_core.connectors.business_central.client import DEFAULT_STOCK_API

    stock = flows["stock_import"]
    route = (profile.erp_options.get("stock_api") or DEFAULT_STOCK_API).strip("/")
    locations = set(profile.mapping.locations.values())
    if route == "v2.0":
        stock.endpoints = [
            Endpoint("GET items (inventory)", note="company total only"),
            Endpoint("GET itemLedgerEntries (standard v2.0)", note="no locationCode"),
            Endpoint(
                "per-location stock (itemLedgerEntries.locationCode)",
                "missing",
                used=False,
                note="not in the standard API v2.0",
            ),
        ]
        gap = (
            "FM-D04: without the Analytics API or a custom API page, per-location stock is not "
            "exposed (items.inventory is a company total, standard itemLedgerEntries carry no "
            "location)"
        )
        if len(locations) <= 1:
            stock.status = "partial"
            stock.notes.append(
                f"{gap}; with at most one mapped location the company total is that "
                "location's stock"
            )
        else:
            stock.status = "unsupported"
            stock.notes.append(
                f"{gap}; the profile maps {len(locations)} locations, so the connector refuses "
                "(CoverageGap) rather than put the totals into one source"
            )
        stock.needs = [
            "the Analytics API (microsoft/analytics/v1.0) or a custom API page exposing "
            "itemLedgerEntries with locationCode (erp.credentials.stock_api)"
        ]
        warnings.append(gap)
        _bc_shipments_without_ledger(flows["fulfilment_import"], locations)
    elif route != DEFAULT_STOCK_API:
        stock.endpoints[1] = Endpoint(f"GET api/{route}/.../itemLedgerEntries (custom page)")
        stock.needs = [
            f"custom API page api/{route} with itemLedgerEntries exposing entryNo, itemNo, "
            "locationCode and quantity; it is checked against $metadata at start and per "
            "answer (FM-D03)"
        ]
        flows["fulfilment_import"].needs = [
            f"custom API page api/{route} with itemLedgerEntries (documentNo, locationCode): "
            "the Sale entries give each shipment's locations"
        ]
    if profile.erp_options.get("environment_type", "Production").lower() == "any":
        warnings.append("environment_type any: the environment check (FM-D01) is off")
    if not profile.erp_options.get("company_name"):
        flows["orders_export"].notes.append(
            "company_name not set: the company is asserted by id only (FM-D02)"
        )
    _needs_locations(flows, profile)


def _bc_shipments_without_ledger(shipments: FlowFit, locations: set[str]) -> None:
    """stock_api v2.0: shipment lines have no location and there is no ledger route."""
    shipments.endpoints = [e for e in shipments.endpoints if "itemLedgerEntries" not in e.call]
    shipments.needs = []
    if len(locations) <= 1:
        shipments.status = "partial"
        shipments.notes.append(
            "stock_api v2.0: no ledger route, so the shipment lines are used, which works "
            "only while the company has one location (GET locations; more: CoverageGap)"
        )
    else:
        shipments.status = "unsupported"
        shipments.notes.append(
            f"stock_api v2.0: shipment lines carry no location and {len(locations)} locations "
            "are mapped, so the flow refuses (CoverageGap) rather than guess the source"
        )


def _adjust_legacy(flows: dict[str, FlowFit], profile: FitProfile, warnings: list[str]) -> None:
    orders = flows["orders_export"]
    if not profile.mapping.accounts and not profile.mapping.default_customer:
        orders.status = "needs-setup"
        orders.needs.append("mapping.accounts or mapping.default_customer")
        orders.notes.append(
            "the profile has neither mapping.accounts nor mapping.default_customer: an order "
            "from a buyer the ERP does not know by e-mail (FindCustomersByReference) is held"
        )
    elif not profile.mapping.default_customer:
        orders.notes.append(
            "no default_customer: orders from customers outside mapping.accounts are held"
        )
    options = profile.erp_options
    if options.get("lookup") == "ledger":
        state = flows["order_state"]
        state.status = "unsupported"
        state.notes.append(
            "lookup ledger: the connector reads no order states without the SOAP lookup, so "
            "ERP cancellations do not reach Magento"
        )
    transport = options.get("transport", "soap")
    if transport == "files" and options.get("lookup") == "ledger":
        warnings.append(
            "lookup ledger: duplicates are checked only against the connector's own file "
            "ledger; a lost ledger means no duplicate check (FM-L03)"
        )
    if not options.get("warehouse") and "default" not in profile.mapping.locations:
        flows["orders_export"].status = "needs-setup"
        flows["orders_export"].needs.append(
            "erp_options.warehouse or mapping.locations['default'] (the line warehouse)"
        )
    _needs_locations(flows, profile)


ADJUST: dict[str, Adjust] = {
    "netsuite": _adjust_netsuite,
    "sap-b1": _adjust_sap,
    "s4hana": _adjust_s4hana,
    "sage200": _adjust_sage,
    "business-central": _adjust_bc,
    "legacy": _adjust_legacy,
}


def _apply_flow_settings(erp: str, flows: dict[str, FlowFit], profile: FitProfile) -> None:
    """The profile's ``flows``: the direction of returns, prices and accounts, and flows it
    turns off."""
    settings = {name: _settings(profile, entity) for name, entity in FLOW_ENTITIES.items()}
    if settings["returns"].owner("returns") == "erp":
        flows["returns"] = _flow_fit("returns", REVERSE_RETURNS[erp])
        flows["returns"].notes.insert(
            0, "flows.returns.source_of_truth erp: ERP credit notes become Magento credit memos"
        )
    if settings["prices"].owner("prices") == "magento":
        flows["prices"].status = "not-implemented"
        flows["prices"].notes.insert(
            0,
            "flows.prices.source_of_truth magento: no flow writes Magento prices into the "
            "ERP, and the ERP price import is off",
        )
    if settings["accounts"].owner("accounts") == "erp":
        flows["accounts"].notes.insert(
            0,
            "flows.accounts.source_of_truth erp: companies are only bound to accounts found "
            "by reference or e-mail, never created",
        )
    for name, flow_settings in settings.items():
        if not flow_settings.enabled:
            flows[name].notes.insert(
                0,
                f"turned off by the profile (flows.{FLOW_ENTITIES[name]}.enabled: false): "
                "the engine does not run it",
            )


def _settings(profile: FitProfile, entity: str) -> FlowSettings:
    found: FlowSettings | None = profile.flows.get(entity)  # type: ignore[call-overload]
    return found if found is not None else FlowSettings()


# -- running it ------------------------------------------------------------------------------
def run_fit(
    erp: str,
    profile: Path | None,
    seed: int,
    run_scenarios: bool = True,
    *,
    only: Sequence[str] | None = None,
) -> FitReport:
    """The fit report of ``erp`` for the profile file (None: an empty profile). With
    ``run_scenarios`` every catalog scenario that runs on ``erp`` is run for the builtin
    connector (``only``: just these ids). Raises :class:`ProfileError` for a bad profile."""
    _check_erp(erp)
    loaded = load_profile(profile, erp) if profile is not None else parse_profile({}, erp)
    flows = {name: _flow_fit(name, CAPABILITIES[erp][name]) for name in FLOWS}
    warnings: list[str] = []
    _apply_flow_settings(erp, flows, loaded)
    ADJUST[erp](flows, loaded, warnings)
    risks = _risks(erp, flows, run_scenarios, seed, only)
    variant = loaded.variant or (VARIANTS[erp][0] if erp in VARIANTS else None)
    return FitReport(
        erp,
        variant,
        str(profile) if profile is not None else None,
        seed,
        list(flows.values()),
        IDEMPOTENCY[erp],
        risks,
        warnings,
        run_scenarios,
    )


def _risks(
    erp: str,
    flows: dict[str, FlowFit],
    run_scenarios: bool,
    seed: int,
    only: Sequence[str] | None,
) -> list[RiskFit]:
    from scenarios.catalog import select

    chosen = set(only) if only else None
    risks = []
    for scenario in select(None, erp):
        covered = list(SCENARIO_FLOWS.get(scenario.id, ("orders_export",)))
        risk = RiskFit(scenario.id, scenario.title, covered, scenario.harm, scenario.invariant)
        if run_scenarios and (chosen is None or scenario.id in chosen):
            from scenarios.runner import run_scenario

            result = run_scenario(scenario, erp, "builtin", seed)
            risk.result = result.status
            risk.evidence = list(result.evidence[:5])
            risk.reproduce = result.reproduce
        for name in covered:
            flows[name].risks.append(scenario.id)
        risks.append(risk)
    return risks


# -- rendering -------------------------------------------------------------------------------
def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: FitReport) -> str:
    lines = [
        f"# Fit report: {report.erp}" + (f" ({report.variant})" if report.variant else ""),
        "",
        f"profile: `{report.profile or '(none)'}` · seed {report.seed} · "
        f"verdict: **{'fit' if report.ok else 'gaps'}**",
        "",
        "| flow | status | needs |",
        "|---|---|---|",
    ]
    for flow in report.flows:
        needs = "; ".join(flow.needs) or "-"
        lines.append(f"| {_md(flow.title)} | **{flow.status}** | {_md(needs)} |")
    idem = report.idempotency
    lines += [
        "",
        "## Idempotency of the order export",
        "",
        f"**{idem.mechanism}** on `{idem.field}` (native: {'yes' if idem.native else 'no'}, "
        f"unique: {'yes' if idem.unique else 'no'}). {idem.detail}",
    ]
    if report.warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in report.warnings]
    missing = report.missing()
    if missing:
        lines += ["", "## Missing endpoints", ""]
        lines += [f"- {FLOWS[flow]}: `{e.call}` {e.note}".rstrip() for flow, e in missing]
    lines += ["", "## Flows"]
    for flow in report.flows:
        lines += ["", f"### {flow.title}: {flow.status}", "", f"_{STATUS_TEXT[flow.status]}_", ""]
        if flow.endpoints:
            lines += ["| call | availability | used by the connector | note |", "|---|---|---|---|"]
            for e in flow.endpoints:
                used = "yes" if e.used else "no"
                lines.append(f"| `{_md(e.call)}` | {e.availability} | {used} | {_md(e.note)} |")
            lines.append("")
        lines += [f"- needs: {n}" for n in flow.needs]
        lines += [f"- {n}" for n in flow.notes]
        if flow.idempotency:
            lines.append(f"- idempotency: {flow.idempotency}")
        lines += [f"- risk: {n}" for n in flow.known_risks]
        if flow.risks:
            lines.append(f"- guarded by: {', '.join(flow.risks)}")
        if flow.sources:
            lines.append(f"- from: {', '.join(flow.sources)}")
    lines += ["", "## Known risks (catalog scenarios for this ERP)", ""]
    if report.ran_scenarios:
        counts = " · ".join(f"{k}: {v}" for k, v in sorted(report.summary().items()))
        lines += [f"builtin connector: {counts}", ""]
    lines += ["| id | result | flows | what it guards |", "|---|---|---|---|"]
    for r in report.risks:
        lines.append(
            f"| {r.id} {_md(r.title)} | {r.result} | {', '.join(r.flows)} | {_md(r.guards)} |"
        )
    failed = [r for r in report.risks if r.result in ("failed", "errored")]
    for r in failed:
        lines += ["", f"**{r.id} {r.result}**", ""] + [f"- {_md(e)}" for e in r.evidence]
        if r.reproduce:
            lines.append(f"- reproduce: `{r.reproduce}`")
    return "\n".join(lines) + "\n"


def _badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#6e7781")
    return f"<span class='badge' style='background:{colour}'>{html.escape(status)}</span>"


def _ul(items: Sequence[str], css: str = "") -> str:
    if not items:
        return ""
    cls = f" class='{css}'" if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _flow_section(flow: FlowFit) -> str:
    rows = "".join(
        f"<tr><td><code>{html.escape(e.call)}</code></td>"
        f"<td style='color:{'#cf222e' if e.availability == 'missing' else '#1f2328'}'>"
        f"{html.escape(e.availability)}</td><td>{'yes' if e.used else 'no'}</td>"
        f"<td>{html.escape(e.note)}</td></tr>"
        for e in flow.endpoints
    )
    table = (
        "<table><tr><th>call</th><th>availability</th><th>used by the connector</th>"
        f"<th>note</th></tr>{rows}</table>"
        if rows
        else ""
    )
    needs = [f"needs: {n}" for n in flow.needs]
    idempotency = [f"idempotency: {flow.idempotency}"] if flow.idempotency else []
    known = [f"risk: {n}" for n in flow.known_risks]
    extra = []
    if flow.risks:
        extra.append(f"guarded by: {', '.join(flow.risks)}")
    if flow.sources:
        extra.append(f"from: {', '.join(flow.sources)}")
    return (
        f"<section id='{html.escape(flow.flow)}'><h2>{_badge(flow.status)} "
        f"{html.escape(flow.title)}</h2><p class='muted'>{html.escape(STATUS_TEXT[flow.status])}"
        f"</p>{table}{_ul(needs + flow.notes + idempotency + known)}{_ul(extra, 'muted')}"
        "</section>"
    )


def render_html(report: FitReport) -> str:
    title = f"{report.erp}" + (f" ({report.variant})" if report.variant else "")
    summary_rows = "".join(
        f"<tr><td><a href='#{html.escape(f.flow)}'>{html.escape(f.title)}</a></td>"
        f"<td>{_badge(f.status)}</td><td>{html.escape('; '.join(f.needs) or '-')}</td></tr>"
        for f in report.flows
    )
    risk_rows = "".join(
        f"<tr><td>{html.escape(r.id)}</td><td>{_badge(r.result)}</td>"
        f"<td>{html.escape(r.title)}</td><td>{html.escape(', '.join(r.flows))}</td>"
        f"<td>{html.escape(r.guards)}{_ul(r.evidence, 'evidence')}"
        + (
            f"<p class='repro'>Reproduce: <code>{html.escape(r.reproduce)}</code></p>"
            if r.reproduce and r.result in ("failed", "errored")
            else ""
        )
        + "</td></tr>"
        for r in report.risks
    )
    idem = report.idempotency
    counts = " · ".join(f"{k}: {v}" for k, v in sorted(report.summary().items()))
    warnings = (
        f"<section><h2>Warnings</h2>{_ul(report.warnings, 'warn')}</section>"
        if report.warnings
        else ""
    )
    missing = [f"{FLOWS[flow]}: {e.call} {e.note}".rstrip() for flow, e in report.missing()]
    if missing:
        warnings += f"<section><h2>Missing endpoints</h2>{_ul(missing, 'warn')}</section>"
    verdict = "fit" if report.ok else "gaps"
    ran = ": " + html.escape(counts) if report.ran_scenarios else " (not run)"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>erp-harness fit: {html.escape(title)}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#1f2328}}
table{{border-collapse:collapse;margin:.5rem 0}}
td,th{{padding:.25rem .6rem;border-bottom:1px solid #d0d7de;text-align:left;vertical-align:top}}
.badge{{color:#fff;border-radius:.3rem;padding:.1rem .4rem;font-size:.8rem;
  text-transform:uppercase;white-space:nowrap}}
section{{border-top:1px solid #d0d7de;margin-top:1.5rem}}
small,.muted{{color:#6e7781;font-size:.8rem}}
.evidence li{{font-family:monospace;font-size:.85rem}}
.warn li{{color:#9a6700}}
</style></head><body>
<h1>erp-harness fit: {html.escape(title)}</h1>
<p>profile <code>{html.escape(report.profile or "(none)")}</code> · seed {report.seed} ·
verdict {_badge(verdict if report.ok else "failed")} {html.escape(verdict)}</p>
<table><tr><th>flow</th><th>status</th><th>needs</th></tr>{summary_rows}</table>
<section><h2>Idempotency of the order export</h2>
<p><strong>{html.escape(idem.mechanism)}</strong> on <code>{html.escape(idem.field)}</code>
(native: {"yes" if idem.native else "no"}, unique: {"yes" if idem.unique else "no"}).
{html.escape(idem.detail)}</p></section>
{warnings}
{"".join(_flow_section(f) for f in report.flows)}
<section><h2>Known risks</h2>
<p class="muted">Catalog scenarios that run on {html.escape(report.erp)}, on the harness's seeded
world, for the builtin connector{ran}.</p>
<table><tr><th>id</th><th>result</th><th>scenario</th><th>flows</th><th>what it guards</th></tr>
{risk_rows}</table></section>
</body></html>
"""
