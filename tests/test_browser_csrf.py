"""Cross-site requests in a real browser: Chromium, a host app with a cookie login, and
a stranger's page on another loopback origin trying every write route.

The host app is the README's: its ``owner_loader`` reads the visitor's login from the
session cookie, so a browser that is logged in carries it on every request it makes,
whichever page made it. The stranger's page (on another port of 127.0.0.1, which is
the *same site* to a browser, and on 127.0.0.2, another site) tries each write route of
the URL map with a ``text/plain`` form smuggling JSON, a urlencoded form in the bracket
notation the API reads (``incident[title]=...``) and a ``no-cors`` fetch. None may
write; the same fetch, or form body, from the app's own page does.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, request, session
from playwright.sync_api import Browser, Page

from .browser_support import PREFIX, LiveServer, OtherOrigin, chromium
from .conftest import make_app
from .write_routes import WriteRoute, build_targets, database_rows, form_fields, write_routes

ATTEMPT_TIMEOUT = 20_000  # ms, for all the attempts of one origin together


@dataclass
class Seen:
    """A request the app answered: who sent it and what it got."""

    method: str
    path: str
    status: int
    site: str | None
    logged_in: bool


@dataclass
class HostApp:
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
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostApp]:
    database = tmp_path_factory.mktemp("csrf") / "status.db"
    app, ext, db = make_app(
        f"sqlite:///{database}",
        STATUSPAGES_RETRY_BACKOFF=3600,
        STATUSPAGES_SUBSCRIBE_RATE_LIMIT="1000 per minute",
        STATUSPAGES_AUTH_RATE_LIMIT="1000 per minute",
    )
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
    hosted = HostApp(app, LiveServer(app), build_targets(client, {}), seen, lock)
    yield hosted
    hosted.server.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser, host: HostApp) -> Iterator[Page]:
    """A browser tab logged in to the host app (its session cookie set)."""
    context = browser.new_context()
    context.set_default_timeout(ATTEMPT_TIMEOUT)
    tab = context.new_page()
    response = tab.goto(host.server.url + "/login")
    assert response is not None and response.ok
    assert any(c["name"] == "session" for c in context.cookies())
    yield tab
    context.close()


# ------------------------------------------------------------------ attacks


def plain_form(body: dict[str, Any] | None) -> tuple[str, str]:
    """The one field of a ``text/plain`` form whose ``name=value`` is JSON: split
    inside the first string value (or the first string of a list), where the ``=`` the
    browser adds does no harm."""
    text = json.dumps(body or {"note": "forged"})
    found = re.search(r'": \[?"', text)
    if found is None:  # no string to split inside ({"notify": true}): add one
        text = json.dumps({**(body or {}), "note": "forged"})
        found = re.search(r'": \[?"', text)
    assert found is not None, f"no string value in {text}"
    cut = found.end() + 1
    return text[:cut], text[cut:]


def attempts(host: HostApp) -> list[dict[str, Any]]:
    routes = write_routes(host.app, host.targets)
    return [
        {
            "url": host.server.url + route.path,
            "method": route.method,
            "plain": plain_form(route.body),
            # The bracket notation, in the route's envelope as Statuspage's clients send it.
            "fields": form_fields(
                route.body or {"note": "forged"},
                route.declared.envelope if route.declared and route.body else None,
            ),
            "json": json.dumps(route.body) if route.body else None,
        }
        for route in routes
    ]


#: Every attempt at once: two forms each into an iframe of their own, and a fetch.
ATTACK = """async (attempts) => {
  const results = [];
  const loaded = (frame) => new Promise((resolve) => {
    frame.onload = () => resolve("loaded");
    setTimeout(() => resolve("timeout"), 60000);  // a hang guard: many forms, a busy machine
  });
  const submit = (attempt, index, kind) => {
    const frame = document.createElement("iframe");
    frame.name = `${kind}-${index}`;
    document.body.append(frame);
    const done = loaded(frame);
    const form = document.createElement("form");
    form.method = "post";
    form.action = attempt.url;
    form.target = frame.name;
    const fields = kind === "plain" ? [attempt.plain] : attempt.fields;
    if (kind === "plain") form.enctype = "text/plain";
    for (const [name, value] of fields) {
      const input = document.createElement("input");
      input.name = name;
      input.value = String(value);
      form.append(input);
    }
    document.body.append(form);
    form.submit();
    return done.then((how) => results.push({...attempt, kind, how}));
  };
  const fetched = (attempt) => fetch(attempt.url, {
      method: attempt.method, mode: "no-cors", credentials: "include",
      body: attempt.method === "DELETE" ? undefined : (attempt.json || "{}"),
    }).then(() => "sent", (error) => `refused by the browser: ${error}`)
    .then((how) => results.push({...attempt, kind: "no-cors", how}));
  await Promise.all(attempts.flatMap((attempt, index) => [
    submit(attempt, index, "plain"), submit(attempt, index, "form"), fetched(attempt),
  ]));
  return results;
}"""


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.2"], ids=["same-site", "cross-site"])
def test_a_strangers_page_writes_nothing(host: HostApp, page: Page, address: str) -> None:
    stranger = OtherOrigin(address)
    try:
        stranger.pages["/"] = (
            "<!doctype html><title>Win a prize</title><link rel=icon href='data:,'>"
        )
        before = database_rows(host.app)
        start = len(host.answers())
        page.goto(stranger.url + "/")
        tried = attempts(host)
        results = page.evaluate(ATTACK, tried)
    finally:
        stranger.stop()
    assert len(results) == 3 * len(tried)
    assert all(r["how"] != "timeout" for r in results), [
        r for r in results if r["how"] == "timeout"
    ]
    answers = host.answers()[start:]
    assert database_rows(host.app) == before, "a stranger's page wrote something"
    check_answers(answers, write_routes(host.app, host.targets), address)


def check_answers(answers: list[Seen], routes: list[WriteRoute], address: str) -> None:
    """Every attempt the browser sent was refused by the rule (403), or by routing (a
    form can only POST: 405); the POST routes got all three attempts, and the two form
    posts of every other write route of the same path (``.../data`` takes POST and
    DELETE)."""
    expected_site = "same-site" if address == "127.0.0.1" else "cross-site"
    paths = {route.path for route in routes}
    for seen in answers:
        assert seen.path in paths, seen
        assert seen.site == expected_site, seen
        assert seen.status in (403, 405), seen
        assert seen.status == 403 or seen.method == "POST", seen
    for route in routes:
        if route.method != "POST":
            continue
        refused = [s for s in answers if (s.method, s.path, s.status) == ("POST", route.path, 403)]
        form_posts = 2 * sum(1 for other in routes if other.path == route.path)
        assert len(refused) == form_posts + 1, (str(route), refused)
        if address == "127.0.0.1":  # the same site: the login cookie went along
            assert all(s.logged_in for s in refused), (str(route), refused)


#: A body in each encoding the API takes, as the app's own page would send it.
OWN_BODIES = {
    "json": """{headers: {"Content-Type": "application/json"},
               body: JSON.stringify({title: "Opened by json", severity: "minor"})}""",
    # The bracket notation: the cross-site rule, not the encoding, tells a forgery.
    "form": """{body: new URLSearchParams({"incident[title]": "Opened by form",
                                          "incident[severity]": "minor"})}""",
}


@pytest.mark.parametrize("encoding", sorted(OWN_BODIES))
def test_our_own_page_writes(host: HostApp, page: Page, encoding: str) -> None:
    """The app's own page, logged in by its cookie, opens an incident."""
    page_id = host.targets["page_id"]
    request = f"""{{method: "POST", ...{OWN_BODIES[encoding]}}}"""
    status = page.evaluate(
        f"async (url) => (await fetch(url, {request})).status",
        f"{host.server.url}{PREFIX}/{page_id}/incidents",
    )
    assert status == 201
    client = host.app.test_client()
    client.get("/login")
    listed = client.get(f"{PREFIX}/{page_id}/incidents").json["data"]
    assert f"Opened by {encoding}" in [incident["title"] for incident in listed]
