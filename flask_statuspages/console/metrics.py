"""Metrics: the list with each one's last value, creating and editing one, a reading
added by hand, and (each confirmed first) resetting its readings or deleting it."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from .. import i18n, series
from ..domain.metrics import newest_readings
from ..models import Metric, Page
from ..schemas import MetricInput
from . import forms
from .rendering import render, section_of
from .screens import confirm, done, owned_page, statuspages

SECTION = "statuspages_console.metrics"
CHECKBOXES = ("display", "y_axis_hidden")
#: Left empty, these take the API's default (they do not take ``null``).
DEFAULTED = ("decimal_places", "display_order")
#: How a ``datetime-local`` field writes a moment (seconds optional).
LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def register(bp: Blueprint) -> None:
    base = "/pages/<page_id>/metrics"
    one = base + "/<metric_id>"
    bp.add_url_rule(base, "metrics", metrics)
    bp.add_url_rule(base + "/new", "new_metric", new_metric, methods=["GET", "POST"])
    bp.add_url_rule(one, "metric", edit_metric, methods=["GET", "POST"])
    bp.add_url_rule(one + "/readings", "add_metric_reading", add_reading, methods=["POST"])
    bp.add_url_rule(one + "/reset", "reset_metric_data", reset_data, methods=["GET", "POST"])
    bp.add_url_rule(one + "/delete", "delete_metric", delete, methods=["GET", "POST"])
    children = ("new_metric", "metric", "reset_metric_data", "delete_metric")
    section_of(SECTION, *(f"statuspages_console.{name}" for name in children))


def metrics(page_id: str) -> Response:
    """The page's metrics in display order, each with its last reading."""
    page = owned_page(page_id)
    found = statuspages().metrics.list(page)
    return render("metrics.html", page=page, metrics=found, latest=_latest(found))


def _latest(found: list[Metric]) -> dict[str, tuple[datetime, str]]:
    """Each metric's last reading: when, and the value as the page shows it."""
    by_id = {metric.id: metric for metric in found}
    return {
        metric_id: (datetime.fromtimestamp(ts, timezone.utc), _shown(by_id[metric_id], value))
        for metric_id, (ts, value) in newest_readings(by_id).items()
    }


def _shown(metric: Metric, value: float) -> str:
    return series.format_value(value, metric.decimal_places, metric.suffix)


def _read() -> dict[str, Any]:
    values = forms.read(MetricInput(), checkboxes=CHECKBOXES)
    for name in DEFAULTED:
        if values.get(name) == "":
            values.pop(name)
    values.setdefault("component_ids", [])  # the form lists them all: none ticked is none
    return values


