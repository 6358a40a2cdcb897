"""An audience-only page in headless Chromium: a viewer signs in through the link the
SMTP sink on loopback received, and sees only their components and metrics, the chart
of theirs following a reading posted through the API."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .browser_support import SITE, Admin, LiveServer, chromium
from .conftest import SmtpSink, header_owner, make_app

LINK = re.compile(r"https?://\S+/sign-in/[A-Za-z0-9_.\-]+")


@pytest.fixture
def live(tmp_path: Any, smtp: SmtpSink) -> Iterator[tuple[LiveServer, Admin]]:
    app, ext, db = make_app(
        f"sqlite:///{tmp_path / 'status.db'}",
        MAIL_PORT=smtp.port,
        STATUSPAGES_SSE_HEARTBEAT=1,
        STATUSPAGES_SSE_MAX_DURATION=30,
    )
    ext.owner_loader(header_owner)
    with app.app_context():
        ext.create_all()
    server = LiveServer(app)
    app.config["STATUSPAGES_PUBLIC_URL"] = server.url  # the links of the emails
    yield server, Admin(server.url)
    server.stop()
    with app.app_context():
        db.engine.dispose()


def test_a_viewer_signs_in_by_the_emailed_link_and_sees_only_their_components_and_metrics(
    live: tuple[LiveServer, Admin], smtp: SmtpSink
) -> None:
    server, admin = live
    page = admin.post("/", {"name": "Customer Status", "visibility": "audience"})
    visible = admin.post(f"/{page['id']}/components", {"name": "Visible API"})["id"]
    admin.post(f"/{page['id']}/components", {"name": "Hidden Billing"})
    metrics = [
        admin.post(f"/{page['id']}/metrics", {"name": name, "suffix": "ms"})["id"]
        for name in ("Visible latency", "Hidden queue depth")
    ]
    reading = {"data": {"timestamp": int(time.time()) - 60, "value": 120}}
    for metric in metrics:
        admin.post(f"/{page['id']}/metrics/{metric}/data", reading)
    admin.post(
        f"/{page['id']}/page-access-users",
        {
            "email": "viewer@customer.example.org",
            "component_ids": [visible],
            "metric_ids": metrics[:1],
        },
    )
    url = f"{server.url}{SITE}/{page['slug']}"
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        tab = context.new_page()
        response = tab.goto(url)
        assert response is not None and response.status == 401
        expect(tab.locator("main")).not_to_contain_text("Visible API")
        tab.locator("#viewer-email").fill("viewer@customer.example.org")
        with tab.expect_navigation():
            tab.locator("#viewer-email").press("Enter")
        expect(tab.locator("main")).to_contain_text("on its way")

        message = smtp.wait_for(1)[0]
        match = LINK.search(message.get_body(("plain",)).get_content())
        assert match is not None
        tab.goto(match.group(0))
        with tab.expect_navigation():
            tab.get_by_role("button", name="Sign in").click()
        assert tab.url.rstrip("/") == url
        expect(tab.locator("main")).to_contain_text("Visible API")
        expect(tab.locator("body")).not_to_contain_text("Hidden Billing")
        expect(tab.get_by_role("img", name="Visible latency")).to_be_visible()
        assert "Hidden queue depth" not in tab.content()
        assert metrics[1] not in tab.content()
        latest = tab.locator(f"#metric-{metrics[0]} .metric-latest")
        expect(latest).to_have_text("120 ms")
        admin.post(
            f"/{page['id']}/metrics/{metrics[0]}/data",
            {"data": {"timestamp": int(time.time()), "value": 250}},
        )
        expect(latest).to_have_text("250 ms", timeout=15000)
        cookies = {c["name"] for c in context.cookies()}
        assert f"statuspages_viewer_{page['id']}" in cookies

        # The link worked once: following it again signs nobody in.
        stranger = browser.new_context().new_page()
        stranger.goto(match.group(0))
        with stranger.expect_navigation():
            stranger.get_by_role("button", name="Sign in").click()
        expect(stranger.locator("body")).to_contain_text("does not work")

        with tab.expect_navigation():
            tab.get_by_role("button", name="Sign out").click()
        expect(tab.locator("main")).not_to_contain_text("Visible API")
        context.close()
