"""Incidents: the list, opening one (from a template), its timeline (updates posted,
corrected, deleted), resolving it, and its postmortem.

Every form that notifies subscribers says first whom it will reach
(:func:`..domain.subscribers.reach`): the ``reach`` route answers that notice for
the components chosen, which ``incidents.js`` fetches as they change; without
JavaScript a "Preview" submit shows the form again with it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template, request, url_for
from flask.typing import ResponseReturnValue

from .. import formbody, i18n, rules
from ..domain.subscribers import reach
from ..errors import not_found
from ..labels import status_label
from ..markup import render_markdown
from ..models import Incident, Page
from ..schemas import IncidentInput, IncidentUpdateEdit, IncidentUpdateInput, PostmortemInput
from . import forms
from .rendering import TEMPLATES, render, section_of
from .screens import confirm_here as confirm
from .screens import done, owned_page, statuspages

SECTION = "statuspages_console.incidents"
#: Resolved incidents listed below the open ones.
RECENT_RESOLVED = 20
#: A screen's route: (rule, endpoint, view, methods).
Route = tuple[str, str, Callable[..., ResponseReturnValue], list[str]]


def register(bp: Blueprint) -> None:
    base = "/pages/<page_id>/incidents"
    one = base + "/<incident_id>"
    rules_: list[Route] = [
        (base, "incidents", incidents, ["GET"]),
        (base + "/new", "new_incident", new_incident, ["GET", "POST"]),
        ("/pages/<page_id>/reach", "reach_notice", reach_notice, ["GET"]),
        (one, "incident", incident, ["GET"]),
        (one + "/updates", "post_update", post_update, ["POST"]),
        (one + "/resolve", "resolve_incident", resolve_incident, ["POST"]),
        (one + "/updates/<update_id>/edit", "edit_update", edit_update, ["GET", "POST"]),
        (one + "/updates/<update_id>/delete", "delete_update", delete_update, ["GET", "POST"]),
        (one + "/delete", "delete_incident", delete_incident, ["GET", "POST"]),
        (one + "/postmortem", "postmortem", postmortem, ["GET", "POST"]),
        (one + "/postmortem/publish", "publish_postmortem", publish_postmortem, ["POST"]),
        (one + "/postmortem/unpublish", "unpublish_postmortem", unpublish_postmortem, ["POST"]),
        (one + "/postmortem/delete", "delete_postmortem", delete_postmortem, ["GET", "POST"]),
    ]
    add_screens(bp, SECTION, rules_)


# ------------------------------------------------------------------ shared


def add_screens(bp: Blueprint, section: str, routes: list[Route]) -> None:
    """Add ``routes``; those that are not the section's own keep its menu entry current."""
    for rule, endpoint, view, methods in routes:
        bp.add_url_rule(rule, endpoint, view, methods=methods)
    children = (f"{bp.name}.{endpoint}" for _, endpoint, _, _ in routes)
    section_of(section, *(name for name in children if name != section))


def affected(data: dict[str, Any]) -> dict[str, Any]:
    """The posted ``components[<id>]`` map without the components left "not affected"."""
    given = data.get("components")
    if isinstance(given, dict):
        data["components"] = {key: value for key, value in given.items() if value}
        if not data["components"]:
            data.pop("components")
    return data


def read_typed(schema: Any, *, checkboxes: tuple[str, ...] = ()) -> dict[str, Any]:
    """The posted form, the empty component choices dropped, typed by ``schema``."""
    return dict(formbody.typed(schema, affected(forms.read(checkboxes=checkboxes))))


def reach_of(page: Page, component_ids: Any) -> dict[str, int]:
    return reach(page.id, list(component_ids or ()))


def local_input(moment: datetime | None, zone: str) -> str:
    """``moment`` as a datetime-local field's value in ``zone``."""
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")


def from_local(value: Any, zone: str) -> Any:
    """A datetime-local value read in ``zone``, as ISO 8601 with its offset; anything
    else as it was (the schema refuses it with its own message)."""
    if not isinstance(value, str) or not value:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.isoformat()


def reach_notice(page_id: str) -> Response:
    """The reach notice for ``component_ids[]`` (none: the whole page), as a fragment."""
    page = owned_page(page_id)
    ids = request.args.getlist("component_ids[]") or request.args.getlist("component_ids")
    html = render_template(TEMPLATES + "incident_reach.html", reach=reach_of(page, ids[:500]))
    return Response(html, mimetype="text/html")


