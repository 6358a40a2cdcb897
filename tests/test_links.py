"""Links in emails and webhooks come from a trusted source, never a visitor's Host."""

from __future__ import annotations

import warnings
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from flask_statuspages import StatusPages
from flask_statuspages.links import UntrustedLinksWarning
from flask_statuspages.models import NotificationEvent, utcnow
from flask_statuspages.notify.worker import drain

from .conftest import PREFIX

HOSTILE = "evil.example"

#: Each trusted source of links, and the base the links then have.
SOURCES = {
    "public_url": (
        {"STATUSPAGES_PUBLIC_URL": "https://status.acme.test/base"},
        "https://status.acme.test/base",
    ),
    "server_name": ({"SERVER_NAME": "status.acme.test"}, "http://status.acme.test"),
    # The test client's host is localhost: the admin's requests come from a trusted host.
    "trusted_hosts": ({"SERVER_NAME": None, "TRUSTED_HOSTS": ["localhost"]}, "http://localhost"),
}


@pytest.fixture
def app_config(request: pytest.FixtureRequest, smtp: Any) -> dict[str, Any]:
    return {"MAIL_PORT": smtp.port, **SOURCES[request.param][0]}


@pytest.mark.parametrize("app_config", list(SOURCES), indirect=True)
def test_a_hostile_host_never_reaches_the_links_of_later_emails(
    request: pytest.FixtureRequest, app: Flask, db: Any, api: Any, smtp: Any
) -> None:
    """A subscribe with ``Host: evil.example``, then a maintenance window that the
    worker starts outside any request: every link of every email is trusted."""
    expected = SOURCES[request.node.callspec.params["app_config"]][1]
    page = api.make_page(name="Acme Status", slug="acme")
    subscriber = api.make_subscriber(page["id"], email="ops@acme.com")
    verify = f"{PREFIX}/{page['id']}/subscribers/verify/{subscriber['verify_token']}"
    assert api.client.get(verify).status_code == 200
    api.make_maintenance(page["id"], utcnow() + timedelta(minutes=2), title="DB upgrade")

    hostile = api.client.post(
        f"{PREFIX}/public/acme/subscribe",
        json={"email": "victim@acme.com"},
        headers={"Host": HOSTILE},
    )
    # Flask itself refuses a host outside TRUSTED_HOSTS; the other sources take the subscriber.
    assert hostile.status_code == (400 if app.config["TRUSTED_HOSTS"] else 202)
    with app.app_context():
        # What an older version stored from such a request: never used again.
        db.session.execute(update(NotificationEvent).values(base_url=f"http://{HOSTILE}/"))
        db.session.commit()
        assert drain(now=utcnow() + timedelta(minutes=5))  # the worker starts the window

    messages = smtp.wait_for(4 if hostile.status_code == 202 else 3)
    started = [m for m in messages if "Maintenance in progress" in m["Subject"]]
    assert [m["To"] for m in started] == ["ops@acme.com"]
    for message in messages:
        text = message.get_body(("plain",)).get_content()
        assert HOSTILE not in message.as_string()
        assert f"{expected}/" in text
    unsubscribe = started[0]["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{expected}{PREFIX}/unsubscribe/")
    assert f"{expected}/status/acme" in started[0].get_body(("plain",)).get_content()


def _bare_app(**config: Any) -> Flask:
    app = Flask("links")
    app.config.update({"SECRET_KEY": "s", "SQLALCHEMY_DATABASE_URI": "sqlite://", **config})
    return app


def test_without_a_trusted_source_production_refuses_to_start() -> None:
    app = _bare_app()
    with pytest.raises(RuntimeError) as refused:
        StatusPages(app)
    message = str(refused.value)
    for key in ("STATUSPAGES_PUBLIC_URL", "SERVER_NAME", "TRUSTED_HOSTS", "Host"):
        assert key in message
    assert "statuspages" not in app.extensions


@pytest.mark.parametrize("mode", ["DEBUG", "TESTING"])
def test_without_a_trusted_source_debug_and_testing_warn_once(mode: str) -> None:
    app = _bare_app(**{mode: True})
    with pytest.warns(UntrustedLinksWarning, match="STATUSPAGES_PUBLIC_URL") as caught:
        StatusPages(app)
    assert len(caught) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with app.test_request_context(base_url="http://dev.local:5000"):
            from flask_statuspages.links import external_url

            url = external_url("statuspages.unsubscribe", token="t")
    assert url == f"http://dev.local:5000{PREFIX}/unsubscribe/t"


@pytest.mark.parametrize(
    "config",
    [
        {"STATUSPAGES_PUBLIC_URL": "https://status.example.com"},
        {"SERVER_NAME": "status.example.com"},
        {"TRUSTED_HOSTS": ["status.example.com"]},
    ],
)
def test_any_trusted_source_starts_in_production_without_a_warning(config: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        StatusPages(_bare_app(**config))


@pytest.mark.parametrize(
    "public_url", ["status.example.com", "ftp://status.example.com", "https://x.test/\r\nX: y"]
)
def test_a_public_url_that_is_not_an_absolute_http_url_is_refused(public_url: str) -> None:
    with pytest.raises(RuntimeError, match="STATUSPAGES_PUBLIC_URL must be an absolute"):
        StatusPages(_bare_app(STATUSPAGES_PUBLIC_URL=public_url))
