"""The engine's session reads proxy settings from the environment once per origin, and still
honours them, ``no_proxy`` included; a ``~/.netrc`` never replaces the configured credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import responses

from sync_core.transport import EngineSession, HttpClient


def _settings(session: requests.Session, url: str) -> dict[str, object]:
    return dict(session.merge_environment_settings(url, {}, None, None, None))


def test_proxy_settings_match_requests_per_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.test:3128")
    monkeypatch.setenv("NO_PROXY", "erp.internal.test")
    ours, plain = EngineSession(), requests.Session()
    for url in (
        "https://shop.example.test/rest/V1/orders?x=1",
        "https://shop.example.test/rest/V1/orders/7",
        "https://erp.internal.test/api/v2",
    ):
        assert _settings(ours, url) == _settings(plain, url)
    assert _settings(ours, "https://erp.internal.test/x")["proxies"] == {}
    proxies = _settings(ours, "https://shop.example.test/y")["proxies"]
    assert isinstance(proxies, dict) and proxies["https"] == "http://proxy.example.test:3128"


def test_the_environment_is_read_once_per_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = requests.Session.merge_environment_settings

    def counting(self: requests.Session, url: str, *args: object) -> object:
        calls.append(url)
        return original(self, url, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(requests.Session, "merge_environment_settings", counting)
    session = EngineSession()
    for n in range(5):
        _settings(session, f"http://127.0.0.1:8080/orders/{n}")
    _settings(session, "http://127.0.0.1:9090/orders/1")
    assert len(calls) == 2


def test_a_caller_may_not_change_the_cached_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    session = EngineSession()
    first = _settings(session, "http://127.0.0.1:1/a")
    first["proxies"]["http"] = "http://evil.test"  # type: ignore[index]
    assert _settings(session, "http://127.0.0.1:1/b")["proxies"] == {}


def test_a_netrc_entry_for_the_host_does_not_replace_the_configured_bearer_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine shop.example.test login someone password elsewhere\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    url = "https://shop.example.test/rest/V1/orders/7"
    with responses.RequestsMock() as mocked:
        mocked.get(url, json={"entity_id": 7})
        mocked.get(url, json={"entity_id": 7})
        plain = requests.Session().get(url, headers={"Authorization": "Bearer configured"})
        assert plain.request.headers["Authorization"].startswith("Basic ")  # what requests does
        client = HttpClient("https://shop.example.test/rest", "magento", session=EngineSession())
        ours = client.request("GET", "/V1/orders/7", headers={"Authorization": "Bearer configured"})
    assert ours.request.headers["Authorization"] == "Bearer configured"
