"""The public endpoint: no authentication, the overall status rule, no N+1."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import insert, select

from flask_statuspages import access, domains, models, snapshot
from flask_statuspages.models import new_id, utcnow

from .conftest import count_queries


def test_public_page_shape(api) -> None:
    page = api.make_page(name="Acme Status", description="Hi", theme={"primary_color": "#0e7490"})
    component = api.make_component(page["id"], name="API", group_name="Backend")
    active = api.make_incident(page["id"], title="Slow", severity="minor")
    resolved = api.make_incident(page["id"], title="Was down", status="resolved")
    response = api.as_owner(None).get("/public/acme-status")
    assert response.status_code == 200
    body = response.json
    assert set(body) == {
        "name",
        "slug",
        "description",
        "overall_status",
        "theme",
        "components",
        "groups",
        "active_incidents",
        "active_maintenances",
        "upcoming_maintenances",
        "recent_incidents",
        "status_embed_config",
    }
    assert (body["name"], body["slug"], body["description"]) == ("Acme Status", "acme-status", "Hi")
    assert body["theme"] == {"primary_color": "#0e7490"}
    assert body["overall_status"] == "degraded_performance"
    assert [c["id"] for c in body["components"]] == [component["id"]]
    assert body["components"][0]["group_name"] == "Backend"
    [group] = body["groups"]
    assert body["components"][0]["group_id"] == group["id"]
    assert group == {
        "id": group["id"],
        "name": "Backend",
        "description": None,
        "collapsed": False,
        "component_ids": [component["id"]],
    }
    assert "page_id" not in body["components"][0]
    assert [i["id"] for i in body["active_incidents"]] == [active["id"]]
    assert [i["id"] for i in body["recent_incidents"]] == [resolved["id"]]
    assert body["active_incidents"][0]["updates"][0]["status"] == "investigating"


def test_overall_status_combines_components_and_incidents(api) -> None:
    page = api.make_page()
    component = api.make_component(page["id"], status="under_maintenance")
    read = lambda: api.get(f"/public/{page['slug']}").json["overall_status"]  # noqa: E731
    assert read() == "under_maintenance"
    incident = api.make_incident(page["id"], severity="none")
    assert read() == "under_maintenance"
    api.put(f"/{page['id']}/incidents/{incident['id']}", json={"severity": "major"})
    assert read() == "partial_outage"
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "major_outage"})
    assert read() == "major_outage"
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "operational"})
    api.put(f"/{page['id']}/incidents/{incident['id']}", json={"severity": "critical"})
    assert read() == "major_outage"
    api.put(f"/{page['id']}/incidents/{incident['id']}", json={"status": "resolved"})
    assert read() == "operational"


def test_private_and_unknown_pages_are_404(api) -> None:
    page = api.make_page(is_public=False)
    assert api.get(f"/public/{page['slug']}").status_code == 404
    assert api.get("/public/nope").json["error"]["code"] == "not_found"
    api.put(f"/{page['id']}", json={"is_public": True})
    assert api.get(f"/public/{page['slug']}").status_code == 200


def test_recent_incidents_are_the_last_14_days_newest_first_at_most_20(api, app, db) -> None:
    page = api.make_page()
    ids = [api.make_incident(page["id"], status="resolved")["id"] for _ in range(23)]
    now = utcnow()
    with app.app_context():
        for age, incident_id in enumerate(ids):  # ids[0] resolved now, ids[22] 22 days ago
            incident = db.session.get(models.Incident, incident_id)
            incident.resolved_at = now - timedelta(days=age, minutes=1)
        db.session.commit()
    recent = api.get(f"/public/{page['slug']}").json["recent_incidents"]
    assert [i["id"] for i in recent] == ids[:14]
    with app.app_context():
        for incident in db.session.scalars(select(models.Incident)):
            incident.resolved_at = now - timedelta(hours=1)
        db.session.commit()
    assert len(api.get(f"/public/{page['slug']}").json["recent_incidents"]) == 20


def _bulk_fill(db, page_id: str, components: int, incidents: int) -> None:
    now = utcnow()
    component_ids = [new_id() for _ in range(components)]
    db.session.execute(
        insert(models.Component),
        [
            {
                "id": component_ids[n],
                "page_id": page_id,
                "name": f"C{n}",
                "status": "operational",
                "display_order": n,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(components)
        ],
    )
    rows = [
        {
            "id": new_id(),
            "page_id": page_id,
            "title": f"I{n}",
            "severity": "minor",
            "status": "resolved" if n % 10 else "investigating",
            "resolved_at": (now - timedelta(days=n % 30)) if n % 10 else None,
            "created_at": now,
            "updated_at": now,
            "started_at": now,
            # Each names two components: the renderings name them without a query each.
            "components": {
                component_ids[n % components]: "partial_outage",
                component_ids[(n + 1) % components]: "degraded_performance",
            },
        }
        for n in range(incidents)
    ]
    db.session.execute(insert(models.Incident), rows)
    db.session.execute(
        insert(models.IncidentUpdate),
        [
            {
                "id": new_id(),
                "incident_id": r["id"],
                "seq": 0,
                "status": r["status"],
                "message": "m",
                "created_at": now,
                "components": [
                    {"id": cid, "name": "C", "old_status": "operational", "new_status": status}
                    for cid, status in r["components"].items()
                ],
            }
            for r in rows
        ],
    )
    db.session.commit()


def test_public_json_costs_the_same_queries_whatever_the_size(api, app, db) -> None:
    small = api.make_page(name="Small")
    large = api.make_page(name="Large")
    with app.app_context():
        _bulk_fill(db, small["id"], components=3, incidents=3000)
        _bulk_fill(db, large["id"], components=300, incidents=3000)
    # The verified domains are read again every few seconds, whatever the page: with
    # thousands of rows this test may outlast that, so they are read once here.
    api.get("/public/no-such-page")
    app.extensions[domains.CACHE_KEY].expires = float("inf")
    # One app context per request, as a server gives each (and so one session).
    with app.app_context(), count_queries(db) as small_queries:
        small_body = api.get(f"/public/{small['slug']}").json
    with app.app_context(), count_queries(db) as large_queries:
        large_body = api.get(f"/public/{large['slug']}").json
    assert len(large_body["components"]) == 300
    assert len(large_body["active_incidents"]) == 300
    assert len(large_body["recent_incidents"]) == 20
    assert len(small_body["components"]) == 3
    assert len(small_body["active_incidents"]) == 300
    for body in (small_body, large_body):
        assert all(len(i["affected_components"]) == 2 for i in body["active_incidents"])
    assert len(small_queries) == len(large_queries) <= 14
    with app.app_context():
        with count_queries(db) as cached_queries:  # the snapshot is cached
            assert api.get(f"/public/{large['slug']}").json == large_body
    # No engine query: the access lookup is cached (SQLite) or runs on a driver
    # connection of its own (see test_freshness.py).
    assert cached_queries == []


def test_concurrent_misses_build_the_snapshot_once(api, app) -> None:
    page = api.make_page()
    builds = []
    real_build = snapshot.build_snapshot

    def slow_build(*args):
        builds.append(1)
        time.sleep(0.2)  # every reader arrives while the first one builds
        return real_build(*args)

    snapshot.build_snapshot = slow_build
    try:
        results = []

        def read() -> None:
            with app.app_context():
                results.append(snapshot.get_snapshot(access.page_ref(page["slug"])))

        threads = [threading.Thread(target=read) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        snapshot.build_snapshot = real_build
    assert len(results) == 8 and len({id(found) for found in results}) == 1
    assert builds == [1]
