"""How console screens answer: a template in the console's frame, and the error page.

Every screen renders through :func:`render`, which gives the frame what it needs:
the operator's pages for the switcher, the page in hand (its section links), and
the URL of the page's event stream that ``console.js`` listens to.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, make_response, render_template, url_for

from .. import i18n
from ..i18n import lazy_gettext as _
from ..labels import status_label, visibility_label

TEMPLATES = "statuspages/console/"
#: A page's sections, in the order of its menu: (endpoint, label). A section whose
#: endpoint is not registered is left out.
SECTIONS = (
    ("statuspages_console.page_overview", _("Overview")),
    ("statuspages_console.components", _("Components")),
    ("statuspages_console.incidents", _("Incidents")),
    ("statuspages_console.maintenances", _("Maintenance")),
    ("statuspages_console.subscribers", _("Subscribers")),
    ("statuspages_console.deliveries", _("Deliveries")),
    ("statuspages_console.metrics", _("Metrics")),
    ("statuspages_console.access_users", _("Access users")),
    ("statuspages_console.page_settings", _("Settings")),
)
#: Screens below a section, whose menu entry they keep current: section -> endpoints.
SECTION_CHILDREN: dict[str, tuple[str, ...]] = {}


def section_of(section: str, *endpoints: str) -> None:
    """Declare ``endpoints`` (full names) as screens of the menu entry ``section``."""
    SECTION_CHILDREN[section] = (*SECTION_CHILDREN.get(section, ()), *endpoints)


def render(template: str, status: int = 200, *, page: Any = None, **context: Any) -> Response:
    """``statuspages/console/<template>`` with ``context``, answered with ``status``.

    ``page`` (a :class:`~flask_statuspages.models.Page`) puts its section links in
    the frame and keeps the screen live: a change to the page, made here, by another
    operator or through the API, reloads the screen's main part.
    """
    events = url_for(".page_events", page_id=page.id) if page is not None else None
    endpoints = current_app.view_functions
    html = render_template(
        TEMPLATES + template,
        page=page,
        events_url=events,
        operator=g.get("statuspages_operator"),
        locale=i18n.current_locale(),
        format_moment=i18n.format_moment,
        status_label=status_label,
        visibility_label=visibility_label,
        endpoints=endpoints,
        sections=[(name, str(label)) for name, label in SECTIONS if name in endpoints],
        section_children=SECTION_CHILDREN,
        **context,
    )
    response = make_response(html, status)
    response.mimetype = "text/html"
    return response


def error_page(status: int, title: str, message: str, back: str | None = None) -> Response:
    """A page saying what went wrong (and where to go back to), answered with ``status``."""
    return render("error.html", status, title=title, message=message, back=back)
