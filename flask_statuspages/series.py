"""Pure rules of metrics: no Flask, no database, no request.

Readings are kept as ``(unix seconds, value)``, one per metric and second. A
view (``day``, ``week``, ``month``) cuts the time before now into fixed
buckets, each starting at a multiple of its width (``ts - ts % width``, the
same in SQL on every backend), and shows per bucket the mean, minimum and
maximum of the readings in it:

========  ============  ============  =======
view      span          bucket        buckets
========  ============  ============  =======
``day``   24 hours      5 minutes     288
``week``  7 days        1 hour        168
``month`` 30 days       6 hours       120
========  ============  ============  =======

The last bucket is the one now falls in (still filling); the window is the
``buckets`` buckets up to and including it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

#: The most points one ``POST .../data`` takes.
MAX_POINTS = 3000
#: How far in the future (seconds) a reading may be, for clocks that run ahead.
CLOCK_SKEW = 300
#: The widest magnitude a value may have (a double holds more; a chart does not need it).
MAX_MAGNITUDE = 1e300


@dataclass(frozen=True)
class Period:
    name: str
    #: Seconds the view covers.
    span: int
    #: Seconds per bucket.
    width: int

    @property
    def buckets(self) -> int:
        return self.span // self.width


PERIODS = {
    "day": Period("day", 24 * 3600, 5 * 60),
    "week": Period("week", 7 * 24 * 3600, 3600),
    "month": Period("month", 30 * 24 * 3600, 6 * 3600),
}


def bucket_start(ts: int, width: int) -> int:
    """The start of the bucket of width ``width`` that ``ts`` falls in."""
    return ts - ts % width


def window(period: Period, now: int) -> tuple[int, int]:
    """``[start, end)`` of ``period``'s view at ``now``: whole buckets, the last one
    holding ``now``."""
    end = bucket_start(now, period.width) + period.width
    return end - period.span, end


@dataclass(frozen=True)
class Bucket:
    start: int
    mean: float
    min: float
    max: float
    count: int


@dataclass(frozen=True)
class Summary:
    """Figures of a whole window, for the chart's text and the JSON."""

    count: int
    mean: float | None
    min: float | None
    max: float | None
    #: ``(ts, value)`` of the newest reading in the window.
    latest: tuple[int, float] | None


def summarize(buckets: Sequence[Bucket], latest: tuple[int, float] | None) -> Summary:
    """Mean, minimum and maximum over every reading of ``buckets`` (the mean weighted
    by each bucket's count, so it is the mean of the readings, not of the buckets)."""
    count = sum(b.count for b in buckets)
    if not count:
        return Summary(0, None, None, None, latest)
    total = math.fsum(b.mean * b.count for b in buckets)
    return Summary(
        count,
        total / count,
        min(b.min for b in buckets),
        max(b.max for b in buckets),
        latest,
    )


# ------------------------------------------------------------------ ingest

Errors = dict[str, list[str]]


def parse_points(
    data: Any, now: int, oldest: int, *, skew: int = CLOCK_SKEW, retention_days: int = 90
) -> tuple[dict[int, float], Errors]:
    """The readings of a ``data`` body (one ``{timestamp, value}`` or a list of them),
    as ``{ts: value}`` (a later duplicate of a timestamp wins), and the problems, by
    field (``data.17.timestamp``). Any problem refuses the whole batch.

    A timestamp is Unix seconds (an integer) or an ISO 8601 date-time (UTC when it
    has no offset; fractions of a second are dropped); it must lie between ``oldest``
    and ``now + skew``. A value is a finite number.
    """
    if isinstance(data, dict):
        items: list[tuple[str, Any]] = [("data", data)]
    elif isinstance(data, list):
        if not data:
            return {}, {"data": ["Give at least one point."]}
        if len(data) > MAX_POINTS:
            return {}, {"data": [f"At most {MAX_POINTS} points per request."]}
        items = [(f"data.{index}", item) for index, item in enumerate(data)]
    else:
        return {}, {"data": ["A point {timestamp, value} or a list of them."]}
    points: dict[int, float] = {}
    errors: Errors = {}
    latest = now + skew
    for name, item in items:
        # The common shape first, checked with no call: {"timestamp": int, "value": number}.
        if type(item) is dict and len(item) == 2:
            ts, value = item.get("timestamp"), item.get("value")
            if (
                type(ts) is int
                and oldest <= ts <= latest
                and (type(value) is float or type(value) is int)
                and -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE
            ):
                points.pop(ts, None)
                points[ts] = float(value)
                continue
        if not isinstance(item, dict):
            errors[name] = ["A point {timestamp, value}."]
            continue
        for key in item:
            if key not in ("timestamp", "value"):
                errors[f"{name}.{key}"] = ["Unknown field."]
        ts = _timestamp(item, name, errors)
        value = _value(item, name, errors)
        if ts is None or value is None:
            continue
        if ts < oldest:
            errors[f"{name}.timestamp"] = [
                f"Older than the retention window ({retention_days} days)."
            ]
        elif ts > latest:
            errors[f"{name}.timestamp"] = ["In the future."]
        else:
            points.pop(ts, None)  # re-inserted: dict order is the order of last writes
            points[ts] = value
    return points, errors


