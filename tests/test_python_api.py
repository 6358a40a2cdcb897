"""The Python API does what the REST API does, in-process, through the same operations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from flask_statuspages import ApiError, models
from flask_statuspages.models import utcnow

COUNTED = (
    models.Page,
    models.Component,
    models.Incident,
    models.IncidentUpdate,
    models.Maintenance,
    models.Subscriber,
    models.NotificationEvent,
)


def _counts(db) -> dict[str, int]:
    return {
        m.__name__: db.session.scalar(select(func.count()).select_from(m)) or 0 for m in COUNTED
    }


def test_a_health_check_opens_and_resolves_an_incident(app, ext, recorded_signals):
    with app.app_context():
        page = ext.pages.create("acme", name="Acme Status")
        component = ext.components.create(page, name="API")
        subscriber, token = ext.subscribers.create(page, webhook_url="https://hooks.example.com/x")
        ext.subscribers.verify(page, token)
        incident = ext.incidents.create(page.id, title="Errors on the API", severity="major")
        ext.components.set_status(page, component.id, "major_outage")
        resolved = ext.incidents.resolve(page, incident, message="Fixed.")
        assert resolved.status == "resolved" and resolved.resolved_at is not None
        assert [u.message for u in resolved.updates][0] == "Fixed."
        kinds = list(
            ext.session.scalars(
                select(models.NotificationEvent.kind).where(
                    models.NotificationEvent.page_id == page.id
                )
            )
        )
        slug = page.slug
    names = [name for name, _payload in recorded_signals]
    assert names[:3] == ["page_created", "component_created", "subscriber_created"]
    assert {"incident_created", "component_status_changed", "incident_resolved"} <= set(names)
    # The same outbox as the routes: subscribers hear every one of these.
    assert {"incident.created", "component.status_changed", "incident.resolved"} <= set(kinds)
    public = app.test_client().get(f"/api/ext/cockpit-pro/status-pages/public/{slug}").json
    assert public["overall_status"] == "major_outage"
    assert public["recent_incidents"][0]["title"] == "Errors on the API"


def test_bad_input_raises_the_json_errors_code_message_and_fields(app, ext, db, api):
    page = api.make_page()
    over_http = api.post(f"/{page['id']}/incidents", json={"severity": "apocalyptic"}).json["error"]
    with app.app_context():
        before = _counts(db)
        with pytest.raises(ApiError) as raised:
            ext.incidents.create(page["id"], severity="apocalyptic")
        assert _counts(db) == before
    error = raised.value
    assert (error.status, error.code) == (422, "validation_error")
    assert (error.message, error.fields) == (over_http["message"], over_http["fields"])
    assert set(error.fields) == {"title", "severity"}


def test_an_unknown_field_is_refused_as_over_http(app, ext, api):
    page = api.make_page()
    with app.app_context(), pytest.raises(ApiError) as raised:
        ext.components.create(page["id"], name="API", colour="red")
    assert raised.value.fields == {"colour": ["Unknown field."]}


def test_tenancy_another_owners_page_and_another_pages_things_are_not_found(app, ext, api):
    acme = api.make_page()
    other = api.as_owner("globex").make_page(name="Globex")
    theirs = api.as_owner("globex").make_component(other["id"])
    with app.app_context():
        assert ext.pages.get(acme["id"], owner="acme").id == acme["id"]
        with pytest.raises(ApiError) as raised:
            ext.pages.get(acme["id"], owner="globex")
        assert (raised.value.status, raised.value.code) == (404, "not_found")
        with pytest.raises(ApiError) as raised:
            ext.components.update(acme["id"], theirs["id"], status="major_outage")
        assert raised.value.status == 404
        assert [p.name for p in ext.pages.list("globex")] == ["Globex"]
    assert api.as_owner("globex").get(f"/{other['id']}/components").json["data"][0]["status"] == (
        "operational"
    )


def test_a_failed_write_leaves_nothing_for_a_later_commit(app, ext, db, api):
    """In a long-lived context (a worker), a failure is rolled back, not left pending."""
    page = api.make_page(slug="taken")
    with app.app_context():
        before = _counts(db)
        with pytest.raises(ApiError) as raised:
            ext.pages.create("acme", name="Second", slug="taken")
        assert raised.value.code == "conflict"
        ext.session.commit()
        assert _counts(db) == before
        assert ext.pages.get_by_slug("taken").id == page["id"]


def test_datetimes_are_taken_as_python_values(app, ext, api):
    page = api.make_page()
    start = utcnow() + timedelta(days=2)
    with app.app_context():
        window = ext.maintenances.create(
            page["id"],
            title="Database upgrade",
            scheduled_for=start,
            scheduled_until=start + timedelta(hours=1),
        )
        assert window.status == "scheduled"
        with pytest.raises(ApiError) as raised:
            ext.maintenances.update(page["id"], window, scheduled_until=start)
        assert raised.value.fields == {"scheduled_until": ["Must be after scheduled_for."]}
        assert [m.id for m in ext.maintenances.list(page["id"], status="scheduled")] == [window.id]
    listed = api.get(f"/{page['id']}/maintenances").json["data"]
    assert listed[0]["scheduled_until"].startswith((start + timedelta(hours=1)).strftime("%Y-"))


def test_pages_update_delete_and_subscriber_lifecycle(app, ext, db, api):
    page = api.make_page()
    with app.app_context():
        assert ext.pages.update(page["id"], description="Ours").description == "Ours"
        subscriber, _token = ext.subscribers.create(page["id"], email="ops@acme.com")
        assert ext.subscribers.list(page["id"], state="pending")[0].id == subscriber.id
        new_token = ext.subscribers.resend_verification(page["id"], subscriber.id)
        assert ext.subscribers.verify(page["id"], new_token).verified
        ext.subscribers.delete(page["id"], subscriber.id)
        assert ext.subscribers.list(page["id"]) == []
        ext.pages.delete(page["id"])
        assert ext.pages.list("acme") == []
    assert api.get(f"/{page['id']}").status_code == 404


def test_the_incident_workflow_in_process(app, ext, api):
    """Groups, order, templates, affected components, the timeline, the postmortem and
    statistics: each as over HTTP, read back through the REST API."""
    page = api.make_page(slug="acme")
    with app.app_context():
        backend = ext.groups.create(page["id"], name="Backend", collapsed=True)
        db_ = ext.components.create(page["id"], name="Database", group_id=backend.id)
        web = ext.components.create(page["id"], name="Web")
        assert [c.id for c in ext.components.reorder(page["id"], [web.id, db_.id])] == [
            web.id,
            db_.id,
        ]
        template = ext.incident_templates.create(
            page["id"],
            name="DB down",
            title="Database trouble",
            components={db_.id: "MAJOR_OUTAGE"},
        )
        incident = ext.incidents.create(page["id"], template_id=template.id, impact="critical")
        assert (incident.title, incident.severity) == ("Database trouble", "critical")
        assert incident.components == {db_.id: "major_outage"}
        note = ext.incidents.post_update(page["id"], incident, message="Failing over.")
        assert note.status is None
        fixed = ext.incidents.edit_update(page["id"], incident, note, message="Failing over now.")
        assert fixed.edited_at is not None
        ext.incidents.resolve(page["id"], incident, message="Back.")
        assert ext.components.get(page["id"], db_).status == "operational"
        ext.incidents.write_postmortem(page["id"], incident, "## What happened\n\nA disk.")
        ext.incidents.publish_postmortem(page["id"], incident)
        stats = ext.components.statistics(page["id"], db_)
        assert stats["incidents"]["count"] == 1
        assert ext.pages.check_slug("acme").available is False
        with pytest.raises(ApiError) as raised:
            ext.components.reorder(page["id"], [web.id])
        assert raised.value.code == "validation_error"
    public = api.get("/public/acme").json
    [resolved] = public["recent_incidents"]
    assert resolved["postmortem"]["body"].startswith("## What happened")
    assert [u["message"] for u in resolved["updates"]][1] == "Failing over now."
    assert [c["name"] for c in public["components"]] == ["Web", "Database"]


def test_objects_from_an_earlier_context_are_looked_up_again(app, ext):
    """A cron job keeps the page it made in one context and uses it in the next."""
    with app.app_context():
        page = ext.pages.create("acme", name="Acme Status")
        api = ext.components.create(page, name="API")
    with app.app_context():
        ext.components.set_status(page, api, "major_outage")
        assert ext.components.get(page, api).status == "major_outage"
        assert [p.id for p in ext.pages.list("acme")] == [ext.pages.get(page).id]
