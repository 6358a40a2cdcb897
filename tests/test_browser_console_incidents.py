"""The console's incidents and maintenance in headless Chromium: an operator opens an
incident affecting two of three components (the SMTP sink on loopback receives the
notification), posts an update and resolves it, by keyboard and mouse; axe-core finds
no violation on any of these screens, light and dark, at 1280 and 390 px.

The walk's steps take the Playwright page (its context's ``base_url`` is the app) and
the page id, so a longer walk through the whole console can call them in turn.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from flask_statuspages.models import utcnow

from .browser_support import (
    AXE,
    LiveServer,
    chromium,
    describe_violations,
    photograph,
    screenshot_folder,
)
from .conftest import SmtpSink, header_owner, make_app

CONSOLE = "/status-admin"
OPERATOR = {"X-Owner": "acme"}
SIZES = {"1280": {"width": 1280, "height": 1000}, "390": {"width": 390, "height": 844}}


@dataclass
class Scene:
    url: str
    page: str
    incident: str  # resolved, with a postmortem draft
    current: str  # open
    template: str
    maintenance: str


@pytest.fixture(scope="module")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture(scope="module")
def live(tmp_path_factory: Any, smtp_sink: SmtpSink) -> Iterator[Scene]:
    """A page with three components in two groups, a subscriber by email to the
    Database only, a template, a past incident and a maintenance window."""
    path = tmp_path_factory.mktemp("console-incidents") / "status.db"
    app, ext, db = make_app(f"sqlite:///{path}", MAIL_PORT=smtp_sink.port)
    ext.owner_loader(header_owner)
    with app.app_context():
        ext.create_all()
        page = ext.pages.create("acme", name="Acme Cloud", time_zone="Europe/Berlin")
        core = ext.groups.create(page, name="Core platform")
        edge = ext.groups.create(page, name="Edge")
        api = ext.components.create(page, name="API", group_id=core.id)
        database = ext.components.create(page, name="Database", group_id=core.id)
        ext.components.create(page, name="Website", group_id=edge.id)
        _, token = ext.subscribers.create(
            page, email="ops@acme.example", component_ids=[database.id]
        )
        ext.subscribers.verify(page, token)
        template = ext.incident_templates.create(
            page,
            name="Database failover",
            title="Database failing over",
            message="We are switching to the replica; writes may fail for a minute.",
            severity="major",
            components={database.id: "partial_outage"},
        )
        past = ext.incidents.create(
            page,
            title="Slow API responses",
            message="Investigating elevated latency.",
            severity="minor",
            components={api.id: "degraded_performance"},
            notify=False,
        )
        ext.incidents.post_update(
            page, past, status="identified", message="A noisy neighbour.", notify=False
        )
        ext.incidents.resolve(page, past, message="Latency is back to normal.", notify=False)
        ext.incidents.write_postmortem(
            page, past, "## What happened\n\nA batch job saturated the API hosts.\n"
        )
        current = ext.incidents.create(
            page,
            title="Elevated error rates on the API",
            message="Some requests to the API fail with 503. We are investigating.",
            severity="major",
            components={api.id: "partial_outage"},
            notify=False,
        )
        ext.incidents.post_update(
            page,
            current,
            status="identified",
            message="A configuration change on the load balancers; we are reverting it.",
            notify=False,
        )
        start = utcnow() + timedelta(days=3)
        window = ext.maintenances.create(
            page,
            title="Database upgrade",
            message="Writes pause for a minute.",
            scheduled_for=start,
            scheduled_until=start + timedelta(hours=2),
            component_ids=[database.id],
        )
        ids = (page.id, past.id, current.id, template.id, window.id)
    smtp_sink.wait_for(2)  # the verification and the maintenance announcement
    server = LiveServer(app)
    app.config["STATUSPAGES_PUBLIC_URL"] = server.url
    yield Scene(server.url, *ids)
    server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def console_tab(browser: Browser, scene: Scene, **options: Any) -> Page:
    context = browser.new_context(
        base_url=scene.url,
        extra_http_headers=OPERATOR,  # the test app's owner loader reads it
        viewport=options.pop("viewport", SIZES["1280"]),
        **options,
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def is_error(message: Any) -> bool:
    # /favicon.ico is the host app's, and Chromium asks for it when it pleases.
    return bool(message.type == "error") and not message.location.get("url", "").endswith(
        "/favicon.ico"
    )


def preview_maintenance(tab: Page, page_id: str) -> None:
    """Fill the new maintenance form and preview what subscribers will receive."""
    tab.goto(f"{CONSOLE}/pages/{page_id}/maintenances/new")
    tab.get_by_label("Title").fill("Network switch replacement")
    tab.get_by_label("Message").fill("The API may answer slowly for a few minutes.")
    tab.get_by_label("Starts").fill("2030-01-10T02:00")
    tab.get_by_label("Ends").fill("2030-01-10T03:30")
    tab.get_by_label("Database", exact=True).check()
    tab.get_by_role("button", name="Preview what subscribers receive").click()
    expect(tab.locator(".message-preview")).to_contain_text("Scheduled maintenance")


# ------------------------------------------------------------------ the walk


def open_incident(tab: Page, page_id: str, group: str = "Core platform") -> None:
    """From the incident list, open one affecting the API and the Database (of ``group``),
    notifying the page's one subscriber, who follows the Database only."""
    tab.goto(f"{CONSOLE}/pages/{page_id}/incidents")
    tab.get_by_role("link", name="Open an incident").click()
    reach = tab.locator("form.incident-form [data-reach]")
    expect(reach).to_contain_text("1 email subscriber")  # a page-wide notice reaches all
    tab.get_by_label("Title").fill("Errors on the API and the database")
    tab.get_by_label("Message").fill("Requests fail for some customers. We are on it.")
    tab.get_by_label("Impact").select_option("major")
    tab.get_by_label(f"API · {group}").select_option("major_outage")
    expect(reach).to_contain_text("No verified subscriber")  # theirs is the Database only
    tab.get_by_label(f"Database · {group}").select_option("partial_outage")
    expect(reach).to_contain_text("1 email subscriber")
    expect(tab.get_by_label("Notify subscribers")).to_be_checked()  # the default
    tab.get_by_label("Title").focus()
    with tab.expect_navigation():
        tab.keyboard.press("Enter")  # the form's first button: Open incident
    expect(tab.locator(".flash")).to_contain_text("opened")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Errors on the API and the database")


