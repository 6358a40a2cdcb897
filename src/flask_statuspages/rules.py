"""Pure domain rules: no Flask, no database, no request.

Where is the overall status computed? Here, and only here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

#: Component statuses, best to worst. The order is the roll-up order.
COMPONENT_STATUSES = (
    "operational",
    "under_maintenance",
    "degraded_performance",
    "partial_outage",
    "major_outage",
)
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
SEVERITIES = ("none", "minor", "major", "critical")
SUBSCRIBER_STATES = ("pending", "verified", "quarantined")
DELIVERY_STATUSES = ("pending", "sent", "failed")

#: What an unresolved incident of a severity does to the overall status.
SEVERITY_TO_STATUS = {
    "critical": "major_outage",
    "major": "partial_outage",
    "minor": "degraded_performance",
}

_RANK = {status: rank for rank, status in enumerate(COMPONENT_STATUSES)}

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 100
_SLUG_BASE_LENGTH = 80
#: Latin letters that Unicode does not decompose into ASCII ones.
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ð": "d"}
)


def worst_status(statuses: Iterable[str]) -> str:
    """The worst of ``statuses``; ``operational`` for none at all."""
    return max(statuses, key=_RANK.__getitem__, default="operational")


def overall_status(component_statuses: Iterable[str], unresolved_severities: Iterable[str]) -> str:
    """Roll every component status and unresolved incident severity into one status."""
    from_incidents = (
        SEVERITY_TO_STATUS[s] for s in unresolved_severities if s in SEVERITY_TO_STATUS
    )
    return worst_status([*component_statuses, *from_incidents])


def slugify(text: str) -> str:
    """A URL-friendly slug of ``text``: lowercase ASCII letters, digits and hyphens."""
    text = text.lower().translate(_LETTERS_WITHOUT_DECOMPOSITION)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:_SLUG_BASE_LENGTH].rstrip("-") or "page"


def next_free_slug(base: str, taken: Iterable[str]) -> str:
    """The first of ``base``, ``base-2``, ``base-3``, ... that is not in ``taken``."""
    taken = set(taken)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def resolved_at_after(
    old_status: str | None,
    new_status: str,
    old_resolved_at: datetime | None,
    now: datetime,
) -> datetime | None:
    """``resolved_at`` once an incident moves from ``old_status`` to ``new_status``."""
    if new_status != "resolved":
        return None
    if old_status == "resolved" and old_resolved_at is not None:
        return old_resolved_at
    return now


def retry_delay(attempt: int, base: float, jitter: float) -> float:
    """Seconds before retry number ``attempt`` (1 = the first retry): exponential
    backoff, scaled by ``jitter`` (drawn in 0.8..1.2) so retries do not stampede."""
    return base * 2 ** (attempt - 1) * jitter
