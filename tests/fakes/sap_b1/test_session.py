"""Login, cookies, the sliding session timeout, logout, ping and credentials."""

from __future__ import annotations

from werkzeug.test import Client

from fakes.core.fake import Fake
from fakes.sap_b1 import SPEC
from tests.fakes.sap_b1.helpers import SL, error_of


def test_login_v1_answers_session_and_both_cookies(fake: Fake) -> None:
    client = SL(fake, "v1")
    response = client.login()
    body = response.get_json()
    assert response.status_code == 200
    assert body["odata.metadata"].endswith("/b1s/v1/$metadata#B1Sessions/@Element")
    assert (body["Version"], body["SessionTimeout"]) == ("1000190", 30)
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies == [f"B1SESSION={body['SessionId']};HttpOnly;", "ROUTEID=.node1; path=/b1s"]


def test_login_v2_uses_odata4_annotations(fake: Fake) -> None:
    response = SL(fake, "v2").login()
    body = response.get_json()
    assert body["@odata.context"].endswith("/b1s/v2/$metadata#B1Sessions/$entity")
    assert "odata.metadata" not in body
    assert response.headers["OData-Version"] == "4.0"


def test_wrong_password_or_company_is_login_failed(fake: Fake) -> None:
    for override in ({"Password": "nope"}, {"CompanyDB": "OTHERDB"}, {"UserName": "x"}):
        response = SL(fake).login(**override)
        assert error_of(response) == (401, 100000027, "Login failed")
    assert fake.state()["sessions"] == 0


def test_login_with_bad_json_is_an_sl_error(fake: Fake) -> None:
    response = Client(fake.wsgi).post(
        "/b1s/v1/Login", data="{nope", content_type="application/json"
    )
    status, code, _ = error_of(response)
    assert (status, code) == (400, -1000)


def test_requests_without_a_session_are_refused(fake: Fake) -> None:
    response = Client(fake.wsgi).get("/b1s/v1/Items")
    assert error_of(response) == (401, 301, "Invalid session or session already timeout.")


def test_hand_built_cookie_header_is_accepted(sl: SL) -> None:
    client = Client(sl.fake.wsgi, use_cookies=False)
    ok = client.get("/b1s/v1/Warehouses", headers={"Cookie": f"B1SESSION={sl.session_id}"})
    assert ok.status_code == 200
    bad = client.get("/b1s/v1/Warehouses", headers={"Cookie": "B1SESSION=forged"})
    assert bad.status_code == 401


def test_session_timeout_slides_on_the_simulated_clock(sl: SL) -> None:
    clock = sl.fake.clock
    for _ in range(3):
        clock.advance(29 * 60)
        assert sl.get("Warehouses").status_code == 200
    clock.advance(31 * 60)
    assert error_of(sl.get("Warehouses"))[:2] == (401, 301)
    assert sl.fake.state()["sessions"] == 0


def test_expire_sessions_event_ends_every_session(sl: SL) -> None:
    assert sl.fake.event("expire_sessions") == 1
    assert sl.get("Warehouses").status_code == 401
    assert sl.login().status_code == 200
    assert sl.get("Warehouses").status_code == 200


def test_logout_ends_the_session(sl: SL) -> None:
    response = sl.post("Logout")
    assert response.status_code == 204
    assert sl.get("Warehouses").status_code == 401


def test_session_ids_are_deterministic_per_seed() -> None:
    ids = []
    for _ in range(2):
        client = SL(Fake(SPEC, seed=11))
        client.login()
        client.login()
        ids.append(client.session_id)
    assert ids[0] == ids[1]
    other = SL(Fake(SPEC, seed=12))
    other.login()
    other.login()
    assert other.session_id != ids[0]


def test_credentials_have_ready_file_keys(fake: Fake) -> None:
    creds = fake.credentials()
    assert set(creds) == {"company_db", "username", "password"}
    assert creds == Fake(SPEC, seed=7).credentials()


def test_login_body_is_withheld_from_the_journal(fake: Fake) -> None:
    SL(fake).login()
    entry = fake.entries()[-1]
    assert entry.request_body == "***"
    assert fake.credentials()["password"] not in entry.response_body


def test_ping_needs_no_session(fake: Fake) -> None:
    client = Client(fake.wsgi)
    for path in ("/ping/", "/b1s/v1/ping/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get_json()["message"] == "pong"


def test_login_path_is_case_insensitive(fake: Fake) -> None:
    creds = fake.credentials()
    response = Client(fake.wsgi).post("/b1s/v1/login", json={
        "CompanyDB": creds["company_db"], "UserName": creds["username"],
        "Password": creds["password"]})
    assert response.status_code == 200
    assert fake.entries()[-1].request_body == "***"
