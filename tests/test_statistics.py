"""Component statistics (admin and public), and the uptime route's ``offset``."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import insert, select

from flask_statuspages import models, rules
from flask_statuspages.models import new_id, utcnow
from flask_statuspages.schemas import format_timestamp
from flask_statuspages.views.site import day_label, percent

from .conftest import count_queries

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)
DAY = 86400


def at(day: int, hour: float) -> datetime:
    return datetime(2026, 3, day, tzinfo=timezone.utc) + timedelta(hours=hour)


# ------------------------------------------------------------ pure rules


def test_a_span_is_weighed_as_the_days_of_a_bar_are() -> None:
    changes = [
        (at(9, 20), "operational", "major_outage"),
        (at(9, 22), "major_outage", "partial_outage"),
        (at(10, 2), "partial_outage", "operational"),
    ]
    last_day = rules.span_uptime(changes, "operational", NOON - timedelta(hours=24), NOON)
    assert last_day.observed_seconds == DAY and last_day.since is None
    assert last_day.ratio == pytest.approx(1 - (2 * 3600 + 0.3 * 4 * 3600) / DAY)
    # From midnight, the span is the bar's last day exactly.
    today = rules.span_uptime(changes, "operational", at(10, 0), NOON)
    bar = rules.uptime(changes, "operational", date(2026, 3, 10), 1, NOON)
    assert today.ratio == bar.ratio == bar.days[0].uptime


def test_a_span_withholds_its_figure_below_the_minimum() -> None:
    young = rules.span_uptime(
        [(at(10, 11.5), None, "operational")],
        "operational",
        NOON - timedelta(hours=24),
        NOON,
        min_span=3600,
    )
    assert young.ratio is None and young.too_little_data
    assert young.since == at(10, 11.5) and young.observed_seconds == 1800


def test_changes_after_a_window_tell_its_status_and_nothing_more() -> None:
    changes = [(at(9, 6), "degraded_performance", "major_outage")]
    first_day, end = rules.uptime_window(date(2026, 3, 10), 3, offset=2)
    assert (first_day, end) == (date(2026, 3, 6), at(9, 0))
    past = rules.uptime(changes, "major_outage", first_day, 3, min(NOON, end))
    assert [d.worst for d in past.days] == ["degraded_performance"] * 3
    assert past.ratio == 1.0 and past.observed_seconds == 3 * DAY
    assert rules.uptime_window(date(2026, 3, 10), 1) == (date(2026, 3, 10), at(11, 0))


def test_status_since_comes_from_the_last_change_or_the_creation() -> None:
    born = at(1, 0)
    assert rules.status_since(None, "operational", born) == born
    assert rules.status_since((at(5, 3), "major_outage"), "major_outage", born) == at(5, 3)
    assert rules.status_since((at(5, 3), "major_outage"), "operational", born) is None


def test_mean_time_to_resolve_counts_resolved_incidents_only() -> None:
    spans = [(at(1, 0), at(1, 2)), (at(2, 0), at(2, 4)), (at(3, 0), None)]
    assert rules.mean_time_to_resolve(spans) == 3 * 3600
    assert rules.mean_time_to_resolve([(at(3, 0), None)]) is None
    assert rules.mean_time_to_resolve([(at(3, 5), at(3, 1))]) == 0.0


def test_an_incident_affects_the_components_its_map_names() -> None:
    assert rules.affects({"c1": "major_outage"}, "c1")
    assert not rules.affects({"c1": "major_outage"}, "c2")
    assert not rules.affects({}, "c1") and not rules.affects(None, "c1")


# ------------------------------------------------------- a constructed history


def _midnight(days_ago: int) -> datetime:
    return datetime.combine(utcnow().date() - timedelta(days=days_ago), time.min, timezone.utc)


def _set_history(app, db, component_id: str, changes: list[tuple[datetime, str | None, str]]):
    """Replace the component's record by ``changes``; it was created at the first."""
    with app.app_context():
        component = db.session.get(models.Component, component_id)
        db.session.query(models.ComponentStatusChange).filter_by(component_id=component_id).delete()
        component.created_at = changes[0][0]
        component.status = changes[-1][2]
        db.session.add_all(
            models.ComponentStatusChange(
                component_id=component_id, changed_at=when, old_status=old, new_status=new
            )
            for when, old, new in changes
        )
        db.session.commit()


def _outage(start: datetime, hours: float, status: str = "major_outage") -> list:
    return [
        (start, "operational", status),
        (start + timedelta(hours=hours), status, "operational"),
    ]


