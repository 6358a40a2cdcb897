"""The page profile fields of seeds 001 and 002: which subscriber channels visitors may
use (``allow_*_subscribers``), on the API, the public subscribe routes and the HTML page."""

from __future__ import annotations

from typing import Any

import pytest

from flask_statuspages import rules

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}
EMAIL = {"email": "visitor@example.org"}
HOOK = {"webhook_url": "https://hooks.example.com/status"}


def html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


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
