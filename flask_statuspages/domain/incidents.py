"""Incidents of a page, the components they affect, and their timeline of updates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from .. import rules, signals
from ..changes import Event, commit, event
from ..errors import conflict, not_found, validation_error
from ..models import Component, Incident, IncidentUpdate, Maintenance, Page, utcnow
from ..notify import outbox
from ..schemas import IncidentUpdateSchema
from ..state import db_session
from . import components as components_domain
from . import templates
from .components import ordered_components
from .maintenances import OPEN_STATUSES

#: How far ahead of our clock a client's "now" may be (``started_at``, ``created_at``).
CLOCK_SKEW = timedelta(minutes=5)

_update_schema = IncidentUpdateSchema()


def incidents_of(page_id: str, status: str | None = None) -> Any:
    """A page's incidents, newest first; ``status`` one of the four, or ``open``."""
    query = (
        select(Incident)
        .where(Incident.page_id == page_id)
        .options(selectinload(Incident.updates))
        .order_by(Incident.created_at.desc(), Incident.id)
    )
    if status == "open":
        return query.where(Incident.status != "resolved")
    return query if status is None else query.where(Incident.status == status)


def unresolved_incidents(page_id: str) -> Any:
    return incidents_of(page_id, "open")


def get_incident(page: Page, incident_id: str) -> Incident:
    incident = db_session().scalar(incidents_of(page.id).where(Incident.id == incident_id))
    if incident is None:
        raise not_found("Incident")
    return incident


# ------------------------------------------------------ affected components


def _components_by_id(page: Page, ids: Any) -> dict[str, Component]:
    """The page's components among ``ids``, in display order (others' and unknown: none)."""
    ids = set(ids)
    if not ids:
        return {}
    rows = db_session().scalars(ordered_components(page.id).where(Component.id.in_(ids)))
    return {c.id: c for c in rows}


def _check_components(
    given: dict[str, str | None], found: dict[str, Component], *, new: bool
) -> dict[str, list[str]]:
    errors = {
        f"components.{cid}": ["No such component on this page."]
        for cid in given
        if cid not in found
    }
    if new:
        errors.update(
            {
                f"components.{cid}": ["null removes a component; a new incident has none."]
                for cid, status in given.items()
                if status is None and cid in found
            }
        )
    return errors


def _held_elsewhere(incident: Incident) -> tuple[list[dict[str, str]], list[list[str]]]:
    """The ``components`` maps of the page's other unresolved incidents, and the
    component ids of its open maintenance windows."""
    session = db_session()
    others = session.scalars(
        select(Incident.components).where(
            Incident.page_id == incident.page_id,
            Incident.status != "resolved",
            Incident.id != incident.id,
        )
    ).all()
    windows = session.scalars(
        select(Maintenance.component_ids).where(
            Maintenance.page_id == incident.page_id, Maintenance.status.in_(OPEN_STATUSES)
        )
    ).all()
    return [dict(m or {}) for m in others], [list(ids or []) for ids in windows]


def _move_components(
    targets: dict[str, str], found: dict[str, Component]
) -> tuple[list[dict[str, Any]], list[Event]]:
    """Put each component in its target status: what changed (for the timeline), and
    the signals to send. In the page's display order."""
    changes: list[dict[str, Any]] = []
    events: list[Event] = []
    for component_id, component in found.items():
        status = targets.get(component_id)
        if status is None or status == component.status:
            continue
        changes.append(
            {
                "id": component.id,
                "name": component.name,
                "old_status": component.status,
                "new_status": status,
            }
        )
        events += components_domain.move_status(component, status)
    return changes, events


# ---------------------------------------------------------------- timeline


def _append_update(
    incident: Incident,
    status: str | None,
    message: str | None,
    components: list[dict[str, Any]],
    created_at: datetime | None = None,
) -> IncidentUpdate:
    entry = IncidentUpdate(
        status=status,
        message=message,
        components=components,
        seq=len(incident.updates),
        created_at=created_at or utcnow(),
    )
    incident.updates.insert(0, entry)
    return entry


