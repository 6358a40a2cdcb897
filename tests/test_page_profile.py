"""The page profile fields of seeds 001 and 002: which subscriber channels visitors may
use (``allow_*_subscribers``), the names visitors see (``company_name``, ``page_name``),
the page's emails (``notifications_from_email``, ``notifications_email_footer``),
``redirect_to_https`` and ``ga_tracking``: on the API, the public routes, the HTML page
and the emails (a real SMTP server on loopback)."""

from __future__ import annotations

import re
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from flask_statuspages import rules

from .conftest import PREFIX

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}
EMAIL = {"email": "visitor@example.org"}
HOOK = {"webhook_url": "https://hooks.example.com/status"}


def html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


@pytest.fixture
def app_config(smtp):
    return {"MAIL_PORT": smtp.port}


# ------------------------------------------------------ subscriber channels


def test_a_page_takes_every_channel_by_default(api) -> None:
    page = api.make_page()
    assert page["allow_email_subscribers"] is True
    assert page["allow_webhook_subscribers"] is True
    assert page["allow_page_subscribers"] is True
    assert api.get(f"/{page['id']}").json["allow_email_subscribers"] is True


def test_allow_page_subscribers_is_subscriptions_enabled_by_statuspages_name(api) -> None:
    page = api.make_page(allow_page_subscribers=False)
    assert page["subscriptions_enabled"] is False and page["allow_page_subscribers"] is False
    changed = api.patch(f"/{page['id']}", json={"subscriptions_enabled": True}).json
    assert changed["allow_page_subscribers"] is True
    both = api.patch(
        f"/{page['id']}", json={"subscriptions_enabled": True, "allow_page_subscribers": False}
    )
    assert both.status_code == 422
    assert list(both.json["error"]["fields"]) == ["allow_page_subscribers"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("allow_email_subscribers", None),
        ("allow_email_subscribers", "false"),
        ("allow_webhook_subscribers", 0),
        ("allow_page_subscribers", "no"),
    ],
)
def test_bad_values_are_422_naming_the_field(api, field, value) -> None:
    page = api.make_page()
    answer = api.patch(f"/{page['id']}", json={"description": "changed", field: value})
    assert answer.status_code == 422
    # An alias's value is checked as the field it names (as seed 001's aliases are).
    named = "subscriptions_enabled" if field == "allow_page_subscribers" else field
    assert list(answer.json["error"]["fields"]) == [named]
    assert api.get(f"/{page['id']}").json["description"] is None


def test_a_channel_that_is_off_is_refused_with_its_field_named(api, app) -> None:
    page = api.make_page(name="Acme Status", allow_webhook_subscribers=False)
    visitor = api.as_owner(None)
    refused = visitor.post("/public/acme-status/subscribe", json=HOOK)
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {
        "webhook_url": ["This page does not take webhook subscriptions."]
    }
    assert visitor.post("/public/acme-status/subscribe", json=EMAIL).status_code == 202

    api.patch(
        f"/{page['id']}", json={"allow_email_subscribers": False, "allow_webhook_subscribers": True}
    )
    refused = visitor.post("/public/acme-status/subscribe", json={"email": "other@example.org"})
    assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == ["email"]
    assert visitor.post("/public/acme-status/subscribe", json=HOOK).status_code == 202
    emails = [s["email"] for s in api.get(f"/{page['id']}/subscribers").json["data"]]
    assert emails.count("other@example.org") == 0
    # The owner still adds subscribers of any channel (imported ones, say).
    added = api.post(f"/{page['id']}/subscribers", json={"email": "x@example.org"})
    assert added.status_code == 201


