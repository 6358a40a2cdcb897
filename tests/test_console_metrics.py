"""The console's metrics: the list with each one's last value, creating and editing one,
a reading added by hand, resetting the readings and deleting a metric."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from flask_statuspages.models import Metric, MetricComponent, MetricPoint

from .console_audience_support import CONSOLE, CROSS_SITE, OPERATOR, count, follow, row


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page(name="Acme", time_zone="Europe/Berlin")


@pytest.fixture
def metric(api: Any, page: dict[str, Any]) -> dict[str, Any]:
    made = api.post(f"/{page['id']}/metrics", json={"name": "Latency", "suffix": "ms"})
    assert made.status_code == 201
    return made.json  # type: ignore[no-any-return]


def base(page: dict[str, Any]) -> str:
    return f"{CONSOLE}/pages/{page['id']}/metrics"


def test_the_list_shows_each_metrics_last_value(
    app: Flask, api: Any, page: dict[str, Any], metric: dict[str, Any]
) -> None:
    now = int(time.time())
    readings = [{"timestamp": now - 120, "value": 80}, {"timestamp": now - 60, "value": 123}]
    api.post(f"/{page['id']}/metrics/{metric['id']}/data", json={"data": readings})
    api.post(f"/{page['id']}/metrics", json={"name": "Queue depth"})
    html = app.test_client().get(base(page), headers=OPERATOR).get_data(as_text=True)
    assert "Latency" in html and "<strong>123 ms</strong>" in html
    assert "Queue depth" in html and "No reading yet" in html


def test_a_metric_is_created_with_its_components(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    component = api.make_component(page["id"], name="API")
    client = app.test_client()
    form = {
        "name": "Error rate",
        "suffix": "%",
        "decimal_places": "2",
        "y_axis_min": "0",
        "y_axis_max": "100",
        "tooltip_description": "Share of requests answered 5xx.",
        "display": "true",
        "display_order": "",
        "component_ids[]": [component["id"]],
    }
    response = client.post(f"{base(page)}/new", data=form, headers=OPERATOR)
    assert "Metric “Error rate” created." in follow(client, response)
    [made] = api.get(f"/{page['id']}/metrics").json["data"]
    assert (made["suffix"], made["decimal_places"], made["y_axis_max"]) == ("%", 2, 100)
    assert made["display"] is True and made["y_axis_hidden"] is False
    assert made["component_ids"] == [component["id"]]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Latency", "decimal_places": "9"}, "decimal_places"),
        ({"name": "Latency", "y_axis_min": "10", "y_axis_max": "5"}, "y_axis_max"),
        ({"name": "Latency", "y_axis_min": "low"}, "y_axis_min"),
    ],
)
def test_a_bad_metric_comes_back_with_its_error_and_writes_nothing(
    app: Flask, page: dict[str, Any], form: dict[str, str], field: str
) -> None:
    response = app.test_client().post(f"{base(page)}/new", data=form, headers=OPERATOR)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="error-{field}"' in html
    assert count(app, Metric) == 0


def test_a_metric_is_edited_and_its_components_unticked(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    component = api.make_component(page["id"], name="API")
    made = api.post(
        f"/{page['id']}/metrics", json={"name": "Latency", "component_ids": [component["id"]]}
    ).json
    client = app.test_client()
    path = f"{base(page)}/{made['id']}"
    shown = client.get(path, headers=OPERATOR).get_data(as_text=True)
    assert 'value="Latency"' in shown and f'value="{component["id"]}" checked' in shown
    response = client.post(path, data={"name": "p95 latency", "suffix": "ms"}, headers=OPERATOR)
    assert "Metric “p95 latency” saved." in follow(client, response)
    found = row(app, Metric, made["id"])
    assert (found.name, found.suffix, found.display) == ("p95 latency", "ms", False)
    assert count(app, MetricComponent, metric_id=made["id"]) == 0


def test_a_refused_edit_writes_nothing(
    app: Flask, page: dict[str, Any], metric: dict[str, Any]
) -> None:
    response = app.test_client().post(
        f"{base(page)}/{metric['id']}", data={"name": "", "display": "true"}, headers=OPERATOR
    )
    assert response.status_code == 422
    assert row(app, Metric, metric["id"]).name == "Latency"


def test_a_reading_is_added_by_hand_in_the_pages_time_zone(
    app: Flask, page: dict[str, Any], metric: dict[str, Any]
) -> None:
    client = app.test_client()
    day = (datetime.now(timezone.utc) - timedelta(days=2)).date()
    form = {"data[value]": "42.5", "data[timestamp]": f"{day.isoformat()}T10:30"}
    response = client.post(f"{base(page)}/{metric['id']}/readings", data=form, headers=OPERATOR)
    assert "Reading added to “Latency”." in follow(client, response)
    with app.app_context():
        session = app.extensions["statuspages"].db.session
        points = [(p.ts, p.value) for p in session.query(MetricPoint)]
    berlin = datetime.combine(day, datetime.min.time(), ZoneInfo("Europe/Berlin"))
    assert points == [(int((berlin + timedelta(hours=10, minutes=30)).timestamp()), 42.5)]


def test_a_reading_without_a_moment_is_now(
    app: Flask, page: dict[str, Any], metric: dict[str, Any]
) -> None:
    before = int(time.time())
    response = app.test_client().post(
        f"{base(page)}/{metric['id']}/readings",
        data={"data[value]": "7", "data[timestamp]": ""},
        headers=OPERATOR,
    )
    assert response.status_code == 303
    with app.app_context():
        [point] = app.extensions["statuspages"].db.session.query(MetricPoint).all()
    assert before - 1 <= point.ts <= int(time.time()) + 1


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"data[value]": "many", "data[timestamp]": ""}, "data-value"),
        ({"data[value]": "", "data[timestamp]": ""}, "data-value"),
        ({"data[value]": "1", "data[timestamp]": "yesterday"}, "data-timestamp"),
        ({"data[value]": "1", "data[timestamp]": "1990-01-01T00:00"}, "data-timestamp"),
    ],
)
def test_a_bad_reading_comes_back_with_its_error_and_writes_nothing(
    app: Flask, page: dict[str, Any], metric: dict[str, Any], form: dict[str, str], field: str
) -> None:
    response = app.test_client().post(
        f"{base(page)}/{metric['id']}/readings", data=form, headers=OPERATOR
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422, html[-3000:]
    assert f'id="error-{field}"' in html
    assert count(app, MetricPoint) == 0


def test_resetting_asks_first_then_deletes_the_readings(
    app: Flask, api: Any, page: dict[str, Any], metric: dict[str, Any]
) -> None:
    api.post(
        f"/{page['id']}/metrics/{metric['id']}/data",
        json={"data": {"timestamp": int(time.time()) - 5, "value": 1}},
    )
    client = app.test_client()
    path = f"{base(page)}/{metric['id']}/reset"
    assert "Reset the readings of “Latency”?" in client.get(path, headers=OPERATOR).get_data(
        as_text=True
    )
    assert count(app, MetricPoint) == 1
    assert "The readings of “Latency” were deleted." in follow(
        client, client.post(path, headers=OPERATOR)
    )
    assert count(app, MetricPoint) == 0 and count(app, Metric) == 1


def test_deleting_asks_first_then_deletes(
    app: Flask, page: dict[str, Any], metric: dict[str, Any]
) -> None:
    client = app.test_client()
    path = f"{base(page)}/{metric['id']}/delete"
    assert "Delete the metric “Latency”?" in client.get(path, headers=OPERATOR).get_data(
        as_text=True
    )
    assert count(app, Metric) == 1
    assert "Metric “Latency” deleted." in follow(client, client.post(path, headers=OPERATOR))
    assert count(app, Metric) == 0


def test_another_owners_metrics_are_not_found(app: Flask, api: Any) -> None:
    globex = api.as_owner("globex")
    theirs = globex.make_page(name="Globex")
    metric = globex.post(f"/{theirs['id']}/metrics", json={"name": "Secret metric"}).json
    client = app.test_client()
    path = base(theirs)
    for suffix in (
        "",
        "/new",
        f"/{metric['id']}",
        f"/{metric['id']}/reset",
        f"/{metric['id']}/delete",
    ):
        response = client.get(path + suffix, headers=OPERATOR)
        assert response.status_code == 404, suffix
        assert "Secret metric" not in response.get_data(as_text=True)
    for suffix in (
        "/new",
        f"/{metric['id']}",
        f"/{metric['id']}/readings",
        f"/{metric['id']}/reset",
        f"/{metric['id']}/delete",
    ):
        form = {"name": "Forged", "data[value]": "1", "data[timestamp]": ""}
        assert client.post(path + suffix, data=form, headers=OPERATOR).status_code == 404, suffix
    assert row(app, Metric, metric["id"]).name == "Secret metric"
    assert count(app, MetricPoint) == 0 and count(app, Metric) == 1


@pytest.mark.parametrize("action", ["new", "edit", "readings", "reset", "delete"])
def test_a_form_from_another_site_is_refused_and_writes_nothing(
    app: Flask, page: dict[str, Any], metric: dict[str, Any], action: str
) -> None:
    suffix = {"new": "/new", "edit": f"/{metric['id']}"}.get(action, f"/{metric['id']}/{action}")
    form = {"name": "Forged", "data[value]": "1", "data[timestamp]": ""}
    response = app.test_client().post(base(page) + suffix, data=form, headers=CROSS_SITE)
    assert response.status_code == 403
    assert count(app, Metric) == 1 and row(app, Metric, metric["id"]).name == "Latency"
    assert count(app, MetricPoint) == 0
