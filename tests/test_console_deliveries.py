"""The console's delivery log: newest first, filtered by status, each with its
subscriber, event, attempts, last error and next attempt; a failed one retried."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from flask_statuspages.models import Delivery

from .conftest import WebhookReceiver
from .console_audience_support import CONSOLE, CROSS_SITE, OPERATOR, follow, row


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {
        "STATUSPAGES_WEBHOOK_ALLOW_PRIVATE": True,  # the receiver is on loopback
        "STATUSPAGES_WEBHOOK_TIMEOUT": 2,
        "STATUSPAGES_MAX_ATTEMPTS": 1,  # one refusal fails a delivery
    }


@pytest.fixture
def scene(app: Flask, api: Any, receiver: WebhookReceiver) -> Iterator[dict[str, Any]]:
    """A page whose webhook refused its verification (failed) and an email subscriber
    whose verification could not be sent either (nothing listens on MAIL_PORT)."""
    page = api.make_page(name="Acme")
    receiver.plan = [500]
    hook = api.make_subscriber(page["id"], webhook_url=receiver.url)
    receiver.wait_for(1)
    api.make_incident(page["id"], title="Checkout errors")
    listed = api.get(f"/{page['id']}/deliveries?status=failed").json["data"]
    [failed] = [d for d in listed if d["subscriber_id"] == hook["id"]]
    yield {"page": page, "hook": hook, "failed": failed}


def log(app: Flask, page: dict[str, Any], query: str = "") -> Any:
    return app.test_client().get(
        f"{CONSOLE}/pages/{page['id']}/deliveries{query}", headers=OPERATOR
    )


def test_the_log_shows_each_delivery_with_its_error(app: Flask, scene: dict[str, Any]) -> None:
    response = log(app, scene["page"])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert scene["hook"]["webhook_url"] in html
    assert "<code>subscription.verify</code>" in html
    assert "HTTP 500" in html
    assert '<span class="status failed">Failed</span>' in html
    assert "Retry" in html


def test_the_log_is_filtered_by_status(app: Flask, api: Any, scene: dict[str, Any]) -> None:
    api.make_subscriber(scene["page"]["id"], email="pending@example.org")
    html = log(app, scene["page"], "?status=sent").get_data(as_text=True)
    assert "No delivery has this status." in html
    html = log(app, scene["page"], "?status=failed").get_data(as_text=True)
    assert scene["hook"]["webhook_url"] in html
    response = log(app, scene["page"], "?status=lost")
    assert response.status_code == 422
    assert 'id="error-status"' in response.get_data(as_text=True)


def test_a_failed_delivery_is_retried_and_sent(
    app: Flask, scene: dict[str, Any], receiver: WebhookReceiver
) -> None:
    client = app.test_client()
    page, failed = scene["page"], scene["failed"]
    response = client.post(
        f"{CONSOLE}/pages/{page['id']}/deliveries/{failed['id']}/retry",
        data={"_status": "failed"},
        headers=OPERATOR,
    )
    assert response.headers["Location"].endswith("/deliveries?status=failed")
    assert "The delivery will be sent again shortly." in follow(client, response)
    receiver.wait_for(2)
    assert row(app, Delivery, failed["id"]).status == "sent"


def test_retrying_a_delivery_that_did_not_fail_is_refused(
    app: Flask, api: Any, scene: dict[str, Any], receiver: WebhookReceiver
) -> None:
    page = scene["page"]
    client = app.test_client()
    client.post(
        f"{CONSOLE}/pages/{page['id']}/deliveries/{scene['failed']['id']}/retry", headers=OPERATOR
    )
    response = client.post(
        f"{CONSOLE}/pages/{page['id']}/deliveries/{scene['failed']['id']}/retry", headers=OPERATOR
    )
    assert response.status_code == 409
    assert "Only a failed delivery can be retried" in response.get_data(as_text=True)
    assert len(receiver.requests) == 2


def test_another_owners_deliveries_are_not_found(
    app: Flask, api: Any, scene: dict[str, Any]
) -> None:
    client = app.test_client()
    stranger = {"X-Owner": "globex"}
    page, failed = scene["page"], scene["failed"]
    response = client.get(f"{CONSOLE}/pages/{page['id']}/deliveries", headers=stranger)
    assert response.status_code == 404
    retry = f"{CONSOLE}/pages/{page['id']}/deliveries/{failed['id']}/retry"
    assert client.post(retry, headers=stranger).status_code == 404
    theirs = api.as_owner("globex").make_page(name="Globex")
    own_page_other_delivery = f"{CONSOLE}/pages/{theirs['id']}/deliveries/{failed['id']}/retry"
    assert client.post(own_page_other_delivery, headers=stranger).status_code == 404
    assert row(app, Delivery, failed["id"]).status == "failed"


def test_a_retry_from_another_site_is_refused_and_writes_nothing(
    app: Flask, scene: dict[str, Any], receiver: WebhookReceiver
) -> None:
    page, failed = scene["page"], scene["failed"]
    response = app.test_client().post(
        f"{CONSOLE}/pages/{page['id']}/deliveries/{failed['id']}/retry", headers=CROSS_SITE
    )
    assert response.status_code == 403
    found = row(app, Delivery, failed["id"])
    assert (found.status, found.attempts) == ("failed", 1)
    assert len(receiver.requests) == 1
