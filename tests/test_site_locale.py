"""The language of the HTML page: the page's ``locale`` when set, else the visitor's
``Accept-Language`` (then the answer varies by it); dates written for that locale in
the page's time zone. Which words show is the catalogue's business; these tests check
the choice (``<html lang>``) and the date formats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from flask_statuspages import i18n
from flask_statuspages.views.site import day_span, percent, when

from .conftest import PREFIX

SITE = "/status/acme-status"

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}


@pytest.fixture
def app_config(smtp: Any) -> dict[str, Any]:
    return {"MAIL_PORT": smtp.port}


def lang(body: bytes) -> str:
    head = body.decode()[: body.decode().index(">", body.decode().index("<html"))]
    return head.split('lang="')[1].split('"')[0]


def test_the_locale_round_trips_through_the_admin_api(api: Any) -> None:
    page = api.make_page(name="Acme Status")
    assert page["locale"] is None
    assert api.patch(f"/{page['id']}", json={"locale": "de"}).json["locale"] == "de"
    assert api.get(f"/{page['id']}").json["locale"] == "de"
    refused = api.patch(f"/{page['id']}", json={"locale": "xx"})
    assert refused.status_code == 422 and "locale" in refused.json["error"]["fields"]
    assert api.get(f"/{page['id']}").json["locale"] == "de"
    assert api.patch(f"/{page['id']}", json={"locale": None}).json["locale"] is None


def test_without_a_page_locale_the_visitor_chooses(api: Any, app: Any) -> None:
    api.make_page(name="Acme Status")
    site = app.test_client()
    english = site.get(SITE)
    assert lang(english.data) == "en"
    assert "Accept-Language" in english.headers["Vary"]
    german = site.get(SITE, headers=GERMAN)  # the same snapshot, another rendering
    assert lang(german.data) == "de" and "Accept-Language" in german.headers["Vary"]
    assert lang(site.get(SITE).data) == "en"
    assert lang(site.get(SITE, headers={"Accept-Language": "fr"}).data) == "en"


def test_a_page_locale_wins_over_the_visitor(api: Any, app: Any) -> None:
    page = api.make_page(name="Acme Status")
    api.patch(f"/{page['id']}", json={"locale": "de"})
    site = app.test_client()
    for headers in ({}, {"Accept-Language": "en"}, GERMAN):
        answer = site.get(SITE, headers=headers)
        assert lang(answer.data) == "de"
        assert "Accept-Language" not in answer.headers["Vary"]
    api.patch(f"/{page['id']}", json={"locale": "en"})
    assert lang(site.get(SITE, headers=GERMAN).data) == "en"


def test_error_pages_speak_the_visitors_language(app: Any) -> None:
    missing = app.test_client().get("/status/nothing-here", headers=GERMAN)
    assert missing.status_code == 404 and lang(missing.data) == "de"


def test_dates_and_figures_are_written_for_the_locale(app: Any) -> None:
    moment = datetime(2026, 1, 15, 13, 5)
    with app.test_request_context():
        assert when(moment, "Europe/Paris") == "15 Jan 2026, 14:05 CET"
        with i18n.rendering_in("de"):
            assert when(moment, "Europe/Paris") == "15. Jan. 2026, 14:05 CET"
            assert when(moment) == "15. Jan. 2026, 13:05 UTC"
            assert day_span(moment.date(), datetime(2026, 1, 20).date()) == "15. – 20. Jan. 2026"
            assert percent(0.9995) == "99,95%"
        assert percent(0.9995) == "99.95%"


def test_a_german_page_writes_its_dates_in_german(api: Any, app: Any) -> None:
    page = api.make_page(name="Acme Status", time_zone="Europe/Berlin")
    api.patch(f"/{page['id']}", json={"locale": "de"})
    api.make_incident(page["id"], title="Slow", severity="minor")
    body = app.test_client().get(SITE).data.decode()
    started = body.split("<time datetime=")[1].split("</time>")[0]
    assert "." in started.split(">")[1].split(" ")[0], started  # "3. Dez. 2026, ..."


def test_the_verification_page_is_branded_and_in_the_pages_language(api: Any) -> None:
    page = api.make_page(name="Acme Status", theme={"primary_color": "#0e7490"})
    subscriber = api.make_subscriber(page["id"], email="ops@acme.com")
    url = f"{PREFIX}/{page['id']}/subscribers/verify/{subscriber['verify_token']}"
    answer = api.client.get(url, headers={"Accept": "text/html", **GERMAN})
    body = answer.data.decode()
    assert answer.status_code == 200 and lang(answer.data) == "de"
    assert "Accept-Language" in answer.headers["Vary"]
    assert '<span class="monogram" aria-hidden="true">AS</span>' in body
    assert '<a href="http://localhost/status/acme-status">Zurück zur Statusseite</a>' in body
    assert "--primary: #0e7490" in body
    api.patch(f"/{page['id']}", json={"locale": "en"})
    again = api.client.get(url, headers={"Accept": "text/html", **GERMAN})
    assert lang(again.data) == "en" and "Vary" not in again.headers


def test_emails_are_written_in_the_pages_locale(api: Any, smtp: Any) -> None:
    german = api.make_page(name="Acme Status", slug="acme-de")
    api.patch(f"/{german['id']}", json={"locale": "de"})
    english = api.make_page(name="Acme Status", slug="acme-en")
    api.make_subscriber(german["id"], email="de@acme.com")
    api.make_subscriber(english["id"], email="en@acme.com")
    messages = {m["To"]: m for m in smtp.wait_for(2)}
    html_lang = {
        to: m.get_body(("html",)).get_content().split('lang="')[1].split('"')[0]
        for to, m in messages.items()
    }
    assert html_lang == {"de@acme.com": "de", "en@acme.com": "en"}
    assert messages["en@acme.com"]["Subject"] == "Confirm your subscription to Acme Status"


def test_feeds_badge_and_widget_follow_the_same_choice(api: Any) -> None:
    page = api.make_page(name="Acme Status")
    visitor = api.as_owner(None)
    paths = ("/feed.rss", "/feed.atom", "/badge.svg", "/widget.js")
    for path in paths:
        answer = visitor.get(f"/public/acme-status{path}", headers=GERMAN)
        assert answer.status_code == 200, path
        assert "Accept-Language" in answer.headers.get_all("Vary"), path
    assert ">operational</text>" in visitor.get("/public/acme-status/badge.svg").text
    api.patch(f"/{page['id']}", json={"locale": "en"})
    for path in paths:
        answer = visitor.get(f"/public/acme-status{path}", headers=GERMAN)
        assert "Accept-Language" not in answer.headers.get_all("Vary"), path
