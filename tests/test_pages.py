"""Pages: create, list, get, update, delete (seed 000 and contract section 4)."""

from __future__ import annotations

from sqlalchemy import func, select

from flask_statuspages import models

from .conftest import PREFIX


def test_create_page_answers_201_with_location_and_fields(api) -> None:
    response = api.post(
        "/",
        json={
            "name": "Acme Status",
            "description": "System status for Acme Corp",
            "is_public": True,
            "custom_domain": "Status.Acme.com",
            "theme": {"primary_color": "#0e7490"},
        },
    )
    assert response.status_code == 201
    page = response.json
    assert response.headers["Location"] == f"{PREFIX}/{page['id']}"
    assert page["slug"] == "acme-status"
    assert page["custom_domain"] == "status.acme.com"
    assert page["theme"] == {"primary_color": "#0e7490"}
    assert page["is_public"] is True
    assert page["created_at"].endswith("Z") and page["updated_at"].endswith("Z")
    assert isinstance(page["id"], str)


def test_defaults(api) -> None:
    page = api.make_page()
    assert page["is_public"] is True
    assert page["theme"] == {}
    assert page["description"] is None


def test_slug_collisions_get_numbered_suffixes(api) -> None:
    slugs = [api.make_page(name="Acme Status")["slug"] for _ in range(3)]
    assert slugs == ["acme-status", "acme-status-2", "acme-status-3"]
    # Slugs are global: another tenant's page with the same name gets the next one.
    assert api.as_owner("globex").make_page(name="Acme Status")["slug"] == "acme-status-4"


def test_explicit_slug_taken_is_409(api) -> None:
    api.make_page(slug="acme")
    response = api.post("/", json={"name": "Other", "slug": "acme"})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"


def test_an_unverified_custom_domain_blocks_nobody(api) -> None:
    """A claim proves nothing: the page that proves ownership in DNS gets the domain.

    Once verified, the domain is unique (409): see ``test_domains.py``.
    """
    api.make_page(custom_domain="status.acme.com")
    response = api.as_owner("globex").post(
        "/", json={"name": "G", "custom_domain": "STATUS.acme.com"}
    )
    assert response.status_code == 201
    assert response.json["custom_domain"] == "status.acme.com"
    second = api.make_page(name="Second")
    response = api.put(f"/{second['id']}", json={"custom_domain": "status.acme.com"})
    assert response.status_code == 200
    assert response.json["custom_domain_verified_at"] is None


def test_validation_reports_every_failing_field(api, db, app) -> None:
    response = api.post(
        "/",
        json={
            "name": "",
            "slug": "Not A Slug",
            "is_public": "yes",
            "custom_domain": "not a host",
            "theme": {"primary_color": "blue", "logo_url": "ftp://x"},
            "unknown": 1,
        },
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {
        "name",
        "slug",
        "is_public",
        "custom_domain",
        "theme.primary_color",
        "theme.logo_url",
        "unknown",
    }
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(models.Page)) == 0


def test_name_is_required_and_trimmed(api) -> None:
    assert api.post("/", json={}).json["error"]["fields"] == {
        "name": ["Missing data for required field."]
    }
    assert api.post("/", json={"name": "   "}).status_code == 422
    assert api.make_page(name="  Acme  ")["name"] == "Acme"
    assert api.post("/", json={"name": "x" * 256}).status_code == 422


def test_theme_accepts_short_and_long_colours(api) -> None:
    assert api.make_page(theme={"primary_color": "#abc"})["theme"] == {"primary_color": "#abc"}
    assert api.post("/", json={"name": "x", "theme": {"primary_color": "#abcd"}}).status_code == (
        422
    )


def test_list_is_paginated_and_scoped(api) -> None:
    for n in range(5):
        api.make_page(name=f"Page {n}")
    api.as_owner("globex").make_page(name="Not yours")
    response = api.get("/?page=2&per_page=2")
    assert response.status_code == 200
    assert [p["name"] for p in response.json["data"]] == ["Page 2", "Page 3"]
    assert response.json["pagination"] == {"page": 2, "per_page": 2, "total": 5, "pages": 3}
    assert api.get("/").json["pagination"]["per_page"] == 20
    beyond = api.get("/?page=9&per_page=2").json
    assert beyond["data"] == [] and beyond["pagination"]["total"] == 5


