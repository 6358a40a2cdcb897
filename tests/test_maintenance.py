"""Scheduled maintenance: announced, started and completed on time, with its components."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from flask_statuspages import models, rules
from flask_statuspages.models import utcnow
from flask_statuspages.notify.worker import drain, next_due

from .conftest import iso
from .test_notify import subscribe_verified

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(hours=2)


def test_automatic_windows_move_at_their_times() -> None:
    due = rules.maintenance_status_due
    assert due("scheduled", T0, T1, T0 - timedelta(seconds=1)) is None
    assert due("scheduled", T0, T1, T0) == "in_progress"
    assert due("scheduled", T0, T1, T1) == "completed"  # missed the whole window
    assert due("in_progress", T0, T1, T1 - timedelta(seconds=1)) is None
    assert due("verifying", T0, T1, T1) == "completed"
    assert due("completed", T0, T1, T1 + timedelta(days=1)) is None


def test_components_go_under_maintenance_and_come_back() -> None:
    status = rules.maintenance_component_status
    assert status("operational", "in_progress") == "under_maintenance"
    assert status("major_outage", "in_progress") is None  # trouble is not hidden
    assert status("under_maintenance", "completed") == "operational"
    assert status("degraded_performance", "completed") is None
    assert status("operational", "scheduled") is None


@pytest.fixture
def app_config(smtp: Any) -> dict[str, Any]:
    return {"MAIL_PORT": smtp.port, "STATUSPAGES_WEBHOOK_ALLOW_PRIVATE": True}


@pytest.fixture
def scene(api: Any) -> dict[str, Any]:
    page = api.make_page(name="Acme Status")
    database = api.make_component(page["id"], name="Database")
    other = api.make_component(page["id"], name="Website")
    return {"page": page, "database": database, "other": other}


def _window(api: Any, scene: dict[str, Any], start: datetime, end: datetime, **extra: Any) -> Any:
    body = {
        "title": "Database upgrade",
        "message": "We upgrade **PostgreSQL**.",
        "scheduled_for": iso(start),
        "scheduled_until": iso(end),
        "component_ids": [scene["database"]["id"]],
        **extra,
    }
    return api.post(f"/{scene['page']['id']}/maintenances", json=body)


def _hooks(receiver: Any) -> list[dict[str, Any]]:
    return [
        json.loads(r["body"])
        for r in receiver.accepted()
        if r["headers"]["X-Statuspages-Event"].startswith("maintenance.")
    ]


def test_a_window_is_announced_started_and_completed(app, api, scene, receiver, smtp) -> None:
    page_id, slug = scene["page"]["id"], scene["page"]["slug"]
    subscribe_verified(api, scene["page"], webhook_url=receiver.url)
    subscribe_verified(api, scene["page"], email="ops@acme.com")
    start = utcnow() + timedelta(hours=1)
    created = _window(api, scene, start, start + timedelta(hours=2))
    assert created.status_code == 201, created.json
    window = created.json
    assert created.headers["Location"].endswith(f"/{page_id}/maintenances/{window['id']}")
    assert window["status"] == "scheduled" and window["auto_transition"] is True
    assert window["updates"][0]["status"] == "scheduled"
    public = api.get(f"/public/{slug}").json
    assert [m["id"] for m in public["upcoming_maintenances"]] == [window["id"]]
    assert public["active_maintenances"] == []
    with app.app_context():
        assert next_due() == start.replace(microsecond=0)

    with app.app_context():  # an hour later, the worker starts it
        drain(now=start + timedelta(seconds=1))
    started = api.get(f"/{page_id}/maintenances/{window['id']}").json
    assert started["status"] == "in_progress" and started["started_at"]
    public = api.get(f"/public/{slug}").json
    assert [m["id"] for m in public["active_maintenances"]] == [window["id"]]
    statuses = {c["name"]: c["status"] for c in public["components"]}
    assert statuses == {"Database": "under_maintenance", "Website": "operational"}
    assert public["overall_status"] == "under_maintenance"

    with app.app_context():  # and completes it at the end
        drain(now=start + timedelta(hours=2, seconds=1))
    done = api.get(f"/{page_id}/maintenances/{window['id']}").json
    assert done["status"] == "completed" and done["completed_at"]
    assert [u["status"] for u in done["updates"]] == ["completed", "in_progress", "scheduled"]
    public = api.get(f"/public/{slug}").json
    assert all(c["status"] == "operational" for c in public["components"])
    assert public["active_maintenances"] == public["upcoming_maintenances"] == []

    receiver.wait_for(4)  # the verification event, then the three windows' events
    assert [h["event"] for h in _hooks(receiver)] == [
        "maintenance.scheduled",
        "maintenance.started",
        "maintenance.completed",
    ]
    assert _hooks(receiver)[0]["maintenance"]["title"] == "Database upgrade"
    subjects = [m["Subject"] for m in smtp.wait_for(4)]
    assert "[Acme Status] Scheduled maintenance: Database upgrade" in subjects
    assert "[Acme Status] Maintenance completed: Database upgrade" in subjects
    uptime = api.get(f"/public/{slug}/components/{scene['database']['id']}/uptime?days=1").json
    assert uptime["history"][-1]["status"] in ("operational", "under_maintenance")


def test_a_window_whose_start_has_passed_starts_at_once(api, scene) -> None:
    now = utcnow()
    window = _window(api, scene, now - timedelta(minutes=5), now + timedelta(hours=1)).json
    assert window["status"] == "in_progress"
    components = api.get(f"/{scene['page']['id']}/components").json["data"]
    assert {c["name"]: c["status"] for c in components}["Database"] == "under_maintenance"


def test_windows_can_be_moved_by_hand(api, scene) -> None:
    page_id = scene["page"]["id"]
    start = utcnow() + timedelta(days=1)
    window = _window(api, scene, start, start + timedelta(hours=1), auto_transition=False).json
    path = f"/{page_id}/maintenances/{window['id']}"
    assert api.patch(path, json={"status": "in_progress"}).json["started_at"]
    verifying = api.patch(path, json={"status": "verifying", "message": "Checking."}).json
    assert verifying["updates"][0] == {**verifying["updates"][0], "message": "Checking."}
    assert api.patch(path, json={"status": "completed"}).json["completed_at"]
    listed = api.get(f"/{page_id}/maintenances?status=completed").json
    assert [m["id"] for m in listed["data"]] == [window["id"]]


def test_a_component_in_trouble_keeps_its_status(api, scene) -> None:
    page_id, database = scene["page"]["id"], scene["database"]["id"]
    api.put(f"/{page_id}/components/{database}", json={"status": "major_outage"})
    now = utcnow()
    _window(api, scene, now - timedelta(minutes=1), now + timedelta(hours=1))
    assert api.get(f"/{page_id}/components/{database}").json["status"] == "major_outage"


def test_bad_windows_are_refused_and_write_nothing(api, scene) -> None:
    page_id = scene["page"]["id"]
    start = utcnow() + timedelta(hours=1)
    backwards = _window(api, scene, start, start - timedelta(minutes=1))
    assert backwards.status_code == 422
    assert backwards.json["error"]["fields"] == {
        "scheduled_until": ["Must be after scheduled_for."]
    }
    foreign = api.make_component(api.make_page(name="Other")["id"])
    unknown = _window(api, scene, start, start + timedelta(hours=1), component_ids=[foreign["id"]])
    assert unknown.status_code == 422 and "component_ids" in unknown.json["error"]["fields"]
    missing = api.post(f"/{page_id}/maintenances", json={"status": "soon"})
    assert set(missing.json["error"]["fields"]) == {
        "title",
        "scheduled_for",
        "scheduled_until",
        "status",
    }
    assert api.get(f"/{page_id}/maintenances").json["pagination"]["total"] == 0
    window = _window(api, scene, start, start + timedelta(hours=1)).json
    moved = api.patch(
        f"/{page_id}/maintenances/{window['id']}", json={"scheduled_until": iso(start)}
    )
    assert moved.status_code == 422
    assert (
        api.get(f"/{page_id}/maintenances/{window['id']}")
        .json["scheduled_until"]
        .startswith(iso(start + timedelta(hours=1))[:16])
    )


def test_cancelling_an_open_window_gives_its_components_back(api, scene, recorded_signals) -> None:
    page_id = scene["page"]["id"]
    now = utcnow()
    window = _window(api, scene, now - timedelta(minutes=1), now + timedelta(hours=1)).json
    assert api.delete(f"/{page_id}/maintenances/{window['id']}").status_code == 204
    assert api.get(f"/{page_id}/maintenances/{window['id']}").status_code == 404
    database = api.get(f"/{page_id}/components/{scene['database']['id']}").json
    assert database["status"] == "operational"
    names = [name for name, _ in recorded_signals]
    assert names.index("maintenance_created") < names.index("maintenance_started")
    assert "maintenance_deleted" in names
    assert names.count("component_status_changed") == 2


def test_maintenance_is_pushed_live_and_deleted_with_its_page(app, api, scene) -> None:
    page_id = scene["page"]["id"]
    start = utcnow() + timedelta(hours=1)
    _window(api, scene, start, start + timedelta(hours=1))
    broker = app.extensions["statuspages"].broker
    with app.app_context():
        names = [e.name for e in broker._backlog[page_id]]
    assert "maintenance.created" in names
    assert api.delete(f"/{page_id}").status_code == 204
    assert api.get(f"/{page_id}/maintenances").status_code == 404
    with app.app_context():
        session = app.extensions["statuspages"].db.session
        assert session.query(models.Maintenance).count() == 0
        assert session.query(models.MaintenanceUpdate).count() == 0


def test_a_window_that_fails_to_move_holds_up_nothing(
    app, api, scene, receiver, monkeypatch, caplog
) -> None:
    """One window whose transition raises: the windows after it still move, the drain
    still sends what is due, and the failing window leaves the automatic schedule."""
    from flask_statuspages.domain import maintenances

    subscribe_verified(api, scene["page"], webhook_url=receiver.url)
    start = utcnow() + timedelta(hours=1)
    poison = _window(api, scene, start, start + timedelta(hours=2), title="Poison").json
    later = start + timedelta(minutes=5)
    healthy = _window(api, scene, later, later + timedelta(hours=2), title="Healthy").json
    moved = maintenances._moved

    def faulty(maintenance: Any, old_status: Any, now: Any) -> Any:
        if maintenance.title == "Poison":
            raise RuntimeError("injected fault")
        return moved(maintenance, old_status, now)

    monkeypatch.setattr(maintenances, "_moved", faulty)
    with app.app_context():
        assert drain(now=later + timedelta(seconds=1)) is True
        assert next_due() is not None and next_due() > later  # nothing left due at once
    page_id = scene["page"]["id"]
    assert api.get(f"/{page_id}/maintenances/{healthy['id']}").json["status"] == "in_progress"
    stuck = api.get(f"/{page_id}/maintenances/{poison['id']}").json
    assert stuck["status"] == "scheduled" and stuck["auto_transition"] is False
    receiver.wait_for(4)  # verification, two windows scheduled, the healthy one started
    assert [(h["event"], h["maintenance"]["title"]) for h in _hooks(receiver)] == [
        ("maintenance.scheduled", "Poison"),
        ("maintenance.scheduled", "Healthy"),
        ("maintenance.started", "Healthy"),
    ]
    assert any("could not move" in r.getMessage() for r in caplog.records)
