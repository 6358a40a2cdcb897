"""The README's screenshots are what ``make demo`` shows, and this test makes them.

The example app is migrated, seeded and served exactly as ``make demo`` does
(``tests/docs_examples.py:ExampleApp``: ``flask statuspages db upgrade``, ``flask statuspages
demo --owner acme``, ``flask run``, on a fresh SQLite database and a free loopback port);
Debian's Chromium, driven by Playwright, opens the home page, follows its link to the HTML
status page, and photographs it. The pictures go to a temporary folder, or to
``docs/screenshots/`` with ``STATUSPAGES_SCREENSHOTS=1`` (``make screenshots``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from .browser_support import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, SHOTS, photograph
from .conftest import free_port
from .docs_examples import ExampleApp


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExampleApp]:
    app = ExampleApp(tmp_path_factory.mktemp("demo"), free_port(), free_port())
    yield app
    app.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("name", list(SHOTS))
def test_demo_screenshots(demo: ExampleApp, browser: Browser, tmp_path: Path, name: str) -> None:
    """From the demo's home page, its link to the status page; the page fits the screen."""
    folder = SCREENSHOTS if os.environ.get("STATUSPAGES_SCREENSHOTS") == "1" else tmp_path
    ctx = browser.new_context(**SHOTS[name])
    try:
        page = ctx.new_page()
        page.goto(demo.base + "/")
        page.get_by_role("link", name="The demo status page").click()
        page.wait_for_load_state("load")
        assert page.url == demo.base + "/status/acme-status"
        assert page.get_by_role("heading", name="Acme Status").count() >= 1
        page.get_by_text("Elevated API latency").first.wait_for()
        photograph(page, folder / name)
    finally:
        ctx.close()
