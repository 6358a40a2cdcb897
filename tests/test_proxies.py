"""Client addresses behind a reverse proxy: ProxyFix gives each visitor its own address."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from flask_statuspages.clients import behind_own_proxy

from .conftest import PREFIX

PROXY = {"REMOTE_ADDR": "127.0.0.1"}  # nginx on the same machine


@pytest.fixture
def app_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"STATUSPAGES_PUBLIC_RATE_LIMIT": "2 per minute"}


@pytest.fixture
def slug(api: Any) -> str:
    return str(api.make_page(name="Acme Status")["slug"])


def get(app: Flask, slug: str, forwarded: str | None = None, peer: str = "127.0.0.1") -> Any:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return app.test_client().get(
        f"{PREFIX}/public/{slug}", headers=headers, environ_base={"REMOTE_ADDR": peer}
    )


def proxy_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "flask_statuspages.clients"]


def test_forwarded_requests_without_proxyfix_warn_once(
    app: Flask, slug: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="flask_statuspages.clients")
    assert get(app, slug, "203.0.113.7").status_code == 200
    [message] = proxy_warnings(caplog)
    assert "127.0.0.1" in message and "ProxyFix" in message and "x_for" in message
    assert get(app, slug, "203.0.113.8").status_code == 200
    assert len(proxy_warnings(caplog)) == 1  # once
    # And the whole audience did share the proxy's bucket:
    assert get(app, slug, "203.0.113.9").status_code == 429


@pytest.mark.parametrize(
    ("forwarded", "peer"),
    [
        (None, "127.0.0.1"),  # no proxy header
        ("203.0.113.7", "93.184.216.34"),  # from a public peer: not the host's own proxy
    ],
)
def test_no_warning_without_a_proxy_of_ours(
    app: Flask, slug: str, forwarded: str | None, peer: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="flask_statuspages.clients")
    assert get(app, slug, forwarded, peer).status_code == 200
    assert proxy_warnings(caplog) == []


@pytest.mark.parametrize(
    ("peer", "own"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("10.0.0.2", True),
        ("172.17.0.1", True),
        ("::ffff:192.168.1.10", True),
        ("fd00::2", True),
        ("93.184.216.34", False),
        ("2001:4860::1", False),
        ("", False),
    ],
)
def test_what_counts_as_the_hosts_own_proxy(peer: str, own: bool) -> None:
    assert behind_own_proxy(peer) is own


@pytest.fixture
def proxied(app: Flask) -> Flask:
    """The app as the docs say to deploy it behind one proxy."""
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # type: ignore[method-assign]
    return app


def test_rate_limits_per_visitor_behind_proxyfix(
    proxied: Flask, slug: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="flask_statuspages.clients")
    ann = [get(proxied, slug, "203.0.113.7").status_code for _ in range(3)]
    bob = [get(proxied, slug, "203.0.113.8").status_code for _ in range(2)]
    assert proxy_warnings(caplog) == []  # ProxyFix is there: no warning
    assert ann == [200, 200, 429]
    assert bob == [200, 200]  # a bucket of its own
    # A visitor cannot pick its bucket: with x_for=1 only the proxy's own entry counts.
    spoofed = get(proxied, slug, "198.51.100.1, 203.0.113.7")
    assert spoofed.status_code == 429


def test_ip_allowlist_sees_the_forwarded_address(proxied: Flask, api: Any) -> None:
    proxied.config["STATUSPAGES_PUBLIC_RATE_LIMIT"] = "100 per minute"
    page = api.make_page(name="Office", ip_allowlist=["198.51.100.0/24"])
    office = get(proxied, page["slug"], "198.51.100.7")
    assert office.status_code == 200
    outside = get(proxied, page["slug"], "203.0.113.7")
    assert outside.status_code == 404
    # The proxy's own address (loopback) is not what is checked any more...
    assert get(proxied, page["slug"], "127.0.0.1, 203.0.113.7").status_code == 404
    # ...and a visitor cannot claim an office address: the proxy appends the real one.
    assert get(proxied, page["slug"], "198.51.100.7, 203.0.113.7").status_code == 404
    site = proxied.config["STATUSPAGES_SITE_PREFIX"]
    html = proxied.test_client().get(
        f"{site}/{page['slug']}",
        headers={"X-Forwarded-For": "198.51.100.7"},
        environ_base=PROXY,
    )
    assert html.status_code == 200
