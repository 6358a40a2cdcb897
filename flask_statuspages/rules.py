"""Pure domain rules: no Flask, no database, no request.

Where is the overall status computed? Here, and only here.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Component statuses, best to worst. The order is the roll-up order.
COMPONENT_STATUSES = (
    "operational",
    "under_maintenance",
    "degraded_performance",
    "partial_outage",
    "major_outage",
)
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
SEVERITIES = ("none", "minor", "major", "critical")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
SUBSCRIBER_STATES = ("pending", "verified", "quarantined")
DELIVERY_STATUSES = ("pending", "sent", "failed")

#: What an unresolved incident of a severity does to the overall status.
SEVERITY_TO_STATUS = {
    "critical": "major_outage",
    "major": "partial_outage",
    "minor": "degraded_performance",
}

_RANK = {status: rank for rank, status in enumerate(COMPONENT_STATUSES)}

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 100
_SLUG_BASE_LENGTH = 80
#: Latin letters that Unicode does not decompose into ASCII ones.
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th", "ð": "d"}
)


def worst_status(statuses: Iterable[str]) -> str:
    """The worst of ``statuses``; ``operational`` for none at all. A value that is no
    status (stored by hand, say) counts for nothing."""
    return max((s for s in statuses if s in _RANK), key=_RANK.__getitem__, default="operational")


def overall_status(component_statuses: Iterable[str], unresolved_severities: Iterable[str]) -> str:
    """Roll every component status and unresolved incident severity into one status."""
    from_incidents = (
        SEVERITY_TO_STATUS[s] for s in unresolved_severities if s in SEVERITY_TO_STATUS
    )
    return worst_status([*component_statuses, *from_incidents])


def slugify(text: str) -> str:
    """A URL-friendly slug of ``text``: lowercase ASCII letters, digits and hyphens."""
    text = text.lower().translate(_LETTERS_WITHOUT_DECOMPOSITION)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:_SLUG_BASE_LENGTH].rstrip("-") or "page"


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone :mod:`zoneinfo` can load."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def next_free_slug(base: str, taken: Iterable[str]) -> str:
    """The first of ``base``, ``base-2``, ``base-3``, ... that is not in ``taken``."""
    taken = set(taken)
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


# ------------------------------------------------------------ ordering

#: How many ids an error message names before it says "and N more".
_NAMED_IDS = 5


def _named(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_NAMED_IDS])
    more = len(ids) - _NAMED_IDS
    return f"{shown} and {more} more" if more > 0 else shown


def id_list_problems(given: Sequence[str], known: Iterable[str], *, complete: bool) -> list[str]:
    """What is wrong with ``given`` as a list of ``known`` ids: ids listed twice, ids
    not known, and (when ``complete``: a new order of all of them) known ids left out.
    Empty when nothing is."""
    known = set(known)
    counts = Counter(given)
    twice = [i for i, n in counts.items() if n > 1]
    unknown = [i for i in counts if i not in known]
    problems = []
    if twice:
        problems.append(f"Listed more than once: {_named(twice)}.")
    if unknown:
        problems.append(f"Not on this page: {_named(unknown)}.")
    missing = sorted(known - counts.keys()) if complete else []
    if missing:
        problems.append(f"Missing (list every one, in the new order): {_named(missing)}.")
    return problems


def resolved_at_after(
    old_status: str | None,
    new_status: str,
    old_resolved_at: datetime | None,
    now: datetime,
) -> datetime | None:
    """``resolved_at`` once an incident moves from ``old_status`` to ``new_status``."""
    if new_status != "resolved":
        return None
    if old_status == "resolved" and old_resolved_at is not None:
        return old_resolved_at
    return now


def retry_delay(attempt: int, base: float, jitter: float) -> float:
    """Seconds before retry number ``attempt`` (1 = the first retry): exponential
    backoff, scaled by ``jitter`` (drawn in 0.8..1.2) so retries do not stampede."""
    return base * 2 ** (attempt - 1) * jitter


# ------------------------------------------------------------ visibility


def hidden(is_public: bool, enabled: bool) -> bool:
    """A private or disabled page is hidden from every public route."""
    return not (is_public and enabled)


#: Who sees a page: anyone, nobody, visitors with its password, or its page access users.
VISIBILITIES = ("public", "private", "password", "audience")


def visibility(is_public: bool, has_password: bool, audience_only: bool) -> str:
    """The page's ``visibility``, from the columns it is kept in."""
    if not is_public:
        return "private"
    if audience_only:
        return "audience"
    return "password" if has_password else "public"


