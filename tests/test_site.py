"""The HTML status page: what visitors read, its safety, its cache and its forms."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import g, template_rendered
from sqlalchemy import func, select, update

from flask_statuspages import history, models, rules
from flask_statuspages.models import utcnow
from flask_statuspages.views import site

from .conftest import PREFIX, count_queries

SITE = "/status/acme-status"


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page(name="Acme Status")


def html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


#: What a browser sends with a form of our own page.
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}


def main_of(body: str) -> str:
    return body[body.index("<main") : body.index("</main>")]


def subscriber_count(app: Any, db: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(models.Subscriber))  # type: ignore[no-any-return]


@pytest.fixture
def renders(app: Any) -> Any:
    """The names of the templates ``app`` renders."""
    seen: list[str] = []

    def record(sender: Any, template: Any, context: Any, **extra: Any) -> None:
        seen.append(template.name)

    template_rendered.connect(record, app)
    yield seen
    template_rendered.disconnect(record, app)


# ------------------------------------------------------------- content


def backdate_components(app: Any, db: Any, days: float) -> datetime:
    """Make every component (and its creation record) ``days`` days old; returns when."""
    born = utcnow() - timedelta(days=days)
    with app.app_context():
        db.session.execute(update(models.Component).values(created_at=born))
        db.session.execute(
            update(models.ComponentStatusChange)
            .where(models.ComponentStatusChange.old_status.is_(None))
            .values(changed_at=born)
        )
        db.session.commit()
    return born


def test_page_shows_status_components_groups_uptime_and_incidents(
    app: Any, db: Any, api: Any, page: Any
) -> None:
    rest = api.make_component(page["id"], name="REST API", group_name="Backend", description="v2")
    api.make_component(page["id"], name="Database", group_name="Backend", status="partial_outage")
    api.make_component(page["id"], name="Website")
    born = backdate_components(app, db, 10)
    active = api.make_incident(page["id"], title="Slow queries", severity="minor")
    api.put(
        f"/{page['id']}/incidents/{active['id']}",
        json={"status": "identified", "message": "An index was missing."},
    )
    api.make_incident(page["id"], title="Was down", status="resolved", message="All fine.")
    response = api.client.get(SITE)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    body = html(response)
    assert '<h2 id="overall-title" data-overall>Partial system outage</h2>' in body
    assert f'<details class="group" id="group-{rest["group_id"]}" open>' in body
    group = body[body.index('<details class="group"') : body.index("</details>")]
    assert "Backend" in group and "REST API" in group and "Database" in group
    assert "Website" not in group and "Website" in body
    assert "Partial outage</span>" in body and "Operational</span>" in body
    # Each bar covers its 90 days, told by runs of days that read the same.
    bars = re.findall(r'<svg class="bars"[^>]*>(.*?)</svg>', body)
    assert len(bars) == 3
    for bar in bars:
        spans = [(int(x), int(w)) for x, w in re.findall(r'x="(\d+)" width="(\d+)"', bar)]
        assert spans[0][0] == 0 and sum(w for _, w in spans) == 90 * 5
        assert all(x + w == nx for (x, w), (nx, _) in zip(spans, spans[1:], strict=False))
    today, first = utcnow().date(), utcnow().date() - timedelta(days=89)
    lifetime = site.day_span(born.date(), today)
    assert f"<title>{lifetime}: 100.00% uptime, operational</title>" in body
    assert f"<title>{lifetime}: 70.00% uptime, partial outage</title>" in body
    assert f"{first.day} {first:%b}" in body and ": no data</title>" in body  # before they existed
    # Ten days old: the figures say what they cover.
    since = f"since {born.day} {born:%b}" + ("" if born.year == today.year else f" {born.year}")
    assert f'aria-label="Daily uptime of REST API, last 90 days, data {since}"' in body
    assert f'<span class="figure">100.00% uptime {since}</span>' in body
    assert f'<span class="figure">70.00% uptime {since}</span>' in body
    active_section = body[body.index("Active incidents") : body.index("Components</h2>")]
    assert "Slow queries" in active_section and "An index was missing." in active_section
    assert "Investigating" in active_section and "Identified" in active_section
    past = body[body.index("Past incidents") :]
    assert "Was down" in past and f'href="{SITE}/history"' in past
    assert f'href="{SITE}/incidents/{active["id"]}"' in body
    for link in ("feed.rss", "feed.atom"):
        assert f'href="{PREFIX}/public/acme-status/{link}"' in body
    assert f'href="{PREFIX}/public/acme-status">JSON</a>' in body
    assert f'data-events="{PREFIX}/public/acme-status/events"' in body
    assert f'action="{SITE}/subscribe"' in body


def _day(day: date, uptime: float | None, worst: str | None) -> rules.UptimeDay:
    return rules.UptimeDay(day, uptime, worst, 0.0, 0.0 if uptime is None else 86400.0)


def test_bar_runs_join_days_that_read_the_same() -> None:
    start = date(2025, 12, 29)
    readings = [
        (None, None),
        (None, None),
        (1.0, "operational"),
        (1.0, "operational"),
        (1.0, "operational"),
        (0.9, "major_outage"),
        (0.95, "major_outage"),  # same status, another uptime: a run of its own
        (1.0, "degraded_performance"),
        (1.0, "operational"),
    ]
    days = [_day(start + timedelta(days=n), *reading) for n, reading in enumerate(readings)]
    runs = site.bar_runs(days)
    assert [(r.start, r.days, r.worst) for r in runs] == [
        (0, 2, None),
        (2, 3, "operational"),
        (5, 1, "major_outage"),
        (6, 1, "major_outage"),
        (7, 1, "degraded_performance"),
        (8, 1, "operational"),
    ]
    assert [r.text for r in runs] == [
        "29 – 30 Dec 2025: no data",
        "31 Dec 2025 – 2 Jan 2026: 100.00% uptime, operational",
        "3 Jan 2026: 90.00% uptime, major outage",
        "4 Jan 2026: 95.00% uptime, major outage",
        "5 Jan 2026: 100.00% uptime, degraded performance",
        "6 Jan 2026: 100.00% uptime, operational",
    ]
    assert site.bar_runs([]) == []


def test_a_new_component_shows_no_uptime_figure_until_it_has_enough_data(
    app: Any, api: Any, page: Any
) -> None:
    """A component seconds old has "No data yet", not "85.62% uptime" over 90 days;
    once the minimum span has passed the page shows the figure without any write."""
    app.config["STATUSPAGES_UPTIME_MIN_SPAN"] = 1.5
    component = api.make_component(page["id"], name="API")
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "partial_outage"})
    body = html(api.client.get(SITE))
    bar = body[body.index('<svg class="bars"') : body.index("</p>", body.index("bars-legend"))]
    assert '<span class="figure">No data yet</span>' in bar
    assert "%" not in bar.split(">", 1)[1]  # (the bar's own width for narrow screens is)
    today = utcnow().date()
    assert f"{today.day} {today:%b %Y}: partial outage, no uptime figure yet</title>" in bar
    assert ": no data</title>" in bar  # the days before it existed
    assert f", data since {today.day} {today:%b}" in bar
    time.sleep(1.6)
    later = html(api.client.get(SITE))
    assert re.search(r'<span class="figure">\d+\.\d\d% uptime since \d+ \w+</span>', later)


def test_uptime_bars_and_history_can_be_turned_off(api: Any, page: Any) -> None:
    api.make_component(page["id"], name="Shown")
    api.make_component(page["id"], name="Hidden bars", show_uptime=False)
    api.make_incident(page["id"], title="Old news", status="resolved")
    body = html(api.client.get(SITE))
    assert body.count('<svg class="bars"') == 1 and "Past incidents" in body
    api.put(f"/{page['id']}", json={"show_uptime": False, "show_incident_history": False})
    body = html(api.client.get(SITE))
    assert '<svg class="bars"' not in body
    assert "Past incidents" not in body and "Old news" not in body and "/history" not in body


def test_markdown_is_rendered_and_admin_html_made_inert(api: Any) -> None:
    page = api.make_page(
        name="Acme <b>Status</b>",
        header_html='<p>Hi</p><script>alert(1)</script><img src="x" onerror="alert(2)">',
        footer_html='<a href="javascript:alert(3)">x</a><p onclick="alert(4)">Bye</p>',
    )
    api.make_component(page["id"], name="<i>API</i>", description="<script>alert(5)</script>")
    api.make_incident(
        page["id"], title="<script>alert(6)</script>", message="**Bold** <script>alert(7)</script>"
    )
    body = html(api.client.get("/status/" + page["slug"]))
    assert "<p>Hi</p>" in body and "<strong>Bold</strong>" in body
    assert "Acme &lt;b&gt;Status&lt;/b&gt;" in body and "&lt;i&gt;API&lt;/i&gt;" in body
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in body
    for n in range(1, 8):
        assert f"alert({n})" not in body.replace(f"&lt;script&gt;alert({n})&lt;/script&gt;", "")
    assert "onerror" not in body and "onclick" not in body and "javascript:" not in body
    assert body.count("<script") == 1, "only our own script"


def test_every_html_answer_has_a_strict_csp_with_a_fresh_nonce(api: Any, page: Any) -> None:
    first, second = api.client.get(SITE), api.client.get(SITE)
    nonces = []
    for response in (first, second):
        policy = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        for directive in (
            "default-src 'none'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'self'",
        ):
            assert directive in policy
        assert "https:" in policy.split("img-src")[1].split(";")[0]
        assert "data:" in policy.split("img-src")[1].split(";")[0]
        nonce = re.search(r"script-src 'nonce-([^']+)'", policy).group(1)  # type: ignore[union-attr]
        assert f"style-src 'nonce-{nonce}'" in policy
        body = html(response)
        assert re.findall(r"<script[^>]*>", body) == [re.search(r"<script[^>]*>", body).group(0)]  # type: ignore[union-attr]
        assert f'<script nonce="{nonce}"' in body and f'<style nonce="{nonce}">' in body
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["Cache-Control"] == "private, no-cache"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    missing = api.client.get("/status/nobody")
    assert missing.status_code == 404 and "Content-Security-Policy" in missing.headers


@pytest.mark.parametrize("copy_limit", [site._COPY_LIMIT, 16], ids=["joined", "in pieces"])
def test_a_page_goes_out_whole_with_its_length_and_type(
    api: Any, page: Any, monkeypatch: Any, copy_limit: int
) -> None:
    """Small pages are sent as one string; a big piece goes out as it is: the same bytes."""
    monkeypatch.setattr(site, "_COPY_LIMIT", copy_limit)
    with api.client.get(SITE, buffered=False) as response:
        chunks = list(response.response)
    body = b"".join(chunks)
    assert (len(chunks) > 1) == (copy_limit == 16)
    assert response.headers.getlist("Content-Type") == ["text/html; charset=utf-8"]
    assert response.headers.getlist("Content-Length") == [str(len(body))]
    nonce = re.search(r"script-src 'nonce-([^']+)'", response.headers["Content-Security-Policy"])
    assert nonce is not None and site.NONCE_SLOT.encode() not in body
    assert body.count(f'nonce="{nonce.group(1)}"'.encode()) >= 2
    assert b"Acme Status" in body and body.rstrip().endswith(b"</html>")


def test_big_pieces_go_out_uncopied_and_small_ones_joined(monkeypatch: Any) -> None:
    monkeypatch.setattr(site, "_COPY_LIMIT", 4)
    big, bigger = b"<big>", b"<bigger>"
    pieces = (b"a", big, b"b", b"c", bigger)
    chunks = site._chunks(pieces, b"N")
    assert chunks == [b"aN", big, b"NbNcN", bigger]
    assert chunks[1] is big and chunks[3] is bigger
    assert site._chunks((b"a", b"b"), b"N") == [b"aNb"]


# -------------------------------------------------------- freshness, speed


def test_a_change_through_the_api_shows_on_the_next_request(api: Any, page: Any) -> None:
    component = api.make_component(page["id"], name="API")
    assert "All systems operational" in html(api.client.get(SITE))
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "major_outage"})
    body = html(api.client.get(SITE))
    assert "Major system outage" in body and "All systems operational" not in body
    incident = api.make_incident(page["id"], title="Fire")
    assert "Fire" in html(api.client.get(SITE))
    api.delete(f"/{page['id']}/incidents/{incident['id']}")
    assert "Fire" not in html(api.client.get(SITE))


def test_a_cached_page_is_not_rendered_again(
    api: Any, app: Any, page: Any, db: Any, renders: Any
) -> None:
    for n in range(3):
        api.make_component(page["id"], name=f"C{n}")
    api.make_incident(page["id"], title="Slow")
    first = api.client.get(SITE)
    assert "statuspages/site/page.html" in renders
    renders.clear()
    with app.app_context(), count_queries(db) as statements:
        again = api.client.get(SITE)
    assert renders == [], "served from the snapshot's rendering"
    # At most the page's access columns (none when they are read below the ORM or cached).
    assert len(statements) <= 1, statements
    assert main_of(html(again)) == main_of(html(first))
    assert site.NONCE_SLOT not in html(again)
    assert "Set-Cookie" not in again.headers, "the page sets no cookie"


# ------------------------------------------------------------ visibility


def test_hidden_pages_answer_one_and_the_same_404(api: Any, app: Any) -> None:
    private = api.make_page(name="Private", is_public=False)
    disabled = api.make_page(name="Disabled", enabled=False)
    fenced = api.make_page(name="Fenced", ip_allowlist=["10.0.0.0/8"])
    bodies = set()
    for slug in (private["slug"], disabled["slug"], fenced["slug"], "no-such-page"):
        for path in ("", "/history", "/incidents/x"):
            response = api.client.get(f"/status/{slug}{path}")
            assert response.status_code == 404
            assert response.headers["Content-Security-Policy"]
            bodies.add(re.sub(r'nonce="[^"]+"', "", html(response)))
        posted = api.client.post(f"/status/{slug}/subscribe", data={"email": "a@example.org"})
        assert posted.status_code == 404
    assert len(bodies) == 1
    [body] = bodies
    assert "Private" not in body and "Fenced" not in body
    inside = api.client.get(f"/status/{fenced['slug']}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert inside.status_code == 200 and "Fenced" in html(inside)
    assert api.client.get("/status/acme/not/a/route").status_code == 404
    assert "text/html" in api.client.get("/status/").content_type


def test_a_password_protected_page_shows_a_form_that_unlocks_it(api: Any, app: Any) -> None:
    api.make_page(name="Secret", slug="secret", password="open sesame")
    client = app.test_client()
    locked = client.get("/status/secret")
    assert locked.status_code == 401
    body = html(locked)
    assert 'action="/status/secret/auth"' in body and 'type="password"' in body
    assert "Subscribe" not in body
    forged = client.post(
        "/status/secret/auth",
        data={"password": "open sesame"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert forged.status_code == 403 and "Content-Security-Policy" in forged.headers
    wrong = client.post("/status/secret/auth", data={"password": "nope"}, headers=SAME_ORIGIN)
    assert wrong.status_code == 401 and "not right" in html(wrong)
    assert client.get_cookie("statuspages_page_" + str(_page_id(app, "secret"))) is None
    right = client.post(
        "/status/secret/auth", data={"password": "open sesame"}, headers=SAME_ORIGIN
    )
    assert right.status_code == 303 and right.headers["Location"] == "/status/secret"
    assert "HttpOnly" in right.headers["Set-Cookie"]
    unlocked = client.get("/status/secret")
    assert unlocked.status_code == 200 and "All systems operational" in html(unlocked)
    assert app.test_client().get("/status/secret").status_code == 401, "per visitor"


def test_password_attempts_are_rate_limited(api: Any, app: Any) -> None:
    app.config["STATUSPAGES_AUTH_RATE_LIMIT"] = "2 per minute"
    api.make_page(name="Secret", slug="secret", password="open sesame")
    client = app.test_client()
    answers = [
        client.post("/status/secret/auth", data={"password": "nope"}, headers=SAME_ORIGIN)
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert int(answers[2].headers["Retry-After"]) > 0 and "Too many" in html(answers[2])
    json_answer = client.post(f"{PREFIX}/public/secret/auth", json={"password": "open sesame"})
    assert json_answer.status_code == 429, "one budget for the form and the API"


def _page_id(app: Any, slug: str) -> str:
    with app.app_context():
        from flask_statuspages.state import db_session

        found = db_session().scalar(select(models.Page.id).where(models.Page.slug == slug))
        assert found is not None
        return found


# ---------------------------------------------------------------- forms


@pytest.fixture
def app_config(request: Any) -> dict[str, Any]:
    """Mail goes to a real SMTP server in the tests that ask for ``mailer``."""
    if "mailer" in request.fixturenames:
        return {"MAIL_PORT": request.getfixturevalue("smtp").port}
    return {}


@pytest.fixture
def mailer(smtp: Any) -> Any:
    return smtp


def test_subscribing_by_the_form(api: Any, app: Any, db: Any, page: Any, mailer: Any) -> None:
    api_component = api.make_component(page["id"], name="API")
    api.make_component(page["id"], name="Web")
    client = app.test_client()
    form = html(client.get(SITE))
    assert f'value="{api_component["id"]}"' in form and 'for="subscribe-email"' in form
    response = client.post(
        f"{SITE}/subscribe",
        data={"email": "Visitor@Example.org", "component_ids": [api_component["id"]]},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 202
    assert "Check your inbox" in html(response)
    assert "Content-Security-Policy" in response.headers
    [subscriber] = api.get(f"/{page['id']}/subscribers").json["data"]
    assert subscriber["email"] == "visitor@example.org"
    assert subscriber["component_ids"] == [api_component["id"]]
    assert len(mailer.wait_for(1)) == 1


def test_a_bad_subscription_shows_the_form_again(api: Any, app: Any, db: Any, page: Any) -> None:
    other = api.make_component(api.make_page(name="Other")["id"], name="Elsewhere")
    client = app.test_client()
    for data, shown in (
        ({"email": "not-an-address<b>"}, "not-an-address&lt;b&gt;"),
        ({"email": ""}, "Enter your email address."),
        ({"email": "v@example.org", "component_ids": [other["id"]]}, 'class="error-summary"'),
    ):
        response = client.post(f"{SITE}/subscribe", data=data, headers=SAME_ORIGIN)
        assert response.status_code == 422, data
        body = html(response)
        assert shown in body and 'action="/status/acme-status/subscribe"' in body
    assert 'aria-invalid="true"' in html(
        client.post(f"{SITE}/subscribe", data={"email": "x"}, headers=SAME_ORIGIN)
    )
    assert subscriber_count(app, db) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost"},  # a sibling subdomain
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},  # the header decides
        {"Origin": "https://evil.example"},  # a browser without Sec-Fetch-Site
        {"Origin": "http://localhost.evil.example"},
        {"Origin": "null"},  # a sandboxed frame or a data: page
        {"Origin": "http://localhost:8080"},  # another port is another origin
    ],
)
def test_forms_refuse_posts_from_other_sites(
    api: Any, app: Any, db: Any, page: Any, headers: dict[str, str]
) -> None:
    response = app.test_client().post(
        f"{SITE}/subscribe", data={"email": "v@example.org"}, headers=headers
    )
    assert response.status_code == 403
    assert "Please try again" in html(response)
    assert subscriber_count(app, db) == 0


@pytest.mark.parametrize(
    "headers",
    [
        SAME_ORIGIN,
        {"Sec-Fetch-Site": "none"},  # typed or bookmarked by the visitor
        {"Origin": "http://localhost"},  # a browser without Sec-Fetch-Site
        {},  # no browser at all: curl, a script
    ],
)
def test_forms_take_posts_from_our_own_page(
    api: Any, app: Any, db: Any, page: Any, headers: dict[str, str]
) -> None:
    response = app.test_client().post(
        f"{SITE}/subscribe", data={"email": "v@example.org"}, headers=headers
    )
    assert response.status_code == 202, html(response)


def test_a_form_over_the_size_limit_gets_413(api: Any, app: Any, db: Any, page: Any) -> None:
    app.config["STATUSPAGES_MAX_CONTENT_LENGTH"] = 1000
    huge = app.test_client().post(
        f"{SITE}/subscribe", data={"email": "v" * 2000}, headers=SAME_ORIGIN
    )
    assert huge.status_code == 413 and "Content-Security-Policy" in huge.headers
    assert subscriber_count(app, db) == 0


def test_subscribing_is_rate_limited(api: Any, app: Any, db: Any, page: Any) -> None:
    app.config["STATUSPAGES_SUBSCRIBE_RATE_LIMIT"] = "1 per minute"
    client = app.test_client()
    first = client.post(f"{SITE}/subscribe", data={"email": ""}, headers=SAME_ORIGIN)
    second = client.post(f"{SITE}/subscribe", data={"email": "a@example.org"}, headers=SAME_ORIGIN)
    assert (first.status_code, second.status_code) == (422, 429)
    assert "Retry-After" in second.headers and subscriber_count(app, db) == 0


# ------------------------------------------------------ incident, history


def _backdate(app: Any, db: Any, incident_id: str, when: datetime) -> None:
    with app.app_context():
        db.session.execute(
            update(models.Incident)
            .where(models.Incident.id == incident_id)
            .values(created_at=when, started_at=when)
        )
        db.session.commit()


def test_history_lists_incidents_by_month(api: Any, app: Any, db: Any, page: Any) -> None:
    now = utcnow()
    this_month = now.replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    last_month = (this_month - timedelta(days=1)).replace(day=2)
    long_ago = (this_month - timedelta(days=130)).replace(day=3)
    recent = api.make_incident(page["id"], title="Recent trouble", message="*fixed*")
    older = api.make_incident(page["id"], title="Older trouble", status="resolved")
    oldest = api.make_incident(page["id"], title="Ancient trouble", status="resolved")
    _backdate(app, db, older["id"], last_month)
    _backdate(app, db, oldest["id"], long_ago)
    first = html(api.client.get(f"{SITE}/history?months=2"))
    assert f"{this_month:%B %Y}</h2>" in first and f"{last_month:%B %Y}</h2>" in first
    assert first.index("Recent trouble") < first.index("Older trouble")
    assert "<em>fixed</em>" in first and "Ancient trouble" not in first
    assert (
        f'href="{SITE}/history?months=2&amp;offset=2"' in first and "Newer incidents" not in first
    )
    later = html(api.client.get(f"{SITE}/history?months=3&offset=3"))
    assert "Ancient trouble" in later and "No incidents reported." in later
    assert f'href="{SITE}/history?months=3&amp;offset=0"' in later
    assert api.client.get(f"{SITE}/history?months=99").status_code == 400
    assert recent["id"] in first


def test_incident_page_shows_the_whole_timeline(api: Any, app: Any, db: Any, page: Any) -> None:
    incident = api.make_incident(page["id"], title="Outage", message="Looking into it.")
    for status, message in (("identified", "Found it."), ("monitoring", "Fixed, watching.")):
        api.put(
            f"/{page['id']}/incidents/{incident['id']}", json={"status": status, "message": message}
        )
    api.put(f"/{page['id']}/incidents/{incident['id']}", json={"status": "resolved"})
    response = api.client.get(f"{SITE}/incidents/{incident['id']}")
    assert response.status_code == 200
    body = html(response)
    assert '<h1 class="title">Outage</h1>' in body
    order = [body.index(text) for text in ("Fixed, watching.", "Found it.", "Looking into it.")]
    assert order == sorted(order), "newest first"
    assert body.count('<p class="meta"><span class="state">') == 4
    other = api.make_incident(api.make_page(name="Other")["id"], title="Not yours")
    assert api.client.get(f"{SITE}/incidents/{other['id']}").status_code == 404
    assert api.client.get(f"{SITE}/incidents/{'x' * 100}").status_code == 404
    # Older than the snapshot's latest incidents: read from the database.
    _backdate(app, db, incident["id"], datetime(2020, 1, 1, tzinfo=timezone.utc))
    with app.app_context():
        fillers = [
            models.Incident(page_id=page["id"], title=f"Filler {n}", status="resolved", updates=[])
            for n in range(51)
        ]
        db.session.add_all(fillers)
        db.session.commit()
    assert "Fixed, watching." in html(api.client.get(f"{SITE}/incidents/{incident['id']}"))


# ------------------------------------------------------------ maintenance

SOON = datetime(2099, 3, 2, 14, 5, tzinfo=timezone.utc)


def test_page_shows_maintenance_in_progress_and_coming(api: Any, page: Any) -> None:
    database = api.make_component(page["id"], name="Database")
    website = api.make_component(page["id"], name="Website")
    api.make_incident(page["id"], title="Slow queries", severity="none")
    ongoing = api.make_maintenance(
        page["id"],
        utcnow() - timedelta(hours=1),
        title="Disk swap",
        message="Moving to **faster** disks.",
        component_ids=[database["id"]],
    )
    api.patch(
        f"/{page['id']}/maintenances/{ongoing['id']}",
        json={"status": "verifying", "message": "Checking the replicas."},
    )
    coming = api.make_maintenance(
        page["id"],
        SOON,
        title="Network change",
        message="A *short* pause.",
        component_ids=[database["id"], website["id"]],
    )
    later = api.make_maintenance(page["id"], SOON + timedelta(days=7), title="Later change")
    body = main_of(html(api.client.get(SITE)))
    order = [
        body.index(text)
        for text in (
            "Active incidents",
            "Under maintenance</h2>",
            "Scheduled maintenance</h2>",
            "Components</h2>",
        )
    ]
    assert order == sorted(order)
    assert '<h2 id="overall-title" data-overall>Maintenance in progress</h2>' in html(
        api.client.get(SITE)
    ), "the banner follows the components' roll-up"
    active = body[body.index("Under maintenance</h2>") : body.index("Scheduled maintenance</h2>")]
    assert f'href="{SITE}/maintenances/{ongoing["id"]}">Disk swap</a>' in active
    assert "<strong>faster</strong>" in active and "Checking the replicas." in active
    assert "Verifying" in active and "Affects: Database</p>" in active
    upcoming = body[body.index("Scheduled maintenance</h2>") : body.index("Components</h2>")]
    assert (
        '<time datetime="2099-03-02T14:05:00.000Z">2 Mar 2099, 14:05 UTC</time> to '
        '<time datetime="2099-03-02T16:05:00.000Z">2 Mar 2099, 16:05 UTC</time>'
    ) in upcoming
    assert "Affects: Database, Website</p>" in upcoming and "<em>short</em>" in upcoming
    assert upcoming.index(coming["title"]) < upcoming.index(later["title"]), "soonest first"
    api.delete(f"/{page['id']}/maintenances/{ongoing['id']}")
    api.delete(f"/{page['id']}/maintenances/{coming['id']}")
    api.delete(f"/{page['id']}/maintenances/{later['id']}")
    body = html(api.client.get(SITE))
    assert "maintenance</h2>" not in body and "Slow queries" in body
    assert "Maintenance in progress" not in body, "the components are given back"


def test_maintenance_markdown_is_safe(api: Any, page: Any) -> None:
    window = api.make_maintenance(
        page["id"],
        SOON,
        title="<script>alert(1)</script>",
        message='**Bold** <script>alert(2)</script> <img src=x onerror="alert(3)">',
    )
    for path in ("", f"/maintenances/{window['id']}"):
        body = html(api.client.get(SITE + path))
        assert "<strong>Bold</strong>" in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "<img" not in body and "alert(2)</script>" not in body
        assert body.count("<script") == 1, "only our own script"


def test_maintenance_page_shows_the_whole_timeline(api: Any, app: Any, db: Any, page: Any) -> None:
    database = api.make_component(page["id"], name="Database")
    window = api.make_maintenance(
        page["id"], SOON, message="Announced.", component_ids=[database["id"]]
    )
    path = f"/{page['id']}/maintenances/{window['id']}"
    api.patch(path, json={"status": "in_progress", "message": "Started early."})
    api.patch(path, json={"status": "completed", "message": "All done."})
    response = api.client.get(f"{SITE}/maintenances/{window['id']}")
    assert response.status_code == 200
    body = html(response)
    assert "<title>Database upgrade · Acme Status</title>" in body
    assert '<h1 class="title">Database upgrade</h1>' in body
    assert "<span data-overall>Completed</span>" in body and "Affects: Database" in body
    assert "2 Mar 2099, 14:05 UTC</time> to" in body and "· completed <time" in body
    order = [body.index(text) for text in ("All done.", "Started early.", "Announced.")]
    assert order == sorted(order), "newest first"
    assert body.count('<p class="meta"><span class="state">') == 3
    assert 'class="state">In progress</span>' in body
    other = api.make_maintenance(api.make_page(name="Other")["id"], SOON, title="Not yours")
    assert api.client.get(f"{SITE}/maintenances/{other['id']}").status_code == 404
    assert api.client.get(f"{SITE}/maintenances/{'x' * 100}").status_code == 404
    assert api.client.get(f"{SITE}/maintenances/nope").status_code == 404
    # Older than the snapshot's latest windows: read from the database.
    with app.app_context():
        db.session.execute(
            update(models.Maintenance)
            .where(models.Maintenance.id == window["id"])
            .values(scheduled_for=datetime(2020, 1, 1, tzinfo=timezone.utc))
        )
        db.session.add_all(
            models.Maintenance(
                page_id=page["id"],
                title=f"Filler {n}",
                status="completed",
                scheduled_for=SOON,
                scheduled_until=SOON + timedelta(hours=1),
                component_ids=[],
                updates=[],
            )
            for n in range(51)
        )
        db.session.commit()
    body = html(api.client.get(f"{SITE}/maintenances/{window['id']}"))
    assert "Started early." in body and "1 Jan 2020, 00:00 UTC" in body


def test_history_lists_completed_maintenance_by_month(
    api: Any, app: Any, db: Any, page: Any
) -> None:
    this_month = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month = (this_month - timedelta(days=1)).replace(day=2, hour=3)
    long_ago = (this_month - timedelta(days=130)).replace(day=3)
    api.make_incident(page["id"], title="Older trouble", status="resolved")
    with app.app_context():
        db.session.execute(
            update(models.Incident).values(created_at=last_month, started_at=last_month)
        )
        db.session.commit()
    api.make_maintenance(page["id"], last_month, title="Router swap", message="Went *fine*.")
    api.make_maintenance(page["id"], long_ago, title="Ancient swap")
    api.make_maintenance(page["id"], SOON, title="Future swap")
    api.make_maintenance(page["id"], utcnow() - timedelta(minutes=5), title="Ongoing swap")
    first = html(api.client.get(f"{SITE}/history?months=2"))
    month = first[first.index(f"{last_month:%B %Y}</h2>") :]
    assert month.index("Older trouble") < month.index("Router swap"), "incidents first"
    assert "<em>fine</em>" in month and 'class="badge sev-maintenance">Maintenance</span>' in month
    assert "Completed ·" in month
    for absent in ("Ancient swap", "Future swap", "Ongoing swap"):
        assert absent not in first, absent
    assert "Ancient swap" in html(api.client.get(f"{SITE}/history?months=3&offset=3"))


def test_history_reads_maintenance_in_one_query(api: Any, app: Any, db: Any, page: Any) -> None:
    with app.app_context():
        today = utcnow()
        with count_queries(db) as statements:
            found = history.months_of_maintenances(page["id"], 3, 0, now=today)
    assert len(statements) == 1, statements
    assert [m["maintenances"] for m in found] == [[], [], []]
    assert found[0]["month"] == today.date().replace(day=1)


# ---------------------------------------------------- hosting, domains


@pytest.fixture
def domain_app(app: Any) -> Any:
    """A stand-in for the custom-domain dispatcher: flags the mode, calls the views."""

    def dispatch(slug: str, rest: str = "") -> Any:
        g.statuspages_custom_domain = True
        if rest == "history":
            return site.history_page(slug=slug)
        if rest.startswith("maintenances/"):
            return site.maintenance_page(slug=slug, maintenance_id=rest.partition("/")[2])
        return site.status_page(slug=slug)

    app.add_url_rule("/_domain/<slug>/", "domain_root", dispatch)
    app.add_url_rule("/_domain/<slug>/<path:rest>", "domain_rest", dispatch)
    return app


def test_custom_domain_mode_makes_root_relative_links(domain_app: Any, api: Any, page: Any) -> None:
    api.make_component(page["id"], name="API")
    incident = api.make_incident(page["id"], title="Slow")
    api.make_incident(page["id"], title="Done", status="resolved")
    window = api.make_maintenance(page["id"], SOON)
    body = html(api.client.get("/_domain/acme-status/"))
    for link in (
        'href="/"',
        f'href="/incidents/{incident["id"]}"',
        f'href="/maintenances/{window["id"]}"',
        'href="/history"',
        'action="/subscribe"',
        'href="/feed.rss"',
        'href="/feed.atom"',
        'href="/api/v2/summary.json"',
        'data-events="/events"',
    ):
        assert link in body, link
    assert "/status/" not in body and PREFIX not in body
    history_page = html(api.client.get("/_domain/acme-status/history?months=1"))
    assert 'href="/history?months=1&amp;offset=1"' in history_page
    maintenance = html(api.client.get(f"/_domain/acme-status/maintenances/{window['id']}"))
    assert 'href="/"' in maintenance and "/status/" not in maintenance
    prefixed = html(api.client.get(SITE))
    assert f'href="{SITE}/history"' in prefixed, "each mode has its own cached rendering"


def test_a_host_template_overrides_ours(app: Any, api: Any, page: Any, tmp_path: Any) -> None:
    folder = tmp_path / "statuspages" / "site"
    folder.mkdir(parents=True)
    (folder / "page.html").write_text(
        '{% extends "statuspages/site/base.html" %}'
        "{% block main %}<p>Hosted view of {{ page.name }}</p>{% endblock %}"
    )
    app.template_folder = str(tmp_path)
    app.__dict__.pop("jinja_loader", None)  # cached per app: read the new folder
    app.jinja_env.cache.clear()  # type: ignore[union-attr]
    body = html(api.client.get(SITE))
    assert "<p>Hosted view of Acme Status</p>" in body
    assert '<style nonce="' in body, "our base template still frames it"
