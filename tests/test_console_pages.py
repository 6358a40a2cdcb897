"""The console's page screens: the list with each page's status, the settings
(general, branding and its preview, visibility, custom domain with "Check now"),
and deleting a page. Each route: success, a refused form (422, nothing written),
another owner's page (404) and a form from another site (403, nothing written)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from flask_statuspages.models import Page

from .dns_server import LoopbackDNS, loopback_dns

CONSOLE = "/status-admin"
OPERATOR = {"X-Owner": "acme"}
CROSS_SITE = {**OPERATOR, "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}


@pytest.fixture
def dns_server() -> Iterator[LoopbackDNS]:
    with loopback_dns() as server:
        yield server


@pytest.fixture
def app_config(dns_server: LoopbackDNS) -> dict[str, Any]:
    return {
        "STATUSPAGES_CNAME_TARGET": "pages.statuspages.test",
        "STATUSPAGES_DNS_NAMESERVERS": [dns_server.nameserver],
        "STATUSPAGES_DNS_TIMEOUT": 0.5,
    }


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.as_owner("acme").make_page(name="Acme", slug="acme")


def stored(app: Flask, page_id: str) -> Page | None:
    with app.app_context():
        from flask_statuspages.state import db_session

        found = db_session().get(Page, page_id)
        if found is not None:
            db_session().expunge(found)
        return found


def settings(page_id: str, part: str = "") -> str:
    return f"{CONSOLE}/pages/{page_id}/settings" + (f"/{part}" if part else "")


def general_form(**changes: str) -> dict[str, str]:
    return {
        "name": "Acme",
        "page_name": "Acme Cloud",
        "company_name": "Acme Inc.",
        "time_zone": "Europe/Paris",
        "locale": "de",
        "uptime_days": "30",
        "website_url": "https://acme.example",
        "subscriptions_enabled": "true",
        "allow_email_subscribers": "true",
        "robots_noindex": "true",
        **changes,
    }


def test_the_home_list_shows_each_pages_overall_status(app: Flask, api: Any, page: Any) -> None:
    api.as_owner("acme").make_component(page["id"], name="API", status="major_outage")
    html = app.test_client().get(CONSOLE + "/", headers=OPERATOR).get_data(as_text=True)
    assert '<span class="status major_outage">Major outage</span>' in html
    assert "<td>1</td>" in html and "<td>Public</td>" in html


def test_the_settings_screen_shows_the_saved_values(app: Flask, page: Any) -> None:
    response = app.test_client().get(settings(page["id"]), headers=OPERATOR)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Acme"' in html and 'name="theme[primary_color]"' in html
    assert 'aria-current="page"' in html and ">Settings</a>" in html


def test_general_settings_are_saved(app: Flask, page: Any) -> None:
    client = app.test_client()
    response = client.post(settings(page["id"]), data=general_form(), headers=OPERATOR)
    assert response.status_code == 303
    saved = stored(app, page["id"])
    assert saved is not None
    assert (saved.page_name, saved.time_zone, saved.locale) == ("Acme Cloud", "Europe/Paris", "de")
    assert saved.robots_noindex and not saved.hide_branding and saved.uptime_days == 30
    assert not saved.allow_webhook_subscribers  # unticked: false
    assert "Settings saved." in client.get(response.headers["Location"], headers=OPERATOR).get_data(
        as_text=True
    )


def test_refused_general_settings_come_back_with_errors_and_write_nothing(
    app: Flask, page: Any
) -> None:
    form = general_form(time_zone="Mars/Olympus", website_url="ftp://x")
    response = app.test_client().post(settings(page["id"]), data=form, headers=OPERATOR)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-time_zone"' in html and 'id="error-website_url"' in html
    assert 'value="Mars/Olympus"' in html
    saved = stored(app, page["id"])
    assert saved is not None and saved.time_zone == "UTC" and saved.page_name is None


def test_branding_is_saved_and_the_preview_style_follows_it(app: Flask, page: Any) -> None:
    client = app.test_client()
    form = {
        "theme[primary_color]": "#0e7490",
        "theme[background_color]": "#ffffff",
        "theme[color_scheme]": "dark",
        "theme[logo_url]": "",
    }
    response = client.post(settings(page["id"], "branding"), data=form, headers=OPERATOR)
    assert response.status_code == 303
    saved = stored(app, page["id"])
    assert saved is not None
    assert saved.theme == {
        "primary_color": "#0e7490",
        "background_color": "#ffffff",
        "color_scheme": "dark",
    }
    html = client.get(settings(page["id"]), headers=OPERATOR).get_data(as_text=True)
    assert "preview.css?primary_color=%230e7490" in html
    css = client.get(
        settings(page["id"], "preview.css?primary_color=%230e7490&background_color=%23fff"),
        headers=OPERATOR,
    )
    assert css.mimetype == "text/css"
    assert "--brand:#0e7490;--brand-bg:#fff;--on-brand:#ffffff" in css.get_data(as_text=True)


def test_the_preview_style_takes_only_colours(app: Flask, page: Any) -> None:
    css = app.test_client().get(
        settings(page["id"], "preview.css?primary_color=red;}body{x:y"), headers=OPERATOR
    )
    assert "red" not in css.get_data(as_text=True) and "--brand:#2563eb" in css.get_data(
        as_text=True
    )


def test_a_branding_preview_saves_nothing(app: Flask, page: Any) -> None:
    form = {"theme[primary_color]": "#ff0000", "theme[color_scheme]": "auto", "_preview": "1"}
    response = app.test_client().post(settings(page["id"], "branding"), data=form, headers=OPERATOR)
    assert response.status_code == 200
    assert "primary_color=%23ff0000" in response.get_data(as_text=True)
    saved = stored(app, page["id"])
    assert saved is not None and saved.theme == {}


def test_refused_branding_writes_nothing(app: Flask, page: Any) -> None:
    form = {"theme[primary_color]": "blue", "theme[logo_url]": "javascript:alert(1)"}
    response = app.test_client().post(settings(page["id"], "branding"), data=form, headers=OPERATOR)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-theme-primary_color"' in html and 'id="error-theme-logo_url"' in html
    saved = stored(app, page["id"])
    assert saved is not None and saved.theme == {}


def test_visibility_password_and_allow_list_are_saved(app: Flask, page: Any) -> None:
    client = app.test_client()
    form = {
        "visibility": "password",
        "password": "s3cret-pass",
        "ip_allowlist": "203.0.113.0/24\n\n 198.51.100.7 \n",
    }
    response = client.post(settings(page["id"], "visibility"), data=form, headers=OPERATOR)
    assert response.status_code == 303
    saved = stored(app, page["id"])
    assert saved is not None and saved.password_hash is not None
    assert saved.ip_allowlist == ["203.0.113.0/24", "198.51.100.7/32"]
    # A blank password keeps the one set.
    again = {"visibility": "password", "password": "", "ip_allowlist": ""}
    assert (
        client.post(settings(page["id"], "visibility"), data=again, headers=OPERATOR).status_code
        == 303
    )
    kept = stored(app, page["id"])
    assert (
        kept is not None and kept.password_hash == saved.password_hash and kept.ip_allowlist == []
    )


def test_an_allow_list_in_bracket_notation_is_read_as_a_list(app: Flask, page: Any) -> None:
    body = "visibility=public&ip_allowlist[]=203.0.113.0/24&ip_allowlist[]=bad"
    response = app.test_client().post(
        settings(page["id"], "visibility"),
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=OPERATOR,
    )
    assert response.status_code == 422
    saved = stored(app, page["id"])
    assert saved is not None and saved.ip_allowlist == []


def test_refused_visibility_writes_nothing(app: Flask, page: Any) -> None:
    form = {"visibility": "password", "password": "", "ip_allowlist": "not-a-network"}
    response = app.test_client().post(
        settings(page["id"], "visibility"), data=form, headers=OPERATOR
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not a valid IP address or CIDR network." in html
    saved = stored(app, page["id"])
    assert saved is not None and saved.password_hash is None and saved.ip_allowlist == []


def test_a_custom_domain_shows_its_dns_records(app: Flask, page: Any) -> None:
    client = app.test_client()
    form = {"custom_domain": "status.acme.example"}
    response = client.post(settings(page["id"], "domain"), data=form, headers=OPERATOR)
    assert response.status_code == 303
    html = client.get(settings(page["id"]), headers=OPERATOR).get_data(as_text=True)
    assert "_statuspages.status.acme.example" in html and "Check now" in html
    saved = stored(app, page["id"])
    assert saved is not None and saved.custom_domain == "status.acme.example"


def test_a_refused_custom_domain_writes_nothing(app: Flask, page: Any) -> None:
    form = {"custom_domain": "not a host"}
    response = app.test_client().post(settings(page["id"], "domain"), data=form, headers=OPERATOR)
    assert response.status_code == 422
    assert 'id="error-custom_domain"' in response.get_data(as_text=True)
    saved = stored(app, page["id"])
    assert saved is not None and saved.custom_domain is None


def test_check_now_verifies_the_domain_against_dns(
    app: Flask, api: Any, page: Any, dns_server: LoopbackDNS
) -> None:
    client = app.test_client()
    client.post(
        settings(page["id"], "domain"), data={"custom_domain": "status.acme.test"}, headers=OPERATOR
    )
    refused = client.post(settings(page["id"], "domain/check"), headers=OPERATOR)
    assert refused.status_code == 422
    assert 'id="error-custom_domain"' in refused.get_data(as_text=True)
    unverified = stored(app, page["id"])
    assert unverified is not None and unverified.custom_domain_verified_at is None
    answer = api.as_owner("acme").get(f"/{page['id']}").json
    for record in answer["custom_domain_records"]:
        dns_server.records.setdefault(record["name"], []).append((record["type"], record["value"]))
    response = client.post(settings(page["id"], "domain/check"), headers=OPERATOR)
    assert response.status_code == 303
    saved = stored(app, page["id"])
    assert saved is not None and saved.custom_domain_verified_at is not None
    html = client.get(response.headers["Location"], headers=OPERATOR).get_data(as_text=True)
    assert "The custom domain is verified." in html


def test_a_page_is_deleted_after_its_confirmation(app: Flask, page: Any) -> None:
    client = app.test_client()
    url = f"{CONSOLE}/pages/{page['id']}/delete"
    confirm = client.get(url, headers=OPERATOR)
    assert confirm.status_code == 200 and f'action="{url}"' in confirm.get_data(as_text=True)
    assert stored(app, page["id"]) is not None
    response = client.post(url, headers=OPERATOR)
    assert response.status_code == 303 and response.headers["Location"] == CONSOLE + "/"
    assert stored(app, page["id"]) is None


WRITES = [
    ("settings", general_form()),
    ("settings/branding", {"theme[primary_color]": "#ff0000"}),
    ("settings/visibility", {"visibility": "password", "password": "s3cret-pass"}),
    ("settings/domain", {"custom_domain": "evil.example"}),
    ("settings/domain/check", {}),
    ("delete", {}),
]


@pytest.mark.parametrize(("route", "form"), WRITES)
def test_another_owners_page_is_not_found(app: Flask, api: Any, route: str, form: Any) -> None:
    other = api.as_owner("globex").make_page(name="Globex")
    client = app.test_client()
    url = f"{CONSOLE}/pages/{other['id']}/{route}"
    assert client.post(url, data=form, headers=OPERATOR).status_code == 404
    saved = stored(app, other["id"])
    assert saved is not None and saved.name == "Globex" and saved.password_hash is None
    assert saved.theme == {} and saved.custom_domain is None
    if route in ("settings", "delete"):
        assert client.get(url, headers=OPERATOR).status_code == 404


@pytest.mark.parametrize(("route", "form"), WRITES)
def test_a_form_from_another_site_is_refused(app: Flask, page: Any, route: str, form: Any) -> None:
    url = f"{CONSOLE}/pages/{page['id']}/{route}"
    assert app.test_client().post(url, data=form, headers=CROSS_SITE).status_code == 403
    saved = stored(app, page["id"])
    assert saved is not None and saved.page_name is None and saved.password_hash is None
    assert saved.theme == {} and saved.custom_domain is None
