"""Metrics: admin CRUD, readings in, and the public views of them."""

from __future__ import annotations

import json
from typing import Any

from flask import url_for
from flask_sqlalchemy.pagination import Pagination

from .. import access
from ..domain import metrics, pages
from ..models import Metric
from ..schemas import (
    MetricDataInput,
    MetricDataResultSchema,
    MetricInput,
    MetricSchema,
    MetricsQuery,
    PaginationQuery,
    PublicMetricsSchema,
)
from ..snapshot import metrics_of
from .admin import paginate
from .public import PUBLIC_LIMIT
from .responses import snapshot_response
from .routing import Routes

routes = Routes(tag="Metrics")
_public_schema = PublicMetricsSchema()


@routes.route(
    "/public/<slug>/metrics",
    "GET",
    auth=False,
    query=MetricsQuery,
    response=PublicMetricsSchema,
    errors=(304, 401, 404, 429),
    rate_limit=PUBLIC_LIMIT,
    tag="Public",
)
def public_metrics(slug: str, query: dict[str, Any]) -> Any:
    """The page's displayed metrics over a day, a week or a month: per fixed bucket the
    mean, minimum and maximum, and per metric a summary (latest, mean, min, max).

    Answers with an ``ETag``; ``If-None-Match`` with it gives 304.
    """
    period = query["period"]

    def make(snapshot: Any) -> str:
        view = _public_schema.dump(metrics_of(snapshot, period))
        return json.dumps(view, separators=(",", ":"))

    ref = access.visible_page(slug)
    return snapshot_response(ref, ("metrics", period), "application/json", make)


@routes.route(
    "/<page_id>/metrics",
    "GET",
    query=PaginationQuery,
    response=MetricSchema,
    paginated=True,
    errors=(404,),
)
def list_metrics(owner: str, page_id: str, query: dict[str, Any]) -> Pagination:
    """List a page's metrics, in display order."""
    page = pages.get_owned_page(owner, page_id)
    return paginate(metrics.ordered_metrics(page.id), query)  # type: ignore[no-any-return]


@routes.route(
    "/<page_id>/metrics",
    "POST",
    body=MetricInput,
    envelope="metric",
    response=MetricSchema,
    status=201,
    location=lambda m: url_for(".get_metric", page_id=m.page_id, metric_id=m.id),
    errors=(404,),
)
def create_metric(owner: str, page_id: str, body: dict[str, Any]) -> Metric:
    """Add a metric: a number over time shown on the page (API latency, error rate)."""
    return metrics.create_metric(pages.get_owned_page(owner, page_id), body)


# The data routes come before the metric's own: werkzeug keeps the order of rules, and the
# write-route tests reset a metric's data before they delete it.


@routes.route(
    "/<page_id>/metrics/<metric_id>/data",
    "POST",
    body=MetricDataInput,
    response=MetricDataResultSchema,
    status=201,
    errors=(404,),
)
def add_metric_data(
    owner: str, page_id: str, metric_id: str, body: dict[str, Any]
) -> metrics.Written:
    """Add readings: ``{"data": {"timestamp": ..., "value": ...}}`` or a list of up to
    3,000 such points, in any order.

    A timestamp is Unix seconds or an ISO 8601 date-time; given twice, or already
    stored, the last value wins. A point older than the retention window
    (``STATUSPAGES_METRIC_RETENTION_DAYS``, 90 days by default) or more than 5
    minutes ahead refuses the whole batch (422 naming it, ``data.17.timestamp``).
    """
    page = pages.get_owned_page(owner, page_id)
    return metrics.add_points(metrics.get_metric(page, metric_id), body["data"])


@routes.route("/<page_id>/metrics/<metric_id>/data", "DELETE", status=204, errors=(404,))
def reset_metric_data(owner: str, page_id: str, metric_id: str) -> None:
    """Delete every reading of the metric (Statuspage's "reset data"); the metric stays."""
    page = pages.get_owned_page(owner, page_id)
    metrics.reset_points(metrics.get_metric(page, metric_id))


@routes.route("/<page_id>/metrics/<metric_id>", "GET", response=MetricSchema, errors=(404,))
def get_metric(owner: str, page_id: str, metric_id: str) -> Metric:
    """Get one metric."""
    return metrics.get_metric(pages.get_owned_page(owner, page_id), metric_id)


@routes.route(
    "/<page_id>/metrics/<metric_id>",
    "PUT",
    "PATCH",
    body=MetricInput,
    envelope="metric",
    partial=True,
    response=MetricSchema,
    errors=(404,),
)
def update_metric(owner: str, page_id: str, metric_id: str, body: dict[str, Any]) -> Metric:
    """Update a metric; ``component_ids``, when given, is the whole set of its ties."""
    page = pages.get_owned_page(owner, page_id)
    return metrics.update_metric(metrics.get_metric(page, metric_id), body)


@routes.route("/<page_id>/metrics/<metric_id>", "DELETE", status=204, errors=(404,))
def delete_metric(owner: str, page_id: str, metric_id: str) -> None:
    """Delete a metric and all its readings."""
    page = pages.get_owned_page(owner, page_id)
    metrics.delete_metric(metrics.get_metric(page, metric_id))
