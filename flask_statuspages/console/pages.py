"""Pages: the operator's list of pages, creating one, a page's overview, deleting it.

A page's settings (general, branding, visibility, custom domain) are in
:mod:`.page_settings`, registered from here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from .. import i18n, rules
from ..models import Page
from ..schemas import PageInput
from . import forms, page_settings
from .gate import operator
from .rendering import render, section_of
from .screens import confirm, done, owned_page, statuspages


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", "home", home)
    bp.add_url_rule("/pages/new", "new_page", new_page, methods=["GET", "POST"])
    bp.add_url_rule("/pages/<page_id>/", "page_overview", page_overview)
    bp.add_url_rule("/pages/<page_id>/delete", "page_delete", page_delete, methods=["GET", "POST"])
    page_settings.register(bp)
    section_of(page_settings.SETTINGS, "statuspages_console.page_delete")


def summary(page: Page) -> dict[str, Any]:
    """A line of the home list: the page's status as its visitors see it (its
    components and open incidents), who sees it, how many components it has."""
    api = statuspages()
    components = api.components.list(page)
    open_incidents = api.incidents.list(page, status="open")
    return {
        "page": page,
        "status": rules.overall_status(
            (component.status for component in components),
            (incident.severity for incident in open_incidents),
        ),
        "visibility": rules.visibility(
            page.is_public, page.password_hash is not None, bool(page.audience_only)
        ),
        "components": len(components),
        "open_incidents": len(open_incidents),
    }


def home() -> Response:
    """Every page of the operator, with its overall status."""
    pages = statuspages().pages.list(operator())
    return render("home.html", pages=[summary(page) for page in pages])


def new_page() -> ResponseReturnValue:
    """A page from its name (and slug, optional): everything else has defaults."""
    if request.method == "GET":
        return render("page_new.html", values={}, invalid=None)
    values = forms.read(PageInput(), optional=("slug",))
    created, invalid = forms.attempt(lambda: statuspages().pages.create(operator(), **values))
    if invalid is not None:
        return render("page_new.html", 422, values=values, invalid=invalid)
    assert created is not None
    message = i18n.gettext("Page “%(name)s” created.", name=created.name)
    return done(message, ".page_overview", page_id=created.id)


def page_overview(page_id: str) -> Response:
    """A page at a glance: its components' statuses and what is open on it."""
    page = owned_page(page_id)
    api = statuspages()
    return render(
        "page_overview.html",
        page=page,
        components=api.components.list(page),
        open_incidents=api.incidents.list(page, status="open"),
    )


def page_delete(page_id: str) -> ResponseReturnValue:
    """Delete the page with everything on it, after a confirmation."""
    page = owned_page(page_id)
    if request.method == "GET":
        return confirm(
            page,
            title=i18n.gettext("Delete “%(name)s”?", name=page.name),
            message=i18n.gettext(
                "The page, its components, incidents, maintenance, subscribers and history"
                " are deleted for good. Its public address stops answering."
            ),
            action=url_for(".page_delete", page_id=page.id),
            button=i18n.gettext("Delete the page"),
            back=url_for(".page_settings", page_id=page.id),
        )
    name = page.name
    statuspages().pages.delete(page)
    return done(i18n.gettext("Page “%(name)s” deleted.", name=name), ".home")
