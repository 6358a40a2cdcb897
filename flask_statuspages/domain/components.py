"""Components of a page, and the record of every status they enter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .. import rules, signals
from ..changes import Event, commit, event
from ..errors import conflict, not_found, validation_error
from ..models import (
    Component,
    ComponentStatusChange,
    MetricComponent,
    Page,
    PageAccessUserComponent,
    SubscriberComponent,
)
from ..notify import outbox
from ..state import db_session
from . import groups


def ordered_components(page_id: str) -> Any:
    return (
        select(Component)
        .where(Component.page_id == page_id)
        .order_by(Component.display_order, Component.name, Component.id)
    )


def get_component(page: Page, component_id: str) -> Component:
    component = db_session().scalar(
        select(Component).where(Component.page_id == page.id, Component.id == component_id)
    )
    if component is None:
        raise not_found("Component")
    return component


def unknown_on_page(page: Page, component_ids: Iterable[str]) -> list[str]:
    """Those of ``component_ids`` that are no component of ``page``, sorted."""
    wanted = set(component_ids)
    if not wanted:
        return []
    known = db_session().scalars(
        select(Component.id).where(Component.page_id == page.id, Component.id.in_(wanted))
    )
    return sorted(wanted - set(known))


def check_on_page(page: Page, component_ids: Iterable[str], field: str = "component_ids") -> None:
    """422 on ``field`` unless every one of ``component_ids`` is a component of ``page``."""
    unknown = unknown_on_page(page, component_ids)
    if unknown:
        raise validation_error({field: [f"No such component on this page: {', '.join(unknown)}."]})


def _record_status(component: Component, old_status: str | None) -> None:
    db_session().add(
        ComponentStatusChange(
            component=component, old_status=old_status, new_status=component.status
        )
    )


def _resolve_group(page: Page, data: dict[str, Any]) -> dict[str, Any]:
    """``group_id``, or the ``group_name`` shortcut (a group made when missing), as the
    ``group`` it names; 422 when both are given and name different groups."""
    if "group_id" not in data and "group_name" not in data:
        return data
    data = dict(data)
    has_id, group_id = "group_id" in data, data.pop("group_id", None)
    has_name, name = "group_name" in data, data.pop("group_name", None) or None
    group = groups.group_for_component(page, group_id) if group_id else None
    if has_id and has_name and (group.name if group else None) != name:
        message = "group_id and group_name name different groups; give one of them."
        raise validation_error({"group_id": [message], "group_name": [message]})
    if not has_id:
        group = groups.group_named(page, name) if name else None
    data["group"] = group
    return data


def add_component(page: Page, data: dict[str, Any]) -> Component:
    """A new component of ``page`` in the session, its first status recorded; no commit."""
    component = Component(page_id=page.id, **{"status": "operational", **data})
    db_session().add(component)
    _record_status(component, None)
    return component


def _commit(*events: Event) -> None:
    """Commit; a group made by ``group_name`` that a concurrent write made too is 409."""
    try:
        commit(*events)
    except IntegrityError:
        db_session().rollback()
        message = "A group of that name was being made at the same time; try again."
        raise conflict(message) from None


def create_component(page: Page, data: dict[str, Any]) -> Component:
    component = add_component(page, _resolve_group(page, data))
    _commit(event(signals.component_created, component=component))
    return component


def update_component(component: Component, data: dict[str, Any]) -> Component:
    data = _resolve_group(component.page, data)
    old_status = component.status
    status = data.pop("status", old_status)
    for key, value in data.items():
        setattr(component, key, value)
    events = move_status(component, status)
    if events:
        outbox.record(
            component.page,
            "component.status_changed",
            component=component,
            component_ids=[component.id],
            component_update={"old_status": old_status, "new_status": status},
        )
    _commit(*(events or [event(signals.component_updated, component=component)]))
    return component


def delete_component(component: Component) -> None:
    session = db_session()
    links = (ComponentStatusChange, SubscriberComponent, MetricComponent, PageAccessUserComponent)
    for model in links:
        session.execute(delete(model).where(model.component_id == component.id))
    session.delete(component)
    commit(event(signals.component_deleted, component=component))


def move_status(component: Component, status: str) -> list[Event]:
    """Put ``component`` in ``status`` and record the change; the signals it calls for
    (none when it is in that status already). The outbox event is the caller's: a
    component's own update records one, an incident or a maintenance window announces
    the change as its own."""
    old_status = component.status
    if status == old_status:
        return []
    component.status = status
    _record_status(component, old_status)
    return [
        event(signals.component_updated, component=component),
        event(
            signals.component_status_changed,
            component=component,
            old_status=old_status,
            new_status=status,
        ),
    ]


def reorder_components(page: Page, ids: Sequence[str], field: str = "ids") -> list[Component]:
    """Put the page's components in the order of ``ids`` (every one, each once):
    ``display_order`` becomes 0, 1, 2... ``field`` names the list in errors."""
    components = db_session().scalars(ordered_components(page.id)).all()
    by_id = {component.id: component for component in components}
    problems = rules.id_list_problems(ids, by_id, complete=True)
    if problems:
        raise validation_error({field: problems})
    for order, component_id in enumerate(ids):
        by_id[component_id].display_order = order
    ordered = [by_id[component_id] for component_id in ids]
    commit(event(signals.components_reordered, page=page, components=ordered))
    return ordered
