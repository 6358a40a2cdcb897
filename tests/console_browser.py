"""What the console's browser tests share: the example app served on loopback with
a DNS server of its own, signing in through its login form, and axe-core."""

from __future__ import annotations

import base64
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
    app: Any = None
    extension: Any = None

    @property
    def url(self) -> str:
        return self.server.url

    def public(self, slug: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{PREFIX}/public/{slug}", timeout=10) as answer:
            return json.loads(answer.read())


@contextmanager
def example_host(tmp_path: Path, mail_port: int | None = None) -> Iterator[Host]:
    """The example app (its own login, alice and bob) on a fresh SQLite database;
    its emails go to ``mail_port`` on loopback, or nowhere."""
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
                **(
                    {
                        "MAIL_SERVER": "127.0.0.1",
                        "MAIL_PORT": mail_port,
                        "STATUSPAGES_QUEUE": "inline",
                    }
                    if mail_port
                    else {"MAIL_SUPPRESS_SEND": True}
                ),
            }
        )
        with app.app_context():
            module.statuspages.create_all()
        server = LiveServer(app)
        try:
            yield Host(server, dns, app, module.statuspages)
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


class Operator:
    """The example app's admin API over HTTP, as one of its users (Basic auth)."""

    def __init__(self, host: Host, user: str = "alice") -> None:
        self.base = host.url + PREFIX
        token = base64.b64encode(f"{user}:{user}-password".encode()).decode()
        self.auth = f"Basic {token}"

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", self.auth)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as answer:
            raw = answer.read()
        return json.loads(raw) if raw else None

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)


def build_console_scene(host: Host) -> dict[str, Any]:
    """Two pages of alice's; the first with groups, components in every status and
    verified subscribers (the reach the status forms show)."""
    operator = Operator(host)
    page = operator.post(
        "/",
        {
            "name": "Acme Cloud",
            "slug": "acme-cloud",
            "theme": {"primary_color": "#0e7490"},
            "website_url": "https://acme.example",
            "custom_domain": "status.acme.test",
        },
    )
    components = [
        ("Website", "Frontend", "operational", "The public site and the shop."),
        ("Dashboard", "Frontend", "operational", None),
        ("Checkout API", "Backend", "degraded_performance", "Payments and orders."),
        ("Database", "Backend", "operational", None),
        ("Email delivery", "Notifications", "partial_outage", None),
        ("Docs", None, "operational", None),
    ]
    for name, group, status, description in components:
        body = {"name": name, "status": status, "group_name": group, "description": description}
        operator.post(f"/{page['id']}/components", body)
    for email in ("ops@acme.example", "cto@acme.example"):
        subscriber = operator.post(f"/{page['id']}/subscribers", {"email": email})
        operator.request("GET", f"/{page['id']}/subscribers/verify/{subscriber['verify_token']}")
    hook = operator.post(f"/{page['id']}/subscribers", {"webhook_url": host.url + "/hooks/status"})
    operator.request("GET", f"/{page['id']}/subscribers/verify/{hook['verify_token']}")
    other = operator.post("/", {"name": "Acme Internal", "slug": "acme-internal"})
    operator.post(f"/{other['id']}/components", {"name": "VPN", "status": "major_outage"})
    return page  # type: ignore[no-any-return]
