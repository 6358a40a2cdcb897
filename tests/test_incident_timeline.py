"""The timeline of an incident as a resource: list, post (message only, backdated, silent),
correct and delete its updates; backfilled incidents; list filters and take/skip."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from flask_statuspages import models
from flask_statuspages.models import utcnow

from .conftest import PREFIX, iso
from .test_events import _later, _open_stream, named, parse_events


@pytest.fixture
def page(api):
    return api.make_page(name="Acme Status")


@pytest.fixture
def incident(api, page):
    return api.make_incident(page["id"], title="API down", message="Looking")


def stamp(moment) -> str:
    """How the API writes back an instant given as :func:`iso`."""
    return iso(moment).replace("Z", ".000Z")


def updates_url(page, incident) -> str:
    return f"/{page['id']}/incidents/{incident['id']}/updates"


def event_count(app, db) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(models.NotificationEvent))


def row_counts(app, db) -> dict[str, int]:
    with app.app_context():
        return {
            m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (models.Incident, models.IncidentUpdate, models.NotificationEvent)
        }


def test_post_a_message_only_update_then_a_status(api, app, db, page, incident) -> None:
    url = updates_url(page, incident)
    first = api.post(url, json={"message": "Still looking", "status": "UPDATE"})
    assert first.status_code == 201, first.json
    assert first.headers["Location"] == f"{PREFIX}{url}/{first.json['id']}"
    assert (first.json["status"], first.json["message"]) == (None, "Still looking")
    assert first.json["edited_at"] is None
    second = api.post(url, json={"message": "Found it", "status": "identified"}).json
    assert second["status"] == "identified"
    assert api.get(f"/{page['id']}/incidents/{incident['id']}").json["status"] == "identified"
    listed = api.get(url).json
    assert [u["message"] for u in listed["data"]] == ["Found it", "Still looking", "Looking"]
    assert listed["pagination"] == {"page": 1, "per_page": 20, "total": 3, "pages": 1}
    assert api.get(f"{url}?per_page=1&page=2").json["data"][0]["message"] == "Still looking"
    assert api.get(f"{url}/{second['id']}").json == second
    with app.app_context():
        kinds = db.session.scalars(
            select(models.NotificationEvent.kind).order_by(models.NotificationEvent.created_at)
        ).all()
    assert kinds == ["incident.created", "incident.updated", "incident.updated"]


def test_resolving_through_an_update_sets_resolved_at(api, page, incident) -> None:
    api.post(updates_url(page, incident), json={"status": "resolved", "message": "Fixed"})
    body = api.get(f"/{page['id']}/incidents/{incident['id']}").json
    assert body["status"] == "resolved" and body["resolved_at"] is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "message"),
        ({"message": "x", "status": "fixed"}, "status"),
        ({"message": "x", "created_at": "2999-01-01T00:00:00Z"}, "created_at"),
        ({"message": "x", "created_at": "2001-01-01T00:00:00Z"}, "created_at"),
        ({"message": "x", "components": {"0" * 32: "major_outage"}}, "components." + "0" * 32),
        ({"message": "x", "notify": 0}, "notify"),
        ({"message": "x", "title": "no such field"}, "title"),
    ],
)
def test_a_bad_update_is_422_and_writes_nothing(api, app, db, page, incident, body, field):
    before = row_counts(app, db)
    response = api.post(updates_url(page, incident), json=body)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert row_counts(app, db) == before


def test_a_backdated_silent_update(api, app, db, page) -> None:
    started = utcnow() - timedelta(hours=5)
    incident = api.make_incident(page["id"], started_at=iso(started), notify=False)
    assert incident["started_at"] == stamp(started)
    assert incident["updates"][0]["created_at"] == stamp(started)
    before = event_count(app, db)
    at = started + timedelta(hours=1)
    posted = api.post(
        updates_url(page, incident),
        json={"message": "We knew by then", "created_at": iso(at), "notify": False},
    ).json
    assert posted["created_at"] == stamp(at)
    assert event_count(app, db) == before == 0
    timeline = api.get(f"/{page['id']}/incidents/{incident['id']}").json["updates"]
    assert [u["message"] for u in timeline] == ["We knew by then", None]


def test_a_write_up_after_the_fact(api, app, db, page) -> None:
    component = api.make_component(page["id"], name="API")
    started, resolved = utcnow() - timedelta(days=3), utcnow() - timedelta(days=3, hours=-2)
    body = {
        "title": "Tuesday's outage",
        "status": "resolved",
        "started_at": iso(started),
        "resolved_at": iso(resolved),
        "components": {component["id"]: "major_outage"},
        "message": "What happened",
        "notify": False,
    }
    incident = api.post(f"/{page['id']}/incidents", json=body).json
    assert (incident["started_at"], incident["resolved_at"]) == (stamp(started), stamp(resolved))
    assert incident["updates"][0]["created_at"] == stamp(resolved)
    # History: the components are recorded as affected, but the present is left alone.
    assert incident["affected_components"][0]["status"] == "major_outage"
    assert api.get(f"/{page['id']}/components").json["data"][0]["status"] == "operational"
    assert event_count(app, db) == 0
    history = api.get(f"/public/{page['slug']}/history?months=1").json["months"][0]
    assert [i["title"] for i in history["incidents"]] == (
        ["Tuesday's outage"] if started.month == utcnow().month else []
    )
    late = dict(body, resolved_at=iso(started - timedelta(hours=1)))
    assert api.post(f"/{page['id']}/incidents", json=late).status_code == 422
    open_one = dict(body, status="investigating")
    refused = api.post(f"/{page['id']}/incidents", json=open_one)
    assert list(refused.json["error"]["fields"]) == ["resolved_at"]


def test_a_correction_does_not_notify_but_refreshes_the_page(api, app, db, page, incident):
    url = f"{updates_url(page, incident)}/{incident['updates'][0]['id']}"
    public_before = api.get(f"/public/{page['slug']}")
    before = event_count(app, db)
    edited = api.patch(url, json={"message": "Looking into it"})
    assert edited.status_code == 200, edited.json
    assert edited.json["message"] == "Looking into it"
    assert edited.json["edited_at"] is not None
    assert event_count(app, db) == before
    public_after = api.get(f"/public/{page['slug']}")
    assert public_after.headers["ETag"] != public_before.headers["ETag"]
    [active] = public_after.json["active_incidents"]
    assert active["updates"][0]["message"] == "Looking into it"
    assert active["updates"][0]["edited_at"] == edited.json["edited_at"]
    site = api.client.get(f"/status/{page['slug']}/incidents/{incident['id']}")
    assert "Looking into it" in site.get_data(as_text=True)
    assert api.patch(url, json={}).status_code == 422
    too_early = api.patch(url, json={"created_at": "2001-01-01T00:00:00Z"})
    assert too_early.status_code == 422


def test_a_correction_reaches_the_live_stream(app, api, page, incident) -> None:
    url = f"{updates_url(page, incident)}/{incident['updates'][0]['id']}"
    response = _open_stream(app, page["slug"])
    writer = api.as_owner("acme")
    writing = _later(0.3, lambda: writer.patch(url, json={"message": "Typo fixed"}))
    messages = named(parse_events(response.response, 3))
    response.close()
    writing.join(10)
    assert messages[0]["event"] == "state"
    assert messages[0]["data"]["active_incidents"][0]["updates"][0]["message"] == "Looking"
    change = next(m for m in messages[1:] if m["event"] == "incident.updated")
    assert change["data"]["incident"]["id"] == incident["id"]


def test_delete_an_update_but_never_the_last(api, app, db, page, incident) -> None:
    url = updates_url(page, incident)
    only = incident["updates"][0]["id"]
    refused = api.delete(f"{url}/{only}")
    assert refused.status_code == 409
    extra = api.post(url, json={"message": "Wrong page"}).json
    before = event_count(app, db)
    assert api.delete(f"{url}/{extra['id']}").status_code == 204
    assert event_count(app, db) == before
    assert [u["id"] for u in api.get(url).json["data"]] == [only]
    assert api.get(f"{url}/{extra['id']}").status_code == 404
    public = api.get(f"/public/{page['slug']}").json
    assert [u["id"] for u in public["active_incidents"][0]["updates"]] == [only]


def test_an_update_of_another_incident_is_404(api, page, incident) -> None:
    other = api.make_incident(page["id"], title="Other")
    foreign = other["updates"][0]["id"]
    assert api.get(f"{updates_url(page, incident)}/{foreign}").status_code == 404
    assert api.delete(f"{updates_url(page, incident)}/{foreign}").status_code == 404


# ------------------------------------------------------------ list filters


def _titles(api, page, query: str) -> list[str]:
    return [i["title"] for i in api.get(f"/{page['id']}/incidents?{query}").json["data"]]


def test_status_open_and_resolved_filters(api, page) -> None:
    for title, status in (("a", "investigating"), ("b", "resolved"), ("c", "monitoring")):
        api.make_incident(page["id"], title=title, status=status)
    assert sorted(_titles(api, page, "status=open")) == ["a", "c"]
    assert _titles(api, page, "status=resolved") == ["b"]
    assert _titles(api, page, "status=monitoring") == ["c"]
    assert api.get(f"/{page['id']}/incidents?status=closed").status_code == 422


def test_take_and_skip_are_a_true_offset(api, page) -> None:
    made: list[Any] = [api.make_incident(page["id"], title=f"i{n}") for n in range(7)]
    newest_first = [i["title"] for i in reversed(made)]
    body = api.get(f"/{page['id']}/incidents?take=2&skip=3").json
    assert [i["title"] for i in body["data"]] == newest_first[3:5]
    assert body["pagination"] == {"page": 2, "per_page": 2, "total": 7, "pages": 4, "skip": 3}
    assert _titles(api, page, "take=3") == newest_first[:3]
    assert _titles(api, page, "skip=6") == newest_first[6:]
    assert api.get(f"/{page['id']}/incidents?take=0").status_code == 422
    assert api.get(f"/{page['id']}/incidents?skip=-1").status_code == 422
