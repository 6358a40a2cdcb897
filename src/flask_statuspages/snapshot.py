"""The public snapshot of a page: everything a visitor may see, in a fixed
number of queries however many components and incidents the page has."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from . import rules
from .components import ordered_components
from .errors import not_found
from .incidents import incidents_of, unresolved_incidents
from .models import Incident, Page, utcnow
from .schemas import PublicPageSchema
from .state import db_session

RECENT_DAYS = 14
RECENT_LIMIT = 20

_public_page_schema = PublicPageSchema()


def public_page(slug: str) -> Page:
    page = db_session().scalar(select(Page).where(Page.slug == slug, Page.is_public.is_(True)))
    if page is None:
        raise not_found("Page")
    return page


def recent_incidents(page_id: str) -> Any:
    since = utcnow() - timedelta(days=RECENT_DAYS)
    return (
        incidents_of(page_id, "resolved")
        .where(Incident.resolved_at >= since)
        .order_by(None)
        .order_by(Incident.resolved_at.desc(), Incident.id)
        .limit(RECENT_LIMIT)
    )


def build_snapshot(page: Page) -> dict[str, Any]:
    """The public JSON of ``page`` (components, incidents, the overall status)."""
    session = db_session()
    components = session.scalars(ordered_components(page.id)).all()
    active = session.scalars(unresolved_incidents(page.id)).all()
    recent = session.scalars(recent_incidents(page.id)).all()
    return _public_page_schema.dump(
        {
            "name": page.name,
            "slug": page.slug,
            "description": page.description,
            "theme": page.theme,
            "overall_status": rules.overall_status(
                (c.status for c in components), (i.severity for i in active)
            ),
            "components": components,
            "active_incidents": active,
            "recent_incidents": recent,
        }
    )
