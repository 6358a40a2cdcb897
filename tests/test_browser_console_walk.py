"""The console walk in Chromium: an operator signs in through the example app's own
login form, creates a page with two groups and three components and sets a status
from the list. A visitor subscribes (by email, to the Database). The operator opens
an incident affecting two components (the SMTP sink on loopback receives the
notification), posts an update and resolves it; then reorders the components by
keyboard (checked on the public JSON) and verifies a custom domain against a DNS
server on loopback.

Each step is a function taking the Playwright page; the incident steps are
tests/test_browser_console_incidents.py's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .browser_support import chromium
from .conftest import SmtpSink
from .console_browser import Host, example_host, sign_in
from .test_browser_console_incidents import open_incident, post_update, resolve

SLUG = "acme-walk"


@pytest.fixture
def mail() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def host(tmp_path: Path, mail: SmtpSink) -> Iterator[Host]:
    with example_host(tmp_path, mail_port=mail.port) as served:
        yield served


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def submit(tab: Page, name: str) -> None:
    with tab.expect_navigation():
        tab.get_by_role("button", name=name, exact=True).click()


def create_page(tab: Page) -> None:
    tab.get_by_role("link", name="New page").click()
    tab.get_by_label("Name").fill("Acme Walk")
    tab.get_by_label("Address").fill(SLUG)
    submit(tab, "Create page")
    expect(tab.locator(".flashes")).to_contain_text("Page “Acme Walk” created.")


def open_components(tab: Page) -> None:
    tab.get_by_role("navigation", name="Page sections").get_by_role(
        "link", name="Components"
    ).click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Components")


def create_group(tab: Page, name: str) -> None:
    tab.get_by_role("link", name="New group").click()
    tab.get_by_label("Name").fill(name)
    submit(tab, "Add group")
    expect(tab.locator(".flashes")).to_contain_text(f"Group “{name}” added.")


def create_component(tab: Page, name: str, group: str) -> None:
    tab.get_by_role("link", name="New component").click()
    tab.get_by_label("Name").fill(name)
    tab.get_by_label("Group").select_option(label=group)
    submit(tab, "Add component")
    expect(tab.locator(".flashes")).to_contain_text(f"Component “{name}” added.")


def build_components(tab: Page) -> None:
    open_components(tab)
    create_group(tab, "Backend")
    create_group(tab, "Frontend")
    create_component(tab, "API", "Backend")
    create_component(tab, "Database", "Backend")
    create_component(tab, "Website", "Frontend")
    rows = tab.locator(".comp-row .comp-name")
    expect(rows).to_have_text(["API", "Database", "Website"])


def set_status_from_the_list(tab: Page) -> None:
    tab.get_by_label("Status of Database").select_option(label="Partial outage")
    expect(tab.locator(".comp-row", has_text="Database").locator(".reach")).to_contain_text(
        "Notifies nobody yet."
    )
    submit(tab, "Set status of Database")
    expect(tab.locator(".flashes")).to_contain_text("“Database” is now Partial outage.")
    row = tab.locator(".comp-row", has_text="Database")
    expect(row.locator(".status")).to_have_text("Partial outage")


def public_layout(host: Host) -> list[tuple[str, list[str]]]:
    """The public JSON's groups, each with its components' names in order."""
    public = host.public(SLUG)
    names = {c["id"]: c["name"] for c in public["components"]}
    return [(g["name"], [names[i] for i in g["component_ids"]]) for g in public["groups"]]


def reorder_by_keyboard(tab: Page, host: Host) -> None:
    """Database up within Backend, then Website up into Backend: focus and Enter only."""
    button = tab.get_by_role("button", name="Move Database up")
    button.focus()
    tab.keyboard.press("Enter")
    expect(tab.locator("#live-region")).to_have_text("“Database” moved up.")
    expect(tab.locator(".comp-row .comp-name")).to_have_text(["Database", "API", "Website"])
    expect(tab.get_by_role("button", name="Move Database up")).to_be_focused()
    tab.get_by_role("button", name="Move Website up").focus()
    tab.keyboard.press("Enter")
    expect(tab.locator("#live-region")).to_have_text("“Website” moved up.")
    expect(tab.get_by_role("button", name="Move Website up")).to_be_focused()
    assert public_layout(host) == [
        ("Backend", ["Database", "API", "Website"]),
        ("Frontend", []),
    ]
    # Back down into its group, the keyboard again (Space this time).
    tab.get_by_role("button", name="Move Website down").focus()
    tab.keyboard.press("Space")
    expect(tab.locator("#live-region")).to_have_text("“Website” moved down.")
    assert public_layout(host) == [("Backend", ["Database", "API"]), ("Frontend", ["Website"])]


def visitor_subscribes_to_the_database(host: Host, page_id: str, mail: SmtpSink) -> None:
    """A visitor subscribes by email to the Database only, and follows the emailed link."""
    statuspages = host.extension
    with host.app.app_context():
        database = next(c for c in statuspages.components.list(page_id) if c.name == "Database")
        _, token = statuspages.subscribers.create(
            page_id, email="ops@acme.example", component_ids=[database.id]
        )
        statuspages.subscribers.verify(page_id, token)
    mail.wait_for(1)  # the verification email


def incident_from_open_to_resolved(tab: Page, page_id: str, mail: SmtpSink) -> None:
    before = len(mail.messages)
    open_incident(tab, page_id, group="Backend")
    post_update(tab, page_id, group="Backend")
    resolve(tab, page_id)
    sent = mail.wait_for(before + 3)[before:]
    assert [m["To"] for m in sent] == ["ops@acme.example"] * 3
    assert [m["Subject"] for m in sent] == [
        "[Acme Walk] Investigating: Errors on the API and the database",
        "[Acme Walk] Identified: Errors on the API and the database",
        "[Acme Walk] Resolved: Errors on the API and the database",
    ]
    open_components(tab)


def verify_custom_domain(tab: Page, host: Host) -> None:
    tab.get_by_role("navigation", name="Page sections").get_by_role("link", name="Settings").click()
    tab.get_by_label("Domain", exact=True).fill("status.acme.test")
    submit(tab, "Save domain")
    expect(tab.locator(".flashes")).to_contain_text("Settings saved.")
    records = tab.locator("table.records tbody tr")
    expect(records).to_have_count(2)
    submit(tab, "Check now")  # nothing in DNS yet: refused, with the reason by the field
    expect(tab.locator("#error-custom_domain")).to_be_visible()
    for index in range(records.count()):
        kind, name, value = (records.nth(index).locator("td").nth(i).inner_text() for i in range(3))
        host.dns.records.setdefault(name, []).append((kind, value))
    submit(tab, "Check now")
    expect(tab.locator(".flashes")).to_contain_text("The custom domain is verified.")
    expect(tab.locator("#domain .status")).to_have_text("Verified")


def test_the_operators_walk(host: Host, browser: Browser, mail: SmtpSink) -> None:
    context = browser.new_context(base_url=host.url, viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "console",
        lambda message: errors.append(message.text) if "Security Policy" in message.text else None,
    )
    sign_in(tab, host)
    create_page(tab)
    build_components(tab)
    set_status_from_the_list(tab)
    page_id = tab.url.split("/pages/")[1].split("/")[0]
    visitor_subscribes_to_the_database(host, page_id, mail)
    incident_from_open_to_resolved(tab, page_id, mail)
    reorder_by_keyboard(tab, host)
    verify_custom_domain(tab, host)
    assert not errors, errors  # no script error, and the strict CSP refused nothing
    context.close()