def test_the_html_page_offers_no_email_form_when_email_is_off(api, app) -> None:
    page = api.make_page(name="Acme Status")
    site = app.test_client()
    assert 'id="subscribe-email"' in html(site.get("/status/acme-status"))
    api.patch(f"/{page['id']}", json={"allow_email_subscribers": False})
    body = html(site.get("/status/acme-status"))
    assert 'id="subscribe-email"' not in body and "/subscribe" not in body
    assert "feed.rss" in body
    form = site.post("/status/acme-status/subscribe", data=EMAIL, headers=SAME_ORIGIN)
    assert form.status_code == 404
    assert api.get(f"/{page['id']}/subscribers").json["pagination"]["total"] == 0


def test_subscriptions_off_close_every_channel_whatever_allow_says(api) -> None:
    api.make_page(name="Acme Status", subscriptions_enabled=False)
    visitor = api.as_owner(None)
    for body in (EMAIL, HOOK):
        assert visitor.post("/public/acme-status/subscribe", json=body).status_code == 404


def test_refused_channels_rule() -> None:
    assert rules.refused_channels({"email": "a@b.c"}, email=True, webhook=False) == {}
    assert list(rules.refused_channels({"email": "a@b.c"}, email=False, webhook=True)) == ["email"]
    assert rules.refused_channels({"webhook_url": "https://x"}, email=False, webhook=True) == {}


# ------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("company_name", "x" * 256),
        ("company_name", 3),
        ("page_name", "x" * 256),
        ("page_name", ["Acme"]),
        ("notifications_from_email", "not an address"),
        ("notifications_from_email", "status@acme.com\r\nBcc: all@acme.com"),
        ("notifications_from_email", 42),
        ("notifications_email_footer", "x" * 5001),
        ("notifications_email_footer", {"text": "hi"}),
        ("redirect_to_https", "true"),
        ("redirect_to_https", None),
        ("ga_tracking", "GTM-XXXX"),
        ("ga_tracking", "g-abc123"),
        ("ga_tracking", "G-ABC123\n"),
        ("ga_tracking", "UA-1234-1'); alert(1); ('"),
        ("ga_tracking", "</script><script>alert(1)</script>"),
        ("ga_tracking", "https://evil.example/x.js"),
        ("ga_tracking", ""),
    ],
)
def test_bad_profile_values_are_422_and_nothing_is_written(api, field, value) -> None:
    page = api.make_page()
    for method in (api.patch, api.put):
        answer = method(f"/{page['id']}", json={"description": "changed", field: value})
        assert answer.status_code == 422, answer.json
        assert list(answer.json["error"]["fields"]) == [field]
    created = api.post("/", json={"name": "Other", field: value})
    assert created.status_code == 422 and list(created.json["error"]["fields"]) == [field]
    assert api.get(f"/{page['id']}").json["description"] is None
    assert api.get("/").json["pagination"]["total"] == 1


def test_profile_fields_round_trip_with_their_defaults(api) -> None:
    page = api.make_page()
    assert {k: page[k] for k in PROFILE} == {
        "company_name": None,
        "page_name": None,
        "notifications_from_email": None,
        "notifications_email_footer": None,
        "redirect_to_https": False,
        "ga_tracking": None,
    }
    changed = api.patch(f"/{page['id']}", json=PROFILE)
    assert changed.status_code == 200, changed.json
    expected = {**PROFILE, "notifications_from_email": "status@acme.example"}
    assert {k: changed.json[k] for k in PROFILE} == expected
    assert {k: api.get(f"/{page['id']}").json[k] for k in PROFILE} == expected
    cleared = api.patch(f"/{page['id']}", json={"ga_tracking": None, "page_name": None}).json
    assert cleared["ga_tracking"] is None and cleared["page_name"] is None


PROFILE = {
    "company_name": "Acme Inc.",
    "page_name": "Acme Cloud Status",
    "notifications_from_email": "Status@Acme.example",
    "notifications_email_footer": "Questions? Write to **support@acme.example**.",
    "redirect_to_https": False,
    "ga_tracking": "G-ABC123XYZ9",
}


# ------------------------------------------------------------ names


