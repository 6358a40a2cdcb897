"""Signals: sent after commit, the app as sender, the objects as keyword arguments."""

from __future__ import annotations

from sqlalchemy import text

from flask_statuspages import signals

from .conftest import PREFIX


def test_page_component_incident_subscriber_lifecycle(api, recorded_signals) -> None:
    page = api.make_page()
    component = api.make_component(page["id"])
    base = f"/{page['id']}"
    api.put(f"{base}/components/{component['id']}", json={"status": "partial_outage"})
    api.put(f"{base}/components/{component['id']}", json={"name": "Renamed"})
    incident = api.make_incident(page["id"])
    api.put(f"{base}/incidents/{incident['id']}", json={"status": "resolved"})
    subscriber = api.make_subscriber(page["id"])
    verify = f"{PREFIX}{base}/subscribers/verify/{subscriber['verify_token']}"
    api.client.get(verify)
    api.client.get(verify)  # verified once: one signal
    api.put(base, json={"description": "x"})
    api.delete(f"{base}/subscribers/{subscriber['id']}")
    api.delete(f"{base}/incidents/{incident['id']}")
    api.delete(f"{base}/components/{component['id']}")
    api.delete(base)
    names = [name for name, _ in recorded_signals]
    assert names == [
        "page_created",
        "component_created",
        "component_updated",
        "component_status_changed",
        "component_updated",
        "incident_created",
        "incident_updated",
        "incident_resolved",
        "subscriber_created",
        "subscriber_verified",
        "page_updated",
        "subscriber_deleted",
        "incident_deleted",
        "component_deleted",
        "page_deleted",
    ]
    payloads = dict(recorded_signals[:4])
    assert payloads["page_created"]["page"].id == page["id"]
    changed = recorded_signals[3][1]
    assert changed["component"].id == component["id"]
    assert (changed["old_status"], changed["new_status"]) == ("operational", "partial_outage")
    assert recorded_signals[-1][1]["page"].name == "Acme Status"


def test_signals_fire_after_commit(api, app) -> None:
    seen = []

    def receiver(sender, page, **extra):
        # Another connection already sees the row: the change is committed.
        with app.extensions["statuspages"].db.engine.connect() as conn:
            found = conn.execute(
                text("SELECT name FROM statuspages_page WHERE id = :id"), {"id": page.id}
            ).scalar()
        seen.append(found)

    with signals.page_created.connected_to(receiver, sender=app):
        api.make_page(name="Committed")
    assert seen == ["Committed"]


def test_failed_writes_send_nothing(api, recorded_signals) -> None:
    api.make_page(slug="taken")
    recorded_signals.clear()
    assert api.post("/", json={"name": "x", "slug": "taken"}).status_code == 409
    assert api.post("/", json={"name": ""}).status_code == 422
    assert recorded_signals == []


def test_a_failing_receiver_does_not_fail_the_committed_write(api, app, caplog) -> None:
    def broken(sender, **extra):
        raise RuntimeError("receiver bug")

    with signals.page_created.connected_to(broken, sender=app):
        response = api.post("/", json={"name": "Kept"})
    assert response.status_code == 201
    assert api.get("/").json["pagination"]["total"] == 1
    assert "receiver bug" in caplog.text
