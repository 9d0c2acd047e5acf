"""``POST /$batch`` (manual 3.10): a multipart/mixed body of operations and change sets.

Operations run in order through the fake's own routes with the caller's session. A change set
is atomic: when one of its operations fails, everything it did is rolled back and that failure
is the change set's only answer. The batch stops at the first failure unless the request says
``Prefer: odata.continue-on-error``. ``$<Content-ID>`` in a change set stands for the URL of the
entity an earlier operation created. The answer is 202 in v1 and 200 in v2, multipart with CRLF
line ends, each part an ``application/http`` message with its own status line.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

from flask import Flask, Request, Response
from flask.testing import FlaskClient
from werkzeug.wrappers import Response as AnyResponse

from fakes.sap_b1 import errors
from fakes.sap_b1.errors import SLError, error_response
from fakes.sap_b1.render import Wire
from fakes.sap_b1.state import SapB1Backend

CRLF = "\r\n"
REQUEST_LINE = re.compile(
    r"^(GET|POST|PATCH|PUT|MERGE|DELETE)\s+(\S+)(?:\s+HTTP/\d\.\d)?\s*$", re.I
)
HEADER_LINE = re.compile(r"^([A-Za-z0-9-]+)\s*:\s*(.*)$")
BOUNDARY = re.compile(r'boundary\s*=\s*"?([^";,\s]+)"?', re.I)
SKIP_HEADERS = {"content-length", "host", "cookie"}


@dataclass
class Operation:
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""
    content_id: str | None = None


def boundary_of(content_type: str) -> str | None:
    match = BOUNDARY.search(content_type)
    return match.group(1) if match else None


def split_parts(text: str, boundary: str) -> list[str]:
    """The parts between ``--boundary`` lines; the closing ``--boundary--`` is required."""
    delimiter = re.compile(r"(?:^|\r?\n)--" + re.escape(boundary) + r"(--)?[ \t]*(?=\r?\n|$)")
    pieces = delimiter.split(text)
    # split() yields: preamble, close-marker, part, close-marker, part, ...
    parts: list[str] = []
    closed = False
    for index in range(1, len(pieces) - 1, 2):
        if pieces[index] == "--":
            closed = True
            break
        parts.append(re.sub(r"^\r?\n", "", pieces[index + 1]))
    if not closed or not parts:
        raise errors.batch_incomplete()
    return parts


def _lines(text: str) -> list[str]:
    return re.split(r"\r?\n", text)


def _read_headers(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    """MIME part headers, up to a blank line or (leniently) straight up to a request line."""
    headers: dict[str, str] = {}
    index = start
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            return headers, index + 1
        if REQUEST_LINE.match(line):
            return headers, index
        match = HEADER_LINE.match(line)
        if match is None:
            raise errors.batch_incomplete()
        headers[match.group(1).lower()] = match.group(2).strip()
        index += 1
    return headers, index


def parse_operation(part_headers: dict[str, str], lines: list[str], start: int) -> Operation:
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines):
        raise errors.batch_incomplete()
    match = REQUEST_LINE.match(lines[start].strip())
    if match is None:
        raise errors.batch_incomplete()
    content_id = part_headers.get("content-id")
    op = Operation(match.group(1).upper(), match.group(2), content_id=content_id)
    index = start + 1
    while index < len(lines) and lines[index].strip():
        header = HEADER_LINE.match(lines[index])
        if header is None:
            raise errors.batch_incomplete()
        op.headers.append((header.group(1), header.group(2).strip()))
        index += 1
    op.body = CRLF.join(lines[index + 1 :]).strip()
    return op


class BatchRun:
    def __init__(self, app: Flask, backend: SapB1Backend, wire: Wire, request: Request) -> None:
        self.client: FlaskClient = app.test_client(use_cookies=False)
        self.backend = backend
        self.wire = wire
        self.cookie = request.headers.get("Cookie", "")
        self.continue_on_error = "odata.continue-on-error" in request.headers.get("Prefer", "")

    def boundary(self, prefix: str) -> str:
        return f"{prefix}_{uuid.UUID(int=self.backend.rng_batch.getrandbits(128), version=4)}"

    def url_path(self, url: str, content_ids: dict[str, str]) -> str:
        if url.startswith("$"):
            ref, _, rest = url[1:].partition("/")
            if ref not in content_ids:
                raise errors.resource_not_found(url)
            return content_ids[ref] + (f"/{rest}" if rest else "")
        if "://" in url:
            parts = urlsplit(url)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return url if url.startswith("/") else f"/b1s/{self.wire.version}/{url}"

    def execute(self, op: Operation, content_ids: dict[str, str]) -> AnyResponse:
        try:
            path = self.url_path(op.url, content_ids)
        except SLError as exc:
            return error_response(exc)
        path, _, query = path.partition("?")
        headers = [(k, v) for k, v in op.headers if k.lower() not in SKIP_HEADERS]
        headers.append(("Cookie", self.cookie))
        response = self.client.open(
            path, method=op.method, query_string=query, headers=headers,
            data=op.body.encode("utf-8"), base_url=self.wire.host_url,
        )
        if op.content_id and response.headers.get("Location"):
            content_ids[op.content_id] = urlsplit(response.headers["Location"]).path
        return response

    def single(self, part: str) -> tuple[str, bool]:
        lines = _lines(part)
        headers, start = _read_headers(lines, 0)
        sub = boundary_of(headers.get("content-type", ""))
        if sub and headers.get("content-type", "").lower().startswith("multipart/mixed"):
            return self.changeset(CRLF.join(lines[start:]), sub)
        response = self.execute(parse_operation(headers, lines, start), {})
        return http_part(response, None), response.status_code < 400

    def changeset(self, body: str, sub: str) -> tuple[str, bool]:
        saved = self.backend.checkpoint()
        content_ids: dict[str, str] = {}
        answers: list[str] = []
        for part in split_parts(body, sub):
            lines = _lines(part)
            headers, start = _read_headers(lines, 0)
            op = parse_operation(headers, lines, start)
            response = self._changeset_op(op, content_ids)
            if response.status_code >= 400:
                self.backend.restore(saved)
                return http_part(response, op.content_id), False
            answers.append(http_part(response, op.content_id))
        marker = self.boundary("changesetresponse")
        inner = "".join(f"--{marker}{CRLF}{answer}" for answer in answers) + f"--{marker}--{CRLF}"
        return f"Content-Type: multipart/mixed;boundary={marker}{CRLF}{CRLF}{inner}", True

    def _changeset_op(self, op: Operation, content_ids: dict[str, str]) -> AnyResponse:
        if op.method == "GET":
            return error_response(SLError(-1000, "GET requests are not allowed in a change set"))
        return self.execute(op, content_ids)


def http_part(response: AnyResponse, content_id: str | None) -> str:
    head = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if content_id:
        head.append(f"Content-ID: {content_id}")
    body = response.get_data(as_text=True)
    status = f"HTTP/1.1 {response.status_code} {HTTPStatus(response.status_code).phrase}"
    headers = [f"{k}: {v}" for k, v in response.headers.items() if k.lower() != "content-length"]
    if body:
        headers.append(f"Content-Length: {len(body.encode('utf-8'))}")
    lines = [*head, "", status, *headers, "", body]
    return CRLF.join(lines) + CRLF


def handle(app: Flask, backend: SapB1Backend, wire: Wire, request: Request) -> Response:
    boundary = boundary_of(request.headers.get("Content-Type", ""))
    if boundary is None:
        raise errors.batch_incomplete()
    parts = split_parts(request.get_data(as_text=True), boundary)
    run = BatchRun(app, backend, wire, request)
    chunks: list[str] = []
    for part in parts:
        chunk, ok = run.single(part)
        chunks.append(chunk)
        if not ok and not run.continue_on_error:
            break
    marker = run.boundary("batchresponse")
    body = "".join(f"--{marker}{CRLF}{chunk}" for chunk in chunks) + f"--{marker}--{CRLF}"
    return Response(
        body, status=200 if wire.v2 else 202,
        content_type=f"multipart/mixed;boundary={marker}", headers=wire.headers(),
    )
