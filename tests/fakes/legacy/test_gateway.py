"""The SFTP-like HTTP file gateway, in-process through FakeFleet with ``requests``."""

from __future__ import annotations

import requests

from contracts.legacy.layouts import parse_key_values
from fakes.core.bridge import FakeFleet
from fakes.core.fake import Fake
from tests.fakes.legacy.helpers import line, order_file

BASE = "https://legacy.fake.test/files"


def session(fake: Fake) -> requests.Session:
    s = requests.Session()
    creds = fake.credentials()
    s.auth = (creds["username"], creds["password"])
    return s


def test_drop_import_and_read_ack_over_http(fleet: FakeFleet, fake: Fake) -> None:
    http = session(fake)
    name, data = order_file(1, [line()])
    assert http.put(f"{BASE}/inbound/{name}", data=data, timeout=5).status_code == 201
    assert http.put(f"{BASE}/inbound/{name}.done", data=b"", timeout=5).status_code == 201
    listing = http.get(f"{BASE}/inbound", timeout=5).json()
    assert listing == {"directory": "inbound",
                       "files": [{"name": name, "size": len(data)},
                                 {"name": name + ".done", "size": 0}]}
    assert http.get(f"{BASE}/ack/ORD_20260105_000001.ack", timeout=5).status_code == 404
    fake.clock.advance(300)  # the scheduled import runs on the next access
    ack = http.get(f"{BASE}/ack/ORD_20260105_000001.ack", timeout=5)
    assert ack.status_code == 200 and ack.headers["Content-Type"].startswith("text/plain")
    assert parse_key_values(ack.text)["status"] == "accepted"
    processed = http.get(f"{BASE}/inbound/processed", timeout=5).json()["files"]
    assert [f["name"] for f in processed] == [name, name + ".done"]
    assert http.get(f"{BASE}/inbound/processed/{name}", timeout=5).content == data


def test_download_and_delete_exports(fleet: FakeFleet, fake: Fake) -> None:
    http = session(fake)
    [record] = fake.event("export_stock")["exports"]
    names = [f["name"] for f in http.get(f"{BASE}/outbound", timeout=5).json()["files"]]
    assert names == [record["name"], record["control_file"]]
    csv_file = http.get(f"{BASE}/outbound/{record['name']}", timeout=5)
    assert csv_file.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert csv_file.text.startswith("sku,warehouse,quantity,as_of\r\n")
    assert http.delete(f"{BASE}/outbound/{record['name']}", timeout=5).status_code == 204
    missing = http.get(f"{BASE}/outbound/{record['name']}", timeout=5)
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "FILE_NOT_FOUND",
                                        "message": f"No file outbound/{record['name']}."}}


def test_gateway_needs_basic_auth(fleet: FakeFleet, fake: Fake) -> None:
    response = requests.get(f"{BASE}/outbound", timeout=5)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert response.json()["error"]["code"] == "AUTHENTICATION_FAILED"
    wrong = requests.get(f"{BASE}/outbound", auth=("WSCONNECT", "nope"), timeout=5)
    assert wrong.status_code == 401


def test_gateway_refuses_bad_names_and_places(fleet: FakeFleet, fake: Fake) -> None:
    http = session(fake)
    assert http.put(f"{BASE}/inbound/.hidden", data=b"x", timeout=5).status_code == 400
    assert http.put(f"{BASE}/inbound/a%20b.csv", data=b"x", timeout=5).status_code == 400
    assert http.put(f"{BASE}/outbound/x.csv", data=b"x", timeout=5).status_code == 405
    assert http.get(f"{BASE}/secrets", timeout=5).status_code == 404
    assert http.delete(f"{BASE}/inbound/x.csv", timeout=5).status_code == 405
    assert http.get(f"{BASE}/inbound/..%2Fx", timeout=5).status_code in (400, 404)
    assert http.get(f"{BASE}/inbound", timeout=5).json()["files"] == []


def test_gateway_errors_from_fault_engine_keep_status(fleet: FakeFleet, fake: Fake) -> None:
    fake.add_fault({"target": {"path": "^/files"}, "effect": {"kind": "http_error", "status": 503},
                    "trigger": {"first": 1}})
    http = session(fake)
    assert http.get(f"{BASE}/outbound", timeout=5).status_code == 503
    assert http.get(f"{BASE}/outbound", timeout=5).status_code == 200


def test_silent_drop_of_a_put_leaves_no_file(fleet: FakeFleet, fake: Fake) -> None:
    fake.add_fault({"target": {"method": "PUT"}, "effect": {"kind": "silent_drop"}})
    http = session(fake)
    assert http.put(f"{BASE}/inbound/ORD_20260105_000001.csv", data=b"x", timeout=5
                    ).status_code == 201
    assert http.get(f"{BASE}/inbound", timeout=5).json()["files"] == []