def visibility_columns(data: dict[str, Any], has_password: bool) -> dict[str, Any]:
    """``data`` (a page write) with its ``visibility`` turned into ``is_public``,
    ``audience_only`` and ``password``; raises ``ValueError`` with the problems by field.

    Without ``visibility``, a write keeps the older meaning of its fields: a
    password given makes the page a password page (no longer audience-only).
    """
    data = dict(data)
    password = data.get("password")
    mode = data.pop("visibility", None)
    problems: dict[str, list[str]] = {}
    if mode is None:
        if password is not None:
            data["audience_only"] = False
        return data
    wanted_public = mode != "private"
    if data.get("is_public", wanted_public) != wanted_public:
        message = f"is_public must be {str(wanted_public).lower()} with visibility {mode}."
        problems["is_public"] = problems["visibility"] = [message]
    if mode in ("public", "audience") and password is not None:
        message = f"A page with visibility {mode} has no password; give none (or null)."
        problems["password"] = problems["visibility"] = [message]
    if mode == "password" and password is None and (not has_password or "password" in data):
        message = "Give a password to make the page password-protected."
        problems["password"] = problems["visibility"] = [message]
    if problems:
        raise ValueError(problems)
    data["is_public"] = wanted_public
    if mode != "private":
        data["audience_only"] = mode == "audience"
    if mode in ("public", "audience"):
        data["password"] = None
    return data


def ip_allowed(allowlist: Sequence[str], address: str | None) -> bool:
    """Whether ``address`` is in one of the ``allowlist`` networks (empty: anyone)."""
    if not allowlist:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in map(_network, allowlist) if network is not None)


def _network(entry: object) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """A stored allow-list entry as a network; one that is none lets nobody in."""
    try:
        return ipaddress.ip_network(entry, strict=False)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- uptime

#: How much of the time in a status counts as down (a partial outage counts 30 %).
DOWNTIME_WEIGHT = {"major_outage": 1.0, "partial_outage": 0.3}

StatusChange = tuple[datetime, "str | None", str]


@dataclass(frozen=True)
class UptimeDay:
    day: date
    #: 0..1, or ``None`` when there is no figure: the component did not exist
    #: that day, or it has too little data for any figure yet (see :func:`uptime`).
    uptime: float | None
    #: The worst status the component was in that day (``None``: no data).
    worst: str | None
    down_seconds: float
    observed_seconds: float


@dataclass(frozen=True)
class Uptime:
    """A component's uptime over a window of days, saying what it covers."""

    days: list[UptimeDay]
    #: 0..1 over the time observed; ``None`` below the minimum span of data.
    ratio: float | None
    #: When the data begins, if after the window starts (a component younger
    #: than the window); ``None`` when the data covers the whole window.
    since: datetime | None
    observed_seconds: float

    @property
    def too_little_data(self) -> bool:
        """Whether figures are withheld because too little time was observed."""
        return self.ratio is None


