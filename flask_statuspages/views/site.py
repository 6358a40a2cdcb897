"""The HTML status page for people, at ``{STATUSPAGES_SITE_PREFIX}/<slug>``.

Server-rendered and readable with no JavaScript; a small inline script keeps
it live by re-fetching the page when the event stream says something changed
(so the markup lives in the templates only).

Speed: a page (and each of its incident, maintenance and history pages) is rendered once
per snapshot, under a key naming the variant, and kept with the snapshot;
Jinja runs again only after a change. What differs per answer, the CSP
nonce, is written into the cached bytes in place of a placeholder, random
per process so that no page text can forge it. Forms carry no token: the
browser's ``Sec-Fetch-Site`` and ``Origin`` headers tell a cross-site POST
(see :mod:`..csrf`), so the page is the same for every visitor and sets no
cookie. That check, the size of a form and its encoding are the blueprint's
``before_request`` (:mod:`..intake`, the API's rule too), answered here as pages.

Custom domains: the domain dispatcher sets ``g.statuspages_custom_domain``
and calls these view functions with ``slug=``; every link goes through
:class:`Links`, which then makes root-relative ones, and the mode is part of
every rendering key. The views set all their headers themselves (no
blueprint hook), so answers are the same whichever way they are reached.
"""

from __future__ import annotations

import functools
import math
import re
import secrets
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Flask, Response, current_app, g, render_template, request
from markupsafe import Markup, escape
from marshmallow import EXCLUDE, ValidationError
from werkzeug.exceptions import MethodNotAllowed, NotFound

from .. import access, audience, history, i18n, rules, series
from ..access import PageRef
from ..domain import page_access, subscribers
from ..domain.incidents import incidents_of
from ..domain.maintenances import maintenances_of
from ..errors import ApiError, flatten_messages
from ..i18n import gettext, lazy_gettext, ngettext
from ..intake import FORM, Refusal, guard
from ..labels import (
    COMPONENT_LABELS,
    ENTRY_LABELS,
    INCIDENT_LABELS,
    MAINTENANCE_LABELS,
    OVERALL_LABELS,
    SEVERITY_LABELS,
    status_phrase,
)
from ..links import page_html_urls, public_root
from ..models import Incident, Maintenance, Page, utcnow
from ..ratelimit import RateLimited
from ..rules import MIN_CONTRAST, contrast
from ..schemas import HistoryQuery, SignInInput, SubscriberInput
from ..snapshot import Snapshot, get_snapshot, public_incidents, public_maintenances
from ..state import db_session, get_state
from ..tokens import random_token
from .routing import refuse_nul_in_path

TEMPLATES = "statuspages/site/"
#: Stands in for the CSP nonce in a cached page (see the module docstring).
NONCE_SLOT = f"nonce-{secrets.token_hex(16)}"
#: The JSON routes' rate-limit buckets: a visitor gets each limit once, form and API together.
AUTH_BUCKET = "statuspages.unlock_page"
SUBSCRIBE_BUCKET = "statuspages.subscribe"
#: Longer ids are no incident or maintenance of ours (and would bloat the rendering cache's misses).
MAX_ID_LENGTH = 64
#: How far back ``HistoryQuery`` lets a visitor page (its ``offset`` maximum).
MAX_HISTORY_OFFSET = 240


# ------------------------------------------------------------------ links


@dataclass(frozen=True)
class Links:
    """Every URL the site shows for one page: under the prefixes, or root-relative."""

    site: str
    public: str
    custom_domain: bool

    _SITE = {
        "page": "",
        "history": "/history",
        "auth": "/auth",
        "subscribe": "/subscribe",
        "sign_in": "/sign-in",
        "sign_out": "/sign-out",
    }
    #: name: the path its items' ids are added to
    _ITEMS = {"incident": "/incidents/", "maintenance": "/maintenances/"}
    #: name: (under the API prefix, on a custom domain)
    _PUBLIC = {
        "json": ("", "/api/v2/summary.json"),
        "rss": ("/feed.rss", "/feed.rss"),
        "atom": ("/feed.atom", "/feed.atom"),
        "events": ("/events", "/events"),
    }

    @property
    def mode(self) -> str:
        return "domain" if self.custom_domain else "prefix"

    def __call__(
        self,
        name: str,
        incident_id: str | None = None,
        maintenance_id: str | None = None,
        **query: Any,
    ) -> str:
        if name in self._ITEMS:
            item_id = incident_id if name == "incident" else maintenance_id
            url = f"{self.site}{self._ITEMS[name]}{quote(str(item_id), safe='')}"
        elif name in self._SITE:
            url = self.site + self._SITE[name]
            if self.custom_domain and not url:
                url = "/"
        else:
            url = self.public + self._PUBLIC[name][self.custom_domain]
        return f"{url}?{urlencode(query)}" if query else url


def links_for(slug: str) -> Links:
    if g.get("statuspages_custom_domain"):
        return Links("", "", True)
    config = current_app.config
    return _prefixed_links(
        config["STATUSPAGES_SITE_PREFIX"], config["STATUSPAGES_URL_PREFIX"], slug
    )


