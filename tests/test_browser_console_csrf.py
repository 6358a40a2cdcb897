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

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, request, session
from playwright.sync_api import Browser, Page, expect

from flask_statuspages.console import BLUEPRINT

from .browser_support import LiveServer, OtherOrigin, chromium
from .conftest import make_app
from .write_routes import build_targets, database_rows

CONSOLE = "/status-admin"
TIMEOUT = 30_000  # ms
#: What a forger would send, whatever the form: each field some console form reads.
FORGED = [
    ("name", "Forged"),
    ("title", "Forged"),
    ("email", "forged@example.org"),
    ("webhook_url", "https://forged.example/hook"),
    ("message", "Forged"),
    ("status", "major_outage"),
    ("data[value]", "666"),
    ("data[timestamp]", ""),
]


@dataclass
class Seen:
    method: str
    path: str
    status: int
    site: str | None
    logged_in: bool


@dataclass
class Host:
    app: Flask
    server: LiveServer
    targets: dict[str, str]
    seen: list[Seen]
    lock: threading.Lock

    def answers(self) -> list[Seen]:
        with self.lock:
            return list(self.seen)


def cookie_owner() -> str | None:
    """The README's owner loader: the organisation of the logged-in user."""
    return session.get("org")  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    database = tmp_path_factory.mktemp("console-csrf") / "status.db"
    app, ext, db = make_app(f"sqlite:///{database}", STATUSPAGES_RETRY_BACKOFF=3600)
    ext.owner_loader(cookie_owner)

    @app.get("/login")
    def login() -> str:
        session["org"] = "acme"
        return "<!doctype html><title>Acme</title><link rel=icon href='data:,'><p>Logged in"

    seen: list[Seen] = []
    lock = threading.Lock()

    @app.after_request
    def record(response: Any) -> Any:
        answer = Seen(
            request.method,
            request.path,
            response.status_code,
            request.headers.get("Sec-Fetch-Site"),
            "org" in session,
        )
        with lock:
            seen.append(answer)
        return response

    with app.app_context():
        ext.create_all()
    client = app.test_client()
    client.get("/login")
    hosted = Host(app, LiveServer(app), build_targets(client, {}), seen, lock)
    yield hosted
    hosted.server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def tab(browser: Browser, host: Host) -> Iterator[Page]:
    """A tab logged in to the host app (its session cookie set)."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT)
    opened = context.new_page()
    response = opened.goto(host.server.url + "/login")
    assert response is not None and response.ok
    yield opened
    context.close()


def console_posts(app: Flask, values: dict[str, str]) -> list[str]:
    """The path of every console route that takes POST, its arguments filled in."""
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(BLUEPRINT + ".") or "POST" not in (rule.methods or ()):
            continue
        missing = rule.arguments - values.keys()
        assert not missing, f"{rule.rule}: give {missing} a value in tests/write_routes.py"
        built = rule.build({name: values[name] for name in rule.arguments})
        assert built is not None
        paths.append(built[1])
    assert len(paths) >= 10, paths  # this branch's screens alone have more
    return sorted(paths, key=lambda path: path.endswith("/delete"))


#: Every attempt at once: a form posted into an iframe of its own, and a no-cors fetch.
ATTACK = """async ({urls, fields}) => {
  const results = [];
  const submit = (url, index) => new Promise((resolve) => {
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
  const fetched = (url) => fetch(url, {
      method: "POST", mode: "no-cors", credentials: "include",
      body: new URLSearchParams(fields),
    }).then(() => "sent", (error) => `refused by the browser: ${error}`)
    .then((how) => results.push({url, kind: "no-cors", how}));
  await Promise.all(urls.flatMap((url, index) => [submit(url, index), fetched(url)]));
  return results;
}"""


def arrived(host: Host, start: int, expected: int) -> list[Seen]:
    """The console's answers since ``start``, once ``expected`` of them came (an iframe's
    load event does not wait for its form's answer), or after 30 seconds."""
    deadline = time.monotonic() + 30
    while True:
        answers = [seen for seen in host.answers()[start:] if seen.path.startswith(CONSOLE)]
        if len(answers) >= expected or time.monotonic() > deadline:
            return answers
        time.sleep(0.1)


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2"], ids=["same-site", "cross-site"])
def test_a_strangers_page_can_use_no_console_form(host: Host, tab: Page, address: str) -> None:
    paths = console_posts(host.app, host.targets)
    stranger = OtherOrigin(address)
    try:
        stranger.pages["/"] = (
            "<!doctype html><title>Win a prize</title><link rel=icon href='data:,'>"
        )
        before = database_rows(host.app)
        start = len(host.answers())
        tab.goto(stranger.url + "/")
        urls = [host.server.url + path for path in paths]
        results = tab.evaluate(ATTACK, {"urls": urls, "fields": FORGED})
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


def test_the_consoles_own_forms_work(host: Host, tab: Page) -> None:
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
