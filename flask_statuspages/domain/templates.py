"""Incident templates: a page's prepared wording for a kind of incident.

A template fills a new incident's title, message, severity and affected
components (:func:`fill`); whatever the request gives itself wins, and a
request's ``components`` replaces the template's map whole.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..changes import commit
from ..errors import not_found, validation_error
from ..models import IncidentTemplate, Page
from ..state import db_session
from . import components

#: The incident fields a template gives.
FILLED = ("title", "message", "severity", "components")


def templates_of(page_id: str) -> Any:
    return (
        select(IncidentTemplate)
        .where(IncidentTemplate.page_id == page_id)
        .order_by(IncidentTemplate.name, IncidentTemplate.id)
    )


def _find(page: Page, template_id: str) -> IncidentTemplate | None:
    return db_session().scalar(templates_of(page.id).where(IncidentTemplate.id == template_id))


def get_template(page: Page, template_id: str) -> IncidentTemplate:
    found = _find(page, template_id)
    if found is None:
        raise not_found("Incident template")
    return found


def create_template(page: Page, data: dict[str, Any]) -> IncidentTemplate:
    components.check_on_page(page, data.get("components") or {}, "components")
    template = IncidentTemplate(page_id=page.id, **{"components": {}, **data})
    db_session().add(template)
    commit()
    return template


def update_template(template: IncidentTemplate, data: dict[str, Any]) -> IncidentTemplate:
    if "components" in data:
        data = {**data, "components": data["components"] or {}}
        page = db_session().get(Page, template.page_id)  # the view's, already loaded
        assert page is not None
        components.check_on_page(page, data["components"], "components")
    for key, value in data.items():
        setattr(template, key, value)
    commit()
    return template


def delete_template(template: IncidentTemplate) -> None:
    db_session().delete(template)
    commit()


def fill(page: Page, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` of a new incident with its ``template_id`` (if any) replaced by what the
    template gives; the body's own fields win. 422 on ``template_id`` when it names no
    template of ``page``.

    A component deleted since the template was written is left out.
    """
    if "template_id" not in body:
        return body
    body = dict(body)
    template = _find(page, str(body.pop("template_id")))
    if template is None:
        raise validation_error({"template_id": ["No such incident template on this page."]})
    given = {key: getattr(template, key) for key in FILLED}
    if given["components"]:
        gone = set(components.unknown_on_page(page, given["components"]))
        given["components"] = {k: v for k, v in given["components"].items() if k not in gone}
    filled = {key: value for key, value in given.items() if value not in (None, {})}
    return {**filled, **body}
