"""The public face in a real browser: headless Chromium against a live server.

What a visitor sees (components by group, incidents, maintenance, uptime bars), live
updates without a reload, the widget on someone else's site, the password
form, accessibility (axe-core), a clean console under the strict CSP, and a page
that fits a phone (the README's screenshots come from the example app:
tests/test_screenshots.py).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from .browser_support import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    PREFIX,
    SHOTS,
    SITE,
    Admin,
    LiveServer,
    OtherOrigin,
    Scene,
    build_scene,
    describe_violations,
    hour,
    iso,
    photograph,
    serious_violations,
)
from .conftest import header_owner, make_app

LIVE_TIMEOUT = 10_000  # ms: a change must reach an open page within this
expect.set_options(timeout=LIVE_TIMEOUT)  # a busy machine (the suite in parallel) is slow


@dataclass
class Live:
    app: Flask
    db: SQLAlchemy
    server: LiveServer
    admin: Admin

    @property
    def url(self) -> str:
        return self.server.url

    def scene(self, slug: str, **page: Any) -> Scene:
        return build_scene(self.admin, self.app, self.db, slug, **page)

    def site(self, scene: Scene, path: str = "") -> str:
        return f"{self.url}{SITE}/{scene.slug}{path}"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    database = tmp_path_factory.mktemp("browser") / "status.db"
    app, ext, db = make_app(
        f"sqlite:///{database}",
        STATUSPAGES_SSE_HEARTBEAT=1,
        STATUSPAGES_SSE_MAX_DURATION=30,
        # One address opens page after page here, faster than a departed stream's slot
        # is freed (about a second); werkzeug's server has a thread per connection.
        STATUSPAGES_SSE_MAX_PER_CLIENT=50,
        STATUSPAGES_SSE_MAX_PER_PROCESS=100,
        STATUSPAGES_PUBLIC_RATE_LIMIT="10000 per minute",
        STATUSPAGES_AUTH_RATE_LIMIT="1000 per minute",
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
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def scene(live: Live) -> Scene:
    """The shared, read-only scene; tests that change things make their own."""
    return live.scene("acme")


class Watched:
    """A browser page whose console errors, page errors and CSP violations are kept."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.add_init_script(
            """
            window.__csp = [];
            document.addEventListener("securitypolicyviolation", (e) => {
              window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
            });
            """
        )

    def _console(self, message: Any) -> None:
        # /favicon.ico belongs to the host app, and Chromium asks for it when it pleases.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__csp || []"))


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
    ctx.set_default_timeout(LIVE_TIMEOUT)
    yield ctx
    ctx.close()


@pytest.fixture
def watched(context: BrowserContext) -> Watched:
    return Watched(context.new_page())


def open_live(page: Page, url: str) -> None:
    """Open ``url`` and wait until its event stream is connected (so no change falls between)."""
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/events")) as stream:
        response = page.goto(url)
    assert response is not None and response.ok, response and response.status
    assert stream.value.status == 200


# ---------------------------------------------------------------- the page


