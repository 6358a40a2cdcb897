"""The timeline of an incident as a resource: list, post, correct and remove its updates."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy import select

from ..domain import incidents, pages
from ..models import IncidentUpdate
from ..schemas import (
    IncidentUpdateEdit,
    IncidentUpdateInput,
    IncidentUpdateSchema,
    PaginationQuery,
)
from .admin import paginate
from .routing import Routes

routes = Routes(tag="Incidents")


def _incident(owner: str, page_id: str, incident_id: str) -> Any:
    return incidents.get_incident(pages.get_owned_page(owner, page_id), incident_id)


@routes.route(
    "/<page_id>/incidents/<incident_id>/updates",
    "GET",
    query=PaginationQuery,
    response=IncidentUpdateSchema,
    paginated=True,
    errors=(404,),
)
def list_incident_updates(owner: str, page_id: str, incident_id: str, query: dict[str, Any]) -> Any:
    """List an incident's updates, newest first."""
    incident = _incident(owner, page_id, incident_id)
    rows = (
        select(IncidentUpdate)
        .where(IncidentUpdate.incident_id == incident.id)
        .order_by(IncidentUpdate.created_at.desc(), IncidentUpdate.seq.desc(), IncidentUpdate.id)
    )
    return paginate(rows, query)


@routes.route(
    "/<page_id>/incidents/<incident_id>/updates",
    "POST",
    body=IncidentUpdateInput,
    envelope="incident_update",
    response=IncidentUpdateSchema,
    status=201,
    location=lambda u: url_for(
        ".get_incident_update",
        page_id=u.incident.page_id,
        incident_id=u.incident_id,
        update_id=u.id,
    ),
    errors=(404,),
)
def create_incident_update(owner: str, page_id: str, incident_id: str, body: dict[str, Any]) -> Any:
    """Post an update: a message, and a new status (none or ``UPDATE``: a message only).

    ``components`` moves affected components as on the incident; ``created_at`` backdates
    the update (for a write-up); ``notify: false`` tells no subscriber.
    """
    return incidents.post_update(_incident(owner, page_id, incident_id), body)


@routes.route(
    "/<page_id>/incidents/<incident_id>/updates/<update_id>",
    "GET",
    response=IncidentUpdateSchema,
    errors=(404,),
)
def get_incident_update(owner: str, page_id: str, incident_id: str, update_id: str) -> Any:
    """Get one update of an incident."""
    return incidents.get_update(_incident(owner, page_id, incident_id), update_id)


@routes.route(
    "/<page_id>/incidents/<incident_id>/updates/<update_id>",
    "PATCH",
    "PUT",
    body=IncidentUpdateEdit,
    envelope="incident_update",
    partial=True,
    response=IncidentUpdateSchema,
    errors=(404,),
)
def edit_incident_update(
    owner: str, page_id: str, incident_id: str, update_id: str, body: dict[str, Any]
) -> Any:
    """Correct an update's message or time: sets ``edited_at``; no one is notified again,
    and the live page shows the correction."""
    incident = _incident(owner, page_id, incident_id)
    entry = incidents.get_update(incident, update_id)
    return incidents.edit_update(incident, entry, body)


@routes.route(
    "/<page_id>/incidents/<incident_id>/updates/<update_id>",
    "DELETE",
    status=204,
    errors=(404, 409),
)
def delete_incident_update(owner: str, page_id: str, incident_id: str, update_id: str) -> None:
    """Delete an update (no one is notified); an incident's only update stays: 409."""
    incident = _incident(owner, page_id, incident_id)
    incidents.delete_update(incident, incidents.get_update(incident, update_id))
