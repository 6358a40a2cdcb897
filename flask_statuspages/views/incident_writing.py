"""Incident templates and postmortems."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_sqlalchemy.pagination import Pagination

from ..domain import incidents, pages, postmortems, templates
from ..schemas import (
    IncidentTemplateInput,
    IncidentTemplateSchema,
    PaginationQuery,
    PostmortemInput,
    PostmortemSchema,
    PublishInput,
)
from .admin import paginate
from .routing import Routes

routes = Routes(tag="Incident templates")

# ------------------------------------------------------------ templates

TEMPLATES = "/<page_id>/incident-templates"
TEMPLATE = TEMPLATES + "/<template_id>"


@routes.route(
    TEMPLATES,
    "GET",
    query=PaginationQuery,
    response=IncidentTemplateSchema,
    paginated=True,
    errors=(404,),
)
def list_incident_templates(owner: str, page_id: str, query: dict[str, Any]) -> Pagination:
    """List a page's incident templates, by name."""
    page = pages.get_owned_page(owner, page_id)
    return paginate(templates.templates_of(page.id), query)


@routes.route(
    TEMPLATES,
    "POST",
    body=IncidentTemplateInput,
    envelope="template",
    response=IncidentTemplateSchema,
    status=201,
    location=lambda t: url_for(".get_incident_template", page_id=t.page_id, template_id=t.id),
    errors=(404,),
)
def create_incident_template(owner: str, page_id: str, body: dict[str, Any]) -> Any:
    """Add an incident template; ``POST .../incidents`` with its ``template_id`` uses it.

    ``components`` (``{component_id: status}``) must name components of the page.
    ``impact`` is an alias of ``severity``.
    """
    return templates.create_template(pages.get_owned_page(owner, page_id), body)


@routes.route(TEMPLATE, "GET", response=IncidentTemplateSchema, errors=(404,))
def get_incident_template(owner: str, page_id: str, template_id: str) -> Any:
    """Get one incident template."""
    return templates.get_template(pages.get_owned_page(owner, page_id), template_id)


@routes.route(
    TEMPLATE,
    "PUT",
    "PATCH",
    body=IncidentTemplateInput,
    envelope="template",
    partial=True,
    response=IncidentTemplateSchema,
    errors=(404,),
)
def update_incident_template(
    owner: str, page_id: str, template_id: str, body: dict[str, Any]
) -> Any:
    """Update an incident template (any subset of fields; ``components`` is replaced whole)."""
    page = pages.get_owned_page(owner, page_id)
    return templates.update_template(templates.get_template(page, template_id), body)


@routes.route(TEMPLATE, "DELETE", status=204, errors=(404,))
def delete_incident_template(owner: str, page_id: str, template_id: str) -> None:
    """Delete an incident template (incidents made from it keep their fields)."""
    page = pages.get_owned_page(owner, page_id)
    templates.delete_template(templates.get_template(page, template_id))


# ---------------------------------------------------------- postmortems

POSTMORTEM = "/<page_id>/incidents/<incident_id>/postmortem"


def _incident(owner: str, page_id: str, incident_id: str) -> Any:
    return incidents.get_incident(pages.get_owned_page(owner, page_id), incident_id)


@routes.route(POSTMORTEM, "GET", response=PostmortemSchema, errors=(404,), tag="Postmortems")
def get_postmortem(owner: str, page_id: str, incident_id: str) -> Any:
    """Get an incident's postmortem, draft or published (404 when it has none)."""
    return postmortems.get_postmortem(_incident(owner, page_id, incident_id))


@routes.route(
    POSTMORTEM,
    "PUT",
    body=PostmortemInput,
    envelope="postmortem",
    response=PostmortemSchema,
    errors=(404, 409),
    tag="Postmortems",
)
def put_postmortem(owner: str, page_id: str, incident_id: str, body: dict[str, Any]) -> Any:
    """Write an incident's postmortem (Markdown), or replace it.

    A new one is a draft, seen by the page's owner only. A published one stays
    published and visitors see the edit at once, without a new notification;
    it cannot be emptied (409).
    """
    return postmortems.write_postmortem(_incident(owner, page_id, incident_id), body["body"])


@routes.route(
    POSTMORTEM + "/publish",
    "POST",
    body=PublishInput,
    envelope="postmortem",
    response=PostmortemSchema,
    errors=(404, 409),
    tag="Postmortems",
)
def publish_postmortem(owner: str, page_id: str, incident_id: str, body: dict[str, Any]) -> Any:
    """Publish an incident's postmortem on the page, its JSON, feeds and v2.

    409 unless the incident is resolved and the postmortem has a body, or when
    it is already published. ``{"notify": true}`` sends subscribers
    ``incident.postmortem_published``; ``{}`` publishes quietly.
    """
    incident = _incident(owner, page_id, incident_id)
    return postmortems.publish_postmortem(incident, notify=body["notify"])


@routes.route(
    POSTMORTEM + "/unpublish",
    "POST",
    response=PostmortemSchema,
    errors=(404, 409),
    tag="Postmortems",
)
def unpublish_postmortem(owner: str, page_id: str, incident_id: str) -> Any:
    """Take a published postmortem back to a draft, hidden from visitors (409 if not published)."""
    return postmortems.unpublish_postmortem(_incident(owner, page_id, incident_id))


@routes.route(POSTMORTEM, "DELETE", status=204, errors=(404,), tag="Postmortems")
def delete_postmortem(owner: str, page_id: str, incident_id: str) -> None:
    """Delete an incident's postmortem, draft or published."""
    postmortems.delete_postmortem(_incident(owner, page_id, incident_id))