def status_segments(
    changes: Sequence[StatusChange],
    current: str,
    start: datetime,
    end: datetime,
    born: datetime | None = None,
) -> list[tuple[datetime, datetime, str | None]]:
    """The statuses a component was in between ``start`` and ``end``.

    ``changes`` are the ``(changed_at, old_status, new_status)`` records after
    ``start``, oldest first. The status before the first is its ``old_status``
    (``None``: the component did not exist yet); with no change at all, the
    component was in its ``current`` status throughout. ``born`` (its
    creation time) bounds that first status: a component without a creation
    record did not exist before it, unless a recorded change says otherwise.
    """
    status: str | None = changes[0][1] if changes else current
    cursor, segments = start, []
    if born is not None and born > start and status is not None:
        cursor = min(born, changes[0][0]) if changes else born
    for changed_at, _old, new in changes:
        if changed_at >= end:  # a window in the past: later changes do not count
            break
        if changed_at > cursor:
            segments.append((cursor, min(changed_at, end), status))
            cursor = changed_at
        status = new
    if end > cursor:
        segments.append((cursor, end, status))
    return segments


def daily_uptime(
    segments: Sequence[tuple[datetime, datetime, str | None]],
    start: datetime,
    days: int,
    now: datetime,
) -> list[UptimeDay]:
    """One :class:`UptimeDay` per UTC day from ``start`` (a midnight), for ``days`` days,
    from the :func:`status_segments` up to ``now``."""
    result = []
    for offset in range(days):
        day_start = start + timedelta(days=offset)
        down, observed, seen = weigh_segments(
            segments, day_start, min(day_start + timedelta(days=1), now)
        )
        uptime = 1 - down / observed if observed else None
        worst = worst_status(seen) if seen else None
        result.append(UptimeDay(day_start.date(), uptime, worst, down, observed))
    return result


def weigh_segments(
    segments: Sequence[tuple[datetime, datetime, str | None]], start: datetime, end: datetime
) -> tuple[float, float, list[str]]:
    """Seconds down (weighted by :data:`DOWNTIME_WEIGHT`) and observed between ``start``
    and ``end``, and the statuses seen then: one day of a bar, or any span."""
    down = observed = 0.0
    seen: list[str] = []
    for seg_start, seg_end, status in segments:
        overlap = (min(seg_end, end) - max(seg_start, start)).total_seconds()
        if overlap <= 0 or status is None:
            continue
        observed += overlap
        down += overlap * DOWNTIME_WEIGHT.get(status, 0.0)
        seen.append(status)
    return down, observed, seen


def uptime_ratio(days: Iterable[UptimeDay]) -> float | None:
    """The uptime over several days, weighted by the time observed in each."""
    days = list(days)
    observed = sum(d.observed_seconds for d in days)
    return 1 - sum(d.down_seconds for d in days) / observed if observed else None


def uptime(
    changes: Sequence[StatusChange],
    current: str,
    first_day: date,
    days: int,
    now: datetime,
    *,
    born: datetime | None = None,
    min_span: float = 0.0,
) -> Uptime:
    """The uptime of a component over ``days`` days from ``first_day``, up to ``now``.

    Days before the component existed have no data and count for nothing.
    Below ``min_span`` seconds of data in all, no figure is given, neither
    over the window nor for any day (the days keep their worst status): a
    component a few seconds old has no meaningful uptime yet.
    """
    start = datetime.combine(first_day, time.min, tzinfo=timezone.utc)
    segments = status_segments(changes, current, start, now, born)
    daily = daily_uptime(segments, start, days, now)
    observed = sum(d.observed_seconds for d in daily)
    seen = [seg_start for seg_start, _end, status in segments if status is not None]
    since = seen[0] if seen and seen[0] > start else None
    if observed <= 0 or observed < min_span:
        daily = [replace(d, uptime=None) for d in daily]
        return Uptime(daily, None, since, observed)
    return Uptime(daily, uptime_ratio(daily), since, observed)


def uptime_window(today: date, days: int, offset: int = 0) -> tuple[date, datetime]:
    """The first day of a window of ``days`` UTC days ending ``offset`` days before
    ``today`` (0: ending today), and the instant it ends (midnight after its last day)."""
    last_day = today - timedelta(days=offset)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=timezone.utc)
    return last_day - timedelta(days=days - 1), end


