"""The console's audience screens in headless Chromium: axe-core finds nothing on any
of them, light and dark, at 1280 and 390 px; an operator finds a subscriber and resends
its verification by keyboard (the SMTP sink on loopback receives it), then retries a
failed delivery (the webhook receiver on loopback gets it). The 1280 px light screens
go to docs/screenshots/."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .browser_support import (
    AXE,
    Admin,
    LiveServer,
    chromium,
    describe_violations,
    photograph,
    screenshot_folder,
)
from .conftest import SmtpSink, WebhookReceiver, header_owner, make_app

CONSOLE = "/status-admin"
OPERATOR = {"X-Owner": "acme"}
VIEWS: dict[str, dict[str, Any]] = {
    "light-1280": {"viewport": {"width": 1280, "height": 900}},
    "dark-1280": {"viewport": {"width": 1280, "height": 900}, "color_scheme": "dark"},
    "light-390": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "dark-390": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "color_scheme": "dark",
    },
}


@dataclass
class Scene:
    server: LiveServer
    page: dict[str, Any]
    metric: dict[str, Any]
    user: dict[str, Any]
    hook: dict[str, Any]

    def url(self, path: str) -> str:
        return f"{self.server.url}{CONSOLE}/pages/{self.page['id']}{path}"


@pytest.fixture
def scene(tmp_path: Any, smtp: SmtpSink, receiver: WebhookReceiver) -> Iterator[Scene]:
    app, ext, db = make_app(
        f"sqlite:///{tmp_path / 'status.db'}",
        MAIL_PORT=smtp.port,
        STATUSPAGES_WEBHOOK_ALLOW_PRIVATE=True,  # the receiver is on loopback
        STATUSPAGES_MAX_ATTEMPTS=1,  # one refusal fails a delivery
    )
    ext.owner_loader(header_owner)
    with app.app_context():
        ext.create_all()
    server = LiveServer(app)
    try:
        yield build(server, Admin(server.url), app, receiver, smtp)
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()


def build(
    server: LiveServer, admin: Admin, app: Any, receiver: WebhookReceiver, smtp: SmtpSink
) -> Scene:
    page = admin.post("/", {"name": "Acme Status", "slug": "acme", "visibility": "audience"})
    base = f"/{page['id']}"
    ids = {
        name: admin.post(f"{base}/components", {"name": name})["id"]
        for name in ("Website", "Checkout API", "Database")
    }
    for email in ("alice@acme.example", "bob@acme.example", "carol@customer.example"):
        admin.post(f"{base}/subscribers", {"email": email, "component_ids": [ids["Checkout API"]]})
    smtp.wait_for(3)
    receiver.plan = [500]  # the webhook refuses its verification: a failed delivery
    hook = admin.post(f"{base}/subscribers", {"webhook_url": receiver.url})
    receiver.wait_for(1)
    metric = admin.post(
        f"{base}/metrics",
        {"name": "API latency", "suffix": "ms", "component_ids": [ids["Checkout API"]]},
    )
    admin.post(f"{base}/metrics", {"name": "Error rate", "suffix": "%", "decimal_places": 2})
    now = int(time.time())
    admin.post(
        f"{base}/metrics/{metric['id']}/data",
        {"data": [{"timestamp": now - 60 * n, "value": 120 + (n % 7) * 9} for n in range(30)]},
    )
    user = admin.post(
        f"{base}/page-access-users",
        {
            "email": "jane@customer.example",
            "component_ids": [ids["Website"], ids["Checkout API"]],
            "metric_ids": [metric["id"]],
        },
    )
    admin.post(
        f"{base}/page-access-users",
        {"email": "ops@partner.example", "external_login": "ops-partner"},
    )
    return Scene(server, page, metric, user, hook)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def screens(scene: Scene) -> dict[str, str]:
    """Every screen of this area: its name and address."""
    metric, user = scene.metric["id"], scene.user["id"]
    return {
        "subscribers": "/subscribers",
        "subscriber-new": "/subscribers/new",
        "subscriber-remove": f"/subscribers/{scene.hook['id']}/delete",
        "deliveries": "/deliveries",
        "metrics": "/metrics",
        "metric-new": "/metrics/new",
        "metric": f"/metrics/{metric}",
        "metric-reset": f"/metrics/{metric}/reset",
        "access-users": "/access-users",
        "access-user-new": "/access-users/new",
        "access-user": f"/access-users/{user}",
    }


def axe(tab: Page) -> list[dict[str, Any]]:
    tab.add_script_tag(path=str(AXE))
    results = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_axe_finds_nothing_on_any_screen(browser: Browser, scene: Scene, view: str) -> None:
    context = browser.new_context(bypass_csp=True, extra_http_headers=OPERATOR, **VIEWS[view])
    tab = context.new_page()
    found = {}
    try:
        for name, path in screens(scene).items():
            response = tab.goto(scene.url(path))
            assert response is not None and response.status == 200, (
                name,
                response and response.status,
            )
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} at {view} is {overflow}px wider than the screen"
            violations = axe(tab)
            if violations:
                found[name] = describe_violations(violations)
    finally:
        context.close()
    assert not found, "\n".join(f"{name}:\n{text}" for name, text in found.items())


def test_screenshots_of_the_audience_screens(
    browser: Browser, scene: Scene, tmp_path: Path
) -> None:
    folder = screenshot_folder(tmp_path)
    context = browser.new_context(extra_http_headers=OPERATOR, **VIEWS["light-1280"])
    tab = context.new_page()
    shots = {
        "console-subscribers.png": "/subscribers",
        "console-deliveries.png": "/deliveries",
        "console-metrics.png": f"/metrics/{scene.metric['id']}",
        "console-access-users.png": "/access-users",
    }
    try:
        for name, path in shots.items():
            tab.goto(scene.url(path))
            photograph(tab, folder / name)
    finally:
        context.close()


def press_tab_to(tab: Page, text: str, limit: int = 60) -> None:
    """Press Tab until the focused element's text holds ``text``, as a keyboard user does."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        focused = tab.evaluate("document.activeElement && document.activeElement.textContent")
        if focused and text in focused:
            return
    raise AssertionError(f"no focusable element with {text!r} within {limit} presses of Tab")


