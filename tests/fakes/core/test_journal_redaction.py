"""Redaction of journal bodies: the quick word test never lets a secret through, whatever the
body's size, shape or where in it the secret sits."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from fakes.core.journal import BODY_LIMIT, REDACTED, SECRET_KEY, SECRET_WORDS, redact_body

SECRET = "hunter2-s3cr3t"


@given(st.text(min_size=1, max_size=30))
def test_every_key_the_pattern_masks_holds_one_of_the_quick_words(key: str) -> None:
    if SECRET_KEY.search(key):
        assert any(word in key.lower() for word in SECRET_WORDS), key


def test_a_secret_key_early_in_a_large_json_body_is_masked() -> None:
    body = json.dumps({"client_secret": SECRET, "rows": ["x" * 50] * 400})
    logged = redact_body(body.encode())
    assert SECRET not in logged
    assert f'"client_secret":"{REDACTED}"' in logged
    assert logged.endswith("...(truncated)")


def test_a_secret_key_beyond_the_kept_head_never_reaches_the_journal() -> None:
    body = json.dumps({"rows": ["x" * 50] * 400, "password": SECRET})
    assert body.index("password") > BODY_LIMIT
    logged = redact_body(body.encode())
    assert SECRET not in logged
    assert len(logged) == BODY_LIMIT + len("...(truncated)")


def test_an_xml_password_that_straddles_the_head_is_masked_before_the_cut() -> None:
    filler = "<Line>" + "y" * (BODY_LIMIT - 40) + "</Line>"
    body = f"<Envelope>{filler}<Password>{SECRET * 10}</Password></Envelope>"
    assert body.index("<Password>") < BODY_LIMIT < body.index("</Password>")
    logged = redact_body(body)
    assert "s3cr3t" not in logged


def test_a_body_without_secret_words_is_kept_as_sent() -> None:
    body = json.dumps({"sku": "SKU-1", "qty": 3})
    assert redact_body(body.encode()) == body