def test_page_name_and_company_name_are_what_visitors_see(api, app) -> None:
    page = api.make_page(name="acme-internal")
    api.patch(
        f"/{page['id']}", json={"page_name": "Acme Cloud Status", "company_name": "Acme Inc."}
    )
    body = html(app.test_client().get(f"/status/{page['slug']}"))
    assert "<title>Acme Cloud Status · Acme Inc.: " in body
    assert "<span>Acme Cloud Status</span>" in body
    assert '<span class="company">Acme Inc.</span>' in body
    assert "acme-internal" not in body.replace(page["slug"], "")
    public = api.as_owner(None).get(f"/public/{page['slug']}").json
    assert public["name"] == "Acme Cloud Status"
    assert api.get(f"/{page['id']}").json["name"] == "acme-internal"  # the admin's own name


# ------------------------------------------------------------ emails


def sender(message: Any) -> tuple[str, str]:
    return parseaddr(message["From"])


def verified_email(api, page, smtp, address: str = "ops@acme.example") -> None:
    api.as_owner(None).post(f"/public/{page['slug']}/subscribe", json={"email": address})
    [message] = smtp.wait_for(1)
    link = re.search(r"https?://\S+", message.get_body(("plain",)).get_content()).group(0)
    assert api.client.get(urlsplit(link).path).json["verified"] is True


def test_emails_come_from_the_pages_address_with_its_footer(api, smtp) -> None:
    page = api.make_page(name="Acme Status", **PROFILE)
    verified_email(api, page, smtp)
    verify = smtp.messages[0]
    assert sender(verify) == ("Acme Inc.", "status@acme.example")
    assert (
        "Questions? Write to **support@acme.example**." in verify.get_body(("plain",)).get_content()
    )
    api.make_incident(page["id"], title="API down", message="Looking")
    [notice] = [m for m in smtp.wait_for(2)[1:] if "API down" in m["Subject"]]
    assert sender(notice) == ("Acme Inc.", "status@acme.example")
    assert notice["Subject"] == "[Acme Cloud Status] Investigating: API down"
    text = notice.get_body(("plain",)).get_content()
    assert "Questions? Write to **support@acme.example**." in text
    assert "subscribed to Acme Cloud Status (Acme Inc.)" in text
    part = notice.get_body(("html",)).get_content()
    assert "Questions? Write to <strong>support@acme.example</strong>." in part


def test_without_an_address_the_configured_sender_is_kept(api, smtp) -> None:
    page = api.make_page(name="Acme Status")
    verified_email(api, page, smtp)
    assert sender(smtp.messages[0]) == ("", "status@example.com")  # MAIL_DEFAULT_SENDER


def test_the_footer_is_sanitised_in_the_html_part(api, smtp) -> None:
    footer = (
        "<script>alert(1)</script> [click](javascript:alert(1))"
        " <img src=x onerror=alert(1)> [site](https://acme.example)"
    )
    page = api.make_page(name="Acme Status", notifications_email_footer=footer)
    verified_email(api, page, smtp)
    api.make_incident(page["id"], title="API down")
    [notice] = [m for m in smtp.wait_for(2)[1:] if "API down" in m["Subject"]]
    part = notice.get_body(("html",)).get_content()
    tags = re.findall(r"<[a-z][^>]*>", part)  # what a mail client would act on
    assert not [t for t in tags if re.search(r"<(script|img)|javascript:|\son\w+=", t)], tags
    assert "&lt;script&gt;" in part  # shown as text
    assert 'href="https://acme.example"' in part


# ------------------------------------------------------------ https


