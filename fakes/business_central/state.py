"""The Business Central backend: one Entra tenant with several environments, each holding
companies whose data is fully separate; entity operations with ETag concurrency; token and
request-budget checks; custom API pages; control-plane events. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from fakes.business_central import documents, masters, posting, shipping
from fakes.business_central.auth import (
    AppRegistration,
    AuthState,
    RateLimiter,
    TokenInfo,
    TokenService,
    new_guid,
)
from fakes.business_central.company import Company
from fakes.business_central.custom import CustomApi
from fakes.business_central.errors import (
    AuthError,
    CompanyNotFound,
    Dialog,
    EntityChanged,
    EnvironmentNotFound,
    InvalidToken,
    MethodNotAllowed,
    RecordNotFound,
    ResourceNotFound,
)
from fakes.business_central.options import Options
from fakes.business_central.schema import STANDARD, EntityDef
from fakes.business_central.seed import DatasetSeeder
from fakes.business_central.snapshot import company_snapshot
from fakes.business_central.values import etag_matches
from fakes.business_central.webservices import add_line, check_page
from fakes.core.backend import VendorBackend, event

Parent = tuple[str, str]
"""(header entity set, header id) for lines reached through their document."""

DEFAULT_COMPANY_MESSAGE = (
    "Cannot process the request because the default company cannot be found. You can specify a "
    "default company in the service configuration file, or specify one for each tenant, or you "
    'can add a query string in the form of "company=[name]". You can see the available '
    'companies by accessing the default OData web service, Company. For more information, see '
    '"OData Web Services" in Help.'
)


@dataclass
class Environment:
    name: str
    type: str
    companies: dict[str, Company] = field(default_factory=dict)
    custom_apis: list[CustomApi] = field(default_factory=list)

    def company_by_name(self, name: str) -> Company | None:
        return next((c for c in self.companies.values() if c.name.lower() == name.lower()), None)


class BusinessCentralBackend(VendorBackend):
    """All state of one fake Business Central tenant."""

    def load_seed(self) -> None:
        self.options = Options.from_dict(self.ctx.options)
        self.app = AppRegistration.generate(
            self.ctx.rng.stream("business-central:credentials"), self.options.tenant_domain
        )
        self.auth = AuthState(self.ctx.rng.stream("business-central:correlation"))
        self.environments: dict[str, Environment] = {}
        self.published = {name: check_page(page) for name, page in self.options.web_services}
        ids = self.ctx.rng.stream("business-central:companies")
        company_ids = [new_guid(ids) for _ in self.options.companies]
        first_env = self.options.environments[0][0]
        for index, (name, kind) in enumerate(self.options.environments):
            env = Environment(name, kind)
            env.custom_apis = [CustomApi.from_option(d) for d in self.options.custom_apis]
            copy = self.options.sandbox_is_copy
            if not copy and index:
                company_ids = [new_guid(ids) for _ in self.options.companies]
            for company_id, company_name in zip(company_ids, self.options.companies, strict=True):
                stream = f"business-central:ids:{first_env if copy else name}:{company_name}"
                env.companies[company_id] = self._new_company(company_id, company_name, stream)
            self.environments[name.lower()] = env

    def _new_company(self, company_id: str, name: str, stream: str) -> Company:
        created = self.ctx.dataset.created_at
        seeder = DatasetSeeder(self.ctx.dataset, self.ctx.profile, created)
        return Company(company_id, name, self.ctx.rng.stream(stream), created, seeder)

    # -- services ---------------------------------------------------------------------------
    @property
    def tokens(self) -> TokenService:
        return TokenService(self.app, self.auth, self.options.token_lifetime_s)

    @property
    def limiter(self) -> RateLimiter:
        o = self.options
        return RateLimiter(self.auth, o.rate_limit, o.rate_window_s, o.throttle_retry_after)

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def correlation_id(self) -> str:
        return self.auth.guid()

    def authenticate(self, authorization: str | None, tenant: str | None) -> TokenInfo:
        info = self.tokens.check(authorization, self.now)
        if tenant is not None and not self.app.is_tenant(tenant):
            raise AuthError("The server has rejected the client credentials.",
                            headers=self.tokens.challenge('error="invalid_token"'))
        self.limiter.hit(info.client_id, self.now)
        return info

    @property
    def primary(self) -> tuple[Environment, Company]:
        env = next(iter(self.environments.values()))
        return env, next(iter(env.companies.values()))

    # -- resolution ---------------------------------------------------------------------------
    def environment(self, name: str) -> Environment:
        env = self.environments.get(name.lower())
        if env is None:
            raise EnvironmentNotFound("Environment does not exist.")
        return env

    def company(self, env: Environment, company_id: str | None, name: str | None) -> Company:
        company = env.companies.get(company_id.lower()) if company_id else None
        if company is None and name and not company_id:
            company = env.company_by_name(name)
        if company is None:
            raise CompanyNotFound(DEFAULT_COMPANY_MESSAGE)
        return company

    # -- reads --------------------------------------------------------------------------------
    def records(
        self, company: Company, set_name: str, parent: Parent | None
    ) -> list[dict[str, Any]]:
        if parent is None:
            return list(company.records(set_name))
        header = company.get(STANDARD[parent[0]], parent[1])
        return company.lines(header, set_name)

    def record(
        self, company: Company, set_name: str, record_id: str, parent: Parent | None
    ) -> dict[str, Any]:
        entity = STANDARD[set_name]
        record = company.get(entity, record_id)
        if parent is not None and record.get("documentId") != parent[1]:
            company.get(STANDARD[parent[0]], parent[1])
            raise RecordNotFound(f"The {entity.table} does not exist. Identification fields and "
                                 f"values: Id='{{{record_id.upper()}}}'")
        return record

    # -- writes -------------------------------------------------------------------------------
    def create(
        self, company: Company, set_name: str, body: Any, parent: Parent | None
    ) -> dict[str, Any]:
        entity = _allowed(STANDARD[set_name], "POST")
        if set_name in documents.KINDS:
            return documents.create_document(company, documents.KINDS[set_name], body, self.now)
        if set_name in documents.KIND_OF_LINES:
            kind = documents.KIND_OF_LINES[set_name]
            header = self._header_for(company, kind, body, parent)
            return documents.create_line(company, kind, header, body, self.now)
        if masters.is_master(set_name):
            return masters.create_master(company, entity, body, self.now)
        raise _not_allowed("POST", entity)

    def update(
        self, company: Company, set_name: str, record_id: str, body: Any, if_match: str | None,
        parent: Parent | None,
    ) -> dict[str, Any]:
        entity = _allowed(STANDARD[set_name], "PATCH")
        record = self.record(company, set_name, record_id, parent)
        self._check_etag(record, if_match)
        if set_name in documents.KINDS:
            kind = documents.KINDS[set_name]
            return documents.update_document(company, kind, record, body, self.now)
        if set_name in documents.KIND_OF_LINES:
            kind = documents.KIND_OF_LINES[set_name]
            header = company.get(kind.header, record["documentId"])
            return documents.update_line(company, kind, header, record, body, self.now)
        return masters.update_master(company, entity, record, body, self.now)

    def delete(
        self, company: Company, set_name: str, record_id: str, if_match: str | None,
        parent: Parent | None,
    ) -> None:
        entity = _allowed(STANDARD[set_name], "DELETE")
        record = self.record(company, set_name, record_id, parent)
        self._check_etag(record, if_match)
        if set_name in documents.KINDS:
            documents.delete_document(company, documents.KINDS[set_name], record)
        elif set_name in documents.KIND_OF_LINES:
            kind = documents.KIND_OF_LINES[set_name]
            header = company.get(kind.header, record["documentId"])
            documents.delete_line(company, kind, header, record, self.now)
        else:
            masters.delete_master(company, entity, record)

    def invoke(self, company: Company, set_name: str, record_id: str, action: str) -> None:
        entity = STANDARD[set_name]
        if action not in entity.actions:
            raise ResourceNotFound(f"Resource not found for the segment 'Microsoft.NAV.{action}'.")
        record = company.get(entity, record_id)
        if set_name == "salesOrders":
            posting.post_order(company, record, self.now, self._rules, invoice=True)
        else:
            posting.post_credit_memo(company, record, self.now)

    @property
    def _rules(self) -> posting.PostingRules:
        return posting.PostingRules(self.options.prevent_negative_inventory,
                                    self.options.delete_fully_posted_orders)

    def _header_for(
        self, company: Company, kind: documents.DocKind, body: Any, parent: Parent | None
    ) -> dict[str, Any]:
        if parent is not None:
            return company.get(kind.header, parent[1])
        document_id = body.get("documentId") if isinstance(body, dict) else None
        if not isinstance(document_id, str):
            raise Dialog("You must specify an Id or a Document Id to get the lines.")
        return company.get(kind.header, document_id)

    def _check_etag(self, record: dict[str, Any], if_match: str | None) -> None:
        if not if_match or not if_match.strip():
            raise InvalidToken(InvalidToken.TEXT)
        if not etag_matches(record, if_match):
            raise EntityChanged(EntityChanged.TEXT, status=self.options.etag_conflict_status)

    # -- custom API pages ---------------------------------------------------------------------
    def custom_api(self, env: Environment, root: tuple[str, str, str], set_name: str) -> CustomApi:
        for api in env.custom_apis:
            if api.root == root and api.entity_set == set_name:
                return api
        raise ResourceNotFound(f"Resource not found for the segment '{set_name}'.")

    def custom_roots(self, env: Environment) -> set[tuple[str, str, str]]:
        return {api.root for api in env.custom_apis}

    def regress_custom_api(self, params: dict[str, Any]) -> int:
        """Apply a custom-page regression (the ``custom_api_regression`` vendor fault)."""
        touched = 0
        wanted_env = params.get("environment")
        for env in self.environments.values():
            if wanted_env and env.name.lower() != str(wanted_env).lower():
                continue
            for api in env.custom_apis:
                if api.entity_set == params.get("entity_set"):
                    api.regress(dict(params.get("rename") or {}), list(params.get("remove") or []),
                                list(params.get("require") or []))
                    touched += 1
        return touched

    # -- snapshot -------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "tenant": self.app.tenant_id,
            "environments": {
                env.name: {c.name: company_snapshot(c) for c in env.companies.values()}
                for env in self.environments.values()
            },
        }

    # -- events -------------------------------------------------------------------------------
    def _target(self, environment: str | None, company: str | None) -> Company:
        env = self.environment(environment) if environment else self.primary[0]
        if company is None:
            return next(iter(env.companies.values()))
        found = env.companies.get(company.lower()) or env.company_by_name(company)
        if found is None:
            raise ValueError(f"no company {company!r} in environment {env.name!r}")
        return found

    def _order(self, company: Company, number: str) -> dict[str, Any]:
        order = company.find("salesOrders", number=number)
        if order is None:
            raise ValueError(f"no sales order {number!r} in {company.name!r}")
        return order

    @event("post_item_journal")
    def post_item_journal(
        self, item_number: str, location_code: str, quantity: float | int | str,
        environment: str | None = None, company: str | None = None,
    ) -> dict[str, Any]:
        target = self._target(environment, company)
        entry = posting.post_item_journal(target, item_number, location_code,
                                          Decimal(str(quantity)), self.now)
        return {"entryNumber": entry["entryNumber"], "documentNumber": entry["documentNumber"]}

    @event("ship_order")
    def ship_order(
        self, number: str, lines: list[dict[str, Any]] | None = None,
        environment: str | None = None, company: str | None = None,
    ) -> dict[str, Any]:
        """An operator posts a shipment (no invoice): ``lines`` as ``[{sequence, quantity}]``,
        or every line's ``shipQuantity`` when omitted."""
        target = self._target(environment, company)
        order = self._order(target, number)
        plan = None if lines is None else {
            int(ln["sequence"]): Decimal(str(ln["quantity"])) for ln in lines}
        try:
            return posting.post_order(target, order, self.now, self._rules, invoice=False,
                                      ship_plan=plan)
        except Dialog as exc:
            raise ValueError(exc.message) from exc

    @event("ship_from_locations")
    def ship_from_locations(
        self, number: str, lines: list[dict[str, Any]],
        environment: str | None = None, company: str | None = None,
    ) -> dict[str, Any]:
        """Post a shipment with lines moved to named locations (:mod:`.shipping`)."""
        target = self._target(environment, company)
        return shipping.ship(target, self._order(target, number), lines, self.now, self._rules)

    @event("cancel_order")
    def cancel_order(
        self, number: str, environment: str | None = None, company: str | None = None
    ) -> dict[str, Any]:
        target = self._target(environment, company)
        return posting.cancel_order(target, self._order(target, number), self.now)

    @event("block_customer")
    def block_customer(
        self, number: str, blocked: str = "All", environment: str | None = None,
        company: str | None = None,
    ) -> dict[str, Any]:
        target = self._target(environment, company)
        customer = target.find("customers", number=number)
        if customer is None:
            raise ValueError(f"no customer {number!r} in {target.name!r}")
        value = blocked if blocked.strip() else " "
        if value not in ("Ship", "Invoice", "All", " "):
            raise ValueError("blocked must be one of '', 'Ship', 'Invoice', 'All'")
        customer["blocked"] = value
        target.touch(customer, self.now)
        return {"number": customer["number"], "blocked": value}

    @event("publish_web_service")
    def publish_web_service(self, service_name: str, object_id: int = 7005) -> dict[str, Any]:
        """The Web Services page: a Page object published under ``service_name``."""
        if not service_name or not str(service_name).replace("_", "").isalnum():
            raise ValueError(f"web service name {service_name!r} must be letters, digits, _")
        self.published[str(service_name)] = check_page(int(object_id))
        return {"service_name": service_name, "object_id": int(object_id)}

    @event("add_price_list_line")
    def add_price_list_line(
        self, price_list_code: str, asset_no: str, unit_price: float | str,
        starting_date: str | None = None, ending_date: str | None = None,
        status: str = "Active", source_type: str = "All_Customers", source_no: str = "",
        minimum_quantity: float | str = 0, environment: str | None = None,
        company: str | None = None,
    ) -> dict[str, Any]:
        """A line of a sales price list (table 7001), as entered on the price list page."""
        target = self._target(environment, company)
        line = add_line(target, {
            "price_list_code": price_list_code, "asset_no": asset_no, "unit_price": unit_price,
            "starting_date": starting_date, "ending_date": ending_date, "status": status,
            "source_type": source_type, "source_no": source_no,
            "minimum_quantity": minimum_quantity,
        })
        return {"price_list_code": line["Price_List_Code"], "line_no": line["Line_No"]}

    @event("revoke_tokens")
    def revoke_tokens(self) -> dict[str, int]:
        return {"revoked": self.tokens.revoke_all()}


def _allowed(entity: EntityDef, method: str) -> EntityDef:
    flag = {"POST": entity.insert, "PATCH": entity.update, "DELETE": entity.delete}[method]
    if not flag:
        raise _not_allowed(method, entity)
    return entity


def _not_allowed(method: str, entity: EntityDef) -> MethodNotAllowed:
    return MethodNotAllowed(
        f"'{method}' requests for '{entity.set_name}' of EdmType 'Entity' are not allowed "
        "within Microsoft Dynamics NAV OData web services."
    )