@functools.lru_cache(maxsize=1024)
def _prefixed_links(site_prefix: str | None, url_prefix: str, slug: str) -> Links:
    site, api = (site_prefix or "").rstrip("/"), url_prefix.rstrip("/")
    slug = quote(slug, safe="")
    return Links(f"{site}/{slug}", f"{api}/public/{slug}", False)


# ------------------------------------------------------------------ theme

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
LIGHT_SURFACE, DARK_SURFACE = "#ffffff", "#1e293b"
DEFAULT_PRIMARY, DEFAULT_BACKGROUND = "#2563eb", "#f3f4f6"
LIGHT_LINK, DARK_LINK = "#1d4ed8", "#93c5fd"


def text_on(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (always >= 4.58:1)."""
    return (
        "#000000"
        if contrast("#000000", background) >= contrast("#ffffff", background)
        else "#ffffff"
    )


def _color(value: Any) -> str | None:
    return value if isinstance(value, str) and _HEX.fullmatch(value) else None


def _web_url(value: Any) -> str | None:
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else None


def theme_of(theme: dict[str, Any]) -> dict[str, str | None]:
    """The page's branding made safe to show: valid colours only, and every text colour
    readable (an admin's primary colour is a link colour only where it contrasts enough)."""
    primary = _color(theme.get("primary_color")) or DEFAULT_PRIMARY
    background = _color(theme.get("background_color")) or DEFAULT_BACKGROUND
    scheme = theme.get("color_scheme")
    return {
        "scheme": scheme if scheme in ("light", "dark") else "auto",
        "primary": primary,
        "on_primary": text_on(primary),
        "background": background,
        "on_background": text_on(background),
        "link_light": primary if contrast(primary, LIGHT_SURFACE) >= MIN_CONTRAST else LIGHT_LINK,
        "link_dark": primary if contrast(primary, DARK_SURFACE) >= MIN_CONTRAST else DARK_LINK,
        "logo_url": _web_url(theme.get("logo_url")),
        "favicon_url": _web_url(theme.get("favicon_url")),
    }


def brand_of(page: Page | None) -> dict[str, Any] | None:
    """What a visitor page (verification, unsubscribe, sign-in link) shows of ``page``:
    its name, logo or monogram, colours and the way back to it."""
    if page is None:
        return None
    domain = public_root() if g.get("statuspages_custom_domain") else None
    return {
        "name": page.name,
        "url": page_html_urls(page.slug, public_root(), domain).page,
        "theme": theme_of(page.theme or {}),
        "monogram": monogram(page.name),
    }


# ---------------------------------------------------------------- wording

#: How the page writes a moment, a day and parts of a day span, by locale (CLDR
#: patterns; English keeps the page's own ``2 Mar 2026, 14:05``); other locales
#: take the first entry's neighbour: their ``medium`` forms.
_FORMS = {
    "en": {"moment": "d MMM y, HH:mm", "day": "d MMM y", "day_month": "d MMM", "d": "d"},
    "de": {"moment": "d. MMM y, HH:mm", "day": "d. MMM y", "day_month": "d. MMM", "d": "d."},
}
_OTHER_FORMS = {"moment": "medium", "day": "medium", "day_month": "MMMd", "d": "d"}


def _form(name: str) -> str:
    return _FORMS.get(i18n.current_locale(), _OTHER_FORMS)[name]


def _parse(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ")


def when(value: str | datetime | None, zone: str = "UTC") -> str:
    """``2 Mar 2026, 14:05 UTC``, or in the page's ``zone``: ``2 Mar 2026, 15:05 CET``;
    in the locale rendered in (``2. März 2026, 15:05 CET`` in German).

    A zone that cannot be loaded (stored by hand, say) shows UTC.
    """
    if value is None:
        return ""
    zone = zone if zone == "UTC" or rules.is_time_zone(zone) else "UTC"
    return i18n.format_moment(_parse(value), zone, _form("moment"))


def day_label(day: date) -> str:
    return i18n.format_day(day, _form("day"))


def month_label(day: date) -> str:
    return i18n.format_day(day, "LLLL y")


def percent(ratio: float | None) -> str:
    """Uptime with two decimals everywhere, so figures line up (``100.00%``, ``99.50%``).

    Rounded down, so a day with any downtime never shows 100.00%.
    """
    if ratio is None:
        return gettext("no data")
    # round() first: 0.57 * 10000 is 5699.999... in binary floating point.
    figure = math.floor(round(min(ratio, 1) * 10000, 6)) / 100
    return gettext("%(figure)s%%", figure=i18n.format_decimal(figure, "0.00"))


def since_label(moment: datetime, today: date | None = None) -> str:
    """``since 3 Dec`` (with the year when it is not this one)."""
    today = today or utcnow().date()
    form = _form("day_month") if moment.year == today.year else _form("day")
    return gettext("since %(day)s", day=i18n.format_day(moment, form))


def uptime_caption(component: dict[str, Any]) -> str:
    """What a bar's uptime figure says: ``99.95% uptime``, ``99.95% uptime since 3 Dec``
    for a component younger than the bar, or ``No data yet`` below the minimum span."""
    if component["uptime_ratio"] is None:
        return gettext("No data yet")
    since = component["uptime_since"]
    figure = gettext("%(figure)s uptime", figure=percent(component["uptime_ratio"]))
    return f"{figure} {since_label(since)}" if since else figure


def day_span(first: date, last: date) -> str:
    """Days from ``first`` to ``last``, as short as reads well: ``4 Sep 2026``,
    ``4 – 9 Sep 2026``, ``4 Sep – 12 Oct 2026``, ``28 Dec 2025 – 3 Jan 2026``."""
    if first == last:
        return day_label(first)
    if first.year != last.year:
        start = day_label(first)
    elif first.month != last.month:
        start = i18n.format_day(first, _form("day_month"))
    else:
        start = i18n.format_day(first, _form("d"))
    return f"{start} – {day_label(last)}"


@dataclass(frozen=True)
class BarRun:
    """Consecutive days of an uptime bar that read the same: drawn as one stretch
    of day bars, told once (a 90-day bar is a handful of runs, not 90 elements)."""

    #: Index of its first day in the bar, and how many days it spans.
    start: int
    days: int
    #: The worst status of its days (``None``: no data), which sets its colour.
    worst: str | None
    text: str


def bar_runs(days: Sequence[rules.UptimeDay]) -> list[BarRun]:
    """A component's days, oldest first, as runs of days with the same status and uptime."""
    readings = [_day_reading(day) for day in days]
    runs: list[BarRun] = []
    start = 0
    for end, reading in enumerate(readings, 1):
        if end < len(readings) and readings[end] == reading:
            continue
        first, last = days[start], days[end - 1]
        text = f"{day_span(first.day, last.day)}: {reading}"
        runs.append(BarRun(start, end - start, last.worst, text))
        start = end
    return runs


def _day_reading(day: rules.UptimeDay) -> str:
    if day.worst is None:
        return gettext("no data")
    status = status_phrase(day.worst)
    if day.uptime is None:  # a component too young for any figure
        return gettext("%(status)s, no uptime figure yet", status=status)
    return gettext("%(figure)s uptime, %(status)s", figure=percent(day.uptime), status=status)


@dataclass(frozen=True)
class MetricChart:
    """What the page shows of one metric: its chart's shapes and its figures as text."""

    geometry: series.ChartGeometry
    latest: str
    mean: str
    min: str
    max: str
    count: int
    #: The chart's vertical range as text (``None`` when the metric hides its axis).
    top: str | None
    bottom: str | None

    @property
    def summary(self) -> str:
        """The chart told in words (its ``<desc>``)."""
        if not self.count:
            return gettext("No data in this period.")
        count = i18n.format_number(self.count)
        readings = ngettext("%(count)s reading", "%(count)s readings", self.count, count=count)
        return gettext(
            "latest %(latest)s, mean %(mean)s, min %(min)s, max %(max)s, from %(readings)s.",
            latest=self.latest,
            mean=self.mean,
            min=self.min,
            max=self.max,
            readings=readings,
        )


def metric_chart(metric: dict[str, Any], view: dict[str, Any]) -> MetricChart:
    """The chart of ``metric`` (a metric of ``view``, see :func:`..snapshot.metrics_of`)."""
    period = series.PERIODS[view["period"]]
    buckets = metric["buckets"]
    low, high = series.y_range(buckets, metric["y_axis_min"], metric["y_axis_max"])
    geometry = series.chart(buckets, view["window"][0], period, low, high)
    places, suffix = metric["decimal_places"], metric["suffix"]
    summary = metric["summary"]
    latest = summary["latest"]

    def shown(value: float | None) -> str:
        return series.format_value(value, places, suffix)

    hidden = metric["y_axis_hidden"] or not summary["count"]
    return MetricChart(
        geometry,
        shown(latest["value"] if latest else None),
        shown(summary["mean"]),
        shown(summary["min"]),
        shown(summary["max"]),
        summary["count"],
        None if hidden else shown(high),
        None if hidden else shown(low),
    )


#: The colour of each overall status in the default favicon (the light scheme's,
#: which reads on light and dark browser tabs alike).
FAVICON_COLORS = {
    "operational": "#15803d",
    "under_maintenance": "#1d4ed8",
    "degraded_performance": "#a16207",
    "partial_outage": "#c2410c",
    "major_outage": "#b91c1c",
}


def favicon(status: str) -> str:
    """The default favicon, a dot in the colour of ``status``, as a ``data:`` URL."""
    color = FAVICON_COLORS.get(status, FAVICON_COLORS["major_outage"])
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'>"
        f"<circle cx='8' cy='8' r='7' fill='{color}'/></svg>"
    )
    return "data:image/svg+xml," + quote(svg, safe="/:=' ")


def markup_text(string: str, **variables: Any) -> Markup:
    """``string`` translated, with markup put in its placeholders (a ``<time>``, say):
    the text is escaped, and so is every value that is not already markup."""
    return Markup(escape(gettext(string))) % variables


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
#: Spaces CSS does not need: after ``:`` ``;`` ``,`` and around ``{`` ``}`` ``>``.
_CSS_SPACE = re.compile(r"\s*([{};>])\s*|(?<=[:,])\s+")


def compact(text: str, language: str = "css") -> Markup:
    """The page's inline style or script without indentation, blank lines and
    comment-only lines (its weight; done once per rendering, which is cached)."""
    if language == "css":
        text = _CSS_SPACE.sub(r"\1", _CSS_COMMENT.sub("", text))
    lines = (line.strip() for line in text.splitlines())
    return Markup("\n".join(line for line in lines if line and not line.startswith("//")))


def monogram(name: str) -> str:
    """The initials of a page without a logo: of its first two words (``AS``)."""
    letters = [word[0] for word in name.split() if word[:1].isalnum()]
    return "".join(letters[:2]).upper() or name[:1].upper()


HELPERS: dict[str, Any] = {
    "favicon": favicon,
    "favicon_colors": FAVICON_COLORS,
    "monogram": monogram,
    "compact": compact,
    # _sp with markup in its placeholders (the site's templates only).
    "_spm": markup_text,
    "current_locale": i18n.current_locale,
    "metric_chart": metric_chart,
    "status_label": COMPONENT_LABELS.get,
    "status_phrase": status_phrase,
    "overall_label": OVERALL_LABELS.get,
    "incident_label": INCIDENT_LABELS.get,
    "severity_label": SEVERITY_LABELS.get,
    "maintenance_label": MAINTENANCE_LABELS.get,
    "entry_label": ENTRY_LABELS.get,
    "when": when,
    "month_label": month_label,
    "percent": percent,
    "uptime_caption": uptime_caption,
    "since_label": since_label,
    "bar_runs": bar_runs,
    "statuses": tuple(COMPONENT_LABELS),
}


# -------------------------------------------------------------- rendering


def _render(template: str, links: Links | None, **context: Any) -> str:
    context.setdefault("theme", theme_of({}))
    return render_template(
        TEMPLATES + template,
        links=links,
        nonce=NONCE_SLOT,
        **{**HELPERS, **context},
    )


def _page_context(snapshot: Snapshot) -> dict[str, Any]:
    page = snapshot.data["page"]
    return {
        "page": page,
        # The live script compares it with the stream's first state (a change may
        # come between serving the page and connecting).
        "version": snapshot.ref.version,
        "theme": theme_of(page["theme"]),
        # The default favicon's colour (on the pages a visitor may see: those ``live``).
        "overall_status": snapshot.data["overall_status"],
        # Times in the page's zone (the live script adds the visitor's own on hover).
        "when": functools.partial(when, zone=page["time_zone"]),
        # Maintenance windows name the components they affect (deleted ones drop out).
        "component_names": {c["id"]: c["name"] for c in snapshot.data["components"]},
    }


_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'nonce-{nonce}'",
        "style-src 'nonce-{nonce}'",
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'self'",
    )
)
#: Every HTML answer carries its own CSP nonce, so no cache may hand it to another visitor.
_HTML_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cache-Control", "private, no-cache"),
    ("Vary", "Cookie"),
)
#: The same for an answer in the visitor's language (a page with no ``locale`` of its own).
_NEGOTIATED_HEADERS = (*_HTML_HEADERS[:-1], ("Vary", "Cookie, Accept-Language"))


