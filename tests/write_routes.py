"""Every write route of the extension, read from the app's URL map, with real values for
its arguments and a body it would take: what the cross-site and media-type tests try.

A route added later is tried too; one with an argument or a body this module does not
know fails :func:`write_routes` with what to add here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote_plus

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from flask_statuspages import tokens
from flask_statuspages.models import Base, utcnow
from flask_statuspages.views import ENDPOINTS
from flask_statuspages.views.routing import Endpoint

from .conftest import PREFIX, iso

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
BLUEPRINTS = ("statuspages.", "statuspages_site.")
PASSWORD = "open sesame"


def sample_bodies() -> dict[str, dict[str, Any]]:
    """A body each view (by name, in either blueprint) would take; views missing here
    take none."""
    start = utcnow() + timedelta(days=3)
    return {
        "create_page": {"name": "Forged page"},
        # Typed values too (booleans, numbers, null, an empty list): a form sends text.
        "update_page": {
            "name": "Forged name",
            "show_uptime": False,
            "uptime_days": 30,
            "description": None,
        },
        "create_component": {"name": "Forged component"},
        "update_component": {
            "description": "Forged",
            "status": "major_outage",
            "display_order": 3,
        },
        "create_incident": {"title": "Forged incident", "severity": "critical"},
        "update_incident": {"status": "resolved", "message": "Forged update"},
        "create_maintenance": {
            "title": "Forged maintenance",
            "scheduled_for": iso(start),
            "scheduled_until": iso(start + timedelta(hours=1)),
            "auto_transition": False,
            "component_ids": [],
        },
        "update_maintenance": {"title": "Forged title"},
        "create_subscriber": {"email": "forged-admin@example.org"},
        "create_group": {"name": "Forged group"},
        "update_group": {"name": "Forged name", "collapsed": True},
        # Not the page's whole list (bodies are fixed): refused by the view, 422.
        "reorder_components": {"ids": ["forged"]},
        "reorder_groups": {"ids": ["forged"]},
        "create_incident_update": {"status": "resolved", "message": "Forged update"},
        "edit_incident_update": {"message": "Forged correction"},
        "create_incident_template": {"name": "Forged", "title": "Forged incident"},
        "update_incident_template": {"title": "Forged title"},
        "put_postmortem": {"body": "Forged postmortem"},
        "publish_postmortem": {"notify": True},
        "update_status_embed_config": {"position": "top-left"},
        "subscribe": {"email": "forged@example.org"},
        "create_metric": {"name": "Forged metric"},
        "update_metric": {"name": "Forged name", "display": False},
        "add_metric_data": {"data": {"timestamp": int(utcnow().timestamp()), "value": 666}},
        "unlock_page": {"password": PASSWORD},
        "create_page_access_user": {"email": "forged-viewer@example.org"},
        "update_page_access_user": {"external_login": "forged"},
        # Not on the page: refused by the view, 422.
        "add_page_access_user_components": {"component_ids": ["forged"]},
        "replace_page_access_user_components": {"component_ids": ["forged"]},
        "remove_page_access_user_components": {"component_ids": ["forged"]},
        "add_page_access_user_metrics": {"metric_ids": ["forged"]},
        "replace_page_access_user_metrics": {"metric_ids": ["forged"]},
        "remove_page_access_user_metrics": {"metric_ids": ["forged"]},
        "sign_in": {"email": "forged-viewer@example.org"},
    }


def form_fields(body: dict[str, Any], envelope: str | None = None) -> list[tuple[str, str]]:
    """``body`` as the fields of a form in Statuspage's bracket notation (``page[name]``,
    ``ids[]`` repeated, ``list[][field]``), inside ``envelope`` when given: what a client
    written for Statuspage's API sends. ``true``/``false`` for booleans, an empty value
    for ``null``, ``name[]=`` for an empty list."""
    pairs: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for name, item in value.items():
                add(f"{key}[{name}]", item)
        elif isinstance(value, list):
            if not value:
                pairs.append((f"{key}[]", ""))
            for item in value:
                add(f"{key}[]", item)
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        else:
            pairs.append((key, "" if value is None else str(value)))

    for name, value in body.items():
        add(f"{envelope}[{name}]" if envelope else name, value)
    return pairs


def form_encoded(body: dict[str, Any], envelope: str | None = None) -> str:
    """:func:`form_fields` as a body (``application/x-www-form-urlencoded``)."""
    pairs = form_fields(body, envelope)
    return "&".join(f"{quote_plus(k, safe='[]')}={quote_plus(v)}" for k, v in pairs)


def declared_endpoints() -> dict[str, Endpoint]:
    """The API's declared routes by endpoint name (``statuspages.create_page``)."""
    return {f"statuspages.{declared.endpoint}": declared for declared in ENDPOINTS}


