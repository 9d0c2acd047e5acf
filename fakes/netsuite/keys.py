"""The fake account's credentials, all derived from the seed.

TBA (OAuth 1.0a) needs a consumer key/secret (from the integration record) and a token id/secret
(from the access token). In NetSuite the integration record's consumer key is also the OAuth 2.0
client id, so ``client_id == consumer_key``. The M2M flow needs a certificate: the fake holds
its key pair and hands out the private half as ``private_key_pem``.

The key is deterministic per seed: an EC P-256 key (ES256, default) is derived directly from the
seeded stream; an RSA-3072 key (PS256, option ``oauth2_key_type="rsa"``) is built from seeded
primes, which takes about a second and is therefore made lazily and cached per seed. NetSuite
accepts PS256/384/512 and ES256/384/512 and no longer RS256 (ORA "The Request Token Structure").
Without the ``cryptography`` package there is no key and the M2M flow is refused.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    HAVE_CRYPTO = True
except ImportError:  # pragma: no cover - the package is present in the harness image
    HAVE_CRYPTO = False

HEX = "0123456789abcdef"
CERT_ALPHABET = string.ascii_letters + string.digits + "-_"
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
RSA_EXPONENT = 65537
SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


@dataclass(frozen=True)
class Credentials:
    account: str
    consumer_key: str
    consumer_secret: str
    token_id: str
    token_secret: str
    certificate_id: str
    key_seed: int

    @property
    def client_id(self) -> str:
        return self.consumer_key

    @property
    def realm(self) -> str:
        return realm_of(self.account)


def realm_of(account: str) -> str:
    """The TBA realm form of an account id: upper case, ``-`` as ``_`` (``1234567_SB1``)."""
    return account.upper().replace("-", "_")


def host_label_of(account: str) -> str:
    """The host form of an account id: lower case, ``_`` as ``-`` (``1234567-sb1``)."""
    return account.lower().replace("_", "-")


def make_credentials(rng: random.Random, account: str) -> Credentials:
    def hex64() -> str:
        return "".join(rng.choice(HEX) for _ in range(64))

    return Credentials(
        account=realm_of(account),
        consumer_key=hex64(),
        consumer_secret=hex64(),
        token_id=hex64(),
        token_secret=hex64(),
        certificate_id="".join(rng.choice(CERT_ALPHABET) for _ in range(43)),
        key_seed=rng.getrandbits(64),
    )


def private_key_pem(key_seed: int, key_type: str) -> str:
    """The certificate's private key as unencrypted PKCS#8 PEM ("" without ``cryptography``)."""
    if not HAVE_CRYPTO:
        return ""
    return _pem(key_seed, key_type)


@lru_cache(maxsize=16)
def _pem(key_seed: int, key_type: str) -> str:
    key = _private_key(key_seed, key_type)
    data: bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return data.decode()


def public_key(key_seed: int, key_type: str) -> Any:
    """The certificate's public key (a ``cryptography`` key object)."""
    return _private_key(key_seed, key_type).public_key()


@lru_cache(maxsize=16)
def _private_key(key_seed: int, key_type: str) -> Any:
    rng = random.Random(f"{key_seed}:{key_type}")
    if key_type == "rsa":
        return _rsa_key(rng, 3072)
    return ec.derive_private_key(rng.randrange(1, P256_ORDER), ec.SECP256R1())


def _rsa_key(rng: random.Random, bits: int) -> Any:
    p = _prime(rng, bits // 2)
    q = _prime(rng, bits // 2)
    while q == p:
        q = _prime(rng, bits // 2)
    d = pow(RSA_EXPONENT, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(RSA_EXPONENT, p * q),
    )
    return numbers.private_key()


def _prime(rng: random.Random, bits: int) -> int:
    while True:
        candidate = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if (
            all(candidate % p for p in SMALL_PRIMES)
            and (candidate - 1) % RSA_EXPONENT
            and _probably_prime(candidate, rng)
        ):
            return candidate


def _probably_prime(n: int, rng: random.Random, rounds: int = 24) -> bool:
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True