def _timestamp(item: dict[str, Any], name: str, errors: Errors) -> int | None:
    field = f"{name}.timestamp"
    if "timestamp" not in item:
        errors[field] = ["Missing data for required field."]
        return None
    raw = item["timestamp"]
    if isinstance(raw, int) and not isinstance(raw, bool):
        if not 0 <= raw < 2**53:
            errors[field] = ["Not a valid Unix time."]
            return None
        return raw
    if isinstance(raw, str):
        moment = parse_iso(raw)
        if moment is not None:
            return int(moment.timestamp())
    errors[field] = ["Unix seconds (an integer) or an ISO 8601 date-time."]
    return None


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 date-time (``Z`` or an offset; UTC without), or ``None``."""
    if len(text) > 64 or "T" not in text.upper():
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        return None


def _value(item: dict[str, Any], name: str, errors: Errors) -> float | None:
    field = f"{name}.value"
    if "value" not in item:
        errors[field] = ["Missing data for required field."]
        return None
    raw = item["value"]
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        errors[field] = ["Not a number."]
        return None
    try:
        value = float(raw)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        errors[field] = [f"Out of range (at most {MAX_MAGNITUDE:g} either way)."]
        return None
    return value


# ------------------------------------------------------------------ chart


def format_value(value: float | None, decimal_places: int, suffix: str | None = None) -> str:
    """``value`` as the page shows it: ``decimal_places`` digits, then the suffix."""
    if value is None:
        return "no data"
    text = f"{value:,.{decimal_places}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # -0.0 reads as 0
    return f"{text}{' ' + suffix if suffix else ''}"


def y_range(
    buckets: Sequence[Bucket], y_min: float | None, y_max: float | None
) -> tuple[float, float]:
    """The chart's vertical range: the metric's own bounds where set, else fitted to
    the data (from 0 when every value is positive); never empty."""
    lo = y_min if y_min is not None else min([0.0, *(b.min for b in buckets)])
    hi = y_max if y_max is not None else max((b.max for b in buckets), default=1.0)
    if hi <= lo:
        if y_max is None:
            hi = lo + 1.0
        else:
            lo = hi - 1.0
    return lo, hi


@dataclass(frozen=True)
class ChartGeometry:
    width: int
    height: int
    #: SVG path data of the means (a gap in the data breaks the line).
    line: str
    #: SVG path data of the min-max band, one closed shape per run of buckets.
    band: str
    low: float
    high: float
    #: ``(x, y)`` of the newest bucket's mean, for its dot.
    last: tuple[float, float] | None


def chart(
    buckets: Iterable[Bucket],
    start: int,
    period: Period,
    low: float,
    high: float,
    *,
    width: int = 600,
    height: int = 120,
) -> ChartGeometry:
    """Where the chart's shapes go, in a ``width`` x ``height`` box (y grows down)."""
    scale_x = width / period.span
    scale_y = height / (high - low)

    def x_of(ts: int) -> float:
        return round((ts - start + period.width / 2) * scale_x, 1)

    def y_of(value: float) -> float:
        clamped = min(max(value, low), high)
        return round(height - (clamped - low) * scale_y, 1)

    runs: list[list[Bucket]] = []
    previous: int | None = None
    for bucket in sorted(buckets, key=lambda b: b.start):
        if previous is None or bucket.start - previous > period.width:
            runs.append([])
        runs[-1].append(bucket)
        previous = bucket.start
    line_parts: list[str] = []
    band_parts: list[str] = []
    for run in runs:
        xs = [x_of(b.start) for b in run]
        if len(run) == 1:  # a lone bucket: a short level stroke, visible on its own
            half = max(period.width * scale_x / 2, 1.5)
            y = y_of(run[0].mean)
            line_parts.append(f"M{xs[0] - half:g} {y:g}H{xs[0] + half:g}")
        else:
            steps = "L".join(f"{x:g} {y_of(b.mean):g}" for x, b in zip(xs, run, strict=True))
            line_parts.append(f"M{steps}")
        top = [f"{x:g} {y_of(b.max):g}" for x, b in zip(xs, run, strict=True)]
        bottom = [f"{x:g} {y_of(b.min):g}" for x, b in zip(xs, run, strict=True)]
        band_parts.append("M" + "L".join(top + bottom[::-1]) + "Z")
    last = None
    if runs:
        newest = runs[-1][-1]
        last = (x_of(newest.start), y_of(newest.mean))
    return ChartGeometry(width, height, "".join(line_parts), "".join(band_parts), low, high, last)
