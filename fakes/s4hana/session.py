"""Basic authentication, security sessions and CSRF tokens, as SAP's ICF/Gateway does them.

A ``GET``/``HEAD`` with ``X-CSRF-Token: Fetch`` opens (or reuses) a security session: the
answer carries ``x-csrf-token`` and sets the ``SAP_SESSIONID_<SID>_<client>`` and
``sap-usercontext`` cookies. A modifying request must carry both the token and the session
cookie it belongs to. Sessions end after ``idle_s`` seconds without use (simulated clock) or
when the ``expire_csrf`` event ends them all.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

TOKEN_ALPHABET = string.ascii_letters + string.digits


@dataclass
class Session:
    id: str
    token: str
    user: str
    last_used: datetime


class Auth:
    """Credentials and open sessions of one fake."""

    def __init__(
        self,
        username: str,
        password: str,
        rng: random.Random,
        *,
        sid: str = "S4H",
        client: str = "100",
        idle_s: float = 1800.0,
    ) -> None:
        self.username = username
        self.password = password
        self.sid = sid
        self.client = client
        self.idle = timedelta(seconds=idle_s)
        self.rng = rng
        self.sessions: dict[str, Session] = {}

    @property
    def cookie_name(self) -> str:
        return f"SAP_SESSIONID_{self.sid}_{self.client}"

    def check_basic(self, header: str | None) -> str | None:
        """The user named by a valid ``Authorization: Basic`` header, else None."""
        if not header or not header.lower().startswith("basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, _, password = decoded.partition(":")
        ok_user = hmac.compare_digest(user.upper(), self.username.upper())
        ok_password = hmac.compare_digest(password, self.password)
        return self.username if ok_user and ok_password else None

    def session(self, session_id: str | None, now: datetime) -> Session | None:
        """The live session with this id (touching it), or None if unknown or idle too long."""
        found = self.sessions.get(session_id or "")
        if found is None:
            return None
        if now - found.last_used > self.idle:
            del self.sessions[found.id]
            return None
        found.last_used = now
        return found

    def open(self, user: str, now: datetime) -> Session:
        session = Session(self._random(40), self._random(22) + "==", user, now)
        self.sessions[session.id] = session
        return session

    def token_ok(self, session: Session | None, token: str | None) -> bool:
        if session is None or not token or token.lower() == "fetch":
            return False
        return hmac.compare_digest(session.token, token)

    def expire_all(self) -> int:
        count = len(self.sessions)
        self.sessions.clear()
        return count

    def _random(self, length: int) -> str:
        return "".join(self.rng.choice(TOKEN_ALPHABET) for _ in range(length))
