"""Scheduled maintenance: the list (in progress, upcoming, past), creating and editing
a window, deleting one, and a preview of what subscribers will receive.

Times are typed in the page's time zone (datetime-local fields); the API gets them
with their offset. "Preview" validates the form as saving would, then shows the
email and the webhook body of the event saving would send, saving nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from .. import formbody, i18n, rules
from ..api import validated
from ..models import Maintenance, Page, new_id, utcnow
from ..notify.preview import preview
from ..schemas import MaintenanceInput
from . import forms
from .incidents import Route, add_screens, choices, from_local, local_input, reach_of
from .rendering import render
from .screens import confirm_here as confirm
from .screens import done, owned_page, statuspages

OPEN = ("in_progress", "verifying")
TIMES = ("scheduled_for", "scheduled_until")


def register(bp: Blueprint) -> None:
    base = "/pages/<page_id>/maintenances"
    rules_: list[Route] = [
        (base, "maintenances", maintenances, ["GET"]),
        (base + "/new", "new_maintenance", new_maintenance, ["GET", "POST"]),
        (base + "/<maintenance_id>", "edit_maintenance", edit_maintenance, ["GET", "POST"]),
        (
            base + "/<maintenance_id>/delete",
            "delete_maintenance",
            delete_maintenance,
            ["GET", "POST"],
        ),
    ]
    add_screens(bp, "statuspages_console.maintenances", rules_)


def maintenances(page_id: str) -> Response:
    page = owned_page(page_id)
    windows = statuspages().maintenances.list(page)
    return render(
        "maintenances.html",
        page=page,
        in_progress=[m for m in windows if m.status in OPEN],
        upcoming=sorted(
            (m for m in windows if m.status == "scheduled"), key=lambda m: m.scheduled_for
        ),
        past=[m for m in windows if m.status == "completed"],
        names={c.id: c.name for c in statuspages().components.list(page)},
    )


def new_maintenance(page_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    if request.method == "GET":
        return _form(page, None, {"auto_transition": True, "component_ids": []}, None)
    shown, values = _read(page)
    if forms.control("action") == "preview":
        return _preview(page, None, shown, values)
    created, invalid = forms.attempt(lambda: statuspages().maintenances.create(page, **values))
    if invalid is not None:
        return _form(page, None, shown, invalid, 422)
    assert created is not None
    message = i18n.gettext("Maintenance “%(title)s” scheduled.", title=created.title)
    return done(message, ".maintenances", page_id=page.id)


def edit_maintenance(page_id: str, maintenance_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    found = statuspages().maintenances.get(page, maintenance_id)
    if request.method == "GET":
        return _form(page, found, _values_of(found, page.time_zone), None)
    shown, values = _read(page)
    if forms.control("action") == "preview":
        return _preview(page, found, shown, values)
    if values.get("message") == found.message:
        values.pop("message", None)  # a new message adds to the timeline; the same one would too
    _, invalid = forms.attempt(lambda: statuspages().maintenances.update(page, found, **values))
    if invalid is not None:
        return _form(page, found, shown, invalid, 422)
    message = i18n.gettext("Maintenance “%(title)s” saved.", title=found.title)
    return done(message, ".maintenances", page_id=page.id)


def delete_maintenance(page_id: str, maintenance_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    found = statuspages().maintenances.get(page, maintenance_id)
    if request.method == "GET":
        return confirm(
            page,
            i18n.gettext("Delete “%(title)s”?", title=found.title),
            i18n.gettext(
                "The window leaves the page; its components, if under maintenance, come"
                " back. Subscribers are not told."
            ),
            i18n.gettext("Delete maintenance"),
            url_for(".edit_maintenance", page_id=page.id, maintenance_id=found.id),
        )
    title = found.title
    statuspages().maintenances.delete(page, found)
    message = i18n.gettext("Maintenance “%(title)s” deleted.", title=title)
    return done(message, ".maintenances", page_id=page.id)


# ------------------------------------------------------------------ the form


def _read(page: Page) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form as typed (to show again) and as the API takes it (times with their offset)."""
    raw = forms.read(checkboxes=("auto_transition",))
    raw.setdefault("component_ids", [])
    shown = dict(raw)
    for name in TIMES:
        raw[name] = from_local(raw.get(name), page.time_zone)
        if raw[name] in (None, ""):
            raw.pop(name)
    if not raw.get("status"):
        raw.pop("status", None)
    values = dict(formbody.typed(MaintenanceInput(), raw))
    shown["auto_transition"] = values.get("auto_transition") is True
    return shown, values


