"""Request bodies as Statuspage's clients send them: JSON or form-encoded in the bracket
notation, bare or wrapped in the resource's envelope (``{"page": {...}}``,
``page[name]=...``), through the same schemas, on SQLite and PostgreSQL.

The comparison sends every write route of the API (read from the route registry by
tests/write_routes.py, so a route added later is covered) in each encoding, each run
on a fresh database with the same fixtures, and compares the answers.
"""

from __future__ import annotations

import json
import re
import time
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from marshmallow import Schema, fields

from flask_statuspages.formbody import FormError, parse, typed
from flask_statuspages.models import Base
from flask_statuspages.schemas import (
    GroupInput,
    IncidentInput,
    MaintenanceInput,
    PageCreateInput,
    PageInput,
)

from .conftest import _reset_postgres, header_owner, make_app
from .write_routes import build_targets, form_encoded, write_routes

OWNER = {"X-Owner": "acme"}
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
CONFIG = {"STATUSPAGES_RETRY_BACKOFF": 3600}  # no retry falls due while a test runs

#: What differs between two runs on fresh databases: ids, instants, signed tokens.
_ID = re.compile(r"[0-9a-f]{32}")
_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")
_VOLATILE_KEYS = {"verify_token", "token"}


def normalised(value: Any) -> Any:
    """``value`` with its ids, timestamps and tokens replaced by placeholders."""
    if isinstance(value, dict):
        return {
            normalised(key): "<volatile>" if key in _VOLATILE_KEYS else normalised(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str):
        return _INSTANT.sub("<instant>", _ID.sub("<id>", value))
    return value


def send_body(body: dict[str, Any], encoding: str, envelope: str | None) -> dict[str, Any]:
    """Test-client arguments sending ``body`` as ``encoding``, in ``envelope`` if given."""
    if encoding == JSON:
        wrapped = {envelope: body} if envelope else body
        return {"data": json.dumps(wrapped), "content_type": JSON}
    return {"data": form_encoded(body, envelope), "content_type": FORM}


def every_write_route(
    database_url: str, backend: str, encoding: str, enveloped: bool
) -> dict[tuple[str, str], tuple[int, Any]]:
    """Each write route of the API on a fresh database, its body sent as ``encoding``
    (in its envelope when ``enveloped``): its status and normalised answer."""
    app, ext, db = make_app(database_url, **CONFIG)
    ext.owner_loader(header_owner)
    with app.app_context():
        if backend == "postgresql":
            _reset_postgres(db)
        else:
            Base.metadata.drop_all(db.engine)
            ext.create_all()
    client = app.test_client()
    answers = {}
    try:
        targets = build_targets(client, OWNER)
        for route in write_routes(app, targets):
            if route.site:
                continue
            kwargs: dict[str, Any] = {}
            if route.takes_body:
                assert route.body is not None and route.declared is not None
                envelope = route.declared.envelope if enveloped else None
                kwargs = send_body(route.body, encoding, envelope)
            response = client.open(
                route.path, method=route.method, headers={**OWNER, **SAME_ORIGIN}, **kwargs
            )
            answer = response.json if response.is_json else response.text
            answers[(route.endpoint, route.method)] = (response.status_code, normalised(answer))
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return answers


@pytest.mark.parametrize(
    "encoding, enveloped",
    [(JSON, True), (FORM, False), (FORM, True)],
    ids=["json-in-envelope", "form", "form-in-envelope"],
)
def test_every_write_route_answers_a_form_as_its_json(
    database_url: str, backend: str, encoding: str, enveloped: bool
) -> None:
    bare_json = every_write_route(database_url, backend, JSON, enveloped=False)
    other = every_write_route(database_url, backend, encoding, enveloped)
    assert other.keys() == bare_json.keys()
    with_bodies = [key for key in bare_json if key[0] != "statuspages.unsubscribe"]
    assert len(with_bodies) >= 30
    for key, expected in bare_json.items():
        assert other[key] == expected, key
    successes = [key for key, (status, _) in bare_json.items() if status < 300]
    assert len(successes) >= 25, "the comparison must be of writes that succeed"


def test_every_route_with_a_body_declares_its_encodings(app: Flask) -> None:
    from flask_statuspages.views import ENDPOINTS

    for declared in ENDPOINTS:
        if declared.body is not None:
            assert set(declared.consumes) >= {JSON, FORM}, declared.rule


# ------------------------------------------------------------ over HTTP


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page(name="Acme", slug="acme")


def form(api: Any, method: str, path: str, text: str) -> Any:
    return api.request(method, path, data=text, content_type=FORM)


def test_statuspage_curl_bodies(api: Any, page: dict[str, Any]) -> None:
    """The examples of Statuspage's documentation, as curl -d sends them."""
    page_id = page["id"]
    created = form(
        api,
        "POST",
        f"/{page_id}/components",
        "component[name]=API&component[description]=Public+API&component[status]=major_outage",
    )
    assert created.status_code == 201, created.json
    assert created.json["name"] == "API" and created.json["status"] == "major_outage"
    assert created.headers["Location"].endswith(created.json["id"])
    other = api.make_component(page_id, name="Database")
    incident = form(
        api,
        "POST",
        f"/{page_id}/incidents",
        "incident[title]=test+incident&incident[impact]=major"
        f"&incident[components][{other['id']}]=partial_outage",
    )
    assert incident.status_code == 201, incident.json
    assert incident.json["title"] == "test incident" and incident.json["severity"] == "major"
    assert incident.json["components"] == {other["id"]: "partial_outage"}
    group = form(
        api,
        "POST",
        f"/{page_id}/groups",
        f"component_group[name]=Backend&component_group[collapsed]=true"
        f"&component_group[component_ids][]={created.json['id']}"
        f"&component_group[component_ids][]={other['id']}",
    )
    assert group.status_code == 201, group.json
    assert group.json["collapsed"] is True
    assert group.json["component_ids"] == [created.json["id"], other["id"]]


def test_metric_readings_as_statuspage_posts_them(api: Any, page: dict[str, Any]) -> None:
    """``data[timestamp]=...&data[value]=...`` (one reading), and a list of them."""
    page_id = page["id"]
    metric = form(api, "POST", f"/{page_id}/metrics", "metric[name]=Latency&metric[suffix]=ms")
    assert metric.status_code == 201, metric.json
    url = f"/{page_id}/metrics/{metric.json['id']}/data"
    now = int(time.time())
    one = form(api, "POST", url, f"data[timestamp]={now - 120}&data[value]=42.5")
    assert one.status_code == 201 and one.json["written"] == 1, one.json
    batch = f"data[][timestamp]={now - 60}&data[][value]=1&data[][timestamp]={now}&data[][value]=2"
    two = form(api, "POST", url, batch)
    assert two.status_code == 201 and two.json["written"] == 2, two.json
    bad = form(api, "POST", url, f"data[timestamp]={now}&data[value]=fast")
    assert bad.status_code == 422 and "data.value" in bad.json["error"]["fields"]


def test_a_page_with_its_components_in_one_form(api: Any) -> None:
    """A list of objects: ``components[][name]``; a repeated key starts the next one."""
    created = form(
        api,
        "POST",
        "/",
        "page[name]=Acme&page[components][][name]=API&page[components][][status]=degraded_performance"
        "&page[components][][name]=DB&page[theme][primary_color]=%23123456"
        "&page[show_uptime]=false&page[uptime_days]=30&page[description]=",
    )
    assert created.status_code == 201, created.json
    detail = api.get(f"/{created.json['id']}").json
    assert [(c["name"], c["status"]) for c in detail["components"]] == [
        ("API", "degraded_performance"),
        ("DB", "operational"),
    ]
    assert detail["show_uptime"] is False and detail["uptime_days"] == 30
    assert detail["description"] is None and detail["theme"]["primary_color"] == "#123456"


def test_a_form_is_refused_with_the_json_bodys_fields(api: Any, page: dict[str, Any]) -> None:
    path = f"/{page['id']}/components"
    as_json = api.post(path, json={"name": "", "status": "on_fire", "display_order": "x"})
    as_form = form(api, "POST", path, "name=&status=on_fire&display_order=x")
    assert as_json.status_code == as_form.status_code == 422
    assert as_form.json == as_json.json
    assert set(as_form.json["error"]["fields"]) == {"name", "status", "display_order"}
    boolean = form(api, "PUT", f"/{page['id']}", "page[show_uptime]=yes&page[uptime_days]=1.5")
    assert boolean.status_code == 422
    assert set(boolean.json["error"]["fields"]) == {"show_uptime", "uptime_days"}


@pytest.mark.parametrize(
    "text, says",
    [
        ('{"name": "Sent as a form"}', "is JSON"),
        ("name", "has no '='"),
        ("name=a&name=b", "given twice"),
        ("page[name=a", "brackets"),
        ("page]name[=a", "brackets"),
        ("page[name]x=a", "brackets"),
        ("name=a&name[x]=b", "both a value"),
        ("ids[]=a&ids[x]=b", "both a value"),
        ("ids[][]=a", "list of lists"),
        ("a" + "[b]" * 40 + "=c", "deeper"),
        ("name=%ff", "not UTF-8"),
        ("name=%ed%a0%80", "not UTF-8"),  # a lone surrogate, as UTF-8 would encode it
    ],
)
def test_a_form_the_api_cannot_read_is_400(
    app: Flask, api: Any, page: dict[str, Any], text: str, says: str
) -> None:
    response = form(api, "POST", f"/{page['id']}/components", text)
    assert response.status_code == 400, response.text
    assert response.json["error"]["code"] == "bad_request"
    assert says in response.json["error"]["message"]
    assert api.get(f"/{page['id']}/components").json["data"] == []


def test_the_content_type_must_match_the_body(api: Any, page: dict[str, Any]) -> None:
    path = f"/{page['id']}/components"
    as_form = api.post(path, data='{"name": "API"}', content_type=FORM)
    as_json = api.post(path, data="name=API", content_type=JSON)
    assert (as_form.status_code, as_json.status_code) == (400, 400)
    plain = api.post(path, data="name=API", content_type="text/plain")
    assert plain.status_code == 415
    assert "application/json or application/x-www-form-urlencoded" in plain.json["error"]["message"]
    empty = api.put(f"/{page['id']}", data="", content_type=FORM)
    assert empty.status_code == 400
    assert api.get(path).json["data"] == []


def test_a_form_over_the_size_limit_is_413(app: Flask, api: Any, page: dict[str, Any]) -> None:
    app.config["STATUSPAGES_MAX_CONTENT_LENGTH"] = 1000
    response = form(api, "POST", f"/{page['id']}/components", "name=" + "x" * 1000)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_an_envelope_holds_an_object(api: Any, page: dict[str, Any]) -> None:
    response = api.post(f"/{page['id']}/components", json={"component": "API"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"component"}
    mixed = api.post(f"/{page['id']}/components", json={"component": {"name": "A"}, "x": 1})
    assert mixed.status_code == 422  # not an envelope: two unknown fields, and no name
    assert set(mixed.json["error"]["fields"]) == {"component", "x", "name"}


def test_the_cross_site_rule_applies_to_forms(api: Any, page: dict[str, Any]) -> None:
    """The classic forgery: a browser form POST from another site, no Authorization."""
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    response = api.post(
        f"/{page['id']}/incidents", data="incident[title]=Forged", content_type=FORM, headers=cross
    )
    assert response.status_code == 403
    assert response.json["error"]["code"] == "cross_site_request"
    assert api.get(f"/{page['id']}/incidents").json["data"] == []


# ---------------------------------------------------------- the decoder


def test_the_bracket_notation() -> None:
    text = (
        "page[name]=Acme+Status&page[theme][primary_color]=%23fff"
        "&ids[]=a&ids[]=b&empty[]="
        "&list[][x]=1&list[][y]=2&list[][x]=3&list[][tags][]=p&list[][tags][]=q"
        "&&trailing=ok&"
    )
    assert parse(text.encode(), 32) == {
        "page": {"name": "Acme Status", "theme": {"primary_color": "#fff"}},
        "ids": ["a", "b"],
        "empty": [],
        "list": [{"x": "1", "y": "2"}, {"x": "3", "tags": ["p", "q"]}],
        "trailing": "ok",
    }


def test_percent_encoded_brackets_are_brackets() -> None:
    assert parse(b"page%5Bname%5D=A%26B", 32) == {"page": {"name": "A&B"}}


def test_nesting_is_bounded() -> None:
    assert parse(("a" + "[b]" * 31 + "=c").encode(), 32)
    with pytest.raises(FormError, match="deeper than 32"):
        parse(("a" + "[b]" * 32 + "=c").encode(), 32)


def test_values_take_their_fields_types() -> None:
    page = typed(
        PageCreateInput(),
        {
            "name": "Acme",
            "is_public": "false",
            "remove_branding": "true",  # seed 001's alias of hide_branding
            "uptime_days": "30",
            "description": "",
            "password": "",
            "ip_allowlist": [],
            "components": [{"name": "API", "display_order": "-2", "group_name": ""}],
            "theme": {"logo_url": ""},
        },
    )
    assert page == {
        "name": "Acme",
        "is_public": False,
        "remove_branding": True,
        "uptime_days": 30,
        "description": None,
        "password": None,
        "ip_allowlist": [],
        "components": [{"name": "API", "display_order": -2, "group_name": None}],
        "theme": {"logo_url": None},
    }
    incident = typed(IncidentInput(), {"components": {"c1": "", "c2": "major_outage"}})
    assert incident == {"components": {"c1": None, "c2": "major_outage"}}
    group = typed(GroupInput(), {"collapsed": "1", "display_order": "9" * 5000})
    assert group == {"collapsed": "1", "display_order": "9" * 5000}  # the schema says no
    window = typed(MaintenanceInput(), {"auto_transition": "true", "title": ""})
    assert window == {"auto_transition": True, "title": ""}  # title takes no null
    assert typed(PageInput(), ["not", "an", "object"]) == ["not", "an", "object"]


def test_numbers_are_read_as_their_fields_take_them() -> None:
    class Reading(Schema):
        value = fields.Float()
        exact = fields.Decimal()
        count = fields.Integer(strict=True)
        flag = fields.Boolean(allow_none=True)

    read = typed(Reading(), {"value": "1.5e3", "exact": "0.1", "count": "-7", "flag": ""})
    assert read == {"value": 1500.0, "exact": "0.1", "count": -7, "flag": None}
    assert Reading().load(read)["exact"] == Decimal("0.1")
    unread = {"value": "1e999", "count": "7.0"}  # left as text: the schema says no
    assert typed(Reading(), unread) == unread
