"""What the console's browser tests share: the example app served on loopback with
a DNS server of its own, signing in through its login form, and axe-core."""

from __future__ import annotations

import importlib.util
import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page

from .browser_support import AXE, PREFIX, LiveServer, describe_violations
from .dns_server import LoopbackDNS, loopback_dns

EXAMPLE = Path(__file__).resolve().parent.parent / "example_app" / "app.py"
CONSOLE = "/status-admin"
CNAME_TARGET = "pages.statuspages.test"
#: The sizes and schemes every console screen is checked at.
VIEWS: dict[str, dict[str, Any]] = {
    "light-1280": {"viewport": {"width": 1280, "height": 1000}},
    "dark-1280": {"viewport": {"width": 1280, "height": 1000}, "color_scheme": "dark"},
    "light-390": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "dark-390": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "color_scheme": "dark",
    },
}


@dataclass
class Host:
    """The example app, live, and the DNS server its custom domains are checked against."""

    server: LiveServer
    dns: LoopbackDNS

    @property
    def url(self) -> str:
        return self.server.url

    def public(self, slug: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{PREFIX}/public/{slug}", timeout=10) as answer:
            return json.loads(answer.read())


@contextmanager
def example_host(tmp_path: Path) -> Iterator[Host]:
    """The example app (its own login, alice and bob) on a fresh SQLite database."""
    spec = importlib.util.spec_from_file_location("example_console_app", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with loopback_dns() as dns:
        app = module.create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'console.db'}",
                "STATUSPAGES_CNAME_TARGET": CNAME_TARGET,
                "STATUSPAGES_DNS_NAMESERVERS": [dns.nameserver],
                "STATUSPAGES_DNS_TIMEOUT": 1.0,
                "STATUSPAGES_SSE_HEARTBEAT": 1,
                "STATUSPAGES_SSE_MAX_DURATION": 30,
                "MAIL_SUPPRESS_SEND": True,
            }
        )
        with app.app_context():
            module.statuspages.create_all()
        server = LiveServer(app)
        try:
            yield Host(server, dns)
        finally:
            server.stop()
            with app.app_context():
                module.db.engine.dispose()


def sign_in(tab: Page, host: Host, user: str = "alice") -> None:
    """Open the console, be sent to the app's login, sign in, land in the console."""
    tab.goto(host.url + CONSOLE + "/")
    assert "/login?next=" in tab.url
    tab.get_by_label("Username").fill(user)
    tab.get_by_label("Password").fill(f"{user}-password")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Sign in").click()
    assert tab.url == host.url + CONSOLE + "/"


def axe_violations(tab: Page) -> str:
    """Every axe-core violation of the tab's document, described ('' for none)."""
    tab.add_script_tag(path=str(AXE))
    results = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return describe_violations(results["violations"])


def new_view(browser: Browser, view: str, **extra: Any) -> Any:
    """A browser context for ``view`` (CSP bypassed so that axe can be injected)."""
    return browser.new_context(bypass_csp=True, **VIEWS[view], **extra)
