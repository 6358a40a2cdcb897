"""The public page as a product, measured in Chromium: axe-core finds nothing in light
and dark at 1280 and 390 px, the demo page is light (DevTools protocol: its HTML under
40 KB, no render-blocking request besides itself), and each piece of the look works by
mouse, keyboard and touch: the subscribe dialog, the day popovers, the favicon in the
status colour (changed live), 30 days on a phone, a group of one that does not fold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from playwright.sync_api import Browser, BrowserContext, Page, expect

from flask_statuspages.demo import seed_demo
from flask_statuspages.views.site import FAVICON_COLORS

from .browser_support import (
    AXE,
    SITE,
    Admin,
    LiveServer,
    Scene,
    build_scene,
    chromium,
    describe_violations,
)
from .conftest import header_owner, make_app

TIMEOUT = 10_000
expect.set_options(timeout=TIMEOUT)
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 1000}}
#: The HTML budget of the demo page, uncompressed (bytes).
HTML_BUDGET = 40 * 1024


@dataclass
class Live:
    app: Flask
    db: SQLAlchemy
    server: LiveServer
    admin: Admin

    def site(self, slug: str, path: str = "") -> str:
        return f"{self.server.url}{SITE}/{slug}{path}"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    database = tmp_path_factory.mktemp("look") / "status.db"
    app, ext, db = make_app(
        f"sqlite:///{database}",
        STATUSPAGES_SSE_HEARTBEAT=1,
        STATUSPAGES_SSE_MAX_DURATION=30,
        STATUSPAGES_SSE_MAX_PER_CLIENT=50,
        STATUSPAGES_PUBLIC_RATE_LIMIT="10000 per minute",
    )
    ext.owner_loader(header_owner)
    with app.app_context():
        ext.create_all()
    server = LiveServer(app)
    yield Live(app, db, server, Admin(server.url))
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def scene(live: Live) -> Scene:
    """An active incident, maintenance in progress and 90-day bars; Notifications is a
    group of one component."""
    return build_scene(
        live.admin,
        live.app,
        live.db,
        "acme-look",
        uptime_days=90,
        website_url="https://acme.example.com",
    )


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(**DESKTOP)
    yield ctx
    ctx.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(**PHONE)
    yield ctx
    ctx.close()


def csp_watch(page: Page) -> None:
    page.add_init_script(
        """window.__csp = [];
        document.addEventListener("securitypolicyviolation",
          (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));"""
    )


def first_day(page: Page, component: str) -> Any:
    """The newest run of ``component``'s uptime bar (a button)."""
    bar = page.get_by_role("group", name=re.compile(f"^Daily uptime of {component}"))
    return bar.locator("rect").last


# ------------------------------------------------------------------ axe-core


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_violation_with_a_popover_open(
    live: Live, scene: Scene, browser: Browser, scheme: str, width: int
) -> None:
    context = PHONE if width == 390 else DESKTOP
    ctx = browser.new_context(bypass_csp=True, color_scheme=scheme, **context)
    try:
        page = ctx.new_page()
        page.goto(live.site(scene.slug))
        expect(page.get_by_role("region", name="Active incidents")).to_be_visible()
        expect(page.get_by_role("region", name="Under maintenance")).to_be_visible()
        first_day(page, "Checkout API").focus()
        expect(page.locator("#day-popover")).to_be_visible()
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        assert results["violations"] == [], "\n" + describe_violations(results["violations"])
    finally:
        ctx.close()


def test_axe_finds_no_violation_in_the_open_dialog(
    live: Live, scene: Scene, browser: Browser
) -> None:
    ctx = browser.new_context(bypass_csp=True, color_scheme="dark", **PHONE)
    try:
        page = ctx.new_page()
        page.goto(live.site(scene.slug))
        page.locator("header").get_by_role("link", name="Subscribe to updates").click()
        expect(page.get_by_role("dialog", name="Subscribe to updates")).to_be_visible()
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        assert results["violations"] == [], "\n" + describe_violations(results["violations"])
    finally:
        ctx.close()


# ------------------------------------------------------------------- weight


