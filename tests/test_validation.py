"""Input validated at the edge, and every public rendering surviving odd stored data.

Schema-valid but absurd input (a year 746 window, a colour ending in a newline),
integers past 64 bits, NUL characters and times that leave the calendar when
converted to UTC are refused with a 4xx in the one error shape; values that are
in the database anyway (written before these rules, or by hand) never make a
page, a feed, the v2 API, the widget or the badge fail.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from flask_statuspages import models
from flask_statuspages.models import utcnow
from flask_statuspages.schemas import format_timestamp

HUGE = str(2**63)


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page(name="Acme Status", slug="acme")


def _is_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is ``status`` in the one error shape; its ``error`` member."""
    assert response.status_code == status, (response.status_code, response.data[:300])
    error = response.json["error"]
    assert set(error) <= {"code", "message", "fields"} and error["message"]
    if code is not None:
        assert error["code"] == code
    return error  # type: ignore[no-any-return]


# ------------------------------------------------------------ point 9: the edge


@pytest.mark.parametrize("colour", ["#fff\n", "#ffffff\n", "#fff ", "\n#fff", "#ffff"])
def test_a_theme_colour_must_be_a_colour_and_nothing_more(
    api: Any, page: dict[str, Any], colour: str
) -> None:
    for key in ("primary_color", "background_color"):
        response = api.patch(f"/{page['id']}", json={"theme": {key: colour}})
        assert list(_is_error(response, 422)["fields"]) == [f"theme.{key}"]
    assert api.get(f"/{page['id']}").json["theme"] == {}


@pytest.mark.parametrize("slug", ["acme-2\n", "acme\n"])
def test_a_slug_with_a_trailing_newline_is_refused(api: Any, slug: str) -> None:
    response = api.post("/", json={"name": "Acme", "slug": slug})
    assert "slug" in _is_error(response, 422)["fields"]


def test_a_host_name_label_with_a_newline_is_refused(api: Any, page: dict[str, Any]) -> None:
    response = api.patch(f"/{page['id']}", json={"custom_domain": "status\n.acme.com"})
    assert "custom_domain" in _is_error(response, 422)["fields"]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("0746-01-01T00:00:00Z", "0746-01-02T00:00:00Z", "scheduled_for"),
        ("1999-12-31T23:59:59Z", "2026-01-01T00:00:00Z", "scheduled_for"),
        # Both overflow the calendar once converted to UTC.
        ("2026-01-01T00:00:00Z", "9999-12-31T23:59:59-05:00", "scheduled_until"),
        ("0001-01-01T00:00:00+05:00", "2026-01-01T00:00:00Z", "scheduled_for"),
    ],
)
def test_maintenance_times_must_lie_in_the_documented_window(
    api: Any, page: dict[str, Any], start: str, end: str, field: str
) -> None:
    body = {"title": "Upgrade", "scheduled_for": start, "scheduled_until": end}
    response = api.post(f"/{page['id']}/maintenances", json=body)
    assert field in _is_error(response, 422)["fields"]
    assert api.get(f"/{page['id']}/maintenances").json["data"] == []
    window = api.make_maintenance(page["id"], utcnow() + timedelta(days=1))
    response = api.patch(f"/{page['id']}/maintenances/{window['id']}", json={field: start})
    assert response.status_code == 422


def test_the_window_reaches_the_last_instant_of_year_9999(api: Any, page: dict[str, Any]) -> None:
    body = {
        "title": "Far away",
        "scheduled_for": "9999-12-31T18:00:00+05:00",
        "scheduled_until": "9999-12-31T23:59:59Z",
        "auto_transition": False,
    }
    created = api.post(f"/{page['id']}/maintenances", json=body)
    assert created.status_code == 201, created.json
    assert created.json["scheduled_for"] == "9999-12-31T13:00:00.000Z"
    _every_public_rendering_answers(api, page, maintenance_id=created.json["id"])


