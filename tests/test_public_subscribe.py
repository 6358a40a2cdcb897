"""Visitors subscribe on the public route: 202, no leaks, rate limited."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

from .conftest import PREFIX


@pytest.fixture
def app_config(smtp):
    return {"MAIL_PORT": smtp.port, "STATUSPAGES_WEBHOOK_ALLOW_PRIVATE": True}


@pytest.fixture
def page(api):
    return api.make_page(name="Acme Status")


def subscribe(api, body, **kw):
    return api.client.post(f"{PREFIX}/public/acme-status/subscribe", json=body, **kw)


def test_email_subscription_is_confirmed_by_the_emailed_link(api, page, smtp) -> None:
    response = subscribe(api, {"email": "visitor@example.org"})
    assert response.status_code == 202
    assert set(response.json) == {"message"}
    [message] = smtp.wait_for(1)
    link = re.search(r"https?://\S+", message.get_body(("plain",)).get_content()).group(0)
    assert api.client.get(urlsplit(link).path).json["verified"] is True
    [subscriber] = api.get(f"/{page['id']}/subscribers").json["data"]
    assert subscriber["email"] == "visitor@example.org" and subscriber["state"] == "verified"


def test_answers_never_tell_whether_the_address_was_known(api, page, smtp) -> None:
    first = subscribe(api, {"email": "visitor@example.org"})
    again = subscribe(api, {"email": "visitor@example.org"})  # still pending: a new link
    assert first.status_code == again.status_code == 202
    assert first.json == again.json
    assert len(smtp.wait_for(2)) == 2
    link = re.search(r"https?://\S+", smtp.messages[1].get_body(("plain",)).get_content()).group(0)
    api.client.get(urlsplit(link).path)
    verified = subscribe(api, {"email": "VISITOR@example.org"})
    assert verified.status_code == 202 and verified.json == first.json
    assert len(smtp.messages) == 2, "a verified address is not mailed again"
    assert api.get(f"/{page['id']}/subscribers").json["pagination"]["total"] == 1


def test_webhook_gets_a_verification_event_with_its_secret(api, page, receiver) -> None:
    assert subscribe(api, {"webhook_url": receiver.url}).status_code == 202
    [post] = receiver.wait_for(1)
    payload = json.loads(post["body"])
    assert payload["event"] == "subscription.verify"
    assert len(payload["secret"]) == 64
    assert api.client.get(urlsplit(payload["verify_url"]).path).json["verified"] is True


def test_component_choice(api, page) -> None:
    component = api.make_component(page["id"])
    body = {"email": "v@example.org", "component_ids": [component["id"]]}
    assert subscribe(api, body).status_code == 202
    [subscriber] = api.get(f"/{page['id']}/subscribers").json["data"]
    assert subscriber["component_ids"] == [component["id"]]
    other_page_component = api.make_component(api.make_page(name="Other")["id"])
    bad = subscribe(api, {"email": "w@example.org", "component_ids": [other_page_component["id"]]})
    assert bad.status_code == 422


def test_bad_input_and_hidden_pages(api, page, app) -> None:
    assert subscribe(api, {"email": "nope"}).status_code == 422
    assert subscribe(api, {}).status_code == 422
    assert subscribe(api, {"email": "a@example.org", "verify_token": "x"}).status_code == 422
    app.config["STATUSPAGES_WEBHOOK_ALLOW_PRIVATE"] = False
    assert subscribe(api, {"webhook_url": "http://127.0.0.1/x"}).status_code == 422
    api.put(f"/{page['id']}", json={"is_public": False})
    assert subscribe(api, {"email": "a@example.org"}).status_code == 404
    assert api.get(f"/{page['id']}/subscribers").json["pagination"]["total"] == 0


def test_rate_limited_per_client(api, page, app) -> None:
    app.config["STATUSPAGES_SUBSCRIBE_RATE_LIMIT"] = "3 per minute"
    answers = [subscribe(api, {"email": f"v{n}@example.org"}) for n in range(3)]
    assert [a.status_code for a in answers] == [202] * 3
    assert "Retry-After" not in answers[0].headers
    assert answers[0].headers["X-RateLimit-Remaining"] == "2"
    limited = subscribe(api, {"email": "v9@example.org"})
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    other_client = subscribe(
        api, {"email": "w@example.org"}, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert other_client.status_code == 202
