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


# ------------------------------------- Statuspage's ways to send a token


def test_a_token_as_statuspage_sends_it(token_app) -> None:
    """``Authorization: OAuth <token>`` and ``?api_key=<token>``, as in seed 002."""
    token = _create_token(token_app, "acme")
    client = token_app.test_client()
    oauth = client.post(
        PREFIX + "/", json={"name": "Acme"}, headers={"Authorization": f"OAuth {token}"}
    )
    assert oauth.status_code == 201, oauth.json
    listed = client.get(PREFIX + "/", query_string={"api_key": token})
    assert listed.status_code == 200 and listed.json["pagination"]["total"] == 1
    globex = _create_token(token_app, "globex")
    other = client.get(f"{PREFIX}/{oauth.json['id']}", query_string={"api_key": globex})
    assert other.status_code == 404, "tenancy holds whichever way the token comes"
    header_wins = client.get(
        PREFIX + "/", query_string={"api_key": globex}, headers={"Authorization": f"OAuth {token}"}
    )
    assert header_wins.json["pagination"]["total"] == 1


@pytest.mark.parametrize(
    "headers, query",
    [
        ({"Authorization": "OAuth"}, {}),
        ({"Authorization": "OAuth sp_wrong"}, {}),
        ({}, {"api_key": ""}),
        ({}, {"api_key": "sp_wrong"}),
        ({"Authorization": "Token sp_wrong"}, {}),
    ],
)
def test_the_same_401_whichever_way(token_app, headers, query) -> None:
    response = token_app.test_client().get(PREFIX + "/", headers=headers, query_string=query)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="statuspages"'


def test_an_api_key_is_never_echoed(token_app) -> None:
    """Not in ``Location``, not in an answer's headers or body, not in an error."""
    token = _create_token(token_app, "acme")
    client = token_app.test_client()
    key = {"api_key": token}
    page = client.post(PREFIX + "/", json={"name": "Acme"}, query_string=key)
    assert page.status_code == 201
    page_id = page.json["id"]
    components = f"{PREFIX}/{page_id}/components"
    component = client.post(components, json={"name": "API"}, query_string=key)
    answers = [
        page,
        component,
        client.get(f"{PREFIX}/{page_id}/components", query_string={**key, "per_page": 1}),
        client.get(f"{PREFIX}/{page_id}/incidents", query_string={**key, "page": 2}),
        client.post(f"{PREFIX}/{page_id}/components", json={"name": ""}, query_string=key),
        client.get(f"{PREFIX}/nope", query_string=key),
        client.delete(f"{PREFIX}/{page_id}/components/{component.json['id']}", query_string=key),
    ]
    assert [a.status_code for a in answers] == [201, 201, 200, 200, 422, 404, 204]
    assert "?" not in page.headers["Location"] and "?" not in component.headers["Location"]
    for answer in answers:
        assert token not in answer.get_data(as_text=True)
        assert all(token not in value for value in answer.headers.values())