@pytest.fixture
def history(app, api, db):
    """A component 100 days old: down 4 h 60 days ago, 10 h partly 20 days ago,
    2 h three days ago and 1 h within the last 24 hours."""
    page = api.make_page(name="Acme Status")
    component = api.make_component(page["id"], name="API")
    now = utcnow()
    changes = [
        (_midnight(100), None, "operational"),
        *_outage(_midnight(60) + timedelta(hours=1), 4),
        *_outage(_midnight(20) + timedelta(hours=2), 10, "partial_outage"),
        *_outage(_midnight(3) + timedelta(hours=6), 2),
        *_outage(now - timedelta(hours=2), 1),
    ]
    _set_history(app, db, component["id"], changes)
    return page, component


def test_the_statistics_of_a_constructed_history(api, history) -> None:
    page, component = history
    stats = api.get(f"/{page['id']}/components/{component['id']}/statistics").json
    now = utcnow()
    assert stats["component"] == {"id": component["id"], "name": "API", "status": "operational"}
    assert stats["status"] == "operational"
    since = datetime.fromisoformat(stats["status_since"].replace("Z", "+00:00"))
    assert now - timedelta(hours=1, seconds=5) < since <= now - timedelta(hours=1)
    assert 3600 <= stats["status_duration_seconds"] < 3605
    uptime = stats["uptime"]
    assert uptime["24h"]["uptime"] == pytest.approx(1 - 3600 / DAY)
    assert uptime["24h"]["observed_seconds"] == DAY
    today = (now - _midnight(0)).total_seconds()
    expected = {
        "7d": (7200 + 3600, 6 * DAY + today),
        "30d": (7200 + 3600 + 0.3 * 36000, 29 * DAY + today),
        "90d": (7200 + 3600 + 0.3 * 36000 + 4 * 3600, 89 * DAY + today),
    }
    for window, (down, observed) in expected.items():
        assert uptime[window]["uptime"] == pytest.approx(1 - down / observed, abs=1e-7)
        assert uptime[window]["observed_seconds"] == pytest.approx(observed, abs=5)
        assert uptime[window]["uptime_reason"] is None and uptime[window]["since"] is None
    assert uptime["90d"]["start"] == format_timestamp(_midnight(89))


def test_the_statistics_agree_with_the_uptime_route_and_the_html_bars(app, api, history) -> None:
    page, component = history
    stats = api.get(f"/{page['id']}/components/{component['id']}/statistics").json["uptime"]
    site = app.test_client()
    for days in (7, 30, 90):
        route = api.get(f"/public/acme-status/components/{component['id']}/uptime?days={days}")
        assert route.json["uptime"] == pytest.approx(stats[f"{days}d"]["uptime"], abs=1e-6)
        assert api.patch(f"/{page['id']}", json={"uptime_days": days}).status_code == 200
        html = site.get("/status/acme-status").get_data(as_text=True)
        [figure] = re.findall(r'class="figure">([0-9.]+%) uptime<', html)
        assert figure == percent(stats[f"{days}d"]["uptime"])
        # The day of the 2-hour outage reads the same in the route and on its bar.
        three_days_ago = route.json["history"][-4]
        assert three_days_ago["date"] == _midnight(3).date().isoformat()
        assert three_days_ago["uptime"] == pytest.approx(1 - 7200 / DAY)
        assert f"{day_label(_midnight(3).date())}: {percent(1 - 7200 / DAY)} uptime" in html


def test_the_public_twin_answers_the_same(api, history) -> None:
    page, component = history
    admin = api.get(f"/{page['id']}/components/{component['id']}/statistics").json
    visitor = api.as_owner(None)
    public = visitor.get(f"/public/acme-status/components/{component['id']}/statistics")
    assert public.status_code == 200
    for key in ("component", "status", "status_since", "incidents", "open_incidents"):
        assert public.json[key] == admin[key]
    assert public.headers["Access-Control-Allow-Origin"] == "*"
    for window in ("24h", "7d", "30d", "90d"):
        assert public.json["uptime"][window]["uptime"] == pytest.approx(
            admin["uptime"][window]["uptime"], abs=1e-6
        )


def test_a_young_component_has_no_figure_yet(app, api, db) -> None:
    page = api.make_page()
    component = api.make_component(page["id"])
    stats = api.get(f"/{page['id']}/components/{component['id']}/statistics").json
    with app.app_context():  # its creation record
        born = db.session.scalar(select(models.ComponentStatusChange.changed_at))
    assert stats["status_since"] == format_timestamp(born)
    for window in ("24h", "7d", "30d", "90d"):
        figure = stats["uptime"][window]
        assert figure["uptime"] is None and figure["uptime_reason"] == "too_little_data"
        assert figure["since"] is not None and figure["observed_seconds"] < 60
    assert stats["incidents"]["count"] == 0
    assert stats["incidents"]["mean_time_to_resolve_seconds"] is None
    assert stats["open_incidents"] == [] and stats["open_maintenances"] == []


