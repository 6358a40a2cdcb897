"""The OpenAPI document: valid, generated, and covering every route."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from flask_statuspages.views import ENDPOINTS

from .conftest import PREFIX


def test_document_is_valid_and_covers_every_route(app) -> None:
    response = app.test_client().get(PREFIX + "/openapi.json")
    assert response.status_code == 200
    document = response.json
    validate(document)
    operations = {
        (path, method.upper()) for path, item in document["paths"].items() for method in item
    }
    expected = {
        (PREFIX + re.sub(r"<([^<>]+)>", r"{\1}", e.rule), m) for e in ENDPOINTS for m in e.methods
    }
    assert expected <= operations
    flask_rules = {
        (re.sub(r"<([^<>]+)>", r"{\1}", r.rule), m)
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("statuspages.")
        for m in r.methods - {"HEAD", "OPTIONS"}
    }
    assert flask_rules == operations


def test_error_shapes_and_schemas_are_described(app) -> None:
    document = app.test_client().get(PREFIX + "/openapi.json").json
    schemas = document["components"]["schemas"]
    assert {"Error", "Page", "PageInput", "PageInputUpdate", "Component", "Incident"} <= set(
        schemas
    )
    assert set(schemas["Error"]["properties"]) == {"error"}
    assert "fields" in schemas["ErrorBody"]["properties"]
    create = document["paths"][PREFIX + "/"]["post"]
    assert set(create["responses"]) >= {"201", "400", "401", "403", "409", "413", "422"}
    assert create["responses"]["422"] == {"$ref": "#/components/responses/validation_error"}
    assert schemas["PageInput"]["required"] == ["name"]
    assert "required" not in schemas["PageInputUpdate"]
    incident_status = schemas["Incident"]["properties"]["status"]
    assert incident_status["enum"] == ["investigating", "identified", "monitoring", "resolved"]
    listing = document["paths"][PREFIX + "/{page_id}/incidents"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page_id", "page", "per_page", "status"}
    public = document["paths"][PREFIX + "/public/{slug}"]["get"]
    assert public["security"] == []