#: The CSP of a page with an analytics id (``ga_tracking``): Google's analytics hosts
#: added to the scripts and connections it allows, and nothing else.
_CSP_ANALYTICS = _CSP.replace(
    "script-src 'nonce-{nonce}'", f"script-src 'nonce-{{nonce}}' {rules.GA_SCRIPT_HOST}"
).replace("connect-src 'self'", "connect-src 'self' " + " ".join(rules.GA_CONNECT_HOSTS))


def _security_headers(
    nonce: str, analytics: bool = False, negotiated: bool = True
) -> list[tuple[str, str]]:
    """The headers of every HTML answer, built in one go (this is per request);
    ``negotiated``: its language followed the visitor's ``Accept-Language``."""
    csp = (_CSP_ANALYTICS if analytics else _CSP).format(nonce=nonce)
    return [
        ("Content-Security-Policy", csp),
        *(_NEGOTIATED_HEADERS if negotiated else _HTML_HEADERS),
    ]


_NONCE = NONCE_SLOT.encode()
_HTML_TYPE = ("Content-Type", "text/html; charset=utf-8")
#: Pieces of a page up to this size (bytes) are copied into one write with the
#: nonces between them; a bigger piece goes out as it is, in a write of its own.
#: The server writes each item of a body with its own system call, which costs
#: less than copying a big piece, and more than copying a small one.
_COPY_LIMIT = 64 * 1024