def test_timestamps_always_have_four_digit_years() -> None:
    utc = timezone.utc
    assert format_timestamp(datetime(746, 1, 2, 3, 4, 5, 678000, tzinfo=utc)) == (
        "0746-01-02T03:04:05.678Z"
    )
    assert format_timestamp(datetime(1, 1, 1, tzinfo=utc)) == "0001-01-01T00:00:00.000Z"
    # Leaving the calendar when shifted to UTC: written as it stands, never an error.
    west = timezone(timedelta(hours=-5))
    assert format_timestamp(datetime(9999, 12, 31, 23, 0, tzinfo=west)) == (
        "9999-12-31T23:00:00.000Z"
    )
    assert format_timestamp(datetime(2026, 3, 1, 12, 0)) == "2026-03-01T12:00:00.000Z"


# ------------------------------------------------- point 9: odd stored values


def _every_public_rendering_answers(
    api: Any, page: dict[str, Any], *, maintenance_id: str | None = None
) -> None:
    """Every public view of ``page`` answers without a server error."""
    slug = page["slug"]
    public = [
        "",
        "/history",
        "/history?months=24&offset=240",
        "/feed.rss",
        "/feed.atom",
        "/badge.svg",
        "/widget.js",
        "/api/v2/summary.json",
        "/api/v2/status.json",
        "/api/v2/components.json",
        "/api/v2/incidents.json",
        "/api/v2/incidents/unresolved.json",
        "/api/v2/scheduled-maintenances.json",
        "/api/v2/scheduled-maintenances/upcoming.json",
        "/api/v2/scheduled-maintenances/active.json",
    ]
    for component in api.get(f"/{page['id']}/components").json["data"]:
        public.append(f"/components/{component['id']}/uptime?days=365")
    for path in public:
        response = api.get(f"/public/{slug}{path}")
        assert response.status_code == 200, (path, response.data[:300])
    client = api.client
    site = [f"/status/{slug}", f"/status/{slug}/history"]
    if maintenance_id:
        site.append(f"/status/{slug}/maintenances/{maintenance_id}")
    for incident in api.get(f"/{page['id']}/incidents").json["data"]:
        site.append(f"/status/{slug}/incidents/{incident['id']}")
    for path in site:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, (path, response.data[:300])
    for path in (f"/{page['id']}", f"/{page['id']}/maintenances", f"/{page['id']}/incidents"):
        assert api.get(path).status_code == 200, path


