"""OAuth 2.0 client credentials (M2M): checking the client assertion JWT.

The client posts ``grant_type=client_credentials``,
``client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`` and a JWT signed
with the certificate's private key (ORA "The Request Token Structure"): header ``typ=JWT``,
``alg`` one of PS256/384/512 or ES256/384/512 and ``kid`` = the certificate id; payload ``iss`` =
client id, ``scope`` containing ``rest_webservices``, ``aud`` = the token endpoint URL, ``iat``
and ``exp`` with ``exp - iat`` under 60 minutes. Failures answer as RFC 6749 section 5.2 says
(``{"error": "invalid_grant"}`` and the like, status 400); the exact NetSuite error strings are
unconfirmed.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from fakes.netsuite.keys import HAVE_CRYPTO

if HAVE_CRYPTO:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

GRANT_TYPE = "client_credentials"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SCOPE = "rest_webservices"
MAX_LIFETIME_S = 3600
CLOCK_LEEWAY_S = 300
ALGORITHMS: dict[str, tuple[str, str, str | None]] = {
    "PS256": ("rsa", "SHA256", None), "PS384": ("rsa", "SHA384", None),
    "PS512": ("rsa", "SHA512", None), "ES256": ("ec", "SHA256", "secp256r1"),
    "ES384": ("ec", "SHA384", "secp384r1"), "ES512": ("ec", "SHA512", "secp521r1"),
}


class TokenRequestError(Exception):
    """An RFC 6749 token error: ``error`` code and a description."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class Assertion:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def decode_assertion(token: str) -> Assertion:
    parts = token.split(".")
    if len(parts) != 3:
        raise TokenRequestError("invalid_request", "client_assertion is not a JWT")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, binascii.Error) as exc:
        raise TokenRequestError("invalid_request", "client_assertion is not a JWT") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise TokenRequestError("invalid_request", "client_assertion is not a JWT")
    return Assertion(header, payload, f"{parts[0]}.{parts[1]}".encode(), signature)


def check_header(assertion: Assertion, certificate_id: str, key: Any) -> str:
    alg = assertion.header.get("alg")
    if alg not in ALGORITHMS:
        raise TokenRequestError("invalid_grant", f"unsupported signing algorithm {alg!r}")
    if assertion.header.get("kid") != certificate_id:
        raise TokenRequestError("invalid_grant", "unknown certificate id (kid)")
    if not verify_signature(str(alg), key, assertion.signing_input, assertion.signature):
        raise TokenRequestError("invalid_grant", "invalid client assertion signature")
    return str(alg)


def verify_signature(alg: str, key: Any, signing_input: bytes, signature: bytes) -> bool:
    family, hash_name, curve = ALGORITHMS[alg]
    algorithm = getattr(hashes, hash_name)()
    try:
        if family == "rsa" and isinstance(key, rsa.RSAPublicKey):
            pss = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=padding.PSS.AUTO)
            key.verify(signature, signing_input, pss, algorithm)
            return True
        if isinstance(key, ec.EllipticCurvePublicKey) and (family, key.curve.name) == ("ec", curve):
            size = (key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False
            r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(algorithm))
            return True
    except InvalidSignature:
        return False
    return False


def check_claims(payload: dict[str, Any], client_id: str, audiences: set[str], now: float) -> None:
    if payload.get("iss") != client_id:
        raise TokenRequestError("invalid_client", "unknown client (iss)")
    if not _audience_ok(payload.get("aud"), audiences):
        raise TokenRequestError("invalid_grant", "aud must be the token endpoint URL")
    if SCOPE not in _scopes(payload.get("scope")):
        raise TokenRequestError("invalid_scope", f"scope must include {SCOPE}")
    iat, exp = _number(payload.get("iat")), _number(payload.get("exp"))
    if iat is None or exp is None:
        raise TokenRequestError("invalid_grant", "iat and exp are required numbers")
    if exp <= now or iat > now + CLOCK_LEEWAY_S:
        raise TokenRequestError("invalid_grant", "client assertion is expired or not yet valid")
    if exp - iat > MAX_LIFETIME_S:
        raise TokenRequestError("invalid_grant", "exp must be less than 60 minutes after iat")


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _audience_ok(aud: Any, audiences: set[str]) -> bool:
    values = aud if isinstance(aud, list) else [aud]
    return any(isinstance(v, str) and v.rstrip("/") in audiences for v in values)


def _scopes(scope: Any) -> set[str]:
    if isinstance(scope, list):
        return {str(s).strip() for s in scope}
    if isinstance(scope, str):
        return {s for s in scope.replace(",", " ").split()}
    return set()
