"""The console is live: a change made elsewhere (here, through the admin API) shows on
an open screen without a reload, through the page's event stream; an operator typing
in a form is not interrupted, a notice offers the reload instead."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from .browser_support import chromium
from .console_browser import CONSOLE, Host, Operator, build_console_scene, example_host, sign_in


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Host, dict[str, Any]]]:
    with example_host(tmp_path_factory.mktemp("console-live")) as host:
        yield host, build_console_scene(host)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def component_id(host: Host, name: str) -> str:
    return next(c["id"] for c in host.public("acme-cloud")["components"] if c["name"] == name)


def test_a_change_through_the_api_shows_without_a_reload(
    served: tuple[Host, dict[str, Any]], browser: Browser
) -> None:
    host, page = served
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    sign_in(tab, host)
    tab.goto(f"{host.url}{CONSOLE}/pages/{page['id']}/components")
    tab.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads
    row = tab.locator(".comp-row", has_text="Database")
    expect(row.locator(".status")).to_have_text("Operational")
    database = component_id(host, "Database")
    Operator(host).request(
        "PATCH", f"/{page['id']}/components/{database}", {"status": "major_outage"}
    )
    expect(row.locator(".status")).to_have_text("Major outage", timeout=10_000)
    assert tab.evaluate("() => window.sameDocument") is True
    expect(tab.locator("#live-region")).to_have_text("This screen was updated.")
    context.close()


def test_an_operator_typing_is_not_interrupted(
    served: tuple[Host, dict[str, Any]], browser: Browser
) -> None:
    host, page = served
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    sign_in(tab, host)
    website = component_id(host, "Website")
    tab.goto(f"{host.url}{CONSOLE}/pages/{page['id']}/components/{website}/edit")
    name = tab.get_by_label("Name")
    name.fill("Website and shop")
    Operator(host).request(
        "PATCH", f"/{page['id']}/components/{website}", {"status": "degraded_performance"}
    )
    expect(tab.locator("#stale-notice")).to_be_visible(timeout=10_000)
    expect(name).to_have_value("Website and shop")  # what was typed stays
    with tab.expect_navigation():
        tab.get_by_role("button", name="Reload").click()
    expect(tab.locator("#stale-notice")).to_be_hidden()
    context.close()