def test_odd_stored_values_never_break_a_rendering(
    app: Any, api: Any, db: Any, page: dict[str, Any]
) -> None:
    """Values the API refuses today, written straight into the database."""
    component = api.make_component(page["id"], name="API")
    incident = api.make_incident(page["id"], title="Slow")
    long_ago = datetime(746, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    with app.app_context():
        stored = db.session.get(models.Page, page["id"])
        stored.theme = {
            "primary_color": "#fff\n",
            "background_color": 12,
            "color_scheme": ["dark"],
            "logo_url": "javascript:alert(1)",
            "favicon_url": {"x": 1},
        }
        stored.uptime_days = 100000
        stored.ip_allowlist = ["not a network", 7, "127.0.0.0/8"]  # the test client: 127.0.0.1
        windows = [
            models.Maintenance(
                page_id=page["id"],
                title="Long ago",
                status=status,
                scheduled_for=long_ago,
                scheduled_until=long_ago + timedelta(hours=2),
                started_at=long_ago if status != "scheduled" else None,
                completed_at=long_ago if status == "completed" else None,
                auto_transition=False,
                component_ids=[component["id"], "no-such-component", 7],
                created_at=long_ago,
                updated_at=long_ago,
            )
            for status in ("scheduled", "in_progress", "completed", "postponed")
        ]
        db.session.add_all(windows)
        old = db.session.get(models.Incident, incident["id"])
        old.created_at = old.updated_at = long_ago
        old.severity, old.status = "apocalyptic", "bewildered"  # no such values
        db.session.get(models.Component, component["id"]).status = "exploded"
        db.session.add(
            models.Incident(
                page_id=page["id"],
                title="Resolved long ago",
                status="resolved",
                severity="major",
                resolved_at=long_ago,
                created_at=long_ago,
                updated_at=long_ago,
            )
        )
        db.session.commit()
        window_ids = [w.id for w in windows]
    _every_public_rendering_answers(api, page, maintenance_id=window_ids[0])
    for window_id in window_ids:
        response = api.client.get(f"/status/acme/maintenances/{window_id}")
        assert response.status_code == 200
    listed = api.get(f"/{page['id']}/maintenances").json["data"]
    assert {m["scheduled_for"] for m in listed} == {"0746-05-06T07:08:09.000Z"}
    state = api.get("/public/acme").json
    assert [m["scheduled_for"] for m in state["upcoming_maintenances"]] == [
        "0746-05-06T07:08:09.000Z"
    ]


# ----------------------------------------------- point 10: integers past 64 bits

PAGINATED = [
    "/",
    "/{page}/components",
    "/{page}/incidents",
    "/{page}/maintenances",
    "/{page}/subscribers",
    "/{page}/deliveries",
]


@pytest.mark.parametrize("path", PAGINATED)
@pytest.mark.parametrize("param", ["page", "per_page"])
def test_a_page_number_past_64_bits_is_a_422(
    api: Any, page: dict[str, Any], path: str, param: str
) -> None:
    url = path.format(page=page["id"])
    for value in (HUGE, str(2**64), "9" * 5000, "-" + HUGE):
        error = _is_error(api.get(f"{url}?{param}={value}"), 422, "validation_error")
        assert param in error["fields"]
    assert api.get(f"{url}?page=2147483647").status_code == 200  # the last page there is


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/public/acme/history", "months"),
        ("/public/acme/history", "offset"),
        ("/public/acme/components/{component}/uptime", "days"),
    ],
)
def test_other_integer_parameters_past_64_bits_are_a_422(
    api: Any, page: dict[str, Any], path: str, param: str
) -> None:
    component = api.make_component(page["id"])
    url = path.format(component=component["id"])
    assert param in _is_error(api.get(f"{url}?{param}={HUGE}"), 422)["fields"]
    if param != "days":  # the HTML history page takes the same parameters
        assert api.client.get(f"/status/acme/history?{param}={HUGE}").status_code == 400


# ------------------------------------------------------- point 10: NUL characters


def test_a_nul_in_a_path_is_a_404(api: Any, page: dict[str, Any]) -> None:
    component = api.make_component(page["id"])
    json_paths = [
        "/public/%00",
        "/public/acme%00",
        "/public/%00/feed.rss",
        "/public/%00/api/v2/summary.json",
        "/public/acme/components/%00/uptime",
        "/%00",
        f"/{page['id']}%00/components",
        f"/{page['id']}/components/%00",
        f"/{page['id']}/incidents/%00",
        f"/{page['id']}/maintenances/%00",
        f"/{page['id']}/subscribers/%00",
        f"/{page['id']}/subscribers/verify/%00",
        "/unsubscribe/%00",
    ]
    for path in json_paths:
        _is_error(api.get(path), 404, "not_found")
    _is_error(api.patch(f"/{page['id']}/components/%00", json={"name": "x"}), 404)
    _is_error(api.delete(f"/{page['id']}%00"), 404)
    for path in ("/status/%00", "/status/acme%00/history", "/status/acme/incidents/%00"):
        assert api.client.get(path).status_code == 404, path
    assert api.get(f"/{page['id']}/components/{component['id']}").status_code == 200


def test_a_nul_in_any_string_field_is_a_422_naming_it(api: Any, page: dict[str, Any]) -> None:
    cases = [
        ("POST", "/", {"name": "Acme\x00"}, "name"),
        (
            "PATCH",
            f"/{page['id']}",
            {"theme": {"primary_color": "#fff\x00"}},
            "theme.primary_color",
        ),
        ("PATCH", f"/{page['id']}", {"ip_allowlist": ["10.0.0.0/8\x00"]}, "ip_allowlist"),
        ("POST", f"/{page['id']}/components", {"name": "A", "group_name": "\x00"}, "group_name"),
        ("POST", f"/{page['id']}/incidents", {"title": "T", "message": "a\x00b"}, "message"),
        ("POST", f"/{page['id']}/subscribers", {"email": "a\x00@acme.com"}, "email"),
        ("POST", "/public/acme/subscribe", {"email": "a@acme.com\x00"}, "email"),
        ("POST", "/public/acme/auth", {"password": "\x00"}, "password"),
    ]
    for method, path, body, field in cases:
        error = _is_error(api.request(method, path, json=body), 422, "validation_error")
        assert field in error["fields"], (path, error)
    for path, field in [
        ("/public/acme/badge.svg?component=%00", "component"),
        ("/public/acme/badge.svg?label=%00", "label"),
        (f"/{page['id']}/incidents?status=%00", "status"),
    ]:
        assert field in _is_error(api.get(path), 422)["fields"], path


