"""Our page snapshot in Atlassian Statuspage's public v2 shapes.

Widgets, aggregators and exporters written for Statuspage read
``/api/v2/summary.json`` and its siblings; this module maps a snapshot's
plain data onto those documents, field for field, so such tools work
unchanged. Pure: no Flask, no database; the caller gives the URLs.

Scheduled maintenance windows are Statuspage's "scheduled maintenances":
incident objects with ``impact: "maintenance"``, the window's times, and
the components it affects. Where Statuspage has a concept we do not, the
field keeps its documented type with the neutral value: nothing is tweeted.
An incident's ``components`` are its affected ones (with the status the
incident gives them), and each update's ``affected_components`` the ones it
moved, as Statuspage writes them (``code``, ``name``, ``old_status``,
``new_status``); an update that moved none has ``null`` there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields

from . import rules
from .schemas import format_timestamp

#: Our overall status -> Statuspage's ``status.indicator`` and ``status.description``.
INDICATORS = {
    "operational": ("none", "All Systems Operational"),
    "under_maintenance": ("maintenance", "Service Under Maintenance"),
    "degraded_performance": ("minor", "Minor Service Outage"),
    "partial_outage": ("major", "Partial System Outage"),
    "major_outage": ("critical", "Major Service Outage"),
}
INDICATOR_VALUES = ("none", "minor", "major", "critical", "maintenance")
#: Statuspage's incident statuses: ours plus ``postmortem``, which we never set.
INCIDENT_STATUSES = (*rules.INCIDENT_STATUSES, "postmortem")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
TIME_ZONE = "Etc/UTC"


@dataclass(frozen=True)
class Links:
    """Absolute URLs of the page's HTML."""

    page: str
    #: The base an incident's id is added to; the page itself when there is no site.
    incidents: str
    #: The base a maintenance window's id is added to; the page itself when there is no site.
    maintenances: str

    def incident(self, incident_id: str) -> str:
        return self.page if self.incidents == self.page else self.incidents + incident_id

    def maintenance(self, maintenance_id: str) -> str:
        if self.maintenances == self.page:
            return self.page
        return self.maintenances + maintenance_id


# ------------------------------------------------------------------ mapping


def status_of(overall_status: str) -> dict[str, str]:
    indicator, description = INDICATORS[overall_status]
    return {"indicator": indicator, "description": description}


def page_of(data: dict[str, Any], links: Links) -> dict[str, Any]:
    page = data["page"]
    changed = [format_timestamp(page["updated_at"])]
    changed += [c["updated_at"] for c in data["components"]]
    changed += [g["updated_at"] for g in data["groups"] if g["id"] is not None]
    for item in (*data["latest_incidents"], *data["latest_maintenances"]):
        changed += [item["updated_at"], *(u["created_at"] for u in item["updates"])]
    return {
        "id": page["id"],
        "name": page["name"],
        "url": links.page,
        # The page's zone (its times stay in UTC, which every reader parses alike).
        "time_zone": TIME_ZONE if page["time_zone"] == "UTC" else page["time_zone"],
        # Same format throughout, so the greatest string is the latest time.
        "updated_at": max(changed),
    }


def _component(component: dict[str, Any], page_id: str, group: str | None) -> dict[str, Any]:
    created_at = component["created_at"]
    return {
        "id": component["id"],
        "name": component["name"],
        "status": component["status"],
        "created_at": created_at,
        "updated_at": component["updated_at"],
        "position": 0,
        "description": component["description"],
        # Statuspage's "showcase" is its "display uptime" switch.
        "showcase": component["show_uptime"],
        "start_date": created_at[:10],
        "group_id": group,
        "page_id": page_id,
        "group": False,
        "only_show_if_degraded": False,
    }


def _group(group: dict[str, Any], page_id: str) -> dict[str, Any]:
    return {
        "id": group["id"],
        "name": group["name"],
        "status": group["status"],
        "created_at": group["created_at"],
        "updated_at": group["updated_at"],
        "position": 0,
        "description": group["description"],
        "showcase": False,
        "start_date": None,
        "group_id": None,
        "page_id": page_id,
        "group": True,
        "only_show_if_degraded": False,
        "components": [c["id"] for c in group["components"]],
    }