def test_the_demo_page_is_light_and_blocks_on_nothing_but_itself(
    live: Live, desktop: BrowserContext
) -> None:
    with live.app.app_context():
        demo = seed_demo("demo-owner")
        assert demo is not None
        slug = demo.slug
    page = desktop.new_page()
    cdp = desktop.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requests: dict[str, dict[str, Any]] = {}
    sizes: dict[str, int] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda event: requests.setdefault(event["requestId"], event),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]),
    )
    url = live.site(slug)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200
    assert "gzip" not in (response.headers.get("content-encoding") or "")
    body = response.body()
    document = [rid for rid, event in requests.items() if event["request"]["url"] == url]
    assert len(document) == 1
    assert sizes[document[0]] < HTML_BUDGET, f"{sizes[document[0]]} bytes transferred"
    assert len(body) < HTML_BUDGET, f"the HTML is {len(body)} bytes"
    # Nothing else may hold the first render: no script, style sheet or font fetched.
    others = [
        (event.get("type"), event["request"]["url"])
        for rid, event in requests.items()
        if rid not in document and not event["request"]["url"].startswith("data:")
    ]
    blocking = [found for found in others if found[0] in ("Script", "Stylesheet", "Font")]
    assert blocking == [], others
    assert {kind for kind, _ in others} <= {"EventSource", "Fetch", "Other", "Image"}, others


# -------------------------------------------------------------------- dialog


