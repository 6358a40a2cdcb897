"""Atlassian Statuspage v2 compatibility: shapes, enums, caching, access, a real client."""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from flask_statuspages import models, statuspage_v2
from flask_statuspages.models import utcnow

from .conftest import PREFIX

JS_DIR = Path(__file__).parent / "js"
V2 = "/public/acme-status/api/v2"
ROUTES = {
    "summary.json": {"page", "components", "incidents", "scheduled_maintenances", "status"},
    "status.json": {"page", "status"},
    "components.json": {"page", "components"},
    "incidents.json": {"page", "incidents"},
    "incidents/unresolved.json": {"page", "incidents"},
    "scheduled-maintenances.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/upcoming.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/active.json": {"page", "scheduled_maintenances"},
}
ISO_Z = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"


def fields_of(schema: type) -> set[str]:
    return set(schema._declared_fields)  # type: ignore[attr-defined]


COMPONENT_FIELDS = fields_of(statuspage_v2.StatuspageComponentSchema) - {"components"}
INCIDENT_FIELDS = fields_of(statuspage_v2.StatuspageIncidentSchema)
UPDATE_FIELDS = fields_of(statuspage_v2.StatuspageIncidentUpdateSchema)
PAGE_FIELDS = fields_of(statuspage_v2.StatuspagePageSchema)
MAINTENANCE_FIELDS = fields_of(statuspage_v2.StatuspageMaintenanceSchema)


@pytest.fixture
def scene(api) -> dict[str, Any]:
    """A page with a group of two, an ungrouped component, one active and one resolved incident."""
    page = api.make_page(name="Acme Status")
    api_c = api.make_component(page["id"], name="API", group_name="Backend", display_order=1)
    db_c = api.make_component(
        page["id"], name="Database", group_name="Backend", display_order=2, status="partial_outage"
    )
    web = api.make_component(page["id"], name="Website", display_order=3, show_uptime=False)
    active = api.make_incident(page["id"], title="Slow API", severity="minor", message="Looking.")
    api.put(
        f"/{page['id']}/incidents/{active['id']}",
        json={"status": "monitoring", "message": "A fix is out."},
    )
    resolved = api.make_incident(page["id"], title="Was down", severity="critical")
    api.put(f"/{page['id']}/incidents/{resolved['id']}", json={"status": "resolved"})
    return {
        "page": page,
        "api": api_c,
        "db": db_c,
        "web": web,
        "active": active,
        "resolved": resolved,
    }


def get(api, path: str, **kw: Any) -> Any:
    return api.as_owner(None).get(f"{V2}/{path}", **kw)


# ------------------------------------------------------------------ shapes


def test_every_route_answers_its_documented_shape(api, scene) -> None:
    for path, keys in ROUTES.items():
        response = get(api, path)
        assert response.status_code == 200, path
        assert response.mimetype == "application/json"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        body = response.json
        assert set(body) == keys, path
        assert set(body["page"]) == PAGE_FIELDS
        assert body["page"]["id"] == scene["page"]["id"]
        assert body["page"]["name"] == "Acme Status"
        assert body["page"]["time_zone"] == "Etc/UTC"
        assert body["page"]["url"] == "http://localhost/status/acme-status"
        assert body.get("scheduled_maintenances", []) == []


def test_summary_components_and_groups(api, scene) -> None:
    body = get(api, "summary.json").json
    components = body["components"]
    group_id = scene["api"]["group_id"]
    assert [(c["name"], c["group"], c["position"]) for c in components] == [
        ("Backend", True, 1),
        ("API", False, 2),
        ("Database", False, 3),
        ("Website", False, 4),
    ]
    group, api_c, db_c, web = components
    assert group["id"] == group_id and group["group_id"] is None
    assert group["components"] == [scene["api"]["id"], scene["db"]["id"]]
    assert group["status"] == "partial_outage"  # its worst member
    assert set(group) == COMPONENT_FIELDS | {"components"}
    assert (api_c["group_id"], db_c["group_id"], web["group_id"]) == (group_id, group_id, None)
    for component in (api_c, db_c, web):
        assert set(component) == COMPONENT_FIELDS
        assert component["page_id"] == scene["page"]["id"]
        assert component["status"] in statuspage_v2.rules.COMPONENT_STATUSES
        assert component["start_date"] == component["created_at"][:10]
        assert component["only_show_if_degraded"] is False
    assert (api_c["status"], db_c["status"]) == ("operational", "partial_outage")
    assert (api_c["showcase"], web["showcase"]) == (True, False)
    assert (api_c["description"], api_c["id"]) == (None, scene["api"]["id"])
    assert get(api, "components.json").json["components"] == components


