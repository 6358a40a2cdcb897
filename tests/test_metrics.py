"""Metrics: CRUD, readings in (one, a batch, 3,000, duplicates, out of order, refused
ones), aggregation into buckets, pruning by the worker, the public JSON and its
visibility, and the SVG charts of the HTML page."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from sqlalchemy import func, select

from flask_statuspages import models, series
from flask_statuspages.domain import metrics as metric_domain

DAY = 86400


def make_metric(api: Any, page_id: str, **body: Any) -> dict[str, Any]:
    response = api.post(f"/{page_id}/metrics", json={"name": "API latency", **body})
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def stored(app: Any, db: Any, metric_id: str) -> dict[int, float]:
    with app.app_context():
        rows = db.session.execute(
            select(models.MetricPoint.ts, models.MetricPoint.value).where(
                models.MetricPoint.metric_id == metric_id
            )
        )
        return {ts: value for ts, value in rows}


def point_count(app: Any, db: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(models.MetricPoint))  # type: ignore[no-any-return]


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page(name="Acme Status")


# ------------------------------------------------------------------ CRUD


def test_create_get_list_update_delete(api: Any, page: dict[str, Any]) -> None:
    component = api.make_component(page["id"], name="API")
    response = api.post(
        f"/{page['id']}/metrics",
        json={
            "name": "API latency",
            "suffix": "ms",
            "y_axis_min": 0,
            "y_axis_max": 500,
            "decimal_places": 1,
            "tooltip_description": "Median over all regions",
            "component_ids": [component["id"]],
        },
    )
    assert response.status_code == 201, response.json
    metric = response.json
    assert response.headers["Location"].endswith(f"/{page['id']}/metrics/{metric['id']}")
    assert metric["display"] is True and metric["y_axis_hidden"] is False
    assert metric["display_order"] == 0
    assert metric["component_ids"] == [component["id"]]
    assert metric["created_at"].endswith("Z")
    second = make_metric(api, page["id"], name="Error rate", suffix="%")
    assert second["display_order"] == 1 and second["component_ids"] == []

    assert api.get(f"/{page['id']}/metrics/{metric['id']}").json == metric
    listed = api.get(f"/{page['id']}/metrics?per_page=1").json
    assert [m["id"] for m in listed["data"]] == [metric["id"]]
    assert listed["pagination"] == {"page": 1, "per_page": 1, "total": 2, "pages": 2}

    patched = api.patch(
        f"/{page['id']}/metrics/{metric['id']}",
        json={"display": False, "component_ids": [], "y_axis_max": 250.5},
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["display"] is False
    assert patched.json["component_ids"] == []
    assert patched.json["y_axis_max"] == 250.5
    assert patched.json["name"] == "API latency"

    assert api.delete(f"/{page['id']}/metrics/{metric['id']}").status_code == 204
    assert api.get(f"/{page['id']}/metrics/{metric['id']}").status_code == 404
    assert api.get(f"/{page['id']}/metrics").json["pagination"]["total"] == 1


def test_bad_metric_fields_are_named_and_nothing_is_written(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    other = api.make_page(name="Other")
    foreign = api.make_component(other["id"], name="Elsewhere")
    response = api.post(
        f"/{page['id']}/metrics",
        json={
            "name": " ",
            "suffix": "x" * 33,
            "y_axis_min": "0",
            "decimal_places": 9,
            "display": "yes",
            "colour": "red",
        },
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "name",
        "suffix",
        "y_axis_min",
        "decimal_places",
        "display",
        "colour",
    }
    crossed = api.post(
        f"/{page['id']}/metrics", json={"name": "Latency", "y_axis_min": 10, "y_axis_max": 10}
    )
    assert crossed.status_code == 422
    assert set(crossed.json["error"]["fields"]) == {"y_axis_max"}
    tied = api.post(f"/{page['id']}/metrics", json={"name": "L", "component_ids": [foreign["id"]]})
    assert tied.status_code == 422
    assert set(tied.json["error"]["fields"]) == {"component_ids"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(models.Metric)) == 0

    metric = make_metric(api, page["id"], y_axis_min=0, y_axis_max=100)
    # One bound moved past the stored other.
    moved = api.patch(f"/{page['id']}/metrics/{metric['id']}", json={"y_axis_min": 100})
    assert moved.status_code == 422
    assert set(moved.json["error"]["fields"]) == {"y_axis_max"}
    assert api.get(f"/{page['id']}/metrics/{metric['id']}").json["y_axis_min"] == 0


def test_a_deleted_component_leaves_the_metric(api: Any, page: dict[str, Any]) -> None:
    component = api.make_component(page["id"], name="API")
    metric = make_metric(api, page["id"], component_ids=[component["id"]])
    assert api.delete(f"/{page['id']}/components/{component['id']}").status_code == 204
    assert api.get(f"/{page['id']}/metrics/{metric['id']}").json["component_ids"] == []


def test_another_owners_metric_is_not_found(api: Any, page: dict[str, Any]) -> None:
    metric = make_metric(api, page["id"])
    stranger = api.as_owner("stranger")
    base = f"/{page['id']}/metrics/{metric['id']}"
    assert stranger.get(base).status_code == 404
    assert stranger.patch(base, json={"name": "Mine"}).status_code == 404
    assert (
        stranger.post(base + "/data", json={"data": {"timestamp": 1, "value": 1}}).status_code
        == 404
    )
    assert stranger.delete(base + "/data").status_code == 404
    assert stranger.delete(base).status_code == 404
    # A metric id given with another page of the same owner is as missing.
    other = api.make_page(name="Other")
    assert api.get(f"/{other['id']}/metrics/{metric['id']}").status_code == 404


# ------------------------------------------------------------------ readings


def test_one_point_then_a_batch_out_of_order_with_duplicates(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    metric = make_metric(api, page["id"])
    url = f"/{page['id']}/metrics/{metric['id']}/data"
    now = int(time.time())
    one = api.post(url, json={"data": {"timestamp": now - 60, "value": 1.5}})
    assert one.status_code == 201, one.json
    assert one.json["written"] == 1 and one.json["metric_id"] == metric["id"]
    batch = [
        {"timestamp": now - 10, "value": 3},
        {"timestamp": now - 120, "value": 2},
        {"timestamp": now - 10, "value": 4},  # repeated in the batch: the last wins
        {"timestamp": now - 60, "value": 5},  # stored already: replaced
    ]
    response = api.post(url, json={"data": batch})
    assert response.status_code == 201, response.json
    assert response.json["written"] == 3
    assert response.json["first"] < response.json["last"]
    assert stored(app, db, metric["id"]) == {now - 120: 2.0, now - 60: 5.0, now - 10: 4.0}


def test_iso_timestamps_are_taken(api: Any, page: dict[str, Any], app: Any, db: Any) -> None:
    metric = make_metric(api, page["id"])
    now = int(time.time())
    moment = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now - 30))
    response = api.post(
        f"/{page['id']}/metrics/{metric['id']}/data",
        json={
            "data": [
                {"timestamp": moment + "Z", "value": 7},
                {"timestamp": moment + ".9+00:00", "value": 8},
            ]
        },
    )
    assert response.status_code == 201, response.json
    assert stored(app, db, metric["id"]) == {now - 30: 8.0}


def test_a_batch_of_3000_in_one_request(api: Any, page: dict[str, Any], app: Any, db: Any) -> None:
    metric = make_metric(api, page["id"])
    now = int(time.time())
    data = [{"timestamp": now - i * 60, "value": i % 17} for i in range(3000)]
    response = api.post(f"/{page['id']}/metrics/{metric['id']}/data", json={"data": data})
    assert response.status_code == 201, response.json
    assert response.json["written"] == 3000
    points = stored(app, db, metric["id"])
    assert len(points) == 3000 and points[now - 2999 * 60] == 2999 % 17
    over = data + [{"timestamp": now, "value": 1}]
    refused = api.post(f"/{page['id']}/metrics/{metric['id']}/data", json={"data": over})
    assert refused.status_code == 422
    assert set(refused.json["error"]["fields"]) == {"data"}


def test_bad_points_refuse_the_whole_batch_naming_each(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    metric = make_metric(api, page["id"])
    url = f"/{page['id']}/metrics/{metric['id']}/data"
    now = int(time.time())
    data = [{"timestamp": now - i, "value": i} for i in range(20)]
    data[17] = {"timestamp": now - 91 * DAY, "value": 1}  # past the retention window
    data[3] = {"timestamp": now + 3600, "value": 1}  # in the future
    data[5] = {"timestamp": now, "value": "fast"}
    data[8] = {"timestamp": now}
    response = api.post(url, json={"data": data})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {
        "data.17.timestamp",
        "data.3.timestamp",
        "data.5.value",
        "data.8.value",
    }
    assert "retention" in error["fields"]["data.17.timestamp"][0]
    assert point_count(app, db) == 0
    for body in ({}, {"data": []}, {"data": 5}, {"data": {"timestamp": now}}, {"points": []}):
        refused = api.post(url, json=body)
        assert refused.status_code == 422, body
        assert all(
            name.split(".")[0] in ("data", "points") for name in refused.json["error"]["fields"]
        )
    assert point_count(app, db) == 0


def test_the_retention_window_is_configurable(api: Any, page: dict[str, Any], app: Any) -> None:
    app.config["STATUSPAGES_METRIC_RETENTION_DAYS"] = 7
    metric = make_metric(api, page["id"])
    url = f"/{page['id']}/metrics/{metric['id']}/data"
    eight_days = int(time.time()) - 8 * DAY
    response = api.post(url, json={"data": {"timestamp": eight_days, "value": 1}})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "data.timestamp": ["Older than the retention window (7 days)."]
    }
    six_days = int(time.time()) - 6 * DAY
    assert api.post(url, json={"data": {"timestamp": six_days, "value": 1}}).status_code == 201


def test_reset_data_deletes_the_readings_only(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    metric = make_metric(api, page["id"])
    other = make_metric(api, page["id"], name="Errors")
    now = int(time.time())
    for m in (metric, other):
        api.post(
            f"/{page['id']}/metrics/{m['id']}/data", json={"data": {"timestamp": now, "value": 1}}
        )
    assert api.delete(f"/{page['id']}/metrics/{metric['id']}/data").status_code == 204
    assert stored(app, db, metric["id"]) == {}
    assert stored(app, db, other["id"]) == {now: 1.0}
    assert api.get(f"/{page['id']}/metrics/{metric['id']}").status_code == 200
    assert api.delete(f"/{page['id']}/metrics/{other['id']}").status_code == 204
    assert point_count(app, db) == 0


def test_the_worker_prunes_readings_past_the_window(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    metric = make_metric(api, page["id"])
    now = int(time.time())
    api.post(
        f"/{page['id']}/metrics/{metric['id']}/data",
        json={
            "data": [{"timestamp": now - 5 * DAY, "value": 1}, {"timestamp": now - 60, "value": 2}]
        },
    )
    app.config["STATUSPAGES_METRIC_RETENTION_DAYS"] = 3  # the window shrank since
    result = app.test_cli_runner().invoke(args=["statuspages", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert stored(app, db, metric["id"]) == {now - 60: 2.0}


def test_the_drain_prunes_at_most_every_interval(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    from flask_statuspages.notify.worker import drain

    metric = make_metric(api, page["id"])
    now = int(time.time())
    url = f"/{page['id']}/metrics/{metric['id']}/data"
    api.post(url, json={"data": {"timestamp": now - 5 * DAY, "value": 1}})
    app.config["STATUSPAGES_METRIC_RETENTION_DAYS"] = 3
    with app.app_context():
        drain()
    assert stored(app, db, metric["id"]) == {}
    app.config["STATUSPAGES_METRIC_RETENTION_DAYS"] = 90
    api.post(url, json={"data": {"timestamp": now - 5 * DAY, "value": 1}})
    app.config["STATUSPAGES_METRIC_RETENTION_DAYS"] = 3
    with app.app_context():
        drain()  # pruned a moment ago: not again before STATUSPAGES_METRIC_PRUNE_INTERVAL
    assert stored(app, db, metric["id"]) == {now - 5 * DAY: 1.0}


# ------------------------------------------------------------------ views


def test_aggregation_of_a_constructed_series(api: Any, page: dict[str, Any], app: Any) -> None:
    """Readings placed in known buckets give exact means, minima and maxima."""
    latency = make_metric(api, page["id"], name="Latency")
    errors = make_metric(api, page["id"], name="Errors")
    now = int(time.time())
    day = series.PERIODS["day"]
    start, end = series.window(day, now)
    b0 = start  # the oldest bucket of the day view
    b1 = start + 10 * 300
    data = [
        {"timestamp": b0, "value": 1.0},
        {"timestamp": b0 + 100, "value": 2.0},
        {"timestamp": b0 + 299, "value": 6.0},
        {"timestamp": b1 + 5, "value": -4.0},
        {"timestamp": b1 + 6, "value": 4.5},
        {"timestamp": start - 1, "value": 1000.0},  # before the window
    ]
    url = f"/{page['id']}/metrics/{latency['id']}/data"
    assert api.post(url, json={"data": data}).status_code == 201
    url = f"/{page['id']}/metrics/{errors['id']}/data"
    assert api.post(url, json={"data": {"timestamp": b1, "value": 0.25}}).status_code == 201

    with app.app_context():
        got_start, got_end, buckets, latest = metric_domain.aggregate(
            [latency["id"], errors["id"]], day, now
        )
    assert (got_start, got_end) == (start, end)
    assert buckets[latency["id"]] == [
        series.Bucket(b0, 3.0, 1.0, 6.0, 3),
        series.Bucket(b1, 0.25, -4.0, 4.5, 2),
    ]
    assert buckets[errors["id"]] == [series.Bucket(b1, 0.25, 0.25, 0.25, 1)]
    assert latest == {latency["id"]: (b1 + 6, 4.5), errors["id"]: (b1, 0.25)}

    week = series.PERIODS["week"]
    with app.app_context():
        _, _, weekly, _ = metric_domain.aggregate([latency["id"]], week, now)
    total = sum(b.count for b in weekly[latency["id"]])
    assert total == 6  # the point before the day view is in the week's
    assert max(b.max for b in weekly[latency["id"]]) == 1000.0

    body = api.as_owner(None).get("/public/acme-status/metrics").json
    assert body["period"] == "day" and body["bucket_seconds"] == 300
    shown = {m["name"]: m for m in body["metrics"]}
    summary = shown["Latency"]["summary"]
    assert summary["count"] == 5
    assert summary["mean"] == pytest.approx(9.5 / 5)
    assert (summary["min"], summary["max"]) == (-4.0, 6.0)
    assert summary["latest"]["value"] == 4.5
    assert [p["mean"] for p in shown["Latency"]["points"]] == [3.0, 0.25]


def test_aggregation_is_two_queries_whatever_the_number_of_metrics(
    api: Any, page: dict[str, Any], app: Any, db: Any
) -> None:
    from .conftest import count_queries

    now = int(time.time())
    ids = []
    for n in range(6):
        metric = make_metric(api, page["id"], name=f"M{n}")
        ids.append(metric["id"])
        data = [{"timestamp": now - i * 30, "value": i} for i in range(200)]
        api.post(f"/{page['id']}/metrics/{metric['id']}/data", json={"data": data})
    with app.app_context(), count_queries(db) as statements:
        _, _, buckets, _ = metric_domain.aggregate(ids, series.PERIODS["day"], now)
    assert len(statements) == 2
    assert all(sum(b.count for b in buckets[i]) == 200 for i in ids)


def test_public_json_shows_displayed_metrics_only_for_each_period(
    api: Any, page: dict[str, Any]
) -> None:
    shown = make_metric(api, page["id"], name="Latency", suffix="ms")
    hidden = make_metric(api, page["id"], name="Internal queue depth", display=False)
    now = int(time.time())
    for m in (shown, hidden):
        api.post(
            f"/{page['id']}/metrics/{m['id']}/data", json={"data": {"timestamp": now, "value": 3}}
        )
    visitor = api.as_owner(None)
    for period, width in (("day", 300), ("week", 3600), ("month", 21600)):
        response = visitor.get(f"/public/acme-status/metrics?period={period}")
        assert response.status_code == 200
        body = response.json
        assert body["period"] == period and body["bucket_seconds"] == width
        assert [m["id"] for m in body["metrics"]] == [shown["id"]]
        assert "Internal queue depth" not in response.get_data(as_text=True)
        assert response.headers["ETag"]
    again = visitor.get(
        "/public/acme-status/metrics", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 200  # another period: another rendering
    same = visitor.get("/public/acme-status/metrics?period=month")
    assert (
        visitor.get(
            "/public/acme-status/metrics?period=month",
            headers={"If-None-Match": same.headers["ETag"]},
        ).status_code
        == 304
    )
    bad = visitor.get("/public/acme-status/metrics?period=year")
    assert bad.status_code == 422 and set(bad.json["error"]["fields"]) == {"period"}


def test_posting_data_refreshes_the_public_views(api: Any, page: dict[str, Any]) -> None:
    metric = make_metric(api, page["id"])
    visitor = api.as_owner(None)
    before = visitor.get("/public/acme-status/metrics").json["metrics"][0]
    assert before["summary"]["count"] == 0 and before["points"] == []
    now = int(time.time())
    api.post(
        f"/{page['id']}/metrics/{metric['id']}/data", json={"data": {"timestamp": now, "value": 42}}
    )
    after = visitor.get("/public/acme-status/metrics").json["metrics"][0]
    assert after["summary"]["latest"]["value"] == 42
    assert "42" in visitor.client.get("/status/acme-status").get_data(as_text=True)
    api.delete(f"/{page['id']}/metrics/{metric['id']}/data")
    assert visitor.get("/public/acme-status/metrics").json["metrics"][0]["summary"]["count"] == 0


@pytest.mark.parametrize(
    "change, status",
    [
        ({"is_public": False}, 404),
        ({"enabled": False}, 404),
        ({"ip_allowlist": ["203.0.113.0/24"]}, 404),
        ({"password": "sesame-sesame"}, 401),
    ],
)
def test_public_metrics_follow_the_pages_visibility(
    api: Any, page: dict[str, Any], change: dict[str, Any], status: int
) -> None:
    make_metric(api, page["id"])
    assert api.as_owner(None).get("/public/acme-status/metrics").status_code == 200
    response = api.patch(f"/{page['id']}", json=change)
    assert response.status_code == 200, response.json
    hidden = api.as_owner(None).get("/public/acme-status/metrics")
    assert hidden.status_code == status
    assert "API latency" not in hidden.get_data(as_text=True)


def test_a_password_session_opens_the_metrics(api: Any, page: dict[str, Any]) -> None:
    make_metric(api, page["id"])
    api.patch(f"/{page['id']}", json={"password": "sesame-sesame"})
    visitor = api.as_owner(None)
    assert (
        visitor.post("/public/acme-status/auth", json={"password": "sesame-sesame"}).status_code
        == 200
    )
    assert visitor.get("/public/acme-status/metrics").status_code == 200


# ------------------------------------------------------------------ HTML


def test_the_status_page_draws_each_displayed_metric_as_an_svg_chart(
    api: Any, page: dict[str, Any]
) -> None:
    latency = make_metric(
        api,
        page["id"],
        name="API latency",
        suffix="ms",
        decimal_places=1,
        tooltip_description="Median over all regions",
    )
    make_metric(api, page["id"], name="Secret gauge", display=False)
    empty = make_metric(api, page["id"], name="Error rate", suffix="%")
    now = int(time.time())
    data = [{"timestamp": now - i * 300, "value": 100 + i} for i in range(12)]
    api.post(f"/{page['id']}/metrics/{latency['id']}/data", json={"data": data})
    html = api.client.get("/status/acme-status").get_data(as_text=True)
    assert "Secret gauge" not in html
    charts = re.findall(r"<svg class=\"metric-chart\"[^>]*>.*?</svg>", html, re.S)
    assert len(charts) == 2
    chart = next(c for c in charts if "API latency" in c)
    assert f'aria-labelledby="metric-{latency["id"]}-title metric-{latency["id"]}-desc"' in chart
    assert re.search(r"<title[^>]*>API latency</title>", chart)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", chart, re.S)
    assert desc is not None
    text = " ".join(desc.group(1).split())
    assert "latest 100.0 ms" in text and "min 100.0 ms" in text and "max 111.0 ms" in text
    assert "mean 105.5 ms" in text
    assert re.search(r'<path class="metric-line" d="M[^"]+"', chart)
    assert "currentColor" in chart or "var(--" in chart
    # The summary is on the page as text too, without the chart.
    assert "Median over all regions" in html
    empty_chart = next(c for c in charts if "Error rate" in c)
    assert "No data" in empty_chart or "no data" in empty_chart
    assert empty["id"] in html


# ------------------------------------------------------------------ Python API


def test_the_python_api_does_what_the_routes_do(app: Any, ext: Any, db: Any, api: Any) -> None:
    from datetime import datetime, timedelta, timezone

    from flask_statuspages import ApiError

    page = api.make_page()
    component = api.make_component(page["id"], name="API")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with app.app_context():
        metric = ext.metrics.create(
            page["id"], name="Latency", suffix="ms", component_ids=[component["id"]]
        )
        assert metric.component_ids == [component["id"]]
        written = ext.metrics.add_data(
            page["id"],
            metric,
            [
                {"timestamp": now - timedelta(minutes=5), "value": 10},
                {"timestamp": int(now.timestamp()), "value": 30},
            ],
        )
        assert written.written == 2
        view = ext.metrics.view(page["id"], "day")
        [shown] = view["metrics"]
        assert shown["summary"]["mean"] == 20.0 and shown["summary"]["latest"]["value"] == 30.0
        with pytest.raises(ApiError) as refused:
            ext.metrics.add_data(
                page["id"], metric, {"timestamp": now + timedelta(days=1), "value": 1}
            )
        assert refused.value.status == 422
        assert set(refused.value.fields) == {"data.timestamp"}
        with pytest.raises(ApiError) as crossed:
            ext.metrics.update(page["id"], metric.id, y_axis_min=5, y_axis_max=1)
        assert set(crossed.value.fields) == {"y_axis_max"}
        with pytest.raises(ApiError) as period:
            ext.metrics.view(page["id"], "year")
        assert set(period.value.fields) == {"period"}
        ext.metrics.update(page["id"], metric.id, display=False)
        assert ext.metrics.view(page["id"])["metrics"] == []
        assert [m.id for m in ext.metrics.list(page["id"])] == [metric.id]
        ext.metrics.reset_data(page["id"], metric.id)
        assert ext.metrics.get(page["id"], metric.id).display is False
        ext.metrics.delete(page["id"], metric.id)
        with pytest.raises(ApiError):
            ext.metrics.get(page["id"], metric.id)
    assert point_count(app, db) == 0


def test_signals_and_live_events_of_metrics(
    api: Any, page: dict[str, Any], app: Any, recorded_signals: Any
) -> None:
    broker = app.extensions["statuspages"].broker
    subscription = broker.subscribe(page["id"])
    shown = make_metric(api, page["id"], name="Shown")
    hidden = make_metric(api, page["id"], name="Hidden", display=False)
    now = int(time.time())
    for m in (shown, hidden):
        api.post(
            f"/{page['id']}/metrics/{m['id']}/data", json={"data": {"timestamp": now, "value": 1}}
        )
    api.patch(f"/{page['id']}/metrics/{shown['id']}", json={"display": False})
    api.delete(f"/{page['id']}/metrics/{hidden['id']}")
    names = [name for name, _ in recorded_signals if name.startswith("metric")]
    assert names == [
        "metric_created",
        "metric_created",
        "metric_data_added",
        "metric_data_added",
        "metric_updated",
        "metric_deleted",
    ]
    events = []
    while (received := subscription.get(timeout=0.1)) is not None:
        events.append((received.name, received.data))
    # Visitors hear of what they may see: nothing of the hidden metric, by id only.
    assert events == [
        ("metric.created", {"metric": {"id": shown["id"]}}),
        ("metric.data", {"metric": {"id": shown["id"]}}),
        ("metric.updated", {"metric": {"id": shown["id"]}}),
    ]
    subscription.close()
