"""Postmortems: a draft only its owner sees, then published on the page, its JSON, the
feeds and v2; subscribers hear of it (real SMTP, real webhook) only when asked."""

from __future__ import annotations

import json
from typing import Any

import feedparser
import pytest
from sqlalchemy import select, update

from flask_statuspages import models

from .conftest import PREFIX, count_queries
from .test_public import _bulk_fill

DRAFT = "We are still **investigating** the draft cause."
FINAL = """## What happened

A failed disk on the **primary** database.

<script>alert(1)</script> [click](javascript:alert(1))"""


@pytest.fixture
def app_config(smtp) -> dict[str, Any]:
    return {"MAIL_PORT": smtp.port, "STATUSPAGES_WEBHOOK_ALLOW_PRIVATE": True}


@pytest.fixture
def page(api) -> dict[str, Any]:
    return api.make_page(name="Acme Status")


@pytest.fixture
def incident(api, page) -> dict[str, Any]:
    return api.make_incident(page["id"], title="Database down", status="resolved")


def url(page: dict[str, Any], incident: dict[str, Any], action: str = "") -> str:
    return f"/{page['id']}/incidents/{incident['id']}/postmortem{action}"


def write(api, page, incident, body: str = FINAL) -> dict[str, Any]:
    response = api.put(url(page, incident), json={"body": body})
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def publish(api, page, incident, notify: bool = False) -> dict[str, Any]:
    response = api.post(url(page, incident, "/publish"), json={"notify": notify})
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


# ------------------------------------------------------------- the draft


def test_write_read_replace_delete(api, page, incident) -> None:
    assert api.get(url(page, incident)).status_code == 404
    draft = write(api, page, incident, DRAFT)
    assert draft["state"] == "draft" and draft["published_at"] is None
    assert draft["incident_id"] == incident["id"] and draft["body"] == DRAFT
    assert "<strong>investigating</strong>" in draft["body_html"]
    assert draft["updated_at"].endswith("Z")
    assert api.get(url(page, incident)).json == draft

    admin = api.get(f"/{page['id']}/incidents/{incident['id']}").json
    assert admin["postmortem"] == draft, "the owner sees the draft on the incident"

    replaced = write(api, page, incident, FINAL)
    assert replaced["body"] == FINAL and replaced["state"] == "draft"
    assert "<script>" not in replaced["body_html"] and "&lt;script&gt;" in replaced["body_html"]
    assert 'href="javascript:' not in replaced["body_html"]

    assert api.delete(url(page, incident)).status_code == 204
    assert api.get(url(page, incident)).status_code == 404
    assert api.delete(url(page, incident)).status_code == 404
    assert api.get(f"/{page['id']}/incidents/{incident['id']}").json["postmortem"] is None


@pytest.mark.parametrize(
    "body", [{}, {"body": 5}, {"body": None}, {"body": "x", "state": "published"}]
)
def test_bad_body_is_422_and_writes_nothing(api, page, incident, body) -> None:
    response = api.put(url(page, incident), json=body)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) <= {"body", "state"}
    assert api.get(url(page, incident)).status_code == 404


def test_publish_with_a_bad_notify_is_422(api, page, incident) -> None:
    write(api, page, incident)
    response = api.post(url(page, incident, "/publish"), json={"notify": "yes"})
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["notify"]
    assert api.get(url(page, incident)).json["state"] == "draft"


def test_unknown_incident_is_404(api, page) -> None:
    missing = {"id": "0" * 32}
    assert api.put(url(page, missing), json={"body": "x"}).status_code == 404
    assert api.post(url(page, missing, "/publish"), json={}).status_code == 404


# ------------------------------------------------------------ publishing


