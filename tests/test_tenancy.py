"""Every admin route scopes by owner: another tenant's ids answer 404, like missing ones."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from flask_statuspages import models
from flask_statuspages.views import ENDPOINTS

ADMIN = [e for e in ENDPOINTS if e.auth]
BODIES = {
    "update_page": {"name": "Stolen"},
    "create_component": {"name": "Injected"},
    "update_component": {"status": "major_outage"},
    "create_incident": {"title": "Injected"},
    "update_incident": {"status": "resolved"},
    "create_subscriber": {"email": "spy@example.com"},
    "create_maintenance": {
        "title": "Injected",
        "scheduled_for": "2030-01-01T00:00:00Z",
        "scheduled_until": "2030-01-01T01:00:00Z",
    },
    "update_maintenance": {"status": "completed"},
    "create_incident_update": {"message": "Injected"},
    "edit_incident_update": {"message": "Rewritten"},
    "create_incident_template": {"name": "Injected", "title": "Injected"},
    "update_incident_template": {"title": "Stolen"},
    "put_postmortem": {"body": "Injected"},
    "publish_postmortem": {"notify": True},
    "create_group": {"name": "Injected"},
    "update_group": {"name": "Stolen", "collapsed": True},
    "reorder_components": {"ids": []},
    "reorder_groups": {"ids": []},
    "update_status_embed_config": {"position": "top-left"},
    "create_metric": {"name": "Injected"},
    "update_metric": {"name": "Stolen"},
    "add_metric_data": {"data": {"timestamp": "2030-01-01T00:00:00Z", "value": 1}},
    "create_page_access_user": {"email": "spy@example.com"},
    "update_page_access_user": {"email": "stolen@example.com"},
    "add_page_access_user_components": {"component_ids": ["x"]},
    "replace_page_access_user_components": {"component_ids": ["x"]},
    "remove_page_access_user_components": {"component_ids": ["x"]},
    "add_page_access_user_metrics": {"metric_ids": ["x"]},
    "replace_page_access_user_metrics": {"metric_ids": ["x"]},
    "remove_page_access_user_metrics": {"metric_ids": ["x"]},
}


@pytest.fixture
def acme_ids(api, app):
    page = api.make_page()
    incident = api.make_incident(page["id"])
    api.post(f"/{page['id']}/incidents/{incident['id']}/updates", json={"message": "Second"})
    ids = {
        "page_id": page["id"],
        "component_id": api.make_component(page["id"], group_name="Backend")["id"],
        "group_id": api.get(f"/{page['id']}/groups").json["data"][0]["id"],
        "incident_id": incident["id"],
        "update_id": incident["updates"][0]["id"],
        "subscriber_id": api.make_subscriber(page["id"], email="ops@acme.com")["id"],
        "maintenance_id": api.post(
            f"/{page['id']}/maintenances", json=BODIES["create_maintenance"]
        ).json["id"],
    }
    [delivery] = api.get(f"/{page['id']}/deliveries").json["data"]  # its verification email
    ids["template_id"] = api.post(
        f"/{page['id']}/incident-templates", json=BODIES["create_incident_template"]
    ).json["id"]
    ids["metric_id"] = api.post(f"/{page['id']}/metrics", json={"name": "Latency"}).json["id"]
    ids["page_access_user_id"] = api.post(
        f"/{page['id']}/page-access-users", json={"email": "viewer@acme.com"}
    ).json["id"]
    return {**ids, "delivery_id": delivery["id"]}


def _url(rule: str, ids: dict[str, str]) -> str:
    return re.sub(r"<([^<>]+)>", lambda m: ids[m.group(1)], rule)


def _row_counts(app, db) -> dict[str, int]:
    with app.app_context():
        return {
            m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (
                models.Page,
                models.Component,
                models.ComponentGroup,
                models.Incident,
                models.IncidentUpdate,
                models.Maintenance,
                models.Subscriber,
                models.IncidentTemplate,
                models.Metric,
                models.MetricPoint,
                models.PageAccessUser,
                models.PageAccessUserComponent,
                models.PageAccessUserMetric,
            )
        }


@pytest.mark.parametrize(
    ("rule", "method", "endpoint"),
    [(e.rule, m, e.endpoint) for e in ADMIN for m in e.methods if "<page_id>" in e.rule],
)
def test_other_tenants_ids_are_404(api, app, db, acme_ids, rule, method, endpoint) -> None:
    before = _row_counts(app, db)
    thief = api.as_owner("globex")
    response = thief.request(method, _url(rule, acme_ids), json=BODIES.get(endpoint))
    assert response.status_code == 404, response.json
    assert response.json["error"]["code"] == "not_found"
    missing = {**acme_ids, "page_id": "0" * 32}
    assert thief.request(method, _url(rule, missing), json=BODIES.get(endpoint)).json == (
        response.json
    ), "another tenant's page must look exactly like a missing one"
    assert _row_counts(app, db) == before
    assert api.get(f"/{acme_ids['page_id']}").json["name"] == "Acme Status"


def test_every_page_scoped_admin_route_is_covered() -> None:
    unscoped = [e.endpoint for e in ADMIN if "<page_id>" not in e.rule]
    assert sorted(unscoped) == ["check_slug", "create_page", "list_pages"]


def test_check_slug_tells_every_tenant_the_same(api, acme_ids) -> None:
    """Slugs are unique across tenants: check-slug says no more than a create's 409."""
    slug = api.get(f"/{acme_ids['page_id']}").json["slug"]
    mine = api.get(f"/check-slug?slug={slug}").json
    assert api.as_owner("globex").get(f"/check-slug?slug={slug}").json == mine
    assert mine["available"] is False and set(mine) == {
        "slug",
        "valid",
        "available",
        "reason",
        "suggestion",
    }


def test_lists_show_only_your_own(api, acme_ids) -> None:
    assert api.as_owner("globex").get("/").json["pagination"]["total"] == 0
    assert api.get("/").json["pagination"]["total"] == 1


@pytest.mark.parametrize(("rule", "method"), [(e.rule, m) for e in ADMIN for m in e.methods])
def test_every_admin_route_needs_authentication(api, acme_ids, rule, method) -> None:
    response = api.as_owner(None).request(method, _url(rule, acme_ids), json={"name": "x"})
    assert response.status_code == 401
