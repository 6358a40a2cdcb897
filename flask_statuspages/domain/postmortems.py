"""Postmortems: an incident's write-up, kept as a draft until it is published.

The postmortem lives on the incident's own row (``Incident.postmortem`` and
its two dates), so showing it costs no query. Visitors see it only once
published. Editing a published postmortem keeps it published (as Statuspage
does), with the edit visible at once and nobody notified again; publishing
needs a non-empty body and a resolved incident (409 otherwise); subscribers
hear ``incident.postmortem_published`` only when the publisher asks for it.
"""

from __future__ import annotations

from sqlalchemy.orm.attributes import flag_modified

from .. import signals
from ..changes import Event, commit, event
from ..errors import conflict, not_found
from ..models import Incident, utcnow
from ..notify import outbox


def get_postmortem(incident: Incident) -> Incident:
    """``incident``, which has a postmortem (404 when it has none)."""
    if incident.postmortem is None:
        raise not_found("Postmortem")
    return incident


def _changed(incident: Incident) -> list[Event]:
    """What visitors must hear of a change to the postmortem: nothing while it is a draft,
    not even a new ``updated_at`` (feeds would show the entry as changed)."""
    if incident.postmortem_published_at is None:
        flag_modified(incident, "updated_at")  # written as it is, so not bumped
        return []
    return [event(signals.incident_updated, incident=incident)]


def write_postmortem(incident: Incident, body: str) -> Incident:
    """Create or replace the postmortem's body; a published one stays published."""
    if not body and incident.postmortem_published_at is not None:
        raise conflict("A published postmortem cannot be emptied; unpublish it first.")
    events = _changed(incident)
    incident.postmortem = body
    incident.postmortem_updated_at = utcnow()
    commit(*events)
    return incident


def publish_postmortem(incident: Incident, notify: bool = False) -> Incident:
    """Show the postmortem to visitors; with ``notify``, subscribers hear of it too
    (those filtered by component: when the incident touches one of theirs)."""
    get_postmortem(incident)
    if incident.postmortem_published_at is not None:
        raise conflict("The postmortem is already published.")
    if not (incident.postmortem or "").strip():
        raise conflict("The postmortem is empty; write it before publishing.")
    if incident.status != "resolved":
        raise conflict("Only a resolved incident's postmortem can be published.")
    incident.postmortem_published_at = utcnow()
    if notify:
        outbox.record(
            incident.page,
            "incident.postmortem_published",
            incident=incident,
            component_ids=sorted(incident.components or {}),
        )
    commit(
        event(signals.incident_updated, incident=incident),
        event(signals.postmortem_published, incident=incident, notify=notify),
    )
    return incident


def unpublish_postmortem(incident: Incident) -> Incident:
    """Take the postmortem back to a draft, hidden from visitors."""
    get_postmortem(incident)
    if incident.postmortem_published_at is None:
        raise conflict("The postmortem is not published.")
    incident.postmortem_published_at = None
    commit(event(signals.incident_updated, incident=incident))
    return incident


def delete_postmortem(incident: Incident) -> None:
    get_postmortem(incident)
    events = _changed(incident)
    incident.postmortem = None
    incident.postmortem_published_at = None
    incident.postmortem_updated_at = None
    commit(*events)
