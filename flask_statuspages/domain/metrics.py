"""Metrics of a page: numbers over time (API latency, error rate), as Statuspage has them.

A metric's readings (:class:`~..models.MetricPoint`) are one value per second,
written in batches by :func:`add_points` (one upsert per batch: the last value
of a timestamp wins) and pruned past ``STATUSPAGES_METRIC_RETENTION_DAYS`` by
the worker (:func:`prune_points_if_due`). What visitors see is aggregated by
:func:`aggregate`: fixed buckets per view (see :mod:`..series`), every metric of
the page in one ``GROUP BY``.

Every public rendering takes its list of metrics from :func:`displayed_metrics`.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from .. import series, signals
from ..changes import commit, event
from ..errors import not_found, validation_error
from ..models import Metric, MetricComponent, MetricPoint, Page, PageAccessUserMetric, utcnow
from ..schemas import format_timestamp
from ..state import db_session, get_state
from . import components

#: Seconds in a day.
DAY = 86400
_POINTS: Any = MetricPoint.__table__


def ordered_metrics(page_id: str) -> Any:
    return (
        select(Metric)
        .where(Metric.page_id == page_id)
        .options(selectinload(Metric.component_links))
        .order_by(Metric.display_order, Metric.name, Metric.id)
    )


def displayed_metrics(page: Page | str) -> list[Metric]:
    """The metrics every public rendering of ``page`` shows (``display`` on), in order.

    The one place that decides it: the JSON, the HTML page and its charts all ask here.
    """
    page_id = page if isinstance(page, str) else page.id
    query = ordered_metrics(page_id).where(Metric.display.is_(True))
    return list(db_session().scalars(query))


def get_metric(page: Page, metric_id: str) -> Metric:
    metric = db_session().scalar(
        select(Metric)
        .where(Metric.page_id == page.id, Metric.id == metric_id)
        .options(selectinload(Metric.component_links))
    )
    if metric is None:
        raise not_found("Metric")
    return metric


def _next_order(page_id: str) -> int:
    last = db_session().scalar(
        select(func.max(Metric.display_order)).where(Metric.page_id == page_id)
    )
    return 0 if last is None else last + 1


def _check_axis(low: float | None, high: float | None) -> None:
    """An update may move one bound past the stored other: 422 as on create."""
    if low is not None and high is not None and low >= high:
        raise validation_error({"y_axis_max": ["Must be above y_axis_min."]})


def _set_components(metric: Metric, ids: Sequence[str]) -> None:
    wanted = list(dict.fromkeys(ids))
    metric.component_links = [
        next((link for link in metric.component_links if link.component_id == cid), None)
        or MetricComponent(component_id=cid)
        for cid in wanted
    ]


def create_metric(page: Page, data: dict[str, Any]) -> Metric:
    data = dict(data)
    ids = data.pop("component_ids", None) or []
    components.check_on_page(page, ids)
    data.setdefault("display_order", _next_order(page.id))
    metric = Metric(
        page_id=page.id,
        **{"y_axis_hidden": False, "decimal_places": 0, "display": True, **data},
    )
    _set_components(metric, ids)
    db_session().add(metric)
    commit(event(signals.metric_created, metric=metric))
    return metric


def update_metric(metric: Metric, data: dict[str, Any]) -> Metric:
    """Change a metric; ``component_ids``, when given, is the whole new set."""
    data = dict(data)
    was_displayed = metric.display
    ids = data.pop("component_ids", None)
    if ids is not None:
        components.check_on_page(metric.page, ids)
    _check_axis(
        data.get("y_axis_min", metric.y_axis_min), data.get("y_axis_max", metric.y_axis_max)
    )
    for key, value in data.items():
        setattr(metric, key, value)
    if ids is not None:
        _set_components(metric, ids)
    metric.updated_at = utcnow()  # a change of ties alone is a change of the metric
    commit(event(signals.metric_updated, metric=metric, was_displayed=was_displayed))
    return metric


def delete_metric(metric: Metric) -> None:
    """Delete a metric and all its readings."""
    session = db_session()
    for link in (MetricPoint, PageAccessUserMetric):  # SQLite may not cascade
        session.execute(delete(link).where(link.metric_id == metric.id))
    session.delete(metric)
    commit(event(signals.metric_deleted, metric=metric))


# ------------------------------------------------------------------ readings


def retention_days() -> int:
    return int(current_app.config["STATUSPAGES_METRIC_RETENTION_DAYS"])


@dataclass(frozen=True)
class Written:
    metric_id: str
    written: int
    first: datetime | None
    last: datetime | None


def _moment(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, timezone.utc)


def add_points(metric: Metric, data: Any, now: int | None = None) -> Written:
    """Store the readings of a ``data`` body (see :func:`..series.parse_points`): all
    of them, or none with a 422 naming each bad one. One statement writes the batch;
    a timestamp already stored takes the new value."""
    now = int(time.time()) if now is None else now
    days = retention_days()
    points, errors = series.parse_points(data, now, now - days * DAY, retention_days=days)
    if errors:
        raise validation_error(errors)
    # One executemany of one statement on the session's own connection (so in its
    # transaction), rows made as the driver reads them: no per-row binding work, and
    # no batch of row objects kept alive at once.
    connection = db_session().connection()
    cursor: Any = connection.connection.cursor()
    try:
        cursor.executemany(
            _upsert_sql(connection.dialect.name),
            zip(itertools.repeat(metric.id), points, points.values(), strict=False),
        )
    finally:
        cursor.close()
    metric.updated_at = utcnow()  # moves the page's public version: renderings are redone
    commit(event(signals.metric_data_added, metric=metric, count=len(points)))
    return Written(metric.id, len(points), _moment(min(points)), _moment(max(points)))


def _upsert(dialect: str) -> Any:
    """``INSERT ... ON CONFLICT (metric_id, ts) DO UPDATE``, in the backend's dialect."""
    statement: Any
    if dialect == "postgresql":
        statement = postgresql.insert(_POINTS)
    elif dialect == "sqlite":
        statement = sqlite.insert(_POINTS)
    else:  # pragma: no cover - the two supported backends are above
        raise RuntimeError(f"metrics need PostgreSQL or SQLite, not {dialect}")
    return statement.on_conflict_do_update(
        index_elements=[_POINTS.c.metric_id, _POINTS.c.ts],
        set_={"value": statement.excluded.value},
    )


