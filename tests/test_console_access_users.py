"""The console's page access users: the list (searched), whether the page is
audience-only, adding one, editing their components and metrics, removing one."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_statuspages.models import PageAccessUser, PageAccessUserComponent, PageAccessUserMetric

from .console_audience_support import CONSOLE, CROSS_SITE, OPERATOR, count, follow, row


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page(name="Customer Status", visibility="audience")


@pytest.fixture
def things(api: Any, page: dict[str, Any]) -> dict[str, str]:
    """Two components and a metric of the page, by name."""
    made = {name: api.make_component(page["id"], name=name)["id"] for name in ("API", "Billing")}
    made["Latency"] = api.post(f"/{page['id']}/metrics", json={"name": "Latency"}).json["id"]
    return made


def base(page: dict[str, Any]) -> str:
    return f"{CONSOLE}/pages/{page['id']}/access-users"


def add_user(api: Any, page: dict[str, Any], **body: Any) -> dict[str, Any]:
    made = api.post(f"/{page['id']}/page-access-users", json=body)
    assert made.status_code == 201, made.json
    return made.json  # type: ignore[no-any-return]


def test_the_list_shows_each_user_and_what_they_see(
    app: Flask, api: Any, page: dict[str, Any], things: dict[str, str]
) -> None:
    add_user(api, page, email="jane@customer.example", component_ids=[things["Billing"]])
    add_user(api, page, email="joe@customer.example", external_login="joe42")
    html = app.test_client().get(base(page), headers=OPERATOR).get_data(as_text=True)
    assert "jane@customer.example" in html and "joe@customer.example" in html
    assert "<td>Billing</td>" in html and "joe42" in html
    assert "This page is for its access users only" in html


def test_the_list_says_when_the_page_is_not_audience_only(app: Flask, api: Any) -> None:
    public = api.make_page(name="Public")
    html = app.test_client().get(base(public), headers=OPERATOR).get_data(as_text=True)
    assert "This page is not audience-only (its visibility is “Public”)" in html


def test_search_narrows_the_list(app: Flask, api: Any, page: dict[str, Any]) -> None:
    add_user(api, page, email="Jane@Customer.example")
    add_user(api, page, email="joe@elsewhere.example")
    html = (
        app.test_client().get(base(page) + "?q=customer", headers=OPERATOR).get_data(as_text=True)
    )
    assert "jane@customer.example" in html and "joe@" not in html
    html = app.test_client().get(base(page) + "?q=_", headers=OPERATOR).get_data(as_text=True)
    assert "No access user matches." in html


def test_a_user_is_added_with_their_components_and_metrics(
    app: Flask, api: Any, page: dict[str, Any], things: dict[str, str]
) -> None:
    client = app.test_client()
    form = {
        "email": "jane@customer.example",
        "external_login": "",
        "components_only": "true",
        "component_ids[]": [things["API"]],
        "metric_ids[]": [things["Latency"]],
        "metrics_only": "true",
    }
    response = client.post(base(page) + "/new", data=form, headers=OPERATOR)
    assert "jane@customer.example may now see the page." in follow(client, response)
    [user] = api.get(f"/{page['id']}/page-access-users").json["data"]
    assert user["component_ids"] == [things["API"]] and user["components_only"] is True
    assert user["metric_ids"] == [things["Latency"]] and user["metrics_only"] is True
    assert user["external_login"] is None


def test_a_user_without_limits_sees_everything(
    app: Flask, api: Any, page: dict[str, Any], things: dict[str, str]
) -> None:
    client = app.test_client()
    response = client.post(base(page) + "/new", data={"email": "all@x.example"}, headers=OPERATOR)
    assert response.status_code == 303
    [user] = api.get(f"/{page['id']}/page-access-users").json["data"]
    assert user["components_only"] is False and user["metrics_only"] is False


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": "a@x.example", "component_ids[]": ["not-here"]}, "component_ids"),
        ({"email": "a@x.example", "metric_ids[]": ["not-here"]}, "metric_ids"),
    ],
)
def test_a_bad_user_comes_back_with_its_error_and_writes_nothing(
    app: Flask, page: dict[str, Any], things: dict[str, str], form: dict[str, Any], field: str
) -> None:
    response = app.test_client().post(base(page) + "/new", data=form, headers=OPERATOR)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="error-{field}"' in html or ('class="field-error"' in html)
    assert count(app, PageAccessUser) == 0


def test_a_known_email_is_refused(app: Flask, api: Any, page: dict[str, Any]) -> None:
    add_user(api, page, email="jane@customer.example")
    response = app.test_client().post(
        base(page) + "/new", data={"email": "JANE@customer.example"}, headers=OPERATOR
    )
    assert response.status_code == 422
    assert "already" in response.get_data(as_text=True)
    assert count(app, PageAccessUser) == 1


def test_a_users_components_and_metrics_are_edited(
    app: Flask, api: Any, page: dict[str, Any], things: dict[str, str]
) -> None:
    user = add_user(
        api,
        page,
        email="jane@customer.example",
        component_ids=[things["API"]],
        metric_ids=[things["Latency"]],
    )
    client = app.test_client()
    path = f"{base(page)}/{user['id']}"
    shown = client.get(path, headers=OPERATOR).get_data(as_text=True)
    assert f'value="{things["API"]}" checked' in shown and f'value="{things["Billing"]}">' in shown
    form = {
        "email": "jane@customer.example",
        "components_only": "true",
        "component_ids[]": [things["Billing"]],
    }
    assert "What jane@customer.example sees was saved." in follow(
        client, client.post(path, data=form, headers=OPERATOR)
    )
    assert (
        count(app, PageAccessUserComponent, user_id=user["id"], component_id=things["Billing"]) == 1
    )
    assert count(app, PageAccessUserComponent, user_id=user["id"]) == 1
    assert count(app, PageAccessUserMetric, user_id=user["id"]) == 0
    found = row(app, PageAccessUser, user["id"])
    assert found.components_only is True and found.metrics_only is False


def test_a_refused_edit_writes_nothing(
    app: Flask, api: Any, page: dict[str, Any], things: dict[str, str]
) -> None:
    user = add_user(api, page, email="jane@customer.example", component_ids=[things["API"]])
    response = app.test_client().post(
        f"{base(page)}/{user['id']}",
        data={"email": "jane@customer.example", "component_ids[]": ["gone"]},
        headers=OPERATOR,
    )
    assert response.status_code == 422
    assert count(app, PageAccessUserComponent, user_id=user["id"], component_id=things["API"]) == 1


def test_removing_asks_first_then_removes(app: Flask, api: Any, page: dict[str, Any]) -> None:
    user = add_user(api, page, email="bye@customer.example")
    client = app.test_client()
    path = f"{base(page)}/{user['id']}/delete"
    assert "Remove bye@customer.example?" in client.get(path, headers=OPERATOR).get_data(
        as_text=True
    )
    assert count(app, PageAccessUser) == 1
    assert "bye@customer.example can no longer see the page." in follow(
        client, client.post(path, headers=OPERATOR)
    )
    assert count(app, PageAccessUser) == 0


def test_another_owners_users_are_not_found(app: Flask, api: Any) -> None:
    globex = api.as_owner("globex")
    theirs = globex.make_page(name="Globex")
    user = globex.post(
        f"/{theirs['id']}/page-access-users", json={"email": "s@globex.example"}
    ).json
    client = app.test_client()
    for suffix in ("", "/new", f"/{user['id']}", f"/{user['id']}/delete"):
        response = client.get(base(theirs) + suffix, headers=OPERATOR)
        assert response.status_code == 404, suffix
        assert "s@globex.example" not in response.get_data(as_text=True)
        posted = client.post(base(theirs) + suffix, data={"email": "f@x.example"}, headers=OPERATOR)
        assert posted.status_code in (404, 405), suffix
    assert (
        count(app, PageAccessUser) == 1
        and row(app, PageAccessUser, user["id"]).email == "s@globex.example"
    )


@pytest.mark.parametrize("action", ["new", "edit", "delete"])
def test_a_form_from_another_site_is_refused_and_writes_nothing(
    app: Flask, api: Any, page: dict[str, Any], action: str
) -> None:
    user = add_user(api, page, email="jane@customer.example")
    suffix = {"new": "/new", "edit": f"/{user['id']}", "delete": f"/{user['id']}/delete"}[action]
    response = app.test_client().post(
        base(page) + suffix, data={"email": "evil@x.example"}, headers=CROSS_SITE
    )
    assert response.status_code == 403
    assert count(app, PageAccessUser) == 1
    assert row(app, PageAccessUser, user["id"]).email == "jane@customer.example"