def test_page_shows_groups_components_incidents_and_uptime_bars(
    live: Live, scene: Scene, watched: Watched
) -> None:
    page = watched.page
    response = page.goto(live.site(scene))
    assert response is not None and response.status == 200
    components = page.get_by_role("region", name="Components")
    for group in ("Frontend", "Backend"):
        expect(components.locator("summary", has_text=group)).to_be_visible()
    # A group of one component has nothing to fold: its name only.
    expect(components.locator(".group-name", has_text="Notifications")).to_be_visible()
    for name in scene.components:
        expect(component_block(page, name)).to_be_visible()
    expect(component_block(page, "Checkout API")).to_contain_text("Degraded performance")
    backend = components.locator("details", has=page.locator("summary", has_text="Backend"))
    expect(backend).to_contain_text("Checkout API")
    expect(backend).to_contain_text("Database")
    expect(backend).not_to_contain_text("Website")
    # The active incident with its Markdown rendered, and the past one.
    active = page.get_by_role("region", name="Active incidents")
    expect(active).to_contain_text("Elevated checkout errors")
    expect(active.locator("strong", has_text="elevated error rates")).to_be_visible()
    expect(active.locator("ul > li", has_text="Retrying usually works")).to_be_visible()
    expect(active).to_contain_text("A bad deploy was found")
    past = page.get_by_role("region", name="Past incidents")
    expect(past).to_contain_text("Delayed email notifications")
    # Maintenance in progress and coming, between the incidents and the components.
    ongoing = page.get_by_role("region", name="Under maintenance")
    expect(ongoing).to_contain_text("Database storage upgrade")
    expect(ongoing.locator("strong", has_text="faster disks")).to_be_visible()
    expect(ongoing).to_contain_text("Affects: Database")
    expect(component_block(page, "Database")).to_contain_text("Under maintenance")
    coming = page.get_by_role("region", name="Scheduled maintenance")
    expect(coming).to_contain_text("Email provider switch")
    expect(coming.locator("em", has_text="a few minutes late")).to_be_visible()
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Active incidents") < headings.index("Under maintenance"), headings
    assert headings.index("Scheduled maintenance") < headings.index("Components"), headings
    # Every day has its bar; days that read the same are one run, told in words
    # (dates and uptime) as a tooltip and to screen readers.
    runs = uptime_bars(page, "Checkout API")
    days = runs.evaluate_all("(runs) => runs.map((run) => run.width.baseVal.value / 5)")
    assert sum(days) == scene.page["uptime_days"], days
    # They are painted, day bars in their status colour with gaps between them.
    bar = page.get_by_role("group", name=re.compile("uptime of Checkout API", re.I))
    box = bar.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] >= 24
    colours = painted(page, bar, scene.page["uptime_days"])
    degraded = page.evaluate(STATUS_COLOUR, "degraded_performance")
    assert near(colours["today"], degraded), (colours, degraded)
    assert not near(colours["gap"], degraded), (colours, degraded)
    labels = labels_of(page, "Checkout API")
    assert all(re.search(r"\d", label) for label in labels), labels[:3]
    assert sum("outage" in label.lower() for label in labels) >= 2, labels  # its bad days
    assert "degraded" in labels[-1].lower(), labels[-1]  # today, newest last
    assert all("outage" not in label.lower() for label in labels_of(page, "Website"))


POSTMORTEM = """## Root cause

A failed disk on the **primary** database; the replica took over.

- Failover took 4 minutes
- No data was lost"""


