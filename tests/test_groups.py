"""Component groups and order: CRUD, membership, reordering, pages made with their
contents, and how groups show on the public face (JSON, HTML, Statuspage v2)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from flask_statuspages import models
from flask_statuspages.domain import groups as group_domain

from .conftest import PREFIX


def make_group(api: Any, page_id: str, **body: Any) -> dict[str, Any]:
    response = api.post(f"/{page_id}/groups", json={"name": "Backend", **body})
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def counts(app: Any, db: Any) -> dict[str, int]:
    with app.app_context():
        return {
            m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (models.Page, models.Component, models.ComponentGroup)
        }


def components_of(api: Any, page_id: str) -> list[dict[str, Any]]:
    return api.get(f"/{page_id}/components?per_page=100").json["data"]  # type: ignore[no-any-return]


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page()


# ------------------------------------------------------------------ CRUD


def test_group_crud(api: Any, page: dict[str, Any], recorded_signals: Any) -> None:
    pid = page["id"]
    api_c = api.make_component(pid, name="API")
    response = api.post(
        f"/{pid}/groups",
        json={
            "name": " Backend ",
            "description": "Servers",
            "collapsed": True,
            "component_ids": [api_c["id"]],
        },
    )
    assert response.status_code == 201, response.json
    group = response.json
    assert response.headers["Location"].endswith(f"{PREFIX}/{pid}/groups/{group['id']}")
    assert {k: group[k] for k in ("page_id", "name", "description", "collapsed")} == {
        "page_id": pid,
        "name": "Backend",
        "description": "Servers",
        "collapsed": True,
    }
    assert group["component_ids"] == [api_c["id"]]
    assert group["display_order"] == 0
    assert make_group(api, pid, name="Frontend")["display_order"] == 1  # after the last

    assert api.get(f"/{pid}/groups/{group['id']}").json == group
    listed = api.get(f"/{pid}/groups").json
    assert [g["name"] for g in listed["data"]] == ["Backend", "Frontend"]
    assert listed["pagination"]["total"] == 2

    changed = api.patch(f"/{pid}/groups/{group['id']}", json={"name": "Core", "collapsed": False})
    assert changed.status_code == 200, changed.json
    assert (changed.json["name"], changed.json["collapsed"]) == ("Core", False)
    assert changed.json["component_ids"] == [api_c["id"]]  # membership untouched
    assert api.get(f"/{pid}/components/{api_c['id']}").json["group_name"] == "Core"

    assert api.delete(f"/{pid}/groups/{group['id']}").status_code == 204
    assert api.get(f"/{pid}/groups/{group['id']}").status_code == 404
    names = [name for name, _ in recorded_signals if name.startswith("group_")]
    assert names == ["group_created", "group_created", "group_updated", "group_deleted"]


def test_group_names_are_unique_per_page(api: Any, page: dict[str, Any], app: Any, db: Any) -> None:
    pid = page["id"]
    make_group(api, pid, name="Backend")
    other = make_group(api, pid, name="Frontend")
    before = counts(app, db)
    taken = api.post(f"/{pid}/groups", json={"name": "Backend"})
    assert taken.status_code == 409 and taken.json["error"]["code"] == "conflict"
    renamed = api.put(f"/{pid}/groups/{other['id']}", json={"name": "Backend"})
    assert renamed.status_code == 409
    loose = api.make_component(pid, name="Loose")
    before = counts(app, db)
    body = {"name": "Backend", "component_ids": [loose["id"]]}
    assert api.put(f"/{pid}/groups/{other['id']}", json=body).status_code == 409
    assert api.get(f"/{pid}/components/{loose['id']}").json["group_id"] is None
    assert counts(app, db) == before
    assert api.put(f"/{pid}/groups/{other['id']}", json={"name": "Frontend"}).status_code == 200
    # Another page may use the name.
    make_group(api, api.make_page(name="Other")["id"], name="Backend")


def test_a_name_taken_by_a_concurrent_request_is_409(
    api: Any, page: dict[str, Any], app: Any, monkeypatch: Any
) -> None:
    """The check passed (the other request had not committed yet): the unique index decides."""
    make_group(api, page["id"], name="Backend")
    monkeypatch.setattr(group_domain, "_check_name_free", lambda *args, **kwargs: None)
    response = api.post(f"/{page['id']}/groups", json={"name": "Backend"})
    assert response.status_code == 409, response.json
    assert len(api.get(f"/{page['id']}/groups").json["data"]) == 1


def test_group_input_is_validated(api: Any, page: dict[str, Any], app: Any, db: Any) -> None:
    before = counts(app, db)
    response = api.post(
        f"/{page['id']}/groups",
        json={"name": "  ", "collapsed": "yes", "display_order": "1", "colour": "red"},
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "name",
        "collapsed",
        "display_order",
        "colour",
    }
    assert counts(app, db) == before


# ------------------------------------------------------------ membership


def test_component_ids_move_components_between_groups(api: Any, page: dict[str, Any]) -> None:
    pid = page["id"]
    a = api.make_component(pid, name="A", display_order=2)
    b = api.make_component(pid, name="B", display_order=1)
    first = make_group(api, pid, name="First", component_ids=[a["id"], b["id"]])
    assert first["component_ids"] == [b["id"], a["id"]]  # in display order
    second = make_group(api, pid, name="Second", component_ids=[a["id"]])
    assert second["component_ids"] == [a["id"]]
    assert api.get(f"/{pid}/groups/{first['id']}").json["component_ids"] == [b["id"]]
    # An update's list is the whole membership: b leaves, a comes back.
    moved = api.put(f"/{pid}/groups/{first['id']}", json={"component_ids": [a["id"]]})
    assert moved.json["component_ids"] == [a["id"]]
    assert api.get(f"/{pid}/groups/{second['id']}").json["component_ids"] == []
    assert api.get(f"/{pid}/components/{b['id']}").json["group_id"] is None


def test_component_ids_of_another_page_write_nothing(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    pid = page["id"]
    mine = api.make_component(pid, name="Mine")
    group = make_group(api, pid, component_ids=[mine["id"]])
    theirs = api.make_component(api.make_page(name="Other")["id"], name="Theirs")
    before = counts(app, db)
    for body in (
        {"name": "New", "component_ids": [mine["id"], theirs["id"]]},
        {"name": "New", "component_ids": [mine["id"], mine["id"]]},
    ):
        response = api.post(f"/{pid}/groups", json=body)
        assert response.status_code == 422, response.json
        assert list(response.json["error"]["fields"]) == ["component_ids"]
    response = api.put(
        f"/{pid}/groups/{group['id']}", json={"name": "Renamed", "component_ids": [theirs["id"]]}
    )
    assert response.status_code == 422
    assert "Not on this page" in response.json["error"]["fields"]["component_ids"][0]
    assert counts(app, db) == before
    assert api.get(f"/{pid}/groups/{group['id']}").json["name"] == "Backend"
    assert api.get(f"/{pid}/groups/{group['id']}").json["component_ids"] == [mine["id"]]


def test_component_group_id_and_group_name(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    pid = page["id"]
    group = make_group(api, pid, name="Backend")
    made = api.make_component(pid, name="API", group_id=group["id"])
    assert (made["group_id"], made["group_name"]) == (group["id"], "Backend")
    # The shortcut finds the group, or makes it.
    same = api.make_component(pid, name="DB", group_name="Backend")
    assert same["group_id"] == group["id"]
    new = api.make_component(pid, name="CDN", group_name="Edge")
    assert new["group_name"] == "Edge" and new["group_id"] not in (None, group["id"])
    agreeing = api.make_component(pid, name="Q", group_id=group["id"], group_name="Backend")
    assert agreeing["group_id"] == group["id"]
    none = api.make_component(pid, name="R", group_id=None, group_name="")  # "" is no group
    assert (none["group_id"], none["group_name"]) == (None, None)
    ungrouped = api.patch(f"/{pid}/components/{made['id']}", json={"group_id": None})
    assert (ungrouped.json["group_id"], ungrouped.json["group_name"]) == (None, None)

    other_group = make_group(api, api.make_page(name="Other")["id"], name="Backend")
    before = counts(app, db)
    for body, fields in (
        ({"name": "X", "group_id": group["id"], "group_name": "Edge"}, {"group_id", "group_name"}),
        ({"name": "X", "group_id": group["id"], "group_name": None}, {"group_id", "group_name"}),
        ({"name": "X", "group_id": None, "group_name": "Missing"}, {"group_id", "group_name"}),
        ({"name": "X", "group_id": other_group["id"]}, {"group_id"}),
        ({"name": "X", "group_id": "nope"}, {"group_id"}),
    ):
        response = api.post(f"/{pid}/components", json=body)
        assert response.status_code == 422, (body, response.json)
        assert set(response.json["error"]["fields"]) == fields
    assert (
        api.patch(
            f"/{pid}/components/{made['id']}", json={"group_id": other_group["id"]}
        ).status_code
        == 422
    )
    assert counts(app, db) == before


def test_deleting_a_group_keeps_its_components_ungrouped(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    pid = page["id"]
    group = make_group(api, pid)
    a = api.make_component(pid, name="A", group_id=group["id"])
    b = api.make_component(pid, name="B", group_id=group["id"])
    assert api.delete(f"/{pid}/groups/{group['id']}").status_code == 204
    found = {c["id"]: c for c in components_of(api, pid)}
    assert set(found) == {a["id"], b["id"]}
    assert all(c["group_id"] is None and c["group_name"] is None for c in found.values())
    with app.app_context():  # in the table too, whatever SQLite does with foreign keys
        stored = db.session.scalars(select(models.Component.group_id)).all()
    assert stored == [None, None]


# ---------------------------------------------------------------- order


def test_reorder_components(api: Any, page: dict[str, Any], recorded_signals: Any) -> None:
    pid = page["id"]
    a, b, c = (api.make_component(pid, name=n) for n in "ABC")
    response = api.patch(f"/{pid}/components/reorder", json={"ids": [c["id"], a["id"], b["id"]]})
    assert response.status_code == 200, response.json
    assert [(x["name"], x["display_order"]) for x in response.json["data"]] == [
        ("C", 0),
        ("A", 1),
        ("B", 2),
    ]
    assert [x["name"] for x in components_of(api, pid)] == ["C", "A", "B"]
    # Seed 003's name for the list.
    seed = api.patch(
        f"/{pid}/components/reorder", json={"componentIds": [b["id"], c["id"], a["id"]]}
    )
    assert seed.status_code == 200, seed.json
    assert [x["name"] for x in components_of(api, pid)] == ["B", "C", "A"]
    assert [n for n, _ in recorded_signals].count("components_reordered") == 2


@pytest.mark.parametrize(
    ("make_body", "field", "message"),
    [
        (lambda ids, other: {"ids": ids[:2]}, "ids", "Missing"),
        (lambda ids, other: {"ids": [*ids, ids[0]]}, "ids", "more than once"),
        (lambda ids, other: {"ids": [*ids, "nope"]}, "ids", "Not on this page: nope."),
        (lambda ids, other: {"ids": [*ids[:2], other]}, "ids", "Not on this page"),
        (lambda ids, other: {"componentIds": ids[1:]}, "componentIds", "Missing"),
        (lambda ids, other: {"ids": ids, "componentIds": ids}, "componentIds", "exactly one"),
        (lambda ids, other: {}, "ids", "exactly one"),
        (lambda ids, other: {"ids": "abc"}, "ids", "Not a valid list"),
    ],
)
def test_reorder_refuses_what_is_not_a_permutation(
    api: Any, page: dict[str, Any], app: Any, db: Any, make_body: Any, field: str, message: str
) -> None:
    pid = page["id"]
    ids = [api.make_component(pid, name=n)["id"] for n in "ABC"]
    other = api.make_component(api.make_page(name="Other")["id"], name="D")["id"]
    before = [(x["id"], x["display_order"]) for x in components_of(api, pid)]
    response = api.patch(f"/{pid}/components/reorder", json=make_body(ids[::-1], other))
    assert response.status_code == 422, response.json
    assert message in " ".join(response.json["error"]["fields"][field])
    assert [(x["id"], x["display_order"]) for x in components_of(api, pid)] == before


def test_reorder_is_not_taken_for_a_component_id(app: Any, api: Any, page: dict[str, Any]) -> None:
    adapter = app.url_map.bind("localhost")
    path = f"{PREFIX}/{page['id']}/components/reorder"
    assert adapter.match(path, "PATCH")[0] == "statuspages.reorder_components"
    assert adapter.match(f"{PREFIX}/{page['id']}/groups/reorder", "PATCH")[0] == (
        "statuspages.reorder_groups"
    )
    # Other methods still reach a component (here: none called "reorder").
    assert adapter.match(path, "GET")[0] == "statuspages.get_component"
    assert api.get(f"/{page['id']}/components/reorder").status_code == 404


def test_reorder_groups(api: Any, page: dict[str, Any], app: Any, db: Any) -> None:
    pid = page["id"]
    a, b, c = (make_group(api, pid, name=n) for n in "ABC")
    member = api.make_component(pid, name="X", group_id=b["id"])
    response = api.patch(f"/{pid}/groups/reorder", json={"ids": [b["id"], c["id"], a["id"]]})
    assert response.status_code == 200, response.json
    assert [(g["name"], g["display_order"]) for g in response.json["data"]] == [
        ("B", 0),
        ("C", 1),
        ("A", 2),
    ]
    assert response.json["data"][0]["component_ids"] == [member["id"]]
    assert [g["name"] for g in api.get(f"/{pid}/groups").json["data"]] == ["B", "C", "A"]
    for body in ({"ids": [a["id"], b["id"]]}, {"ids": [a["id"], a["id"], b["id"], c["id"]]}, {}):
        refused = api.patch(f"/{pid}/groups/reorder", json=body)
        assert refused.status_code == 422
        assert list(refused.json["error"]["fields"]) == ["ids"]
    assert [g["name"] for g in api.get(f"/{pid}/groups").json["data"]] == ["B", "C", "A"]


# ------------------------------------------------- a page with contents


def test_page_created_with_groups_and_components(api: Any, recorded_signals: Any) -> None:
    body = {
        "name": "Pinghome",
        "groups": [
            {
                "name": "Group name",
                "description": "Seed 001's shape",
                "collapsed": True,
                "components": [
                    {"name": "Component name", "description": "d", "status": "operational"},
                    {"name": "Second", "status": "partial_outage"},
                ],
            },
            {"name": "Empty"},
        ],
        "components": [
            {"name": "Website", "group_name": ""},
            {"name": "Joins a listed group", "group_name": "Empty"},
            {"name": "Makes a group", "group_name": "New"},
        ],
    }
    response = api.post("/", json=body)
    assert response.status_code == 201, response.json
    pid = response.json["id"]
    assert set(response.json) >= {"id", "slug", "name"} and "groups" not in response.json
    groups = api.get(f"/{pid}/groups").json["data"]
    assert [(g["name"], g["display_order"], g["collapsed"]) for g in groups] == [
        ("Group name", 0, True),
        ("Empty", 1, False),
        ("New", 2, False),
    ]
    components = components_of(api, pid)
    assert [(c["name"], c["group_name"], c["status"]) for c in components] == [
        ("Component name", "Group name", "operational"),
        ("Second", "Group name", "partial_outage"),
        ("Website", None, "operational"),
        ("Joins a listed group", "Empty", "operational"),
        ("Makes a group", "New", "operational"),
    ]
    assert [c["display_order"] for c in components] == [0, 1, 2, 3, 4]
    assert groups[0]["component_ids"] == [components[0]["id"], components[1]["id"]]
    names = [n for n, _ in recorded_signals]
    assert names == ["page_created", *["component_created"] * 5]
    # Their uptime starts with the page: each status is on record.
    uptime = api.get(f"/public/{response.json['slug']}/components/{components[1]['id']}/uptime")
    assert uptime.json["history"][-1]["status"] == "partial_outage"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"components": [{"name": "A"}, {"name": " "}]}, {"components.1.name"}),
        ({"components": [{"name": "A", "status": "down"}]}, {"components.0.status"}),
        ({"components": [{"name": "A", "group_id": "x"}]}, {"components.0.group_id"}),
        (
            {"groups": [{"name": "G", "components": [{"name": "A", "group_name": "H"}]}]},
            {"groups.0.components.0.group_name"},
        ),
        ({"groups": [{"name": "G"}, {"name": "G"}]}, {"groups.1.name"}),
        ({"groups": [{"name": "G", "component_ids": []}]}, {"groups.0.component_ids"}),
        ({"groups": [{"name": "G", "components": [{}]}]}, {"groups.0.components.0.name"}),
        ({"groups": {"name": "G"}}, {"groups"}),
    ],
)
def test_a_bad_nested_item_writes_nothing(
    api: Any, app: Any, db: Any, body: dict[str, Any], fields: set[str]
) -> None:
    before = counts(app, db)
    response = api.post("/", json={"name": "Pinghome", "groups": [{"name": "Fine"}], **body})
    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) == fields
    assert counts(app, db) == before


def test_page_limit_and_slug_retry_hold_with_contents(api: Any, app: Any, db: Any) -> None:
    app.config["STATUSPAGES_MAX_PAGES_PER_OWNER"] = 2
    contents = {"groups": [{"name": "G", "components": [{"name": "A"}]}]}
    first = api.post("/", json={"name": "Acme", **contents})
    second = api.post("/", json={"name": "Acme", **contents})
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json["slug"] == "acme-2"
    before = counts(app, db)
    refused = api.post("/", json={"name": "Acme", **contents})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "page_limit_reached"
    assert counts(app, db) == before == {"Page": 2, "Component": 2, "ComponentGroup": 2}


def test_page_update_takes_no_contents(api: Any, page: dict[str, Any]) -> None:
    response = api.patch(f"/{page['id']}", json={"components": [{"name": "A"}]})
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["components"]


# ----------------------------------------------------------- public face


@pytest.fixture
def scene(api: Any, page: dict[str, Any]) -> dict[str, Any]:
    """Two groups (the second folded, with an outage in it) and an ungrouped component."""
    pid = page["id"]
    edge = make_group(api, pid, name="Edge", description="CDN and DNS")
    core = make_group(api, pid, name="Core", collapsed=True)
    website = api.make_component(pid, name="Website", display_order=0)
    db_c = api.make_component(pid, name="Database", group_id=core["id"], status="major_outage")
    cdn = api.make_component(pid, name="CDN", group_id=edge["id"])
    api.patch(f"/{pid}/groups/reorder", json={"ids": [core["id"], edge["id"]]})
    return {"page": page, "edge": edge, "core": core, "website": website, "db": db_c, "cdn": cdn}


def test_public_json_carries_groups(api: Any, scene: dict[str, Any]) -> None:
    body = api.as_owner(None).get(f"/public/{scene['page']['slug']}").json
    assert [(g["name"], g["collapsed"], g["component_ids"]) for g in body["groups"]] == [
        ("Core", True, [scene["db"]["id"]]),
        ("Edge", False, [scene["cdn"]["id"]]),
    ]
    assert body["groups"][1]["description"] == "CDN and DNS"
    by_name = {c["name"]: c for c in body["components"]}
    assert (by_name["CDN"]["group_id"], by_name["CDN"]["group_name"]) == (
        scene["edge"]["id"],
        "Edge",
    )
    assert by_name["Website"]["group_id"] is None
    # A renamed group shows at once (the page's public version moved).
    api.patch(f"/{scene['page']['id']}/groups/{scene['edge']['id']}", json={"name": "Perimeter"})
    body = api.as_owner(None).get(f"/public/{scene['page']['slug']}").json
    assert [g["name"] for g in body["groups"]] == ["Core", "Perimeter"]


def test_html_page_shows_groups_in_order_folded_ones_closed(
    api: Any, scene: dict[str, Any]
) -> None:
    core, edge = scene["core"]["id"], scene["edge"]["id"]
    # A group folds only with two components or more (one alone is shown as it is).
    api.make_component(scene["page"]["id"], name="Queue", group_id=core)
    api.make_component(scene["page"]["id"], name="DNS", group_id=edge)
    body = api.client.get(f"/status/{scene['page']['slug']}").get_data(as_text=True)
    folded = re.search(rf'<details class="group" id="group-{core}">(.*?)</details>', body, re.S)
    assert folded is not None, "a collapsed group is folded: no open attribute"
    summary = re.search(r"<summary>(.*?)</summary>", folded.group(1), re.S)
    assert summary is not None
    assert "Core" in summary.group(1) and "Major outage" in summary.group(1)  # its worst
    assert "Database" in folded.group(1)
    opened = re.search(
        rf'<details class="group" id="group-{edge}" open>(.*?)</details>', body, re.S
    )
    assert opened is not None and "CDN and DNS" in opened.group(1) and "CDN" in opened.group(1)
    # Groups in their order, then the components in no group.
    assert body.index(f"group-{core}") < body.index(f"group-{edge}") < body.index("Website")
    assert "Website" not in folded.group(1) + opened.group(1)


def test_an_empty_group_is_not_shown_on_the_html_page(api: Any, page: dict[str, Any]) -> None:
    group = make_group(api, page["id"], name="Nothing yet")
    api.make_component(page["id"], name="API")
    body = api.client.get(f"/status/{page['slug']}").get_data(as_text=True)
    assert f"group-{group['id']}" not in body and "Nothing yet" not in body


def test_statuspage_v2_groups_are_the_real_groups(api: Any, scene: dict[str, Any]) -> None:
    slug = scene["page"]["slug"]
    empty = make_group(api, scene["page"]["id"], name="Later")
    found = api.as_owner(None).get(f"/public/{slug}/api/v2/components.json").json["components"]
    core, edge = scene["core"]["id"], scene["edge"]["id"]
    assert [(c["id"], c["group"], c["group_id"], c["position"]) for c in found] == [
        (core, True, None, 1),
        (scene["db"]["id"], False, core, 2),
        (edge, True, None, 3),
        (scene["cdn"]["id"], False, edge, 4),
        (empty["id"], True, None, 5),
        (scene["website"]["id"], False, None, 6),
    ]
    groups = {c["id"]: c for c in found if c["group"]}
    assert groups[core]["components"] == [scene["db"]["id"]]
    assert groups[core]["status"] == "major_outage"
    assert groups[edge]["description"] == "CDN and DNS"
    assert groups[empty["id"]]["components"] == []
    assert groups[empty["id"]]["status"] == "operational"


def test_a_nul_in_a_nested_item_names_its_field(api: Any, app: Any, db: Any) -> None:
    before = counts(app, db)
    body = {"name": "P", "groups": [{"name": "G", "components": [{"name": "A\x00"}]}]}
    response = api.post("/", json=body)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["groups.0.components.0.name"]
    assert counts(app, db) == before


def test_group_changes_reach_live_pages(api: Any, app: Any, page: dict[str, Any]) -> None:
    pid = page["id"]
    group = make_group(api, pid)
    component = api.make_component(pid, name="API", group_id=group["id"])
    api.patch(f"/{pid}/groups/{group['id']}", json={"collapsed": True})
    api.patch(f"/{pid}/groups/reorder", json={"ids": [group["id"]]})
    api.patch(f"/{pid}/components/reorder", json={"ids": [component["id"]]})
    api.delete(f"/{pid}/groups/{group['id']}")
    with app.app_context():
        events = list(app.extensions["statuspages"].broker._backlog[pid])
    assert [e.name for e in events if "group" in e.name or "reordered" in e.name] == [
        "group.created",
        "group.updated",
        "groups.reordered",
        "components.reordered",
        "group.deleted",
    ]
    created = next(e for e in events if e.name == "component.created")
    assert created.data["component"]["group_id"] == group["id"]


def test_the_page_answers_its_groups_in_order(api) -> None:
    page = api.make_page()
    web = api.make_component(page["id"], name="Web", group_name="Frontend")
    api.make_component(page["id"], name="DB", group_name="Backend")
    backend = api.get(f"/{page['id']}/groups").json["data"][1]
    api.patch(f"/{page['id']}/groups/reorder", json={"ids": [backend["id"], web["group_id"]]})
    detail = api.get(f"/{page['id']}").json
    assert [(g["name"], len(g["component_ids"])) for g in detail["groups"]] == [
        ("Backend", 1),
        ("Frontend", 1),
    ]