def test_the_subscribe_dialog_opens_closes_on_escape_and_gives_focus_back(
    live: Live, scene: Scene, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    csp_watch(page)
    page.goto(live.site(scene.slug))
    button = page.locator("header").get_by_role("link", name="Subscribe to updates")
    assert button.get_attribute("href") == f"{SITE}/{scene.slug}/subscribe"
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Subscribe to updates")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Email address")).to_be_visible()
    expect(dialog.get_by_role("checkbox", name="Checkout API")).to_be_visible()
    expect(dialog.get_by_role("link", name="RSS")).to_be_visible()
    dialog.get_by_text("Or a webhook instead").click()
    expect(dialog.get_by_label("Webhook URL")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    # The close button does the same; the form in it subscribes.
    button.click()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    button.click()
    dialog.get_by_label("Email address").fill("dialog@example.org")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Subscribe").click()
    expect(page.locator("main")).to_contain_text("Check your inbox")
    assert page.evaluate("window.__csp") == []


def test_without_javascript_the_button_leads_to_the_subscribe_page(
    live: Live, scene: Scene, browser: Browser
) -> None:
    ctx = browser.new_context(java_script_enabled=False, **DESKTOP)
    try:
        page = ctx.new_page()
        page.goto(live.site(scene.slug))
        page.locator("header").get_by_role("link", name="Subscribe to updates").click()
        expect(page).to_have_url(live.site(scene.slug, "/subscribe"))
        expect(page.get_by_role("heading", name="Subscribe to updates")).to_be_visible()
        expect(page.get_by_label("Email address")).to_be_visible()
    finally:
        ctx.close()


# ------------------------------------------------------------------- popover


def test_a_day_tells_its_figures_in_a_popover_by_keyboard(
    live: Live, scene: Scene, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    page.goto(live.site(scene.slug))
    popover = page.locator("#day-popover")
    expect(popover).to_be_hidden()
    day = first_day(page, "Checkout API")
    title = day.locator("title").text_content()
    assert title and "degraded performance" in title
    page.get_by_role("group", name=re.compile("^Daily uptime of Checkout API")).locator(
        "rect"
    ).first.focus()
    before = popover.text_content()
    expect(popover).to_be_visible()
    while page.evaluate("document.activeElement.getAttribute('role')") == "button":
        if page.evaluate("!document.activeElement.nextElementSibling"):
            break
        page.keyboard.press("Tab")
    expect(popover).to_be_visible()
    expect(popover).to_have_text(title)
    assert before != title
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    page.keyboard.press("Enter")
    expect(popover).to_have_text(title)


def test_a_day_tells_its_figures_in_a_popover_on_tap(
    live: Live, scene: Scene, phone: BrowserContext
) -> None:
    page = phone.new_page()
    page.goto(live.site(scene.slug))
    day = first_day(page, "Email delivery")
    title = day.locator("title").text_content()
    day.tap()
    popover = page.locator("#day-popover")
    expect(popover).to_be_visible()
    expect(popover).to_have_text(title or "")
    box, frame = popover.bounding_box(), page.viewport_size
    assert box is not None and frame is not None
    assert 0 <= box["x"] and box["x"] + box["width"] <= frame["width"]
    page.locator("h1").tap()
    expect(popover).to_be_hidden()


# -------------------------------------------------------------- narrow widths


def test_a_phone_shows_the_last_30_days(live: Live, scene: Scene, phone: BrowserContext) -> None:
    page = phone.new_page()
    page.goto(live.site(scene.slug))
    bar = page.get_by_role("group", name=re.compile("^Daily uptime of Database"))
    shown = bar.evaluate(
        """(svg) => {
          const frame = svg.parentElement.getBoundingClientRect();
          const whole = svg.getBoundingClientRect();
          const day = whole.width / ((svg.viewBox.baseVal.width + 1) / 5);
          return {days: frame.width / day, dayWidth: day, right: whole.right - frame.right};
        }"""
    )
    assert round(shown["days"]) == 30, shown
    assert shown["dayWidth"] > 8, "bars, not hairlines"
    assert abs(shown["right"]) < 1, "the newest day at the right edge"
    legend = page.locator(".bars-legend").first
    expect(legend.get_by_text("30 days ago")).to_be_visible()
    expect(legend.get_by_text("90 days ago")).to_be_hidden()
    for rect in bar.locator("rect.old").all():
        expect(rect).to_be_hidden()  # out of sight, out of the tab order


def test_a_desktop_shows_all_90_days(live: Live, scene: Scene, desktop: BrowserContext) -> None:
    page = desktop.new_page()
    page.goto(live.site(scene.slug))
    bar = page.get_by_role("group", name=re.compile("^Daily uptime of Database"))
    widths = bar.evaluate(
        "(svg) => [svg.getBoundingClientRect().width,"
        " svg.parentElement.getBoundingClientRect().width]"
    )
    assert abs(widths[0] - widths[1]) < 1
    expect(page.locator(".bars-legend").first.get_by_text("90 days ago")).to_be_visible()


# -------------------------------------------------------------------- groups


def test_a_group_of_one_component_does_not_fold(
    live: Live, scene: Scene, desktop: BrowserContext
) -> None:
    page = desktop.new_page()
    page.goto(live.site(scene.slug))
    components = page.get_by_role("region", name="Components")
    expect(components.locator("summary", has_text="Backend")).to_be_visible()
    expect(components.locator("summary", has_text="Notifications")).to_have_count(0)
    single = components.locator(".group.single", has_text="Notifications")
    expect(single).to_contain_text("Email delivery")
    expect(single.locator("details")).to_have_count(0)
    expect(components.locator(".bars-key")).to_contain_text("Major outage")


# ------------------------------------------------------------------- favicon


def test_the_favicon_takes_the_status_colour_live(live: Live, desktop: BrowserContext) -> None:
    scene = build_scene(live.admin, live.app, live.db, "acme-favicon")
    page = desktop.new_page()
    csp_watch(page)
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/events")):
        page.goto(live.site(scene.slug))
    icon = page.locator("link#favicon")
    status = page.locator("[data-status]").get_attribute("data-status")
    assert status in FAVICON_COLORS and status != "major_outage"
    colour = FAVICON_COLORS[status].replace("#", "%23")
    assert colour in (icon.get_attribute("href") or "")
    for component in scene.components.values():
        live.admin.put(f"/{scene.id}/components/{component['id']}", {"status": "major_outage"})
    outage = FAVICON_COLORS["major_outage"].replace("#", "%23")
    expect(icon).to_have_attribute("href", re.compile(re.escape(outage)))
    # Chromium loads it under the page's CSP (img-src allows data:).
    assert page.evaluate("window.__csp") == []
