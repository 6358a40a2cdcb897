"""A page's settings: general, branding (with its preview), visibility, custom domain.

Each part is its own form posting to its own route, so a refused one comes back
with its errors while the others show the saved values. Every write is the
Python API's ``pages.update`` (the PATCH of the admin API); "Check now" is the
domain check of ``POST /:id/verify-domain``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from .. import domains, i18n
from ..models import Page
from ..schemas import PageInput, PageSchema
from ..views.site import DEFAULT_BACKGROUND, DEFAULT_PRIMARY, text_on
from . import forms
from .rendering import render, section_of
from .screens import done, owned_page, statuspages

SETTINGS = "statuspages_console.page_settings"
GENERAL_CHECKBOXES = (
    "subscriptions_enabled",
    "allow_email_subscribers",
    "allow_webhook_subscribers",
    "hide_branding",
    "robots_noindex",
    "redirect_to_https",
    "show_uptime",
    "show_incident_history",
)
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def register(bp: Blueprint) -> None:
    rule = "/pages/<page_id>/settings"
    bp.add_url_rule(rule, "page_settings", general, methods=["GET", "POST"])
    bp.add_url_rule(rule + "/branding", "page_branding", branding, methods=["POST"])
    bp.add_url_rule(rule + "/visibility", "page_visibility", visibility, methods=["POST"])
    bp.add_url_rule(rule + "/domain", "page_domain", domain, methods=["POST"])
    bp.add_url_rule(rule + "/domain/check", "page_domain_check", domain_check, methods=["POST"])
    bp.add_url_rule(rule + "/preview.css", "page_preview_css", preview_css)
    section_of(
        SETTINGS,
        "statuspages_console.page_branding",
        "statuspages_console.page_visibility",
        "statuspages_console.page_domain",
        "statuspages_console.page_domain_check",
    )


def saved_values(page: Page) -> dict[str, Any]:
    values: dict[str, Any] = PageSchema().dump(page)
    values["theme"] = {
        "primary_color": DEFAULT_PRIMARY,
        "background_color": DEFAULT_BACKGROUND,
        "color_scheme": "auto",
        **(page.theme or {}),
    }
    return values


def screen(
    page: Page,
    status: int = 200,
    *,
    part: str | None = None,
    posted: dict[str, Any] | None = None,
    invalid: forms.Invalid | None = None,
) -> Response:
    """The settings screen; ``part`` is the form posted (shown with ``posted``)."""
    values = saved_values(page)
    if posted:
        values.update({k: v for k, v in posted.items() if k != "theme"})
        values["theme"].update(posted.get("theme") or {})
    return render(
        "page_settings.html",
        status,
        page=page,
        values=values,
        part=part,
        invalid=invalid,
        preview_url=preview_url(page, values["theme"]),
        records=domains.dns_records(page),
    )


def preview_url(page: Page, theme: dict[str, Any]) -> str:
    colours = {k: theme.get(k) for k in ("primary_color", "background_color", "color_scheme")}
    query: dict[str, Any] = {k: v for k, v in colours.items() if isinstance(v, str) and v}
    return url_for(".page_preview_css", page_id=page.id, **query)


def _save(page: Page, part: str, values: dict[str, Any]) -> ResponseReturnValue:
    _, invalid = forms.attempt(lambda: statuspages().pages.update(page, **values))
    if invalid is not None:
        return screen(page, 422, part=part, posted=values, invalid=invalid)
    return done(i18n.gettext("Settings saved."), ".page_settings", page_id=page.id)


def general(page_id: str) -> ResponseReturnValue:
    """Names, links, language, time zone, subscriptions, indexing, emails."""
    page = owned_page(page_id)
    if request.method == "GET":
        return screen(page)
    return _save(page, "general", forms.read(PageInput(), checkboxes=GENERAL_CHECKBOXES))


def branding(page_id: str) -> ResponseReturnValue:
    """The theme; "Preview" shows the preview in the posted colours, saving nothing."""
    page = owned_page(page_id)
    values = forms.read(PageInput())
    theme = values.get("theme")
    if not isinstance(theme, dict):  # not a theme[...] form: the API says why
        return _save(page, "branding", {"theme": theme if theme is not None else "?"})
    values = {"theme": {k: v for k, v in theme.items() if v not in ("", None)}}
    if forms.control("preview") is not None:
        return screen(page, part="branding", posted=values)
    return _save(page, "branding", values)


def visibility(page_id: str) -> ResponseReturnValue:
    """Who sees the page, its password (blank: kept) and its IP allow-list."""
    page = owned_page(page_id)
    values = forms.read(PageInput())
    if not values.get("password"):
        values.pop("password", None)
    networks = values.get("ip_allowlist", "")
    if isinstance(networks, str):  # the textarea; a list (ip_allowlist[]) goes as it is
        values["ip_allowlist"] = ip_lines(networks)
    return _save(page, "visibility", values)


def ip_lines(text: str) -> list[str]:
    """One network per line (blank lines and surrounding spaces ignored)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def domain(page_id: str) -> ResponseReturnValue:
    """Set (or, blank, remove) the custom domain: its DNS records are shown next."""
    page = owned_page(page_id)
    values = forms.read(PageInput())
    return _save(page, "domain", {"custom_domain": values.get("custom_domain")})


def domain_check(page_id: str) -> ResponseReturnValue:
    """The API's domain check: DNS points at us and holds the page's token."""
    page = owned_page(page_id)
    _, invalid = forms.attempt(lambda: domains.verify_domain(page))
    if invalid is not None:
        return screen(page, 422, part="domain", invalid=invalid)
    return done(i18n.gettext("The custom domain is verified."), ".page_settings", page_id=page.id)


def preview_css(page_id: str) -> Response:
    """The preview card's colours, as a style sheet (the console allows no inline style)."""
    owned_page(page_id)
    primary = _colour(request.args.get("primary_color"), DEFAULT_PRIMARY)
    background = _colour(request.args.get("background_color"), DEFAULT_BACKGROUND)
    css = (
        f".brand-preview{{--brand:{primary};--brand-bg:{background};"
        f"--on-brand:{text_on(primary)};--brand-text:{text_on(background)}}}\n"
    )
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "no-store"
    return response


def _colour(value: str | None, default: str) -> str:
    return value if value and _COLOR.fullmatch(value) else default