@functools.lru_cache(maxsize=256)
def _pieces(body: bytes) -> tuple[tuple[bytes, ...], int, int]:
    """``body`` cut at its nonce slots, their total length and the largest's,
    once per rendering (bytes keep their hash)."""
    pieces = tuple(body.split(_NONCE))
    lengths = [len(piece) for piece in pieces]
    return pieces, sum(lengths), max(lengths)


def _chunks(pieces: tuple[bytes, ...], slot: bytes) -> list[bytes]:
    """The pieces with ``slot`` between them, small neighbours joined, big pieces as they are."""
    chunks: list[bytes] = []
    pending: list[bytes] = []
    for index, piece in enumerate(pieces):
        if index:
            pending.append(slot)
        if len(piece) <= _COPY_LIMIT:
            pending.append(piece)
            continue
        if pending:
            chunks.append(b"".join(pending))
            pending = []
        chunks.append(piece)
    if pending:
        chunks.append(b"".join(pending))
    return chunks


def _answer(
    body: bytes | str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    analytics: bool = False,
    negotiated: bool = True,
) -> Response:
    """An HTML answer: a fresh CSP nonce in its slots, the security headers set.

    The cached page is not searched per answer: it is cut at its slots once,
    and the nonce goes between the pieces, in one write unless a piece is too
    big to copy (:data:`_COPY_LIMIT`).
    """
    pieces, length, largest = _pieces(body.encode() if isinstance(body, str) else body)
    nonce = random_token(18)
    slot = nonce.encode()
    length += len(slot) * (len(pieces) - 1)
    # Content-Type first in the list: werkzeug then looks no further for it.
    all_headers = [_HTML_TYPE, *_security_headers(nonce, analytics, negotiated)]
    payload: bytes | list[bytes]
    if largest <= _COPY_LIMIT:
        payload = slot.join(pieces)  # werkzeug sets its Content-Length
    else:
        payload = _chunks(pieces, slot)
        all_headers.append(("Content-Length", str(length)))
    if headers:
        all_headers.extend(headers.items())
    return Response(payload, status=status, headers=all_headers)