# ------------------------------------------------- point 13: a required body


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_an_update_without_a_body_is_a_400(api: Any, page: dict[str, Any], method: str) -> None:
    component = api.make_component(page["id"])
    for path in (f"/{page['id']}", f"/{page['id']}/components/{component['id']}"):
        for data in (None, b"", b"  \n"):
            response = api.request(
                method, path, data=data, headers={"Content-Type": "application/json"}
            )
            error = _is_error(response, 400, "bad_request")
            assert "body is required" in error["message"]
        assert api.request(method, path, json={}).status_code == 200  # an empty object is one


@pytest.mark.parametrize("value", [0, 1, "true", "false", None])
def test_a_boolean_is_true_or_false_and_nothing_else(
    api: Any, page: dict[str, Any], value: Any
) -> None:
    component = api.make_component(page["id"])
    for path, field in [
        (f"/{page['id']}", "is_public"),
        (f"/{page['id']}", "show_uptime"),
        (f"/{page['id']}/components/{component['id']}", "show_uptime"),
    ]:
        error = _is_error(api.patch(path, json={field: value}), 422, "validation_error")
        assert list(error["fields"]) == [field]
    body = {
        "title": "Upgrade",
        "scheduled_for": "2030-01-01T00:00:00Z",
        "scheduled_until": "2030-01-01T01:00:00Z",
        "auto_transition": value,
    }
    error = _is_error(api.post(f"/{page['id']}/maintenances", json=body), 422)
    assert list(error["fields"]) == ["auto_transition"]
    assert api.get(f"/{page['id']}").json["is_public"] is True


def test_a_nul_in_a_form_field_is_refused(api: Any, page: dict[str, Any]) -> None:
    component = api.make_component(page["id"])
    forms = [
        ("/status/acme/subscribe", {"email": "a\x00@acme.com"}),
        ("/status/acme/subscribe", {"email": "a@acme.com", "component_ids": "\x00"}),
        (
            "/status/acme/subscribe",
            {"email": "a@acme.com", "component_ids": f"{component['id']}\x00"},
        ),
    ]
    for path, form in forms:
        response = api.client.post(path, data=form, headers={"Accept": "text/html"})
        assert 400 <= response.status_code < 500, (path, form, response.status_code)
    assert api.get(f"/{page['id']}/subscribers").json["data"] == []


def test_a_password_with_a_nul_never_unlocks_a_page(api: Any, page: dict[str, Any]) -> None:
    """The hash check ignores a trailing NUL: ``s3cret\\x00`` must not pass for ``s3cret``."""
    assert api.patch(f"/{page['id']}", json={"password": "s3cret"}).status_code == 200
    response = api.client.post("/status/acme/auth", data={"password": "s3cret\x00"})
    assert response.status_code == 401 and "Set-Cookie" not in response.headers
    response = api.post("/public/acme/auth", json={"password": "s3cret\x00"})
    assert "password" in _is_error(response, 422)["fields"]
    assert api.post("/public/acme/auth", json={"password": "s3cret"}).status_code == 200


def test_an_owner_with_a_nul_is_no_owner(api: Any, page: dict[str, Any]) -> None:
    """The test apps' loader reads ``X-Owner`` as it comes, as a host's loader may."""
    for path in ("/", f"/{page['id']}"):
        response = api.as_owner("acme\x00").get(path)
        assert _is_error(response, 401, "unauthorized")