def span_uptime(
    changes: Sequence[StatusChange],
    current: str,
    start: datetime,
    end: datetime,
    *,
    born: datetime | None = None,
    min_span: float = 0.0,
) -> Uptime:
    """The uptime between two instants (``Uptime.days`` empty): the same weighing as
    :func:`uptime`'s days, over a span that need not start at midnight (the last 24 hours)."""
    segments = status_segments(changes, current, start, end, born)
    down, observed, _seen = weigh_segments(segments, start, end)
    seen = [seg_start for seg_start, _end, status in segments if status is not None]
    since = seen[0] if seen and seen[0] > start else None
    if observed <= 0 or observed < min_span:
        return Uptime([], None, since, observed)
    return Uptime([], 1 - down / observed, since, observed)


# ------------------------------------------------------------ statistics


def status_since(
    last_change: tuple[datetime, str] | None, current: str, born: datetime
) -> datetime | None:
    """When a component entered its ``current`` status: its last recorded change
    ``(changed_at, new_status)``, or its creation when none is recorded; ``None`` when
    the record disagrees with the status (set by hand, so the moment is unknown)."""
    if last_change is None:
        return born
    changed_at, new_status = last_change
    return changed_at if new_status == current else None


def affects(components: object, component_id: str) -> bool:
    """Whether an incident's ``components`` map (``{component_id: status}``) names it."""
    return isinstance(components, dict) and component_id in components


def mean_time_to_resolve(spans: Iterable[tuple[datetime, datetime | None]]) -> float | None:
    """Mean seconds from ``started_at`` to ``resolved_at`` over the resolved ones of
    ``spans``; ``None`` when none is resolved. A span resolved before it started
    (a backdated start set after the fact, say) counts as zero."""
    durations = [
        max((resolved - started).total_seconds(), 0.0)
        for started, resolved in spans
        if resolved is not None
    ]
    return sum(durations) / len(durations) if durations else None


@dataclass(frozen=True)
class SlugCheck:
    slug: str
    valid: bool
    available: bool
    #: Why the slug is not valid (``None`` when it is).
    reason: str | None
    #: A free, valid slug: ``slug`` itself when available, else the next free one.
    suggestion: str


def slug_problem(slug: str) -> str | None:
    """What is wrong with ``slug`` as a page's slug; ``None``: nothing."""
    if len(slug) > SLUG_MAX_LENGTH:
        return f"Longer than {SLUG_MAX_LENGTH} characters."
    if not SLUG_PATTERN.fullmatch(slug):
        return "Use lowercase letters, digits and single hyphens."
    return None


def suggestion_base(slug: str) -> str:
    """The base of a suggested slug: ``slug`` when valid and short enough to take a
    ``-N`` suffix, else :func:`slugify` of it."""
    if slug_problem(slug) is None and len(slug) <= _SLUG_BASE_LENGTH:
        return slug
    return slugify(slug)


def check_slug(slug: str, taken: Iterable[str]) -> SlugCheck:
    """Whether ``slug`` is valid and free, with the next free one (``taken``: the slugs
    in use among ``suggestion_base(slug)`` and its ``-N`` variants, and ``slug`` itself)."""
    taken = set(taken)
    reason = slug_problem(slug)
    available = reason is None and slug not in taken
    suggestion = slug if available else next_free_slug(suggestion_base(slug), taken)
    return SlugCheck(slug, reason is None, available, reason, suggestion)


# ----------------------------------------------------------- maintenance


def maintenance_status_due(
    status: str, scheduled_for: datetime, scheduled_until: datetime, now: datetime
) -> str | None:
    """Where an automatic maintenance window should be at ``now``, if it must move.

    A scheduled window starts at ``scheduled_for``; an open one (in progress or
    being verified) completes at ``scheduled_until``; a completed one stays.
    """
    if status == "scheduled" and now >= scheduled_for:
        return "completed" if now >= scheduled_until else "in_progress"
    if status in ("in_progress", "verifying") and now >= scheduled_until:
        return "completed"
    return None


