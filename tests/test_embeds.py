"""Feeds, badge and widget script: what other sites and readers embed."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from html import unescape
from typing import Any

import feedparser
import pytest
from markupsafe import escape

from flask_statuspages import badge, domains, feeds, models
from flask_statuspages.models import Page, utcnow
from flask_statuspages.views import site

SVG = "{http://www.w3.org/2000/svg}"
XSS = "<script>alert(1)</script>\"'&"


@pytest.fixture
def app_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    return getattr(request, "param", {})


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page(name="Acme Status", slug="acme", description="Acme's services")


def parse(api: Any, path: str, **kw: Any) -> Any:
    response = api.get(path, **kw)
    assert response.status_code == 200, response.data
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def shown(detail: Any) -> str:
    """What a reader shows of a feed text: HTML rendered to its text, plain text as it is."""
    return unescape(detail.value) if detail.type == "text/html" else str(detail.value)


def body_of(entry: Any, kind: str) -> str:
    return str(entry.content[0].value if kind == "atom" else entry.description)


def svg(response: Any) -> ET.Element:
    assert response.status_code == 200, response.data
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{SVG}svg"
    return root


def badge_texts(root: ET.Element) -> list[str]:
    """The visible texts of a badge (not their shadows)."""
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("aria-hidden") != "true"]


def badge_color(root: ET.Element) -> str:
    return next(root.iter(f"{SVG}g")).findall(f"{SVG}rect")[1].get("fill", "")


# ------------------------------------------------------------------ feeds


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_lists_incidents_with_their_updates(api: Any, page: dict[str, Any], kind: str) -> None:
    first = api.make_incident(page["id"], title="Database slow", message="Looking into it.")
    second = api.make_incident(page["id"], title="API down", severity="critical")
    api.patch(
        f"/{page['id']}/incidents/{first['id']}",
        json={"status": "resolved", "message": "Fixed the index."},
    )

    parsed = parse(api, f"/public/acme/feed.{kind}")

    assert parsed.feed.title == "Acme Status"
    assert parsed.feed.subtitle == "Acme's services"
    # Latest change first: resolving "Database slow" came after "API down" began.
    assert [e.title for e in parsed.entries] == ["Database slow", "API down"]
    slow = parsed.entries[0]
    body = body_of(slow, kind)
    assert "Fixed the index." in body and "Looking into it." in body
    assert body.index("Resolved") < body.index("Investigating")  # newest first
    assert slow.link == f"http://localhost/status/acme/incidents/{first['id']}"
    assert parsed.entries[1].id != slow.id
    assert all(e.id.startswith("urn:uuid:") for e in parsed.entries)
    assert second["id"].replace("-", "") in parsed.entries[1].id.replace("-", "")
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [
        f"http://localhost/api/ext/cockpit-pro/status-pages/public/acme/feed.{kind}"
    ]
    alternate = [link.href for link in parsed.feed.links if link.rel == "alternate"]
    assert alternate == ["http://localhost/status/acme"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_lists_maintenance_windows_among_incidents(
    api: Any, page: dict[str, Any], kind: str
) -> None:
    start = utcnow().replace(microsecond=0) + timedelta(days=1)
    window = api.make_maintenance(
        page["id"], start, title="Database upgrade", message="We upgrade **PostgreSQL**."
    )
    api.make_incident(page["id"], title="API down")
    api.patch(
        f"/{page['id']}/maintenances/{window['id']}",
        json={"message": "Moved to the night.", "scheduled_until": window["scheduled_until"]},
    )

    parsed = parse(api, f"/public/acme/feed.{kind}")

    assert [e.title for e in parsed.entries] == ["Maintenance: Database upgrade", "API down"]
    entry = parsed.entries[0]
    assert entry.link == f"http://localhost/status/acme/maintenances/{window['id']}"
    assert entry.id.startswith("urn:uuid:")
    assert window["id"] in entry.id.replace("-", "")
    assert entry.id != parsed.entries[1].id
    body = body_of(entry, kind)
    assert "Scheduled" in body and start.strftime("%Y-%m-%d %H:%M UTC") in body
    end = start + timedelta(hours=2)
    assert end.strftime("%Y-%m-%d %H:%M UTC") in body
    assert "<strong>PostgreSQL</strong>" in body  # its Markdown, rendered
    assert body.index("Moved to the night.") < body.index("We upgrade")  # newest first
    assert entry.tags[0].term.lower() == "scheduled"


def test_feed_holds_the_50_latest_changes_of_both_kinds(
    app: Any, api: Any, db: Any, page: dict[str, Any]
) -> None:
    base = utcnow() - timedelta(days=10)
    with app.app_context():  # one transaction: 60 API calls would be slow
        for n in range(30):
            at = base + timedelta(hours=2 * n)
            db.session.add(
                models.Incident(
                    page_id=page["id"],
                    title=f"Incident {n}",
                    status="resolved",
                    resolved_at=at,
                    created_at=at,
                    updated_at=at,
                )
            )
            later = at + timedelta(hours=1)
            db.session.add(
                models.Maintenance(
                    page_id=page["id"],
                    title=f"Window {n}",
                    status="completed",
                    scheduled_for=later,
                    scheduled_until=later + timedelta(minutes=30),
                    completed_at=later,
                    auto_transition=False,
                    component_ids=[],
                    created_at=later,
                    updated_at=later,
                )
            )
        db.session.commit()
    entries = parse(api, "/public/acme/feed.atom").entries
    assert len(entries) == feeds.MAX_ENTRIES == 50
    assert [e.title for e in entries[:3]] == [
        "Maintenance: Window 29",
        "Incident 29",
        "Maintenance: Window 28",
    ]
    assert entries[-1].title == "Incident 5"
    updated = [e.updated_parsed for e in entries]
    assert updated == sorted(updated, reverse=True)


def test_entry_id_stays_and_updated_moves_when_an_incident_changes(
    api: Any, page: dict[str, Any]
) -> None:
    incident = api.make_incident(page["id"], title="Queue backlog")
    before = parse(api, "/public/acme/feed.atom").entries[0]
    before_rss = parse(api, "/public/acme/feed.rss").entries[0]

    api.patch(
        f"/{page['id']}/incidents/{incident['id']}",
        json={"status": "identified", "message": "A stuck worker."},
    )
    after = parse(api, "/public/acme/feed.atom").entries[0]
    after_rss = parse(api, "/public/acme/feed.rss").entries[0]

    assert after.id == before.id and after_rss.id == before_rss.id
    assert after.updated_parsed >= before.updated_parsed
    assert after.updated != before.updated
    assert "A stuck worker." in after.content[0].value
    assert "A stuck worker." not in before.content[0].value


def test_feed_answers_etag_and_304_then_shows_a_change(api: Any, page: dict[str, Any]) -> None:
    api.make_incident(page["id"], title="First")
    first = api.get("/public/acme/feed.rss")
    etag = first.headers["ETag"]
    assert first.mimetype == "application/rss+xml"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["Cache-Control"] == "public, no-cache"

    again = api.get("/public/acme/feed.rss", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    api.make_incident(page["id"], title="Second")
    changed = api.get("/public/acme/feed.rss", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert [e.title for e in feedparser.parse(changed.data).entries] == ["Second", "First"]


def test_empty_page_has_a_valid_feed(api: Any, page: dict[str, Any]) -> None:
    for kind in ("rss", "atom"):
        assert parse(api, f"/public/acme/feed.{kind}").entries == []


@pytest.mark.parametrize("app_config", [{"STATUSPAGES_SITE_PREFIX": None}], indirect=True)
def test_without_the_html_site_entries_link_to_the_public_json(
    api: Any, page: dict[str, Any]
) -> None:
    api.make_incident(page["id"], title="Outage")
    api.make_maintenance(page["id"], utcnow() + timedelta(days=1))
    json_url = "http://localhost/api/ext/cockpit-pro/status-pages/public/acme"
    for kind in ("rss", "atom"):
        parsed = parse(api, f"/public/acme/feed.{kind}")
        assert [e.link for e in parsed.entries] == [json_url, json_url]
    widget = api.get("/public/acme/widget.js").get_data(as_text=True)
    assert widget_urls(widget)["page"] == json_url


@pytest.mark.parametrize(
    "app_config", [{"STATUSPAGES_PUBLIC_URL": "https://status.acme.com/x"}], indirect=True
)
def test_public_url_setting_wins_over_the_request_host(api: Any, page: dict[str, Any]) -> None:
    incident = api.make_incident(page["id"], title="Outage")
    parsed = parse(api, "/public/acme/feed.atom", headers={"Host": "internal:8000"})
    assert (
        parsed.entries[0].link
        == f"https://status.acme.com/x/status/acme/incidents/{incident['id']}"
    )
    widget = api.get("/public/acme/widget.js", headers={"Host": "internal:8000"})
    assert widget_urls(widget.get_data(as_text=True))["events"] == (
        "https://status.acme.com/x/api/ext/cockpit-pro/status-pages/public/acme/events"
    )


# ------------------------------------------------------------------ badge


def test_badge_shows_the_overall_status(api: Any, page: dict[str, Any]) -> None:
    component = api.make_component(page["id"], name="API")
    root = svg(api.get("/public/acme/badge.svg"))
    assert badge_texts(root) == ["status", "operational"]
    assert badge_color(root) == "#4c1"
    assert root.find(f"{SVG}title").text == "status: operational"  # type: ignore[union-attr]

    api.patch(f"/{page['id']}/components/{component['id']}", json={"status": "partial_outage"})
    root = svg(api.get("/public/acme/badge.svg"))
    assert badge_texts(root) == ["status", "partial outage"]
    assert badge_color(root) == "#fe7d37"

    api.make_incident(page["id"], title="Down", severity="critical")
    assert badge_texts(svg(api.get("/public/acme/badge.svg")))[1] == "major outage"


def test_badge_of_one_component(api: Any, page: dict[str, Any]) -> None:
    api.make_component(page["id"], name="Website", status="major_outage")
    component = api.make_component(page["id"], name="Payments API", status="under_maintenance")
    root = svg(api.get(f"/public/acme/badge.svg?component={component['id']}"))
    assert badge_texts(root) == ["Payments API", "maintenance"]
    assert badge_color(root) == "#007ec6"

    api.patch(
        f"/{page['id']}/components/{component['id']}", json={"status": "degraded_performance"}
    )
    root = svg(api.get(f"/public/acme/badge.svg?component={component['id']}"))
    assert badge_texts(root) == ["Payments API", "degraded"]
    assert badge_color(root) == "#dfb317"

    labelled = svg(api.get(f"/public/acme/badge.svg?component={component['id']}&label=payments"))
    assert badge_texts(labelled) == ["payments", "degraded"]

    missing = api.get("/public/acme/badge.svg?component=nope")
    assert missing.status_code == 404 and missing.is_json
    too_long = api.get("/public/acme/badge.svg?label=" + "x" * 65)
    assert too_long.status_code == 422


def test_badge_widths_follow_the_text(api: Any, page: dict[str, Any]) -> None:
    short = svg(api.get("/public/acme/badge.svg?label=a"))
    long = svg(api.get("/public/acme/badge.svg?label=" + "W" * 60))
    assert int(long.get("width", 0)) - int(short.get("width", 0)) == pytest.approx(
        badge.text_width("W" * 60) - badge.text_width("a"), abs=1
    )
    assert badge.text_width("status") == pytest.approx(33.66)
    assert badge.text_width("état") == badge.text_width("etat")
    assert badge.text_width("状態") == 22


def test_badge_answers_etag_and_304(api: Any, page: dict[str, Any]) -> None:
    first = api.get("/public/acme/badge.svg")
    again = api.get("/public/acme/badge.svg", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    other = api.get("/public/acme/badge.svg?label=up")
    assert other.headers["ETag"] != first.headers["ETag"]


# ------------------------------------------------------------------- XSS


def test_hostile_text_stays_text_in_feeds_and_badge(api: Any) -> None:
    page = api.make_page(name=XSS, slug="evil", description=XSS)
    component = api.make_component(page["id"], name=XSS)
    incident = api.make_incident(page["id"], title=XSS, message=XSS)
    api.patch(f"/{page['id']}/incidents/{incident['id']}", json={"message": "Update " + XSS})
    window = api.make_maintenance(page["id"], utcnow() + timedelta(days=1), title=XSS, message=XSS)
    api.patch(f"/{page['id']}/maintenances/{window['id']}", json={"message": "Update " + XSS})

    for kind in ("rss", "atom"):
        raw = api.get(f"/public/evil/feed.{kind}").get_data(as_text=True)
        assert "<script" not in raw.lower()
        parsed = parse(api, f"/public/evil/feed.{kind}")
        # RSS texts are HTML (escaped), Atom's are text: either way a reader shows the text.
        assert shown(parsed.feed.title_detail) == XSS
        assert [shown(e.title_detail) for e in parsed.entries] == ["Maintenance: " + XSS, XSS]
        for entry in parsed.entries:
            body = body_of(entry, kind)
            # The body is HTML: the payload is in it as escaped text, never as a tag.
            assert "<script" not in body.lower()
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        root = ET.fromstring(raw)
        texts = "".join(root.itertext())
        assert (escape(XSS) if kind == "rss" else XSS) in texts

    for query in ({"label": XSS}, {"component": component["id"]}):
        response = api.get("/public/evil/badge.svg", query_string=query)
        assert "<script" not in response.get_data(as_text=True).lower()
        root = svg(response)
        assert badge_texts(root)[0] == XSS
        title = root.find(f"{SVG}title").text  # type: ignore[union-attr]
        assert title == f"{XSS}: {badge_texts(root)[1]}"


def test_control_characters_do_not_break_the_xml(api: Any, page: dict[str, Any]) -> None:
    # (NUL is left out: PostgreSQL refuses to store it at all.)
    api.make_incident(page["id"], title="Bell\x07 and\x0b tab", message="tab\tand\x1b escape")
    for kind in ("rss", "atom"):
        assert parse(api, f"/public/acme/feed.{kind}").entries[0].title == "Bell and tab"
    root = svg(api.get("/public/acme/badge.svg?label=a%07b"))
    assert badge_texts(root)[0] == "ab"


# ---------------------------------------------------------------- widget


def widget_urls(script: str) -> dict[str, str]:
    match = re.search(r"const urls = (\{.*?\});\n", script)
    assert match, script[:400]
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_widget_script_carries_the_page_urls(api: Any, page: dict[str, Any]) -> None:
    response = api.get("/public/acme/widget.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    script = response.get_data(as_text=True)
    api_root = "http://localhost/api/ext/cockpit-pro/status-pages/public/acme"
    assert widget_urls(script) == {
        "json": api_root,
        "events": api_root + "/events",
        "page": "http://localhost/status/acme",
        "incident": "http://localhost/status/acme/incidents/",
        "maintenance": "http://localhost/status/acme/maintenances/",
    }
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "attachShadow" in script and "EventSource" in script
    assert len(response.data) < 9 * 1024  # small: one request, no dependencies
    # The words of the status page, not words of its own.
    text = re.search(r"const TEXT = (\{.*?\});", script)
    assert text is not None and json.loads(text.group(1)) == site.OVERALL_LABELS
    assert '"Under maintenance"' in script

    again = api.get("/public/acme/widget.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "host",
    [
        'evil.example"</script><script>alert(1)</script>',
        "evil.example\\u0022;alert(1)//",
        "a.example'+alert(1)+'",
        "a.example/*",
    ],
)
def test_a_hostile_host_header_cannot_inject_into_the_widget(
    api: Any, page: dict[str, Any], host: str
) -> None:
    normal = api.get("/public/acme/widget.js").get_data(as_text=True)
    response = api.get("/public/acme/widget.js", headers={"Host": host})
    assert response.status_code == 200
    script = response.get_data(as_text=True)
    # Only the JSON literal of the URLs differs, and it holds nothing but URLs.
    assert script.replace(widget_line(script), "") == normal.replace(widget_line(normal), "")
    for url in widget_urls(script).values():
        assert "alert" not in url and "*" not in url
        assert url.startswith(("/api/", "/status/")), url  # no usable host: relative URLs
    assert "<" not in widget_line(script)


def widget_line(script: str) -> str:
    return next(line for line in script.splitlines() if line.strip().startswith("const urls"))


def test_widget_urls_follow_each_host_and_never_leak_between_them(
    api: Any, page: dict[str, Any]
) -> None:
    one = api.get("/public/acme/widget.js", headers={"Host": "one.example"})
    two = api.get("/public/acme/widget.js", headers={"Host": "two.example:8080"})
    assert widget_urls(one.get_data(as_text=True))["json"].startswith("http://one.example/")
    assert widget_urls(two.get_data(as_text=True))["json"].startswith("http://two.example:8080/")
    feed = parse(api, "/public/acme/feed.atom", headers={"Host": "two.example:8080"})
    assert feed.feed.links[0].href.startswith("http://two.example:8080/")


# ---------------------------------------------------------------- access


def test_hidden_and_locked_pages(api: Any) -> None:
    api.make_page(name="Private", slug="private", is_public=False)
    api.make_page(name="Off", slug="off", enabled=False)
    api.make_page(name="Locked", slug="locked", password="s3cret-pass")
    stranger = api.as_owner(None)  # a client of its own: no session cookie from /auth
    token = api.post("/public/locked/auth", json={"password": "s3cret-pass"}).json["token"]

    for path in ("feed.rss", "feed.atom", "badge.svg", "widget.js"):
        for slug in ("private", "off", "nothing-here"):
            response = stranger.get(f"/public/{slug}/{path}")
            assert response.status_code == 404 and response.is_json, (slug, path)

        response = stranger.get(f"/public/locked/{path}")
        assert response.status_code == 401 and response.is_json, path
        assert response.json["error"]["code"] == "password_required"

        unlocked = stranger.get(
            f"/public/locked/{path}", headers={"Authorization": f"Bearer {token}"}
        )
        assert unlocked.status_code == 200, path
        assert unlocked.headers["Cache-Control"] == "private, no-cache"  # never a shared cache
        assert "Cookie" in unlocked.headers["Vary"]


def test_on_a_custom_domain_links_point_at_the_domain(app: Any, api: Any, db: Any) -> None:
    page = api.make_page(name="Acme", slug="acme", custom_domain="status.acme.test")
    with app.app_context():  # verified as if its DNS had been checked
        db.session.get(Page, page["id"]).custom_domain_verified_at = utcnow()
        db.session.commit()
    domains.forget_domains(app)
    incident = api.make_incident(page["id"], title="Outage")
    window = api.make_maintenance(page["id"], utcnow() - timedelta(days=3), auto_transition=False)

    response = api.client.get("/feed.atom", headers={"Host": "status.acme.test"})
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0 and response.headers["Access-Control-Allow-Origin"] == "*"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links == {
        "self": "http://status.acme.test/feed.atom",
        "alternate": "http://status.acme.test/",
    }
    assert [e.link for e in parsed.entries] == [
        f"http://status.acme.test/maintenances/{window['id']}",
        f"http://status.acme.test/incidents/{incident['id']}",
    ]
    assert svg(api.client.get("/badge.svg", headers={"Host": "status.acme.test"}))
    widget = api.client.get("/widget.js", headers={"Host": "status.acme.test"})
    assert widget_urls(widget.get_data(as_text=True))["page"] == "http://status.acme.test/"
