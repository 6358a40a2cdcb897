"""Pages: the operator's list of pages, creating one, and a page's overview."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from .. import i18n
from ..schemas import PageInput
from . import forms
from .gate import operator
from .rendering import render
from .screens import done, owned_page, statuspages


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", "home", home)
    bp.add_url_rule("/pages/new", "new_page", new_page, methods=["GET", "POST"])
    bp.add_url_rule("/pages/<page_id>/", "page_overview", page_overview)


def home() -> Response:
    """Every page of the operator, with its status and what is going on."""
    pages = statuspages().pages.list(operator())
    return render("home.html", pages=pages)


def new_page() -> ResponseReturnValue:
    """A page from its name (and slug, optional): everything else has defaults."""
    if request.method == "GET":
        return render("page_new.html", values={}, invalid=None)
    values = forms.read(PageInput())
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
