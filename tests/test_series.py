"""The pure rules of metrics (``flask_statuspages.series``): windows, buckets, parsing of
readings, summaries and the chart's geometry."""

from __future__ import annotations

from datetime import datetime, timezone

from flask_statuspages import series
from flask_statuspages.series import PERIODS, Bucket

NOW = int(datetime(2026, 12, 3, 12, 7, 30, tzinfo=timezone.utc).timestamp())
OLDEST = NOW - 90 * 86400


def test_periods_cut_their_span_into_whole_buckets() -> None:
    assert {name: (p.width, p.buckets) for name, p in PERIODS.items()} == {
        "day": (300, 288),
        "week": (3600, 168),
        "month": (21600, 120),
    }


def test_the_window_ends_with_the_bucket_now_falls_in() -> None:
    start, end = series.window(PERIODS["day"], NOW)
    assert end == series.bucket_start(NOW, 300) + 300
    assert end - start == 86400
    assert start % 300 == 0 and start <= NOW - 86400 + 300
    week_start, week_end = series.window(PERIODS["week"], NOW)
    assert week_end == int(datetime(2026, 12, 3, 13, tzinfo=timezone.utc).timestamp())
    assert week_end - week_start == 7 * 86400


def test_bucket_start_is_ts_minus_ts_mod_width() -> None:
    assert series.bucket_start(1000, 300) == 900
    assert series.bucket_start(900, 300) == 900
    assert series.bucket_start(1199, 300) == 900


def test_one_point_and_a_batch_parse_last_value_wins() -> None:
    points, errors = series.parse_points({"timestamp": NOW, "value": 1.5}, NOW, OLDEST)
    assert (points, errors) == ({NOW: 1.5}, {})
    batch = [
        {"timestamp": NOW - 10, "value": 1},
        {"timestamp": "2026-12-03T12:00:00Z", "value": 2.25},
        {"timestamp": NOW - 10, "value": 3},  # a duplicate: this value wins
        {"timestamp": "2026-12-03T13:00:00+01:00", "value": 4},  # the same second as [1]
    ]
    points, errors = series.parse_points(batch, NOW, OLDEST)
    noon = int(datetime(2026, 12, 3, 12, tzinfo=timezone.utc).timestamp())
    assert errors == {}
    assert points == {NOW - 10: 3.0, noon: 4.0}


def test_every_bad_point_is_named() -> None:
    batch = [
        {"timestamp": NOW, "value": 1},
        {"timestamp": OLDEST - 1, "value": 1},
        {"timestamp": NOW + 301, "value": 1},
        {"timestamp": "yesterday", "value": 1},
        {"timestamp": NOW, "value": "1"},
        {"timestamp": NOW, "value": True},
        {"timestamp": NOW},
        {"value": 1},
        {"timestamp": NOW, "value": 1, "unit": "ms"},
        "12",
        {"timestamp": 1.5, "value": 1},
        {"timestamp": NOW, "value": 10**400},
    ]
    points, errors = series.parse_points(batch, NOW, OLDEST)
    assert points == {NOW: 1.0}  # only what was valid; the caller refuses the whole batch
    assert set(errors) == {
        "data.1.timestamp",
        "data.2.timestamp",
        "data.3.timestamp",
        "data.4.value",
        "data.5.value",
        "data.6.value",
        "data.7.timestamp",
        "data.8.unit",
        "data.9",
        "data.10.timestamp",
        "data.11.value",
    }
    assert errors["data.1.timestamp"] == ["Older than the retention window (90 days)."]
    assert errors["data.2.timestamp"] == ["In the future."]


def test_the_batch_itself_is_checked() -> None:
    assert series.parse_points([], NOW, OLDEST)[1] == {"data": ["Give at least one point."]}
    too_many = [{"timestamp": NOW, "value": 1}] * 3001
    assert series.parse_points(too_many, NOW, OLDEST)[1] == {
        "data": ["At most 3000 points per request."]
    }
    assert "data" in series.parse_points("12", NOW, OLDEST)[1]
    points, errors = series.parse_points([{"timestamp": NOW, "value": 1}] * 3000, NOW, OLDEST)
    assert (points, errors) == ({NOW: 1.0}, {})


def test_summary_is_the_mean_of_readings_not_of_buckets() -> None:
    buckets = [Bucket(0, 1.0, 0.5, 1.5, 2), Bucket(300, 4.0, 4.0, 4.0, 1)]
    summary = series.summarize(buckets, (310, 4.0))
    assert (summary.count, summary.mean, summary.min, summary.max) == (3, 2.0, 0.5, 4.0)
    assert summary.latest == (310, 4.0)
    empty = series.summarize([], None)
    assert (empty.count, empty.mean, empty.min, empty.max, empty.latest) == (
        0,
        None,
        None,
        None,
        None,
    )


def test_values_are_shown_with_their_places_and_suffix() -> None:
    assert series.format_value(1234.5678, 2, "ms") == "1,234.57 ms"
    assert series.format_value(0.4, 0, "%") == "0 %"
    assert series.format_value(-0.0001, 1) == "0.0"
    assert series.format_value(None, 2, "ms") == "no data"


def test_the_vertical_range_is_the_metrics_or_fitted() -> None:
    buckets = [Bucket(0, 5.0, 2.0, 8.0, 3)]
    assert series.y_range(buckets, None, None) == (0.0, 8.0)
    assert series.y_range(buckets, 1.0, 10.0) == (1.0, 10.0)
    assert series.y_range([Bucket(0, -5.0, -9.0, -1.0, 3)], None, None) == (-9.0, -1.0)
    assert series.y_range([], None, None) == (0.0, 1.0)
    assert series.y_range([Bucket(0, 0.0, 0.0, 0.0, 1)], None, None) == (0.0, 1.0)
    assert series.y_range(buckets, None, -3.0) == (-4.0, -3.0)


def test_chart_breaks_its_line_at_gaps_and_scales_to_the_box() -> None:
    period = PERIODS["day"]
    start = 0
    buckets = [
        Bucket(0, 0.0, 0.0, 0.0, 1),
        Bucket(300, 10.0, 5.0, 10.0, 1),
        Bucket(900, 5.0, 5.0, 5.0, 1),  # after a gap of one bucket
    ]
    geometry = series.chart(buckets, start, period, 0.0, 10.0, width=288, height=100)
    # One unit of x per bucket (288 buckets in 288 units), centred in its bucket.
    assert geometry.line == "M0.5 100L1.5 0M2 50H5"  # a lone bucket: at least 3 units wide
    assert geometry.band.count("Z") == 2
    assert geometry.last == (3.5, 50.0)
    empty = series.chart([], start, period, 0.0, 1.0)
    assert (empty.line, empty.band, empty.last) == ("", "", None)


def test_values_outside_a_fixed_range_are_drawn_at_its_edge() -> None:
    period = PERIODS["day"]
    geometry = series.chart([Bucket(0, 50.0, 50.0, 50.0, 1)], 0, period, 0.0, 10.0, height=100)
    assert geometry.last is not None and geometry.last[1] == 0.0
