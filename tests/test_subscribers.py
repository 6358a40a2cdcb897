"""Subscribers: email or webhook, the verification email over real SMTP, verify, unsubscribe."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from .conftest import PREFIX, free_port


@pytest.fixture
def app_config(smtp):
    return {"MAIL_PORT": smtp.port}


@pytest.fixture
def page(api):
    return api.make_page(name="Acme Status")


def _link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+", text).group(0)


def test_email_subscriber_gets_a_verification_email_whose_link_verifies(api, page, smtp) -> None:
    response = api.post(f"/{page['id']}/subscribers", json={"email": "Ops@Acme.com"})
    assert response.status_code == 201
    body = response.json
    assert body["verified"] is False and body["verify_token"]
    assert body["email"] == "ops@acme.com"  # normalised
    assert body["secret"] is None
    assert response.headers["Location"] == f"{PREFIX}/{page['id']}/subscribers/{body['id']}"

    [message] = smtp.wait_for(1)
    assert message["To"] == "ops@acme.com"
    assert message["From"] == "status@example.com"
    assert "Acme Status" in message["Subject"]
    assert message.get_body(("html",)) is not None
    link = _link(message)
    assert body["verify_token"] in link
    assert message.get_body(("html",)).get_content().count(link.replace("&", "&amp;")) >= 1

    path = urlsplit(link).path
    verified = api.client.get(path)  # no authentication, as from the email
    assert verified.status_code == 200
    assert verified.json["verified"] is True
    assert api.get(f"/{page['id']}/subscribers/{body['id']}").json["verified"] is True


def test_link_opened_in_a_browser_shows_a_page(api, page, smtp) -> None:
    body = api.make_subscriber(page["id"], email="ops@acme.com")
    url = f"{PREFIX}/{page['id']}/subscribers/verify/{body['verify_token']}"
    response = api.client.get(url, headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert b"Subscription confirmed" in response.data
    bad = api.client.get(url + "x", headers={"Accept": "text/html"})
    assert bad.status_code == 400 and bad.mimetype == "text/html"


def test_webhook_subscriber_gets_a_secret_and_no_email(api, page, smtp) -> None:
    body = api.make_subscriber(page["id"], webhook_url="https://hooks.example.com/x")
    assert body["webhook_url"] == "https://hooks.example.com/x"
    assert re.fullmatch(r"[0-9a-f]{64}", body["secret"])
    assert body["email"] is None
    assert "secret" not in api.get(f"/{page['id']}/subscribers/{body['id']}").json
    time.sleep(0.2)
    assert smtp.messages == []


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"email": "ops@acme.com", "webhook_url": "https://x.example.com"},
        {"email": "not-an-email"},
        {"webhook_url": "ftp://files.example.com"},
        {"webhook_url": "not a url"},
        {"email": None},
        {"sms": "+123"},
    ],
)
def test_exactly_one_valid_channel(api, page, payload) -> None:
    response = api.post(f"/{page['id']}/subscribers", json=payload)
    assert response.status_code == 422
    assert response.json["error"]["fields"]
    assert api.get(f"/{page['id']}/subscribers").json["pagination"]["total"] == 0


def test_duplicate_is_409(api, page) -> None:
    api.make_subscriber(page["id"], email="ops@acme.com")
    assert api.post(f"/{page['id']}/subscribers", json={"email": "OPS@acme.com"}).status_code == 409
    other = api.make_page(name="Other")
    assert (
        api.post(f"/{other['id']}/subscribers", json={"email": "ops@acme.com"}).status_code == 201
    )


def test_verify_errors(api, page, app) -> None:
    body = api.make_subscriber(page["id"])
    base = f"/{page['id']}/subscribers/verify/"
    tampered = api.client.get(PREFIX + base + body["verify_token"][:-2] + "xx")
    assert tampered.status_code == 400
    assert tampered.json["error"]["code"] == "invalid_token"
    assert api.client.get(PREFIX + base + "garbage").json["error"]["code"] == "invalid_token"
    other = api.make_page(name="Other")
    wrong_page = api.client.get(f"{PREFIX}/{other['id']}/subscribers/verify/{body['verify_token']}")
    assert wrong_page.json["error"]["code"] == "invalid_token"

    app.config["STATUSPAGES_VERIFY_MAX_AGE"] = -1
    expired = api.client.get(PREFIX + base + body["verify_token"])
    assert expired.status_code == 400
    assert expired.json["error"]["code"] == "token_expired"
    assert api.get(f"/{page['id']}/subscribers/{body['id']}").json["verified"] is False


def test_verifying_twice_is_harmless(api, page) -> None:
    body = api.make_subscriber(page["id"])
    url = f"{PREFIX}/{page['id']}/subscribers/verify/{body['verify_token']}"
    first = api.client.get(url)
    second = api.client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.json == second.json


def test_token_of_a_deleted_subscriber_is_404(api, page) -> None:
    body = api.make_subscriber(page["id"])
    api.delete(f"/{page['id']}/subscribers/{body['id']}")
    response = api.client.get(f"{PREFIX}/{page['id']}/subscribers/verify/{body['verify_token']}")
    assert response.status_code == 404


def test_unsubscribe(api, page) -> None:
    body = api.make_subscriber(page["id"])
    assert api.delete(f"/{page['id']}/subscribers/{body['id']}").status_code == 204
    assert api.get(f"/{page['id']}/subscribers/{body['id']}").status_code == 404
    assert api.delete(f"/{page['id']}/subscribers/{body['id']}").status_code == 404


def test_list_filters_by_state(api, page) -> None:
    pending = api.make_subscriber(page["id"], email="a@example.com")
    verified = api.make_subscriber(page["id"], email="b@example.com")
    api.client.get(f"{PREFIX}/{page['id']}/subscribers/verify/{verified['verify_token']}")
    ids = lambda q: [s["id"] for s in api.get(f"/{page['id']}/subscribers{q}").json["data"]]  # noqa: E731
    assert ids("") == [pending["id"], verified["id"]]
    assert ids("?state=pending") == [pending["id"]]
    assert ids("?state=verified") == [verified["id"]]
    assert api.get(f"/{page['id']}/subscribers?state=nope").status_code == 422


def test_mail_server_down_does_not_fail_the_subscription(api, page, app) -> None:
    app.extensions["mail"].port = free_port()  # nothing listens there
    response = api.post(f"/{page['id']}/subscribers", json={"email": "ops@acme.com"})
    assert response.status_code == 201
    assert api.get(f"/{page['id']}/subscribers").json["pagination"]["total"] == 1
    [delivery] = api.get(f"/{page['id']}/deliveries").json["data"]
    assert (delivery["status"], delivery["event"]) == ("pending", "subscription.verify")
    assert delivery["last_error"].startswith("SMTP")


def test_public_url_setting_builds_the_link(api, page, smtp, app) -> None:
    app.config["STATUSPAGES_PUBLIC_URL"] = "https://status.example.org/base"
    api.make_subscriber(page["id"], email="ops@acme.com")
    [message] = smtp.wait_for(1)
    assert _link(message).startswith(f"https://status.example.org/base{PREFIX}/{page['id']}/")


def test_signing_failure_writes_nothing(api, page, app) -> None:
    app.config["SECRET_KEY"] = None
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = api.post(f"/{page['id']}/subscribers", json={"email": "ops@acme.com"})
    assert response.status_code == 500
    app.config["SECRET_KEY"] = "test-secret"
    assert api.get(f"/{page['id']}/subscribers").json["pagination"]["total"] == 0
