"""The extension's tables, all prefixed ``statuspages_``.

The models use a declarative base of their own (not the host's ``db.Model``),
so they can live in whichever database the host's Flask-SQLAlchemy session
is bound to; constraint names are fixed by the naming convention so the
shipped migrations stay stable on every backend.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .rules import EMBED_DEFAULTS

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, always hands back aware UTC (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class ApiToken(Base):
    """A bearer token for the built-in owner loader; only its SHA-256 is kept."""

    __tablename__ = "statuspages_api_token"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner: Mapped[str] = mapped_column(String(255), nullable=False, index=True)
    name: Mapped[str | None] = mapped_column(String(255))
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Page(Timestamped, Base):
    __tablename__ = "statuspages_page"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    owner: Mapped[str] = mapped_column(String(255), nullable=False)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    slug: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: Claimed freely; unique only once verified (``uq_statuspages_page_verified_domain``),
    #: so nobody can block a domain by claiming it first.
    custom_domain: Mapped[str | None] = mapped_column(String(253))
    theme: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    #: ``False`` hides the page everywhere public, as ``is_public = False`` does.
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: werkzeug's salted hash; set: visitors must unlock the page with the password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Only signed-in page access users see the page (``visibility: audience``).
    audience_only: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    #: CIDRs allowed to see the page; empty: anyone.
    ip_allowlist: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    custom_domain_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    header_html: Mapped[str | None] = mapped_column(Text)
    footer_html: Mapped[str | None] = mapped_column(Text)
    uptime_days: Mapped[int] = mapped_column(Integer, default=90, nullable=False)
    show_uptime: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    show_incident_history: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    website_url: Mapped[str | None] = mapped_column(String(2048))
    support_url: Mapped[str | None] = mapped_column(String(2048))
    privacy_url: Mapped[str | None] = mapped_column(String(2048))
    #: Hide the "Powered by" line of the HTML page.
    hide_branding: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    #: Ask search engines not to index the public face (meta tag and ``X-Robots-Tag``).
    robots_noindex: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    #: Off: no subscribe form, and the public subscribe route answers 404.
    subscriptions_enabled: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true(), nullable=False
    )
    #: Visitors may subscribe by email (Statuspage's ``allow_email_subscribers``); only
    #: while ``subscriptions_enabled`` is on.
    allow_email_subscribers: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true(), nullable=False
    )
    #: Visitors may subscribe a webhook (``allow_webhook_subscribers``); likewise.
    allow_webhook_subscribers: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true(), nullable=False
    )
    #: An IANA zone name: times on the HTML page are shown in it.
    time_zone: Mapped[str] = mapped_column(
        String(64), default="UTC", server_default="UTC", nullable=False
    )
    #: The language of the page's HTML and emails (``en``, ``de``); unset: each
    #: visitor's ``Accept-Language`` (emails: English).
    locale: Mapped[str | None] = mapped_column(String(16))
    #: Who runs the page (seed 002's page profile), shown beside its name.
    company_name: Mapped[str | None] = mapped_column(String(255))
    #: The title visitors see (seed 001's ``page_name``); unset: ``name``.
    page_name: Mapped[str | None] = mapped_column(String(255))
    #: The ``From`` of the page's notification emails; unset: the configured sender.
    notifications_from_email: Mapped[str | None] = mapped_column(String(320))
    #: Markdown, sanitised, at the end of every notification email of the page.
    notifications_email_footer: Mapped[str | None] = mapped_column(Text)
    #: Plain-http requests to the page's public routes are redirected to https.
    redirect_to_https: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    #: A Google Analytics id (``G-...``, ``UA-...``): the HTML page loads its script.
    ga_tracking: Mapped[str | None] = mapped_column(String(32))
    #: The status embed (seed 002): where widget.js shows a notice of an active incident or
    #: maintenance, and in which colours (see ``rules.EMBED_DEFAULTS``).
    embed_position: Mapped[str] = mapped_column(
        String(16),
        default=EMBED_DEFAULTS["position"],
        server_default=EMBED_DEFAULTS["position"],
        nullable=False,
    )
    embed_incident_background_color: Mapped[str] = mapped_column(
        String(7),
        default=EMBED_DEFAULTS["incident_background_color"],
        server_default=EMBED_DEFAULTS["incident_background_color"],
        nullable=False,
    )
    embed_incident_text_color: Mapped[str] = mapped_column(
        String(7),
        default=EMBED_DEFAULTS["incident_text_color"],
        server_default=EMBED_DEFAULTS["incident_text_color"],
        nullable=False,
    )
    embed_maintenance_background_color: Mapped[str] = mapped_column(
        String(7),
        default=EMBED_DEFAULTS["maintenance_background_color"],
        server_default=EMBED_DEFAULTS["maintenance_background_color"],
        nullable=False,
    )
    embed_maintenance_text_color: Mapped[str] = mapped_column(
        String(7),
        default=EMBED_DEFAULTS["maintenance_text_color"],
        server_default=EMBED_DEFAULTS["maintenance_text_color"],
        nullable=False,
    )
    #: Bumped by every write that changes what visitors see (see ``snapshot.py``).
    public_version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    components: Mapped[list[Component]] = relationship(
        back_populates="page", cascade="save-update, merge", passive_deletes="all"
    )
    incidents: Mapped[list[Incident]] = relationship(
        back_populates="page", cascade="save-update, merge", passive_deletes="all"
    )
    subscribers: Mapped[list[Subscriber]] = relationship(
        back_populates="page", cascade="save-update, merge", passive_deletes="all"
    )
    groups: Mapped[list[ComponentGroup]] = relationship(
        back_populates="page", cascade="save-update, merge", passive_deletes="all"
    )

    __table_args__ = (
        Index("ix_statuspages_page_owner_created", "owner", "created_at"),
        Index(
            "uq_statuspages_page_verified_domain",
            "custom_domain",
            unique=True,
            sqlite_where=text("custom_domain_verified_at IS NOT NULL"),
            postgresql_where=text("custom_domain_verified_at IS NOT NULL"),
        ),
    )


class ComponentGroup(Timestamped, Base):
    """A named, ordered section of a page's components; a component is in one at most."""

    __tablename__ = "statuspages_component_group"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    display_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Shown folded on the public page until a visitor opens it.
    collapsed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    page: Mapped[Page] = relationship(back_populates="groups")

    __table_args__ = (
        Index("uq_statuspages_component_group_page_name", "page_id", "name", unique=True),
    )