def test_a_status_set_outside_the_record_has_no_known_start(app, api, db) -> None:
    page = api.make_page()
    component = api.make_component(page["id"])
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "partial_outage"})
    url = f"/{page['id']}/components/{component['id']}/statistics"
    with app.app_context():
        [change] = db.session.scalars(
            select(models.ComponentStatusChange).filter_by(new_status="partial_outage")
        )
        assert api.get(url).json["status_since"] == format_timestamp(change.changed_at)
        db.session.get(models.Component, component["id"]).status = "major_outage"
        db.session.commit()
    stats = api.get(url).json
    assert stats["status"] == "major_outage"
    assert stats["status_since"] is None and stats["status_duration_seconds"] is None


# -------------------------------------------------- incidents and maintenance


def _incident(app, db, api, page_id: str, components: dict, started: datetime, **row) -> str:
    incident = api.make_incident(page_id, title=row.pop("title", "Outage"))
    with app.app_context():
        found = db.session.get(models.Incident, incident["id"])
        found.components, found.started_at = components, started
        for key, value in row.items():
            setattr(found, key, value)
        db.session.commit()
    return incident["id"]


def test_incidents_naming_the_component_and_what_is_open_on_it(app, api, db) -> None:
    page = api.make_page()
    api_c = api.make_component(page["id"], name="API")
    web = api.make_component(page["id"], name="Web")
    cid, now = api_c["id"], utcnow()

    def incident(components: dict, days_ago: float, hours: float | None = None, **row) -> str:
        started = now - timedelta(days=days_ago)
        if hours is not None:
            row.update(status="resolved", resolved_at=started + timedelta(hours=hours))
        return _incident(app, db, api, page["id"], components, started, **row)

    incident({cid: "major_outage"}, 10, hours=2)
    incident({cid: "partial_outage", web["id"]: "major_outage"}, 5, hours=4)
    old_open = incident(
        {cid: "degraded_performance"}, 120, title="Slow since spring", severity="minor"
    )
    recent_open = incident({cid: "major_outage"}, 0, title="Down")
    incident({web["id"]: "major_outage"}, 1)
    incident({}, 2)  # names no component
    incident({cid: "major_outage"}, 200, hours=1)
    started = now - timedelta(minutes=5)
    window = api.make_maintenance(
        page["id"], started, component_ids=[cid], status="in_progress", auto_transition=False
    )
    api.make_maintenance(page["id"], started, component_ids=[web["id"]], status="in_progress")
    api.make_maintenance(page["id"], now + timedelta(days=1), component_ids=[cid])

    stats = api.get(f"/{page['id']}/components/{cid}/statistics").json
    assert stats["incidents"]["count"] == 3  # started in the last 90 days, naming it
    assert stats["incidents"]["resolved"] == 2
    assert stats["incidents"]["mean_time_to_resolve_seconds"] == pytest.approx(3 * 3600)
    assert stats["incidents"]["days"] == 90
    assert [i["id"] for i in stats["open_incidents"]] == [recent_open, old_open]
    assert stats["open_incidents"][1] == {
        "id": old_open,
        "title": "Slow since spring",
        "status": "investigating",
        "severity": "minor",
        "started_at": format_timestamp(now - timedelta(days=120)),
        "component_status": "degraded_performance",
    }
    assert stats["open_maintenances"] == [
        {
            "id": window["id"],
            "title": "Database upgrade",
            "status": "in_progress",
            "scheduled_for": window["scheduled_for"],
            "scheduled_until": window["scheduled_until"],
        }
    ]
    assert stats["status"] == "under_maintenance"


# ---------------------------------------------------------- access, cost


