"""Components and groups: the list in display order, a status set in one click,
creating, editing, deleting, and reordering (Move up/down forms, which the drag
and drop of ``reorder.js`` also posts to)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from .. import i18n, rules
from ..domain.subscribers import reach
from ..labels import status_label
from ..models import Component, ComponentGroup, Page
from ..schemas import ComponentInput, GroupInput
from . import forms
from .ordering import Section, move_component, move_item
from .rendering import render, section_of
from .screens import confirm, done, owned_page, statuspages

LIST = "statuspages_console.components"
_CHILDREN = (
    "component_new",
    "component_edit",
    "component_delete",
    "component_status",
    "component_move",
    "components_reorder",
    "group_new",
    "group_edit",
    "group_delete",
    "group_move",
    "groups_reorder",
)


def register(bp: Blueprint) -> None:
    base = "/pages/<page_id>/components"
    one = base + "/<component_id>"
    groups = "/pages/<page_id>/groups"
    both = ["GET", "POST"]
    bp.add_url_rule(base, "components", components)
    bp.add_url_rule(base + "/new", "component_new", component_new, methods=both)
    bp.add_url_rule(one + "/edit", "component_edit", component_edit, methods=both)
    bp.add_url_rule(one + "/delete", "component_delete", component_delete, methods=both)
    bp.add_url_rule(one + "/status", "component_status", component_status, methods=["POST"])
    bp.add_url_rule(one + "/move", "component_move", component_move, methods=["POST"])
    bp.add_url_rule(base + "/order", "components_reorder", components_reorder, methods=["POST"])
    bp.add_url_rule(groups + "/new", "group_new", group_new, methods=both)
    bp.add_url_rule(groups + "/<group_id>/edit", "group_edit", group_edit, methods=both)
    bp.add_url_rule(groups + "/<group_id>/delete", "group_delete", group_delete, methods=both)
    bp.add_url_rule(groups + "/<group_id>/move", "group_move", group_move, methods=["POST"])
    bp.add_url_rule(groups + "/order", "groups_reorder", groups_reorder, methods=["POST"])
    section_of(LIST, *(f"statuspages_console.{name}" for name in _CHILDREN))


# ------------------------------------------------------------------ the list


def sections_of(page: Page) -> list[tuple[ComponentGroup | None, list[Component]]]:
    """The page's groups in order, each with its components, then the ungrouped ones."""
    api = statuspages()
    listed = api.components.list(page)
    sections: list[tuple[ComponentGroup | None, list[Component]]] = [
        (group, [c for c in listed if c.group_id == group.id]) for group in api.groups.list(page)
    ]
    sections.append((None, [c for c in listed if c.group_id is None]))
    return sections


def _layout(page: Page) -> list[Section]:
    return [(g.id if g else None, [c.id for c in items]) for g, items in sections_of(page)]


def components(page_id: str) -> Response:
    """Every component by group, each with its status form and Move buttons."""
    return list_screen(owned_page(page_id))


def list_screen(
    page: Page, status: int = 200, *, row: str | None = None, invalid: Any = None
) -> Response:
    sections = sections_of(page)
    reaches = {c.id: reach(page.id, [c.id]) for _, items in sections for c in items}
    return render(
        "components.html",
        status,
        page=page,
        layout=sections,
        reaches=reaches,
        statuses=[(s, status_name(s)) for s in rules.COMPONENT_STATUSES],
        group_count=sum(1 for group, _ in sections if group is not None),
        refused_row=row,
        invalid=invalid,
    )


def status_name(status: str) -> str:
    return status_label(status)


# ------------------------------------------------------------ one component


def _group_options(page: Page) -> list[tuple[str, str]]:
    groups = statuspages().groups.list(page)
    return [("", i18n.gettext("No group")), *((g.id, g.name) for g in groups)]


def _component_form(
    page: Page, values: dict[str, Any], status: int = 200, **context: Any
) -> Response:
    return render(
        "component_form.html",
        status,
        page=page,
        values=values,
        groups=_group_options(page),
        statuses=[(s, status_name(s)) for s in rules.COMPONENT_STATUSES],
        **context,
    )