class Component(Timestamped, Base):
    __tablename__ = "statuspages_component"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), nullable=False, default="operational")
    display_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    group_id: Mapped[str | None] = mapped_column(
        ForeignKey("statuspages_component_group.id", ondelete="SET NULL"), index=True
    )
    show_uptime: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    page: Mapped[Page] = relationship(back_populates="components")
    # Joined: every listing of components shows its group's name, in the same query.
    group: Mapped[ComponentGroup | None] = relationship(lazy="joined")

    @property
    def group_name(self) -> str | None:
        return self.group.name if self.group is not None else None


class ComponentStatusChange(Base):
    """Every status a component has entered, the record uptime is computed from."""

    __tablename__ = "statuspages_component_status_change"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    component_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_component.id", ondelete="CASCADE"), nullable=False
    )
    old_status: Mapped[str | None] = mapped_column(String(32))
    new_status: Mapped[str] = mapped_column(String(32), nullable=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    component: Mapped[Component] = relationship()

    __table_args__ = (
        Index("ix_statuspages_status_change_component_at", "component_id", "changed_at"),
    )


class Incident(Timestamped, Base):
    __tablename__ = "statuspages_incident"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    message: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16), nullable=False, default="minor")
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="investigating")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the trouble began: the creation time, or earlier for an incident written
    #: up after the fact.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: The components it affects, each with the status the incident gives it.
    components: Mapped[dict] = mapped_column(
        JSON, default=dict, server_default=text("'{}'"), nullable=False
    )
    #: Markdown; shown to visitors once published.
    postmortem: Mapped[str | None] = mapped_column(Text)
    postmortem_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    postmortem_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    page: Mapped[Page] = relationship(back_populates="incidents")
    updates: Mapped[list[IncidentUpdate]] = relationship(
        back_populates="incident",
        cascade="save-update, merge",
        passive_deletes="all",
        order_by="(IncidentUpdate.created_at.desc(), IncidentUpdate.seq.desc())",
    )

    __table_args__ = (
        Index("ix_statuspages_incident_page_status", "page_id", "status"),
        Index("ix_statuspages_incident_page_created", "page_id", "created_at"),
        Index("ix_statuspages_incident_page_resolved", "page_id", "resolved_at"),
    )