def _cached(
    ref: PageRef, key: tuple[Hashable, ...], make: Callable[[Snapshot], str], status: int = 200
) -> Response:
    """The rendering ``key`` of the page's current snapshot in its language, made once,
    filled per visitor."""
    snapshot = get_snapshot(ref)
    locale = _locale(snapshot)

    def make_in_locale(snapshot: Snapshot) -> str:
        with i18n.rendering_in(locale):
            return make(snapshot)

    body = snapshot.render(("html", *key, locale), make_in_locale).body
    return _page_answer(snapshot, body, status)


def _locale(snapshot: Snapshot) -> str:
    """The language of the page's answers: its own, else the visitor's."""
    return i18n.page_locale(snapshot.data["page"]["locale"])


def _page_answer(snapshot: Snapshot, body: bytes | str, status: int) -> Response:
    page = snapshot.data["page"]
    negotiated = page["locale"] is None
    return _answer(body, status, analytics=_analytics(snapshot), negotiated=negotiated)


def _analytics(snapshot: Snapshot) -> bool:
    """Whether the page's HTML loads an analytics script (its CSP then allows it)."""
    return snapshot.data["page"]["ga_tracking"] is not None


def _redirect(location: str) -> Response:
    headers = [("Location", location), *_security_headers(random_token(18))]
    return Response(status=303, headers=headers)


def error_page(
    status: int, title: Any, message: Any, back: str | None = None, **headers: str
) -> Response:
    """A plain page for what went wrong, in the visitor's language (``title`` and
    ``message`` lazy strings); it names no page, so a 404 tells nothing."""
    with i18n.rendering_in(i18n.visitor_locale()):
        html = _render(
            "error.html", None, status=status, title=str(title), message=str(message), back=back
        )
    return _answer(html, status, headers)


def _not_found() -> Response:
    return error_page(
        404,
        lazy_gettext("Page not found"),
        lazy_gettext("There is no status page at this address."),
    )


def _too_many(error: RateLimited) -> Response:
    wait = error.retry_after
    message = lazy_gettext(
        "Too many attempts from your address. Try again in %(wait)s seconds.", wait=wait
    )
    title = lazy_gettext("Too many attempts")
    return error_page(429, title, message, **{"Retry-After": str(wait)})


# ------------------------------------------------------------- visibility


def _gate(slug: str) -> PageRef | Response:
    """The page if this visitor may see it; else the answer they get instead."""
    ref = access.page_ref(slug)
    if ref is None or not access.reachable(ref):
        return _not_found()
    secure = _to_https(ref)
    if secure is not None:
        return secure
    access.keep_from_search_engines(ref)
    if ref.password_hash is not None and not access.has_session(ref):
        return _locked(ref, links_for(slug))
    if ref.audience_only and access.current_viewer(ref) is None:
        return _sign_in_form(ref, links_for(slug))
    return ref


def _to_https(ref: PageRef) -> Response | None:
    """A 308 to the same URL over https, when the page asks for it (``redirect_to_https``)
    and the request came over plain http: 308 keeps a form's POST a POST."""
    location = access.https_url(ref)
    if location is None:
        return None
    return Response(status=308, headers=[("Location", location), *_HTML_HEADERS])


