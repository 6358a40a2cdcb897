"""No console form can be used from another origin: Chromium, a host app whose operator
logs in with a cookie, and a stranger's page that tries every POST route of the console.

The routes are read from the app's URL map, so a screen added later is tried too (one
whose URL takes an argument this module cannot fill fails the test, saying which).
From a page on another port of 127.0.0.1 (the *same site* to a browser: the login
cookie goes along) and on 127.0.0.2 (another site), each route gets a urlencoded form
posted into an iframe and a ``no-cors`` fetch with the operator's cookies. Every answer
is 403 and no row of any table changes; the same forms, sent by the console's own
screens, work.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from flask_statuspages.console import BLUEPRINT

from .browser_support import OtherOrigin

# The host app of the API's cross-site test (module-scoped fixtures): the README's cookie
# login, a page with one of everything (its ids in ``host.targets``), every answer recorded.
from .test_browser_csrf import HostApp, Seen, browser, host  # noqa: F401
from .write_routes import database_rows

CONSOLE = "/status-admin"
TIMEOUT = 30_000  # ms
#: What a forger would send to a form (by view): what the form would take, so that a
#: forgery let through would write. Views not here get a body with the usual names.
FORGED: dict[str, list[tuple[str, str]]] = {
    "new_page": [("name", "Forged")],
    "new_subscriber": [("email", "forged@example.org")],
    "new_metric": [("name", "Forged")],
    "metric": [("name", "Forged")],
    "add_metric_reading": [("data[value]", "666"), ("data[timestamp]", "")],
    "new_access_user": [("email", "forged@example.org")],
    "access_user": [("email", "forged@example.org")],
}
FORGED_OTHERWISE = [("name", "Forged"), ("title", "Forged"), ("message", "Forged")]


@pytest.fixture
def tab(browser: Browser, host: HostApp) -> Iterator[Page]:  # noqa: F811
    """A tab logged in to the host app (its session cookie set)."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT)
    opened = context.new_page()
    response = opened.goto(host.server.url + "/login")
    assert response is not None and response.ok
    yield opened
    context.close()


def console_posts(app: Flask, values: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The path of every console route that takes POST, its arguments filled in, and the
    form fields a forger would send it."""
    paths = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(BLUEPRINT + ".") or "POST" not in (rule.methods or ()):
            continue
        missing = rule.arguments - values.keys()
        assert not missing, f"{rule.rule}: give {missing} a value in tests/write_routes.py"
        built = rule.build({name: values[name] for name in rule.arguments})
        assert built is not None
        view = rule.endpoint.partition(".")[2]
        paths[built[1]] = FORGED.get(view, FORGED_OTHERWISE)
    assert len(paths) >= 10, paths  # this branch's screens alone have more
    return dict(sorted(paths.items(), key=lambda item: item[0].endswith("/delete")))


#: Every attempt at once: a form posted into an iframe of its own, and a no-cors fetch.
ATTACK = """async (attempts) => {
  const results = [];
  const submit = ({url, fields}, index) => new Promise((resolve) => {
    const frame = document.createElement("iframe");
    frame.name = `frame-${index}`;
    frame.onload = () => resolve("loaded");
    setTimeout(() => resolve("timeout"), 60000);
    document.body.append(frame);
    const form = document.createElement("form");
    form.method = "post";
    form.action = url;
    form.target = frame.name;
    for (const [name, value] of fields) {
      const input = document.createElement("input");
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  }).then((how) => results.push({url, kind: "form", how}));
  const fetched = ({url, fields}) => fetch(url, {
      method: "POST", mode: "no-cors", credentials: "include",
      body: new URLSearchParams(fields),
    }).then(() => "sent", (error) => `refused by the browser: ${error}`)
    .then((how) => results.push({url, kind: "no-cors", how}));
  await Promise.all(attempts.flatMap((attempt, i) => [submit(attempt, i), fetched(attempt)]));
  return results;
}"""


def arrived(host: HostApp, start: int, expected: int) -> list[Seen]:  # noqa: F811
    """The console's answers since ``start``, once ``expected`` of them came (an iframe's
    load event does not wait for its form's answer), or after 30 seconds."""
    deadline = time.monotonic() + 30
    while True:
        answers = [seen for seen in host.answers()[start:] if seen.path.startswith(CONSOLE)]
        if len(answers) >= expected or time.monotonic() > deadline:
            return answers
        time.sleep(0.1)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2"], ids=["same-site", "cross-site"])
def test_a_strangers_page_can_use_no_console_form(
    host: HostApp,  # noqa: F811
    tab: Page,
    address: str,
) -> None:
    paths = console_posts(host.app, host.targets)
    stranger = OtherOrigin(address)
    try:
        stranger.pages["/"] = (
            "<!doctype html><title>Win a prize</title><link rel=icon href='data:,'>"
        )
        before = database_rows(host.app)
        start = len(host.answers())
        tab.goto(stranger.url + "/")
        tried = [
            {"url": host.server.url + path, "fields": fields} for path, fields in paths.items()
        ]
        results = tab.evaluate(ATTACK, tried)
    finally:
        stranger.stop()
    assert len(results) == 2 * len(paths)
    assert not [r for r in results if r["how"] != "sent" and r["kind"] == "no-cors"], results
    answers = arrived(host, start, 2 * len(paths))
    assert database_rows(host.app) == before, "a stranger's page wrote something"
    expected_site = "same-site" if address == "127.0.0.1" else "cross-site"
    for path in paths:
        got = [seen for seen in answers if seen.path == path and seen.method == "POST"]
        assert len(got) == 2, (path, got)  # the form and the fetch
        assert all(seen.status == 403 and seen.site == expected_site for seen in got), got
        if address == "127.0.0.1":  # the same site: the operator's cookie went along
            assert all(seen.logged_in for seen in got), got
    assert {seen.status for seen in answers} == {403}


def test_the_consoles_own_forms_work(host: HostApp, tab: Page) -> None:  # noqa: F811
    """The same cookie, the console's own screens: a page is created, a subscriber added."""
    tab.goto(f"{host.server.url}{CONSOLE}/pages/new")
    tab.get_by_label("Name").fill("Made in the console")
    tab.get_by_label("Address").fill("made-in-the-console")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Create page").click()
    expect(tab.locator(".flash")).to_contain_text("Made in the console")
    page_id = host.targets["page_id"]
    tab.goto(f"{host.server.url}{CONSOLE}/pages/{page_id}/subscribers/new")
    tab.get_by_label("Email address").fill("own-form@example.org")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Add subscriber").click()
    expect(tab.locator(".flash")).to_contain_text("own-form@example.org was added")
    client = host.app.test_client()
    client.get("/login")
    listed = client.get(f"{CONSOLE}/pages/{page_id}/subscribers?q=own-form")
    assert "own-form@example.org" in listed.get_data(as_text=True)
