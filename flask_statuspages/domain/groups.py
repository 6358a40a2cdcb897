"""Component groups: named, ordered sections of a page's components."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..models import ComponentGroup, Page
from ..state import db_session


def ordered_groups(page_id: str) -> Any:
    return (
        select(ComponentGroup)
        .where(ComponentGroup.page_id == page_id)
        .order_by(ComponentGroup.display_order, ComponentGroup.name, ComponentGroup.id)
    )


def group_named(page: Page, name: str) -> ComponentGroup:
    """The page's group called ``name``, added to the session (last in order) if missing."""
    session = db_session()
    found = session.scalar(
        select(ComponentGroup).where(ComponentGroup.page_id == page.id, ComponentGroup.name == name)
    )
    if found is not None:
        return found
    last = session.scalar(
        select(func.max(ComponentGroup.display_order)).where(ComponentGroup.page_id == page.id)
    )
    group = ComponentGroup(page_id=page.id, name=name, display_order=(last or 0) + 1)
    session.add(group)
    return group
