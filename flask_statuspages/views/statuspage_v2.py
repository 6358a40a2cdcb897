"""Atlassian Statuspage's public v2 API, so tools written for it read our pages.

Each route answers one document of :mod:`flask_statuspages.statuspage_v2`,
rendered once per snapshot (with its ``ETag``) like every public answer.
A client library pointed at ``{prefix}/public/<slug>`` (or at a page's
custom domain) finds ``/api/v2/summary.json`` and its siblings where it
expects them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Response

from .. import access
from .. import statuspage_v2 as v2
from ..links import page_html_urls, public_root
from ..snapshot import Snapshot
from .responses import snapshot_response
from .routing import Routes

routes = Routes(tag="Statuspage v2")
PUBLIC_LIMIT = "STATUSPAGES_PUBLIC_RATE_LIMIT"
V2 = "/public/<slug>/api/v2"

#: Stands for the request's base URL in a cached rendering: renderings are
#: shared by every visitor, base URLs are not, and keying renderings by the
#: ``Host`` header would let anyone fill memory. The ``.invalid`` top-level
#: domain never resolves, so even a missed substitution links nowhere.
BASE_PLACEHOLDER = "http://statuspages-base.invalid"
_PLACEHOLDER = BASE_PLACEHOLDER.encode()


def links(page: dict[str, Any]) -> v2.Links:
    """The HTML page's URLs: its verified custom domain, else the site (or the JSON when off).

    Without the site, everything links to the JSON.
    """
    domain = page["custom_domain"]
    urls = page_html_urls(page["slug"], BASE_PLACEHOLDER, f"https://{domain}" if domain else None)
    page_url = urls.page.rstrip("/") if domain else urls.page
    return v2.Links(page_url, urls.incidents, urls.maintenances)


def v2_response(slug: str, document: v2.Document) -> Response:
    """``document`` of the page ``slug``, with the base URL of this request in its links."""
    ref = access.visible_page(slug)

    def make(snapshot: Snapshot) -> bytes:
        return v2.render(document, snapshot.data, links(snapshot.data["page"]))

    response = snapshot_response(ref, ("v2", document.__name__), "application/json", make)
    if response.status_code == 200:
        body = response.get_data()
        if _PLACEHOLDER in body:
            base = json.dumps(public_root())[1:-1].encode()
            response.set_data(body.replace(_PLACEHOLDER, base))
    return response


def _route(path: str, response: type) -> Callable[..., Any]:
    return routes.route(
        V2 + path,
        "GET",
        auth=False,
        response=response,
        errors=(304, 401, 404, 429),
        rate_limit=PUBLIC_LIMIT,
    )


@_route("/summary.json", v2.StatuspageSummarySchema)
def v2_summary(slug: str) -> Response:
    """Statuspage v2 summary: status, components, unresolved incidents and maintenances.

    ``scheduled_maintenances`` holds the upcoming windows (soonest first), then
    those in progress or being verified.
    """
    return v2_response(slug, v2.summary)


@_route("/status.json", v2.StatuspageStatusDocumentSchema)
def v2_status(slug: str) -> Response:
    """Statuspage v2 status: the overall indicator (none, minor, major, critical, maintenance)."""
    return v2_response(slug, v2.status)


@_route("/components.json", v2.StatuspageComponentsSchema)
def v2_components(slug: str) -> Response:
    """Statuspage v2 components; each component group is a component with ``group: true``."""
    return v2_response(slug, v2.components)


@_route("/incidents.json", v2.StatuspageIncidentsSchema)
def v2_incidents(slug: str) -> Response:
    """Statuspage v2 incidents: the 50 newest, resolved or not."""
    return v2_response(slug, v2.incidents)


@_route("/incidents/unresolved.json", v2.StatuspageIncidentsSchema)
def v2_unresolved_incidents(slug: str) -> Response:
    """Statuspage v2 unresolved incidents (investigating, identified or monitoring)."""
    return v2_response(slug, v2.unresolved_incidents)


@_route("/scheduled-maintenances.json", v2.StatuspageMaintenancesSchema)
def v2_scheduled_maintenances(slug: str) -> Response:
    """Statuspage v2 scheduled maintenances: the 50 latest windows by start, of any status."""
    return v2_response(slug, v2.scheduled_maintenances)


@_route("/scheduled-maintenances/upcoming.json", v2.StatuspageMaintenancesSchema)
def v2_upcoming_maintenances(slug: str) -> Response:
    """Statuspage v2 upcoming maintenances: the windows still scheduled, soonest first."""
    return v2_response(slug, v2.upcoming_maintenances)


@_route("/scheduled-maintenances/active.json", v2.StatuspageMaintenancesSchema)
def v2_active_maintenances(slug: str) -> Response:
    """Statuspage v2 active maintenances: the windows in progress or being verified."""
    return v2_response(slug, v2.active_maintenances)