def test_pagination_parameters_are_validated(api) -> None:
    for query in ("per_page=0", "per_page=101", "page=0", "page=abc"):
        response = api.get(f"/?{query}")
        assert response.status_code == 422, query
        assert response.json["error"]["code"] == "validation_error"
        assert response.json["error"]["message"] == "The request query failed validation."
    assert set(api.get("/?page=0&per_page=500").json["error"]["fields"]) == {"page", "per_page"}


def test_get_page_has_ordered_components_and_active_incidents(api) -> None:
    page = api.make_page()
    api.make_component(page["id"], name="Zeta", display_order=1)
    api.make_component(page["id"], name="Beta", display_order=1)
    api.make_component(page["id"], name="Alpha", display_order=2)
    api.make_component(page["id"], name="First", display_order=0)
    active = api.make_incident(page["id"], title="Ongoing")
    api.make_incident(page["id"], title="Over", status="resolved")
    body = api.get(f"/{page['id']}").json
    assert [c["name"] for c in body["components"]] == ["First", "Beta", "Zeta", "Alpha"]
    assert [i["id"] for i in body["active_incidents"]] == [active["id"]]
    assert body["slug"] == page["slug"]


def test_update_is_partial_and_patch_is_an_alias(api) -> None:
    page = api.make_page(description="Old", theme={"primary_color": "#000"})
    response = api.put(f"/{page['id']}", json={"description": "New"})
    assert response.status_code == 200
    assert response.json["description"] == "New"
    assert response.json["name"] == "Acme Status"
    assert response.json["theme"] == {"primary_color": "#000"}
    response = api.patch(f"/{page['id']}", json={"is_public": False, "theme": None})
    assert response.status_code == 200
    assert response.json["is_public"] is False and response.json["theme"] == {}
    assert response.json["updated_at"] >= page["updated_at"]


def test_update_slug_rules(api) -> None:
    first = api.make_page(name="First")
    second = api.make_page(name="Second")
    assert api.put(f"/{second['id']}", json={"slug": "first"}).status_code == 409
    assert api.put(f"/{second['id']}", json={"slug": "Bad Slug"}).status_code == 422
    assert api.put(f"/{first['id']}", json={"slug": "first"}).status_code == 200
    assert api.put(f"/{second['id']}", json={"slug": "renamed"}).json["slug"] == "renamed"


def test_update_validation_changes_nothing(api) -> None:
    page = api.make_page(description="Kept")
    response = api.put(f"/{page['id']}", json={"description": "Changed", "is_public": "no"})
    assert response.status_code == 422
    assert api.get(f"/{page['id']}").json["description"] == "Kept"


def test_delete_page_cascades(api, app, db) -> None:
    page = api.make_page()
    other = api.make_page(name="Other")
    for target in (page, other):
        component = api.make_component(target["id"])
        api.put(f"/{target['id']}/components/{component['id']}", json={"status": "major_outage"})
        incident = api.make_incident(target["id"], message="Looking")
        api.put(f"/{target['id']}/incidents/{incident['id']}", json={"message": "Found it"})
        api.make_subscriber(target["id"])
    assert api.delete(f"/{page['id']}").status_code == 204
    assert api.get(f"/{page['id']}").status_code == 404
    assert api.delete(f"/{page['id']}").status_code == 404
    with app.app_context():
        for model in (
            models.Component,
            models.ComponentStatusChange,
            models.Incident,
            models.IncidentUpdate,
            models.Subscriber,
        ):
            count = db.session.scalar(select(func.count()).select_from(model))
            assert count in (1, 2), model  # only the other page's rows are left
        assert db.session.scalar(select(func.count()).select_from(models.Page)) == 1
    assert len(api.get(f"/{other['id']}").json["components"]) == 1


def test_unknown_page_is_404(api) -> None:
    response = api.get("/does-not-exist")
    assert response.status_code == 404
    assert response.json == {"error": {"code": "not_found", "message": "Page not found."}}