def test_group_ids_are_stable_and_per_page(api, scene) -> None:
    other = api.make_page(name="Other")
    api.make_component(other["id"], name="X", group_name="Backend")
    first = get(api, "components.json").json["components"][0]["id"]
    assert first == scene["api"]["group_id"]  # the group's own id
    api.make_component(scene["page"]["id"], name="Queue", group_name="Backend")
    assert get(api, "components.json").json["components"][0]["id"] == first
    theirs = api.get(f"/public/{other['slug']}/api/v2/components.json").json["components"]
    assert theirs[0]["group"] is True and theirs[0]["id"] != first


def test_incidents_and_their_updates(api, scene) -> None:
    summary = get(api, "summary.json").json
    unresolved = get(api, "incidents/unresolved.json").json["incidents"]
    latest = get(api, "incidents.json").json["incidents"]
    assert summary["incidents"] == unresolved
    assert [i["name"] for i in unresolved] == ["Slow API"]
    assert {i["name"] for i in latest} == {"Slow API", "Was down"}
    active = unresolved[0]
    assert set(active) == INCIDENT_FIELDS
    assert (active["id"], active["status"], active["impact"]) == (
        scene["active"]["id"],
        "monitoring",
        "minor",
    )
    assert active["page_id"] == scene["page"]["id"]
    assert active["started_at"] == active["created_at"]
    assert active["resolved_at"] is None and active["components"] == []
    assert active["shortlink"] == (
        f"http://localhost/status/acme-status/incidents/{scene['active']['id']}"
    )
    updates = active["incident_updates"]
    assert [(u["status"], u["body"]) for u in updates] == [
        ("monitoring", "A fix is out."),
        ("investigating", "Looking."),
    ]
    assert active["monitoring_at"] == updates[0]["created_at"]
    for update in updates:
        assert set(update) == UPDATE_FIELDS
        assert update["incident_id"] == active["id"]
        assert update["display_at"] == update["created_at"]
        assert update["affected_components"] is None
        assert update["status"] in statuspage_v2.INCIDENT_STATUSES
    done = next(i for i in latest if i["name"] == "Was down")
    assert (done["status"], done["impact"], done["monitoring_at"]) == ("resolved", "critical", None)
    assert done["resolved_at"] is not None
    for timestamp in (done["created_at"], done["updated_at"], done["resolved_at"]):
        assert timestamp.endswith("Z") and len(timestamp) == 24
    assert summary["page"]["updated_at"] >= max(u["created_at"] for u in updates)


def test_incidents_json_is_the_50_newest(api, app, db) -> None:
    page = api.make_page()
    now = utcnow()
    with app.app_context():  # one transaction: 52 API calls would be slow
        for n in range(52):
            created = now - timedelta(hours=52 - n)
            db.session.add(
                models.Incident(
                    page_id=page["id"],
                    title=f"Incident {n}",
                    status="resolved",
                    resolved_at=created,
                    created_at=created,
                )
            )
        db.session.commit()
    incidents = get(api, "incidents.json").json["incidents"]
    assert len(incidents) == 50
    assert [i["name"] for i in incidents[:2]] == ["Incident 51", "Incident 50"]
    assert "Incident 1" not in {i["name"] for i in incidents}
    assert get(api, "incidents/unresolved.json").json["incidents"] == []


# ------------------------------------------------------------ maintenance


