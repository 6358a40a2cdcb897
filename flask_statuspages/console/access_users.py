"""Page access users: who may see an audience-only page, and which of its components
and metrics. The list (searched), adding one, editing what they see, removing one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from .. import i18n, rules
from ..domain.page_access import users_of
from ..models import Page, PageAccessUser
from ..schemas import PageAccessUserInput
from . import forms
from .paging import paged, wanted_screen
from .rendering import render, section_of
from .screens import confirm, done, owned_page, statuspages

SECTION = "statuspages_console.access_users"
CHECKBOXES = ("components_only", "metrics_only")
SETTINGS = "statuspages_console.page_settings"


def register(bp: Blueprint) -> None:
    base = "/pages/<page_id>/access-users"
    one = base + "/<page_access_user_id>"
    bp.add_url_rule(base, "access_users", access_users)
    bp.add_url_rule(base + "/new", "new_access_user", new_access_user, methods=["GET", "POST"])
    bp.add_url_rule(one, "access_user", edit_access_user, methods=["GET", "POST"])
    bp.add_url_rule(one + "/delete", "delete_access_user", delete, methods=["GET", "POST"])
    children = ("new_access_user", "access_user", "delete_access_user")
    section_of(SECTION, *(f"statuspages_console.{name}" for name in children))


def access_users(page_id: str) -> Response:
    """The page's access users, oldest first; ``?q=`` finds those whose email holds it."""
    page = owned_page(page_id)
    text = request.args.get("q", "").strip()[:320]
    return render(
        "access_users.html",
        page=page,
        text=text,
        listed=paged(users_of(page.id, text=text or None), wanted_screen()),
        names=_names(page),
        visibility=rules.visibility(page.is_public, bool(page.password_hash), page.audience_only),
        settings=SETTINGS,
    )


def _names(page: Page) -> dict[str, str]:
    """Names of the page's components and metrics, by id."""
    api = statuspages()
    found = [*api.components.list(page), *api.metrics.list(page)]
    return {item.id: item.name for item in found}


def _read() -> dict[str, Any]:
    values = forms.read(PageAccessUserInput(), checkboxes=CHECKBOXES)
    # The form lists every component and metric: none ticked is none.
    values.setdefault("component_ids", [])
    values.setdefault("metric_ids", [])
    return values


def new_access_user(page_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    if request.method == "GET":
        return _form(page, None, {}, None)
    values = _read()
    created, invalid = forms.attempt(lambda: statuspages().page_access_users.create(page, **values))
    if invalid is not None:
        return _form(page, None, values, invalid, 422)
    assert created is not None
    message = i18n.gettext("%(email)s may now see the page.", email=created.email)
    return done(message, ".access_users", page_id=page.id)


def edit_access_user(page_id: str, page_access_user_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    api = statuspages().page_access_users
    user = api.get(page, page_access_user_id)
    if request.method == "GET":
        return _form(page, user, _values_of(user), None)
    values = _read()
    changed, invalid = forms.attempt(lambda: api.update(page, user, **values))
    if invalid is not None:
        return _form(page, user, values, invalid, 422)
    assert changed is not None
    message = i18n.gettext("What %(email)s sees was saved.", email=changed.email)
    return done(message, ".access_users", page_id=page.id)


def _values_of(user: PageAccessUser) -> dict[str, Any]:
    names = ("email", "external_login", "components_only", "component_ids", "metrics_only")
    return {name: getattr(user, name) for name in (*names, "metric_ids")}


def _form(
    page: Page,
    user: PageAccessUser | None,
    values: dict[str, Any],
    invalid: forms.Invalid | None,
    status: int = 200,
) -> Response:
    api = statuspages()
    return render(
        "access_user.html",
        status,
        page=page,
        user=user,
        values=values,
        invalid=invalid,
        components=api.components.list(page),
        metrics=api.metrics.list(page),
    )


def delete(page_id: str, page_access_user_id: str) -> ResponseReturnValue:
    """Take a user's access away (a confirmation first); their sessions end with it."""
    page = owned_page(page_id)
    user = statuspages().page_access_users.get(page, page_access_user_id)
    email = user.email
    if request.method == "GET":
        return confirm(
            page,
            i18n.gettext("Remove %(email)s?", email=email),
            i18n.gettext(
                "They can no longer see the page; if they are looking at it now, their"
                " next visit asks them to sign in."
            ),
            url_for(".delete_access_user", page_id=page.id, page_access_user_id=user.id),
            i18n.gettext("Remove access"),
            url_for(".access_users", page_id=page.id),
        )
    statuspages().page_access_users.delete(page, user)
    message = i18n.gettext("%(email)s can no longer see the page.", email=email)
    return done(message, ".access_users", page_id=page.id)