def _sign_in_form(ref: PageRef, links: Links, sent: bool = False, status: int = 401) -> Response:
    """An audience page's face for visitors not signed in: an email field, nothing else
    of the page but its name (rendered from what nobody-in-particular sees)."""

    def make(snapshot: Snapshot) -> str:
        return _render("sign_in.html", links, sent=sent, **_page_context(snapshot))

    return _cached(ref, ("sign-in", links.mode, sent), make, status=status)


def _locked(ref: PageRef, links: Links, wrong: bool = False) -> Response:
    def make(snapshot: Snapshot) -> str:
        return _render("locked.html", links, wrong=wrong, **_page_context(snapshot))

    return _cached(ref, ("locked", links.mode, wrong), make, status=401)


def _limit_auth() -> None:
    """Raises ``RateLimited`` past ``STATUSPAGES_AUTH_RATE_LIMIT`` (shared with the API)."""
    get_state().rate_limits.hit("STATUSPAGES_AUTH_RATE_LIMIT", AUTH_BUCKET)


def _limit_subscribe() -> None:
    """Raises ``RateLimited`` past ``STATUSPAGES_SUBSCRIBE_RATE_LIMIT`` (shared with the API)."""
    get_state().rate_limits.hit("STATUSPAGES_SUBSCRIBE_RATE_LIMIT", SUBSCRIBE_BUCKET)


# ------------------------------------------------------------------ views


def status_page(slug: str) -> Response:
    """The status page: overall status, incidents, components with uptime, subscribe form."""
    ref = _gate(slug)
    if isinstance(ref, Response):
        return ref
    links = links_for(slug)

    def make(snapshot: Snapshot) -> str:
        data = snapshot.data
        return _render(
            "page.html",
            links,
            overall=data["overall_status"],
            groups=data["groups"],
            components=data["components"],
            active_incidents=data["active_incidents"],
            active_maintenances=data["active_maintenances"],
            upcoming_maintenances=data["upcoming_maintenances"],
            recent_incidents=data["recent_incidents"],
            metrics=data["metrics"],
            live=True,
            **_page_context(snapshot),
        )

    return _cached(ref, ("page", links.mode), make)


def _find_incident(snapshot: Snapshot, incident_id: str) -> dict[str, Any]:
    """The incident from the snapshot when it is recent, else from the database."""
    data = snapshot.data
    for incident in (*data["active_incidents"], *data["latest_incidents"]):
        if incident["id"] == incident_id:
            return incident  # type: ignore[no-any-return]
    row = db_session().scalar(incidents_of(snapshot.ref.id).where(Incident.id == incident_id))
    if row is None:
        raise LookupError(incident_id)
    found = audience.visible_item(public_incidents([row])[0], access.viewer_for(snapshot.ref))
    if found is None:
        raise LookupError(incident_id)
    return found


def incident_page(slug: str, incident_id: str) -> Response:
    """One incident with its whole timeline."""
    ref = _gate(slug)
    if isinstance(ref, Response):
        return ref
    if len(incident_id) > MAX_ID_LENGTH:
        return _not_found()
    links = links_for(slug)

    def make(snapshot: Snapshot) -> str:
        incident = _find_incident(snapshot, incident_id)
        return _render(
            "incident.html", links, incident=incident, live=True, **_page_context(snapshot)
        )

    try:  # a missing incident raises in make, so nothing is cached for it
        return _cached(ref, ("incident", links.mode, incident_id), make)
    except LookupError:
        return _not_found()


def _find_maintenance(snapshot: Snapshot, maintenance_id: str) -> dict[str, Any]:
    """The window from the snapshot when it is open, upcoming or recent, else from the database."""
    data = snapshot.data
    for key in ("active_maintenances", "upcoming_maintenances", "latest_maintenances"):
        for maintenance in data[key]:
            if maintenance["id"] == maintenance_id:
                return maintenance  # type: ignore[no-any-return]
    row = db_session().scalar(
        maintenances_of(snapshot.ref.id).where(Maintenance.id == maintenance_id)
    )
    if row is None:
        raise LookupError(maintenance_id)
    found = audience.visible_item(public_maintenances([row])[0], access.viewer_for(snapshot.ref))
    if found is None:
        raise LookupError(maintenance_id)
    return found


def maintenance_page(slug: str, maintenance_id: str) -> Response:
    """One maintenance window with its whole timeline."""
    ref = _gate(slug)
    if isinstance(ref, Response):
        return ref
    if len(maintenance_id) > MAX_ID_LENGTH:
        return _not_found()
    links = links_for(slug)

    def make(snapshot: Snapshot) -> str:
        maintenance = _find_maintenance(snapshot, maintenance_id)
        return _render(
            "maintenance.html",
            links,
            maintenance=maintenance,
            live=True,
            **_page_context(snapshot),
        )

    try:  # a missing window raises in make, so nothing is cached for it
        return _cached(ref, ("maintenance", links.mode, maintenance_id), make)
    except LookupError:
        return _not_found()


