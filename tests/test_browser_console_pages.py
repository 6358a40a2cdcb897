"""The console's page and component screens in Chromium: axe-core finds no violation
on any of them, light and dark, at 1280 and 390 px; the branding preview follows the
inputs; components are dragged by the mouse into another group; and the screenshots
of docs/console.md (written to docs/screenshots/ with STATUSPAGES_SCREENSHOTS=1)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from .browser_support import chromium, photograph, screenshot_folder
from .console_browser import (
    CONSOLE,
    VIEWS,
    Host,
    axe_violations,
    build_console_scene,
    example_host,
    new_view,
    sign_in,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Host, dict[str, Any]]]:
    with example_host(tmp_path_factory.mktemp("console")) as host:
        yield host, build_console_scene(host)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def screens(host: Host, page: dict[str, Any], tab: Any) -> dict[str, str]:
    """Every screen of this area, by name: its URL."""
    base = f"{host.url}{CONSOLE}/pages/{page['id']}"
    tab.goto(base + "/components")
    component = tab.locator(".comp-row").first.get_attribute("data-id")
    group = tab.locator(".comp-section[data-group]").first.get_attribute("data-group")
    return {
        "home": f"{host.url}{CONSOLE}/",
        "new page": f"{host.url}{CONSOLE}/pages/new",
        "settings": base + "/settings",
        "delete page": base + "/delete",
        "components": base + "/components",
        "new component": base + "/components/new",
        "edit component": f"{base}/components/{component}/edit",
        "delete component": f"{base}/components/{component}/delete",
        "new group": base + "/groups/new",
        "edit group": f"{base}/groups/{group}/edit",
    }


@pytest.mark.parametrize("view", list(VIEWS))
def test_axe_finds_no_violation_on_any_screen(
    served: tuple[Host, dict[str, Any]], browser: Browser, view: str
) -> None:
    host, page = served
    context = new_view(browser, view)
    tab = context.new_page()
    sign_in(tab, host)
    found = {}
    for name, url in screens(host, page, tab).items():
        response = tab.goto(url)
        assert response is not None and response.status == 200, name
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} is {overflow}px wider than the screen"
        described = axe_violations(tab)
        if described:
            found[name] = described
    context.close()
    assert not found, "\n".join(f"{name}:\n{text}" for name, text in found.items())


def test_the_branding_preview_follows_the_inputs(
    served: tuple[Host, dict[str, Any]], browser: Browser
) -> None:
    host, page = served
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    sign_in(tab, host)
    tab.goto(f"{host.url}{CONSOLE}/pages/{page['id']}/settings")
    banner = tab.locator(".brand-banner")
    expect(banner).to_have_css("background-color", "rgb(14, 116, 144)")  # saved: #0e7490
    tab.get_by_label("Brand colour").fill("#facc15")
    expect(banner).to_have_css("background-color", "rgb(250, 204, 21)")
    expect(banner).to_have_css("color", "rgb(0, 0, 0)")  # dark text on yellow
    tab.get_by_label("Colour scheme").select_option("dark")
    expect(tab.locator(".brand-frame")).to_have_css("background-color", "rgb(17, 24, 39)")
    context.close()


SHOTS = {
    "console-pages.png": ("home", "light-1280"),
    "console-settings.png": ("settings", "light-1280"),
    "console-components.png": ("components", "light-1280"),
    "console-components-dark.png": ("components", "dark-1280"),
    "console-components-mobile.png": ("components", "light-390"),
}


@pytest.mark.parametrize("name", list(SHOTS))
def test_screenshots(
    served: tuple[Host, dict[str, Any]], browser: Browser, tmp_path: Path, name: str
) -> None:
    host, page = served
    folder = screenshot_folder(tmp_path)
    screen, view = SHOTS[name]
    context = browser.new_context(**VIEWS[view])
    tab = context.new_page()
    sign_in(tab, host)
    tab.goto(screens(host, page, tab)[screen])
    photograph(tab, folder / name)
    context.close()


def test_a_component_is_dragged_into_another_group(
    served: tuple[Host, dict[str, Any]], browser: Browser
) -> None:
    host, page = served
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    sign_in(tab, host)
    tab.goto(f"{host.url}{CONSOLE}/pages/{page['id']}/components")
    docs = tab.locator(".comp-row", has_text="Docs").locator(".drag-handle")
    frontend = tab.locator(".comp-section", has_text="Frontend").locator(".comp-name")
    expect(frontend).to_have_text(["Dashboard", "Website"])  # same order: by name
    target = tab.locator(".comp-row", has_text="Website")
    docs.drag_to(target, target_position={"x": 40, "y": 4})
    expect(tab.locator("#live-region")).to_have_text("New order saved.")
    expect(frontend).to_have_text(["Dashboard", "Docs", "Website"])
    public = host.public("acme-cloud")
    names = {c["id"]: c["name"] for c in public["components"]}
    first = public["groups"][0]
    assert [names[i] for i in first["component_ids"]] == ["Dashboard", "Docs", "Website"]
    context.close()


def test_a_group_is_dragged_above_another(
    served: tuple[Host, dict[str, Any]], browser: Browser
) -> None:
    host, page = served
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    sign_in(tab, host)
    tab.goto(f"{host.url}{CONSOLE}/pages/{page['id']}/components")
    headings = tab.locator(".comp-section h2")
    expect(headings).to_have_text(["Frontend", "Backend", "Notifications"])  # Docs dragged in
    handle = tab.locator(".comp-section", has_text="Notifications").locator(".group-handle")
    target = tab.locator(".comp-section", has_text="Frontend").locator(".group-head")
    handle.drag_to(target, target_position={"x": 200, "y": 4})
    expect(tab.locator("#live-region")).to_have_text("New order saved.")
    expect(headings).to_have_text(["Notifications", "Frontend", "Backend"])
    assert [g["name"] for g in host.public("acme-cloud")["groups"]] == [
        "Notifications",
        "Frontend",
        "Backend",
    ]
    context.close()