def new_metric(page_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    if request.method == "GET":
        return _form(page, None, {"display": True, "decimal_places": 0}, None)
    values = _read()
    created, invalid = forms.attempt(lambda: statuspages().metrics.create(page, **values))
    if invalid is not None:
        return _form(page, None, values, invalid, 422)
    assert created is not None
    message = i18n.gettext("Metric “%(name)s” created.", name=created.name)
    return done(message, ".metric", page_id=page.id, metric_id=created.id)


def edit_metric(page_id: str, metric_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    metric = statuspages().metrics.get(page, metric_id)
    if request.method == "GET":
        return _form(page, metric, _values_of(metric), None)
    values = _read()
    changed, invalid = forms.attempt(lambda: statuspages().metrics.update(page, metric, **values))
    if invalid is not None:
        return _form(page, metric, values, invalid, 422)
    assert changed is not None
    message = i18n.gettext("Metric “%(name)s” saved.", name=changed.name)
    return done(message, ".metrics", page_id=page.id)


def _values_of(metric: Metric) -> dict[str, Any]:
    names = ("name", "suffix", "y_axis_min", "y_axis_max", "y_axis_hidden", "decimal_places")
    more = ("tooltip_description", "display", "display_order", "component_ids")
    return {name: getattr(metric, name) for name in (*names, *more)}


def _form(
    page: Page,
    metric: Metric | None,
    values: dict[str, Any],
    invalid: forms.Invalid | None,
    status: int = 200,
    reading: dict[str, Any] | None = None,
    reading_invalid: forms.Invalid | None = None,
) -> Response:
    latest = _latest([metric]).get(metric.id) if metric is not None else None
    return render(
        "metric.html",
        status,
        page=page,
        metric=metric,
        values=values,
        invalid=invalid,
        components=statuspages().components.list(page),
        latest=latest,
        reading=reading or {"timestamp": _local_now(page)},
        reading_invalid=reading_invalid,
    )


def _local_now(page: Page) -> str:
    return datetime.now(ZoneInfo(page.time_zone)).strftime(LOCAL_FORMATS[0])


def add_reading(page_id: str, metric_id: str) -> ResponseReturnValue:
    """One reading by hand: a value at a moment of the page's time zone (default now)."""
    page = owned_page(page_id)
    metric = statuspages().metrics.get(page, metric_id)
    sent = forms.read().get("data")
    entered: dict[str, Any] = sent if isinstance(sent, dict) else {}
    reading = {name: str(entered.get(name, "")) for name in ("value", "timestamp")}
    moment = _moment(reading["timestamp"], page)
    if moment is None:
        message = i18n.gettext("Give a date and time such as 2026-03-01T14:30.")
        wrong = forms.Invalid(message, {"data.timestamp": [message]})
        return _form(page, metric, _values_of(metric), None, 422, reading, wrong)
    point = {"timestamp": moment.isoformat(), "value": _number(reading["value"])}
    _written, invalid = forms.attempt(lambda: statuspages().metrics.add_data(page, metric, point))
    if invalid is not None:
        return _form(page, metric, _values_of(metric), None, 422, reading, invalid)
    message = i18n.gettext("Reading added to “%(name)s”.", name=metric.name)
    return done(message, ".metric", page_id=page.id, metric_id=metric.id)


def _moment(text: str, page: Page) -> datetime | None:
    if not text.strip():
        return datetime.now(ZoneInfo(page.time_zone))
    for form in LOCAL_FORMATS:
        try:
            return datetime.strptime(text.strip(), form).replace(tzinfo=ZoneInfo(page.time_zone))
        except ValueError:
            continue
    return None


def _number(text: str) -> Any:
    """The value as a number when it reads as one; else as typed, for the API to refuse."""
    try:
        number = float(text.strip().replace(",", "."))
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def reset_data(page_id: str, metric_id: str) -> ResponseReturnValue:
    """Delete every reading of a metric (a confirmation first); the metric stays."""
    page = owned_page(page_id)
    metric = statuspages().metrics.get(page, metric_id)
    if request.method == "GET":
        return confirm(
            page,
            i18n.gettext("Reset the readings of “%(name)s”?", name=metric.name),
            i18n.gettext("Every reading of this metric is deleted; the metric stays, empty."),
            url_for(".reset_metric_data", page_id=page.id, metric_id=metric.id),
            i18n.gettext("Delete every reading"),
            url_for(".metric", page_id=page.id, metric_id=metric.id),
        )
    statuspages().metrics.reset_data(page, metric)
    message = i18n.gettext("The readings of “%(name)s” were deleted.", name=metric.name)
    return done(message, ".metric", page_id=page.id, metric_id=metric.id)


def delete(page_id: str, metric_id: str) -> ResponseReturnValue:
    """Delete a metric and its readings (a confirmation first)."""
    page = owned_page(page_id)
    metric = statuspages().metrics.get(page, metric_id)
    name = metric.name
    if request.method == "GET":
        return confirm(
            page,
            i18n.gettext("Delete the metric “%(name)s”?", name=name),
            i18n.gettext("The metric and all its readings are deleted; its chart leaves the page."),
            url_for(".delete_metric", page_id=page.id, metric_id=metric.id),
            i18n.gettext("Delete metric"),
            url_for(".metric", page_id=page.id, metric_id=metric.id),
        )
    statuspages().metrics.delete(page, metric)
    return done(i18n.gettext("Metric “%(name)s” deleted.", name=name), ".metrics", page_id=page.id)