@functools.lru_cache(maxsize=4)
def _upsert_sql(dialect_name: str) -> str:
    """:func:`_upsert` compiled for the backend (once), with positional parameters
    (``metric_id, ts, value``) in the driver's style."""
    dialect: Any = (
        postgresql.psycopg.dialect(paramstyle="format")
        if dialect_name == "postgresql"
        else sqlite.pysqlite.dialect(paramstyle="qmark")
    )
    compiled = _upsert(dialect_name).compile(
        dialect=dialect, column_keys=["metric_id", "ts", "value"]
    )
    assert compiled.positiontup == ["metric_id", "ts", "value"], compiled.positiontup
    return str(compiled)


def reset_points(metric: Metric) -> None:
    """Delete every reading of ``metric`` (Statuspage's "reset data")."""
    db_session().execute(delete(MetricPoint).where(MetricPoint.metric_id == metric.id))
    metric.updated_at = utcnow()
    commit(event(signals.metric_data_reset, metric=metric))


def prune_points(now: int | None = None) -> int:
    """Delete readings older than the retention window, metric by metric (each a range
    of the primary key); how many went."""
    now = int(time.time()) if now is None else now
    cutoff = now - retention_days() * DAY
    session = db_session()
    removed = 0
    for metric_id in session.scalars(select(Metric.id)).all():
        result: Any = session.execute(
            delete(MetricPoint).where(MetricPoint.metric_id == metric_id, MetricPoint.ts < cutoff)
        )
        removed += result.rowcount or 0
    session.commit()
    return removed


def prune_points_if_due() -> int:
    """:func:`prune_points` at most every ``STATUSPAGES_METRIC_PRUNE_INTERVAL`` seconds per
    process (the drain runs far more often than readings age)."""
    state = get_state()
    interval = float(current_app.config["STATUSPAGES_METRIC_PRUNE_INTERVAL"])
    last = state.metrics_pruned_at
    if last is not None and time.monotonic() - last < interval:
        return 0
    state.metrics_pruned_at = time.monotonic()
    return prune_points()


# ------------------------------------------------------------------ views