@pytest.fixture
def windows(api, scene) -> dict[str, Any]:
    """An upcoming window on the API, an open one on the website, a completed one."""
    page_id, now = scene["page"]["id"], utcnow()
    upcoming = api.make_maintenance(
        page_id,
        now + timedelta(days=1),
        title="Database upgrade",
        message="We upgrade **PostgreSQL**.",
        component_ids=[scene["api"]["id"], scene["db"]["id"]],
    )
    active = api.make_maintenance(
        page_id,
        now - timedelta(minutes=5),
        title="CDN switch",
        component_ids=[scene["web"]["id"]],
    )
    api.patch(
        f"/{page_id}/maintenances/{active['id']}",
        json={"status": "verifying", "message": "Checking the new CDN."},
    )
    done = api.make_maintenance(
        page_id, now - timedelta(days=2), title="Old one", auto_transition=False
    )
    api.patch(f"/{page_id}/maintenances/{done['id']}", json={"status": "completed"})
    return {"upcoming": upcoming, "active": active, "done": done}


def test_maintenance_windows_in_every_document(api, scene, windows) -> None:
    upcoming = get(api, "scheduled-maintenances/upcoming.json").json["scheduled_maintenances"]
    active = get(api, "scheduled-maintenances/active.json").json["scheduled_maintenances"]
    latest = get(api, "scheduled-maintenances.json").json["scheduled_maintenances"]
    summary = get(api, "summary.json").json
    assert [m["name"] for m in upcoming] == ["Database upgrade"]
    assert [m["name"] for m in active] == ["CDN switch"]
    assert [m["name"] for m in latest] == ["Database upgrade", "CDN switch", "Old one"]
    assert summary["scheduled_maintenances"] == upcoming + active
    assert summary["incidents"] == get(api, "incidents/unresolved.json").json["incidents"]
    for window in latest:
        assert set(window) == MAINTENANCE_FIELDS
        assert window["impact"] == "maintenance" and window["monitoring_at"] is None
        assert window["page_id"] == scene["page"]["id"]
        assert window["status"] in statuspage_v2.MAINTENANCE_STATUSES
        assert window["shortlink"] == (
            f"http://localhost/status/acme-status/maintenances/{window['id']}"
        )
        for update in window["incident_updates"]:
            assert set(update) == UPDATE_FIELDS and update["incident_id"] == window["id"]

    soon, open_, old = latest
    assert soon["id"] == windows["upcoming"]["id"] and soon["status"] == "scheduled"
    assert soon["scheduled_for"] == windows["upcoming"]["scheduled_for"]
    assert soon["scheduled_until"] == windows["upcoming"]["scheduled_until"]
    assert soon["started_at"] == soon["scheduled_for"]  # due then; never empty
    assert soon["resolved_at"] is None
    assert [(u["status"], u["body"]) for u in soon["incident_updates"]] == [
        ("scheduled", "We upgrade **PostgreSQL**.")
    ]
    components = {c["id"]: c for c in get(api, "components.json").json["components"]}
    assert soon["components"] == [components[scene["api"]["id"]], components[scene["db"]["id"]]]

    assert open_["status"] == "verifying" and open_["resolved_at"] is None
    assert open_["started_at"] == windows["active"]["started_at"]
    assert [(u["status"], u["body"]) for u in open_["incident_updates"]] == [
        ("verifying", "Checking the new CDN."),
        ("in_progress", ""),
    ]
    assert open_["components"] == [components[scene["web"]["id"]]]
    assert open_["components"][0]["status"] == "under_maintenance"

    assert old["status"] == "completed" and old["resolved_at"] is not None
    assert old["components"] == []
    for timestamp in (old["created_at"], old["resolved_at"], old["scheduled_for"]):
        assert timestamp.endswith("Z") and len(timestamp) == 24
    assert summary["page"]["updated_at"] >= open_["incident_updates"][0]["created_at"]


