"""Page conveniences: check-slug, and the page fields of seeds 001 and 002 (links,
branding, search engines, subscriptions, time zone) on the API and the HTML page."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from flask_statuspages import models, rules
from flask_statuspages.views.site import when

SETTINGS = {
    "website_url": "https://acme.example.com",
    "support_url": "https://acme.example.com/support",
    "privacy_url": "https://acme.example.com/privacy",
    "hide_branding": True,
    "robots_noindex": True,
    "subscriptions_enabled": False,
    "time_zone": "Europe/Paris",
}
DEFAULTS = {
    "website_url": None,
    "support_url": None,
    "privacy_url": None,
    "hide_branding": False,
    "robots_noindex": False,
    "subscriptions_enabled": True,
    "time_zone": "UTC",
}
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}


def html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


# ------------------------------------------------------------ check-slug


def test_the_slug_rules() -> None:
    free = rules.check_slug("acme", [])
    assert (free.valid, free.available, free.reason, free.suggestion) == (True, True, None, "acme")
    taken = rules.check_slug("acme", ["acme", "acme-2"])
    assert (taken.valid, taken.available, taken.suggestion) == (True, False, "acme-3")
    wrong = rules.check_slug("Acme--Status", ["acme-status"])
    assert (wrong.valid, wrong.available, wrong.suggestion) == (False, False, "acme-status-2")
    assert rules.suggestion_base("x" * 81) == "x" * 80  # room for a -N suffix
    assert rules.slug_problem("-acme") and rules.slug_problem("a" * 101)


def test_check_slug_answers_whether_a_slug_is_free_and_valid(api) -> None:
    api.make_page(name="Acme Status")
    api.make_page(name="Acme Status")  # acme-status-2
    assert api.get("/check-slug?slug=globex").json == {
        "slug": "globex",
        "valid": True,
        "available": True,
        "reason": None,
        "suggestion": "globex",
    }
    taken = api.get("/check-slug?slug=acme-status").json
    assert taken["valid"] and not taken["available"]
    assert taken["suggestion"] == "acme-status-3"
    assert api.post("/", json={"name": "X", "slug": taken["suggestion"]}).status_code == 201


def test_check_slug_suggests_a_valid_slug_for_one_that_is_not(api) -> None:
    api.make_page(name="Acme Status")
    wrong = api.get("/check-slug", query_string={"slug": "Acme Status!"}).json
    assert wrong["valid"] is False and wrong["available"] is False
    assert wrong["reason"] == "Use lowercase letters, digits and single hyphens."
    assert wrong["suggestion"] == "acme-status-2"
    long = api.get("/check-slug", query_string={"slug": "a" * 101}).json
    assert long["valid"] is False and long["reason"] == "Longer than 100 characters."
    assert rules.SLUG_PATTERN.fullmatch(long["suggestion"]) and len(long["suggestion"]) <= 80
    at_limit = api.get("/check-slug", query_string={"slug": "b" * 100}).json
    assert at_limit["available"] and at_limit["suggestion"] == "b" * 100


def test_check_slug_refuses_a_missing_or_huge_slug_and_strangers(api) -> None:
    for query in ({}, {"slug": ""}, {"slug": "a" * 256}):
        response = api.get("/check-slug", query_string=query)
        assert response.status_code == 422
        assert "slug" in response.json["error"]["fields"]
    assert api.as_owner(None).get("/check-slug?slug=acme").status_code == 401


def test_check_slug_is_not_taken_for_a_page_id(api, app) -> None:
    rule = next(r for r in app.url_map.iter_rules() if r.rule.endswith("/check-slug"))
    assert rule.endpoint == "statuspages.check_slug"
    response = api.get("/check-slug?slug=acme")
    assert response.status_code == 200 and response.json["slug"] == "acme"


# ------------------------------------------------------------ the fields


def test_the_fields_default_and_round_trip(api) -> None:
    page = api.make_page()
    assert {key: page[key] for key in DEFAULTS} == DEFAULTS
    updated = api.patch(f"/{page['id']}", json=SETTINGS)
    assert updated.status_code == 200
    assert {key: updated.json[key] for key in SETTINGS} == SETTINGS
    fetched = api.get(f"/{page['id']}").json
    assert {key: fetched[key] for key in SETTINGS} == SETTINGS
    created = api.make_page(name="Other", **SETTINGS)
    assert {key: created[key] for key in SETTINGS} == SETTINGS
    cleared = api.patch(f"/{page['id']}", json={"website_url": None}).json
    assert cleared["website_url"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("website_url", "ftp://acme.example.com"),
        ("support_url", "javascript:alert(1)"),
        ("privacy_url", "not a url"),
        ("website_url", "https://acme.example.com/" + "a" * 2048),
        ("hide_branding", 1),
        ("robots_noindex", "true"),
        ("subscriptions_enabled", None),
        ("time_zone", "Mars/Olympus_Mons"),
        ("time_zone", "../../etc/passwd"),
        ("time_zone", ""),
        ("time_zone", None),
        ("time_zone", "Europe/" + "x" * 64),
    ],
)
def test_bad_values_are_422_and_nothing_is_written(api, field, value) -> None:
    page = api.make_page()
    response = api.patch(f"/{page['id']}", json={"description": "changed", field: value})
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == [field]
    detail = {**page, "groups": [], "components": [], "active_incidents": []}
    assert api.get(f"/{page['id']}").json == detail


def test_seed_001_names_are_taken_as_aliases(api) -> None:
    page = api.make_page(remove_branding=True, subscription_enabled=False)
    assert page["hide_branding"] is True and page["subscriptions_enabled"] is False
    both = api.patch(f"/{page['id']}", json={"hide_branding": True, "remove_branding": False})
    assert both.status_code == 422 and list(both.json["error"]["fields"]) == ["remove_branding"]


# ------------------------------------------------------ the public face


def test_links_and_branding_on_the_html_page(api, app) -> None:
    page = api.make_page(name="Acme Status")
    site = app.test_client()
    plain = html(site.get("/status/acme-status"))
    assert "Powered by" in plain and "Visit our website" not in plain
    assert "Support</a>" not in plain and "Privacy policy" not in plain
    api.patch(f"/{page['id']}", json={**SETTINGS, "robots_noindex": False})
    body = html(site.get("/status/acme-status"))
    assert "Powered by" not in body
    assert '<a href="https://acme.example.com" rel="noopener">Visit our website</a>' in body
    assert '<a href="https://acme.example.com/support" rel="noopener">Support</a>' in body
    assert '<a href="https://acme.example.com/privacy" rel="noopener">Privacy policy</a>' in body


PUBLIC_PATHS = (
    "/public/acme-status",
    "/public/acme-status/history",
    "/public/acme-status/feed.rss",
    "/public/acme-status/feed.atom",
    "/public/acme-status/badge.svg",
    "/public/acme-status/widget.js",
    "/public/acme-status/api/v2/summary.json",
    "/public/acme-status/api/v2/incidents.json",
    "/public/acme-status/components/{cid}/uptime",
    "/public/acme-status/components/{cid}/statistics",
)


def test_robots_noindex_on_every_public_answer(api, app) -> None:
    page = api.make_page(name="Acme Status")
    cid = api.make_component(page["id"])["id"]
    visitor, site = api.as_owner(None), app.test_client()
    for path in PUBLIC_PATHS:
        assert "X-Robots-Tag" not in visitor.get(path.format(cid=cid)).headers, path
    assert 'name="robots"' not in html(site.get("/status/acme-status"))
    api.patch(f"/{page['id']}", json={"robots_noindex": True})
    for path in PUBLIC_PATHS:
        response = visitor.get(path.format(cid=cid))
        assert response.status_code == 200, path
        assert response.headers["X-Robots-Tag"] == "noindex", path
        etag = response.headers.get("ETag")
        if etag:  # a 304 says it too
            again = visitor.get(path.format(cid=cid), headers={"If-None-Match": etag})
            assert again.status_code == 304 and again.headers["X-Robots-Tag"] == "noindex"
    stream = visitor.get("/public/acme-status/events", buffered=False)
    assert stream.status_code == 200 and stream.headers["X-Robots-Tag"] == "noindex"
    stream.close()
    incident = api.make_incident(page["id"])
    for path in ("/status/acme-status", f"/status/acme-status/incidents/{incident['id']}"):
        response = site.get(path)
        assert response.headers["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in html(response)
    # A locked page says it too; a hidden one says nothing that tells it exists.
    api.patch(f"/{page['id']}", json={"password": "s3cret"})
    assert visitor.get("/public/acme-status").headers["X-Robots-Tag"] == "noindex"
    assert site.get("/status/acme-status").headers["X-Robots-Tag"] == "noindex"
    api.patch(f"/{page['id']}", json={"password": None, "is_public": False})
    hidden = visitor.get("/public/acme-status")
    assert hidden.status_code == 404 and "X-Robots-Tag" not in hidden.headers
    assert "X-Robots-Tag" not in site.get("/status/acme-status").headers


def test_subscriptions_off_hide_the_form_and_close_the_routes(api, app) -> None:
    page = api.make_page(name="Acme Status")
    site, visitor = app.test_client(), api.as_owner(None)
    assert 'id="subscribe-email"' in html(site.get("/status/acme-status"))
    api.patch(f"/{page['id']}", json={"subscriptions_enabled": False})
    body = html(site.get("/status/acme-status"))
    assert 'id="subscribe-email"' not in body and "/subscribe" not in body
    assert "feed.rss" in body  # the feeds are still offered
    email = {"email": "visitor@example.org"}
    json_route = visitor.post("/public/acme-status/subscribe", json=email)
    assert json_route.status_code == 404 and json_route.json["error"]["code"] == "not_found"
    form = site.post("/status/acme-status/subscribe", data=email, headers=SAME_ORIGIN)
    assert form.status_code == 404
    assert api.get(f"/{page['id']}/subscribers").json["pagination"]["total"] == 0
    # The owner still manages subscribers (imported ones, say).
    assert api.post(f"/{page['id']}/subscribers", json=email).status_code == 201
    api.patch(f"/{page['id']}", json={"subscriptions_enabled": True})
    assert visitor.post("/public/acme-status/subscribe", json=email).status_code == 202


# ------------------------------------------------------------ time zones


def test_when_shows_a_time_in_the_pages_zone() -> None:
    winter = datetime(2026, 1, 15, 13, 5, tzinfo=timezone.utc)
    summer = "2026-07-15T13:05:00.000Z"
    assert when(winter) == "15 Jan 2026, 13:05 UTC"
    assert when(winter, "Europe/Paris") == "15 Jan 2026, 14:05 CET"
    assert when(summer, "Europe/Paris") == "15 Jul 2026, 15:05 CEST"
    assert when(summer, "America/New_York") == "15 Jul 2026, 09:05 EDT"
    assert when(summer, "Not/A_Zone") == "15 Jul 2026, 13:05 UTC"


def test_times_on_the_html_page_are_in_the_pages_zone(api, app, db) -> None:
    page = api.make_page(name="Acme Status", time_zone="Asia/Tokyo")
    incident = api.make_incident(page["id"], title="Slow")
    with app.app_context():
        started = db.session.get(models.Incident, incident["id"]).created_at
    local = started.astimezone(ZoneInfo("Asia/Tokyo"))
    shown = f"{local.day} {local:%b %Y, %H:%M} JST"
    site = app.test_client()
    for path in ("/status/acme-status", f"/status/acme-status/incidents/{incident['id']}"):
        body = html(site.get(path))
        assert re.search(rf'<time datetime="{incident["created_at"]}">{shown}</time>', body), path
        assert " UTC</time>" not in body
    # The live script, under the page's CSP nonce, adds the visitor's own time on hover.
    response = site.get("/status/acme-status")
    [nonce] = re.findall(r'<script nonce="([^"]+)"', html(response))
    assert "function localTimes(root)" in html(response)
    assert f"script-src 'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert api.get("/public/acme-status/api/v2/summary.json").json["page"]["time_zone"] == (
        "Asia/Tokyo"
    )


def test_an_old_page_keeps_utc(api) -> None:
    page = api.make_page()
    summary = api.get(f"/public/{page['slug']}/api/v2/summary.json").json
    assert summary["page"]["time_zone"] == "Etc/UTC"
