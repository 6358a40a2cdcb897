"""Uptime from the record of status changes, and the history by month."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from flask_statuspages import models, rules
from flask_statuspages.history import month_start
from flask_statuspages.models import utcnow
from flask_statuspages.schemas import format_timestamp

from .conftest import PREFIX

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)


def at(day: int, hour: float) -> datetime:
    return datetime(2026, 3, day, tzinfo=timezone.utc) + timedelta(hours=hour)


def test_a_day_without_changes_is_all_up_in_the_current_status() -> None:
    days = rules.uptime([], "operational", date(2026, 3, 8), 3, NOON).days
    assert [d.uptime for d in days] == [1.0, 1.0, 1.0]
    assert days[-1].observed_seconds == 12 * 3600  # today counts up to now only
    assert rules.uptime_ratio(days) == 1.0


def test_outages_weigh_by_status_and_duration() -> None:
    changes = [
        (at(8, 6), "operational", "major_outage"),
        (at(8, 12), "major_outage", "operational"),
        (at(9, 0), "operational", "partial_outage"),
        (at(9, 10), "partial_outage", "under_maintenance"),
        (at(9, 12), "under_maintenance", "operational"),
    ]
    days = rules.uptime(changes, "operational", date(2026, 3, 8), 3, NOON).days
    assert days[0].uptime == 0.75 and days[0].worst == "major_outage"
    assert abs(days[1].uptime - (1 - 0.3 * 10 / 24)) < 1e-9
    assert days[1].worst == "partial_outage"
    assert days[2].uptime == 1.0 and days[2].worst == "operational"


def test_days_before_the_component_existed_have_no_data() -> None:
    changes = [(at(9, 18), None, "operational")]
    days = rules.uptime(changes, "operational", date(2026, 3, 8), 3, NOON).days
    assert days[0].uptime is None and days[0].worst is None
    assert days[1].uptime == 1.0 and days[1].observed_seconds == 6 * 3600
    assert rules.uptime_ratio(days[:1]) is None


def test_a_young_component_is_measured_since_it_was_created() -> None:
    changes = [
        (at(10, 11), None, "operational"),
        (at(10, 11.5), "operational", "partial_outage"),
    ]
    uptime = rules.uptime(changes, "partial_outage", date(2026, 3, 8), 3, NOON)
    assert uptime.since == at(10, 11)
    assert uptime.observed_seconds == 3600
    assert uptime.ratio == 1 - 0.3 * 1800 / 3600
    assert [d.uptime for d in uptime.days[:2]] == [None, None]  # before it existed
    assert [d.worst for d in uptime.days[:2]] == [None, None]
    assert uptime.days[2].uptime == uptime.ratio


def test_below_the_minimum_span_there_is_no_figure() -> None:
    changes = [
        (at(10, 11.99), None, "operational"),
        (at(10, 11.995), "operational", "partial_outage"),
    ]
    uptime = rules.uptime(changes, "partial_outage", date(2026, 3, 8), 3, NOON, min_span=3600)
    assert uptime.too_little_data and uptime.ratio is None
    assert uptime.since == at(10, 11.99)
    assert [d.uptime for d in uptime.days] == [None, None, None]
    assert uptime.days[2].worst == "partial_outage"  # the bar still shows what happened
    enough = rules.uptime(changes, "partial_outage", date(2026, 3, 8), 3, NOON, min_span=36)
    assert enough.ratio is not None and not enough.too_little_data
    nothing = rules.uptime([(NOON, None, "operational")], "operational", date(2026, 3, 10), 1, NOON)
    assert nothing.ratio is None and nothing.observed_seconds == 0


def test_without_a_creation_record_the_creation_time_bounds_the_data() -> None:
    uptime = rules.uptime(
        [], "operational", date(2026, 3, 8), 3, NOON, born=at(10, 11), min_span=3600
    )
    assert uptime.since == at(10, 11) and uptime.observed_seconds == 3600
    assert uptime.ratio == 1.0
    assert [d.worst for d in uptime.days] == [None, None, "operational"]
    # Older than the window: the data covers it all, and there is no "since".
    old = rules.uptime([], "operational", date(2026, 3, 8), 3, NOON, born=at(1, 0))
    assert old.since is None and old.observed_seconds == 60 * 3600


def test_a_recorded_change_older_than_the_creation_time_is_believed() -> None:
    changes = [(at(8, 6), "operational", "major_outage")]
    uptime = rules.uptime(changes, "major_outage", date(2026, 3, 8), 3, NOON, born=at(9, 0))
    assert uptime.since == at(8, 6)
    assert uptime.days[0].down_seconds == 18 * 3600 and uptime.days[0].observed_seconds == 18 * 3600


def test_month_start_goes_back_across_years() -> None:
    assert month_start(date(2026, 2, 17), 0) == date(2026, 2, 1)
    assert month_start(date(2026, 2, 17), 2) == date(2025, 12, 1)
    assert month_start(date(2026, 2, 17), -1) == date(2026, 3, 1)


def test_the_uptime_route_reports_each_day(app, api, db) -> None:
    page = api.make_page()
    component = api.make_component(page["id"], name="API")
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "major_outage"})
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "operational"})
    with app.app_context():  # the component has been there for ten days
        for change in db.session.query(models.ComponentStatusChange).filter_by(old_status=None):
            change.changed_at = utcnow() - timedelta(days=10)
        db.session.commit()
    url = f"{PREFIX}/public/{page['slug']}/components/{component['id']}/uptime"
    body = api.get(f"{url.removeprefix(PREFIX)}?days=30").json
    assert body["component"] == {"id": component["id"], "name": "API", "status": "operational"}
    assert len(body["history"]) == 30 and body["days"] == 30
    assert body["history"][0]["uptime"] is None  # before it existed
    assert body["history"][-1]["date"] == utcnow().date().isoformat()
    assert body["history"][-1]["status"] == "major_outage"
    assert 0.9 < body["uptime"] <= 1.0
    assert api.get(url.removeprefix(PREFIX)).json["days"] == 90


def test_the_uptime_route_says_what_a_young_component_covers(app, api, db) -> None:
    page = api.make_page()
    component = api.make_component(page["id"], name="API")
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "partial_outage"})
    url = f"/public/{page['slug']}/components/{component['id']}/uptime?days=30"
    fresh = api.get(url).json
    with app.app_context():  # the data begins with its creation record
        born = db.session.query(models.ComponentStatusChange).filter_by(old_status=None).one()
        assert fresh["since"] == format_timestamp(born.changed_at)
    assert fresh["uptime"] is None and fresh["uptime_reason"] == "too_little_data"
    assert 0 <= fresh["observed_seconds"] < 60 and fresh["min_span_seconds"] == 3600
    assert all(day["uptime"] is None for day in fresh["history"])  # no figure anywhere
    assert fresh["history"][-1]["status"] == "partial_outage"
    assert {day["status"] for day in fresh["history"][:-2]} == {None}  # before it existed
    # Two hours old (its creation record and time moved back): a figure, since then.
    with app.app_context():
        moved = utcnow() - timedelta(hours=2)
        db.session.get(models.Component, component["id"]).created_at = moved
        for change in db.session.query(models.ComponentStatusChange).filter_by(old_status=None):
            change.changed_at = moved
        db.session.commit()
    older = api.get(url).json
    assert older["since"].startswith(moved.strftime("%Y-%m-%dT%H:%M:%S"))
    assert older["uptime_reason"] is None and 0.7 < older["uptime"] < 1.0
    assert 7200 <= older["observed_seconds"] < 7260
    # The minimum span is configurable: none at all gives a figure at once.
    app.config["STATUSPAGES_UPTIME_MIN_SPAN"] = 0
    other = api.make_component(page["id"], name="Web")
    at_once = api.get(f"/public/{page['slug']}/components/{other['id']}/uptime").json
    assert at_once["uptime"] == 1.0 and at_once["min_span_seconds"] == 0
    # A component older than the window has no "since".
    with app.app_context():
        db.session.get(models.Component, component["id"]).created_at -= timedelta(days=2)
        for change in db.session.query(models.ComponentStatusChange).filter_by(old_status=None):
            change.changed_at -= timedelta(days=2)
        db.session.commit()
    today = api.get(url.replace("days=30", "days=1")).json
    assert today["since"] is None and today["uptime"] is not None


def test_the_uptime_route_validates_and_scopes(api) -> None:
    page = api.make_page()
    other = api.make_page(name="Other")
    foreign = api.make_component(other["id"])
    component = api.make_component(page["id"])
    base = f"/public/{page['slug']}/components"
    for days in ("0", "366", "ninety"):
        response = api.get(f"{base}/{component['id']}/uptime?days={days}")
        assert response.status_code == 422
        assert "days" in response.json["error"]["fields"]
    assert api.get(f"{base}/{foreign['id']}/uptime").status_code == 404
    assert api.get(f"{base}/missing/uptime").status_code == 404


def window(api, page_id: str, title: str, start: datetime, status: str | None) -> dict:
    """A manual maintenance window from ``start``, moved to ``status`` by hand."""
    body = {
        "title": title,
        "scheduled_for": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "scheduled_until": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "auto_transition": False,
    }
    created = api.post(f"/{page_id}/maintenances", json=body)
    assert created.status_code == 201, created.json
    if status is None:
        return created.json  # type: ignore[no-any-return]
    moved = api.patch(f"/{page_id}/maintenances/{created.json['id']}", json={"status": status})
    assert moved.status_code == 200, moved.json
    return moved.json  # type: ignore[no-any-return]


def test_history_lists_months_newest_first(app, api, db) -> None:
    page = api.make_page()
    old = api.make_incident(page["id"], title="Old one", status="resolved")
    new = api.make_incident(page["id"], title="New one")
    today = utcnow().date()
    with app.app_context():
        incident = db.session.get(models.Incident, old["id"])
        # The history files an incident under the month it started in.
        incident.started_at = incident.created_at = datetime.combine(
            month_start(today, 1), datetime.min.time(), tzinfo=timezone.utc
        ) + timedelta(days=2)
        db.session.commit()
    this_month = datetime.combine(month_start(today, 0), datetime.min.time(), tzinfo=timezone.utc)
    last_month = datetime.combine(month_start(today, 1), datetime.min.time(), tzinfo=timezone.utc)
    early = window(api, page["id"], "Early upgrade", last_month + timedelta(days=2), "completed")
    late = window(api, page["id"], "Late upgrade", last_month + timedelta(days=9), "completed")
    done = window(api, page["id"], "Done", this_month + timedelta(minutes=1), "completed")
    window(api, page["id"], "Not yet", this_month + timedelta(minutes=2), None)
    body = api.get(f"/public/{page['slug']}/history?months=3").json
    months = [m["month"] for m in body["months"]]
    assert months == [month_start(today, n).strftime("%Y-%m") for n in range(3)]
    assert [i["title"] for i in body["months"][0]["incidents"]] == ["New one"]
    assert [i["title"] for i in body["months"][1]["incidents"]] == ["Old one"]
    assert body["months"][1]["incidents"][0]["updates"][0]["status"] == "resolved"
    assert body["months"][2]["incidents"] == []
    # Completed windows only (the others are on the page), newest first.
    assert [m["id"] for m in body["months"][0]["maintenances"]] == [done["id"]]
    assert [m["id"] for m in body["months"][1]["maintenances"]] == [late["id"], early["id"]]
    assert body["months"][2]["maintenances"] == []
    shown = body["months"][1]["maintenances"][0]
    assert shown["title"] == "Late upgrade" and shown["completed_at"]
    assert [u["status"] for u in shown["updates"]] == ["completed", "scheduled"]
    assert "page_id" not in shown and "auto_transition" not in shown
    shifted = api.get(f"/public/{page['slug']}/history?months=1&offset=1").json
    assert [i["id"] for i in shifted["months"][0]["incidents"]] == [old["id"]]
    assert [m["id"] for m in shifted["months"][0]["maintenances"]] == [late["id"], early["id"]]
    assert new["id"] not in str(shifted) and done["id"] not in str(shifted)
    bad = api.get(f"/public/{page['slug']}/history?months=0&offset=-1")
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"months", "offset"}
