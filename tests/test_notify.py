"""Notifications over real SMTP and a real HTTP receiver: events, retries, quarantine."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from flask_statuspages import models, signals
from flask_statuspages.models import utcnow
from flask_statuspages.notify import delivery, fanout, webhook
from flask_statuspages.notify.worker import drain

from .conftest import PREFIX, free_port


@pytest.fixture
def app_config(smtp):
    return {
        "MAIL_PORT": smtp.port,
        "STATUSPAGES_WEBHOOK_ALLOW_PRIVATE": True,  # the receiver is on loopback
        "STATUSPAGES_WEBHOOK_TIMEOUT": 1,
        "STATUSPAGES_RETRY_BACKOFF": 10,
    }


@pytest.fixture
def delivery_signals(app):
    """What ``notification_sent`` / ``notification_failed`` receivers saw, as they saw it."""
    seen = {"notification_sent": [], "notification_failed": []}

    def receiver_of(name):
        def receive(sender, delivery, **extra):
            assert sender is app
            seen[name].append((delivery.id, delivery.status, delivery.event.kind))

        return receive

    receivers = {name: receiver_of(name) for name in seen}
    for name, receive in receivers.items():
        getattr(signals, name).connect(receive, sender=app)
    yield seen
    for name, receive in receivers.items():
        getattr(signals, name).disconnect(receive)


@pytest.fixture
def page(api):
    return api.make_page(name="Acme Status")


def subscribe_verified(api, page, **body):
    subscriber = api.make_subscriber(page["id"], **body)
    token = subscriber["verify_token"]
    assert api.client.get(f"{PREFIX}/{page['id']}/subscribers/verify/{token}").status_code == 200
    return subscriber


def later(app, minutes: int = 60) -> None:
    """Run the worker as if ``minutes`` had passed: every retry is due."""
    with app.app_context():
        assert drain(now=utcnow() + timedelta(minutes=minutes))


def deliveries(api, page, status=None):
    query = f"?status={status}&per_page=100" if status else "?per_page=100"
    return api.get(f"/{page['id']}/deliveries{query}").json["data"]


def notifications(receiver):
    return [
        r
        for r in receiver.accepted()
        if r["headers"]["X-Statuspages-Event"] != "subscription.verify"
    ]


def test_incident_reaches_email_and_webhook_subscribers(api, page, smtp, receiver) -> None:
    email_sub = subscribe_verified(api, page, email="ops@acme.com")
    hook = subscribe_verified(api, page, webhook_url=receiver.url)
    api.make_subscriber(page["id"], email="pending@acme.com")  # never verified: hears nothing
    smtp.wait_for(2)  # the two verification emails
    incident = api.make_incident(page["id"], title="API down", message="Looking", severity="major")

    messages = [m for m in smtp.wait_for(3) if m["To"] == "ops@acme.com"][1:]
    assert len(messages) == 1
    email = messages[0]
    assert email["Subject"] == "[Acme Status] Investigating: API down"
    assert "Looking" in email.get_body(("plain",)).get_content()
    assert email.get_body(("html",)) is not None
    assert email["List-Unsubscribe"].startswith(f"<http://localhost{PREFIX}/unsubscribe/")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw = smtp.raw[smtp.messages.index(email)]
    assert b"\r\nList-Unsubscribe: <http://localhost" in raw, "a plain URL, not encoded words"
    assert all(m["To"] != "pending@acme.com" for m in smtp.messages[2:])

    [post] = notifications(receiver)
    headers, body = post["headers"], post["body"]
    payload = json.loads(body)
    assert payload["event"] == "incident.created" == headers["X-Statuspages-Event"]
    assert payload["incident"]["id"] == incident["id"]
    assert payload["page"]["slug"] == "acme-status"
    assert payload["page"]["url"] == "http://localhost/status/acme-status"  # the HTML page
    assert "http://localhost/status/acme-status" in email.get_body(("plain",)).get_content()
    assert payload["sent_at"].endswith("Z")
    signed = headers["X-Statuspages-Timestamp"].encode() + b"." + body
    expected = hmac.new(hook["secret"].encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Statuspages-Signature"] == f"sha256={expected}"
    sent = deliveries(api, page, "sent")
    assert {d["subscriber_id"] for d in sent if d["event"] == "incident.created"} == {
        email_sub["id"],
        hook["id"],
    }


def test_one_smtp_connection_per_batch(api, page, smtp) -> None:
    for n in range(5):
        subscribe_verified(api, page, email=f"ops{n}@acme.com")
    smtp.wait_for(5)
    before = smtp.sessions
    api.make_incident(page["id"], title="Batch")
    assert len([m for m in smtp.wait_for(10) if "Batch" in m["Subject"]]) == 5
    assert smtp.sessions - before == 1


def test_which_changes_notify(api, page, receiver) -> None:
    subscribe_verified(api, page, webhook_url=receiver.url)
    component = api.make_component(page["id"])
    incident = api.make_incident(page["id"])
    url = f"/{page['id']}/incidents/{incident['id']}"
    api.put(url, json={"title": "Renamed", "severity": "major"})  # no status, no message
    api.put(url, json={"message": "Update"})
    api.put(url, json={"status": "monitoring"})
    api.put(url, json={"status": "resolved"})
    api.put(f"/{page['id']}/components/{component['id']}", json={"name": "Renamed"})
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "major_outage"})
    events = [json.loads(r["body"]) for r in notifications(receiver)]
    assert [e["event"] for e in events] == [
        "incident.created",
        "incident.updated",
        "incident.updated",
        "incident.resolved",
        "component.status_changed",
    ]
    assert events[1]["incident"]["updates"][0]["message"] == "Update"
    assert events[4]["component_update"] == {
        "old_status": "operational",
        "new_status": "major_outage",
    }
    assert events[4]["component"]["id"] == component["id"]


def test_component_subscriptions(api, page, receiver) -> None:
    first = api.make_component(page["id"], name="First")
    second = api.make_component(page["id"], name="Second")
    sub = subscribe_verified(api, page, webhook_url=receiver.url, component_ids=[first["id"]])
    assert api.get(f"/{page['id']}/subscribers/{sub['id']}").json["component_ids"] == [first["id"]]
    api.put(f"/{page['id']}/components/{second['id']}", json={"status": "major_outage"})
    api.put(f"/{page['id']}/components/{first['id']}", json={"status": "partial_outage"})
    api.make_incident(page["id"])  # page-wide: everyone hears it
    events = [json.loads(r["body"]) for r in notifications(receiver)]
    assert [(e["event"], (e["component"] or {}).get("name")) for e in events] == [
        ("component.status_changed", "First"),
        ("incident.created", None),
    ]
    api.delete(f"/{page['id']}/components/{first['id']}")
    api.put(f"/{page['id']}/components/{second['id']}", json={"status": "operational"})
    assert len(notifications(receiver)) == 2, "a deleted component does not widen the scope"
    response = api.post(
        f"/{page['id']}/subscribers", json={"email": "x@acme.com", "component_ids": ["nope"]}
    )
    assert response.status_code == 422 and "component_ids" in response.json["error"]["fields"]


def test_smtp_down_then_back_delivers_exactly_once(api, page, app, smtp) -> None:
    subscribe_verified(api, page, email="ops@acme.com")
    smtp.wait_for(1)
    app.extensions["mail"].port = free_port()  # the mail server goes away
    api.make_incident(page["id"], title="While mail is down")
    [pending] = [d for d in deliveries(api, page, "pending") if d["event"] == "incident.created"]
    assert pending["attempts"] == 1 and pending["last_error"].startswith("SMTP")
    app.extensions["mail"].port = smtp.port  # and comes back
    with app.app_context():
        drain()  # not due yet: nothing is sent before the backoff
    assert len(smtp.messages) == 1
    later(app)
    later(app)
    received = [m for m in smtp.wait_for(2) if "While mail is down" in m["Subject"]]
    assert len(received) == 1
    [sent] = [d for d in deliveries(api, page, "sent") if d["event"] == "incident.created"]
    assert sent["attempts"] == 2 and sent["id"] == pending["id"]


def test_webhook_500_then_200(api, page, app, receiver) -> None:
    subscribe_verified(api, page, webhook_url=receiver.url)
    receiver.plan = [500]
    api.make_incident(page["id"])
    assert deliveries(api, page, "pending")[0]["last_error"] == "HTTP 500"
    later(app)
    later(app)
    posts = [
        r for r in receiver.requests if r["headers"]["X-Statuspages-Event"] == "incident.created"
    ]
    assert [p["status"] for p in posts] == [500, 204]
    ids = {p["headers"]["X-Statuspages-Delivery"] for p in posts}
    assert len(ids) == 1, "a retry carries the same delivery id"
    assert len(notifications(receiver)) == 1


def test_webhook_hanging_past_the_timeout_is_retried(api, page, app, receiver) -> None:
    subscribe_verified(api, page, webhook_url=receiver.url)
    receiver.plan = [("hang", 2)]
    api.make_incident(page["id"])
    [pending] = [d for d in deliveries(api, page, "pending")]
    assert "timed out" in pending["last_error"]
    later(app)
    receiver.wait_for(3)  # the verification, the request we gave up on, the retry
    ids = {r["headers"]["X-Statuspages-Delivery"] for r in notifications(receiver)}
    assert ids == {pending["id"]}
    assert deliveries(api, page, "sent")[0]["id"] == pending["id"]


def test_giving_up_then_retrying_by_hand(api, page, app, receiver, delivery_signals) -> None:
    app.config["STATUSPAGES_MAX_ATTEMPTS"] = 2
    subscribe_verified(api, page, webhook_url=receiver.url)
    receiver.plan = [500, 500]
    api.make_incident(page["id"])
    later(app)
    [failed] = deliveries(api, page, "failed")
    assert failed["attempts"] == 2 and failed["last_error"] == "HTTP 500"
    assert delivery_signals["notification_failed"] == [(failed["id"], "failed", "incident.created")]
    assert (
        api.post(
            f"/{page['id']}/deliveries/{deliveries(api, page, 'sent')[0]['id']}/retry"
        ).status_code
        == 409
    )
    retried = api.post(f"/{page['id']}/deliveries/{failed['id']}/retry")
    assert retried.status_code == 200 and retried.json["status"] in ("pending", "sent")
    assert [d["id"] for d in deliveries(api, page, "sent") if d["event"] == "incident.created"] == [
        failed["id"]
    ]
    assert (failed["id"], "sent", "incident.created") in delivery_signals["notification_sent"]


def test_quarantine_and_reactivation(api, page, app, receiver) -> None:
    app.config["STATUSPAGES_QUARANTINE_AFTER"] = 2
    hook = subscribe_verified(api, page, webhook_url=receiver.url)
    receiver.plan = [500, 500]
    api.make_incident(page["id"])
    later(app)
    state = api.get(f"/{page['id']}/subscribers/{hook['id']}").json
    assert state["state"] == "quarantined" and state["failure_streak"] == 2
    assert [
        s["id"] for s in api.get(f"/{page['id']}/subscribers?state=quarantined").json["data"]
    ] == [hook["id"]]
    api.make_incident(page["id"], title="While quarantined")
    later(app, minutes=600)
    assert len(notifications(receiver)) == 0, "no attempts while quarantined"
    response = api.post(f"/{page['id']}/subscribers/{hook['id']}/reactivate")
    assert response.status_code == 200 and response.json["state"] == "verified"
    assert api.post(f"/{page['id']}/subscribers/{hook['id']}/reactivate").status_code == 409
    later(app, minutes=600)  # what it was owed meanwhile goes out: nothing is lost
    api.make_incident(page["id"], title="After")
    events = [json.loads(r["body"])["incident"]["title"] for r in notifications(receiver)]
    assert sorted(events) == ["After", "Outage", "While quarantined"]
    assert api.get(f"/{page['id']}/subscribers/{hook['id']}").json["failure_streak"] == 0


def test_fan_out_resumes_without_duplicates(api, page, app, db, receiver, monkeypatch) -> None:
    monkeypatch.setattr(fanout, "BATCH_SIZE", 10)  # 25 subscribers: three batches
    for n in range(25):
        subscribe_verified(api, page, webhook_url=f"{receiver.url}?n={n}")
    api.make_incident(page["id"])
    with app.app_context():
        event = db.session.scalar(
            select(models.NotificationEvent).where(
                models.NotificationEvent.kind == "incident.created"
            )
        )
        # As if a worker had died before recording its progress: the fan-out runs again.
        event.fanout_cursor = None
        event.fanned_out_at = None
        db.session.commit()
        assert drain()
        count = db.session.scalar(
            select(func.count())
            .select_from(models.Delivery)
            .where(models.Delivery.event_id == event.id)
        )
    assert count == 25
    received = [r["headers"]["X-Statuspages-Delivery"] for r in notifications(receiver)]
    assert len(received) == len(set(received)) == 25


def test_ssrf_guard(api, page, app, receiver) -> None:
    app.config["STATUSPAGES_WEBHOOK_ALLOW_PRIVATE"] = False
    for url in (
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://192.168.0.1/",
    ):
        response = api.post(f"/{page['id']}/subscribers", json={"webhook_url": url})
        assert response.status_code == 422, url
        assert "may not reach" in response.json["error"]["fields"]["webhook_url"][0]
    assert (
        api.post(
            f"/{page['id']}/subscribers", json={"webhook_url": "http://93.184.216.34/h"}
        ).status_code
        == 201
    )
    # At delivery time too: a URL accepted while private addresses were allowed.
    app.config["STATUSPAGES_WEBHOOK_ALLOW_PRIVATE"] = True
    subscribe_verified(api, page, webhook_url=receiver.url)
    app.config["STATUSPAGES_WEBHOOK_ALLOW_PRIVATE"] = False
    before = len(receiver.requests)
    api.make_incident(page["id"])
    assert len(receiver.requests) == before
    [pending] = [d for d in deliveries(api, page, "pending") if d["event"] == "incident.created"]
    assert "may not reach" in pending["last_error"]


def test_resend_verification(api, page, smtp) -> None:
    subscriber = api.make_subscriber(page["id"], email="new@acme.com")
    response = api.post(f"/{page['id']}/subscribers/{subscriber['id']}/resend")
    assert response.status_code == 200 and response.json["verify_token"]
    assert len(smtp.wait_for(2)) == 2
    token = response.json["verify_token"]
    api.client.get(f"{PREFIX}/{page['id']}/subscribers/verify/{token}")
    assert api.post(f"/{page['id']}/subscribers/{subscriber['id']}/resend").status_code == 409


def test_one_click_unsubscribe(api, page, smtp) -> None:
    subscriber = subscribe_verified(api, page, email="ops@acme.com")
    api.make_incident(page["id"])
    email = smtp.wait_for(2)[1]
    link = email["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("http://localhost")
    confirm = api.client.get(path)
    assert confirm.status_code == 200 and b"Unsubscribe from Acme Status?" in confirm.data
    assert api.get(f"/{page['id']}/subscribers/{subscriber['id']}").status_code == 200
    done = api.client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert api.get(f"/{page['id']}/subscribers/{subscriber['id']}").status_code == 404
    again = api.client.post(path, headers={"Accept": "application/json"})
    assert again.status_code == 200, "a second click is harmless"
    assert again.json == {"message": "Already unsubscribed."}
    bad = api.client.post(f"{PREFIX}/unsubscribe/forged", headers={"Accept": "application/json"})
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_token"
    assert api.client.get(f"{PREFIX}/unsubscribe/forged").status_code == 400


def test_deliveries_list(api, page, receiver) -> None:
    subscribe_verified(api, page, webhook_url=receiver.url)
    api.make_incident(page["id"])
    listed = api.get(f"/{page['id']}/deliveries").json
    assert listed["pagination"]["total"] == 2
    assert [d["event"] for d in listed["data"]] == ["incident.created", "subscription.verify"]
    assert {d["channel"] for d in listed["data"]} == {"webhook"}
    assert api.get(f"/{page['id']}/deliveries?status=failed").json["data"] == []
    assert api.get(f"/{page['id']}/deliveries?status=lost").status_code == 422


def test_signals_for_sent_notifications(api, page, receiver, delivery_signals) -> None:
    subscribe_verified(api, page, webhook_url=receiver.url)
    api.make_incident(page["id"])
    sent = delivery_signals["notification_sent"]
    assert [(status, kind) for _, status, kind in sent] == [
        ("sent", "subscription.verify"),
        ("sent", "incident.created"),
    ]


def test_with_no_subscribers_nothing_is_sent(api, page, app, db) -> None:
    api.make_incident(page["id"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(models.Delivery)) == 0
        events = db.session.scalars(select(models.NotificationEvent)).all()
        assert [e.fanned_out_at is not None for e in events] == [True]


# ---------------------------------------------- one delivery's failure is its own


def test_line_breaks_in_titles_give_a_clean_one_line_subject(api, app, smtp) -> None:
    app.config["STATUSPAGES_MAIL_SENDER"] = ("Acme\r\nStatus\n", "status@acme.com")
    page = api.make_page(name="Acme\r\nStatus")
    component = api.make_component(page["id"], name="Data\nbase")
    subscribe_verified(api, page, email="ops@acme.com")
    api.make_incident(page["id"], title="API\r\ndown\nBcc: spy@evil.example\r\n\r\nbody")
    api.patch(f"/{page['id']}/components/{component['id']}", json={"status": "major_outage"})
    api.make_maintenance(page["id"], utcnow() - timedelta(minutes=1), title="DB\rswap\u2028now")
    messages = smtp.wait_for(4)[1:]  # after the verification
    assert [m["Subject"] for m in messages] == [
        "[Acme Status] Investigating: API down Bcc: spy@evil.example body",
        "[Acme Status] Data base is now major outage",
        "[Acme Status] Maintenance in progress: DB swap now",
    ]
    for message in messages:
        [sender] = message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == ("Acme Status", "status@acme.com")
    for raw in smtp.raw[1:]:
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert b"\r\nBcc:" not in head and b"\nbody" not in head
        [subject] = [line for line in head.split(b"\r\n") if line.startswith(b"Subject:")]
        assert not head.split(subject, 1)[1].startswith((b"\r\n ", b"\r\n\t")), "one line"
    assert all(d["status"] == "sent" for d in deliveries(api, page))


def test_a_long_title_gives_a_bounded_subject(api, page, smtp) -> None:
    subscribe_verified(api, page, email="ops@acme.com")
    api.make_incident(page["id"], title="x" * 250)
    [message] = smtp.wait_for(2)[1:]
    assert len(message["Subject"]) == 200 and message["Subject"].endswith("\u2026")


def test_a_failing_delivery_mid_batch_fails_alone_on_both_channels(
    api, page, app, db, smtp, receiver, monkeypatch
) -> None:
    """One email and one webhook that raise, among good ones in the same batch:
    every other message arrives exactly once, and each poisoned delivery ends
    failed after STATUSPAGES_MAX_ATTEMPTS with its error recorded."""
    app.config["STATUSPAGES_MAX_ATTEMPTS"] = 3
    subscribers = [
        subscribe_verified(api, page, email="one@acme.com"),
        subscribe_verified(api, page, webhook_url=f"{receiver.url}?n=1"),
        poisoned_email := subscribe_verified(api, page, email="three@acme.com"),
        poisoned_hook := subscribe_verified(api, page, webhook_url=f"{receiver.url}?n=4"),
        subscribe_verified(api, page, email="five@acme.com"),
        subscribe_verified(api, page, webhook_url=f"{receiver.url}?n=6"),
    ]
    with app.app_context():  # stored data the API would refuse: Flask-Mail raises on it
        db.session.execute(
            update(models.Subscriber)
            .where(models.Subscriber.id == poisoned_email["id"])
            .values(email="three@acme.com\r\nBcc: spy@evil.example")
        )
        db.session.commit()
    signature = webhook.signature

    def faulty_signature(secret, timestamp, body):
        if secret == poisoned_hook["secret"]:
            raise RuntimeError("a fault\x00in this delivery\ud800")  # text no column takes
        return signature(secret, timestamp, body)

    monkeypatch.setattr(webhook, "signature", faulty_signature)
    smtp.wait_for(3)
    api.make_incident(page["id"], title="Poison")
    for hours in (1, 2, 4, 8, 16):  # every retry comes due, and every lease runs out
        later(app, minutes=60 * hours)

    good = {s["id"] for s in subscribers} - {poisoned_email["id"], poisoned_hook["id"]}
    incident = [d for d in deliveries(api, page) if d["event"] == "incident.created"]
    assert {d["subscriber_id"] for d in incident if d["status"] == "sent"} == good
    assert all(d["attempts"] == 1 for d in incident if d["status"] == "sent")
    poisoned = {d["subscriber_id"]: d for d in incident if d["status"] != "sent"}
    assert set(poisoned) == {poisoned_email["id"], poisoned_hook["id"]}
    assert poisoned[poisoned_email["id"]]["status"] == "failed"
    assert poisoned[poisoned_email["id"]]["attempts"] == 3
    assert poisoned[poisoned_email["id"]]["last_error"] == "BadHeaderError"
    assert poisoned[poisoned_hook["id"]]["status"] == "failed"
    assert poisoned[poisoned_hook["id"]]["attempts"] == 3
    error = poisoned[poisoned_hook["id"]]["last_error"]
    assert error == "RuntimeError: a fault\ufffdin this delivery?"

    emails = [m["To"] for m in smtp.messages if m["Subject"].endswith("Poison")]
    assert sorted(emails) == ["five@acme.com", "one@acme.com"]
    hooks = [r["headers"]["X-Statuspages-Delivery"] for r in notifications(receiver)]
    assert len(hooks) == len(set(hooks)) == 2


def test_a_delivery_whose_last_attempt_left_no_outcome_ends_failed(
    api, page, app, receiver, delivery_signals
) -> None:
    """A worker that dies mid-send records nothing; the lease runs out, and a
    delivery that used every attempt is failed, not claimed once more."""
    app.config["STATUSPAGES_MAX_ATTEMPTS"] = 2
    subscribe_verified(api, page, webhook_url=receiver.url)
    receiver.plan = [500]
    api.make_incident(page["id"])
    with app.app_context():
        [job] = delivery.claim(utcnow() + timedelta(minutes=5))  # attempt 2, then it "dies"
    assert job.attempts == 2
    later(app, minutes=60)
    [failed] = deliveries(api, page, "failed")
    assert failed["attempts"] == 2
    assert failed["last_error"] == "HTTP 500", "the last error known is kept"
    assert len(notifications(receiver)) == 0
    assert delivery_signals["notification_failed"] == [(failed["id"], "failed", "incident.created")]