def components_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Components in display order, each group first as a group component (with the
    ids of its ``components``), then the components in no group."""
    page_id = data["page"]["id"]
    found: list[dict[str, Any]] = []
    for group in data["groups"]:
        if group["id"] is not None:
            found.append(_group(group, page_id))
        found.extend(_component(c, page_id, group["id"]) for c in group["components"])
    for position, component in enumerate(found, start=1):
        component["position"] = position
    return found


def monitoring_at(updates: list[dict[str, Any]]) -> str | None:
    """When the incident last entered ``monitoring`` (``updates`` newest first)."""
    entered = None
    previous = None
    for update in reversed(updates):
        if update["status"] == "monitoring" and previous != "monitoring":
            entered = update["created_at"]
        previous = update["status"]
    return entered


def _moved(update: dict[str, Any]) -> list[dict[str, Any]] | None:
    changes = update.get("components") or []
    return [
        {
            "code": c["id"],
            "name": c["name"],
            "old_status": c["old_status"],
            "new_status": c["new_status"],
        }
        for c in changes
    ] or None


def _with_statuses(updates: list[dict[str, Any]], current: str) -> list[dict[str, Any]]:
    """Updates (newest first) where a message-only one (no status) carries the status
    the incident was in then, as every Statuspage update has one."""
    status, filled = None, []
    for update in reversed(updates):
        status = update["status"] or status or current
        filled.append({**update, "status": status})
    return filled[::-1]


def _update(update: dict[str, Any], incident_id: str) -> dict[str, Any]:
    """An entry of a timeline (an incident's or a maintenance window's)."""
    return {
        "id": update["id"],
        "status": update["status"],
        "body": update["message"] or "",
        "incident_id": incident_id,
        "created_at": update["created_at"],
        "updated_at": update.get("edited_at") or update["created_at"],
        "display_at": update["created_at"],
        "affected_components": _moved(update),
        "deliver_notifications": True,
        "custom_tweet": None,
        "tweet_id": None,
    }


def incident_of(
    incident: dict[str, Any],
    page_id: str,
    links: Links,
    components: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """An incident as Statuspage shows one; ``components`` (the page's v2 components by
    id) gives its affected ones, each with the status the incident gives it."""
    updates = _with_statuses(incident["updates"], incident["status"])
    affected = incident["components"]
    return {
        "id": incident["id"],
        "name": incident["title"],
        "status": incident["status"],
        "created_at": incident["created_at"],
        "updated_at": incident["updated_at"],
        "monitoring_at": monitoring_at(updates),
        "resolved_at": incident["resolved_at"],
        "impact": incident["severity"],
        "shortlink": links.incident(incident["id"]),
        "started_at": incident["started_at"],
        "page_id": page_id,
        "incident_updates": [_update(u, incident["id"]) for u in updates],
        "components": [
            {**c, "status": affected[cid]} for cid, c in components.items() if cid in affected
        ],
        **_postmortem(incident.get("postmortem")),
    }


def _postmortem(postmortem: dict[str, Any] | None) -> dict[str, Any]:
    """Statuspage's postmortem fields of an incident: null until one is published."""
    return {
        "postmortem_body": postmortem["body"] if postmortem else None,
        "postmortem_published_at": postmortem["published_at"] if postmortem else None,
    }


def _incidents(data: dict[str, Any], key: str, links: Links) -> list[dict[str, Any]]:
    page_id = data["page"]["id"]
    components = {c["id"]: c for c in components_of(data) if not c["group"]}
    return [incident_of(incident, page_id, links, components) for incident in data[key]]