def test_maintenance_follows_its_changes_and_deletion(api, scene, windows) -> None:
    page_id, window_id = scene["page"]["id"], windows["upcoming"]["id"]
    path = f"/{page_id}/maintenances/{window_id}"
    before = get(api, "scheduled-maintenances/upcoming.json")
    api.patch(path, json={"status": "in_progress", "component_ids": [scene["api"]["id"]]})
    after = get(
        api,
        "scheduled-maintenances/upcoming.json",
        headers={"If-None-Match": before.headers["ETag"]},
    )
    assert after.status_code == 200 and after.json["scheduled_maintenances"] == []
    active = get(api, "scheduled-maintenances/active.json").json["scheduled_maintenances"]
    assert [m["id"] for m in active] == [window_id, windows["active"]["id"]]
    assert [c["name"] for c in active[0]["components"]] == ["API"]
    api.delete(f"/{page_id}/components/{scene['api']['id']}")
    active = get(api, "scheduled-maintenances/active.json").json["scheduled_maintenances"]
    assert active[0]["components"] == []  # a deleted component is not named
    api.delete(path)
    latest = get(api, "scheduled-maintenances.json").json["scheduled_maintenances"]
    assert window_id not in {m["id"] for m in latest}


def test_scheduled_maintenances_json_is_the_50_latest(api, app, db) -> None:
    page = api.make_page()
    start = utcnow() - timedelta(days=60)
    with app.app_context():  # one transaction: 52 API calls would be slow
        for n in range(52):
            at = start + timedelta(hours=n)
            db.session.add(
                models.Maintenance(
                    page_id=page["id"],
                    title=f"Window {n}",
                    status="completed",
                    scheduled_for=at,
                    scheduled_until=at + timedelta(minutes=30),
                    started_at=at,
                    completed_at=at + timedelta(minutes=30),
                    auto_transition=False,
                    component_ids=[],
                )
            )
        db.session.commit()
    latest = get(api, "scheduled-maintenances.json").json["scheduled_maintenances"]
    assert len(latest) == 50
    assert [m["name"] for m in latest[:2]] == ["Window 51", "Window 50"]
    assert "Window 1" not in {m["name"] for m in latest}
    for path in ("scheduled-maintenances/upcoming.json", "scheduled-maintenances/active.json"):
        assert get(api, path).json["scheduled_maintenances"] == []
    assert get(api, "summary.json").json["scheduled_maintenances"] == []


# --------------------------------------------------------------- the status


@pytest.mark.parametrize(
    ("overall", "indicator", "description"),
    [
        ("operational", "none", "All Systems Operational"),
        ("degraded_performance", "minor", "Minor Service Outage"),
        ("partial_outage", "major", "Partial System Outage"),
        ("major_outage", "critical", "Major Service Outage"),
        ("under_maintenance", "maintenance", "Service Under Maintenance"),
    ],
)
def test_indicator_of_every_overall_status(overall, indicator, description) -> None:
    assert statuspage_v2.status_of(overall) == {"indicator": indicator, "description": description}


def test_indicator_follows_components_and_unresolved_incidents(api) -> None:
    page = api.make_page()
    component = api.make_component(page["id"], status="under_maintenance")
    indicator = lambda: get(api, "status.json").json["status"]["indicator"]  # noqa: E731
    assert indicator() == "maintenance"
    incident = api.make_incident(page["id"], severity="major")
    assert indicator() == "major"
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "major_outage"})
    assert indicator() == "critical"
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "operational"})
    api.put(f"/{page['id']}/incidents/{incident['id']}", json={"severity": "minor"})
    assert indicator() == "minor"
    api.put(f"/{page['id']}/incidents/{incident['id']}", json={"status": "resolved"})
    assert get(api, "status.json").json["status"] == {
        "indicator": "none",
        "description": "All Systems Operational",
    }
    assert get(api, "summary.json").json["status"]["indicator"] == "none"


def test_monitoring_at_is_the_last_entry_into_monitoring() -> None:
    updates = [  # newest first, as in the snapshot
        {"status": "monitoring", "created_at": "5"},
        {"status": "monitoring", "created_at": "4"},
        {"status": "identified", "created_at": "3"},
        {"status": "monitoring", "created_at": "2"},
        {"status": "investigating", "created_at": "1"},
    ]
    assert statuspage_v2.monitoring_at(updates) == "4"
    assert statuspage_v2.monitoring_at(updates[2:]) == "2"
    assert statuspage_v2.monitoring_at(updates[4:]) is None


# ---------------------------------------------------------- caching, access


