"""Incidents that name the components they affect: statuses set in one transaction,
restored on resolution, shown in every rendering, heard only by the subscribers concerned."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from flask_statuspages import models
from flask_statuspages.models import utcnow


@pytest.fixture
def page(api):
    return api.make_page(name="Acme Status")


@pytest.fixture
def parts(api, page) -> dict[str, dict[str, Any]]:
    return {
        name: api.make_component(page["id"], name=name, display_order=n)
        for n, name in enumerate(("API", "Web", "Mail"))
    }


def statuses(api, page) -> dict[str, str]:
    return {c["name"]: c["status"] for c in api.get(f"/{page['id']}/components").json["data"]}


def counts(app, db) -> dict[str, int]:
    with app.app_context():
        return {
            m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (
                models.Incident,
                models.IncidentUpdate,
                models.ComponentStatusChange,
                models.NotificationEvent,
            )
        }


def events(app, db) -> list[tuple[str, list[str]]]:
    with app.app_context():
        rows = db.session.execute(
            select(models.NotificationEvent.kind, models.NotificationEvent.component_ids).order_by(
                models.NotificationEvent.created_at
            )
        )
        return [(kind, sorted(ids)) for kind, ids in rows]


def test_an_incident_sets_its_components_and_records_them(api, page, parts) -> None:
    api_id, web_id = parts["API"]["id"], parts["Web"]["id"]
    response = api.post(
        f"/{page['id']}/incidents",
        json={
            "title": "API down",
            "impact": "MAJOR_OUTAGE",
            "components": {api_id: "MAJOR_OUTAGE", web_id: "degraded_performance"},
        },
    )
    assert response.status_code == 201, response.json
    incident = response.json
    assert (incident["severity"], incident["impact"]) == ("critical", "critical")
    assert incident["components"] == {api_id: "major_outage", web_id: "degraded_performance"}
    assert incident["affected_components"] == [
        {"id": api_id, "name": "API", "status": "major_outage"},
        {"id": web_id, "name": "Web", "status": "degraded_performance"},
    ]
    [entry] = incident["updates"]
    assert entry["components"] == [
        {"id": api_id, "name": "API", "old_status": "operational", "new_status": "major_outage"},
        {
            "id": web_id,
            "name": "Web",
            "old_status": "operational",
            "new_status": "degraded_performance",
        },
    ]
    assert statuses(api, page) == {
        "API": "major_outage",
        "Web": "degraded_performance",
        "Mail": "operational",
    }


def test_status_changes_are_recorded_and_signalled_once_per_component(
    api, app, db, page, parts, recorded_signals
) -> None:
    api_id = parts["API"]["id"]
    recorded_signals.clear()
    api.make_incident(page["id"], components={api_id: "partial_outage"})
    moved = [p for name, p in recorded_signals if name == "component_status_changed"]
    assert [(p["component"].id, p["old_status"], p["new_status"]) for p in moved] == [
        (api_id, "operational", "partial_outage")
    ]
    with app.app_context():
        changes = db.session.scalars(
            select(models.ComponentStatusChange.new_status).where(
                models.ComponentStatusChange.component_id == api_id
            )
        ).all()
    assert sorted(changes, key=str) == ["operational", "partial_outage"]  # created, then moved
    # One action, one message: the incident's event names the component; no event of its own.
    assert events(app, db)[-1:] == [("incident.created", [api_id])]
    assert all(kind != "component.status_changed" for kind, _ in events(app, db))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"components": {"0" * 32: "major_outage"}}, "components." + "0" * 32),
        ({"components": {"API": "on_fire"}}, "components.API.value"),
        ({"impact": "major", "severity": "minor"}, "impact"),
        ({"impact": "HUGE"}, "impact"),
        ({"started_at": "2999-01-01T00:00:00Z"}, "started_at"),
        ({"resolved_at": "2020-01-01T00:00:00Z"}, "resolved_at"),
        ({"components": ["not", "a", "map"]}, "components"),
    ],
)
def test_bad_input_is_422_and_writes_nothing(api, app, db, page, parts, body, field) -> None:
    before = counts(app, db)
    response = api.post(f"/{page['id']}/incidents", json={"title": "Bad", **body})
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert counts(app, db) == before
    assert set(statuses(api, page).values()) == {"operational"}


def test_a_component_of_another_page_is_422_and_nothing_moves(api, app, db, page, parts) -> None:
    other = api.make_page(name="Other")
    theirs = api.make_component(other["id"], name="Theirs")
    before = counts(app, db)
    body = {
        "title": "Mixed",
        "components": {parts["API"]["id"]: "major_outage", theirs["id"]: "major_outage"},
    }
    response = api.post(f"/{page['id']}/incidents", json=body)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == [f"components.{theirs['id']}"]
    incident = api.make_incident(page["id"])
    update = api.patch(f"/{page['id']}/incidents/{incident['id']}", json=body)
    assert update.status_code == 422
    assert counts(app, db)["ComponentStatusChange"] == before["ComponentStatusChange"]
    assert set(statuses(api, page).values()) == {"operational"}
    assert statuses(api, other) == {"Theirs": "operational"}


def test_patch_merges_the_map_and_null_removes_a_component(api, page, parts) -> None:
    api_id, web_id = parts["API"]["id"], parts["Web"]["id"]
    incident = api.make_incident(page["id"], components={api_id: "partial_outage"})
    url = f"/{page['id']}/incidents/{incident['id']}"
    merged = api.patch(url, json={"components": {web_id: "degraded_performance"}}).json
    assert merged["components"] == {api_id: "partial_outage", web_id: "degraded_performance"}
    assert merged["updates"][0]["components"][0]["name"] == "Web"
    assert merged["updates"][0]["status"] == "investigating"  # a change of components: an entry
    dropped = api.patch(url, json={"components": {api_id: None}}).json
    assert dropped["components"] == {web_id: "degraded_performance"}
    assert statuses(api, page)["API"] == "operational"
    assert dropped["updates"][0]["components"] == [
        {"id": api_id, "name": "API", "old_status": "partial_outage", "new_status": "operational"}
    ]
    null_on_create = api.post(
        f"/{page['id']}/incidents", json={"title": "x", "components": {api_id: None}}
    )
    assert null_on_create.status_code == 422


def test_resolving_restores_components_unless_something_still_holds_them(api, page, parts) -> None:
    api_id, web_id, mail_id = (parts[n]["id"] for n in ("API", "Web", "Mail"))
    api.make_incident(page["id"], title="Web slow", components={web_id: "degraded_performance"})
    first = api.make_incident(
        page["id"],
        components={api_id: "major_outage", web_id: "major_outage", mail_id: "major_outage"},
    )
    api.make_maintenance(
        page["id"],
        utcnow() - timedelta(minutes=1),
        component_ids=[mail_id],
        auto_transition=False,
        status="in_progress",
    )
    resolved = api.patch(
        f"/{page['id']}/incidents/{first['id']}",
        json={"status": "resolved", "message": "Fixed"},
    ).json
    assert statuses(api, page) == {
        "API": "operational",
        "Web": "degraded_performance",  # the other incident still holds it
        "Mail": "under_maintenance",  # the open window holds it
    }
    moved = {c["name"]: c["new_status"] for c in resolved["updates"][0]["components"]}
    assert moved == {
        "API": "operational",
        "Web": "degraded_performance",
        "Mail": "under_maintenance",
    }
    # The record of what it affected stays.
    assert resolved["components"][api_id] == "major_outage"


def test_the_resolving_request_says_what_a_component_becomes(api, page, parts) -> None:
    api_id = parts["API"]["id"]
    incident = api.make_incident(page["id"], components={api_id: "major_outage"})
    api.patch(
        f"/{page['id']}/incidents/{incident['id']}",
        json={"status": "resolved", "components": {api_id: "degraded_performance"}},
    )
    assert statuses(api, page)["API"] == "degraded_performance"


def test_an_incident_naming_no_component_moves_none(api, app, db, page, parts) -> None:
    incident = api.make_incident(page["id"], severity="major")
    assert incident["components"] == {} and incident["affected_components"] == []
    api.patch(f"/{page['id']}/incidents/{incident['id']}", json={"status": "resolved"})
    assert set(statuses(api, page).values()) == {"operational"}
    assert events(app, db)[-1] == ("incident.resolved", [])  # everyone hears it


# ------------------------------------------------------------ renderings


def test_every_rendering_shows_what_is_affected(api, page, parts) -> None:
    api_id = parts["API"]["id"]
    incident = api.make_incident(
        page["id"], title="API down", message="Looking", components={api_id: "major_outage"}
    )
    slug = page["slug"]
    public = api.get(f"/public/{slug}").json
    [active] = public["active_incidents"]
    assert active["components"] == {api_id: "major_outage"}
    assert active["affected_components"] == [
        {"id": api_id, "name": "API", "status": "major_outage"}
    ]

    site = api.client.get(f"/status/{slug}").get_data(as_text=True)
    assert "Affects: API (major outage)" in site
    detail = api.client.get(f"/status/{slug}/incidents/{incident['id']}").get_data(as_text=True)
    assert "Affected components" in detail and ">API<" in detail
    assert "API: major outage (was operational)" in detail

    rss = api.get(f"/public/{slug}/feed.rss").get_data(as_text=True)
    atom = api.get(f"/public/{slug}/feed.atom").get_data(as_text=True)
    for feed in (rss, atom):
        assert "Affects: API (major outage)" in feed
        assert "API: major outage" in feed

    v2 = api.get(f"/public/{slug}/api/v2/incidents.json").json["incidents"][0]
    assert [(c["id"], c["name"], c["status"]) for c in v2["components"]] == [
        (api_id, "API", "major_outage")
    ]
    assert v2["incident_updates"][0]["affected_components"] == [
        {"code": api_id, "name": "API", "old_status": "operational", "new_status": "major_outage"}
    ]

    widget = api.get(f"/public/{slug}/widget.js").get_data(as_text=True)
    assert "affected_components" in widget  # it reads them from the page JSON it renders


def test_message_only_updates_read_well_everywhere(api, page, parts) -> None:
    incident = api.make_incident(page["id"], status="identified")
    api.post(f"/{page['id']}/incidents/{incident['id']}/updates", json={"message": "Still on it"})
    slug = page["slug"]
    site = api.client.get(f"/status/{slug}/incidents/{incident['id']}").get_data(as_text=True)
    assert ">Update</span>" in site and "None" not in site
    rss = api.get(f"/public/{slug}/feed.rss").get_data(as_text=True)
    assert "Update &lt;small&gt;" in rss or "<h3>Update <small>" in rss
    updates = api.get(f"/public/{slug}/api/v2/incidents.json").json["incidents"][0][
        "incident_updates"
    ]
    # Statuspage has no status-less update: it carries the status the incident was in.
    assert [u["status"] for u in updates] == ["identified", "identified"]
    assert [u["affected_components"] for u in updates] == [None, None]


def test_admin_lists_and_page_detail_carry_the_map(api, page, parts) -> None:
    api_id = parts["API"]["id"]
    api.make_incident(page["id"], components={api_id: "partial_outage"})
    [listed] = api.get(f"/{page['id']}/incidents").json["data"]
    assert listed["affected_components"][0]["name"] == "API"
    [active] = api.get(f"/{page['id']}").json["active_incidents"]
    assert active["components"] == {api_id: "partial_outage"}