def _announce(page: Page, incident: Incident, kind: str, entry: IncidentUpdate | None) -> None:
    """The outbox event: it reaches subscribers of the affected components (all, when
    the incident names none). No per-component event: one action, one message."""
    outbox.record(
        page,
        kind,
        incident=incident,
        component_ids=sorted(incident.components or {}),
        incident_update=_update_schema.dump(entry) if entry is not None else None,
    )


def _time_errors(incident: Incident, data: dict[str, Any], now: datetime) -> dict[str, list[str]]:
    started_at = data.get("started_at") or incident.started_at or now
    status = data.get("status") or incident.status
    return rules.incident_time_errors(started_at, data.get("resolved_at"), status, now, CLOCK_SKEW)


def create_incident(page: Page, data: dict[str, Any]) -> Incident:
    """Open an incident; it puts its ``components`` in their statuses. One created
    already ``resolved`` is a write-up after the fact: it leaves components alone."""
    data = templates.fill(page, dict(data))  # a template_id gives the fields not given
    given: dict[str, Any] = data.pop("components", None) or {}
    notify = data.pop("notify", True)
    now = utcnow()
    data.setdefault("status", "investigating")
    data["started_at"] = data.get("started_at") or now
    found = _components_by_id(page, given)
    times = rules.incident_time_errors(
        data["started_at"], data.get("resolved_at"), data["status"], now, CLOCK_SKEW
    )
    errors = {**_check_components(given, found, new=True), **times}
    if errors:
        raise validation_error(errors)
    resolved_at = data.pop("resolved_at", None)
    incident = Incident(page_id=page.id, updates=[], components=dict(given), created_at=now, **data)
    incident.severity = incident.severity or "minor"
    incident.resolved_at = rules.resolved_at_after(None, incident.status, None, resolved_at or now)
    backfill = incident.status == "resolved"
    changes, events = ([], []) if backfill else _move_components(given, found)
    entry = _append_update(
        incident,
        incident.status,
        data.get("message"),
        changes,
        incident.resolved_at if backfill else incident.started_at,
    )
    db_session().add(incident)
    if notify:
        _announce(page, incident, "incident.created", entry)
    commit(event(signals.incident_created, incident=incident), *events)
    return incident


def update_incident(incident: Incident, data: dict[str, Any]) -> Incident:
    """Apply ``data``; a status change, a message or moved components add an entry to
    the timeline (with the incident's status)."""
    _change(incident, data, message=data.get("message"), entry_status=None, same_status=True)
    return incident


def post_update(incident: Incident, data: dict[str, Any]) -> IncidentUpdate:
    """Add an entry to the timeline: a message, and maybe a new status (none: a message
    only), components moved, a time in the past."""
    fields: dict[str, Any] = {k: data[k] for k in ("components", "notify") if k in data}
    if data.get("status") is not None:
        fields["status"] = data["status"]
    if not (data.get("message") or data.get("status") or data.get("components")):
        message = "Give a message, a status or components."
        raise validation_error({"message": [message]})
    entry = _change(
        incident,
        fields,
        message=data.get("message"),
        entry_status=data.get("status"),
        created_at=data.get("created_at"),
        always=True,
    )
    assert entry is not None
    return entry