def _read_component() -> dict[str, Any]:
    values = forms.read(ComponentInput(), checkboxes=("show_uptime",))
    values.setdefault("group_id", None)
    return values


def component_new(page_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    if request.method == "GET":
        preset = {
            "show_uptime": True,
            "status": "operational",
            "group_id": request.args.get("group"),
        }
        return _component_form(page, preset, component=None, invalid=None)
    values = _read_component()
    created, invalid = forms.attempt(lambda: statuspages().components.create(page, **values))
    if invalid is not None:
        return _component_form(page, values, 422, component=None, invalid=invalid)
    assert created is not None
    message = i18n.gettext("Component “%(name)s” added.", name=created.name)
    return done(message, ".components", page_id=page.id)


def component_edit(page_id: str, component_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    component = statuspages().components.get(page, component_id)
    if request.method == "GET":
        values = {
            "name": component.name,
            "description": component.description,
            "group_id": component.group_id,
            "show_uptime": component.show_uptime,
        }
        return _component_form(page, values, component=component, invalid=None)
    values = _read_component()
    values.pop("status", None)  # the status is set from the list, where its reach is shown
    api = statuspages().components
    _, invalid = forms.attempt(lambda: api.update(page, component, **values))
    if invalid is not None:
        return _component_form(page, values, 422, component=component, invalid=invalid)
    message = i18n.gettext("Component “%(name)s” saved.", name=component.name)
    return done(message, ".components", page_id=page.id)


def component_delete(page_id: str, component_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    component = statuspages().components.get(page, component_id)
    if request.method == "GET":
        return confirm(
            page,
            title=i18n.gettext("Delete “%(name)s”?", name=component.name),
            message=i18n.gettext(
                "The component leaves the page with its uptime history. Incidents that"
                " affected it stay."
            ),
            action=url_for(".component_delete", page_id=page.id, component_id=component.id),
            button=i18n.gettext("Delete the component"),
            back=url_for(".components", page_id=page.id),
        )
    name = component.name
    statuspages().components.delete(page, component)
    return done(
        i18n.gettext("Component “%(name)s” deleted.", name=name), ".components", page_id=page.id
    )


def component_status(page_id: str, component_id: str) -> ResponseReturnValue:
    """One click from the list: the new status, recorded and notified by the API."""
    page = owned_page(page_id)
    api = statuspages().components
    component = api.get(page, component_id)
    status = forms.read(ComponentInput()).get("status")
    _, invalid = forms.attempt(lambda: api.set_status(page, component, status))
    if invalid is not None:
        return list_screen(page, 422, row=component.id, invalid=invalid)
    message = i18n.gettext(
        "“%(name)s” is now %(status)s.", name=component.name, status=status_name(component.status)
    )
    return done(message, ".components", page_id=page.id, _anchor=f"component-{component.id}")


def _step() -> int | None:
    return {"up": -1, "down": 1}.get(forms.control("direction") or "")


def component_move(page_id: str, component_id: str) -> ResponseReturnValue:
    """Move up or down (``_direction``), into the next group at an edge."""
    page = owned_page(page_id)
    api = statuspages()
    component = api.components.get(page, component_id)
    step = _step()
    moved = move_component(_layout(page), component.id, step) if step else None
    if moved is None:
        return _unmoved(page, component.id)
    group_id, order = moved
    if group_id != component.group_id:
        api.components.update(page, component, group_id=group_id)
    api.components.reorder(page, order)
    return done(
        _moved_message(component.name, step),
        ".components",
        page_id=page.id,
        _anchor=f"component-{component.id}",
    )


def _moved_message(name: str, step: int | None) -> str:
    if step == -1:
        return i18n.gettext("“%(name)s” moved up.", name=name)
    return i18n.gettext("“%(name)s” moved down.", name=name)


def _unmoved(page: Page, row: str) -> Response:
    invalid = forms.Invalid(i18n.gettext("It cannot move further that way."))
    return list_screen(page, 422, row=row, invalid=invalid)


def components_reorder(page_id: str) -> ResponseReturnValue:
    """A whole new layout (the drag and drop's): ``ids[]`` in order and each
    component's group in ``groups[<id>]`` (empty: none). Checked whole before
    anything is written."""
    page = owned_page(page_id)
    posted = forms.read()
    ids, placed = posted.get("ids"), posted.get("groups") or {}
    if not _valid_layout(page, ids, placed):
        invalid = forms.Invalid(i18n.gettext("The new order was not understood."))
        return list_screen(page, 422, invalid=invalid)
    api = statuspages().components
    for component in api.list(page):
        group_id = placed.get(component.id, component.group_id) or None
        if group_id != component.group_id:
            api.update(page, component, group_id=group_id)
    api.reorder(page, ids)
    return done(i18n.gettext("New order saved."), ".components", page_id=page.id)


def _valid_layout(page: Page, ids: Any, placed: Any) -> bool:
    api = statuspages()
    known = {c.id for c in api.components.list(page)}
    groups = {g.id for g in api.groups.list(page)} | {""}
    return (
        isinstance(ids, list)
        and sorted(ids) == sorted(known)
        and isinstance(placed, dict)
        and placed.keys() <= known
        and all(isinstance(g, str) and g in groups for g in placed.values())
    )


# --------------------------------------------------------------------- groups


def _group_form(page: Page, values: dict[str, Any], status: int = 200, **context: Any) -> Response:
    return render("group_form.html", status, page=page, values=values, **context)


def group_new(page_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    if request.method == "GET":
        return _group_form(page, {}, group=None, invalid=None)
    values = forms.read(GroupInput(), checkboxes=("collapsed",))
    created, invalid = forms.attempt(lambda: statuspages().groups.create(page, **values))
    if invalid is not None:
        return _group_form(page, values, 422, group=None, invalid=invalid)
    assert created is not None
    message = i18n.gettext("Group “%(name)s” added.", name=created.name)
    return done(message, ".components", page_id=page.id)


def group_edit(page_id: str, group_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    group = statuspages().groups.get(page, group_id)
    if request.method == "GET":
        values = {
            "name": group.name,
            "description": group.description,
            "collapsed": group.collapsed,
        }
        return _group_form(page, values, group=group, invalid=None)
    values = forms.read(GroupInput(), checkboxes=("collapsed",))
    values.pop("component_ids", None)
    api = statuspages().groups
    _, invalid = forms.attempt(lambda: api.update(page, group, **values))
    if invalid is not None:
        return _group_form(page, values, 422, group=group, invalid=invalid)
    return done(
        i18n.gettext("Group “%(name)s” saved.", name=group.name), ".components", page_id=page.id
    )


def group_delete(page_id: str, group_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    group = statuspages().groups.get(page, group_id)
    if request.method == "GET":
        return confirm(
            page,
            title=i18n.gettext("Delete the group “%(name)s”?", name=group.name),
            message=i18n.gettext("Its components stay on the page, without a group."),
            action=url_for(".group_delete", page_id=page.id, group_id=group.id),
            button=i18n.gettext("Delete the group"),
            back=url_for(".components", page_id=page.id),
        )
    name = group.name
    statuspages().groups.delete(page, group)
    return done(
        i18n.gettext("Group “%(name)s” deleted.", name=name), ".components", page_id=page.id
    )


def group_move(page_id: str, group_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    api = statuspages().groups
    group = api.get(page, group_id)
    step = _step()
    order = [g.id for g in api.list(page)]
    moved = move_item(order, group.id, step) if step else None
    if moved is None:
        return _unmoved(page, group.id)
    api.reorder(page, moved)
    return done(
        _moved_message(group.name, step),
        ".components",
        page_id=page.id,
        _anchor=f"group-{group.id}",
    )


def groups_reorder(page_id: str) -> ResponseReturnValue:
    """Every group in a new order (``ids[]``: the drag and drop's)."""
    page = owned_page(page_id)
    ids = forms.read().get("ids")
    api = statuspages().groups
    _, invalid = forms.attempt(lambda: api.reorder(page, ids if isinstance(ids, list) else []))
    if invalid is not None:
        return list_screen(page, 422, invalid=invalid)
    return done(i18n.gettext("New order saved."), ".components", page_id=page.id)
