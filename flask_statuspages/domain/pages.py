"""Status pages: queries scoped by owner, and the writes on them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from .. import domains, rules, signals
from ..auth import page_limit
from ..changes import commit, event
from ..errors import ApiError, conflict, not_found, validation_error
from ..models import (
    Component,
    ComponentGroup,
    ComponentStatusChange,
    Delivery,
    Incident,
    IncidentTemplate,
    IncidentUpdate,
    Maintenance,
    MaintenanceUpdate,
    Metric,
    MetricComponent,
    MetricPoint,
    NotificationEvent,
    Page,
    PageAccessUser,
    PageAccessUserComponent,
    PageAccessUserMetric,
    Subscriber,
    SubscriberComponent,
    new_id,
)
from ..state import db_session
from .components import add_component

#: How often a create retries when a concurrent request took the slug it chose.
SLUG_ATTEMPTS = 25


def owned_pages(owner: str) -> Any:
    return select(Page).where(Page.owner == owner)


def get_owned_page(owner: str, page_id: str) -> Page:
    """The page ``page_id`` of ``owner``; another owner's page is as missing as none."""
    page = db_session().scalar(owned_pages(owner).where(Page.id == page_id))
    if page is None:
        raise not_found("Page")
    return page


def _slug_taken(slug: str, except_id: str | None = None) -> bool:
    query = select(Page.id).where(Page.slug == slug)
    if except_id:
        query = query.where(Page.id != except_id)
    return db_session().scalar(query) is not None


def _free_slug(base: str) -> str:
    taken = db_session().scalars(
        select(Page.slug).where(or_(Page.slug == base, Page.slug.like(f"{base}-%")))
    )
    return rules.next_free_slug(base, taken)


def check_slug(slug: str) -> rules.SlugCheck:
    """Whether ``slug`` is valid and free for a page, with the next free one if not."""
    base = rules.suggestion_base(slug)
    taken = db_session().scalars(
        select(Page.slug).where(
            or_(Page.slug == slug, Page.slug == base, Page.slug.like(f"{base}-%"))
        )
    )
    return rules.check_slug(slug, taken)


def _check_unique(slug: str | None, domain: str | None, page: Page | None = None) -> None:
    """409 for a taken slug, or a domain another page has verified (claims may overlap)."""
    except_id = page.id if page else None
    if slug and _slug_taken(slug, except_id):
        raise conflict(f"The slug {slug!r} is taken.")
    claimed = page.custom_domain if page else None
    if domain and domain != claimed and domains.domain_verified_elsewhere(domain, except_id):
        raise domains.domain_taken()


def _serialise_creates(owner: str) -> None:
    """Make concurrent creates of ``owner`` count one after another, until commit.

    Without it two creates both count the pages before either inserts, and
    both pass the limit. PostgreSQL takes an advisory lock per owner for the
    transaction. SQLite has a single writer per database file, across
    processes: its write (``RESERVED``) lock is taken before counting and held
    until the create commits, which it would take a moment later for the
    insert anyway. Outside a transaction that is ``BEGIN IMMEDIATE``; inside
    the host's own open transaction, a write that changes no row takes it
    without ending that transaction.
    """
    session = db_session()
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:owner))"), {"owner": owner})
    elif dialect == "sqlite":
        driver_connection = session.connection().connection.dbapi_connection
        if getattr(driver_connection, "in_transaction", True):
            table = Page.__tablename__
            session.execute(text(f"UPDATE {table} SET id = id WHERE 0"))
        else:
            session.execute(text("BEGIN IMMEDIATE"))


def _check_page_limit(owner: str) -> None:
    limit = page_limit(owner)
    if limit is None:
        return
    session = db_session()
    _serialise_creates(owner)
    count = session.scalar(select(func.count()).select_from(owned_pages(owner).subquery())) or 0
    if count >= limit:
        raise ApiError(403, f"This plan allows {limit} status pages.", code="page_limit_reached")


#: Fields of a page create that are not the page's own.
_CONTENTS = ("slug", "components", "groups")


def create_page(owner: str, data: dict[str, Any]) -> Page:
    """Create a page, with the ``groups`` and ``components`` given (one transaction); a
    slug made from the name gets ``-2``, ``-3``... when taken."""
    session = db_session()
    explicit_slug = data.get("slug")
    for _ in range(SLUG_ATTEMPTS):
        _check_page_limit(owner)
        _check_unique(explicit_slug, data.get("custom_domain"))
        slug = explicit_slug or _free_slug(rules.slugify(data["name"]))
        page = Page(id=new_id(), owner=owner, slug=slug, theme={}, ip_allowlist=[])
        _apply(page, {k: v for k, v in data.items() if k not in _CONTENTS})
        session.add(page)
        made = _add_contents(page, data.get("groups", []), data.get("components", []))
        events = [event(signals.component_created, component=c) for c in made]
        try:
            commit(event(signals.page_created, page=page), *events)
        except IntegrityError:
            session.rollback()  # a concurrent create won the slug: look again
            continue
        return page
    raise conflict("Could not find a free slug for this page; try again.")


