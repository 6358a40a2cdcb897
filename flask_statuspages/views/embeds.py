"""What other sites embed: RSS and Atom feeds, an SVG badge and a live widget script.

Each is a rendering of the page's snapshot (made once per change, answered
with an ``ETag``). Feeds and the widget carry absolute URLs, which depend on
the address the request came in on (unless ``STATUSPAGES_PUBLIC_URL`` fixes
it), so that address is part of their rendering key: an answer made for one
``Host`` is never served to a request for another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import current_app, g, render_template, request, url_for
from marshmallow import fields, validate

from .. import access, badge, feeds, i18n
from ..access import PageRef
from ..errors import not_found
from ..labels import COMPONENT_LABELS, OVERALL_LABELS
from ..links import PageUrls, page_html_urls, public_root
from ..schemas import QuerySchema
from ..snapshot import Snapshot, get_snapshot
from .responses import snapshot_response
from .routing import Routes

routes = Routes(tag="Public")
PUBLIC_LIMIT = "STATUSPAGES_PUBLIC_RATE_LIMIT"
WIDGET_MEDIA_TYPE = "application/javascript"
#: The widget script is the same until our URLs change: shared caches may keep it a while.
WIDGET_CACHE = "public, max-age=300"


class BadgeQuery(QuerySchema):
    component = fields.Str(
        validate=validate.Length(max=64),
        metadata={"description": "A component id: the badge of that component."},
    )
    label = fields.Str(
        validate=validate.Length(min=1, max=badge.MAX_LABEL_LENGTH),
        metadata={
            "description": "The text on the left (default: status, or the component's name)."
        },
    )


# ------------------------------------------------------------------ URLs


def _api_url(endpoint: str, **values: Any) -> str:
    """An absolute URL of one of our API endpoints, below :func:`links.public_root`."""
    path = url_for(f"statuspages.{endpoint}", **values)
    return public_root() + path.removeprefix(request.script_root)


def page_urls(slug: str) -> PageUrls:
    """The page's HTML URL and its incidents' base, for this request's host.

    On a page's custom domain (see :mod:`..domains`) the page is the domain's root.
    """
    root = public_root()
    return page_html_urls(slug, root, root if g.get("statuspages_custom_domain") else None)


def _self_url() -> str:
    return public_root() + request.path


# ------------------------------------------------------------------ feeds


def feed_response(ref: PageRef, kind: feeds.FeedKind) -> Any:
    """The ``kind`` feed of ``ref`` for this request (for routes on other hosts too)."""
    self_url = _self_url()
    urls = page_urls(ref.slug)
    page_url = urls.page
    site_off = current_app.config["STATUSPAGES_SITE_PREFIX"] is None

    def item_url(base: str) -> Callable[[str], str]:
        return lambda item_id: page_url if site_off else base + quote(item_id, safe="")

    incident_url, maintenance_url = item_url(urls.incidents), item_url(urls.maintenances)

    links = feeds.FeedLinks(
        self_url=self_url,
        page_url=page_url,
        incident_url=incident_url,
        maintenance_url=maintenance_url,
    )

    chosen = get_snapshot(ref).data["page"]["locale"]
    locale = i18n.page_locale(chosen)

    def make(snapshot: Snapshot) -> bytes:
        with i18n.rendering_in(locale):
            return feeds.build_feed(snapshot.data, kind, links)

    key = (kind, self_url, page_url, locale)
    response = snapshot_response(ref, key, feeds.MEDIA_TYPES[kind], make)
    if chosen is None:
        response.headers.add("Vary", "Accept-Language")
    return response


@routes.route(
    "/public/<slug>/feed.rss",
    "GET",
    auth=False,
    errors=(304, 401, 404, 429),
    produces=("application/rss+xml",),
    rate_limit=PUBLIC_LIMIT,
)
def feed_rss(slug: str) -> Any:
    """An RSS 2.0 feed of the page's incidents and maintenance, with their updates (50 latest).

    Answers with an ``ETag``; ``If-None-Match`` with it gives 304.
    """
    return feed_response(access.visible_page(slug), "rss")


@routes.route(
    "/public/<slug>/feed.atom",
    "GET",
    auth=False,
    errors=(304, 401, 404, 429),
    produces=("application/atom+xml",),
    rate_limit=PUBLIC_LIMIT,
)
def feed_atom(slug: str) -> Any:
    """An Atom 1.0 feed of the page's incidents and maintenance, with their updates (50 latest).

    Answers with an ``ETag``; ``If-None-Match`` with it gives 304.
    """
    return feed_response(access.visible_page(slug), "atom")


# ------------------------------------------------------------------ badge


def badge_response(ref: PageRef, query: dict[str, Any]) -> Any:
    """The SVG badge of ``ref`` (or of one of its components) for this request."""
    component_id = query.get("component")
    data = get_snapshot(ref).data
    label: str | None = None  # "status", in the badge's language
    if component_id is not None:
        component = next((c for c in data["components"] if c["id"] == component_id), None)
        if component is None:
            raise not_found("Component")
        label = component["name"]
    label = query.get("label") or label
    chosen = data["page"]["locale"]
    locale = i18n.page_locale(chosen)

    def make(snapshot: Snapshot) -> str:
        status = snapshot.data["overall_status"]
        if component_id is not None:
            found = [c for c in snapshot.data["components"] if c["id"] == component_id]
            status = found[0]["status"] if found else "unknown"  # deleted meanwhile
        with i18n.rendering_in(locale):
            return badge.status_badge(label or i18n.gettext("status"), status)

    key = ("badge", component_id, label, locale)
    response = snapshot_response(ref, key, "image/svg+xml", make)
    if chosen is None:
        response.headers.add("Vary", "Accept-Language")
    return response


@routes.route(
    "/public/<slug>/badge.svg",
    "GET",
    auth=False,
    query=BadgeQuery,
    errors=(304, 401, 404, 422, 429),
    produces=("image/svg+xml",),
    rate_limit=PUBLIC_LIMIT,
)
def status_badge(slug: str, query: dict[str, Any]) -> Any:
    """A shields.io-style SVG badge of the overall status (``?component=<id>`` for one).

    ``?label=`` changes the text on the left (64 characters at most).
    """
    return badge_response(access.visible_page(slug), query)


# ----------------------------------------------------------------- widget


def widget_urls(slug: str) -> dict[str, str]:
    """The URLs the widget script talks to, baked into it."""
    urls = page_urls(slug)
    return {
        "json": _api_url("public_page", slug=slug),
        "events": _api_url("events", slug=slug),
        "page": urls.page,
        "incident": urls.incidents,
        "maintenance": urls.maintenances,
    }


def widget_response(ref: PageRef) -> Any:
    """The widget script of ``ref`` for this request, in the page's language (else the
    visitor's)."""
    urls = widget_urls(ref.slug)
    chosen = get_snapshot(ref).data["page"]["locale"]
    locale = i18n.page_locale(chosen)

    def make(snapshot: Snapshot) -> str:
        with i18n.rendering_in(locale):
            script = render_template(
                "statuspages/widget.js",
                urls=urls,
                overall_labels={key: str(label) for key, label in OVERALL_LABELS.items()},
                maintenance_label=str(COMPONENT_LABELS["under_maintenance"]),
            )
        # Indentation is for readers of the template: lines keep their breaks (so
        # JavaScript reads the same), not their leading spaces.
        return "\n".join(line.lstrip() for line in script.splitlines() if line.strip())

    key = ("widget", tuple(sorted(urls.items())), locale)
    response = snapshot_response(ref, key, WIDGET_MEDIA_TYPE, make)
    if not ref.protected:
        response.headers["Cache-Control"] = WIDGET_CACHE
    if chosen is None:
        response.headers.add("Vary", "Accept-Language")
    return response


@routes.route(
    "/public/<slug>/widget.js",
    "GET",
    auth=False,
    errors=(304, 401, 404, 429),
    produces=("application/javascript",),
    rate_limit=PUBLIC_LIMIT,
)
def widget_js(slug: str) -> Any:
    """A script that shows a small live status widget on any site.

    Add ``<script src=".../widget.js" async></script>`` where the widget goes
    (or ``data-target="#id"`` on the tag to fill an element; ``data-theme="dark"``
    for dark sites). It keeps itself current over the page's event stream.
    """
    return widget_response(access.visible_page(slug))