def test_a_subscriber_is_found_and_sent_a_new_verification_by_keyboard(
    browser: Browser, scene: Scene, smtp: SmtpSink
) -> None:
    context = browser.new_context(extra_http_headers=OPERATOR, **VIEWS["light-1280"])
    tab = context.new_page()
    try:
        tab.goto(scene.url("/subscribers"))
        press_tab_to(tab, "")  # into the page
        tab.get_by_label("Search").focus()
        tab.keyboard.type("customer")
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        rows = tab.locator("tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("carol@customer.example")
        press_tab_to(tab, "Resend verification")
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        expect(tab.locator(".flash")).to_contain_text(
            "A new verification message was sent to carol@customer.example."
        )
        expect(tab.get_by_label("Search")).to_have_value("customer")  # the search is kept
        sent = smtp.wait_for(4)
        assert [m["To"] for m in sent].count("carol@customer.example") == 2
    finally:
        context.close()


def test_a_failed_delivery_is_retried_by_keyboard(
    browser: Browser, scene: Scene, receiver: WebhookReceiver
) -> None:
    context = browser.new_context(extra_http_headers=OPERATOR, **VIEWS["light-1280"])
    tab = context.new_page()
    try:
        tab.goto(scene.url("/deliveries"))
        tab.get_by_label("Status").focus()
        tab.keyboard.press("End")  # the last status: failed
        press_tab_to(tab, "Filter")
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        failed = tab.locator("tbody tr")
        expect(failed).to_have_count(1)
        expect(failed.first).to_contain_text("HTTP 500")
        press_tab_to(tab, "Retry")
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        expect(tab.locator(".flash")).to_contain_text("The delivery will be sent again shortly.")
        assert len(receiver.wait_for(2)) == 2 and receiver.requests[1]["status"] == 204
        tab.goto(scene.url("/deliveries?status=sent"))
        expect(tab.locator("tbody")).to_contain_text(scene.hook["webhook_url"])
    finally:
        context.close()