def test_the_statistics_are_scoped_and_guarded(app, api, db) -> None:
    page = api.make_page(name="Acme Status")
    other = api.make_page(name="Other")
    foreign = api.make_component(other["id"])
    component = api.make_component(page["id"])
    visitor = api.as_owner(None)
    base = f"/public/acme-status/components/{component['id']}/statistics"
    assert api.get(f"/{page['id']}/components/{foreign['id']}/statistics").status_code == 404
    assert visitor.get(base.replace(component["id"], foreign["id"])).status_code == 404
    assert visitor.get(f"/{page['id']}/components/{component['id']}/statistics").status_code == 401
    assert (
        api.as_owner("globex").get(f"/{page['id']}/components/{component['id']}/statistics").json
        == api.get(f"/{'0' * 32}/components/{component['id']}/statistics").json
    )
    api.patch(f"/{page['id']}", json={"is_public": False})
    assert visitor.get(base).status_code == 404
    api.patch(f"/{page['id']}", json={"is_public": True, "ip_allowlist": ["203.0.113.0/24"]})
    assert visitor.get(base).status_code == 404
    api.patch(f"/{page['id']}", json={"ip_allowlist": [], "password": "s3cret"})
    locked = visitor.get(base)
    assert locked.status_code == 401 and locked.json["error"]["code"] == "password_required"
    token = visitor.post("/public/acme-status/auth", json={"password": "s3cret"}).json["token"]
    opened = visitor.get(base, headers={"Authorization": f"Bearer {token}"})
    assert opened.status_code == 200 and opened.json["component"]["id"] == component["id"]


def _bulk_history(db, page_id: str, component_id: str, changes: int, incidents: int) -> None:
    now = utcnow()
    statuses = ("operational", "major_outage")
    db.session.execute(
        insert(models.ComponentStatusChange),
        [
            {
                "id": new_id(),
                "component_id": component_id,
                "old_status": statuses[n % 2],
                "new_status": statuses[(n + 1) % 2],
                "changed_at": now - timedelta(minutes=10 * (changes - n)),
            }
            for n in range(changes)
        ],
    )
    db.session.execute(
        insert(models.Incident),
        [
            {
                "id": new_id(),
                "page_id": page_id,
                "title": f"I{n}",
                "severity": "minor",
                "status": "resolved" if n % 3 else "investigating",
                "started_at": now - timedelta(days=n % 120),
                "resolved_at": now if n % 3 else None,
                "components": {component_id: "major_outage"},
                "created_at": now,
                "updated_at": now,
            }
            for n in range(incidents)
        ],
    )
    db.session.commit()


def test_the_statistics_cost_the_same_queries_whatever_the_history(app, api, db) -> None:
    small_page, large_page = api.make_page(name="Small"), api.make_page(name="Large")
    small = api.make_component(small_page["id"])
    large = api.make_component(large_page["id"])
    with app.app_context():
        _bulk_history(db, small_page["id"], small["id"], changes=3, incidents=2)
        _bulk_history(db, large_page["id"], large["id"], changes=2000, incidents=600)
    counts = []
    for page, component in ((small_page, small), (large_page, large)):
        for path in (
            f"/{page['id']}/components/{component['id']}/statistics",
            f"/public/{page['slug']}/components/{component['id']}/statistics",
        ):
            api.get(path)  # the page ref cached, as between changes
            with app.app_context(), count_queries(db) as queries:
                body = api.get(path).json
            counts.append(len(queries))
        assert body["incidents"]["count"] == (2 if component is small else 450)
    # Five for the statistics, and the admin route's page lookup.
    assert counts[:2] == counts[2:] and counts[0] <= 6 and counts[1] <= 5, counts


# ------------------------------------------------------------ uptime offset


def test_the_uptime_route_looks_back_with_an_offset(app, api, db) -> None:
    page = api.make_page(name="Acme Status")
    component = api.make_component(page["id"])
    _set_history(
        app,
        db,
        component["id"],
        [
            (_midnight(30), None, "operational"),
            *_outage(_midnight(10) + timedelta(hours=12), 6),
            (_midnight(2), "operational", "major_outage"),
        ],
    )
    url = f"/public/acme-status/components/{component['id']}/uptime"
    one_day = api.get(f"{url}?days=1&offset=10").json
    assert one_day["offset"] == 10 and one_day["days"] == 1
    assert [d["date"] for d in one_day["history"]] == [_midnight(10).date().isoformat()]
    assert one_day["uptime"] == 0.75 and one_day["observed_seconds"] == DAY
    week = api.get(f"{url}?days=7&offset=3").json  # ends the day before it went down
    assert week["history"][-1]["date"] == _midnight(3).date().isoformat()
    assert week["uptime"] == 1.0 and {d["status"] for d in week["history"]} == {"operational"}
    assert week["observed_seconds"] == 7 * DAY
    before_it_existed = api.get(f"{url}?days=7&offset=40").json
    assert before_it_existed["uptime"] is None and before_it_existed["observed_seconds"] == 0
    assert api.get(url).json["offset"] == 0
    for offset in ("-1", "3651", "soon"):
        response = api.get(f"{url}?offset={offset}")
        assert response.status_code == 422 and "offset" in response.json["error"]["fields"]