def test_publish_rules(api, page) -> None:
    open_incident = api.make_incident(page["id"], title="Still open")
    write(api, page, open_incident)
    response = api.post(url(page, open_incident, "/publish"), json={})
    assert response.status_code == 409
    assert "resolved" in response.json["error"]["message"]

    done = api.make_incident(page["id"], title="Done", status="resolved")
    assert api.post(url(page, done, "/publish"), json={}).status_code == 404  # none written
    write(api, page, done, "   ")
    assert api.get(url(page, done)).json["body"] == "", "trimmed"
    assert api.post(url(page, done, "/publish"), json={}).status_code == 409  # empty
    assert api.post(url(page, done, "/unpublish")).status_code == 409  # not published

    write(api, page, done, FINAL)
    published = publish(api, page, done)
    assert published["state"] == "published" and published["published_at"].endswith("Z")
    assert api.post(url(page, done, "/publish"), json={}).status_code == 409  # already
    emptied = api.put(url(page, done), json={"body": ""})
    assert emptied.status_code == 409
    assert api.get(url(page, done)).json == published, "nothing written"

    edited = write(api, page, done, FINAL + "\n\nMore.")
    assert edited["state"] == "published", "an edit keeps it published"
    assert edited["published_at"] == published["published_at"]

    back = api.post(url(page, done, "/unpublish"))
    assert back.status_code == 200 and back.json["state"] == "draft"
    assert back.json["published_at"] is None and back.json["body"] == edited["body"]


def test_signals(api, page, incident, recorded_signals) -> None:
    write(api, page, incident, DRAFT)
    assert [name for name, _ in recorded_signals] == [], "a draft is nobody's business"
    publish(api, page, incident, notify=True)
    names = [name for name, _ in recorded_signals]
    assert names == ["incident_updated", "postmortem_published"]
    payload = recorded_signals[-1][1]
    assert payload["notify"] is True and payload["incident"].id == incident["id"]


# ------------------------------------------------------- what visitors see


def public_incident(api, page, incident) -> dict[str, Any]:
    body = api.as_owner(None).get(f"/public/{page['slug']}").json
    [found] = [i for i in body["recent_incidents"] if i["id"] == incident["id"]]
    return found  # type: ignore[no-any-return]