def post_update(tab: Page, page_id: str, group: str = "Core platform") -> None:
    """On the open incident's screen: say the cause is found, the API partly back."""
    assert f"/pages/{page_id}/incidents/" in tab.url
    tab.get_by_label("New status").select_option("identified")
    tab.locator("#f-message").fill("A faulty deploy; rolling it back.")
    tab.get_by_label(f"API · {group}").select_option("partial_outage")
    tab.get_by_role("button", name="Post update").click()
    expect(tab.locator(".flash")).to_contain_text("Update posted.")
    expect(tab.locator(".timeline-item").first).to_contain_text("A faulty deploy")


def resolve(tab: Page, page_id: str) -> None:
    """Resolve it with a closing message, by keyboard."""
    assert f"/pages/{page_id}/incidents/" in tab.url
    tab.get_by_label("Closing message").fill("The rollback is done; everything works again.")
    tab.get_by_role("button", name="Resolve incident").focus()
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    expect(tab.locator(".flash")).to_contain_text("Incident resolved.")
    expect(tab.locator(".incident-meta .status").first).to_have_text("Resolved")


def test_an_operator_opens_updates_and_resolves_an_incident(
    live: Scene, browser: Browser, smtp_sink: SmtpSink
) -> None:
    tab = console_tab(browser, live)
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if is_error(m) else None)
    before = len(smtp_sink.messages)
    open_incident(tab, live.page)
    opened = smtp_sink.wait_for(before + 1)[before]
    assert opened["To"] == "ops@acme.example"
    assert opened["Subject"] == "[Acme Cloud] Investigating: Errors on the API and the database"
    post_update(tab, live.page)
    resolve(tab, live.page)
    subjects = [m["Subject"] for m in smtp_sink.wait_for(before + 3)[before:]]
    assert subjects[1:] == [
        "[Acme Cloud] Identified: Errors on the API and the database",
        "[Acme Cloud] Resolved: Errors on the API and the database",
    ]
    assert errors == []  # no CSP refusal, no script error
    tab.context.close()