def aggregate(
    metric_ids: Iterable[str], period: series.Period, now: int
) -> tuple[int, int, dict[str, list[series.Bucket]], dict[str, tuple[int, float]]]:
    """The window of ``period`` at ``now``, each metric's buckets in it (oldest first)
    and its newest reading: two queries, whatever the number of metrics."""
    ids = list(metric_ids)
    start, end = series.window(period, now)
    buckets: dict[str, list[series.Bucket]] = {metric_id: [] for metric_id in ids}
    if not ids:
        return start, end, buckets, {}
    session = db_session()
    ts = MetricPoint.ts
    # An inline constant, so the select list and GROUP BY hold the same expression.
    bucket = (ts - ts % literal_column(str(int(period.width)))).label("bucket")
    in_window = (MetricPoint.metric_id.in_(ids), ts >= start, ts < end)
    rows = session.execute(
        select(
            MetricPoint.metric_id,
            bucket,
            func.avg(MetricPoint.value),
            func.min(MetricPoint.value),
            func.max(MetricPoint.value),
            func.count(),
        )
        .where(*in_window)
        .group_by(MetricPoint.metric_id, bucket)
        .order_by(MetricPoint.metric_id, bucket)
    )
    for metric_id, begins, mean, low, high, count in rows:
        buckets[metric_id].append(
            series.Bucket(int(begins), float(mean), float(low), float(high), int(count))
        )
    return start, end, buckets, newest_readings(ids, ts >= start, ts < end)


def newest_readings(metric_ids: Iterable[str], *where: Any) -> dict[str, tuple[int, float]]:
    """Each metric's newest reading (``where``: within these conditions too), as
    ``{metric_id: (timestamp, value)}``; one query, whatever the number of metrics."""
    ids = list(metric_ids)
    if not ids:
        return {}
    ts = MetricPoint.ts
    newest = (
        select(MetricPoint.metric_id, func.max(ts).label("ts"))
        .where(MetricPoint.metric_id.in_(ids), *where)
        .group_by(MetricPoint.metric_id)
        .subquery()
    )
    rows = db_session().execute(
        select(MetricPoint.metric_id, MetricPoint.ts, MetricPoint.value).join(
            newest, (newest.c.metric_id == MetricPoint.metric_id) & (newest.c.ts == ts)
        )
    )
    return {metric_id: (int(at), float(value)) for metric_id, at, value in rows}


def public_metric(
    metric: Metric, buckets: list[series.Bucket], latest: tuple[int, float] | None
) -> dict[str, Any]:
    """One metric of a view as visitors see it (plain values, for the JSON and the page)."""
    summary = series.summarize(buckets, latest)
    return {
        "id": metric.id,
        "name": metric.name,
        "suffix": metric.suffix,
        "y_axis_min": metric.y_axis_min,
        "y_axis_max": metric.y_axis_max,
        "y_axis_hidden": metric.y_axis_hidden,
        "decimal_places": metric.decimal_places,
        "tooltip_description": metric.tooltip_description,
        "component_ids": metric.component_ids,
        "summary": {
            "count": summary.count,
            "mean": summary.mean,
            "min": summary.min,
            "max": summary.max,
            "latest": None
            if latest is None
            else {"timestamp": format_timestamp(_moment(latest[0])), "value": latest[1]},
        },
        "points": [
            {
                "timestamp": format_timestamp(_moment(b.start)),
                "mean": b.mean,
                "min": b.min,
                "max": b.max,
                "count": b.count,
            }
            for b in buckets
        ],
        "buckets": buckets,
    }


def metrics_view(page: Page | str, period_name: str, now: int | None = None) -> dict[str, Any]:
    """The ``period`` view of ``page``'s displayed metrics: what
    ``GET /public/:slug/metrics`` answers, each metric also with its ``buckets``."""
    now = int(time.time()) if now is None else now
    period = series.PERIODS[period_name]
    shown = displayed_metrics(page)
    start, end, buckets, latest = aggregate((m.id for m in shown), period, now)
    return {
        "period": period.name,
        "bucket_seconds": period.width,
        "start": format_timestamp(_moment(start)),
        "end": format_timestamp(_moment(end)),
        "window": (start, end),
        "metrics": [public_metric(m, buckets[m.id], latest.get(m.id)) for m in shown],
    }
