"""Metric charts in a real browser: headless Chromium against a live server.

The chart is drawn by the server (an SVG with a title and a description), readable in
light and dark, free of axe-core violations, and redrawn without a reload when a
reading is posted through the admin API.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .browser_support import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    SITE,
    Admin,
    LiveServer,
    describe_violations,
    serious_violations,
)
from .conftest import header_owner, make_app

LIVE_TIMEOUT = 10_000  # ms


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    database = tmp_path_factory.mktemp("metrics-browser") / "status.db"
    app, ext, db = make_app(
        f"sqlite:///{database}",
        STATUSPAGES_SSE_HEARTBEAT=1,
        STATUSPAGES_SSE_MAX_DURATION=30,
        STATUSPAGES_PUBLIC_RATE_LIMIT="10000 per minute",
    )
    ext.owner_loader(header_owner)
    with app.app_context():
        ext.create_all()
    live = LiveServer(app)
    yield live
    live.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def make_scene(server: LiveServer, slug: str) -> tuple[Admin, dict[str, Any], dict[str, Any]]:
    """A page with one metric holding an hour of readings (100 to 111 ms)."""
    admin = Admin(server.url)
    page = admin.post("/", {"name": "Metrics Status", "slug": slug})
    admin.post(f"/{page['id']}/components", {"name": "API"})
    metric = admin.post(
        f"/{page['id']}/metrics",
        {"name": "API latency", "suffix": "ms", "decimal_places": 1},
    )
    now = int(time.time())
    data = [{"timestamp": now - 60 - i * 300, "value": 100 + i} for i in range(12)]
    admin.post(f"/{page['id']}/metrics/{metric['id']}/data", {"data": data})
    return admin, page, metric


def test_the_chart_is_drawn_and_follows_a_posted_point_live(
    server: LiveServer, browser: Browser
) -> None:
    admin, page, metric = make_scene(server, "metrics-live")
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(LIVE_TIMEOUT)
    tab = context.new_page()
    errors: list[str] = []
    # /favicon.ico belongs to the host app, and Chromium asks for it when it pleases.
    tab.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        with tab.expect_response(lambda r: r.url.split("?")[0].endswith("/events")) as stream:
            response = tab.goto(f"{server.url}{SITE}/{page['slug']}")
        assert response is not None and response.status == 200
        assert stream.value.status == 200
        chart = tab.get_by_role("img", name="API latency")
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 60
        line = tab.locator(f"#metric-{metric['id']} .metric-line")
        expect(line).to_have_attribute("d", re.compile(r"^M[0-9]"))
        before = line.get_attribute("d")
        # Drawn: the line has a length on screen, in the chart's colour.
        assert (
            tab.evaluate(
                "(id) => document.querySelector(`#metric-${id} .metric-line`).getTotalLength()",
                metric["id"],
            )
            > 0
        )
        figures = tab.locator(f"#metric-{metric['id']} .metric-latest")
        expect(figures).to_have_text("100.0 ms")
        description = tab.locator(f"#metric-{metric['id']}-desc")
        assert "max 111.0 ms" in (description.text_content() or "")

        admin.post(
            f"/{page['id']}/metrics/{metric['id']}/data",
            {"data": {"timestamp": int(time.time()), "value": 250}},
        )
        expect(figures).to_have_text("250.0 ms")
        expect(line).not_to_have_attribute("d", before or "")
        assert "max 250.0 ms" in (description.text_content() or "")
        assert errors == []
    finally:
        context.close()


def _chart_colour(browser: Browser, url: str, scheme: str) -> str:
    context = browser.new_context(color_scheme=scheme)  # type: ignore[arg-type]
    try:
        tab = context.new_page()
        tab.goto(url)
        return tab.evaluate(  # type: ignore[no-any-return]
            "() => getComputedStyle(document.querySelector('.metric-chart')).color"
        )
    finally:
        context.close()


def test_the_chart_takes_the_schemes_colours(server: LiveServer, browser: Browser) -> None:
    _, page, _ = make_scene(server, "metrics-schemes")
    url = f"{server.url}{SITE}/{page['slug']}"
    light, dark = _chart_colour(browser, url, "light"), _chart_colour(browser, url, "dark")
    assert light == "rgb(29, 78, 216)"  # --chart, dark blue on white
    assert dark == "rgb(147, 197, 253)"  # light blue on the dark surface


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_in_the_metrics(
    server: LiveServer, browser: Browser, scheme: str
) -> None:
    _, page, _ = make_scene(server, f"metrics-axe-{scheme}")
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)  # type: ignore[arg-type]
    try:
        tab: Page = context.new_page()
        tab.goto(f"{server.url}{SITE}/{page['slug']}")
        tab.add_script_tag(path=str(AXE))
        results = tab.evaluate(
            "() => axe.run(document.querySelector('[aria-labelledby=metrics-title]'),"
            " {resultTypes: ['violations']})"
        )
        violations = serious_violations(results)
        assert violations == [], describe_violations(violations)
    finally:
        context.close()
