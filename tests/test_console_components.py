"""The console's components screen: the list by group, a status set in one click
(with who it will notify), creating, editing and deleting components and groups,
and reordering by the Move buttons and by a whole new layout (the drag and drop's).
Each route: success, a refused form (422, nothing written), another owner's page
(404) and a form from another site (403, nothing written)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_statuspages.console.ordering import move_component, move_item

CONSOLE = "/status-admin"
OPERATOR = {"X-Owner": "acme"}
CROSS_SITE = {**OPERATOR, "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}


@pytest.fixture
def acme(api: Any) -> Any:
    return api.as_owner("acme")


@pytest.fixture
def page(acme: Any) -> dict[str, Any]:
    """Backend: API, Database; Frontend: Web; ungrouped: Docs."""
    page = acme.make_page(name="Acme", slug="acme")
    for name, group in (("API", "Backend"), ("Database", "Backend"), ("Web", "Frontend")):
        acme.make_component(page["id"], name=name, group_name=group)
    acme.make_component(page["id"], name="Docs")
    return page


def url(page: dict[str, Any], rest: str = "") -> str:
    return f"{CONSOLE}/pages/{page['id']}/{rest}"


def layout(acme: Any, page: dict[str, Any]) -> list[tuple[str | None, str]]:
    """(group name, component name) in the public order."""
    public = acme.get(f"/public/{page['slug']}").json
    groups = {g["id"]: g["name"] for g in public.get("groups") or []}
    rows = acme.get(f"/{page['id']}/components").json["data"]
    by_group = {g: [r for r in rows if r["group_id"] == g] for g in [*groups, None]}
    return [(groups.get(g), r["name"]) for g in by_group for r in by_group[g]]


def component_id(acme: Any, page: dict[str, Any], name: str) -> str:
    rows = acme.get(f"/{page['id']}/components").json["data"]
    return next(r["id"] for r in rows if r["name"] == name)  # type: ignore[no-any-return]


def group_id(acme: Any, page: dict[str, Any], name: str) -> str:
    rows = acme.get(f"/{page['id']}/groups").json["data"]
    return next(r["id"] for r in rows if r["name"] == name)  # type: ignore[no-any-return]


# --------------------------------------------------------------- pure rules


def test_moving_an_item_swaps_it_with_its_neighbour() -> None:
    assert move_item(["a", "b", "c"], "b", -1) == ["b", "a", "c"]
    assert move_item(["a", "b", "c"], "b", 1) == ["a", "c", "b"]
    assert move_item(["a", "b"], "a", -1) is None


def test_a_component_moved_past_its_groups_edge_joins_the_next_group() -> None:
    sections = [("g1", ["a", "b"]), ("g2", []), (None, ["c"])]
    assert move_component(sections, "a", 1) == ("g1", ["b", "a", "c"])
    assert move_component(sections, "b", 1) == ("g2", ["a", "b", "c"])
    assert move_component(sections, "c", -1) == ("g2", ["a", "b", "c"])
    assert move_component(sections, "a", -1) is None
    assert move_component(sections, "c", 1) is None


# ------------------------------------------------------------------ the list


def test_the_list_shows_groups_in_order_with_status_forms_and_reach(
    app: Flask, acme: Any, page: Any
) -> None:
    subscriber = acme.make_subscriber(page["id"], email="ops@example.com")
    acme.get(f"/{page['id']}/subscribers/verify/{subscriber['verify_token']}")
    response = app.test_client().get(url(page, "components"), headers=OPERATOR)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index("Backend") < html.index("API") < html.index("Database")
    assert html.index("Database") < html.index("Frontend") < html.index("Web")
    assert html.index("Web") < html.index("Not in a group") < html.index("Docs")
    assert 'name="status"' in html and "Move API down" in html
    assert "Notifies 1 email subscriber and 0 webhooks." in html


def test_a_status_is_set_from_the_list(app: Flask, acme: Any, page: Any) -> None:
    api_id = component_id(acme, page, "API")
    client = app.test_client()
    response = client.post(
        url(page, f"components/{api_id}/status"), data={"status": "major_outage"}, headers=OPERATOR
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/components#component-{api_id}")
    assert acme.get(f"/{page['id']}/components/{api_id}").json["status"] == "major_outage"
    shown = client.get(response.headers["Location"], headers=OPERATOR).get_data(as_text=True)
    assert "“API” is now Major outage." in shown


def test_a_wrong_status_is_refused_beside_its_row(app: Flask, acme: Any, page: Any) -> None:
    api_id = component_id(acme, page, "API")
    response = app.test_client().post(
        url(page, f"components/{api_id}/status"), data={"status": "on_fire"}, headers=OPERATOR
    )
    assert response.status_code == 422
    assert 'class="field-error row-error" role="alert"' in response.get_data(as_text=True)
    assert acme.get(f"/{page['id']}/components/{api_id}").json["status"] == "operational"


# ---------------------------------------------------------------- components


def test_a_component_is_created_in_a_group(app: Flask, acme: Any, page: Any) -> None:
    backend = group_id(acme, page, "Backend")
    form = {"name": "Queue", "group_id": backend, "status": "degraded_performance"}
    response = app.test_client().post(url(page, "components/new"), data=form, headers=OPERATOR)
    assert response.status_code == 303
    row = next(
        r for r in acme.get(f"/{page['id']}/components").json["data"] if r["name"] == "Queue"
    )
    assert (row["group_id"], row["status"], row["show_uptime"]) == (
        backend,
        "degraded_performance",
        False,
    )


def test_a_refused_component_writes_nothing(app: Flask, acme: Any, page: Any) -> None:
    form = {"name": "", "group_id": "nope"}
    response = app.test_client().post(url(page, "components/new"), data=form, headers=OPERATOR)
    assert response.status_code == 422
    assert 'id="error-name"' in response.get_data(as_text=True)
    assert len(acme.get(f"/{page['id']}/components").json["data"]) == 4


def test_a_component_is_edited(app: Flask, acme: Any, page: Any) -> None:
    web = component_id(acme, page, "Web")
    client = app.test_client()
    assert 'value="Web"' in client.get(
        url(page, f"components/{web}/edit"), headers=OPERATOR
    ).get_data(as_text=True)
    form = {"name": "Website", "description": "The shop", "group_id": "", "show_uptime": "true"}
    response = client.post(url(page, f"components/{web}/edit"), data=form, headers=OPERATOR)
    assert response.status_code == 303
    row = acme.get(f"/{page['id']}/components/{web}").json
    assert (row["name"], row["description"], row["group_id"]) == ("Website", "The shop", None)


def test_a_refused_edit_writes_nothing(app: Flask, acme: Any, page: Any) -> None:
    web = component_id(acme, page, "Web")
    form = {"name": "x" * 300, "group_id": ""}
    response = app.test_client().post(
        url(page, f"components/{web}/edit"), data=form, headers=OPERATOR
    )
    assert response.status_code == 422
    assert acme.get(f"/{page['id']}/components/{web}").json["name"] == "Web"


def test_a_component_is_deleted_after_its_confirmation(app: Flask, acme: Any, page: Any) -> None:
    docs = component_id(acme, page, "Docs")
    client = app.test_client()
    confirm = client.get(url(page, f"components/{docs}/delete"), headers=OPERATOR)
    assert confirm.status_code == 200 and "Delete the component" in confirm.get_data(as_text=True)
    assert client.post(url(page, f"components/{docs}/delete"), headers=OPERATOR).status_code == 303
    assert acme.get(f"/{page['id']}/components/{docs}").status_code == 404


# ------------------------------------------------------------------- groups


def test_a_group_is_created_edited_and_deleted(app: Flask, acme: Any, page: Any) -> None:
    client = app.test_client()
    form = {"name": "Edge", "collapsed": "true"}
    assert client.post(url(page, "groups/new"), data=form, headers=OPERATOR).status_code == 303
    edge = group_id(acme, page, "Edge")
    assert acme.get(f"/{page['id']}/groups/{edge}").json["collapsed"] is True
    form = {"name": "CDN", "description": ""}
    assert (
        client.post(url(page, f"groups/{edge}/edit"), data=form, headers=OPERATOR).status_code
        == 303
    )
    row = acme.get(f"/{page['id']}/groups/{edge}").json
    assert (row["name"], row["collapsed"]) == ("CDN", False)
    assert client.get(url(page, f"groups/{edge}/delete"), headers=OPERATOR).status_code == 200
    assert client.post(url(page, f"groups/{edge}/delete"), headers=OPERATOR).status_code == 303
    assert acme.get(f"/{page['id']}/groups/{edge}").status_code == 404


def test_a_taken_group_name_is_refused(app: Flask, acme: Any, page: Any) -> None:
    response = app.test_client().post(
        url(page, "groups/new"), data={"name": "Backend"}, headers=OPERATOR
    )
    assert response.status_code == 422
    names = [g["name"] for g in acme.get(f"/{page['id']}/groups").json["data"]]
    assert names == ["Backend", "Frontend"]


# ------------------------------------------------------------------ order


def test_move_buttons_reorder_within_and_across_groups(app: Flask, acme: Any, page: Any) -> None:
    client = app.test_client()
    database = component_id(acme, page, "Database")
    move = url(page, f"components/{database}/move")
    response = client.post(move, data={"_direction": "up"}, headers=OPERATOR)
    assert response.status_code == 303
    assert "“Database” moved up." in client.get(
        response.headers["Location"], headers=OPERATOR
    ).get_data(as_text=True)
    assert layout(acme, page)[:2] == [("Backend", "Database"), ("Backend", "API")]
    client.post(move, data={"_direction": "down"}, headers=OPERATOR)
    client.post(move, data={"_direction": "down"}, headers=OPERATOR)
    assert layout(acme, page) == [
        ("Backend", "API"),
        ("Frontend", "Database"),
        ("Frontend", "Web"),
        (None, "Docs"),
    ]


def test_a_move_past_the_end_is_refused(app: Flask, acme: Any, page: Any) -> None:
    api_id = component_id(acme, page, "API")
    before = layout(acme, page)
    for form in ({"_direction": "up"}, {"_direction": "sideways"}):
        response = app.test_client().post(
            url(page, f"components/{api_id}/move"), data=form, headers=OPERATOR
        )
        assert response.status_code == 422
    assert layout(acme, page) == before


def test_groups_move(app: Flask, acme: Any, page: Any) -> None:
    frontend = group_id(acme, page, "Frontend")
    client = app.test_client()
    response = client.post(
        url(page, f"groups/{frontend}/move"), data={"_direction": "up"}, headers=OPERATOR
    )
    assert response.status_code == 303
    names = [g["name"] for g in acme.get(f"/{page['id']}/groups").json["data"]]
    assert names == ["Frontend", "Backend"]
    again = client.post(
        url(page, f"groups/{frontend}/move"), data={"_direction": "up"}, headers=OPERATOR
    )
    assert again.status_code == 422


def test_groups_get_a_whole_new_order(app: Flask, acme: Any, page: Any) -> None:
    backend, frontend = group_id(acme, page, "Backend"), group_id(acme, page, "Frontend")
    client = app.test_client()
    refused = client.post(url(page, "groups/order"), data={"ids[]": frontend}, headers=OPERATOR)
    assert refused.status_code == 422
    names = [g["name"] for g in acme.get(f"/{page['id']}/groups").json["data"]]
    assert names == ["Backend", "Frontend"]
    body = f"ids[]={frontend}&ids[]={backend}"
    response = client.post(
        url(page, "groups/order"),
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=OPERATOR,
    )
    assert response.status_code == 303
    names = [g["name"] for g in acme.get(f"/{page['id']}/groups").json["data"]]
    assert names == ["Frontend", "Backend"]


def test_a_whole_layout_is_saved(app: Flask, acme: Any, page: Any) -> None:
    ids = {n: component_id(acme, page, n) for n in ("API", "Database", "Web", "Docs")}
    frontend = group_id(acme, page, "Frontend")
    form = [
        ("ids[]", ids["Web"]),
        ("ids[]", ids["API"]),
        ("ids[]", ids["Docs"]),
        ("ids[]", ids["Database"]),
        (f"groups[{ids['Docs']}]", frontend),
        (f"groups[{ids['Database']}]", ""),
    ]
    body = "&".join(f"{k}={v}" for k, v in form)
    response = app.test_client().post(
        url(page, "components/order"),
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=OPERATOR,
    )
    assert response.status_code == 303
    assert layout(acme, page) == [
        ("Backend", "API"),
        ("Frontend", "Web"),
        ("Frontend", "Docs"),
        (None, "Database"),
    ]


def test_an_incomplete_layout_writes_nothing(app: Flask, acme: Any, page: Any) -> None:
    api_id = component_id(acme, page, "API")
    before = layout(acme, page)
    body = f"ids[]={api_id}&groups[{api_id}]="
    response = app.test_client().post(
        url(page, "components/order"),
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers=OPERATOR,
    )
    assert response.status_code == 422
    assert layout(acme, page) == before


# --------------------------------------------------- tenancy and cross-site


def writes(acme: Any, page: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    api_id = component_id(acme, page, "API")
    backend = group_id(acme, page, "Backend")
    return [
        ("components/new", {"name": "Evil"}),
        (f"components/{api_id}/edit", {"name": "Evil"}),
        (f"components/{api_id}/status", {"status": "major_outage"}),
        (f"components/{api_id}/move", {"_direction": "down"}),
        (f"components/{api_id}/delete", {}),
        ("components/order", {"ids[]": api_id}),
        ("groups/new", {"name": "Evil"}),
        (f"groups/{backend}/edit", {"name": "Evil"}),
        (f"groups/{backend}/move", {"_direction": "down"}),
        ("groups/order", {"ids[]": backend}),
        (f"groups/{backend}/delete", {}),
    ]


def snapshot(acme: Any, page: dict[str, Any]) -> Any:
    rows = acme.get(f"/{page['id']}/components").json["data"]
    groups = acme.get(f"/{page['id']}/groups").json["data"]
    return (
        [(r["name"], r["status"], r["group_id"], r["display_order"]) for r in rows],
        [(g["name"], g["display_order"]) for g in groups],
    )


def test_another_owners_page_is_not_found(app: Flask, api: Any, page: Any) -> None:
    globex = api.as_owner("globex")
    other = globex.make_page(name="Globex")
    globex.make_component(other["id"], name="API", group_name="Backend")
    before = snapshot(globex, other)
    client = app.test_client()
    for route, form in writes(globex, other):
        assert client.post(url(other, route), data=form, headers=OPERATOR).status_code == 404, route
    assert client.get(url(other, "components"), headers=OPERATOR).status_code == 404
    assert snapshot(globex, other) == before


def test_a_form_from_another_site_is_refused(app: Flask, acme: Any, page: Any) -> None:
    before = snapshot(acme, page)
    client = app.test_client()
    for route, form in writes(acme, page):
        assert client.post(url(page, route), data=form, headers=CROSS_SITE).status_code == 403, (
            route
        )
    assert snapshot(acme, page) == before
