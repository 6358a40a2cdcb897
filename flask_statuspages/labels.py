"""What people read for the machine names of statuses, impacts and visibilities,
translated: ``major_outage`` is "Major outage" as a label and "major outage" inside
a sentence ("API (major outage)"), in German "Schwerer Ausfall" both ways."""

from __future__ import annotations

from typing import Any

from .i18n import lazy_gettext as _

#: A component's status, as a label.
COMPONENT_LABELS: dict[str, Any] = {
    "operational": _("Operational"),
    "under_maintenance": _("Under maintenance"),
    "degraded_performance": _("Degraded performance"),
    "partial_outage": _("Partial outage"),
    "major_outage": _("Major outage"),
}
#: A component's status inside a sentence (German keeps its nouns' capitals).
COMPONENT_PHRASES: dict[str, Any] = {
    "operational": _("operational"),
    "under_maintenance": _("under maintenance"),
    "degraded_performance": _("degraded performance"),
    "partial_outage": _("partial outage"),
    "major_outage": _("major outage"),
}
#: The page's overall status, as its banner says it.
OVERALL_LABELS: dict[str, Any] = {
    "operational": _("All systems operational"),
    "under_maintenance": _("Maintenance in progress"),
    "degraded_performance": _("Degraded system performance"),
    "partial_outage": _("Partial system outage"),
    "major_outage": _("Major system outage"),
}
INCIDENT_LABELS: dict[str, Any] = {
    "investigating": _("Investigating"),
    "identified": _("Identified"),
    "monitoring": _("Monitoring"),
    "resolved": _("Resolved"),
}
SEVERITY_LABELS: dict[str, Any] = {
    "none": _("No impact"),
    "minor": _("Minor"),
    "major": _("Major"),
    "critical": _("Critical"),
}
MAINTENANCE_LABELS: dict[str, Any] = {
    "scheduled": _("Scheduled"),
    "in_progress": _("In progress"),
    "verifying": _("Verifying"),
    "completed": _("Completed"),
}
#: A timeline entry's status is an incident's or a maintenance window's (the names differ).
ENTRY_LABELS: dict[str, Any] = {**INCIDENT_LABELS, **MAINTENANCE_LABELS}
#: Subscribers' states and deliveries' statuses (the console's lists).
STATE_LABELS: dict[str, Any] = {
    "pending": _("Pending"),
    "verified": _("Verified"),
    "quarantined": _("Quarantined"),
    "sent": _("Sent"),
    "failed": _("Failed"),
}
#: Every status, impact and state by its machine name (their names do not clash).
STATUS_LABELS: dict[str, Any] = {
    **COMPONENT_LABELS,
    **INCIDENT_LABELS,
    **SEVERITY_LABELS,
    **MAINTENANCE_LABELS,
    **STATE_LABELS,
}
VISIBILITY_LABELS: dict[str, Any] = {
    "public": _("Public"),
    "private": _("Private"),
    "password": _("Password"),
    "audience": _("Page access users only"),
}


def status_label(status: str) -> str:
    """The translated name of a status, impact or state (the machine name if unknown)."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


def status_phrase(status: str) -> str:
    """A component's status inside a sentence: "major outage"."""
    phrase = COMPONENT_PHRASES.get(status)
    return str(phrase) if phrase is not None else status.replace("_", " ")


def visibility_label(visibility: str) -> str:
    label = VISIBILITY_LABELS.get(visibility)
    return str(label) if label is not None else visibility