def test_choosing_a_template_fills_the_form_at_once(live: Scene, browser: Browser) -> None:
    tab = console_tab(browser, live)
    tab.goto(f"{CONSOLE}/pages/{live.page}/incidents/new")
    expect(tab.get_by_role("button", name="Use template")).to_be_hidden()  # JS does it
    tab.get_by_label("Start from a template").select_option(label="Database failover")
    expect(tab.get_by_label("Title")).to_have_value("Database failing over")
    expect(tab.get_by_label("Database · Core platform")).to_have_value("partial_outage")
    expect(tab.locator("form.incident-form [data-reach]")).to_contain_text("1 email subscriber")
    tab.context.close()


# ------------------------------------------------------------------ axe-core


def screens(scene: Scene) -> dict[str, str]:
    base = f"{CONSOLE}/pages/{scene.page}"
    incident = f"{base}/incidents/{scene.incident}"
    return {
        "incidents": f"{base}/incidents",
        "new incident": f"{base}/incidents/new?template_id={scene.template}",
        "incident": incident,
        "open incident": f"{base}/incidents/{scene.current}",
        "correct an update": f"{incident}/updates/{'{update}'}/edit",
        "postmortem": f"{incident}/postmortem",
        "templates": f"{base}/incident-templates",
        "template": f"{base}/incident-templates/{scene.template}",
        "maintenances": f"{base}/maintenances",
        "maintenance": f"{base}/maintenances/{scene.maintenance}",
    }


def first_update(tab: Page, incident_url: str) -> str:
    tab.goto(incident_url)
    href = tab.get_by_role("link", name="Correct").first.get_attribute("href")
    assert href is not None
    return href


def axe_violations(tab: Page) -> list[dict[str, Any]]:
    tab.add_script_tag(path=str(AXE))
    results = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return list(results["violations"])


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["1280", "390"])
def test_axe_finds_no_violation_on_the_incident_screens(
    live: Scene, browser: Browser, scheme: str, width: str
) -> None:
    tab = console_tab(browser, live, viewport=SIZES[width], color_scheme=scheme, bypass_csp=True)
    targets = screens(live)
    targets["correct an update"] = first_update(tab, targets["incident"])
    found = {}
    for name, url in targets.items():
        response = tab.goto(url)
        assert response is not None and response.status == 200, name
        violations = axe_violations(tab)
        if violations:
            found[name] = describe_violations(violations)
    preview_maintenance(tab, live.page)
    violations = axe_violations(tab)
    if violations:
        found["maintenance preview"] = describe_violations(violations)
    assert not found, "\n".join(f"{name}:\n{text}" for name, text in found.items())
    tab.context.close()


# ------------------------------------------------------------------ pictures


def test_screenshots_of_the_incident_screens(live: Scene, browser: Browser, tmp_path: Path) -> None:
    folder = screenshot_folder(tmp_path)
    incident = f"{CONSOLE}/pages/{live.page}/incidents/{live.current}"
    shots = [
        (
            "console-incident-new.png",
            {},
            f"{CONSOLE}/pages/{live.page}/incidents/new?template_id={live.template}",
        ),
        ("console-incident.png", {}, incident),
        ("console-incident-dark.png", {"color_scheme": "dark"}, incident),
        ("console-incident-mobile.png", {"viewport": SIZES["390"], "is_mobile": True}, incident),
    ]
    for name, options, url in shots:
        tab = console_tab(browser, live, **options)
        tab.goto(url)
        photograph(tab, folder / name)
        tab.context.close()
    tab = console_tab(browser, live)
    preview_maintenance(tab, live.page)
    photograph(tab, folder / "console-maintenance-preview.png")
    tab.context.close()
