"""The pure rules: no app, no database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from flask_statuspages import rules


def test_worst_status_follows_the_documented_order() -> None:
    assert rules.worst_status([]) == "operational"
    assert rules.worst_status(["operational", "under_maintenance"]) == "under_maintenance"
    assert rules.worst_status(["under_maintenance", "degraded_performance"]) == (
        "degraded_performance"
    )
    assert rules.worst_status(["major_outage", "partial_outage"]) == "major_outage"


@pytest.mark.parametrize(
    ("components", "severities", "expected"),
    [
        ([], [], "operational"),
        (["operational"], ["none"], "operational"),
        (["operational"], ["minor"], "degraded_performance"),
        (["operational"], ["major"], "partial_outage"),
        (["operational"], ["critical"], "major_outage"),
        (["under_maintenance"], [], "under_maintenance"),
        (["under_maintenance"], ["minor"], "degraded_performance"),
        (["major_outage"], ["minor"], "major_outage"),
        (["partial_outage", "operational"], ["none", "minor"], "partial_outage"),
    ],
)
def test_overall_status(components: list[str], severities: list[str], expected: str) -> None:
    assert rules.overall_status(components, severities) == expected


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Acme Status", "acme-status"),
        ("  Ünïcode — Café  ", "unicode-cafe"),
        ("API / v2 (beta)", "api-v2-beta"),
        ("!!!", "page"),
        ("日本語", "page"),
        ("Straße Øresund Łódź", "strasse-oresund-lodz"),
        ("a" * 200, "a" * 80),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert rules.slugify(name) == slug
    assert rules.SLUG_PATTERN.match(rules.slugify(name))


def test_next_free_slug_skips_taken_suffixes() -> None:
    assert rules.next_free_slug("acme", []) == "acme"
    assert rules.next_free_slug("acme", ["acme"]) == "acme-2"
    assert rules.next_free_slug("acme", ["acme", "acme-2", "acme-3", "acme-5"]) == "acme-4"


@pytest.mark.parametrize(
    ("given", "complete", "expected"),
    [
        (["b", "a", "c"], True, []),
        ([], True, ["Missing (list every one, in the new order): a, b, c."]),
        (["a", "b"], True, ["Missing (list every one, in the new order): c."]),
        (["a", "b", "a", "c", "b"], True, ["Listed more than once: a, b."]),
        (["a", "b", "c", "x"], True, ["Not on this page: x."]),
        (
            ["a", "x", "x"],
            True,
            [
                "Listed more than once: x.",
                "Not on this page: x.",
                "Missing (list every one, in the new order): b, c.",
            ],
        ),
        (["c"], False, []),
        ([], False, []),
        (["c", "c", "y"], False, ["Listed more than once: c.", "Not on this page: y."]),
    ],
)
def test_id_list_problems(given: list[str], complete: bool, expected: list[str]) -> None:
    assert rules.id_list_problems(given, ["a", "b", "c"], complete=complete) == expected


def test_id_list_problems_name_a_few_ids_only() -> None:
    unknown = [f"x{n}" for n in range(8)]
    [problem] = rules.id_list_problems(unknown, [], complete=True)
    assert problem == "Not on this page: x0, x1, x2, x3, x4 and 3 more."


def test_resolved_at_rules() -> None:
    now = datetime(2026, 1, 2, tzinfo=timezone.utc)
    earlier = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert rules.resolved_at_after("investigating", "resolved", None, now) == now
    assert rules.resolved_at_after("resolved", "resolved", earlier, now) == earlier
    assert rules.resolved_at_after("resolved", "monitoring", earlier, now) is None
    assert rules.resolved_at_after(None, "investigating", None, now) is None


# ------------------------------------------------------------- incidents


def test_aliases_of_seed_004_map_to_our_values() -> None:
    assert rules.canonical("MAJOR_OUTAGE", rules.COMPONENT_STATUSES, rules.STATUS_ALIASES) == (
        "major_outage"
    )
    assert rules.canonical("MAINTENANCE", rules.COMPONENT_STATUSES, rules.STATUS_ALIASES) == (
        "under_maintenance"
    )
    assert rules.canonical("partial_outage", rules.COMPONENT_STATUSES, {}) == "partial_outage"
    assert rules.canonical("NO_IMPACT", rules.SEVERITIES, rules.IMPACT_ALIASES) == "none"
    assert rules.canonical("MAJOR_OUTAGE", rules.SEVERITIES, rules.IMPACT_ALIASES) == "critical"
    assert rules.canonical("major_outage", rules.SEVERITIES, rules.IMPACT_ALIASES) is None
    assert rules.canonical(3, rules.SEVERITIES, rules.IMPACT_ALIASES) is None
    assert set(rules.STATUS_ALIASES.values()) == set(rules.COMPONENT_STATUSES)
    assert set(rules.IMPACT_ALIASES.values()) <= set(rules.SEVERITIES)


def test_resolution_restores_to_operational_or_what_still_holds() -> None:
    others = [{"a": "degraded_performance"}, {"a": "partial_outage", "b": "degraded_performance"}]
    windows = [["c"], ["a"]]
    after = rules.statuses_after_resolution(["a", "b", "c", "d"], {}, others, windows)
    assert after == {
        "a": "partial_outage",  # the worst still held, maintenance included
        "b": "degraded_performance",
        "c": "under_maintenance",
        "d": "operational",
    }


def test_the_request_wins_over_what_holds_a_component() -> None:
    after = rules.statuses_after_resolution(
        ["a", "b"], {"a": "operational", "z": "major_outage"}, [{"a": "major_outage"}], []
    )
    assert after == {"a": "operational", "b": "operational", "z": "major_outage"}


def test_held_statuses_ignore_other_components() -> None:
    assert rules.held_statuses("x", [{"y": "major_outage"}], [["y"]]) == []


def test_backdated_moments_and_incident_times() -> None:
    now = datetime(2026, 12, 3, 12, tzinfo=timezone.utc)
    started, skew = now - timedelta(hours=3), timedelta(minutes=5)
    assert rules.backfill_error(now - timedelta(hours=1), started, now, skew) is None
    assert rules.backfill_error(now + timedelta(minutes=4), started, now, skew) is None
    assert "future" in rules.backfill_error(now + timedelta(minutes=6), started, now, skew)
    assert "started_at" in rules.backfill_error(started - timedelta(seconds=1), started, now, skew)
    assert rules.incident_time_errors(started, None, "investigating", now, skew) == {}
    assert rules.incident_time_errors(started, now, "resolved", now, skew) == {}
    assert set(rules.incident_time_errors(started, now, "monitoring", now, skew)) == {"resolved_at"}
    assert set(
        rules.incident_time_errors(now + timedelta(hours=1), None, "resolved", now, skew)
    ) == {"started_at"}
    early = rules.incident_time_errors(started, started - timedelta(1), "resolved", now, skew)
    assert early == {"resolved_at": ["Must not be before started_at."]}
