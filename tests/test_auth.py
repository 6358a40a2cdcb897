"""The built-in API tokens, the owner loader hook, and the plan's page limit."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from flask_statuspages.models import ApiToken

from .conftest import PREFIX, _reset_postgres, make_app


@pytest.fixture
def token_app(database_url, backend):
    """An app with no owner loader: only API tokens get in."""
    app, ext, db = make_app(database_url)
    with app.app_context():
        if backend == "postgresql":
            _reset_postgres(db)
        else:
            ext.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def _create_token(app, owner: str) -> str:
    result = app.test_cli_runner().invoke(
        args=["statuspages", "create-token", owner, "--name", "ci"]
    )
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_no_loader_and_no_token_is_401(token_app) -> None:
    client = token_app.test_client()
    assert client.get(PREFIX + "/").status_code == 401
    assert client.get(PREFIX + "/", headers={"X-Owner": "acme"}).status_code == 401
    for header in ("Bearer", "Bearer nope", "Basic YWxpY2U6eA==", "sp_token"):
        response = client.get(PREFIX + "/", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_cli_token_authenticates_its_owner(token_app) -> None:
    token = _create_token(token_app, "acme")
    assert token.startswith("sp_") and len(token) > 40
    client = token_app.test_client()
    acme = {"Authorization": f"Bearer {token}"}
    created = client.post(PREFIX + "/", json={"name": "Acme"}, headers=acme)
    assert created.status_code == 201
    globex = {"Authorization": f"Bearer {_create_token(token_app, 'globex')}"}
    assert client.get(f"{PREFIX}/{created.json['id']}", headers=globex).status_code == 404
    assert client.get(f"{PREFIX}/{created.json['id']}", headers=acme).status_code == 200


def test_tokens_are_stored_hashed(token_app) -> None:
    token = _create_token(token_app, "acme")
    with token_app.app_context():
        stored = token_app.extensions["statuspages"].db.session.scalars(select(ApiToken)).one()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in repr(vars(stored))


def test_list_and_revoke(token_app) -> None:
    token = _create_token(token_app, "acme")
    runner = token_app.test_cli_runner()
    listing = runner.invoke(args=["statuspages", "list-tokens", "acme"]).stdout
    token_id = listing.split("\t")[0]
    assert "acme" in listing and token not in listing
    assert runner.invoke(args=["statuspages", "revoke-token", token_id]).exit_code == 0
    response = token_app.test_client().get(
        PREFIX + "/", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    assert runner.invoke(args=["statuspages", "revoke-token", token_id]).exit_code != 0


def test_owner_loader_result_is_used_as_a_string(app, ext) -> None:
    ext.owner_loader(lambda: 42)
    client = app.test_client()
    created = client.post(PREFIX + "/", json={"name": "Numbers"})
    assert created.status_code == 201
    assert client.get(PREFIX + "/").json["pagination"]["total"] == 1


def test_page_limit_from_config(api, app) -> None:
    app.config["STATUSPAGES_MAX_PAGES_PER_OWNER"] = 3
    for n in range(3):
        api.make_page(name=f"P{n}")
    response = api.post("/", json={"name": "One too many"})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "page_limit_reached"
    assert api.get("/").json["pagination"]["total"] == 3
    assert api.as_owner("globex").post("/", json={"name": "Other tenant"}).status_code == 201


def test_page_limit_loader_overrides_config(api, app, ext) -> None:
    app.config["STATUSPAGES_MAX_PAGES_PER_OWNER"] = 1
    plans = {"acme": None, "globex": 2}
    ext.page_limit_loader(lambda owner: plans[owner])
    for n in range(4):
        api.make_page(name=f"Enterprise {n}")
    globex = api.as_owner("globex")
    globex.make_page(name="G1")
    globex.make_page(name="G2")
    assert globex.post("/", json={"name": "G3"}).json["error"]["code"] == "page_limit_reached"
