"""What people read for the machine names of statuses, impacts and visibilities,
translated (``major_outage``: "Major outage", in German "Größerer Ausfall")."""

from __future__ import annotations

from typing import Any

from .i18n import lazy_gettext as _

STATUS_LABELS: dict[str, Any] = {
    # components
    "operational": _("Operational"),
    "degraded_performance": _("Degraded performance"),
    "partial_outage": _("Partial outage"),
    "major_outage": _("Major outage"),
    "under_maintenance": _("Under maintenance"),
    # incidents
    "investigating": _("Investigating"),
    "identified": _("Identified"),
    "monitoring": _("Monitoring"),
    "resolved": _("Resolved"),
    # impacts
    "none": _("None"),
    "minor": _("Minor"),
    "major": _("Major"),
    "critical": _("Critical"),
    # maintenance
    "scheduled": _("Scheduled"),
    "in_progress": _("In progress"),
    "verifying": _("Verifying"),
    "completed": _("Completed"),
    # subscribers and deliveries
    "pending": _("Pending"),
    "verified": _("Verified"),
    "quarantined": _("Quarantined"),
    "sent": _("Sent"),
    "failed": _("Failed"),
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


def visibility_label(visibility: str) -> str:
    label = VISIBILITY_LABELS.get(visibility)
    return str(label) if label is not None else visibility