class IncidentUpdate(Base):
    """One entry of an incident's timeline."""

    __tablename__ = "statuspages_incident_update"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    incident_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_incident.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Orders updates written within the same clock tick.
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: ``None``: a message only, that moved nothing.
    status: Mapped[str | None] = mapped_column(String(16))
    message: Mapped[str | None] = mapped_column(Text)
    #: The components this update changed: ``[{id, name, old_status, new_status}]``.
    components: Mapped[list] = mapped_column(
        JSON, default=list, server_default=text("'[]'"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: Set when the update was corrected after it was posted.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    incident: Mapped[Incident] = relationship(back_populates="updates")


class IncidentTemplate(Timestamped, Base):
    """Prepared wording for a kind of incident: fills a new incident's fields."""

    __tablename__ = "statuspages_incident_template"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    message: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[str | None] = mapped_column(String(16))
    components: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)


class Maintenance(Timestamped, Base):
    """A maintenance window: announced, then started and completed on time."""

    __tablename__ = "statuspages_maintenance"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False
    )
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    message: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="scheduled")
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    scheduled_until: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    #: Start and complete at the scheduled times (the worker does it).
    auto_transition: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    #: The components it affects: ``under_maintenance`` while it is in progress.
    component_ids: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    page: Mapped[Page] = relationship()
    updates: Mapped[list[MaintenanceUpdate]] = relationship(
        back_populates="maintenance",
        cascade="save-update, merge",
        passive_deletes="all",
        order_by="(MaintenanceUpdate.created_at.desc(), MaintenanceUpdate.seq.desc())",
    )

    __table_args__ = (
        Index("ix_statuspages_maintenance_page_scheduled", "page_id", "scheduled_for"),
        Index("ix_statuspages_maintenance_status_scheduled", "status", "scheduled_for"),
    )


class MaintenanceUpdate(Base):
    """One entry of a maintenance window's timeline."""

    __tablename__ = "statuspages_maintenance_update"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    maintenance_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_maintenance.id", ondelete="CASCADE"), nullable=False, index=True
    )
    seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    maintenance: Mapped[Maintenance] = relationship(back_populates="updates")


class Subscriber(Base):
    __tablename__ = "statuspages_subscriber"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False
    )
    email: Mapped[str | None] = mapped_column(String(320))
    webhook_url: Mapped[str | None] = mapped_column(String(2048))
    # The HMAC key of webhook signatures: shown once, kept to sign with.
    secret: Mapped[str | None] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: Failed delivery attempts in a row; reaching the limit quarantines the subscriber.
    failure_streak: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default="0"
    )
    quarantined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Subscribed to some components only: it keeps hearing only of them (and of
    #: page-wide events) even once those components are deleted.
    components_only: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )

    page: Mapped[Page] = relationship(back_populates="subscribers")
    component_links: Mapped[list[SubscriberComponent]] = relationship(
        cascade="save-update, merge", passive_deletes="all"
    )

    __table_args__ = (
        Index("uq_statuspages_subscriber_page_email", "page_id", "email", unique=True),
        Index("uq_statuspages_subscriber_page_webhook", "page_id", "webhook_url", unique=True),
    )

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    @property
    def state(self) -> str:
        if self.quarantined_at is not None:
            return "quarantined"
        return "verified" if self.verified_at is not None else "pending"

    @property
    def component_ids(self) -> list[str]:
        """The components this subscriber asked to hear about; empty: all of the page."""
        return sorted(link.component_id for link in self.component_links)