def write_up_incident(live: Live, slug: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A page with a resolved incident and its postmortem, still a draft: ``(page, incident)``.

    Whatever else an incident page shows (its affected components, say) is given here too.
    """
    admin = live.admin
    page = admin.post("/", {"name": "Acme Status", "slug": slug})
    database = admin.post(f"/{page['id']}/components", {"name": "Database"})
    admin.post(f"/{page['id']}/components", {"name": "Website"})
    incident = admin.post(
        f"/{page['id']}/incidents",
        {
            "title": "Database failover",
            "message": "The primary failed.",
            "impact": "major",
            "components": {database["id"]: "major_outage"},
        },
    )
    admin.put(
        f"/{page['id']}/incidents/{incident['id']}",
        {"status": "resolved", "message": "The replica serves all traffic."},
    )
    admin.put(f"/{page['id']}/incidents/{incident['id']}/postmortem", {"body": POSTMORTEM})
    return page, incident


def test_an_incident_page_shows_what_it_affected_and_its_published_postmortem(
    live: Live, watched: Watched
) -> None:
    page, incident = write_up_incident(live, "write-up")
    tab = watched.page
    address = f"{live.url}{SITE}/{page['slug']}/incidents/{incident['id']}"
    open_live(tab, address)
    expect(tab.get_by_role("heading", name="Database failover")).to_be_visible()
    expect(tab.locator("main")).to_contain_text("The replica serves all traffic.")
    expect(tab.get_by_role("region", name="Postmortem")).to_have_count(0)  # a draft: hidden
    # What it affected: the Database alone, in the status the incident gave it.
    affected = tab.get_by_role("list", name="Affected components")
    expect(affected.get_by_role("listitem")).to_have_count(1)
    expect(affected).to_contain_text("Database")
    expect(affected).to_contain_text(re.compile("major outage", re.IGNORECASE))

    # Published, it reaches the open page without a reload.
    live.admin.post(f"/{page['id']}/incidents/{incident['id']}/postmortem/publish", {})
    postmortem = tab.get_by_role("region", name="Postmortem")
    expect(postmortem).to_be_visible()
    expect(postmortem.get_by_role("heading", name="Root cause")).to_be_visible()
    expect(postmortem.locator("strong", has_text="primary")).to_be_visible()
    expect(postmortem.locator("ul > li", has_text="No data was lost")).to_be_visible()
    expect(postmortem.locator("time")).to_contain_text(re.compile(r"\d"))
    assert watched.errors == []
    assert watched.csp_violations() == []


#: Pixels of a PNG (base64) at fractions of its width, halfway down, as [r, g, b].
PIXELS = """async ({png, at}) => {
  const image = new Image();
  image.src = "data:image/png;base64," + png;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return at.map((x) => Array.from(
    context.getImageData(Math.floor(x * image.width), image.height >> 1, 1, 1).data.slice(0, 3)));
}"""

#: The colour of a status on this page, as [r, g, b].
STATUS_COLOUR = """(status) => {
  const probe = document.createElement("span");
  probe.className = "s-" + status;
  probe.style.color = "var(--s)";
  document.querySelector("main").append(probe);
  const colour = getComputedStyle(probe).color.match(/\\d+/g).map(Number);
  probe.remove();
  return colour;
}"""


def painted(page: Page, bar: Any, days: int) -> dict[str, list[int]]:
    """What the screen shows in the middle of a bar's last day and of the gap before it."""
    png = base64.b64encode(bar.screenshot(animations="disabled")).decode()
    unit = 1 / (days * 5 - 1)  # a day is a bar of 4 units and a gap of 1
    today, gap = page.evaluate(PIXELS, {"png": png, "at": [1 - 2 * unit, 1 - 4.5 * unit]})
    return {"today": today, "gap": gap}


def near(one: list[int], other: list[int]) -> bool:
    return all(abs(a - b) <= 8 for a, b in zip(one, other, strict=True))


def component_block(page: Page, name: str) -> Any:
    """The block of one component: its name, status and bars."""
    return page.locator(".component").filter(has=page.get_by_text(name, exact=True)).first


def uptime_bars(page: Page, component: str) -> Any:
    """The day bars of one component, found by their accessible name."""
    bars = page.get_by_role("group", name=re.compile(f"uptime of {re.escape(component)}", re.I))
    return bars.get_by_role("button")


def labels_of(page: Page, component: str) -> list[str]:
    """What each bar says: its accessible text (aria-label, hidden text or title)."""
    return list(
        uptime_bars(page, component).evaluate_all(
            "(bars) => bars.map((el) => el.getAttribute('aria-label')"
            " || el.textContent.trim() || el.title)"
        )
    )


def test_a_collapsed_group_is_folded_with_its_worst_status_in_sight(
    live: Live, watched: Watched
) -> None:
    scene = live.scene("acme-folded")
    database = scene.components["Database"]
    live.admin.patch(f"/{scene.id}/groups/{database['group_id']}", {"collapsed": True})
    live.admin.put(f"/{scene.id}/components/{database['id']}", {"status": "major_outage"})
    page = watched.page
    open_live(page, live.site(scene))
    backend = page.locator("details.group", has=page.locator("summary", has_text="Backend"))
    assert backend.evaluate("(details) => details.open") is False
    expect(backend.locator("summary")).to_contain_text("Major outage", ignore_case=True)
    expect(component_block(page, "Database")).to_be_hidden()
    backend.locator("summary").click()
    expect(component_block(page, "Database")).to_be_visible()
    expect(component_block(page, "Database")).to_contain_text("Major outage", ignore_case=True)
    assert watched.errors == []
    assert watched.csp_violations() == []


def test_a_status_change_reaches_the_open_page_without_reload(live: Live, watched: Watched) -> None:
    scene = live.scene("acme-live")
    page = watched.page
    open_live(page, live.site(scene))
    page.evaluate("window.__marker = 'still here'")
    database = component_block(page, "Database")
    expect(database).not_to_contain_text("Major outage", ignore_case=True)
    # A visitor in the middle of things: a group folded, an address half typed.
    page.locator("summary", has_text="Frontend").click()
    page.locator("header").get_by_role("link", name="Subscribe to updates").click()
    choice = page.get_by_role("checkbox", name="Website")
    choice.check()
    email = page.get_by_label("Email address")
    email.fill("ops@exam")

    live.admin.put(
        f"/{scene.id}/components/{scene.components['Database']['id']}", {"status": "major_outage"}
    )
    expect(database).to_contain_text("Major outage", ignore_case=True, timeout=LIVE_TIMEOUT)
    expect(page.get_by_role("status").last).to_contain_text(re.compile("outage", re.I))
    live.admin.post(
        f"/{scene.id}/incidents", {"title": "Database unreachable", "severity": "critical"}
    )
    expect(page.locator("main")).to_contain_text("Database unreachable", timeout=LIVE_TIMEOUT)

    assert page.evaluate("window.__marker") == "still here"  # no navigation happened
    expect(email).to_have_value("ops@exam")
    expect(email).to_be_focused()
    expect(choice).to_be_checked()
    frontend = page.locator("details", has=page.locator("summary", has_text="Frontend"))
    assert frontend.evaluate("(details) => details.open") is False
    assert watched.errors == []
    assert watched.csp_violations() == []  # the swapped-in content obeys the CSP too


def test_an_incident_page_shows_its_affected_components_and_corrections_live(
    live: Live, watched: Watched
) -> None:
    scene = live.scene("acme-affected")
    checkout, web = scene.components["Checkout API"]["id"], scene.components["Website"]["id"]
    incident = live.admin.post(
        f"/{scene.id}/incidents",
        {
            "title": "Checkout down",
            "message": "Payments fial.",
            "components": {checkout: "major_outage", web: "degraded_performance"},
        },
    )
    page = watched.page
    open_live(page, live.site(scene, f"/incidents/{incident['id']}"))
    affected = page.get_by_role("list", name="Affected components")
    expect(affected.get_by_role("listitem")).to_have_count(2)
    expect(affected.get_by_role("listitem").first).to_contain_text("Website")
    expect(affected).to_contain_text("Checkout API")
    expect(affected).to_contain_text("Major outage", ignore_case=True)
    expect(page.locator("main")).to_contain_text("Checkout API: major outage (was degraded")

    entry = incident["updates"][0]["id"]
    live.admin.patch(
        f"/{scene.id}/incidents/{incident['id']}/updates/{entry}", {"message": "Payments fail."}
    )
    expect(page.locator("main")).to_contain_text("Payments fail.", timeout=LIVE_TIMEOUT)
    expect(page.locator("main")).to_contain_text("edited")
    assert watched.errors == []
    assert watched.csp_violations() == []


def test_a_maintenance_window_reaches_the_open_page_without_reload(
    live: Live, watched: Watched
) -> None:
    scene = live.scene("acme-live-maintenance")
    page = watched.page
    open_live(page, live.site(scene))
    page.evaluate("window.__marker = 'still here'")
    window = live.admin.post(
        f"/{scene.id}/maintenances",
        {
            "title": "Cache cluster resize",
            "message": "More memory for the **cache**.",
            "scheduled_for": iso(hour(24)),
            "scheduled_until": iso(hour(26)),
            "component_ids": [scene.components["Website"]["id"]],
        },
    )
    coming = page.get_by_role("region", name="Scheduled maintenance")
    expect(coming).to_contain_text("Cache cluster resize", timeout=LIVE_TIMEOUT)
    expect(coming.locator("strong", has_text="cache")).to_be_visible()

    live.admin.patch(
        f"/{scene.id}/maintenances/{window['id']}",
        {"status": "in_progress", "message": "Resizing now."},
    )
    ongoing = page.get_by_role("region", name="Under maintenance")
    expect(ongoing).to_contain_text("Resizing now.", timeout=LIVE_TIMEOUT)
    expect(component_block(page, "Website")).to_contain_text("Under maintenance")
    expect(coming).not_to_contain_text("Cache cluster resize")
    assert page.evaluate("window.__marker") == "still here"  # no navigation happened
    assert watched.errors == []
    assert watched.csp_violations() == []


def test_a_change_between_page_load_and_stream_connect_is_not_lost(
    live: Live, watched: Watched
) -> None:
    """A change made after the HTML left the server but before its stream connected.

    The stream's first event is then a ``state`` that already holds the change;
    a page that takes every first ``state`` for "nothing new" misses it until the next one.
    """
    scene = live.scene("acme-gap")
    page = watched.page
    component = scene.components["Database"]["id"]

    def change_then_connect(route: Any) -> None:
        live.admin.put(f"/{scene.id}/components/{component}", {"status": "major_outage"})
        route.continue_()

    page.route(re.compile(r"/events(\?|$)"), change_then_connect)
    open_live(page, live.site(scene))
    expect(component_block(page, "Database")).to_contain_text(
        "Major outage", ignore_case=True, timeout=LIVE_TIMEOUT
    )
    assert watched.errors == []


# -------------------------------------------------------------- the widget


@pytest.fixture
def other_origin() -> Iterator[OtherOrigin]:
    site = OtherOrigin()
    yield site
    site.stop()


HOSTILE = "<img src=x onerror=window.__pwned=1>"


def test_widget_on_another_origin_renders_and_stays_live(
    live: Live, other_origin: OtherOrigin, watched: Watched
) -> None:
    scene = live.scene("acme-widget")
    live.admin.post(f"/{scene.id}/incidents", {"title": HOSTILE, "severity": "none"})
    script = f"{live.url}{PREFIX}/public/{scene.slug}/widget.js"
    other_origin.pages["/"] = (
        "<!doctype html><html lang=en><head><title>Shop</title>"
        '<link rel="icon" href="data:,">'
        # The host's styles must not reach into the widget.
        "<style>a, li { display: none !important } * { color: #f0f !important }</style>"
        "</head><body><h1>A shop somewhere else</h1>"
        f'<script src="{script}" async></script></body></html>'
    )
    page = watched.page
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/events")):
        page.goto(other_origin.url + "/")
    host = page.locator("body > :not(h1):not(script)").first
    widget_text = lambda: str(host.evaluate(SHADOW_TEXT))  # noqa: E731
    expect(host).to_be_attached()
    wait_for(page, host, "degraded")
    assert "Degraded system performance" in widget_text()  # as the status page says it
    incident = host.locator("a", has_text="Elevated checkout errors")  # pierces the shadow root
    expect(incident).to_be_visible()
    assert incident.evaluate("(a) => getComputedStyle(a).color") != "rgb(255, 0, 255)"
    href = incident.get_attribute("href")
    assert href == live.site(scene, f"/incidents/{scene.active['id']}"), href
    assert HOSTILE in widget_text()  # shown as text, never parsed
    ongoing = host.locator("a", has_text="Database storage upgrade")
    expect(ongoing).to_have_attribute(
        "href", live.site(scene, f"/maintenances/{scene.maintenance['id']}")
    )
    assert "Database storage upgrade Under maintenance" in widget_text()
    assert re.search(
        r"Scheduled: Email provider switch , \d+ \w{3,4} \d{4}, \d\d:00 UTC", widget_text()
    )
    assert page.evaluate("window.__pwned") is None
    page.add_script_tag(path=str(AXE))  # the stranger's page has no CSP
    results = page.evaluate(
        "(el) => axe.run(el, {resultTypes: ['violations']})", host.element_handle()
    )
    violations = serious_violations(results)
    assert not violations, "\n" + describe_violations(violations)

    live.admin.put(f"/{scene.id}/incidents/{scene.active['id']}", {"status": "resolved"})
    live.admin.put(
        f"/{scene.id}/components/{scene.components['Checkout API']['id']}",
        {"status": "major_outage"},
    )
    wait_for(page, host, "major system outage")
    assert "Elevated checkout errors" not in widget_text()
    assert watched.errors == []


def test_the_widget_names_what_an_incident_affects(
    live: Live, other_origin: OtherOrigin, watched: Watched
) -> None:
    scene = live.scene("acme-widget-affected")
    checkout, web = scene.components["Checkout API"]["id"], scene.components["Website"]["id"]
    live.admin.post(
        f"/{scene.id}/incidents",
        {"title": "Checkout down", "components": {checkout: "major_outage", web: "major_outage"}},
    )
    script = f"{live.url}{PREFIX}/public/{scene.slug}/widget.js"
    other_origin.pages["/"] = (
        "<!doctype html><html lang=en><head><title>Shop</title></head><body>"
        f'<script src="{script}" async></script></body></html>'
    )
    page = watched.page
    page.goto(other_origin.url + "/")
    host = page.locator("body > :not(script)").first
    wait_for(page, host, "checkout down")
    wait_for(page, host, "website, checkout api")
    assert watched.errors == []


NOTICE = "statuspages-notice >> .n"  # Playwright's CSS pierces the open shadow root


def _rgb(color: str) -> str:
    return "rgb({}, {}, {})".format(*(int(color[i : i + 2], 16) for i in (1, 3, 5)))


def _notice_box(page: Page) -> dict[str, Any]:
    return page.locator(NOTICE).evaluate(
        """(n) => { const s = getComputedStyle(n), r = n.getBoundingClientRect();
          return {background: s.backgroundColor, color: s.color, top: r.top, left: r.left,
                  right: innerWidth - r.right, bottom: innerHeight - r.bottom}; }"""
    )


def test_the_status_embed_notice_takes_the_configured_corner_and_colours(
    live: Live, other_origin: OtherOrigin, watched: Watched
) -> None:
    """On a stranger's site (another origin), widget.js shows the page's notice: in the
    configured corner, in the incident colours for an incident and the maintenance
    colours for a maintenance; it can be dismissed from the keyboard."""
    admin = live.admin
    page_id = admin.post("/", {"name": "Embed Status", "slug": "acme-embed"})["id"]
    component = admin.post(f"/{page_id}/components", {"name": "API"})["id"]
    config = {
        "position": "top-right",
        "incident_background_color": "#5b21b6",
        "incident_text_color": "#fef9c3",
        "maintenance_background_color": "#134e4a",
        "maintenance_text_color": "#ffffff",
    }
    admin.put(f"/{page_id}/status-embed-config", config)
    incident = admin.post(
        f"/{page_id}/incidents",
        {"title": "Login failures", "components": {component: "partial_outage"}},
    )
    script = f"{live.url}{PREFIX}/public/acme-embed/widget.js"
    other_origin.pages["/"] = (
        "<!doctype html><html lang=en><head><title>Shop</title>"
        '<link rel="icon" href="data:,"></head><body><h1>A shop</h1>'
        f'<p><a href="#top">Top</a></p><script src="{script}" async></script></body></html>'
    )
    page = watched.page
    page.set_viewport_size({"width": 1000, "height": 700})
    page.goto(other_origin.url + "/")
    notice = page.locator(NOTICE)
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Login failures")
    box = _notice_box(page)
    assert box["background"] == _rgb(config["incident_background_color"])
    assert box["color"] == _rgb(config["incident_text_color"])
    assert 0 <= box["top"] <= 32 and 0 <= box["right"] <= 32, box  # top right
    assert box["left"] > 500 and box["bottom"] > 500, box
    link = page.locator(f"{NOTICE} a")
    expect(link).to_have_attribute(
        "href", f"{live.url}{SITE}/acme-embed/incidents/{incident['id']}"
    )

    # From the keyboard: Tab reaches the notice's link, then its button; Enter dismisses.
    page.locator("a[href='#top']").focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "STATUSPAGES-NOTICE":
            break
    inside = "document.activeElement.shadowRoot.activeElement"
    assert page.evaluate(f"{inside}.textContent") == "Login failures"
    page.keyboard.press("Tab")
    assert page.evaluate(f"{inside}.getAttribute('aria-label')") == "Dismiss"
    page.keyboard.press("Enter")
    expect(notice).to_have_count(0)

    # The incident ends, a maintenance begins: the notice comes back in its colours,
    # at a corner moved meanwhile.
    admin.patch(f"/{page_id}/status-embed-config", {"position": "bottom-left"})
    admin.put(f"/{page_id}/incidents/{incident['id']}", {"status": "resolved"})
    admin.post(
        f"/{page_id}/maintenances",
        {
            "title": "Disk swap",
            "scheduled_for": iso(hour(-1)),
            "scheduled_until": iso(hour(2)),
            "component_ids": [component],
        },
    )
    expect(notice).to_contain_text("Disk swap")
    expect(notice).to_contain_text("Under maintenance")
    box = _notice_box(page)
    assert box["background"] == _rgb(config["maintenance_background_color"])
    assert box["color"] == _rgb(config["maintenance_text_color"])
    assert 0 <= box["bottom"] <= 32 and 0 <= box["left"] <= 32, box  # bottom left
    page.locator(f"{NOTICE} a").focus()
    page.keyboard.press("Escape")  # Escape dismisses too
    expect(notice).to_have_count(0)
    assert watched.errors == []


#: The visible text of an element and of the open shadow roots below it.
SHADOW_TEXT = """(el) => {
  const walk = (node) => {
    let text = "";
    if (node.shadowRoot) text += walk(node.shadowRoot);
    for (const child of node.childNodes) {
      text += child.nodeType === Node.TEXT_NODE ? child.textContent + " " : walk(child);
    }
    return text;
  };
  return walk(el).replace(/\\s+/g, " ");
}"""


def wait_for(page: Page, host: Any, text: str) -> None:
    """Wait until ``text`` (any case) shows in ``host`` or its shadow root."""
    page.wait_for_function(
        f"([el, text]) => ({SHADOW_TEXT})(el).toLowerCase().includes(text)",
        arg=[host.element_handle(), text.lower()],
        timeout=LIVE_TIMEOUT,
    )


# ---------------------------------------------------------- password form


def test_password_form_wrong_then_right_and_the_cookie_keeps_it_open(
    live: Live, watched: Watched
) -> None:
    scene = live.scene("acme-locked", password="open sesame")
    page = watched.page
    response = page.goto(live.site(scene))
    assert response is not None and response.status == 401
    expect(page.locator("main")).not_to_contain_text("Checkout API")
    password = page.locator("input[type=password]")
    expect(password).to_be_visible()

    password.fill("wrong guess")
    with page.expect_navigation():
        password.press("Enter")
    expect(page.locator("main")).to_contain_text(
        re.compile("wrong|incorrect|not right|invalid", re.I)
    )
    expect(page.locator("main")).not_to_contain_text("Checkout API")

    page.locator("input[type=password]").fill("open sesame")
    with page.expect_navigation():
        page.locator("input[type=password]").press("Enter")
    assert page.url.rstrip("/") == live.site(scene)
    expect(page.locator("main")).to_contain_text("Checkout API")
    cookies = {c["name"] for c in page.context.cookies()}
    assert any(name.startswith("statuspages_page_") for name in cookies), cookies

    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/events")) as stream:
        response = page.reload()
    assert response is not None and response.status == 200
    expect(page.locator("main")).to_contain_text("Checkout API")
    assert stream.value.status == 200  # the cookie opens the live stream too
    # Chromium logs the form's 401 answers as failed loads: expected, nothing else is.
    assert [e for e in watched.errors if "status of 401" not in e] == []
    assert watched.csp_violations() == []


def test_subscribing_by_the_form_and_a_forged_post_from_another_site(
    live: Live, other_origin: OtherOrigin, watched: Watched
) -> None:
    """The form works from our page; the same POST from a stranger's page is refused
    (Chromium's ``Sec-Fetch-Site`` says where it comes from: no token needed)."""
    scene = live.scene("acme-subscribe")
    page = watched.page
    page.goto(live.site(scene))
    page.locator("header").get_by_role("link", name="Subscribe to updates").click()
    page.locator("#subscribe-email").fill("visitor@example.org")
    with page.expect_navigation():
        page.locator("#subscribe-email").press("Enter")
    expect(page.locator("main")).to_contain_text("Check your inbox")

    other_origin.pages["/"] = (
        "<!doctype html><html lang=en><head><title>Win a prize</title>"
        '<link rel="icon" href="data:,"></head><body>'
        f'<form id=f method=post action="{live.site(scene, "/subscribe")}">'
        '<input name=email value="victim@example.org"></form>'
        "<script>document.getElementById('f').submit()</script></body></html>"
    )
    with page.expect_navigation():
        page.goto(other_origin.url + "/")
    expect(page.locator("main")).to_contain_text("Please try again")
    subscribers = live.admin.request("GET", f"/{scene.id}/subscribers")["data"]
    emails = [s["email"] for s in subscribers]
    assert emails == ["visitor@example.org"]


# --------------------------------------------------------------- axe-core


def axe_violations(browser: Browser, url: str, **context: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of ``url`` (CSP bypassed to inject axe)."""
    ctx = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 1000}, **context)
    try:
        page = ctx.new_page()
        response = page.goto(url)
        assert response is not None and response.status in (200, 401), (
            url,
            response and response.status,
        )
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return serious_violations(results)
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def locked(live: Live) -> Scene:
    return live.scene("acme-axe-locked", password="open sesame")


@pytest.mark.parametrize(
    ("where", "scheme"),
    [
        ("page", "light"),
        ("page", "dark"),
        ("incident", "light"),
        ("incident", "dark"),
        ("maintenance", "light"),
        ("maintenance", "dark"),
        ("history", "light"),
        ("history", "dark"),
        ("password form", "light"),
    ],
)
def test_axe_finds_no_serious_violation(
    live: Live, scene: Scene, locked: Scene, browser: Browser, where: str, scheme: str
) -> None:
    url = {
        "page": live.site(scene),
        "incident": live.site(scene, f"/incidents/{scene.active['id']}"),
        "maintenance": live.site(scene, f"/maintenances/{scene.maintenance['id']}"),
        "history": live.site(scene, "/history"),
        "password form": live.site(locked),
    }[where]
    violations = axe_violations(browser, url, color_scheme=scheme)
    assert not violations, "\n" + describe_violations(violations)


# ------------------------------------------------------------- time zones


def test_times_show_the_pages_zone_and_the_visitors_own_on_hover(
    live: Live, browser: Browser
) -> None:
    scene = live.scene("acme-tokyo", time_zone="Asia/Tokyo")
    ctx = browser.new_context(timezone_id="America/New_York", locale="en-US")
    try:
        watched = Watched(ctx.new_page())
        page = watched.page
        open_live(page, live.site(scene, f"/incidents/{scene.active['id']}"))
        started = page.locator("time[datetime]").first
        expect(started).to_contain_text(re.compile(r", \d\d:\d\d JST$"))
        expect(started).to_have_attribute("title", re.compile(r"\d:\d\d [AP]M E[SD]T$"))
        # A live swap brings new times, and they get their title too.
        live.admin.put(f"/{scene.id}/incidents/{scene.active['id']}", {"message": "Still on it."})
        expect(page.locator("main")).to_contain_text("Still on it.")
        for time in page.locator("time[datetime]").all():
            expect(time).to_have_attribute("title", re.compile(r"E[SD]T$"))
        assert watched.errors == [] and watched.csp_violations() == []
    finally:
        ctx.close()


# ----------------------------------------------------------- console, CSP


def test_no_console_error_and_no_csp_violation(live: Live, scene: Scene, watched: Watched) -> None:
    page = watched.page
    with page.expect_response(lambda r: r.url.split("?")[0].endswith("/events")):
        response = page.goto(live.site(scene))
    assert response is not None and response.status == 200
    script_src = csp_directive(response.headers["content-security-policy"], "script-src")
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    for path in (
        f"/incidents/{scene.active['id']}",
        f"/maintenances/{scene.maintenance['id']}",
        "/history",
    ):
        response = page.goto(live.site(scene, path))
        assert response is not None and response.status == 200
    assert watched.errors == []
    assert watched.csp_violations() == []


def csp_directive(policy: str, name: str) -> str:
    """The sources of directive ``name`` of a CSP (``default-src`` when it is absent)."""
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    return directives.get(name, directives.get("default-src", ""))


# ------------------------------------------------------------- screenshots


@pytest.mark.parametrize("name", list(SHOTS))
def test_screenshots(live: Live, scene: Scene, browser: Browser, tmp_path: Path, name: str) -> None:
    """The scene fits every screen (the page must fit the phone); pictures in tmp_path."""
    options: dict[str, Any] = SHOTS[name]
    ctx = browser.new_context(**options)
    try:
        page = ctx.new_page()
        response = page.goto(live.site(scene))
        assert response is not None and response.status == 200
        photograph(page, tmp_path / name)
    finally:
        ctx.close()