def choices(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(value, translated label) pairs of a select."""
    return [(name, status_label(name)) for name in names]


def form_context(page: Page) -> dict[str, Any]:
    """What the incident forms choose from."""
    api = statuspages()
    return {
        "components": api.components.list(page),
        "groups": {group.id: group.name for group in api.groups.list(page)},
        "component_statuses": choices(rules.COMPONENT_STATUSES),
        "incident_statuses": choices(rules.INCIDENT_STATUSES),
        "severities": choices(rules.SEVERITIES),
    }


def _incident(page: Page, incident_id: str) -> Incident:
    found: Incident = statuspages().incidents.get(page, incident_id)
    return found


# -------------------------------------------------------------- the list


def incidents(page_id: str) -> Response:
    """Open incidents first, then the recently resolved ones."""
    page = owned_page(page_id)
    api = statuspages()
    return render(
        "incidents.html",
        page=page,
        open_incidents=api.incidents.list(page, status="open"),
        resolved=api.incidents.list(page, status="resolved")[:RECENT_RESOLVED],
        templates=api.incident_templates.list(page),
    )


# ------------------------------------------------------------ opening one


def new_incident(page_id: str) -> ResponseReturnValue:
    """The form (filled from ``?template_id=``); "Preview" shows the reach, saving nothing."""
    page = owned_page(page_id)
    api = statuspages()
    if request.method == "GET":
        values: dict[str, Any] = {"status": "investigating", "severity": "minor", "notify": True}
        chosen = request.args.get("template_id")
        if chosen:
            values = {**values, **_from_template(page, chosen), "template_id": chosen}
        return _new_form(page, values, None)
    values = read_typed(IncidentInput(), checkboxes=("notify",))
    if forms.control("action") == "preview":
        return _new_form(page, values, None)
    created, invalid = forms.attempt(lambda: api.incidents.create(page, **values))
    if invalid is not None:
        return _new_form(page, values, invalid, 422)
    assert created is not None
    message = i18n.gettext("Incident “%(title)s” opened.", title=created.title)
    return done(message, ".incident", page_id=page.id, incident_id=created.id)


def _from_template(page: Page, template_id: str) -> dict[str, Any]:
    if not template_id:
        return {}
    template = statuspages().incident_templates.get(page, template_id)
    filled = {"title": template.title, "message": template.message}
    if template.severity:
        filled["severity"] = template.severity
    if template.components:
        filled["components"] = dict(template.components)
    return filled


def _new_form(page: Page, values: dict[str, Any], invalid: Any, status: int = 200) -> Response:
    chosen = values.get("components") if isinstance(values.get("components"), dict) else {}
    return render(
        "incident_new.html",
        status,
        page=page,
        values=values,
        invalid=invalid,
        reach=reach_of(page, chosen),
        template_options=[(t.id, t.name) for t in statuspages().incident_templates.list(page)],
        **form_context(page),
    )


# ------------------------------------------------------------ the detail


def incident(page_id: str, incident_id: str) -> Response:
    page = owned_page(page_id)
    return _detail(page, _incident(page, incident_id), {"notify": True}, None)


def _detail(
    page: Page, found: Incident, values: dict[str, Any], invalid: Any, status: int = 200
) -> Response:
    given = values.get("components")
    chosen: dict[str, Any] = given if isinstance(given, dict) else {}
    return render(
        "incident.html",
        status,
        page=page,
        incident=found,
        values=values,
        invalid=invalid,
        reach=reach_of(page, list(chosen) or list(found.components or {})),
        postmortem_html=render_markdown(found.postmortem) if found.postmortem else None,
        markdown=render_markdown,
        **form_context(page),
    )


def post_update(page_id: str, incident_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    found = _incident(page, incident_id)
    values = read_typed(IncidentUpdateInput(), checkboxes=("notify",))
    if forms.control("action") == "preview":
        return _detail(page, found, values, None)
    posted, invalid = forms.attempt(
        lambda: statuspages().incidents.post_update(page, found, **values)
    )
    if invalid is not None:
        return _detail(page, found, values, invalid, 422)
    return done(i18n.gettext("Update posted."), ".incident", page_id=page.id, incident_id=found.id)


def resolve_incident(page_id: str, incident_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    found = _incident(page, incident_id)
    values = read_typed(IncidentUpdateInput(), checkboxes=("notify",))
    fields = {key: values[key] for key in ("message", "notify") if values.get(key) is not None}
    _, invalid = forms.attempt(lambda: statuspages().incidents.resolve(page, found, **fields))
    if invalid is not None:
        return _detail(page, found, {**values, "resolve": True}, invalid, 422)
    return done(
        i18n.gettext("Incident resolved."), ".incident", page_id=page.id, incident_id=found.id
    )


def edit_update(page_id: str, incident_id: str, update_id: str) -> ResponseReturnValue:
    """Correct an update's message or time: nobody is notified again."""
    page = owned_page(page_id)
    found = _incident(page, incident_id)
    update = next((item for item in found.updates if item.id == update_id), None)
    if update is None:
        raise not_found("Incident update")
    zone = page.time_zone
    if request.method == "GET":
        values = {"message": update.message, "created_at": local_input(update.created_at, zone)}
        return _edit_form(page, found, update, values, None)
    raw = forms.read()
    shown = dict(raw)
    raw["created_at"] = from_local(raw.get("created_at"), zone)
    if not raw.get("created_at"):
        raw.pop("created_at", None)
    values = formbody.typed(IncidentUpdateEdit(), raw)
    _, invalid = forms.attempt(
        lambda: statuspages().incidents.edit_update(page, found, update, **values)
    )
    if invalid is not None:
        return _edit_form(page, found, update, shown, invalid, 422)
    return done(
        i18n.gettext("Update corrected."), ".incident", page_id=page.id, incident_id=found.id
    )


def _edit_form(
    page: Page,
    found: Incident,
    update: Any,
    values: dict[str, Any],
    invalid: Any,
    status: int = 200,
) -> Response:
    return render(
        "incident_update_edit.html",
        status,
        page=page,
        incident=found,
        update=update,
        values=values,
        invalid=invalid,
    )


def delete_update(page_id: str, incident_id: str, update_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    found = _incident(page, incident_id)
    back = url_for(".incident", page_id=page.id, incident_id=found.id)
    if request.method == "GET":
        if not any(item.id == update_id for item in found.updates):
            raise not_found("Incident update")
        return confirm(
            page,
            i18n.gettext("Delete this update?"),
            i18n.gettext("The update leaves the incident's timeline. Subscribers are not told."),
            i18n.gettext("Delete update"),
            back,
        )
    _, invalid = forms.attempt(
        lambda: statuspages().incidents.delete_update(page, found, update_id)
    )
    if invalid is not None:
        return _detail(page, found, {"notify": True}, invalid, 409)
    return done(i18n.gettext("Update deleted."), ".incident", page_id=page.id, incident_id=found.id)


def delete_incident(page_id: str, incident_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    found = _incident(page, incident_id)
    if request.method == "GET":
        return confirm(
            page,
            i18n.gettext("Delete “%(title)s”?", title=found.title),
            i18n.gettext(
                "The incident and its timeline leave the page for good. Subscribers are not told."
            ),
            i18n.gettext("Delete incident"),
            url_for(".incident", page_id=page.id, incident_id=found.id),
        )
    title = found.title
    statuspages().incidents.delete(page, found)
    return done(
        i18n.gettext("Incident “%(title)s” deleted.", title=title), ".incidents", page_id=page.id
    )


# ------------------------------------------------------------ the postmortem


def postmortem(page_id: str, incident_id: str) -> ResponseReturnValue:
    """Write the postmortem (Markdown); "Preview" renders it without saving."""
    page = owned_page(page_id)
    found = _incident(page, incident_id)
    if request.method == "GET":
        return _postmortem_form(page, found, found.postmortem or "", None)
    values = formbody.typed(PostmortemInput(), forms.read())
    body = values.get("body")
    if forms.control("action") == "preview":
        return _postmortem_form(page, found, body, None, preview=True)
    _, invalid = forms.attempt(lambda: statuspages().incidents.write_postmortem(page, found, body))
    if invalid is not None:
        return _postmortem_form(page, found, body, invalid, status=422)
    return done(
        i18n.gettext("Postmortem saved."), ".incident", page_id=page.id, incident_id=found.id
    )


def _postmortem_form(
    page: Page,
    found: Incident,
    body: Any,
    invalid: Any,
    *,
    preview: bool = False,
    status: int = 200,
) -> Response:
    shown = body if isinstance(body, str) else ""
    return render(
        "incident_postmortem.html",
        status,
        page=page,
        incident=found,
        body=shown,
        invalid=invalid,
        preview_html=render_markdown(shown) if preview or shown else None,
        reach=reach_of(page, list(found.components or {})),
    )


def publish_postmortem(page_id: str, incident_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    found = _incident(page, incident_id)
    notify = forms.read(checkboxes=("notify",)).get("notify") == "true"
    _, invalid = forms.attempt(
        lambda: statuspages().incidents.publish_postmortem(page, found, notify=notify)
    )
    if invalid is not None:
        return _postmortem_form(page, found, found.postmortem or "", invalid, status=422)
    return done(
        i18n.gettext("Postmortem published."), ".incident", page_id=page.id, incident_id=found.id
    )


def unpublish_postmortem(page_id: str, incident_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    found = _incident(page, incident_id)
    _, invalid = forms.attempt(lambda: statuspages().incidents.unpublish_postmortem(page, found))
    if invalid is not None:
        return _postmortem_form(page, found, found.postmortem or "", invalid, status=422)
    return done(
        i18n.gettext("The postmortem is a draft again."),
        ".incident",
        page_id=page.id,
        incident_id=found.id,
    )


def delete_postmortem(page_id: str, incident_id: str) -> ResponseReturnValue:
    page = owned_page(page_id)
    found = _incident(page, incident_id)
    back = url_for(".incident", page_id=page.id, incident_id=found.id)
    if request.method == "GET":
        if found.postmortem is None:
            raise not_found("Postmortem")
        return confirm(
            page,
            i18n.gettext("Delete the postmortem?"),
            i18n.gettext("Its text is lost, and visitors no longer see it."),
            i18n.gettext("Delete postmortem"),
            back,
        )
    statuspages().incidents.delete_postmortem(page, found)
    return done(
        i18n.gettext("Postmortem deleted."), ".incident", page_id=page.id, incident_id=found.id
    )