def _history_months(ref: PageRef, months: int, offset: int) -> list[dict[str, Any]]:
    """Each month's incidents and completed maintenance windows, as this visitor sees them."""
    incidents = history.months_of_incidents(ref.id, months, offset)
    windows = history.months_of_maintenances(ref.id, months, offset)
    found = [
        {
            "month": found["month"],
            "incidents": public_incidents(found["incidents"]),
            "maintenances": public_maintenances(done["maintenances"]),
        }
        for found, done in zip(incidents, windows, strict=True)
    ]
    return audience.filter_months(found, access.viewer_for(ref))


def history_page(slug: str) -> Response:
    """Past incidents and maintenance by month (``?months=3&offset=0``), with more links."""
    ref = _gate(slug)
    if isinstance(ref, Response):
        return ref
    links = links_for(slug)
    try:
        query = HistoryQuery(unknown=EXCLUDE).load(request.args.to_dict())
    except ValidationError:
        message = lazy_gettext("Show 1 to 24 months at a time, at most 240 months back.")
        title = lazy_gettext("No such history page")
        return error_page(400, title, message, back=links("history"))
    months, offset = query["months"], query["offset"]

    def make(snapshot: Snapshot) -> str:
        return _render(
            "history.html",
            links,
            months=_history_months(ref, months, offset),
            newer=links("history", months=months, offset=max(0, offset - months))
            if offset
            else None,
            older=links("history", months=months, offset=offset + months)
            if offset + months <= MAX_HISTORY_OFFSET
            else None,
            live=True,
            **_page_context(snapshot),
        )

    return _cached(ref, ("history", links.mode, months, offset), make)


def unlock_page(slug: str) -> Response:
    """The password form's target: a page-session cookie, then back to the page."""
    ref = access.page_ref(slug)
    if ref is None or not access.reachable(ref):
        return _not_found()
    secure = _to_https(ref)
    if secure is not None:  # never a password over plain http
        return secure
    access.keep_from_search_engines(ref)
    links = links_for(slug)
    if ref.password_hash is None:  # nothing to unlock (any more)
        return _redirect(links("page"))
    try:
        _limit_auth()
    except RateLimited as error:
        return _too_many(error)
    try:
        token = access.unlock(ref, request.form.get("password", ""))
    except ApiError:
        return _locked(ref, links, wrong=True)
    response = _redirect(links("page"))
    access.set_session_cookie(response, ref, token)
    return response


def sign_in(slug: str) -> Response:
    """The sign-in form's target: a link by email (to page access users only), then
    the same "check your inbox" page whatever the address."""
    ref = access.page_ref(slug)
    if ref is None or not access.reachable(ref) or not ref.audience_only:
        return _not_found()
    access.keep_from_search_engines(ref)
    links = links_for(slug)
    try:
        _limit_auth()
    except RateLimited as error:
        return _too_many(error)
    try:
        email = SignInInput().load({"email": request.form.get("email", "")})["email"]
    except ValidationError:
        return _sign_in_form(ref, links, status=422)
    # On the page's custom domain, the link leads there (a cookie is for its own host).
    domain_root = request.host_url.rstrip("/") if links.custom_domain else None
    page_url = (domain_root or public_root()) + links("page")
    page_access.request_sign_in(ref, email, page_url, domain_root)
    return _sign_in_form(ref, links, sent=True, status=202)


def sign_out(slug: str) -> Response:
    """The sign-out button's target: the viewer's cookie removed, back to the page."""
    ref = access.page_ref(slug)
    if ref is None or not access.reachable(ref):
        return _not_found()
    response = _redirect(links_for(slug)("page"))
    access.clear_viewer_cookie(response, ref)
    return response


