"""One snapshot, many renderings.

Everything public about a page (its JSON, the HTML page, feeds, badge,
widget, the Statuspage v2 JSON, the stream's ``state`` event) is rendered
from one immutable :class:`Snapshot`, built by :func:`build_snapshot` in a
fixed number of queries whatever the page's size.

Snapshots are cached per process, keyed by the page's ``public_version``: a
``before_flush`` hook bumps that column in the same transaction as any write
to a page, its components or its incidents, so the very next request (in any
process) looks up a key that is not cached yet and builds a fresh one. A
reader therefore costs the page ref (:func:`access.page_ref`: cached between
changes, else one small query) and a dict lookup; each rendering of a
snapshot is made once and kept beside it with its ``ETag``.

``Snapshot.data`` holds plain values only:

``page``
    ``id, name`` (the title visitors see: ``page_name``, else ``name``), ``company_name,
    ga_tracking, slug, description, theme, header_html, footer_html`` (both
    sanitised :class:`~markupsafe.Markup`), ``uptime_days, show_uptime,
    show_incident_history, custom_domain`` (when verified), ``updated_at``,
    ``website_url, support_url, privacy_url, hide_branding, robots_noindex,
    subscriptions_enabled, allow_email_subscribers, allow_webhook_subscribers, time_zone,
    locale``.
``overall_status``
    the roll-up of section 4 of the contract.
``components``
    public component dicts, in display order, each with ``uptime`` (a list of
    :class:`rules.UptimeDay`, empty when bars are off), ``uptime_ratio``
    (``None`` with too little data, see :func:`rules.uptime`) and
    ``uptime_since`` (when the data begins, for a component younger than the
    bars; else ``None``).
``groups``
    the page's groups in display order, each ``{"id", "name", "description",
    "collapsed", "created_at", "updated_at", "status": worst of its components,
    "components": [...]}``; then, if any component is in no group, a last
    section of those with ``id`` and ``name`` ``None``.
``active_incidents``, ``recent_incidents``, ``latest_incidents``
    public incident dicts, each with ``message_html``, ``affected_components``
    (``[{id, name, status}]``), ``updates`` (newest first, each with
    ``message_html`` and the ``components`` it moved) and ``postmortem`` (``None``
    until one is published, then with ``body_html``); ``latest`` is the 50 newest
    of any status.
``active_maintenances``, ``upcoming_maintenances``, ``latest_maintenances``
    public maintenance dicts, shaped likewise: open ones, scheduled ones
    (soonest first), and the 50 latest by start of any status.
``metrics``
    the ``day`` view of the page's displayed metrics
    (:func:`.domain.metrics.metrics_view`); other views are made on demand by
    :func:`metrics_of`. A page with displayed metrics has a snapshot that goes
    stale when the view's current bucket ends (every 5 minutes).
``public``
    the contract's ``GET /public/:slug`` JSON.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Any

from flask import has_app_context
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from . import rules
from .access import PageRef, viewer_for
from .audience import Viewer, filter_data, filter_metrics
from .domain.components import ordered_components
from .domain.groups import ordered_groups
from .domain.incidents import incidents_of, unresolved_incidents
from .domain.maintenances import OPEN_STATUSES, maintenances_of
from .domain.metrics import metrics_view
from .history import uptime_min_span
from .markup import render_markdown, sanitize_html
from .models import (
    Component,
    ComponentGroup,
    ComponentStatusChange,
    Incident,
    IncidentUpdate,
    Maintenance,
    MaintenanceUpdate,
    Metric,
    Page,
    utcnow,
)
from .schemas import (
    PublicComponentSchema,
    PublicIncidentSchema,
    PublicMaintenanceSchema,
    PublicPageSchema,
    format_timestamp,
)
from .state import db_session, get_state

RECENT_DAYS = 14
RECENT_LIMIT = 20
LATEST_LIMIT = 50
MAX_RENDERINGS = 64

_page_schema = PublicPageSchema()
_component_schema = PublicComponentSchema(many=True)
_incident_schema = PublicIncidentSchema(many=True)
_maintenance_schema = PublicMaintenanceSchema(many=True)


@dataclass(frozen=True)
class Rendering:
    body: bytes
    #: Unquoted; identical in every process for the same bytes.
    etag: str

    @property
    def quoted_etag(self) -> str:
        return f'"{self.etag}"'


@dataclass
class Snapshot:
    ref: PageRef
    data: dict[str, Any]
    #: The snapshot goes stale by itself then (the day rolls over, an incident
    #: leaves the recent list, a young component has enough data for its uptime
    #: figure), even without a write.
    valid_until: datetime
    renderings: dict[Hashable, Rendering] = field(default_factory=dict)
    #: Values worked out from the snapshot on demand (other views of the metrics).
    derived: dict[Hashable, Any] = field(default_factory=dict)
    #: The same page as limited viewers see it (audience pages), by what they see.
    views: dict[Hashable, Snapshot] = field(default_factory=dict)
    #: Whose view of the page this is (``None``: the page as everyone may see it).
    viewer: Viewer | None = None

    def view_for(self, viewer: Viewer | None) -> Snapshot:
        """This snapshot as ``viewer`` sees it (see :mod:`.audience`), with renderings of
        its own: a cached rendering is keyed by what its viewers may see."""
        if viewer is None or not viewer.limited:
            return self
        found = self.views.get(viewer.key)
        if found is None:
            data = filter_data(self.data, viewer)
            found = Snapshot(self.ref, data, self.valid_until, viewer=viewer)
            if len(self.views) < MAX_RENDERINGS:
                self.views[viewer.key] = found
        return found

    def render(self, key: Hashable, make: Callable[[Snapshot], bytes | str]) -> Rendering:
        """The rendering ``key`` of this snapshot, made by ``make`` once."""
        found = self.renderings.get(key)
        if found is None:
            body = make(self)
            if isinstance(body, str):
                body = body.encode()
            found = Rendering(body, hashlib.blake2b(body, digest_size=12).hexdigest())
            # Keys may carry visitor input (a Host, a badge label): bound what is kept.
            if len(self.renderings) < MAX_RENDERINGS:
                self.renderings[key] = found
        return found


# ------------------------------------------------------------------ cache


class SnapshotCache:
    """A bounded LRU of snapshots keyed by ``(page id, public version)``."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, int], Snapshot] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[str, int], threading.Lock] = {}

    def get_or_build(self, ref: PageRef, now: datetime) -> Snapshot:
        """The cached snapshot, or one built by a single thread while the others wait:
        after a change, a busy page is built once per process, not once per request."""
        found = self.get(ref, now)
        if found is not None:
            return found
        key = (ref.id, ref.version)
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            found = self.get(ref, now)
            if found is None:
                found = build_snapshot(ref, now)
                self.put(found)
        with self._lock:
            self._building.pop(key, None)
        return found

    def get(self, ref: PageRef, now: datetime) -> Snapshot | None:
        key = (ref.id, ref.version)
        with self._lock:
            found = self._entries.get(key)
            if found is None or found.valid_until <= now:
                return None
            self._entries.move_to_end(key)
            return found

    def put(self, snapshot: Snapshot) -> None:
        with self._lock:
            self._entries[(snapshot.ref.id, snapshot.ref.version)] = snapshot
            self._entries.move_to_end((snapshot.ref.id, snapshot.ref.version))
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def get_snapshot(ref: PageRef) -> Snapshot:
    """The snapshot of ``ref``'s current public version as this request's viewer sees
    it (:func:`access.viewer_for`), from the cache or built."""
    return get_state().snapshots.get_or_build(ref, utcnow()).view_for(viewer_for(ref))


