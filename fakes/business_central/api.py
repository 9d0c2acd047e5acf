"""Flask routes: the Entra ID token endpoint (``/{tenant}/oauth2/v2.0/token``) and its OpenID
discovery document, the environments list (``/environments/v1.1`` and ``v1.2``), and every
``/v2.0/...`` API path, handed to :mod:`fakes.business_central.router`.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import unquote

from flask import Flask, Response, request

from fakes.business_central.errors import (
    EXTENSION_KEY,
    BCError,
    EntraError,
    error_response,
    json_response,
)
from fakes.business_central.router import handle
from fakes.business_central.state import BusinessCentralBackend
from fakes.business_central.wire import ApiRequest, ApiResponse
from fakes.core.backend import VendorBackend

API_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"]
TOKEN_PATH = "/<tenant>/oauth2/v2.0/token"
ENTRA_JSON = "application/json; charset=utf-8"


def register_routes(app: Flask, backend: VendorBackend) -> None:
    assert isinstance(backend, BusinessCentralBackend)
    app.extensions[EXTENSION_KEY] = backend

    @app.post(TOKEN_PATH)
    def token(tenant: str) -> Response:
        return _token(backend, tenant)

    @app.get("/<tenant>/v2.0/.well-known/openid-configuration")
    def openid_configuration(tenant: str) -> Response:
        return _discovery(backend, tenant)

    @app.get("/environments/<version>")
    def environments(version: str) -> Response:
        return _environments(backend, version)

    @app.route("/v2.0/<path:rest>", methods=API_METHODS)
    def api(rest: str) -> Response:
        return _render(handle(backend, _api_request(rest)))


def _api_request(rest: str) -> ApiRequest:
    return ApiRequest(
        method=request.method,
        path=rest,
        args={k: v for k, v in request.args.items()},
        headers={k: v for k, v in request.headers.items()},
        body=request.get_data(),
        root=request.host_url,
    )


def _render(result: ApiResponse) -> Response:
    if result.body is None:
        response = Response(status=result.status)
    elif isinstance(result.body, str):
        response = Response(result.body, status=result.status, content_type=result.content_type)
    else:
        response = Response(json.dumps(result.body), status=result.status,
                            content_type=result.content_type)
    response.headers["OData-Version"] = "4.0"
    for key, value in result.headers.items():
        response.headers[key] = value
    return response


# -- Entra ID -----------------------------------------------------------------------------------


def _token(backend: BusinessCentralBackend, tenant: str) -> Response:
    form = {k: v for k, v in request.form.items()}
    _basic_credentials(form)
    try:
        body = backend.tokens.issue(tenant, form, backend.now)
    except EntraError as exc:
        return _entra_error(backend, exc)
    response = Response(json.dumps(body), status=200, content_type=ENTRA_JSON)
    response.headers["Cache-Control"] = "no-store, no-cache"
    response.headers["Pragma"] = "no-cache"
    return response


def _basic_credentials(form: dict[str, str]) -> None:
    """client_secret_basic: credentials in ``Authorization: Basic`` (RFC 6749 section 2.3.1)."""
    scheme, _, encoded = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return
    try:
        user, _, password = base64.b64decode(encoded.strip()).decode().partition(":")
    except ValueError:
        return
    form.setdefault("client_id", unquote(user))
    form.setdefault("client_secret", unquote(password))


def _entra_error(backend: BusinessCentralBackend, exc: EntraError) -> Response:
    stamp = backend.now.strftime("%Y-%m-%d %H:%M:%SZ")
    body = exc.body(backend.correlation_id(), backend.correlation_id(), stamp)
    return Response(json.dumps(body), status=exc.status,
                    content_type=ENTRA_JSON)


def _discovery(backend: BusinessCentralBackend, tenant: str) -> Response:
    if not backend.app.is_tenant(tenant):
        error = EntraError(400, "invalid_tenant", 90002, f"Tenant '{tenant}' not found.")
        return _entra_error(backend, error)
    root = f"{request.host_url}{tenant}"
    tid = backend.app.tenant_id
    body: dict[str, Any] = {
        "token_endpoint": f"{root}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": f"{root}/discovery/v2.0/keys",
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": f"https://login.microsoftonline.com/{tid}/v2.0",
        "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
        "tenant_region_scope": "EU",
    }
    return Response(json.dumps(body), status=200, content_type=ENTRA_JSON)


# -- environments -------------------------------------------------------------------------------


def _environments(backend: BusinessCentralBackend, version: str) -> Response:
    if version not in ("v1.1", "v1.2"):
        return error_response(BCError(f"No HTTP resource was found that matches the request URI "
                                      f"'{request.url}'.", code="BadRequest_NotFound", status=404))
    try:
        backend.authenticate(request.headers.get("Authorization"), None)
    except BCError as exc:
        return error_response(exc, backend.correlation_id())
    tid = backend.app.tenant_id
    value = [
        {"aadTenantId": tid, "applicationFamily": "BusinessCentral", "type": env.type,
         "name": env.name, "countryCode": "GB",
         "webServiceUrl": f"{request.host_url}v2.0/{tid}/{env.name}",
         "webClientLoginUrl": f"{request.host_url}{tid}/{env.name}"}
        for env in backend.environments.values()
    ]
    return json_response({"value": value}, 200)