def maintenance_component_status(status: str, maintenance_status: str) -> str | None:
    """A component's new status when a window affecting it moves; ``None``: unchanged.

    Operational components go under maintenance while the window is open,
    and come back once it completes. A component in trouble keeps its status.
    """
    if maintenance_status in ("in_progress", "verifying") and status == "operational":
        return "under_maintenance"
    if maintenance_status == "completed" and status == "under_maintenance":
        return "operational"
    return None


# ------------------------------------------------------------- incidents

#: Seed 004's upper-case component statuses, accepted beside ours.
STATUS_ALIASES = {
    "OPERATIONAL": "operational",
    "DEGRADED_PERFORMANCE": "degraded_performance",
    "PARTIAL_OUTAGE": "partial_outage",
    "MAJOR_OUTAGE": "major_outage",
    "UNDER_MAINTENANCE": "under_maintenance",
    "MAINTENANCE": "under_maintenance",
}
#: Seed 004's incident impacts, as our severities (``impact`` is ``severity``'s alias).
IMPACT_ALIASES = {
    "NO_IMPACT": "none",
    "DEGRADED_PERFORMANCE": "minor",
    "PARTIAL_OUTAGE": "major",
    "MAJOR_OUTAGE": "critical",
    "MAINTENANCE": "none",
}
#: Seed 004's timeline status that moves nothing: the update is a message only.
MESSAGE_ONLY_ALIASES = ("UPDATE",)
#: ``?status=`` on the incident list: the four statuses, and ``open`` (any unresolved).
INCIDENT_LIST_FILTERS = (*INCIDENT_STATUSES, "open")


def canonical(value: object, choices: Sequence[str], aliases: dict[str, str]) -> str | None:
    """``value`` as one of ``choices`` (directly or through ``aliases``); ``None``: neither."""
    if not isinstance(value, str):
        return None
    if value in choices:
        return value
    return aliases.get(value)


def held_statuses(
    component_id: str,
    other_incidents: Iterable[dict[str, str]],
    open_maintenance_components: Iterable[Iterable[str]],
) -> list[str]:
    """What still holds ``component_id``: the statuses other unresolved incidents give
    it (their ``components`` maps), and ``under_maintenance`` per open window naming it."""
    held = [m[component_id] for m in other_incidents if component_id in m]
    held += ["under_maintenance" for ids in open_maintenance_components if component_id in ids]
    return held


def statuses_after_resolution(
    affected: Iterable[str],
    requested: dict[str, str],
    other_incidents: Sequence[dict[str, str]],
    open_maintenance_components: Sequence[Sequence[str]],
) -> dict[str, str]:
    """The status each ``affected`` component takes when its incident is resolved.

    What the request says wins; else the worst status another unresolved incident or
    an open maintenance window still holds it in; else ``operational``.
    """
    result = {}
    for component_id in affected:
        if component_id in requested:
            result[component_id] = requested[component_id]
            continue
        held = held_statuses(component_id, other_incidents, open_maintenance_components)
        result[component_id] = worst_status(held)
    for component_id, status in requested.items():
        result.setdefault(component_id, status)
    return result


def backfill_error(
    moment: datetime, started_at: datetime, now: datetime, skew: timedelta
) -> str | None:
    """Why ``moment`` (a backdated update) cannot be, if it cannot: before the incident
    started, or in the future beyond ``skew``."""
    if moment > now + skew:
        return "Must not be in the future."
    if moment < started_at:
        return "Must not be before the incident's started_at."
    return None


