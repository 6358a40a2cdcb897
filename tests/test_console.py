"""The operator console's frame: who enters, the cross-site rule, forms refused with
their errors next to their fields, and the headers of every answer. The screens
have their own test modules (tests/test_console_*.py)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_statuspages.models import Page

CONSOLE = "/status-admin"
OPERATOR = {"X-Owner": "acme"}


def pages_of(app: Flask, owner: str) -> list[str]:
    with app.app_context():
        from flask_statuspages.state import db_session

        return [p.name for p in db_session().query(Page).filter_by(owner=owner)]


def test_without_an_operator_and_no_login_url_the_console_answers_401(app: Flask) -> None:
    response = app.test_client().get(CONSOLE + "/")
    assert response.status_code == 401
    assert "Sign in" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"STATUSPAGES_CONSOLE_LOGIN_URL": "/login"}])
def test_without_an_operator_the_console_sends_to_the_hosts_login(app: Flask) -> None:
    response = app.test_client().get(CONSOLE + "/pages/new?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fstatus-admin%2Fpages%2Fnew%3Fx%3D1"


def test_static_files_need_no_operator(app: Flask) -> None:
    with app.test_client().get(CONSOLE + "/static/console.css") as response:
        assert response.status_code == 200
        assert b"prefers-color-scheme: dark" in response.data


def test_every_answer_has_the_consoles_headers(app: Flask) -> None:
    response = app.test_client().get(CONSOLE + "/", headers=OPERATOR)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_page_is_created_from_the_form_and_the_next_screen_says_so(app: Flask) -> None:
    client = app.test_client()
    response = client.post(CONSOLE + "/pages/new", data={"name": "Acme"}, headers=OPERATOR)
    assert response.status_code == 303
    shown = client.get(response.headers["Location"], headers=OPERATOR)
    assert "Page “Acme” created." in shown.get_data(as_text=True)
    assert pages_of(app, "acme") == ["Acme"]


def test_a_page_made_without_an_address_gets_one_from_its_name(app: Flask, api: Any) -> None:
    client = app.test_client()
    form = {"name": "Acme Cloud", "slug": "", "description": ""}
    response = client.post(CONSOLE + "/pages/new", data=form, headers=OPERATOR)
    assert response.status_code == 303
    assert [page["slug"] for page in api.as_owner("acme").get("/").json["data"]] == ["acme-cloud"]


def test_a_refused_form_comes_back_with_the_error_beside_its_field(app: Flask) -> None:
    response = app.test_client().post(
        CONSOLE + "/pages/new", data={"name": "", "slug": "Not A Slug"}, headers=OPERATOR
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-name"' in html and 'aria-invalid="true"' in html
    assert 'id="error-name"' in html and 'id="error-slug"' in html
    assert 'value="Not A Slug"' in html  # what was typed stays
    assert pages_of(app, "acme") == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Origin": "https://evil.example"},
    ],
)
def test_a_form_sent_from_another_site_is_refused_and_writes_nothing(
    app: Flask, headers: dict[str, str]
) -> None:
    response = app.test_client().post(
        CONSOLE + "/pages/new", data={"name": "Evil"}, headers={**OPERATOR, **headers}
    )
    assert response.status_code == 403
    assert pages_of(app, "acme") == []


def test_a_json_body_is_not_a_console_form(app: Flask) -> None:
    response = app.test_client().post(
        CONSOLE + "/pages/new", json={"name": "Acme"}, headers=OPERATOR
    )
    assert response.status_code == 415
    assert pages_of(app, "acme") == []


def test_another_owners_page_is_not_found(app: Flask, api: Any) -> None:
    page = api.as_owner("globex").make_page(name="Globex")
    response = app.test_client().get(f"{CONSOLE}/pages/{page['id']}/", headers=OPERATOR)
    assert response.status_code == 404
    assert "Globex" not in response.get_data(as_text=True)


def test_the_page_overview_is_live_through_the_consoles_event_stream(app: Flask, api: Any) -> None:
    page = api.as_owner("acme").make_page(name="Acme")
    html = (
        app.test_client()
        .get(f"{CONSOLE}/pages/{page['id']}/", headers=OPERATOR)
        .get_data(as_text=True)
    )
    assert f'data-events="{CONSOLE}/pages/{page["id"]}/events"' in html


@pytest.mark.parametrize("app_config", [{"STATUSPAGES_CONSOLE_PREFIX": None}])
def test_the_console_can_be_turned_off(app: Flask) -> None:
    assert app.test_client().get(CONSOLE + "/", headers=OPERATOR).status_code == 404


def test_the_console_speaks_the_operators_language(app: Flask) -> None:
    response = app.test_client().get(
        CONSOLE + "/", headers={**OPERATOR, "Accept-Language": "de-DE,de;q=0.9"}
    )
    assert '<html lang="de">' in response.get_data(as_text=True)
