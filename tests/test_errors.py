"""The error contract: JSON everywhere under the prefix, never a 500 for bad input."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from flask_statuspages import models

from .conftest import PREFIX


def test_malformed_json_is_400(api) -> None:
    for raw in ("{bad", "[1,", "\xff", '{"name": NaN}', '{"name": "x", "a": -Infinity}'):
        response = api.post("/", data=raw, content_type="application/json")
        assert response.status_code == 400
        assert response.json["error"]["code"] == "bad_request"


def test_json_that_is_not_an_object_is_422(api) -> None:
    for raw in ("[]", "42", '"name"', "null"):
        response = api.post("/", data=raw, content_type="application/json")
        assert response.status_code == 422, raw
        assert response.json["error"]["code"] == "validation_error"


def test_json_sent_as_text_plain_is_415(api) -> None:
    response = api.post("/", data='{"name": "Plain"}', content_type="text/plain")
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"


def test_oversized_body_is_413_and_writes_nothing(api, app, db) -> None:
    app.config["STATUSPAGES_MAX_CONTENT_LENGTH"] = 1024
    response = api.post("/", json={"name": "x", "description": "y" * 5000})
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(models.Page)) == 0


def test_unknown_path_and_method_under_the_prefix_are_json(api) -> None:
    response = api.get("/a/b/c/d/e")
    assert response.status_code == 404 and response.is_json
    assert response.json["error"]["code"] == "not_found"
    page = api.make_page()
    response = api.post(f"/{page['id']}")
    assert response.status_code == 405 and response.is_json
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "PUT" in response.headers["Allow"]
    assert api.request("PATCH", "/").json["error"]["code"] == "method_not_allowed"


def test_the_hosts_own_errors_stay_the_hosts(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/somewhere/else")
    assert response.status_code == 404
    assert not response.is_json


def test_unauthenticated_is_401_json(api) -> None:
    response = api.as_owner(None).get("/")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unexpected_errors_are_json_500(app, api) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken() -> str:
        raise RuntimeError("boom")

    app.extensions["statuspages"].extension.owner_loader(broken)
    response = api.get("/")
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
    assert "boom" not in response.get_data(as_text=True)


def test_prefix_without_trailing_slash_works(api) -> None:
    api.make_page()
    response = api.client.get(PREFIX, headers={"X-Owner": "acme"})
    assert response.status_code == 200
    assert response.json["pagination"]["total"] == 1


def test_nul_characters_are_refused_before_the_database_sees_them(api) -> None:
    page = api.make_page()
    response = api.post(f"/{page['id']}/incidents", json={"title": "Outage\x00", "message": "x"})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"title": ["Must not contain NUL characters."]}
    bad_theme = api.put(f"/{page['id']}", json={"theme": {"logo_url": "https://a.b/\x00"}})
    assert bad_theme.status_code == 422
    assert api.get(f"/{page['id']}/incidents").json["pagination"]["total"] == 0