def test_etag_304_and_a_change_shows_on_the_next_request(api, scene) -> None:
    first = get(api, "summary.json")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = get(api, "summary.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    page_id, component_id = scene["page"]["id"], scene["api"]["id"]
    api.put(f"/{page_id}/components/{component_id}", json={"status": "major_outage"})
    changed = get(api, "summary.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.json["status"]["indicator"] == "critical"
    statuses = {c["name"]: c["status"] for c in changed.json["components"]}
    assert statuses["API"] == statuses["Backend"] == "major_outage"


def test_links_follow_the_request_host_without_splitting_the_cache(api, scene) -> None:
    client = api.as_owner(None).client
    here = client.get(PREFIX + V2 + "/summary.json", base_url="http://status.example.com")
    there = client.get(PREFIX + V2 + "/summary.json", base_url="https://other.example.org/app")
    assert here.json["page"]["url"] == "http://status.example.com/status/acme-status"
    assert there.json["page"]["url"] == "https://other.example.org/app/status/acme-status"
    assert there.json["incidents"][0]["shortlink"].startswith("https://other.example.org/app/")
    assert here.headers["ETag"] == there.headers["ETag"]  # one rendering serves both
    assert b"statuspages-base.invalid" not in here.data + there.data


def test_public_url_setting_and_site_turned_off(api, app, scene) -> None:
    app.config["STATUSPAGES_PUBLIC_URL"] = "https://status.acme.com/"
    assert (
        get(api, "status.json").json["page"]["url"] == "https://status.acme.com/status/acme-status"
    )
    window = api.make_maintenance(scene["page"]["id"], utcnow() + timedelta(days=1))
    maintenance = get(api, "summary.json").json["scheduled_maintenances"][0]
    assert maintenance["shortlink"] == (
        f"https://status.acme.com/status/acme-status/maintenances/{window['id']}"
    )
    app.config["STATUSPAGES_SITE_PREFIX"] = None
    api.put(f"/{scene['page']['id']}", json={"description": "new version"})
    body = get(api, "summary.json").json
    json_url = f"https://status.acme.com{PREFIX}/public/acme-status"
    assert body["page"]["url"] == json_url
    assert body["incidents"][0]["shortlink"] == json_url
    assert body["scheduled_maintenances"][0]["shortlink"] == json_url


def test_a_verified_custom_domain_is_the_page_url(api, app, db, scene) -> None:
    with app.app_context():
        page = db.session.get(models.Page, scene["page"]["id"])
        page.custom_domain = "status.acme.com"
        page.custom_domain_verified_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    window = api.make_maintenance(scene["page"]["id"], utcnow() + timedelta(days=1))
    body = get(api, "summary.json").json
    assert body["page"]["url"] == "https://status.acme.com"
    assert body["incidents"][0]["shortlink"] == (
        f"https://status.acme.com/incidents/{scene['active']['id']}"
    )
    assert body["scheduled_maintenances"][0]["shortlink"] == (
        f"https://status.acme.com/maintenances/{window['id']}"
    )


def test_hidden_and_locked_pages(api) -> None:
    private = api.make_page(name="Private", is_public=False)
    locked = api.make_page(name="Locked", password="s3cret-pass")
    for path in ROUTES:
        assert api.get(f"/public/{private['slug']}/api/v2/{path}").status_code == 404
        assert api.get(f"/public/nope/api/v2/{path}").status_code == 404
        response = api.get(f"/public/{locked['slug']}/api/v2/{path}")
        assert response.status_code == 401
        assert response.json["error"]["code"] == "password_required"
    client = api.as_owner(None).client
    unlocked = client.post(
        f"{PREFIX}/public/{locked['slug']}/auth", json={"password": "s3cret-pass"}
    )
    assert unlocked.status_code == 200
    response = client.get(f"{PREFIX}/public/{locked['slug']}/api/v2/summary.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_openapi_describes_the_routes(app) -> None:
    document = app.test_client().get(PREFIX + "/openapi.json").json
    paths = document["paths"]
    for path in ROUTES:
        operation = paths[f"{PREFIX}/public/{{slug}}/api/v2/{path}"]["get"]
        assert operation["tags"] == ["Statuspage v2"] and operation["security"] == []
        assert {"200", "304", "401", "404", "429"} <= set(operation["responses"])
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["$ref"].startswith("#/components/schemas/Statuspage")
    schemas = document["components"]["schemas"]
    indicator = schemas["StatuspageStatus"]["properties"]["indicator"]
    assert indicator["enum"] == ["none", "minor", "major", "critical", "maintenance"]
    assert set(schemas["StatuspageSummary"]["properties"]) == ROUTES["summary.json"]
    maintenance = schemas["StatuspageMaintenance"]["properties"]
    assert maintenance["impact"]["enum"] == ["maintenance"]
    assert maintenance["status"]["enum"] == list(statuspage_v2.MAINTENANCE_STATUSES)
    assert {"scheduled_for", "scheduled_until"} <= set(maintenance)


# ------------------------------------------------- the real Statuspage client


@pytest.fixture
def server(app) -> Iterator[str]:
    """The app on a real loopback HTTP server; its base URL."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    http.server_close()


def test_the_statuspage_io_client_reads_our_pages(api, scene, server) -> None:
    page_id, now = scene["page"]["id"], utcnow()
    upcoming = api.make_maintenance(
        page_id, now + timedelta(days=1), component_ids=[scene["db"]["id"]]
    )
    active = api.make_maintenance(
        page_id,
        now - timedelta(minutes=5),
        title="CDN switch",
        message="Switching.",
        component_ids=[scene["web"]["id"]],
    )
    base = f"{server}{PREFIX}/public/acme-status"
    run = subprocess.run(
        ["node", str(JS_DIR / "statuspage_client.js"), base],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    summary = seen["summary"]
    assert summary["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert seen["status"]["status"] == summary["status"]
    assert summary["page"]["url"] == f"{server}/status/acme-status"
    statuses = {c["name"]: c["status"] for c in seen["components"]["components"]}
    assert statuses == {
        "Backend": "partial_outage",
        "API": "operational",
        "Database": "partial_outage",
        "Website": "under_maintenance",
    }
    assert summary["components"] == seen["components"]["components"]
    assert [(i["name"], i["impact"]) for i in summary["incidents"]] == [("Slow API", "minor")]
    assert seen["unresolved"]["incidents"] == summary["incidents"]
    latest = {(i["name"], i["impact"], i["status"]) for i in seen["incidents"]["incidents"]}
    assert latest == {("Slow API", "minor", "monitoring"), ("Was down", "critical", "resolved")}
    maintenances = seen["maintenances"]
    for answer in maintenances.values():
        assert answer["page"]["id"] == scene["page"]["id"]
    # The client's three methods all read upcoming.json.
    for method in ("upcoming", "active", "all"):
        found = maintenances[method]["scheduled_maintenances"]
        assert [(m["id"], m["status"]) for m in found] == [(upcoming["id"], "scheduled")]
    soon = maintenances["upcoming"]["scheduled_maintenances"][0]
    assert (soon["name"], soon["impact"]) == ("Database upgrade", "maintenance")
    assert (soon["scheduled_for"], soon["scheduled_until"]) == (
        upcoming["scheduled_for"],
        upcoming["scheduled_until"],
    )
    assert [c["name"] for c in soon["components"]] == ["Database"]
    open_ = maintenances["activeJson"]["scheduled_maintenances"]
    assert [(m["id"], m["status"]) for m in open_] == [(active["id"], "in_progress")]
    assert open_[0]["incident_updates"][0]["body"] == "Switching."
    assert open_[0]["shortlink"] == f"{server}/status/acme-status/maintenances/{active['id']}"
    assert [(c["name"], c["status"]) for c in open_[0]["components"]] == [
        ("Website", "under_maintenance")
    ]
    assert summary["scheduled_maintenances"] == soon_and_open(maintenances)
    every = {m["id"] for m in maintenances["allJson"]["scheduled_maintenances"]}
    assert every == {upcoming["id"], active["id"]}


def soon_and_open(maintenances: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        *maintenances["upcoming"]["scheduled_maintenances"],
        *maintenances["activeJson"]["scheduled_maintenances"],
    ]
