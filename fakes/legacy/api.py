"""HTTP routes of the legacy ERP fake: the SOAP OrderService and an SFTP-like file gateway.

SOAP 1.1 (document/literal)
    ``GET  /soap/OrderService?wsdl``   the WSDL (no auth), address = the URL the client used
    ``POST /soap/OrderService``        the operations (``text/xml``, ``SOAPAction``)

File gateway. Real legacy systems share their drop folders over SFTP or SMB; this gateway
gives remote connectors the same folders over HTTP (HTTP Basic, the SOAP user). Listings are
JSON ``{"directory", "files": [{"name", "size"}]}``; errors are JSON ``{"error": {code,
message}}``.
    ``GET    /files/{inbound|inbound/processed|inbound/error|outbound|ack}``      list
    ``GET    /files/{same}/<name>``                                             download
    ``PUT    /files/inbound/<name>``       drop a file (write the ``.done`` trigger last)
    ``DELETE /files/{outbound|ack}/<name>``                                    pick-up done

Every request first lets the ERP's scheduled jobs catch up with the clock (``tick``).
"""

from __future__ import annotations

from flask import Flask, Response, g, jsonify, request

from fakes.core.fake import CONTROL_PREFIX
from fakes.legacy import auth, operations, soap
from fakes.legacy.errors import (
    XML_CONTENT_TYPE,
    BadFileName,
    FileNotFound,
    LegacyError,
    MethodNotAllowed,
    error_response,
)
from fakes.legacy.folders import DropFolders
from fakes.legacy.state import LegacyBackend

SERVICE_PATH = "/soap/OrderService"
WSDL_ARGS = {"wsdl", "singlewsdl"}
LISTABLE = ("inbound", "inbound/processed", "inbound/error", "outbound", "ack")
DELETABLE = ("outbound", "ack")
TEXT_TYPES = {"csv": "text/csv; charset=utf-8", "rej": "text/csv; charset=utf-8",
              "ctl": "text/csv; charset=utf-8", "ack": "text/plain; charset=utf-8",
              "done": "text/plain; charset=utf-8"}


def _drift(backend: LegacyBackend) -> dict[str, str]:
    params = backend.peek_fault("wsdl_drift", g.get("armed"))
    return dict(params["rename"]) if params else {}


def _soap_routes(app: Flask, backend: LegacyBackend) -> None:
    @app.route(SERVICE_PATH, methods=["GET", "POST"])
    def order_service() -> Response:
        drift = _drift(backend)
        if request.method == "GET":
            if not WSDL_ARGS & {key.lower() for key in request.args}:
                raise MethodNotAllowed("POST SOAP 1.1 requests here; GET ?wsdl for the WSDL.")
            body = soap.wsdl_document(request.host_url.rstrip("/") + SERVICE_PATH, drift)
            return Response(body, content_type=XML_CONTENT_TYPE)
        envelope = soap.parse_envelope(request.get_data(), request.content_type)
        auth.check_soap(backend, request.headers.get("Authorization"), envelope.header)
        operation, payload = soap.resolve_call(envelope, request.headers.get("SOAPAction"), drift)
        result = operations.handler(operation)(backend, payload, g.get("armed") or {})
        return Response(soap.response_envelope(result, drift), content_type=XML_CONTENT_TYPE)


def _area(area: str, allowed: tuple[str, ...]) -> str:
    if area not in allowed:
        raise FileNotFound(f"No folder {area!r}.")
    return area


def _name(name: str) -> str:
    try:
        return DropFolders.check_name(name)
    except ValueError as exc:
        raise BadFileName(str(exc)) from None


def _listing(backend: LegacyBackend, area: str) -> Response:
    auth.check_basic(backend, request.headers.get("Authorization"))
    return jsonify({"directory": area, "files": backend.folders.listing(_area(area, LISTABLE))})


def _download(backend: LegacyBackend, area: str, name: str) -> Response:
    auth.check_basic(backend, request.headers.get("Authorization"))
    try:
        data = backend.folders.read(_area(area, LISTABLE), _name(name))
    except FileNotFoundError:
        raise FileNotFound(f"No file {area}/{name}.") from None
    content_type = TEXT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
    return Response(data, content_type=content_type)


def _file_routes(app: Flask, backend: LegacyBackend) -> None:
    @app.get("/files/<area>")
    @app.get("/files/inbound/<any(processed, error):sub>", defaults={"area": "inbound"})
    def list_files(area: str, sub: str | None = None) -> Response:
        return _listing(backend, f"{area}/{sub}" if sub else area)

    @app.get("/files/<area>/<name>")
    @app.get("/files/inbound/<any(processed, error):sub>/<name>", defaults={"area": "inbound"})
    def get_file(area: str, name: str, sub: str | None = None) -> Response:
        return _download(backend, f"{area}/{sub}" if sub else area, name)

    @app.put("/files/inbound/<name>")
    def put_file(name: str) -> tuple[Response, int]:
        auth.check_basic(backend, request.headers.get("Authorization"))
        existed = backend.folders.exists("inbound", _name(name))
        data = request.get_data()
        backend.folders.write("inbound", name, data)
        body = jsonify({"directory": "inbound", "name": name, "size": len(data)})
        return body, 200 if existed else 201

    @app.delete("/files/<area>/<name>")
    def delete_file(area: str, name: str) -> tuple[str, int]:
        auth.check_basic(backend, request.headers.get("Authorization"))
        if area not in DELETABLE:
            raise MethodNotAllowed(f"Files in {area!r} cannot be deleted through the gateway.")
        try:
            backend.folders.delete(area, _name(name))
        except FileNotFoundError:
            raise FileNotFound(f"No file {area}/{name}.") from None
        return "", 204


def register_routes(app: Flask, backend: LegacyBackend) -> None:
    @app.before_request
    def _catch_up() -> None:
        if request.path.startswith(CONTROL_PREFIX):
            return
        g.armed = backend.take_armed()
        backend.tick()

    @app.errorhandler(LegacyError)
    def _vendor_error(err: LegacyError) -> Response:
        return error_response(err)

    _soap_routes(app, backend)
    _file_routes(app, backend)
