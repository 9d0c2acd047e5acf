"""``$batch``: hand-built CRLF multipart bodies, atomic change sets, v1 202 / v2 200."""

from __future__ import annotations

import json
import re

from tests.fakes.sap_b1.helpers import SL, error_of

CRLF = "\r\n"
BATCH = "batch_36522ad7-fc75-4b56-8c71-56071383e77b"
CHANGESET = "changeset_77162fcd-b8da-41ac-a9f8-9357efbbd"
ORDER = {"CardCode": "C00001", "DocDueDate": "2026-01-10",
         "DocumentLines": [{"ItemCode": "SKU-000001", "Quantity": 1}]}


def http_part(request_line: str, body: object = None, content_id: str | None = None) -> str:
    head = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"]
    if content_id:
        head.append(f"Content-ID: {content_id}")
    lines = [*head, "", request_line]
    if body is not None:
        lines += ["Content-Type: application/json", "", json.dumps(body)]
    else:
        lines += [""]
    return CRLF.join(lines) + CRLF


def changeset(*parts: str) -> str:
    inner = "".join(f"--{CHANGESET}{CRLF}{part}" for part in parts) + f"--{CHANGESET}--{CRLF}"
    return f"Content-Type: multipart/mixed;boundary={CHANGESET}{CRLF}{CRLF}{inner}"


def batch_body(*parts: str) -> str:
    return "".join(f"--{BATCH}{CRLF}{part}" for part in parts) + f"--{BATCH}--{CRLF}"


def send(sl: SL, body: str, boundary: str = BATCH, **headers: str):
    content_type = headers.pop("content_type", f"multipart/mixed;boundary={boundary}")
    return sl.client.post(sl.url("$batch"), data=body.encode(),
                          headers={**sl._headers(headers), "Content-Type": content_type})


def statuses(response) -> list[str]:
    return re.findall(r"HTTP/1\.1 (\d{3} [A-Za-z ]+)\r\n", response.get_data(as_text=True))


def test_query_plus_changeset_with_content_id_reference(sl: SL) -> None:
    body = batch_body(
        http_part("GET /b1s/v1/Items('SKU-000001') HTTP/1.1"),
        changeset(
            http_part("POST /b1s/v1/Orders HTTP/1.1", ORDER, content_id="1"),
            http_part("PATCH $1 HTTP/1.1", {"Comments": "patched in batch"}, content_id="2"),
        ),
    )
    response = send(sl, body)
    assert response.status_code == 202
    content_type = response.headers["Content-Type"]
    assert content_type.startswith("multipart/mixed;boundary=batchresponse_")
    text = response.get_data(as_text=True)
    boundary = content_type.split("boundary=")[1]
    assert text.endswith(f"--{boundary}--\r\n") and "\r\n\r\n" in text
    assert "boundary=changesetresponse_" in text
    assert statuses(response) == ["200 OK", "201 Created", "204 No Content"]
    assert "Content-ID: 1" in text and "Location: http" in text
    orders = sl.fake.state()["Orders"]
    assert [o["Comments"] for o in orders] == ["patched in batch"]


def test_failing_changeset_rolls_back_and_answers_once(sl: SL) -> None:
    before = sl.fake.state()
    bad = {**ORDER, "DocumentLines": [{"ItemCode": "NOPE"}]}
    body = batch_body(changeset(
        http_part("POST Orders", ORDER, content_id="1"),
        http_part("POST Orders", bad, content_id="2"),
    ), http_part("POST Orders", ORDER))
    response = send(sl, body)
    assert response.status_code == 202
    assert statuses(response) == ["400 Bad Request"]
    assert '"code": -10' in response.get_data(as_text=True)
    after = sl.fake.state()
    assert after["Orders"] == [] and after["Items"] == before["Items"]


def test_continue_on_error_runs_later_parts(sl: SL) -> None:
    body = batch_body(http_part("GET Orders(99)"), http_part("POST orders", ORDER))
    response = send(sl, body, Prefer="odata.continue-on-error")
    assert statuses(response) == ["404 Not Found", "201 Created"]


def test_v2_batch_answers_200(sl2: SL) -> None:
    body = batch_body(changeset(
        http_part("POST Orders", ORDER, content_id="1"),
        http_part("POST $1/Close", content_id="2"),
    ))
    response = send(sl2, body)
    assert response.status_code == 200
    assert response.headers["OData-Version"] == "4.0"
    assert statuses(response) == ["201 Created", "204 No Content"]
    assert sl2.fake.state()["Orders"][0]["DocumentStatus"] == "bost_Close"


def test_get_inside_a_changeset_is_refused(sl: SL) -> None:
    response = send(sl, batch_body(changeset(http_part("GET Items", content_id="1"))))
    assert statuses(response) == ["400 Bad Request"]


def test_absolute_urls_quoted_boundary_and_lf_only(sl: SL) -> None:
    part = http_part("POST https://b1.example:50000/b1s/v1/Orders HTTP/1.1", ORDER)
    body = batch_body(changeset(part)).replace(CRLF, "\n")
    response = send(sl, body, content_type=f'multipart/mixed; boundary="{BATCH}"')
    assert statuses(response) == ["201 Created"]


def test_malformed_batches_are_sl_errors(sl: SL) -> None:
    incomplete = f"--{BATCH}{CRLF}{http_part('GET Items')}"
    for body, content_type in ((incomplete, None), ("garbage", None),
                               (batch_body(http_part("GET Items")), "application/json")):
        headers = {"content_type": content_type} if content_type else {}
        assert error_of(send(sl, body, **headers)) == (
            400, -1000, "Incomplete Batch Request Body!")


def test_batch_needs_a_session(sl: SL) -> None:
    sl.session_id = "expired"
    assert error_of(send(sl, batch_body(http_part("GET Items"))))[:2] == (401, 301)