def incident_page(api, page, incident) -> str:
    response = api.client.get(f"/status/{page['slug']}/incidents/{incident['id']}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def feed_entry(api, page, incident, kind: str) -> Any:
    response = api.client.get(f"{PREFIX}/public/{page['slug']}/feed.{kind}")
    assert response.status_code == 200
    parsed = feedparser.parse(response.data, sanitize_html=False)
    [entry] = [e for e in parsed.entries if e.link.endswith(incident["id"])]
    return entry


def v2_incident(api, page, incident) -> dict[str, Any]:
    path = f"/public/{page['slug']}/api/v2/incidents.json"
    [found] = [i for i in api.as_owner(None).get(path).json["incidents"]]
    assert found["id"] == incident["id"]
    return found  # type: ignore[no-any-return]


def entry_html(entry: Any, kind: str) -> str:
    return str(entry.content[0].value if kind == "atom" else entry.description)


def test_visitors_never_see_a_draft(api, page, incident) -> None:
    before = public_incident(api, page, incident)
    write(api, page, incident, DRAFT)
    assert public_incident(api, page, incident) == before, "not even a new updated_at"
    assert api.delete(url(page, incident)).status_code == 204
    assert public_incident(api, page, incident) == before
    write(api, page, incident, DRAFT)
    assert public_incident(api, page, incident)["postmortem"] is None
    assert "draft cause" not in incident_page(api, page, incident)
    assert "Postmortem" not in incident_page(api, page, incident)
    for kind in ("rss", "atom"):
        assert "draft cause" not in entry_html(feed_entry(api, page, incident, kind), kind)
    found = v2_incident(api, page, incident)
    assert found["postmortem_body"] is None and found["postmortem_published_at"] is None


def test_a_published_postmortem_is_shown_everywhere(api, page, incident) -> None:
    write(api, page, incident, FINAL)
    published = publish(api, page, incident)

    public = public_incident(api, page, incident)["postmortem"]
    assert public == {"body": FINAL, "published_at": published["published_at"]}

    html = incident_page(api, page, incident)
    assert '<h2 id="postmortem-title">Postmortem</h2>' in html
    assert "A failed disk on the <strong>primary</strong> database." in html
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html

    for kind in ("rss", "atom"):
        body = entry_html(feed_entry(api, page, incident, kind), kind)
        assert "<h3>Postmortem" in body
        assert "<strong>primary</strong>" in body and "<script>" not in body

    found = v2_incident(api, page, incident)
    assert found["postmortem_body"] == FINAL
    assert found["postmortem_published_at"] == published["published_at"]

    write(api, page, incident, "Rewritten: the disk was **replaced**.")
    assert "<strong>replaced</strong>" in incident_page(api, page, incident), "edit shows"
    api.post(url(page, incident, "/unpublish"))
    assert public_incident(api, page, incident)["postmortem"] is None
    assert "replaced" not in incident_page(api, page, incident)
    assert v2_incident(api, page, incident)["postmortem_body"] is None


def test_postmortems_cost_no_query(api, app, db) -> None:
    plain = api.make_page(name="Plain")
    written = api.make_page(name="Written")
    with app.app_context():
        _bulk_fill(db, plain["id"], components=3, incidents=30)
        _bulk_fill(db, written["id"], components=3, incidents=30)
        db.session.execute(
            update(models.Incident)
            .where(models.Incident.page_id == written["id"])
            .values(postmortem=FINAL, postmortem_published_at=models.utcnow())
        )
        db.session.commit()
    with app.app_context(), count_queries(db) as plain_queries:
        api.get(f"/public/{plain['slug']}")
    with app.app_context(), count_queries(db) as written_queries:
        body = api.get(f"/public/{written['slug']}").json
    assert all(i["postmortem"]["body"] == FINAL for i in body["recent_incidents"])
    assert len(plain_queries) == len(written_queries)


# --------------------------------------------------------------- notifying


def subscribe_verified(api, page, **body) -> dict[str, Any]:
    subscriber = api.make_subscriber(page["id"], **body)
    token = subscriber["verify_token"]
    assert api.client.get(f"{PREFIX}/{page['id']}/subscribers/verify/{token}").status_code == 200
    return subscriber


def postmortem_events(app, db) -> list[models.NotificationEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(models.NotificationEvent).where(
                    models.NotificationEvent.kind == "incident.postmortem_published"
                )
            )
        )


def test_subscribers_hear_only_when_asked(api, app, db, page, smtp, receiver) -> None:
    component = api.make_component(page["id"], name="Database")
    subscribe_verified(api, page, email="ops@acme.com")
    subscribe_verified(api, page, email="db@acme.com", component_ids=[component["id"]])
    subscribe_verified(api, page, webhook_url=receiver.url)
    smtp.wait_for(2)  # the verification emails
    receiver.wait_for(1)
    incident = api.make_incident(page["id"], title="Database down", status="resolved")
    smtp.wait_for(4)
    receiver.wait_for(2)
    write(api, page, incident, FINAL)

    publish(api, page, incident, notify=False)
    assert postmortem_events(app, db) == []
    api.post(url(page, incident, "/unpublish"))
    publish(api, page, incident, notify=True)
    [event] = postmortem_events(app, db)
    assert event.component_ids == [], "an incident naming no component reaches everyone"

    mails = [m for m in smtp.wait_for(6) if "Postmortem" in m["Subject"]]
    assert sorted(m["To"] for m in mails) == ["db@acme.com", "ops@acme.com"]
    mail = mails[0]
    assert mail["Subject"] == "[Acme Status] Postmortem: Database down"
    text = mail.get_body(("plain",)).get_content()
    assert "A failed disk on the **primary** database." in text
    html = mail.get_body(("html",)).get_content()
    assert "<strong>primary</strong>" in html and "<script>alert" not in html

    hooks = [
        json.loads(r["body"])
        for r in receiver.wait_for(3)
        if r["headers"]["X-Statuspages-Event"] == "incident.postmortem_published"
    ]
    assert len(hooks) == 1
    assert hooks[0]["incident"]["id"] == incident["id"]
    assert hooks[0]["incident"]["postmortem"]["body"] == FINAL
