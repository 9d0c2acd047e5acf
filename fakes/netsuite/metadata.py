"""The record metadata catalog (``/services/rest/record/v1/metadata-catalog``): what the account's
records look like, custom fields included, as the "Working with Resource Metadata" chapter of the
REST web services guide describes it.

``GET metadata-catalog``             the list of record types, each with links to its metadata in
                                     ``application/json``, ``application/swagger+json`` and
                                     ``application/schema+json``; with ``Accept:
                                     application/swagger+json`` an OpenAPI 3.0 document of every
                                     record type (or of those named in ``select=a,b``).
``GET metadata-catalog/<recordType>`` with ``Accept: application/swagger+json`` an OpenAPI 3.0
                                     document of that record; otherwise its JSON Schema.

Custom fields are the account's (option ``custom_fields``) less those a ``custom_field_removed``
fault has taken away, marked ``"x-ns-custom-field": true`` as in the documented example. The
shapes of reference and enum fields are simplified (an object of ``id`` and ``refName``).
"""

from __future__ import annotations

from typing import Any

from fakes.netsuite.model import (
    ENUMS,
    RECORD_TYPES,
    TRANSFORMS,
    Kind,
    RecordType,
    Sublist,
    label,
)

SWAGGER = "application/swagger+json"
SCHEMA = "application/schema+json"
CATALOG_PATH = "/services/rest/record/v1/metadata-catalog"
FORMATS: dict[Kind, dict[str, Any]] = {
    "string": {"type": "string"},
    "id": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "datetime": {"type": "string", "format": "date-time"},
    "number": {"type": "number", "format": "double"},
    "integer": {"type": "integer", "format": "int64"},
    "boolean": {"type": "boolean"},
}


def catalog_list(base: str, names: list[str]) -> dict[str, Any]:
    url = f"{base}{CATALOG_PATH}"
    items = [
        {
            "name": name,
            "links": [
                {"rel": rel, "href": f"{url}/{name}", "mediaType": media}
                for rel, media in (
                    ("canonical", "application/json"),
                    ("alternate", SWAGGER),
                    ("alternate", SCHEMA),
                )
            ],
        }
        for name in names
    ]
    return {"items": items, "links": [{"rel": "self", "href": url}]}


def _field(kind: Kind, name: str, title: str, read_only: bool,
           labels: dict[str, str] | None = None) -> dict[str, Any]:
    labels = labels if labels is not None else ENUMS.get(name)
    if kind in ("ref", "enum"):
        ident: dict[str, Any] = {"type": "string"}
        if kind == "enum" and labels is not None:
            ident["enum"] = sorted(labels)
        spec: dict[str, Any] = {
            "type": "object",
            "properties": {"id": ident, "refName": {"type": "string"}},
        }
    else:
        spec = dict(FORMATS[kind])
    spec = {"title": title, **spec, "nullable": True}
    if read_only:
        spec["readOnly"] = True
    return spec


def _sublist_element(sublist: Sublist) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {n: _field(k, n, label(n), False) for n, k in sublist.fields.items()},
    }


def record_schema(rt: RecordType, custom: dict[str, str]) -> dict[str, Any]:
    """The JSON Schema of ``rt`` with the given custom fields (id -> label)."""
    props: dict[str, Any] = {
        n: _field(k, n, label(n), n in rt.read_only, rt.enum_labels(n))
        for n, k in rt.fields.items()
    }
    for name, sub in rt.sublists.items():
        props[name] = {
            "title": label(name),
            "type": "object",
            "properties": {"items": {"type": "array", "items": _sublist_element(sub)}},
        }
    for name, title in sorted(custom.items()):
        props[name] = {"title": title, "type": "string", "nullable": True,
                       "x-ns-custom-field": True}
    return {"type": "object", "title": rt.label, "properties": props}


def _paths(rt: RecordType) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{rt.name}"}
    body = {"content": {"application/json": {"schema": ref}}}
    key = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ok = {"200": {"description": "Get record", "content": {"application/json": {"schema": ref}}}}
    done = {"204": {"description": "Done"}}
    single: dict[str, Any] = {"get": {"tags": [rt.name], "parameters": [key], "responses": ok}}
    listing: dict[str, Any] = {
        "get": {
            "tags": [rt.name],
            "summary": "Get list of records",
            "parameters": [
                {"name": "q", "in": "query", "description": "Search query used to filter "
                 "results", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                {"name": "offset", "in": "query", "schema": {"type": "integer"}},
            ],
            "responses": {"200": {"description": "Get list of records"}},
        }
    }
    if rt.writable:
        if rt.creatable:
            listing["post"] = {"tags": [rt.name], "requestBody": body, "responses": done}
        for verb in ("put", "patch", "delete") if rt.creatable else ("patch", "delete"):
            single[verb] = {"tags": [rt.name], "parameters": [key], "responses": done}
            if verb != "delete":
                single[verb]["requestBody"] = body
    elif rt.name == "itemFulfillment":
        single["delete"] = {"tags": [rt.name], "parameters": [key], "responses": done}
    paths = {f"/{rt.name}": listing, f"/{rt.name}/{{id}}": single}
    for target in TRANSFORMS.get(rt.name, ()):
        paths[f"/{rt.name}/{{id}}/!transform/{target}"] = _transform_path(rt, target, key)
    return paths


def _transform_path(rt: RecordType, target: str, key: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "title": RECORD_TYPES[target].label}
    return {"post": {
        "tags": [rt.name], "summary": f"Transform to {target}.", "parameters": [key],
        "requestBody": {"content": {"application/json": {"schema": schema}}},
        "responses": {"204": {"description": "Transformed"}},
    }}


def openapi(base: str, records: list[tuple[RecordType, dict[str, str]]]) -> dict[str, Any]:
    """An OpenAPI 3.0 document of the given record types (each with its custom fields)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for rt, custom in records:
        paths.update(_paths(rt))
        schemas[rt.name] = record_schema(rt, custom)
    return {
        "openapi": "3.0.1",
        "info": {"title": "NetSuite REST Record API", "version": "v1"},
        "servers": [{"url": f"{base}/services/rest/record/v1"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def all_record_names() -> list[str]:
    return list(RECORD_TYPES)
