"""What an API root serves: the standard ``api/v2.0`` pages or one publisher's custom pages.
Both answer the same questions (which entity sets, list, get, write, metadata) so the router
treats them alike; custom pages are projections of standard entity sets.
"""

from __future__ import annotations

from typing import Any, Protocol

from fakes.business_central.company import Company
from fakes.business_central.custom import CustomApi
from fakes.business_central.errors import ResourceNotFound
from fakes.business_central.metadata import csdl
from fakes.business_central.schema import STANDARD, EntityDef
from fakes.business_central.state import BusinessCentralBackend, Environment, Parent

Record = dict[str, Any]


class Catalog(Protocol):
    def entity(self, set_name: str) -> EntityDef | None: ...
    def sets(self) -> list[str]: ...
    def children(self, entity: EntityDef) -> dict[str, EntityDef]: ...
    def list(self, company: Company, set_name: str, parent: Parent | None) -> list[Record]: ...
    def get(self, company: Company, set_name: str, key: str, parent: Parent | None) -> Record: ...
    def create(self, company: Company, set_name: str, body: Any, parent: Parent | None) -> Record:
        ...
    def update(self, company: Company, set_name: str, key: str, body: Any, if_match: str | None,
               parent: Parent | None) -> Record: ...
    def delete(self, company: Company, set_name: str, key: str, if_match: str | None,
               parent: Parent | None) -> None: ...
    def invoke(self, company: Company, set_name: str, key: str, action: str) -> None: ...
    def metadata(self) -> str: ...


class StandardCatalog:
    """``api/v2.0``: the entity sets of :data:`fakes.business_central.schema.STANDARD`."""

    def __init__(self, backend: BusinessCentralBackend) -> None:
        self.backend = backend

    def entity(self, set_name: str) -> EntityDef | None:
        return STANDARD.get(set_name)

    def sets(self) -> list[str]:
        return list(STANDARD)

    def children(self, entity: EntityDef) -> dict[str, EntityDef]:
        return {entity.lines: STANDARD[entity.lines]} if entity.lines else {}

    def list(self, company: Company, set_name: str, parent: Parent | None) -> list[Record]:
        return self.backend.records(company, set_name, parent)

    def get(self, company: Company, set_name: str, key: str, parent: Parent | None) -> Record:
        return self.backend.record(company, set_name, key, parent)

    def create(self, company: Company, set_name: str, body: Any, parent: Parent | None) -> Record:
        return self.backend.create(company, set_name, body, parent)

    def update(self, company: Company, set_name: str, key: str, body: Any, if_match: str | None,
               parent: Parent | None) -> Record:
        return self.backend.update(company, set_name, key, body, if_match, parent)

    def delete(self, company: Company, set_name: str, key: str, if_match: str | None,
               parent: Parent | None) -> None:
        self.backend.delete(company, set_name, key, if_match, parent)

    def invoke(self, company: Company, set_name: str, key: str, action: str) -> None:
        self.backend.invoke(company, set_name, key, action)

    def metadata(self) -> str:
        return csdl(STANDARD, STANDARD)


class CustomCatalog:
    """``api/{publisher}/{group}/{version}``: custom pages over standard entity sets."""

    def __init__(self, backend: BusinessCentralBackend, apis: list[CustomApi]) -> None:
        self.backend = backend
        self.apis = {api.entity_set: api for api in apis}

    @classmethod
    def for_root(
        cls, backend: BusinessCentralBackend, env: Environment, root: tuple[str, str, str]
    ) -> CustomCatalog | None:
        apis = [api for api in env.custom_apis if api.root == root]
        return cls(backend, apis) if apis else None

    def _api(self, set_name: str) -> CustomApi:
        api = self.apis.get(set_name)
        if api is None:
            raise ResourceNotFound(f"Resource not found for the segment '{set_name}'.")
        return api

    def entity(self, set_name: str) -> EntityDef | None:
        api = self.apis.get(set_name)
        return api.entity() if api else None

    def sets(self) -> list[str]:
        return list(self.apis)

    def children(self, entity: EntityDef) -> dict[str, EntityDef]:
        return {}

    def list(self, company: Company, set_name: str, parent: Parent | None) -> list[Record]:
        api = self._api(set_name)
        return [api.view(r) for r in self.backend.records(company, api.source, None)]

    def get(self, company: Company, set_name: str, key: str, parent: Parent | None) -> Record:
        api = self._api(set_name)
        return api.view(self.backend.record(company, api.source, key, None))

    def create(self, company: Company, set_name: str, body: Any, parent: Parent | None) -> Record:
        api = self._api(set_name)
        source_body = api.to_source(body, creating=True)
        return api.view(self.backend.create(company, api.source, source_body, None))

    def update(self, company: Company, set_name: str, key: str, body: Any, if_match: str | None,
               parent: Parent | None) -> Record:
        api = self._api(set_name)
        source_body = api.to_source(body, creating=False)
        return api.view(self.backend.update(company, api.source, key, source_body, if_match, None))

    def delete(self, company: Company, set_name: str, key: str, if_match: str | None,
               parent: Parent | None) -> None:
        self.backend.delete(company, self._api(set_name).source, key, if_match, None)

    def invoke(self, company: Company, set_name: str, key: str, action: str) -> None:
        raise ResourceNotFound(f"Resource not found for the segment 'Microsoft.NAV.{action}'.")

    def metadata(self) -> str:
        entities = {name: api.entity() for name, api in self.apis.items()}
        return csdl(entities, entities)