class SubscriberComponent(Base):
    """A component a subscriber limited its subscription to."""

    __tablename__ = "statuspages_subscriber_component"

    subscriber_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_subscriber.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_component.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PageAccessUser(Timestamped, Base):
    """Someone who may see an audience-only page, once signed in (see ``access.py``)."""

    __tablename__ = "statuspages_page_access_user"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False
    )
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    #: ``email`` lower-cased: unique per page, so addresses differing in case are one user.
    email_key: Mapped[str] = mapped_column(String(320), nullable=False)
    #: The user's login at the host's identity provider (kept, as Statuspage has it).
    external_login: Mapped[str | None] = mapped_column(String(255))
    #: Limited to ``component_links``; else every component of the page.
    components_only: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    #: Limited to ``metric_links``; else every metric of the page.
    metrics_only: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    #: Part of every sign-in link; changed when one is used, so each works once.
    login_nonce: Mapped[str] = mapped_column(String(32), nullable=False, default=new_id)

    component_links: Mapped[list[PageAccessUserComponent]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    metric_links: Mapped[list[PageAccessUserMetric]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("uq_statuspages_page_access_user_page_email", "page_id", "email_key", unique=True),
    )

    @property
    def component_ids(self) -> list[str]:
        return sorted(link.component_id for link in self.component_links)

    @property
    def metric_ids(self) -> list[str]:
        return sorted(link.metric_id for link in self.metric_links)


class PageAccessUserComponent(Base):
    """A component a page access user may see."""

    __tablename__ = "statuspages_page_access_user_component"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page_access_user.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_component.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class PageAccessUserMetric(Base):
    """A metric a page access user may see."""

    __tablename__ = "statuspages_page_access_user_metric"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page_access_user.id", ondelete="CASCADE"), primary_key=True
    )
    metric_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_metric.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class NotificationEvent(Base):
    """Something subscribers hear about, written in the transaction of the change.

    The worker expands it into one :class:`Delivery` per matching subscriber,
    in batches that resume from ``fanout_cursor``; ``fanned_out_at`` is set
    once the last batch is written. A targeted event (``subscriber_id``: a
    verification message) reaches that subscriber only.
    """

    __tablename__ = "statuspages_event"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    #: Components the event touches; empty: the whole page (everyone hears it).
    component_ids: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    subscriber_id: Mapped[str | None] = mapped_column(
        ForeignKey("statuspages_subscriber.id", ondelete="CASCADE")
    )
    #: The base URL of the request that caused the event: links in emails sent later.
    base_url: Mapped[str | None] = mapped_column(String(2048))
    fanout_cursor: Mapped[str | None] = mapped_column(String(32))
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class Delivery(Base):
    """One event for one subscriber: the unit that is sent, retried and recorded."""

    __tablename__ = "statuspages_delivery"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    event_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_event.id", ondelete="CASCADE"), nullable=False
    )
    subscriber_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_subscriber.id", ondelete="CASCADE"), nullable=False, index=True
    )
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False
    )
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    event: Mapped[NotificationEvent] = relationship()
    subscriber: Mapped[Subscriber] = relationship()

    __table_args__ = (
        Index("uq_statuspages_delivery_event_subscriber", "event_id", "subscriber_id", unique=True),
        Index("ix_statuspages_delivery_due", "status", "next_attempt_at"),
        Index("ix_statuspages_delivery_page_created", "page_id", "created_at"),
    )


class Metric(Timestamped, Base):
    """A number over time shown on a page (API latency, error rate), as Statuspage has it."""

    __tablename__ = "statuspages_metric"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    page_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_page.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    #: Shown after each value: ``ms``, ``%``.
    suffix: Mapped[str | None] = mapped_column(String(32))
    #: The chart's vertical range; ``None``: fitted to the data.
    y_axis_min: Mapped[float | None] = mapped_column(Float)
    y_axis_max: Mapped[float | None] = mapped_column(Float)
    y_axis_hidden: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    decimal_places: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    tooltip_description: Mapped[str | None] = mapped_column(Text)
    #: Off: kept and fed, but not shown on the public face.
    display: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    display_order: Mapped[int] = mapped_column(Integer, default=0, nullable=False)

    page: Mapped[Page] = relationship()
    component_links: Mapped[list[MetricComponent]] = relationship(
        cascade="save-update, merge, delete, delete-orphan", passive_deletes=True
    )

    @property
    def component_ids(self) -> list[str]:
        """The components this metric is tied to."""
        return sorted(link.component_id for link in self.component_links)


class MetricComponent(Base):
    """A component a metric is tied to."""

    __tablename__ = "statuspages_metric_component"

    metric_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_metric.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_component.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MetricPoint(Base):
    """One reading of a metric: at most one per metric and second (the last written wins)."""

    __tablename__ = "statuspages_metric_point"

    metric_id: Mapped[str] = mapped_column(
        ForeignKey("statuspages_metric.id", ondelete="CASCADE"), primary_key=True
    )
    #: Unix seconds (UTC): bucketing is ``ts - ts % width`` on every backend.
    ts: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)

    #: On SQLite the rows are stored in key order (no rowid): a metric's range is read
    #: in one pass, without a lookup per row.
    __table_args__ = {"sqlite_with_rowid": False}