def incident_time_errors(
    started_at: datetime,
    resolved_at: datetime | None,
    status: str,
    now: datetime,
    skew: timedelta,
) -> dict[str, list[str]]:
    """What is wrong with an incident's ``started_at`` and given ``resolved_at``: neither
    may lie in the future (beyond ``skew``); ``resolved_at`` only with status ``resolved``,
    and not before ``started_at``."""
    errors: dict[str, list[str]] = {}
    if started_at > now + skew:
        errors["started_at"] = ["Must not be in the future."]
    if resolved_at is None:
        return errors
    if status != "resolved":
        errors["resolved_at"] = ["Only with status resolved."]
    elif resolved_at > now + skew:
        errors["resolved_at"] = ["Must not be in the future."]
    elif resolved_at < started_at:
        errors["resolved_at"] = ["Must not be before started_at."]
    return errors


# ------------------------------------------------------------- colours

#: WCAG 2.x level AA for normal text: the least contrast text may have on its background.
MIN_CONTRAST = 4.5


def _rgb(color: str) -> tuple[int, int, int]:
    digits = color[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def luminance(color: str) -> float:
    """WCAG 2.x relative luminance of a ``#rgb``/``#rrggbb`` colour, 0 (black) to 1 (white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG 2.x contrast ratio of two colours, 1 (the same) to 21 (black on white)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def contrast_errors(pairs: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    """The text colours (``{field: (text, background)}``) that read below WCAG AA
    (:data:`MIN_CONTRAST`) on their background, each with its ratio."""
    errors: dict[str, list[str]] = {}
    for name, (text_color, background) in pairs.items():
        ratio = contrast(text_color, background)
        if ratio < MIN_CONTRAST:
            errors[name] = [
                f"Contrast {ratio:.2f}:1 on {background} is below {MIN_CONTRAST}:1 "
                "(WCAG AA for text)."
            ]
    return errors


# ------------------------------------------------------------ status embed

#: Where the status embed's notice sits on the host page (Statuspage's values).
EMBED_POSITIONS = ("top-left", "top-right", "bottom-left", "bottom-right")
#: A page's status embed config until it is changed; every text colour reads at AA.
EMBED_DEFAULTS = {
    "position": "bottom-left",
    "incident_background_color": "#b91c1c",
    "incident_text_color": "#ffffff",
    "maintenance_background_color": "#1d4ed8",
    "maintenance_text_color": "#ffffff",
}
#: Each text colour of the embed, with the background it is read on.
EMBED_TEXT_ON = {
    "incident_text_color": "incident_background_color",
    "maintenance_text_color": "maintenance_background_color",
}


def embed_contrast_errors(config: dict[str, str]) -> dict[str, list[str]]:
    """The text colours of a complete status embed ``config`` that fail WCAG AA."""
    return contrast_errors(
        {text: (config[text], config[background]) for text, background in EMBED_TEXT_ON.items()}
    )


# ------------------------------------------------------- subscriber channels


def refused_channels(
    data: dict[str, object], *, email: bool, webhook: bool
) -> dict[str, list[str]]:
    """The channels of a visitor's subscription (``email``, ``webhook_url``) that the
    page does not take, each with why."""
    refused: dict[str, list[str]] = {}
    if data.get("email") and not email:
        refused["email"] = ["This page does not take email subscriptions."]
    if data.get("webhook_url") and not webhook:
        refused["webhook_url"] = ["This page does not take webhook subscriptions."]
    return refused


# ------------------------------------------------------------- analytics

#: An analytics id the HTML page may load a script for: Google Analytics 4 (``G-``) or
#: Universal Analytics (``UA-``); nothing else, so it can never carry markup or a URL.
GA_TRACKING_PATTERN = re.compile(r"^(?:G-[A-Z0-9]{4,16}|UA-[0-9]{4,12}-[0-9]{1,4})$")
#: The hosts the analytics script is loaded from and reports to (Google's documentation).
GA_SCRIPT_HOST = "https://www.googletagmanager.com"
GA_CONNECT_HOSTS = (
    "https://*.google-analytics.com",
    "https://*.analytics.google.com",
    "https://*.googletagmanager.com",
)


def display_name(name: str, page_name: str | None) -> str:
    """The title visitors see: the page's ``page_name`` when set, else its ``name``."""
    return page_name or name