# ------------------------------------------------------------------ build


def recent_incidents(page_id: str, now: datetime) -> Any:
    since = now - timedelta(days=RECENT_DAYS)
    return (
        incidents_of(page_id, "resolved")
        .where(Incident.resolved_at >= since)
        .order_by(None)
        .order_by(Incident.resolved_at.desc(), Incident.id)
        .limit(RECENT_LIMIT)
    )


def _status_changes(page_id: str, since: datetime) -> dict[str, list[rules.StatusChange]]:
    rows = db_session().execute(
        select(
            ComponentStatusChange.component_id,
            ComponentStatusChange.changed_at,
            ComponentStatusChange.old_status,
            ComponentStatusChange.new_status,
        )
        .join(Component, Component.id == ComponentStatusChange.component_id)
        .where(Component.page_id == page_id, ComponentStatusChange.changed_at >= since)
        .order_by(ComponentStatusChange.changed_at, ComponentStatusChange.id)
    )
    changes: dict[str, list[rules.StatusChange]] = {}
    for component_id, changed_at, old, new in rows:
        changes.setdefault(component_id, []).append((changed_at, old, new))
    return changes


def _with_html(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for item in items:
        item["message_html"] = render_markdown(item.get("message"))
        for entry in item["updates"]:
            entry["message_html"] = render_markdown(entry.get("message"))
    return items


def public_incidents(rows: Any) -> list[dict[str, Any]]:
    """Incidents as visitors see them, with their messages (and published postmortem)
    rendered to safe HTML."""
    items = _with_html(_incident_schema.dump(rows))
    for item in items:
        if item["postmortem"] is not None:
            item["postmortem"]["body_html"] = render_markdown(item["postmortem"]["body"])
    return items


def public_maintenances(rows: Any) -> list[dict[str, Any]]:
    """Maintenance windows as visitors see them, with their messages rendered to safe HTML."""
    return _with_html(_maintenance_schema.dump(rows))


def _groups(components: list[dict[str, Any]], rows: Any) -> list[dict[str, Any]]:
    """The page's groups in order, each with its components (in display order); then,
    when there are any, the components in no group, as a section without a name."""
    members: dict[str | None, list[dict[str, Any]]] = {row.id: [] for row in rows}
    ungrouped: list[dict[str, Any]] = []
    for component in components:
        members.get(component["group_id"], ungrouped).append(component)
    sections = [
        {
            "id": row.id,
            "name": row.name,
            "description": row.description,
            "collapsed": row.collapsed,
            "created_at": format_timestamp(row.created_at),
            "updated_at": format_timestamp(row.updated_at),
            "status": rules.worst_status(c["status"] for c in members[row.id]),
            "components": members[row.id],
        }
        for row in rows
    ]
    if ungrouped:
        status = rules.worst_status(c["status"] for c in ungrouped)
        sections.append(
            {
                "id": None,
                "name": None,
                "description": None,
                "collapsed": False,
                "status": status,
                "components": ungrouped,
            }
        )
    return sections


def _public_groups(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The real groups of :func:`_groups`, each with its ``component_ids``."""
    return [
        {**group, "component_ids": [c["id"] for c in group["components"]]}
        for group in sections
        if group["id"] is not None
    ]


def build_snapshot(ref: PageRef, now: datetime | None = None) -> Snapshot:
    """Everything public about the page ``ref``, in a fixed number of queries."""
    now = now or utcnow()
    session = db_session()
    page = session.get(Page, ref.id, populate_existing=True)
    assert page is not None
    today = now.date()
    first_day = today - timedelta(days=page.uptime_days - 1)
    window_start = datetime.combine(first_day, time.min, tzinfo=timezone.utc)

    component_rows = session.scalars(ordered_components(page.id)).all()
    group_rows = session.scalars(ordered_groups(page.id)).all()
    # Incidents name their affected components from the page's: these, without a query.
    set_committed_value(page, "components", list(component_rows))
    active_rows = session.scalars(unresolved_incidents(page.id)).all()
    recent_rows = session.scalars(recent_incidents(page.id, now)).all()
    latest_rows = session.scalars(incidents_of(page.id).limit(LATEST_LIMIT)).all()
    changes = _status_changes(page.id, window_start) if page.show_uptime else {}
    pending_rows = session.scalars(
        maintenances_of(page.id).where(Maintenance.status != "completed")
    ).all()
    latest_maintenance_rows = session.scalars(maintenances_of(page.id).limit(LATEST_LIMIT)).all()
    active_maintenances = [m for m in pending_rows if m.status in OPEN_STATUSES]
    upcoming_maintenances = sorted(
        (m for m in pending_rows if m.status == "scheduled"), key=lambda m: m.scheduled_for
    )

    components = _component_schema.dump(component_rows)
    min_span = uptime_min_span()
    figures_due: list[datetime] = []
    for component, row in zip(components, component_rows, strict=True):
        uptime = None
        if page.show_uptime and row.show_uptime:
            uptime = rules.uptime(
                changes.get(row.id, []),
                row.status,
                first_day,
                page.uptime_days,
                now,
                born=row.created_at,
                min_span=min_span,
            )
            if uptime.too_little_data:  # the snapshot must not outlive "no data yet"
                figures_due.append(now + timedelta(seconds=min_span - uptime.observed_seconds))
        component["created_at"] = format_timestamp(row.created_at)
        component["uptime"] = uptime.days if uptime else []
        component["uptime_ratio"] = uptime.ratio if uptime else None
        component["uptime_since"] = uptime.since if uptime else None

    metrics = metrics_view(page.id, "day", int(now.timestamp()))
    groups = _groups(components, group_rows)
    overall = rules.overall_status(
        (c.status for c in component_rows), (i.severity for i in active_rows)
    )
    title = rules.display_name(page.name, page.page_name)
    public = _page_schema.dump(
        {
            "name": title,
            "slug": page.slug,
            "description": page.description,
            "theme": page.theme,
            "overall_status": overall,
            "components": component_rows,
            "groups": _public_groups(groups),
            "active_incidents": active_rows,
            "recent_incidents": recent_rows,
            "status_embed_config": page,
            "active_maintenances": active_maintenances,
            "upcoming_maintenances": upcoming_maintenances,
        }
    )
    data = {
        "page": {
            "id": page.id,
            "name": title,
            "company_name": page.company_name,
            "ga_tracking": page.ga_tracking,
            "slug": page.slug,
            "description": page.description,
            "theme": dict(page.theme or {}),
            "header_html": sanitize_html(page.header_html),
            "footer_html": sanitize_html(page.footer_html),
            "uptime_days": page.uptime_days,
            "show_uptime": page.show_uptime,
            "show_incident_history": page.show_incident_history,
            "custom_domain": ref.verified_domain,
            "updated_at": page.updated_at,
            "website_url": page.website_url,
            "support_url": page.support_url,
            "privacy_url": page.privacy_url,
            "hide_branding": page.hide_branding,
            "robots_noindex": page.robots_noindex,
            "subscriptions_enabled": page.subscriptions_enabled,
            "allow_email_subscribers": page.allow_email_subscribers,
            "allow_webhook_subscribers": page.allow_webhook_subscribers,
            "time_zone": page.time_zone,
            "locale": page.locale,
            "audience_only": page.audience_only,
        },
        "overall_status": overall,
        "components": components,
        "groups": groups,
        "active_incidents": public_incidents(active_rows),
        "recent_incidents": public_incidents(recent_rows),
        "latest_incidents": public_incidents(latest_rows),
        "active_maintenances": public_maintenances(active_maintenances),
        "upcoming_maintenances": public_maintenances(upcoming_maintenances),
        "latest_maintenances": public_maintenances(latest_maintenance_rows),
        "metrics": metrics,
        "public": public,
        "generated_at": now,
    }
    if metrics["metrics"]:  # the day view moves on when its current bucket ends
        figures_due.append(datetime.fromtimestamp(metrics["window"][1], timezone.utc))
    return Snapshot(ref, data, _valid_until(now, recent_rows, figures_due))


def metrics_of(snapshot: Snapshot, period: str) -> dict[str, Any]:
    """The ``period`` view of the snapshot's metrics: the day view it holds, others
    made once per snapshot (so at most a bucket of the day view late)."""
    if period == "day":
        return snapshot.data["metrics"]  # type: ignore[no-any-return]
    key = ("metrics", period)
    if key not in snapshot.derived:
        now = int(snapshot.data["generated_at"].timestamp())
        view = metrics_view(snapshot.ref.id, period, now)
        snapshot.derived[key] = filter_metrics(view, snapshot.viewer)
    return snapshot.derived[key]  # type: ignore[no-any-return]


def _valid_until(now: datetime, recent: Any, figures_due: list[datetime]) -> datetime:
    """When the snapshot goes stale by itself: at midnight (a new uptime day), when a
    recent incident stops being recent, or when a young component's uptime gets a figure."""
    midnight = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=timezone.utc)
    leaving = [i.resolved_at + timedelta(days=RECENT_DAYS) for i in recent if i.resolved_at]
    return min([midnight, *leaving, *figures_due])


# ------------------------------------------------------ version bumping


def _touched_page_ids(session: Session) -> set[str]:
    pages: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Page):
            if obj not in session.deleted:
                pages.add(obj.id)
        elif isinstance(obj, (Component, ComponentGroup, Incident, Metric)):
            pages.add(obj.page_id)
        elif isinstance(obj, IncidentUpdate) and obj.incident is not None:
            pages.add(obj.incident.page_id)
        elif isinstance(obj, Maintenance):
            pages.add(obj.page_id)
        elif isinstance(obj, MaintenanceUpdate) and obj.maintenance is not None:
            pages.add(obj.maintenance.page_id)
    pages.discard(None)  # type: ignore[arg-type]
    return pages


#: Session flag: this transaction changed what visitors see.
CHANGED_FLAG = "statuspages_public_change"


def _bump_public_versions(session: Session, flush_context: Any, instances: Any) -> None:
    touched = _touched_page_ids(session)
    if touched or any(isinstance(obj, Page) for obj in session.deleted):
        session.info[CHANGED_FLAG] = True
    if touched:
        table: Any = Page.__table__
        session.connection().execute(
            update(table)
            .where(table.c.id.in_(sorted(touched)))
            .values(public_version=table.c.public_version + 1)
        )


def _announce_change(session: Session) -> None:
    """After the commit, tell every process's page-ref cache (see :mod:`.access`)."""
    if session.info.pop(CHANGED_FLAG, False) and has_app_context():
        from .access import page_ref_cache

        refs = page_ref_cache()
        if refs is not None:
            refs.changed()


def _forget_change(session: Session, *args: Any) -> None:
    session.info.pop(CHANGED_FLAG, None)


def install_version_hook() -> None:
    """Bump ``public_version`` of every page a flush touches, and announce commits of
    such changes (idempotent)."""
    for name, listener in (
        ("before_flush", _bump_public_versions),
        ("after_commit", _announce_change),
        ("after_soft_rollback", _forget_change),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