def test_redirect_to_https_sends_plain_http_to_https_with_308(api, app) -> None:
    page = api.make_page(name="Acme Status", redirect_to_https=True)
    site = app.test_client()
    for url in (
        f"/status/{page['slug']}",
        f"/status/{page['slug']}/history?months=2",
        f"{PREFIX}/public/{page['slug']}",
        f"{PREFIX}/public/{page['slug']}/feed.rss",
        f"{PREFIX}/public/{page['slug']}/widget.js",
        f"{PREFIX}/public/{page['slug']}/api/v2/summary.json",
        f"{PREFIX}/public/{page['slug']}/events",
    ):
        answer = site.get(url)
        assert answer.status_code == 308, (url, answer.status_code)
        assert answer.headers["Location"] == "https://localhost" + url
    # A POST is redirected as a POST (308), never turned into a GET; nothing is written.
    post = site.post(
        f"/status/{page['slug']}/subscribe", data={"email": "v@example.org"}, headers=SAME_ORIGIN
    )
    assert post.status_code == 308
    assert post.headers["Location"] == f"https://localhost/status/{page['slug']}/subscribe"
    json_post = api.as_owner(None).post(f"/public/{page['slug']}/subscribe", json=EMAIL)
    assert json_post.status_code == 308 and json_post.json["error"]["code"] == "https_required"
    assert api.get(f"/{page['id']}/subscribers").json["pagination"]["total"] == 0
    # https requests are served; the admin API is not the page's to redirect.
    secure = site.get(f"/status/{page['slug']}", base_url="https://localhost")
    assert secure.status_code == 200
    assert api.get(f"/{page['id']}").status_code == 200


def test_behind_a_proxy_the_forwarded_scheme_counts(api, app) -> None:
    page = api.make_page(name="Acme Status", redirect_to_https=True)
    app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1)  # type: ignore[method-assign]
    site = app.test_client()
    forwarded = site.get(f"/status/{page['slug']}", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.status_code == 200  # https at the proxy: never redirected
    plain = site.get(f"/status/{page['slug']}", headers={"X-Forwarded-Proto": "http"})
    assert plain.status_code == 308


def test_without_redirect_to_https_plain_http_is_served(api, app) -> None:
    page = api.make_page(name="Acme Status")
    assert app.test_client().get(f"/status/{page['slug']}").status_code == 200
    hidden = api.make_page(name="Hidden", redirect_to_https=True, is_public=False)
    # A hidden page stays a 404: the redirect tells nobody it exists.
    assert app.test_client().get(f"/status/{hidden['slug']}").status_code == 404
    assert api.as_owner(None).get(f"/public/{hidden['slug']}").status_code == 404


# ------------------------------------------------------------ analytics


def csp(response: Any) -> str:
    return response.headers["Content-Security-Policy"]  # type: ignore[no-any-return]


def test_ga_tracking_loads_the_script_and_widens_only_that_pages_csp(api, app) -> None:
    tracked = api.make_page(name="Tracked", ga_tracking="G-ABC123XYZ9")
    plain = api.make_page(name="Plain")
    site = app.test_client()
    with_ga = site.get(f"/status/{tracked['slug']}")
    body = html(with_ga)
    nonce = re.search(r"script-src 'nonce-([^']+)'", csp(with_ga)).group(1)
    assert (
        f'<script async nonce="{nonce}" '
        'src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ9"></script>'
    ) in body
    assert 'gtag("config", "G-ABC123XYZ9");' in body
    assert "script-src 'nonce-" in csp(with_ga)
    assert f"script-src 'nonce-{nonce}' https://www.googletagmanager.com;" in csp(with_ga)
    assert "connect-src 'self' https://*.google-analytics.com" in csp(with_ga)
    assert "default-src 'none'" in csp(with_ga)
    history = site.get(f"/status/{tracked['slug']}/history")
    assert "googletagmanager" in csp(history) and "googletagmanager" in html(history)

    without = site.get(f"/status/{plain['slug']}")
    assert "googletagmanager" not in csp(without) and "gtag" not in html(without)
    assert "google" not in csp(without)
    api.patch(f"/{tracked['id']}", json={"ga_tracking": None})
    off = site.get(f"/status/{tracked['slug']}")
    assert "google" not in csp(off) and "gtag" not in html(off)