def _add_contents(
    page: Page, group_items: list[dict[str, Any]], component_items: list[dict[str, Any]]
) -> list[Component]:
    """The groups (each with its ``components``) and components of a new page, in the
    session, ordered as listed unless their ``display_order`` says otherwise. A
    component's ``group_name`` names a group of the request, or one made for it."""
    named: dict[str, ComponentGroup] = {}
    listed: list[tuple[dict[str, Any], ComponentGroup | None]] = []
    for group_data in group_items:
        group_data = dict(group_data)
        members = group_data.pop("components", [])
        group = _add_group(page, group_data, len(named))
        named[group.name] = group
        listed += [(member, group) for member in members]
    for item in component_items:
        item = dict(item)
        name = item.pop("group_name", None) or None  # "" names no group, like null
        if name is not None and name not in named:
            named[name] = _add_group(page, {"name": name}, len(named))
        listed.append((item, named.get(name) if name is not None else None))
    return [
        add_component(page, {"display_order": order, **item, "group": group})
        for order, (item, group) in enumerate(listed)
    ]


def _add_group(page: Page, data: dict[str, Any], order: int) -> ComponentGroup:
    group = ComponentGroup(page_id=page.id, **{"display_order": order, "collapsed": False, **data})
    db_session().add(group)
    return group


def update_page(page: Page, data: dict[str, Any]) -> Page:
    session = db_session()
    _check_unique(data.get("slug"), data.get("custom_domain"), page)
    _apply(page, data)
    try:
        commit(event(signals.page_updated, page=page))
    except IntegrityError:
        session.rollback()
        raise conflict("The slug was just taken by another page.") from None
    return page


def _apply(page: Page, data: dict[str, Any]) -> None:
    """Set ``data`` on ``page``: the password is kept hashed, a new domain unverified,
    ``visibility`` in the columns it stands for (``rules.visibility_columns``)."""
    try:
        data = rules.visibility_columns(data, page.password_hash is not None)
    except ValueError as problems:
        raise validation_error(problems.args[0]) from None
    for key, value in data.items():
        if key == "password":
            page.password_hash = None if value is None else generate_password_hash(value)
        elif key == "custom_domain":
            if value != page.custom_domain:
                page.custom_domain_verified_at = None
            page.custom_domain = value
        elif key == "theme":
            page.theme = value or {}
        elif key == "ip_allowlist":
            page.ip_allowlist = value or []
        else:
            setattr(page, key, value)


def delete_page(page: Page) -> None:
    """Delete a page with its components, incidents, updates and subscribers.

    Children are deleted explicitly rather than left to ``ON DELETE CASCADE``,
    which SQLite only honours when the host turned foreign keys on.
    """
    session = db_session()
    components = select(Component.id).where(Component.page_id == page.id)
    incidents = select(Incident.id).where(Incident.page_id == page.id)
    session.execute(
        delete(ComponentStatusChange).where(ComponentStatusChange.component_id.in_(components))
    )
    subscribers = select(Subscriber.id).where(Subscriber.page_id == page.id)
    session.execute(delete(IncidentUpdate).where(IncidentUpdate.incident_id.in_(incidents)))
    maintenances = select(Maintenance.id).where(Maintenance.page_id == page.id)
    session.execute(
        delete(MaintenanceUpdate).where(MaintenanceUpdate.maintenance_id.in_(maintenances))
    )
    session.execute(
        delete(SubscriberComponent).where(SubscriberComponent.subscriber_id.in_(subscribers))
    )
    metrics = select(Metric.id).where(Metric.page_id == page.id)
    for link in (MetricPoint, MetricComponent):
        session.execute(delete(link).where(link.metric_id.in_(metrics)))
    viewers = select(PageAccessUser.id).where(PageAccessUser.page_id == page.id)
    for grant in (PageAccessUserComponent, PageAccessUserMetric):
        session.execute(delete(grant).where(grant.user_id.in_(viewers)))
    for model in (
        Delivery,
        NotificationEvent,
        Metric,
        Component,
        ComponentGroup,
        Incident,
        IncidentTemplate,
        Maintenance,
        Subscriber,
        PageAccessUser,
    ):
        session.execute(delete(model).where(model.page_id == page.id))
    session.delete(page)
    commit(event(signals.page_deleted, page=page))
