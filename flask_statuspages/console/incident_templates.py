"""Incident templates: the list, creating, editing and deleting one. The incident
form starts from one (``?template_id=``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from .. import i18n
from ..models import IncidentTemplate, Page
from ..schemas import IncidentTemplateInput
from . import forms
from .incidents import SECTION, Route, add_screens, form_context, read_typed
from .rendering import render
from .screens import confirm_here as confirm
from .screens import done, owned_page, statuspages


def register(bp: Blueprint) -> None:
    base = "/pages/<page_id>/incident-templates"
    rules_: list[Route] = [
        (base, "incident_templates", templates, ["GET"]),
        (base + "/new", "new_incident_template", new_template, ["GET", "POST"]),
        (base + "/<template_id>", "edit_incident_template", edit_template, ["GET", "POST"]),
        (
            base + "/<template_id>/delete",
            "delete_incident_template",
            delete_template,
            ["GET", "POST"],
        ),
    ]
    add_screens(bp, SECTION, rules_)


def templates(page_id: str) -> Response:
    page = owned_page(page_id)
    return render(
        "templates.html",
        page=page,
        templates=statuspages().incident_templates.list(page),
        **form_context(page),
    )


def new_template(page_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    if request.method == "GET":
        return _form(page, None, {"severity": "minor"}, None)
    values = _read()
    api = statuspages().incident_templates
    created, invalid = forms.attempt(lambda: api.create(page, **values))
    if invalid is not None:
        return _form(page, None, values, invalid, 422)
    assert created is not None
    message = i18n.gettext("Template “%(name)s” created.", name=created.name)
    return done(message, ".incident_templates", page_id=page.id)


def edit_template(page_id: str, template_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    api = statuspages().incident_templates
    template = api.get(page, template_id)
    if request.method == "GET":
        values = {
            "name": template.name,
            "title": template.title,
            "message": template.message,
            "severity": template.severity or "",
            "components": dict(template.components or {}),
        }
        return _form(page, template, values, None)
    values = _read()
    _, invalid = forms.attempt(lambda: api.update(page, template, **values))
    if invalid is not None:
        return _form(page, template, values, invalid, 422)
    message = i18n.gettext("Template “%(name)s” saved.", name=template.name)
    return done(message, ".incident_templates", page_id=page.id)


def _read() -> dict[str, Any]:
    values = read_typed(IncidentTemplateInput())
    values.setdefault("components", {})  # every choice "not affected": none left
    if not values.get("severity"):
        values["severity"] = None
    return values


def _form(
    page: Page,
    template: IncidentTemplate | None,
    values: dict[str, Any],
    invalid: Any,
    status: int = 200,
) -> Response:
    context = form_context(page)
    context["severities"] = [("", i18n.gettext("Not set")), *context["severities"]]
    return render(
        "template_form.html",
        status,
        page=page,
        incident_template=template,
        values=values,
        invalid=invalid,
        **context,
    )


def delete_template(page_id: str, template_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    api = statuspages().incident_templates
    template = api.get(page, template_id)
    if request.method == "GET":
        return confirm(
            page,
            i18n.gettext("Delete the template “%(name)s”?", name=template.name),
            i18n.gettext("Incidents opened from it keep their text."),
            i18n.gettext("Delete template"),
            url_for(".incident_templates", page_id=page.id),
        )
    name = template.name
    api.delete(page, template)
    message = i18n.gettext("Template “%(name)s” deleted.", name=name)
    return done(message, ".incident_templates", page_id=page.id)
