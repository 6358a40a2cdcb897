"""Incident templates: CRUD, validation, and POST .../incidents with a template_id."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from flask_statuspages import models


@pytest.fixture
def page(api) -> dict[str, Any]:
    return api.make_page(name="Acme Status")


@pytest.fixture
def component(api, page) -> dict[str, Any]:
    return api.make_component(page["id"], name="Database")


def templates_url(page: dict[str, Any]) -> str:
    return f"/{page['id']}/incident-templates"


def make_template(api, page: dict[str, Any], **body: Any) -> dict[str, Any]:
    body = {"name": "DB failover", "title": "Database failover", **body}
    response = api.post(templates_url(page), json=body)
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def count(app, db, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))  # type: ignore[no-any-return]


# ------------------------------------------------------------------ CRUD


def test_create_read_list_update_delete(api, page, component) -> None:
    response = api.post(
        templates_url(page),
        json={
            "name": " DB failover ",
            "title": "Database failover",
            "message": "The primary is **down**; the replica takes over.",
            "impact": "major",
            "components": {component["id"]: "partial_outage"},
        },
    )
    assert response.status_code == 201, response.json
    created = response.json
    assert response.headers["Location"].endswith(f"{templates_url(page)}/{created['id']}")
    assert created["name"] == "DB failover"  # trimmed
    assert created["severity"] == created["impact"] == "major"
    assert created["components"] == {component["id"]: "partial_outage"}
    assert created["page_id"] == page["id"]

    url = f"{templates_url(page)}/{created['id']}"
    assert api.get(url).json == created
    make_template(api, page, name="Another", title="Slow API")
    listed = api.get(templates_url(page)).json
    assert [t["name"] for t in listed["data"]] == ["Another", "DB failover"]
    assert listed["pagination"]["total"] == 2

    patched = api.patch(url, json={"severity": "critical", "components": {}}).json
    assert patched["severity"] == "critical" and patched["components"] == {}
    assert patched["title"] == "Database failover", "fields not given stay"
    put = api.put(url, json={"message": None, "impact": None})
    assert put.status_code == 200 and put.json["message"] is None
    assert put.json["severity"] is None

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404


def test_unknown_template_is_404(api, page) -> None:
    url = f"{templates_url(page)}/{'0' * 32}"
    assert api.get(url).status_code == 404
    assert api.patch(url, json={"title": "x"}).json["error"]["code"] == "not_found"


def test_deleting_the_page_takes_its_templates(api, app, db, page) -> None:
    make_template(api, page)
    assert api.delete(f"/{page['id']}").status_code == 204
    assert count(app, db, models.IncidentTemplate) == 0


# ------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("body", "failing"),
    [
        ({}, {"name", "title"}),
        ({"name": " ", "title": "x"}, {"name"}),
        ({"name": "n", "title": "t", "severity": "huge"}, {"severity"}),
        ({"name": "n", "title": "t", "impact": "MAJOR"}, {"impact"}),
        (
            {"name": "n", "title": "t", "severity": "minor", "impact": "major"},
            {"impact", "severity"},
        ),
        ({"name": "n", "title": "t", "components": {"x": "broken"}}, {"components.x.value"}),
        ({"name": "n", "title": "t", "components": ["x"]}, {"components"}),
        ({"name": "n", "title": "t", "colour": "red"}, {"colour"}),
    ],
)
def test_bad_input_is_422_and_writes_nothing(api, app, db, page, body, failing) -> None:
    response = api.post(templates_url(page), json=body)
    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) == failing
    assert count(app, db, models.IncidentTemplate) == 0


def test_same_impact_and_severity_is_fine(api, page) -> None:
    assert make_template(api, page, severity="minor", impact="minor")["severity"] == "minor"


def test_components_must_be_the_pages(api, app, db, page, component) -> None:
    other = api.make_page(name="Other")
    foreign = api.make_component(other["id"], name="Theirs")
    body = {
        "name": "n",
        "title": "t",
        "components": {component["id"]: "major_outage", foreign["id"]: "major_outage"},
    }
    response = api.post(templates_url(page), json=body)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["components"]
    assert foreign["id"] in response.json["error"]["fields"]["components"][0]
    assert count(app, db, models.IncidentTemplate) == 0

    template = make_template(api, page)
    url = f"{templates_url(page)}/{template['id']}"
    response = api.patch(url, json={"title": "Changed", "components": body["components"]})
    assert response.status_code == 422
    assert api.get(url).json == template, "nothing written"


# ------------------------------------------------- incidents from a template


def incidents_url(page: dict[str, Any]) -> str:
    return f"/{page['id']}/incidents"


def test_the_template_fills_the_incident(api, page) -> None:
    template = make_template(api, page, message="We fail over.", impact="major")
    response = api.post(incidents_url(page), json={"template_id": template["id"]})
    assert response.status_code == 201, response.json
    incident = response.json
    assert (incident["title"], incident["message"], incident["severity"]) == (
        "Database failover",
        "We fail over.",
        "major",
    )
    assert incident["updates"][0]["message"] == "We fail over."


def test_the_requests_fields_win(api, page) -> None:
    template = make_template(api, page, message="We fail over.", severity="major")
    incident = api.make_incident(
        page["id"],
        template_id=template["id"],
        title="Failover in eu-west",
        severity="critical",
        status="identified",
    )
    assert (incident["title"], incident["message"], incident["severity"], incident["status"]) == (
        "Failover in eu-west",
        "We fail over.",
        "critical",
        "identified",
    )
    explicit_none = api.make_incident(page["id"], template_id=template["id"], message=None)
    assert explicit_none["message"] is None, "a field given as null wins too"


def test_a_template_without_severity_leaves_the_default(api, page) -> None:
    template = make_template(api, page)
    incident = api.make_incident(page["id"], template_id=template["id"])
    assert incident["severity"] == "minor"


def test_the_template_gives_its_components(api, page, component) -> None:
    other = api.make_component(page["id"], name="Cache")
    template = make_template(api, page, components={component["id"]: "major_outage"})
    filled = api.make_incident(page["id"], template_id=template["id"])
    assert filled["components"] == {component["id"]: "major_outage"}
    assert api.get(f"/{page['id']}/components/{component['id']}").json["status"] == ("major_outage")
    replaced = api.make_incident(
        page["id"], template_id=template["id"], components={other["id"]: "partial_outage"}
    )
    assert replaced["components"] == {other["id"]: "partial_outage"}, "replaced, not merged"


def test_a_deleted_component_is_left_out(api, app, db, page, component) -> None:
    template = make_template(api, page, components={component["id"]: "major_outage"})
    api.delete(f"/{page['id']}/components/{component['id']}")
    assert api.post(incidents_url(page), json={"template_id": template["id"]}).status_code == 201
    with app.app_context():
        incident = db.session.scalars(select(models.Incident)).one()
        assert incident.components == {}


def test_unknown_or_foreign_template_is_422_and_writes_nothing(api, app, db, page) -> None:
    other = api.make_page(name="Other")
    theirs = make_template(api, other)
    for template_id in ("0" * 32, theirs["id"]):
        response = api.post(incidents_url(page), json={"template_id": template_id})
        assert response.status_code == 422, response.json
        assert list(response.json["error"]["fields"]) == ["template_id"]
    assert count(app, db, models.Incident) == 0
    assert count(app, db, models.NotificationEvent) == 0


def test_title_is_required_without_a_template(api, app, db, page) -> None:
    response = api.post(incidents_url(page), json={"message": "No title"})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"title": ["Missing data for required field."]}
    assert count(app, db, models.Incident) == 0


def test_template_id_only_when_creating(api, page) -> None:
    template = make_template(api, page)
    incident = api.make_incident(page["id"])
    response = api.patch(
        f"{incidents_url(page)}/{incident['id']}", json={"template_id": template["id"]}
    )
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["template_id"]


def test_the_domain_function_fills_too(api, app, page) -> None:
    """Host code calling the domain (as the Python API does) gets the template as well."""
    from flask_statuspages.domain import incidents, pages

    template = make_template(api, page, severity="critical")
    with app.app_context():
        owned = pages.get_owned_page("acme", page["id"])
        incident = incidents.create_incident(owned, {"template_id": template["id"]})
        assert (incident.title, incident.severity) == ("Database failover", "critical")
