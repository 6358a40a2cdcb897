"""Components and their statuses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from flask_statuspages import models
from flask_statuspages.rules import COMPONENT_STATUSES

from .conftest import PREFIX


@pytest.fixture
def page(api):
    return api.make_page()


def test_create_component(api, page) -> None:
    response = api.post(
        f"/{page['id']}/components",
        json={
            "name": "API Server",
            "description": "Main REST API",
            "status": "operational",
            "display_order": 1,
            "group_name": "Backend",
        },
    )
    assert response.status_code == 201
    body = response.json
    assert response.headers["Location"] == f"{PREFIX}/{page['id']}/components/{body['id']}"
    assert body["page_id"] == page["id"]
    assert (body["name"], body["status"], body["display_order"], body["group_name"]) == (
        "API Server",
        "operational",
        1,
        "Backend",
    )
    assert api.get(f"/{page['id']}/components/{body['id']}").json == body


def test_defaults(api, page) -> None:
    body = api.make_component(page["id"])
    assert body["status"] == "operational" and body["display_order"] == 0
    assert body["group_name"] is None


@pytest.mark.parametrize("status", COMPONENT_STATUSES)
def test_every_status_is_accepted(api, page, status) -> None:
    assert api.make_component(page["id"], status=status)["status"] == status


def test_validation(api, page) -> None:
    response = api.post(
        f"/{page['id']}/components",
        json={"status": "down", "display_order": "1", "group_name": "x" * 256},
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "name",
        "status",
        "display_order",
        "group_name",
    }
    assert (
        api.post(f"/{page['id']}/components", json={"name": "x", "display_order": 1.5}).status_code
        == 422
    )


def test_list_is_ordered_and_paginated(api, page) -> None:
    for name, order in (("B", 2), ("A", 2), ("C", 1)):
        api.make_component(page["id"], name=name, display_order=order)
    body = api.get(f"/{page['id']}/components?per_page=2").json
    assert [c["name"] for c in body["data"]] == ["C", "A"]
    assert body["pagination"]["total"] == 3


def test_update_status_records_the_change(api, page, app, db) -> None:
    component = api.make_component(page["id"])
    url = f"/{page['id']}/components/{component['id']}"
    response = api.put(url, json={"status": "partial_outage"})
    assert response.status_code == 200 and response.json["status"] == "partial_outage"
    assert api.patch(url, json={"name": "Renamed"}).json["status"] == "partial_outage"
    with app.app_context():
        changes = db.session.scalars(
            select(models.ComponentStatusChange)
            .where(models.ComponentStatusChange.component_id == component["id"])
            .order_by(models.ComponentStatusChange.changed_at)
        ).all()
        assert [(c.old_status, c.new_status) for c in changes] == [
            (None, "operational"),
            ("operational", "partial_outage"),
        ]


def test_delete_component(api, page) -> None:
    component = api.make_component(page["id"])
    url = f"/{page['id']}/components/{component['id']}"
    api.put(url, json={"status": "major_outage"})
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.get(f"/{page['id']}").json["components"] == []


def test_component_of_another_page_is_404(api, page) -> None:
    other = api.make_page(name="Other")
    component = api.make_component(other["id"])
    assert api.get(f"/{page['id']}/components/{component['id']}").status_code == 404
    assert (
        api.put(f"/{page['id']}/components/{component['id']}", json={"name": "x"}).status_code
        == 404
    )
