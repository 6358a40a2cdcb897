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
    assert {"Error", "Page", "PageCreateInput", "PageInputUpdate", "Component", "Incident"} <= (
        set(schemas)
    )
    assert set(schemas["Error"]["properties"]) == {"error"}
    assert "fields" in schemas["ErrorBody"]["properties"]
    create = document["paths"][PREFIX + "/"]["post"]
    assert set(create["responses"]) >= {"201", "400", "401", "403", "409", "413", "422"}
    assert create["responses"]["422"] == {"$ref": "#/components/responses/validation_error"}
    assert schemas["PageCreateInput"]["required"] == ["name"]
    assert "required" not in schemas["PageInputUpdate"]
    incident_status = schemas["Incident"]["properties"]["status"]
    assert incident_status["enum"] == ["investigating", "identified", "monitoring", "resolved"]
    listing = document["paths"][PREFIX + "/{page_id}/incidents"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {
        "page_id",
        "page",
        "per_page",
        "status",
        "take",
        "skip",
    }
    public = document["paths"][PREFIX + "/public/{slug}"]["get"]
    assert public["security"] == []


def _walk_strings(schema: dict, schemas: dict) -> list[dict]:
    """The string schemas inside ``schema``, following ``$ref`` into ``schemas``."""
    if "$ref" in schema:
        return _walk_strings(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas)
    found = [schema] if schema.get("type") == "string" else []
    children = [*schema.get("properties", {}).values(), *schema.get("anyOf", ())]
    if "items" in schema:
        children.append(schema["items"])
    for child in children:
        found += _walk_strings(child, schemas)
    return found


def test_the_document_states_the_rules_the_api_applies(app) -> None:
    document = app.test_client().get(PREFIX + "/openapi.json").json
    schemas, paths = document["components"]["schemas"], document["paths"]
    reactivate = paths[PREFIX + "/{page_id}/subscribers/{subscriber_id}/reactivate"]["post"]
    assert "409" in reactivate["responses"]
    for path, item in paths.items():
        for method, operation in item.items():
            writes = method in ("post", "put", "patch", "delete")
            responses = set(operation["responses"])
            assert ({"403", "415"} <= responses) == writes == ("415" in responses), (method, path)
            if "requestBody" in operation:
                assert operation["requestBody"]["required"] is True
                assert "400" in operation["responses"]
            for parameter in operation.get("parameters", ()):
                free = parameter["schema"]
                if free["type"] == "string" and "enum" not in free:
                    assert free["pattern"] == "^[^\\u0000]*$", (path, parameter)
    subscriber = schemas["SubscriberInput"]
    assert subscriber["oneOf"] == [{"required": ["email"]}, {"required": ["webhook_url"]}]
    assert subscriber["properties"]["email"]["format"] == "email"
    assert "after scheduled_for" in schemas["MaintenanceInput"]["description"]
    start = schemas["MaintenanceInput"]["properties"]["scheduled_for"]
    assert "2000-01-01T00:00:00Z and 9999-12-31T23:59:59Z" in start["description"]
    for name in ("PageCreateInput", "PageInputUpdate", "IncidentInput", "SubscriberInput"):
        for string in _walk_strings(schemas[name], schemas):
            assert {"pattern", "enum"} & set(string) or string["format"] in ("email", "date-time")
            if "pattern" in string:  # every pattern refuses a NUL
                assert not re.search(string["pattern"], "a\x00"), (name, string)
    assert re.search(schemas["IncidentInput"]["properties"]["title"]["pattern"], " ") is None
    theme = schemas["PageCreateInput"]["properties"]["theme"]["anyOf"]
    assert theme == [
        {"$ref": "#/components/schemas/Theme"},
        {"type": "object", "nullable": True, "enum": [None]},
    ]


def test_form_bodies_tokens_and_the_rate_limit_are_documented(app) -> None:
    document = app.test_client().get(PREFIX + "/openapi.json").json
    create = document["paths"][PREFIX + "/{page_id}/components"]["post"]
    content = create["requestBody"]["content"]
    assert set(content) == {"application/json", "application/x-www-form-urlencoded"}
    assert content["application/json"] == content["application/x-www-form-urlencoded"]
    assert "component[field]" in create["requestBody"]["description"]
    assert "name[]=a&name[]=b" in create["requestBody"]["description"]
    schemes = document["components"]["securitySchemes"]
    assert schemes["oauthHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schemes["oauthHeader"]["description"],
    }
    assert schemes["apiKeyQuery"]["in"] == "query" and schemes["apiKeyQuery"]["name"] == "api_key"
    assert "Discouraged" in schemes["apiKeyQuery"]["description"]
    assert create["security"] == [{"bearerAuth": []}, {"oauthHeader": []}, {"apiKeyQuery": []}]
    assert create["responses"]["429"] == {"$ref": "#/components/responses/rate_limited"}
    limited = document["components"]["responses"]["rate_limited"]["headers"]
    assert set(limited) == {
        "Retry-After",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
    }
    assert "X-RateLimit-Remaining" in create["responses"]["201"]["headers"]
    public = document["paths"][PREFIX + "/public/{slug}"]["get"]
    assert "X-RateLimit-Remaining" not in public["responses"]["200"].get("headers", {})
    no_body = document["paths"][PREFIX + "/{page_id}"]["delete"]
    assert "requestBody" not in no_body and "429" in no_body["responses"]