def maintenance_of(
    maintenance: dict[str, Any],
    page_id: str,
    links: Links,
    components: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    """A window as Statuspage shows one: an incident of impact ``maintenance``.

    ``started_at`` is when it started, or is due to (Statuspage never leaves it
    empty); ``components`` are its affected ones still on the page, in display
    order, from ``components`` (the page's v2 components by id).
    """
    affected = set(maintenance["component_ids"])
    return {
        "id": maintenance["id"],
        "name": maintenance["title"],
        "status": maintenance["status"],
        "created_at": maintenance["created_at"],
        "updated_at": maintenance["updated_at"],
        "monitoring_at": None,
        "resolved_at": maintenance["completed_at"],
        "impact": "maintenance",
        "shortlink": links.maintenance(maintenance["id"]),
        "started_at": maintenance["started_at"] or maintenance["scheduled_for"],
        "page_id": page_id,
        "incident_updates": [_update(u, maintenance["id"]) for u in maintenance["updates"]],
        "components": [c for cid, c in components.items() if cid in affected],
        "scheduled_for": maintenance["scheduled_for"],
        "scheduled_until": maintenance["scheduled_until"],
        **_postmortem(None),
    }


def _maintenances(
    data: dict[str, Any], keys: tuple[str, ...], links: Links
) -> list[dict[str, Any]]:
    page_id = data["page"]["id"]
    components = {c["id"]: c for c in components_of(data) if not c["group"]}
    return [
        maintenance_of(maintenance, page_id, links, components)
        for key in keys
        for maintenance in data[key]
    ]


# ---------------------------------------------------------------- documents


def summary(data: dict[str, Any], links: Links) -> dict[str, Any]:
    return {
        "page": page_of(data, links),
        "components": components_of(data),
        "incidents": _incidents(data, "active_incidents", links),
        "scheduled_maintenances": _maintenances(
            data, ("upcoming_maintenances", "active_maintenances"), links
        ),
        "status": status_of(data["overall_status"]),
    }


def status(data: dict[str, Any], links: Links) -> dict[str, Any]:
    return {"page": page_of(data, links), "status": status_of(data["overall_status"])}


def components(data: dict[str, Any], links: Links) -> dict[str, Any]:
    return {"page": page_of(data, links), "components": components_of(data)}


def incidents(data: dict[str, Any], links: Links) -> dict[str, Any]:
    return {"page": page_of(data, links), "incidents": _incidents(data, "latest_incidents", links)}


def unresolved_incidents(data: dict[str, Any], links: Links) -> dict[str, Any]:
    return {"page": page_of(data, links), "incidents": _incidents(data, "active_incidents", links)}


def _maintenance_document(data: dict[str, Any], key: str, links: Links) -> dict[str, Any]:
    return {
        "page": page_of(data, links),
        "scheduled_maintenances": _maintenances(data, (key,), links),
    }


def scheduled_maintenances(data: dict[str, Any], links: Links) -> dict[str, Any]:
    return _maintenance_document(data, "latest_maintenances", links)


def upcoming_maintenances(data: dict[str, Any], links: Links) -> dict[str, Any]:
    return _maintenance_document(data, "upcoming_maintenances", links)


def active_maintenances(data: dict[str, Any], links: Links) -> dict[str, Any]:
    return _maintenance_document(data, "active_maintenances", links)


Document = Callable[[dict[str, Any], Links], dict[str, Any]]


def render(document: Document, data: dict[str, Any], links: Links) -> bytes:
    return json.dumps(document(data, links), separators=(",", ":")).encode()


# ------------------------------------------------------------------ schemas
# What the documents hold, for the OpenAPI document (names start with
# "Statuspage" so they never clash with our own schemas).


class StatuspagePageSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    url = fields.Url(metadata={"description": "The HTML status page."})
    time_zone = fields.Str(metadata={"example": TIME_ZONE})
    updated_at = fields.DateTime(metadata={"description": "The latest change to anything shown."})


class StatuspageStatusSchema(Schema):
    indicator = fields.Str(metadata={"enum": list(INDICATOR_VALUES)})
    description = fields.Str(metadata={"example": "All Systems Operational"})


class StatuspageComponentSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    status = fields.Str(metadata={"enum": list(rules.COMPONENT_STATUSES)})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    position = fields.Int(metadata={"description": "1-based display order."})
    description = fields.Str(allow_none=True)
    showcase = fields.Bool(metadata={"description": "Whether its uptime bar is shown."})
    start_date = fields.Date(allow_none=True)
    group_id = fields.Str(allow_none=True, metadata={"description": "Its group component."})
    page_id = fields.Str()
    group = fields.Bool(metadata={"description": "Whether this is a group of components."})
    only_show_if_degraded = fields.Bool()
    components = fields.List(
        fields.Str(), metadata={"description": "Groups only: the ids of their components."}
    )


class StatuspageIncidentUpdateSchema(Schema):
    id = fields.Str()
    status = fields.Str(metadata={"enum": list(INCIDENT_STATUSES)})
    body = fields.Str()
    incident_id = fields.Str()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    display_at = fields.DateTime()
    affected_components = fields.List(
        fields.Dict(),
        allow_none=True,
        metadata={
            "description": "The components it moved: [{code, name, old_status, new_status}];"
            " null when none."
        },
    )
    deliver_notifications = fields.Bool()
    custom_tweet = fields.Str(allow_none=True)
    tweet_id = fields.Str(allow_none=True)


class StatuspageIncidentSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    status = fields.Str(metadata={"enum": list(INCIDENT_STATUSES)})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    monitoring_at = fields.DateTime(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    impact = fields.Str(metadata={"enum": list(rules.SEVERITIES)})
    shortlink = fields.Url(metadata={"description": "The incident's HTML page."})
    started_at = fields.DateTime()
    page_id = fields.Str()
    incident_updates = fields.List(
        fields.Nested(StatuspageIncidentUpdateSchema), metadata={"description": "Newest first."}
    )
    components = fields.List(fields.Nested(StatuspageComponentSchema))
    postmortem_body = fields.Str(
        allow_none=True, metadata={"description": "Markdown; null until published."}
    )
    postmortem_published_at = fields.DateTime(allow_none=True)


class StatuspageMaintenanceUpdateSchema(StatuspageIncidentUpdateSchema):
    status = fields.Str(metadata={"enum": list(MAINTENANCE_STATUSES)})


class StatuspageMaintenanceSchema(StatuspageIncidentSchema):
    status = fields.Str(metadata={"enum": list(MAINTENANCE_STATUSES)})
    monitoring_at = fields.DateTime(allow_none=True, metadata={"description": "Always null."})
    resolved_at = fields.DateTime(allow_none=True, metadata={"description": "When it completed."})
    impact = fields.Str(metadata={"enum": ["maintenance"]})
    shortlink = fields.Url(metadata={"description": "The maintenance window's HTML page."})
    started_at = fields.DateTime(
        metadata={"description": "When it started; until then, when it is due to."}
    )
    incident_updates = fields.List(
        fields.Nested(StatuspageMaintenanceUpdateSchema), metadata={"description": "Newest first."}
    )
    components = fields.List(
        fields.Nested(StatuspageComponentSchema), metadata={"description": "The affected ones."}
    )
    scheduled_for = fields.DateTime()
    scheduled_until = fields.DateTime()


class StatuspageStatusDocumentSchema(Schema):
    page = fields.Nested(StatuspagePageSchema)
    status = fields.Nested(StatuspageStatusSchema)


class StatuspageComponentsSchema(Schema):
    page = fields.Nested(StatuspagePageSchema)
    components = fields.List(fields.Nested(StatuspageComponentSchema))


class StatuspageIncidentsSchema(Schema):
    page = fields.Nested(StatuspagePageSchema)
    incidents = fields.List(fields.Nested(StatuspageIncidentSchema))


class StatuspageMaintenancesSchema(Schema):
    page = fields.Nested(StatuspagePageSchema)
    scheduled_maintenances = fields.List(fields.Nested(StatuspageMaintenanceSchema))


class StatuspageSummarySchema(Schema):
    page = fields.Nested(StatuspagePageSchema)
    components = fields.List(fields.Nested(StatuspageComponentSchema))
    incidents = fields.List(
        fields.Nested(StatuspageIncidentSchema), metadata={"description": "Unresolved ones."}
    )
    scheduled_maintenances = fields.List(
        fields.Nested(StatuspageMaintenanceSchema),
        metadata={"description": "Upcoming ones (soonest first), then those in progress."},
    )
    status = fields.Nested(StatuspageStatusSchema)