def _subscriber_input() -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The form's subscription (an email address, or a webhook URL where the page takes
    them), or the errors to show beside its fields."""
    form = request.form
    data: dict[str, Any] = {
        field: form.get(field, "").strip()
        for field in ("email", "webhook_url")
        if form.get(field, "").strip()
    }
    if not data:
        return {}, {"email": [gettext("Enter your email address.")]}
    chosen = form.getlist("component_ids")
    if chosen:
        data["component_ids"] = chosen
    try:
        return SubscriberInput().load(data), {}
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return {}, flatten_messages(messages)


def _takes_email(page: dict[str, Any]) -> bool:
    """Whether the page's subscribe form is offered (it always takes email; a webhook
    URL too where the page allows them)."""
    return bool(page["subscriptions_enabled"] and page["allow_email_subscribers"])


def _subscribe_form(
    snapshot: Snapshot, links: Links, errors: dict[str, list[str]] | None = None
) -> str:
    """The subscribe page: the form alone (``errors``: with what the visitor sent)."""
    form = request.form if errors else {}
    return _render(
        "subscribe.html",
        links,
        errors=errors or {},
        email=form.get("email", ""),
        webhook_url=form.get("webhook_url", ""),
        chosen=set(request.form.getlist("component_ids")) if errors else set(),
        components=snapshot.data["components"],
        **_page_context(snapshot),
    )


def subscribe_page(slug: str) -> Response:
    """The subscribe form on a page of its own: where the page's "Subscribe to updates"
    button leads without JavaScript (with it, the form opens in a dialog)."""
    ref = _gate(slug)
    if isinstance(ref, Response):
        return ref
    if not _takes_email(get_snapshot(ref).data["page"]):
        return _not_found()
    links = links_for(slug)
    return _cached(ref, ("subscribe", links.mode), lambda s: _subscribe_form(s, links))


def subscribe(slug: str) -> Response:
    """The subscribe form's target: 202 "check your inbox", or 422 with the form again."""
    ref = _gate(slug)
    if isinstance(ref, Response):
        return ref
    snapshot = get_snapshot(ref)
    if not _takes_email(snapshot.data["page"]):
        return _not_found()
    links = links_for(slug)
    try:
        _limit_subscribe()
    except RateLimited as error:
        return _too_many(error)
    with i18n.rendering_in(_locale(snapshot)):
        body, errors = _subscriber_input()
        if not errors:
            try:
                body = audience.subscription_for(body, access.viewer_for(ref))
                subscribers.subscribe_publicly(access.load_page(ref), body)
            except ApiError as error:
                if error.status != 422:
                    title = lazy_gettext("Could not subscribe")
                    return error_page(error.status, title, error.message)
                errors = error.fields or {"_schema": [error.message]}
        if errors:
            return _page_answer(snapshot, _subscribe_form(snapshot, links, errors), 422)
        webhook = "webhook_url" in body
        html = _render("subscribed.html", links, webhook=webhook, **_page_context(snapshot))
    return _page_answer(snapshot, html, 202)


# -------------------------------------------------------------- blueprint


def html_routing_errors(prefix: str) -> Callable[[], Response | None]:
    """404 and 405 under the site prefix answered as our HTML pages (routing errors
    never reach a blueprint's handlers); the host's other routes are left alone."""

    def hook() -> Response | None:
        error = request.routing_exception
        if not isinstance(error, (NotFound, MethodNotAllowed)):
            return None
        if request.path != prefix and not request.path.startswith(prefix + "/"):
            return None
        if isinstance(error, MethodNotAllowed):
            allow = ", ".join(error.valid_methods or ())
            return error_page(
                405,
                lazy_gettext("Not allowed"),
                lazy_gettext("This address does not take that request."),
                Allow=allow,
            )
        return _not_found()

    return hook


#: What a refused request is told (:mod:`..intake`), by status: a title and a message.
_REFUSALS = {
    400: (
        lazy_gettext("Bad address"),
        lazy_gettext("This address has characters that cannot be read."),
    ),
    403: (
        lazy_gettext("Please try again"),
        lazy_gettext("The form did not come from this site. Reload the page and try again."),
    ),
    413: (
        lazy_gettext("Too much data"),
        lazy_gettext("The form sent more data than it can hold."),
    ),
    415: (
        lazy_gettext("Please try again"),
        lazy_gettext("The form was sent in a way this site does not take."),
    ),
}


def _intake(app: Flask) -> Callable[[], Response | None]:
    """The blueprint's ``before_request``: ``intake.guard`` (forms are urlencoded), as pages."""
    check = guard(app, lambda: (FORM,))

    def refuse() -> Response | None:
        refusal = check()
        return None if refusal is None else _refusal_page(refusal)

    return refuse


def _refusal_page(refusal: Refusal) -> Response:
    title, message = _REFUSALS.get(
        refusal.status, (lazy_gettext("Please try again"), refusal.message)
    )
    slug = (request.view_args or {}).get("slug")
    back = links_for(slug)("page") if slug is not None else None
    return error_page(refusal.status, title, message, back=back)


def create_site_blueprint(app: Flask) -> Blueprint:
    prefix = (app.config["STATUSPAGES_SITE_PREFIX"] or "").rstrip("/")
    bp = Blueprint(
        "statuspages_site",
        "flask_statuspages",
        url_prefix=prefix or None,
        template_folder="templates",
    )
    for rule, view, methods in (
        ("/<slug>", status_page, ["GET"]),
        ("/<slug>/incidents/<incident_id>", incident_page, ["GET"]),
        ("/<slug>/maintenances/<maintenance_id>", maintenance_page, ["GET"]),
        ("/<slug>/history", history_page, ["GET"]),
        ("/<slug>/auth", unlock_page, ["POST"]),
        ("/<slug>/sign-in", sign_in, ["POST"]),
        ("/<slug>/sign-out", sign_out, ["POST"]),
        ("/<slug>/subscribe", subscribe_page, ["GET"]),
        ("/<slug>/subscribe", subscribe, ["POST"]),
    ):
        bp.add_url_rule(rule, view.__name__, view, methods=methods, strict_slashes=False)
    bp.url_value_preprocessor(refuse_nul_in_path)
    bp.before_request(_intake(app))
    return bp