@dataclass(frozen=True)
class WriteRoute:
    endpoint: str
    method: str
    path: str
    body: dict[str, Any] | None
    #: Its declaration, for a route of the API (None for the HTML site's).
    declared: Endpoint | None = None

    @property
    def takes_body(self) -> bool:
        """A route of the API that loads a body through a schema (JSON or form)."""
        return self.declared is not None and self.declared.body is not None

    @property
    def site(self) -> bool:
        """A route of the HTML site (forms), not of the API (JSON)."""
        return self.endpoint.startswith("statuspages_site.")

    @property
    def deletes(self) -> bool:
        return self.method == "DELETE" or self.view == "unsubscribe"

    @property
    def view(self) -> str:
        return self.endpoint.partition(".")[2]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def write_routes(app: Flask, values: dict[str, str]) -> list[WriteRoute]:
    """Each (rule, write method) of the extension's blueprints, ``values`` filled in;
    deletions (unsubscribing too) last, the page's own at the very end."""
    bodies = sample_bodies()
    declared = declared_endpoints()
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(BLUEPRINTS):
            continue
        missing = rule.arguments - values.keys()
        assert not missing, f"{rule.rule}: give {missing} a value in tests/write_routes.py"
        built = rule.build({name: values[name] for name in rule.arguments})
        assert built is not None
        view = rule.endpoint.partition(".")[2]
        route_declared = declared.get(rule.endpoint)
        if route_declared is not None and route_declared.body is not None:
            assert view in bodies, f"{rule.rule}: give {view} a body in tests/write_routes.py"
        for method in sorted((rule.methods or set()) & set(WRITE_METHODS)):
            route = WriteRoute(rule.endpoint, method, built[1], bodies.get(view), route_declared)
            found.append(route)
    assert found, "no write route found"
    return sorted(found, key=lambda r: (r.deletes, r.view == "delete_page"))


def build_targets(client: FlaskClient, headers: dict[str, str]) -> dict[str, str]:
    """A page with one of everything a write route names; the value of each URL argument.

    ``client`` with ``headers`` must be logged in as the page's owner.
    """

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(PREFIX + path, json=body, headers=headers)
        assert response.status_code == 201, (path, response.json)
        return response.json  # type: ignore[no-any-return]

    page = post("/", {"name": "Target", "slug": "target"})
    start = utcnow() + timedelta(days=1)
    maintenance = {
        "title": "Planned",
        "scheduled_for": iso(start),
        "scheduled_until": iso(start + timedelta(hours=1)),
    }
    subscriber = post(f"/{page['id']}/subscribers", {"email": "ops@example.org"})
    incident = post(f"/{page['id']}/incidents", {"title": "Outage"})
    values = {
        "slug": page["slug"],
        "page_id": page["id"],
        "component_id": post(f"/{page['id']}/components", {"name": "API"})["id"],
        "group_id": post(f"/{page['id']}/groups", {"name": "Backend"})["id"],
        "incident_id": incident["id"],
        "update_id": incident["updates"][0]["id"],
        "template_id": post(
            f"/{page['id']}/incident-templates", {"name": "Outage", "title": "Outage"}
        )["id"],
        "maintenance_id": post(f"/{page['id']}/maintenances", maintenance)["id"],
        "subscriber_id": subscriber["id"],
        "metric_id": post(f"/{page['id']}/metrics", {"name": "Latency"})["id"],
        "page_access_user_id": post(
            f"/{page['id']}/page-access-users", {"email": "viewer@example.org"}
        )["id"],
    }
    listed = client.get(f"{PREFIX}/{page['id']}/deliveries", headers=headers)
    values["delivery_id"] = listed.json["data"][0]["id"]  # the verification email's
    with client.application.app_context():
        payload = {"s": subscriber["id"], "p": page["id"]}
        values["token"] = tokens.dump(tokens.Purpose.UNSUBSCRIBE, payload)
    return values


def database_rows(app: Flask) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table of the extension, to compare before and after."""
    session = app.extensions["statuspages"].db.session
    with app.app_context():
        rows = {
            table.name: sorted(tuple(map(str, row)) for row in session.execute(select(table)).all())
            for table in Base.metadata.sorted_tables
        }
        session.remove()
    return rows