def _values_of(found: Maintenance, zone: str) -> dict[str, Any]:
    return {
        "title": found.title,
        "message": found.message,
        "scheduled_for": local_input(found.scheduled_for, zone),
        "scheduled_until": local_input(found.scheduled_until, zone),
        "status": found.status,
        "auto_transition": found.auto_transition,
        "component_ids": list(found.component_ids or []),
    }


def _form(
    page: Page,
    found: Maintenance | None,
    shown: dict[str, Any],
    invalid: Any,
    status: int = 200,
    preview_of: Any = None,
) -> Response:
    return render(
        "maintenance_form.html",
        status,
        page=page,
        maintenance=found,
        values=shown,
        invalid=invalid,
        preview=preview_of,
        components=statuspages().components.list(page),
        statuses=[("", i18n.gettext("As scheduled")), *choices(rules.MAINTENANCE_STATUSES)],
        reach=reach_of(page, shown.get("component_ids") or []),
    )


def _preview(
    page: Page, found: Maintenance | None, shown: dict[str, Any], values: dict[str, Any]
) -> Response:
    """The form again with what saving it would send; refused as saving would be."""
    data, invalid = forms.attempt(
        lambda: validated(MaintenanceInput, _merged(found, values), partial=found is not None)
    )
    if invalid is not None or data is None:
        return _form(page, found, shown, invalid, 422)
    window = _transient(page, found, {**_merged(found, {}), **data})
    kind = _event_of(found, window)
    shown_preview = preview(page, kind, maintenance=window) if kind else None
    return _form(page, found, shown, None, preview_of=shown_preview or False)


def _merged(found: Maintenance | None, values: dict[str, Any]) -> dict[str, Any]:
    if found is None:
        return dict(values)
    base = {
        "title": found.title,
        "message": found.message,
        "scheduled_for": found.scheduled_for,
        "scheduled_until": found.scheduled_until,
        "auto_transition": found.auto_transition,
        "component_ids": list(found.component_ids or []),
    }
    return {**base, **values}


def _transient(page: Page, found: Maintenance | None, data: dict[str, Any]) -> Maintenance:
    """The window as saving would leave it, never added to the session."""
    now = utcnow()
    status = data.get("status") or (found.status if found else None)
    if status is None:
        status = "scheduled"
        if data.get("auto_transition", True):
            due = rules.maintenance_status_due(
                status, data["scheduled_for"], data["scheduled_until"], now
            )
            status = due or status
    return Maintenance(
        id=found.id if found else new_id(),
        page_id=page.id,
        title=data["title"],
        message=data.get("message"),
        status=status,
        scheduled_for=data["scheduled_for"],
        scheduled_until=data["scheduled_until"],
        auto_transition=data.get("auto_transition", True),
        component_ids=list(data.get("component_ids") or []),
        updates=[],
        created_at=found.created_at if found else now,
        updated_at=now,
    )


def _event_of(found: Maintenance | None, window: Maintenance) -> str | None:
    """The event saving sends: the announcement of a new window, or a status move."""
    old = found.status if found else None
    if window.status in OPEN and old not in OPEN:
        return "maintenance.started"
    if window.status == "completed" and old != "completed":
        return "maintenance.completed"
    if window.status == "scheduled" and old is None:
        return "maintenance.scheduled"
    return None