def _change(
    incident: Incident,
    data: dict[str, Any],
    *,
    message: str | None,
    entry_status: str | None,
    same_status: bool = False,
    created_at: datetime | None = None,
    always: bool = False,
) -> IncidentUpdate | None:
    """The one way an incident moves: fields, status, components, a timeline entry and
    the outbox event, validated whole before anything is written, committed at once."""
    data = dict(data)
    given: dict[str, Any] = data.pop("components", None) or {}
    notify = data.pop("notify", True)
    now = utcnow()
    found = _components_by_id(incident.page, [*given, *(incident.components or {})])
    errors = {**_check_components(given, found, new=False), **_time_errors(incident, data, now)}
    if created_at is not None:
        started_at = data.get("started_at") or incident.started_at
        error = rules.backfill_error(created_at, started_at, now, CLOCK_SKEW)
        if error:
            errors["created_at"] = [error]
    if errors:
        raise validation_error(errors)

    old_status, old_resolved_at = incident.status, incident.resolved_at
    resolved_at = data.pop("resolved_at", None)
    for key, value in data.items():
        setattr(incident, key, value)
    status_changed = incident.status != old_status
    resolving = status_changed and incident.status == "resolved"
    targets = _targets(incident, given, found, resolving)
    changes, events = _move_components(targets, found)
    incident.resolved_at = rules.resolved_at_after(
        old_status, incident.status, old_resolved_at, now
    )
    if resolved_at is not None:
        incident.resolved_at = resolved_at

    entry = None
    if always or status_changed or message or changes:
        status = incident.status if same_status else entry_status
        entry = _append_update(incident, status, message, changes, created_at)
        incident.updated_at = now  # a backdated entry still changes the incident
    events.insert(0, event(signals.incident_updated, incident=incident))
    if resolving:
        events.insert(1, event(signals.incident_resolved, incident=incident))
    if entry is not None and notify:
        _announce(
            incident.page, incident, "incident.resolved" if resolving else "incident.updated", entry
        )
    commit(*events)
    return entry


def _targets(
    incident: Incident, given: dict[str, Any], found: dict[str, Component], resolving: bool
) -> dict[str, str]:
    """The status each component takes; sets the incident's new ``components`` map.

    The request's statuses win; a component it removes (``null``), and every affected
    one on resolution, is restored: to the worst status still held elsewhere, or
    ``operational``.
    """
    requested = {cid: s for cid, s in given.items() if s is not None}
    before = incident.components or {}
    removed = [cid for cid, s in given.items() if s is None and cid in before]
    affected = {k: v for k, v in before.items() if k not in removed}
    incident.components = {**affected, **requested}  # a new dict: JSON columns see it
    restore = [*removed, *(incident.components if resolving else [])]
    restore = [cid for cid in restore if cid in found and cid not in requested]
    if not restore:
        return requested
    others, windows = _held_elsewhere(incident)
    return rules.statuses_after_resolution(restore, requested, others, windows)


def get_update(incident: Incident, update_id: str) -> IncidentUpdate:
    for entry in incident.updates:
        if entry.id == update_id:
            return entry
    raise not_found("Update")


def edit_update(incident: Incident, entry: IncidentUpdate, data: dict[str, Any]) -> IncidentUpdate:
    """Correct an entry (a typo, a wrong time): no one is told again, but the page
    shows the correction at once (the incident's change bumps its public version)."""
    now = utcnow()
    if not data:
        raise validation_error({"message": ["Give a message or a created_at to correct."]})
    if data.get("created_at") is not None:
        error = rules.backfill_error(data["created_at"], incident.started_at, now, CLOCK_SKEW)
        if error:
            raise validation_error({"created_at": [error]})
    for key, value in data.items():
        setattr(entry, key, value)
    entry.edited_at = now
    incident.updated_at = now
    commit(event(signals.incident_updated, incident=incident))
    return entry


def delete_update(incident: Incident, entry: IncidentUpdate) -> None:
    """Remove an entry from the record; what it changed stays changed, no one is told.
    An incident keeps at least one entry: delete the incident instead."""
    if len(incident.updates) <= 1:
        raise conflict("An incident keeps at least one update; delete the incident instead.")
    incident.updates.remove(entry)
    db_session().delete(entry)
    incident.updated_at = utcnow()
    commit(event(signals.incident_updated, incident=incident))


def delete_incident(incident: Incident) -> None:
    session = db_session()
    session.execute(delete(IncidentUpdate).where(IncidentUpdate.incident_id == incident.id))
    session.delete(incident)
    commit(event(signals.incident_deleted, incident=incident))
