"""A bounded request journal: what each fake was asked, what it answered, which fault struck.

Secrets never enter the journal: credential headers are dropped, secret-looking JSON keys are
masked, and the bodies of a vendor's sensitive routes (token endpoints, logins) are withheld.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

SECRET_HEADERS = {
    "authorization",
    "cookie",
    "set-cookie",
    "x-harness-token",
    "proxy-authorization",
    "x-csrf-token",
}
XML_SECRET = re.compile(
    r"(<(?:[\w.-]+:)?(Password|ClientSecret|Token)\b[^>]*>)(.*?)(</(?:[\w.-]+:)?\2>)", re.S | re.I
)
SECRET_KEY = re.compile(r"pass(word)?|secret|token|private|signature|assertion|api[_-]?key", re.I)
# the words of SECRET_KEY, lowered; "api" alone would send every OData body (its URLs name
# API_..._SRV services) through the full pattern, at a fraction of a millisecond each
SECRET_WORDS = (
    "pass", "secret", "token", "private", "signature", "assertion", "apikey", "api_key", "api-key"
)
BODY_LIMIT = 4096
REDACTED = "***"


@dataclass(frozen=True)
class JournalEntry:
    seq: int
    at: str
    method: str
    path: str
    query: str
    status: int | None
    outcome: str
    fault_id: str | None
    fault_effect: str | None
    request_headers: dict[str, str]
    request_body: str
    response_body: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in SECRET_HEADERS}


@functools.lru_cache(maxsize=4096)
def _secret_key(key: str) -> bool:
    return SECRET_KEY.search(key) is not None


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (REDACTED if _secret_key(str(k)) and v not in (None, "") else _mask(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def _may_hold_secret(text: str) -> bool:
    """A quick test with the same words as :data:`SECRET_KEY` (substring search is much
    faster than the regex on large bodies); True sends the text through the full redaction."""
    lowered = text.lower()
    return any(word in lowered for word in SECRET_WORDS)


def redact_body(body: bytes | str, sensitive: bool = False) -> str:
    if sensitive:
        return REDACTED if body else ""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    if not _may_hold_secret(text[:BODY_LIMIT]):
        # only the kept head reaches the journal, and a secret's value always follows its
        # key, tag or field name: with no such word in the head, there is nothing to mask
        return _truncated(text)
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[") and SECRET_KEY.search(text):  # no such word: no such key
        with contextlib.suppress(ValueError):
            text = json.dumps(_mask(json.loads(text)), separators=(",", ":"))
    elif stripped.startswith("<"):
        text = XML_SECRET.sub(lambda m: m.group(1) + REDACTED + m.group(4), text)
    elif "=" in text and "&" in text or text.startswith(("grant_type", "client_assertion")):
        text = re.sub(
            r"((?:^|&)[^=&]*(?:pass|secret|token|assertion)[^=&]*=)[^&]*", r"\1" + REDACTED, text
        )
    return _truncated(text)


def _truncated(text: str) -> str:
    return text[:BODY_LIMIT] + "...(truncated)" if len(text) > BODY_LIMIT else text


class Journal:
    """A ring buffer of :class:`JournalEntry`; ``seq`` keeps counting across evictions."""

    def __init__(self, maxlen: int = 10_000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=maxlen)
        self._seq = 0
        self._lock = threading.Lock()

    def record(self, **fields: Any) -> JournalEntry:
        with self._lock:
            self._seq += 1
            entry = JournalEntry(seq=self._seq, **fields)
            self._entries.append(entry)
            return entry

    def entries(self, since: int = 0, limit: int | None = None) -> list[JournalEntry]:
        with self._lock:
            selected = [e for e in self._entries if e.seq > since]
        return selected[:limit] if limit is not None else selected

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @property
    def last_seq(self) -> int:
        return self._seq
