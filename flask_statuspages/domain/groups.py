"""Component groups: named, ordered sections of a page's components.

A component is in one group at most (``Component.group_id``). Groups are
ordered by ``display_order``, then name; a group's components by their own
``display_order``, then name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import rules, signals
from ..changes import Event, commit, event
from ..errors import conflict, not_found, validation_error
from ..models import Component, ComponentGroup, Page
from ..schemas import Extended
from ..state import db_session


def ordered_groups(page_id: str) -> Any:
    return (
        select(ComponentGroup)
        .where(ComponentGroup.page_id == page_id)
        .order_by(ComponentGroup.display_order, ComponentGroup.name, ComponentGroup.id)
    )


def _find_group(page: Page, group_id: str) -> ComponentGroup | None:
    return db_session().scalar(
        select(ComponentGroup).where(
            ComponentGroup.page_id == page.id, ComponentGroup.id == group_id
        )
    )


def get_group(page: Page, group_id: str) -> ComponentGroup:
    group = _find_group(page, group_id)
    if group is None:
        raise not_found("Group")
    return group


def member_ids(group_ids: Iterable[str]) -> dict[str, list[str]]:
    """The ids of each group's components, in display order (one query)."""
    found: dict[str, list[str]] = {group_id: [] for group_id in group_ids}
    if not found:
        return found
    rows = db_session().execute(
        select(Component.group_id, Component.id)
        .where(Component.group_id.in_(list(found)))
        .order_by(Component.display_order, Component.name, Component.id)
    )
    for group_id, component_id in rows:
        found[cast(str, group_id)].append(component_id)
    return found


def with_members(groups: Sequence[ComponentGroup]) -> list[Extended]:
    """``groups`` seen with their ``component_ids``, for :class:`~..schemas.GroupSchema`."""
    members = member_ids(g.id for g in groups)
    return [Extended(group, component_ids=members[group.id]) for group in groups]


def _next_order(page_id: str | None) -> int:
    """After the page's last group."""
    last = db_session().scalar(
        select(func.max(ComponentGroup.display_order)).where(ComponentGroup.page_id == page_id)
    )
    return 0 if last is None else last + 1


def group_named(page: Page, name: str) -> ComponentGroup:
    """The page's group called ``name``, added to the session (last in order) if missing."""
    session = db_session()
    found = session.scalar(
        select(ComponentGroup).where(ComponentGroup.page_id == page.id, ComponentGroup.name == name)
    )
    if found is not None:
        return found
    group = ComponentGroup(page_id=page.id, name=name, display_order=_next_order(page.id))
    session.add(group)
    return group


def group_for_component(page: Page, group_id: str) -> ComponentGroup:
    """The group a component's ``group_id`` names: 422 when it is not one of the page's."""
    group = _find_group(page, group_id)
    if group is None:
        raise validation_error({"group_id": ["No such group on this page."]})
    return group


def _page_components(page: Page, ids: Sequence[str], field: str) -> list[Component]:
    """The page's components ``ids`` (each once), in that order; 422 on ``field`` if not."""
    rows = db_session().scalars(
        select(Component).where(Component.page_id == page.id, Component.id.in_(set(ids)))
    )
    by_id = {component.id: component for component in rows}
    problems = rules.id_list_problems(ids, by_id, complete=False)
    if problems:
        raise validation_error({field: problems})
    return [by_id[i] for i in ids]


def _check_name_free(page_id: str, name: str, except_id: str | None = None) -> None:
    query = select(ComponentGroup.id).where(
        ComponentGroup.page_id == page_id, ComponentGroup.name == name
    )
    if except_id is not None:
        query = query.where(ComponentGroup.id != except_id)
    if db_session().scalar(query) is not None:
        raise _name_taken(name)


def _name_taken(name: str) -> Exception:
    return conflict(f"The page has a group called {name!r} already.")


def _commit(name: str, *events: Event) -> None:
    """Commit; a concurrent write that took the name meanwhile (the unique index) is 409."""
    try:
        commit(*events)
    except IntegrityError:
        db_session().rollback()
        raise _name_taken(name) from None


def create_group(page: Page, data: dict[str, Any]) -> ComponentGroup:
    data = dict(data)
    ids = data.pop("component_ids", None)
    members = _page_components(page, ids, "component_ids") if ids is not None else []
    _check_name_free(page.id, data["name"])
    data.setdefault("display_order", _next_order(page.id))
    group = ComponentGroup(page_id=page.id, **{"collapsed": False, **data})
    db_session().add(group)
    for component in members:
        component.group = group
    _commit(group.name, event(signals.group_created, group=group))
    return group


def update_group(group: ComponentGroup, data: dict[str, Any]) -> ComponentGroup:
    """Change a group; ``component_ids``, when given, is its whole new membership."""
    data = dict(data)
    ids = data.pop("component_ids", None)
    members = _page_components(group.page, ids, "component_ids") if ids is not None else None
    if "name" in data:
        _check_name_free(group.page_id, data["name"], group.id)
    if members is not None:
        _set_members(group, members)
    for key, value in data.items():
        setattr(group, key, value)
    _commit(group.name, event(signals.group_updated, group=group))
    return group


def _set_members(group: ComponentGroup, members: list[Component]) -> None:
    keep = {component.id for component in members}
    for component in _members(group):
        if component.id not in keep:
            component.group = None
    for component in members:
        component.group = group


def _members(group: ComponentGroup) -> Sequence[Component]:
    return db_session().scalars(select(Component).where(Component.group_id == group.id)).all()


def delete_group(group: ComponentGroup) -> None:
    """Delete a group; its components stay on the page, ungrouped.

    They are ungrouped here rather than by ``ON DELETE SET NULL``, which SQLite
    only honours when the host turned foreign keys on.
    """
    session = db_session()
    for component in _members(group):
        component.group = None
    session.flush()
    session.delete(group)
    commit(event(signals.group_deleted, group=group))


def reorder_groups(page: Page, ids: Sequence[str]) -> list[ComponentGroup]:
    """Put the page's groups in the order of ``ids`` (every group, each once)."""
    groups = db_session().scalars(ordered_groups(page.id)).all()
    by_id = {group.id: group for group in groups}
    problems = rules.id_list_problems(ids, by_id, complete=True)
    if problems:
        raise validation_error({"ids": problems})
    for order, group_id in enumerate(ids):
        by_id[group_id].display_order = order
    ordered = [by_id[group_id] for group_id in ids]
    commit(event(signals.groups_reordered, page=page, groups=ordered))
    return ordered
