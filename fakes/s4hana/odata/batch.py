"""``$batch``: multipart/mixed requests with changesets, and the multipart answer.

Request parts are ``application/http`` (one request) or ``multipart/mixed`` (a changeset of
modifying requests). The answer mirrors the structure; a failed changeset is answered by the
single error response of the request that failed (OData v2 batch processing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http import HTTPStatus

from fakes.s4hana.errors import malformed

CRLF = "\r\n"
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


@dataclass
class BatchRequest:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""


@dataclass
class ChangeSet:
    requests: list[BatchRequest]


@dataclass
class BatchResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


Part = BatchRequest | ChangeSet
Answer = BatchResponse | list[BatchResponse]


def boundary_of(content_type: str) -> str:
    match = _BOUNDARY.search(content_type or "")
    if not match or not content_type.lower().startswith("multipart/mixed"):
        raise malformed("a $batch request needs Content-Type multipart/mixed with a boundary")
    return match.group(1).strip()


def _split(text: str, boundary: str) -> list[str]:
    pieces = re.split(r"(?:\r?\n)?--" + re.escape(boundary), text)
    if len(pieces) < 2 or not pieces[-1].startswith("--"):
        raise malformed("multipart body is not terminated by its closing boundary")
    return [p.lstrip("\r\n") if p.startswith(("\r\n", "\n")) else p for p in pieces[1:-1]]


def _headers_and_body(text: str) -> tuple[dict[str, str], str]:
    match = re.search(r"\r?\n\r?\n", text)
    head, body = (text[: match.start()], text[match.end() :]) if match else (text, "")
    headers = {}
    for line in filter(None, re.split(r"\r?\n", head)):
        name, sep, value = line.partition(":")
        if not sep:
            raise malformed(f"invalid header line in batch part: {line!r}")
        headers[name.strip().lower()] = value.strip()
    return headers, body


def _request(text: str) -> BatchRequest:
    line, _, rest = text.partition("\n")
    parts = line.strip().split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise malformed(f"invalid request line in batch part: {line.strip()!r}")
    headers, body = _headers_and_body(rest)
    return BatchRequest(parts[0].upper(), parts[1], headers, body.encode("utf-8"))


def parse_batch(body: bytes, content_type: str) -> list[Part]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise malformed("the $batch body is not UTF-8") from exc
    return [_part(piece) for piece in _split(text, boundary_of(content_type))]


def _part(piece: str) -> Part:
    headers, body = _headers_and_body(piece)
    kind = headers.get("content-type", "").lower()
    if kind.startswith("multipart/mixed"):
        inner = [_part(p) for p in _split(body, boundary_of(headers["content-type"]))]
        if not all(isinstance(p, BatchRequest) for p in inner):
            raise malformed("changesets cannot be nested")
        return ChangeSet([p for p in inner if isinstance(p, BatchRequest)])
    if not kind.startswith("application/http"):
        raise malformed("batch parts must be application/http or multipart/mixed")
    return _request(body)


def _http(response: BatchResponse) -> str:
    reason = HTTPStatus(response.status).phrase
    body = response.body.decode("utf-8")
    lines = [f"HTTP/1.1 {response.status} {reason}"]
    lines += [f"{name}: {value}" for name, value in response.headers]
    lines.append(f"Content-Length: {len(response.body)}")
    return CRLF.join(lines) + CRLF + CRLF + body


def _application_http(response: BatchResponse) -> str:
    payload = _http(response)
    head = [
        "Content-Type: application/http",
        f"Content-Length: {len(payload.encode('utf-8'))}",
        "content-transfer-encoding: binary",
    ]
    return CRLF.join(head) + CRLF + CRLF + payload + CRLF


def render_batch(answers: list[Answer], boundary: str, changeset_boundary: str) -> bytes:
    """The multipart body answering ``answers`` (one per request part, in order)."""
    chunks = []
    for index, answer in enumerate(answers):
        chunks.append(f"--{boundary}{CRLF}")
        if isinstance(answer, BatchResponse):
            chunks.append(_application_http(answer))
            continue
        inner = f"{changeset_boundary}_{index}"
        chunks.append(f"Content-Type: multipart/mixed; boundary={inner}{CRLF}{CRLF}")
        for response in answer:
            chunks.append(f"--{inner}{CRLF}" + _application_http(response))
        chunks.append(f"--{inner}--{CRLF}{CRLF}")
    chunks.append(f"--{boundary}--{CRLF}")
    return "".join(chunks).encode("utf-8")
