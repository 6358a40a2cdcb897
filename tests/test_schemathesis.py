"""Property-based tests of the whole API against its own OpenAPI document (schemathesis).

Every operation of the document is called with generated valid and invalid requests,
on SQLite and PostgreSQL, with a fixed seed and a bounded number of examples. Path
parameters name real objects (a page, component, incident, maintenance window,
subscriber and delivery seeded for the tenant of ``X-Owner``), so the requests reach
the views instead of stopping at 404. Every answer must follow the document:

- ``not_a_server_error``: no 5xx at all;
- ``status_code_conformance``, ``content_type_conformance``,
  ``response_schema_conformance``, ``response_headers_conformance``;
- ``negative_data_rejection``: a request the document calls invalid is refused (4xx);
- positive data acceptance (:func:`valid_data_is_accepted`): a request the document calls
  valid is not refused with 400 or 422, except by the rules that JSON Schema cannot
  state, each named in ``UNSTATEABLE`` with its reason.

The stateful phase is off: the document has no links, and the path parameters name
the seeded objects instead (made again when a generated DELETE took one). Nothing
leaves the machine: webhooks and emails are queued on Redis and nothing runs
the queue; private webhook addresses are allowed, so no host name is looked up; domain
checks ask the test DNS server on loopback.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from flask import Flask
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.parameters import ParameterLocation
from sqlalchemy import select

from flask_statuspages import models
from flask_statuspages.models import utcnow
from flask_statuspages.notify.fanout import fan_out_batch
from flask_statuspages.state import db_session

from .conftest import PREFIX, ApiClient
from .dns_server import LoopbackDNS, loopback_dns

OWNER = "fuzz-owner"
FORM = "application/x-www-form-urlencoded"
#: Examples per operation in the fuzzing phase (the coverage phase adds its own
#: deterministic boundary cases, about 2,100): some 2,500 cases, 30 to 60 seconds per
#: database on a 2-core machine.
MAX_EXAMPLES = 8
SEED = 20261203

#: Rules that JSON Schema cannot state, by operation and field, with the reason; only
#: for these may a request valid by the document be refused (422 naming the field).
_WINDOW = "a date-time's range (2000..9999 in UTC) and its order are not JSON Schema"
_REFERENCE = "component ids must name components of this page: a reference, not a shape"
_URL = "http(s)-only URLs have no JSON Schema format; `uri` takes any scheme"
_NETWORK = "an IP network (CIDR) has no JSON Schema format"
_MAILBOX = "email-validator refuses special-use domains (RFC 6761: .test, .invalid...) and"
_MAILBOX += " the `email` format does not"
_THEME_URLS = {"theme.logo_url": _URL, "theme.favicon_url": _URL}
_ZONE = "IANA zone names are the server's time zone database, not a list in the document"
_PAGE_SETTINGS = {
    "notifications_from_email": _MAILBOX,
    "website_url": _URL,
    "support_url": _URL,
    "privacy_url": _URL,
    "time_zone": _ZONE,
}
_PAST = "a time in the past (and after the incident started) is not JSON Schema"
_ALIAS = "impact is an alias of severity: the two must agree, a rule across fields"
_INCIDENT = {
    "components": _REFERENCE,
    "started_at": _PAST,
    "resolved_at": _PAST + "; and only with status resolved",
    "impact": _ALIAS,
    "severity": _ALIAS,
}
_SOMETHING = "an update says something: a message, a status or components (one of several)"
_ORDER = "a new order must list every id of the page once: a reference, not a shape"
_GROUP = "group_id must name a group of this page, and agree with group_name: a reference"
_GROUPS = "the groups of one request must have different names"
_ACCESS_USER = {"component_ids": _REFERENCE, "metric_ids": _REFERENCE, "email": _MAILBOX}
_MODES = "visibility must agree with is_public and password: a rule across fields"
_VISIBILITY = {"visibility": _MODES, "is_public": _MODES, "password": _MODES}
_TEMPLATE = {"components": _REFERENCE, "impact": _ALIAS, "severity": _ALIAS}
_TEMPLATE_ID = "template_id must name a template of this page: a reference, not a shape"
_CREATE_ONLY = "template_id is taken when creating only; an update refuses it"
_CONTRAST = "a text colour must contrast 4.5:1 with its background: a rule across fields"
_EMBED = {"incident_text_color": _CONTRAST, "maintenance_text_color": _CONTRAST}
_READING = "a reading's time must lie in the retention window and not ahead of the clock"
_AXIS = "y_axis_max must be above y_axis_min (as given or stored): a rule across fields"
_METRIC = {"component_ids": _REFERENCE, "y_axis_min": _AXIS, "y_axis_max": _AXIS}
UNSTATEABLE: dict[str, dict[str, str]] = {
    "PUT /{page_id}/status-embed-config": _EMBED,
    "PATCH /{page_id}/status-embed-config": _EMBED,
    "POST /{page_id}/metrics": _METRIC,
    "PUT /{page_id}/metrics/{metric_id}": _METRIC,
    "PATCH /{page_id}/metrics/{metric_id}": _METRIC,
    "POST /{page_id}/metrics/{metric_id}/data": {"data": _READING},
    "POST /{page_id}/incidents": {**_INCIDENT, "template_id": _TEMPLATE_ID},
    "PUT /{page_id}/incidents/{incident_id}": {**_INCIDENT, "template_id": _CREATE_ONLY},
    "PATCH /{page_id}/incidents/{incident_id}": {**_INCIDENT, "template_id": _CREATE_ONLY},
    "POST /{page_id}/incidents/{incident_id}/updates": {
        "components": _REFERENCE,
        "created_at": _PAST,
        "message": _SOMETHING,
    },
    "PUT /{page_id}/incidents/{incident_id}/updates/{update_id}": {
        "created_at": _PAST,
        "message": _SOMETHING,
    },
    "PATCH /{page_id}/incidents/{incident_id}/updates/{update_id}": {
        "created_at": _PAST,
        "message": _SOMETHING,
    },
    "POST /": {
        "ip_allowlist": _NETWORK,
        **_THEME_URLS,
        **_PAGE_SETTINGS,
        **_VISIBILITY,
        "groups": _GROUPS,
    },
    "POST /{page_id}/components": {"group_id": _GROUP, "group_name": _GROUP},
    "PUT /{page_id}/components/{component_id}": {"group_id": _GROUP, "group_name": _GROUP},
    "PATCH /{page_id}/components/{component_id}": {"group_id": _GROUP, "group_name": _GROUP},
    "PATCH /{page_id}/components/reorder": {"ids": _ORDER, "componentIds": _ORDER},
    "PATCH /{page_id}/groups/reorder": {"ids": _ORDER},
    "POST /{page_id}/groups": {"component_ids": _REFERENCE},
    "PUT /{page_id}/groups/{group_id}": {"component_ids": _REFERENCE},
    "PATCH /{page_id}/groups/{group_id}": {"component_ids": _REFERENCE},
    "PUT /{page_id}": {"ip_allowlist": _NETWORK, **_THEME_URLS, **_PAGE_SETTINGS, **_VISIBILITY},
    "PATCH /{page_id}": {"ip_allowlist": _NETWORK, **_THEME_URLS, **_PAGE_SETTINGS, **_VISIBILITY},
    "POST /{page_id}/maintenances": {
        "scheduled_for": _WINDOW,
        "scheduled_until": _WINDOW,
        "component_ids": _REFERENCE,
    },
    "PUT /{page_id}/maintenances/{maintenance_id}": {
        "scheduled_for": _WINDOW,
        "scheduled_until": _WINDOW,
        "component_ids": _REFERENCE,
    },
    "PATCH /{page_id}/maintenances/{maintenance_id}": {
        "scheduled_for": _WINDOW,
        "scheduled_until": _WINDOW,
        "component_ids": _REFERENCE,
    },
    "POST /{page_id}/incident-templates": _TEMPLATE,
    "PUT /{page_id}/incident-templates/{template_id}": _TEMPLATE,
    "PATCH /{page_id}/incident-templates/{template_id}": _TEMPLATE,
    "POST /{page_id}/subscribers": {
        "component_ids": _REFERENCE,
        "webhook_url": _URL,
        "email": _MAILBOX,
    },
    "POST /public/{slug}/subscribe": {
        "component_ids": _REFERENCE,
        "webhook_url": _URL,
        "email": _MAILBOX,
    },
    "POST /{page_id}/page-access-users": _ACCESS_USER,
    "PUT /{page_id}/page-access-users/{page_access_user_id}": _ACCESS_USER,
    "PATCH /{page_id}/page-access-users/{page_access_user_id}": _ACCESS_USER,
    **{
        f"{method} /{{page_id}}/page-access-users/{{page_access_user_id}}/{kind}": {
            field: _REFERENCE
        }
        for method in ("POST", "PUT", "PATCH", "DELETE")
        for kind, field in (("components", "component_ids"), ("metrics", "metric_ids"))
    },
    "POST /public/{slug}/sign-in": {"email": _MAILBOX},
}
_TOKEN = "a token is checked by its signature: a well-formed string is not a valid token"
#: Refusals that depend on stored state, not on the request: by operation, the status
#: a request valid by the document may get, with the reason.
STATE_REFUSALS: dict[str, tuple[int, str]] = {
    "GET /{page_id}/subscribers/verify/{token}": (400, _TOKEN),
    "GET /unsubscribe/{token}": (400, _TOKEN),
    "POST /unsubscribe/{token}": (400, _TOKEN),
    # The page's stored domain is checked in DNS (the test server knows no name).
    "POST /{page_id}/verify-domain": (422, "the page's domain does not point here"),
}


_SEEDED = {
    "component_id": models.Component,
    "group_id": models.ComponentGroup,
    "incident_id": models.Incident,
    "update_id": models.IncidentUpdate,
    "maintenance_id": models.Maintenance,
    "subscriber_id": models.Subscriber,
    "delivery_id": models.Delivery,
    "template_id": models.IncidentTemplate,
    "page_access_user_id": models.PageAccessUser,
    "metric_id": models.Metric,
}


@dataclass
class Scene:
    """The seeded objects of ``OWNER``, made again when a generated DELETE took them."""

    api: ApiClient
    ids: dict[str, str] = field(default_factory=dict)
    #: Whether a request since the last check may have changed the seeded objects.
    touched: bool = True

    def ensure(self) -> dict[str, str]:
        if self.touched:
            with self.api.client.application.app_context():
                if not self._intact():
                    self._seed()
            self.touched = False
        return self.ids

    def _intact(self) -> bool:
        """Whether every seeded object is there; the page made visible again if not."""
        session = db_session()
        page = session.get(models.Page, self.ids["page_id"]) if self.ids else None
        if page is None or any(
            session.get(model, self.ids[key]) is None for key, model in _SEEDED.items()
        ):
            session.rollback()
            return False
        hidden = page.password_hash or page.ip_allowlist or page.audience_only
        if not (page.is_public and page.enabled) or hidden:
            page.is_public = page.enabled = True
            page.password_hash, page.ip_allowlist, page.audience_only = None, [], False
        self.ids["slug"] = page.slug
        session.commit()
        return True

    def _seed(self) -> None:
        api = self.api
        page = api.make_page(name="Fuzzed Status")
        page_id = page["id"]
        component = api.make_component(page_id, name="API", group_name="Backend")
        subscriber = api.make_subscriber(page_id, email="ops@acme.com")
        verify = api.get(f"/{page_id}/subscribers/verify/{subscriber['verify_token']}")
        assert verify.status_code == 200, verify.json
        incident = api.make_incident(page_id, title="Outage", severity="major")
        # Two updates, so that a generated DELETE of one can succeed.
        api.post(f"/{page_id}/incidents/{incident['id']}/updates", json={"message": "More"})
        with api.client.application.app_context():
            while fan_out_batch():  # the incident's deliveries written (never sent)
                pass
            delivery_id = db_session().scalar(
                select(models.Delivery.id).where(models.Delivery.subscriber_id == subscriber["id"])
            )
        assert delivery_id is not None
        window = api.make_maintenance(page_id, utcnow() + timedelta(days=1))
        template = api.post(
            f"/{page_id}/incident-templates", json={"name": "Failover", "title": "Failover"}
        ).json
        self.ids = {
            "page_id": page_id,
            "component_id": component["id"],
            "group_id": component["group_id"],
            "incident_id": incident["id"],
            "update_id": incident["updates"][0]["id"],
            "maintenance_id": window["id"],
            "subscriber_id": subscriber["id"],
            "delivery_id": delivery_id,
            "template_id": template["id"],
            "metric_id": api.post(f"/{page_id}/metrics", json={"name": "Latency"}).json["id"],
            "page_access_user_id": api.post(
                f"/{page_id}/page-access-users", json={"email": "viewer@acme.com"}
            ).json["id"],
            "token": subscriber["verify_token"],
            "slug": page["slug"],
        }


@pytest.fixture
def dns() -> Iterator[LoopbackDNS]:
    with loopback_dns() as server:
        yield server


@pytest.fixture
def app_config(redis_url: str, dns: LoopbackDNS) -> dict[str, Any]:
    return {
        "STATUSPAGES_QUEUE": "rq",  # queued, never run: nothing is sent
        "STATUSPAGES_REDIS_URL": redis_url,
        "STATUSPAGES_WEBHOOK_ALLOW_PRIVATE": True,  # no name lookups at subscription
        "STATUSPAGES_DNS_NAMESERVERS": [dns.nameserver],
        "STATUSPAGES_DNS_TIMEOUT": 0.5,
        "STATUSPAGES_CNAME_TARGET": "pages.example.net",
        "STATUSPAGES_PUBLIC_RATE_LIMIT": "100000 per minute",
        "STATUSPAGES_AUTH_RATE_LIMIT": "100000 per minute",
        "STATUSPAGES_SUBSCRIBE_RATE_LIMIT": "100000 per minute",
        "STATUSPAGES_SSE_MAX_DURATION": 0.05,
        "STATUSPAGES_SSE_HEARTBEAT": 0.05,
    }


CONFIG = {
    "seed": SEED,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "mode": "all",
        "deterministic": True,
        "no-shrink": True,
        "database": "none",
    },
    "phases": {"stateful": {"enabled": False}},
    "auth": {"openapi": {"ownerHeader": {"api_key": OWNER}}},
}


@pytest.fixture
def scene(app: Flask) -> Scene:
    return Scene(ApiClient(app, OWNER))


@pytest.fixture
def api_schema(app: Flask, scene: Scene, request: pytest.FixtureRequest) -> Any:
    # schemathesis' pytest plugin reads and rewrites ``node._nodeid`` for its reports,
    # an attribute pytest 9 no longer has: give it the one it expects.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid
    scene.ensure()
    path = f"{PREFIX}/openapi.json"
    document = _as_test_app_authenticates(app.test_client().get(path).json)
    loaded = schemathesis.openapi.from_dict(document, config=schemathesis.Config.from_dict(CONFIG))
    loaded.app, loaded.location = app, path
    return loaded


def _as_test_app_authenticates(document: dict[str, Any]) -> dict[str, Any]:
    """The document as the test app authenticates: its owner loader reads ``X-Owner``
    where the built-in one reads an API token (a host's loader is its own business).

    Bodies are generated as JSON only: a form's values are all text, so the negative
    cases that differ from a valid body by a type alone (``5`` for ``"5"``) would be the
    same form. Form bodies are compared with JSON ones, route by route, in
    tests/test_request_formats.py.
    """
    document = copy.deepcopy(document)
    schemes = document["components"]["securitySchemes"]
    schemes.clear()
    schemes["ownerHeader"] = {"type": "apiKey", "in": "header", "name": "X-Owner"}
    for operations in document["paths"].values():
        for operation in operations.values():
            if operation.get("security"):
                operation["security"] = [{"ownerHeader": []}]
            content = operation.get("requestBody", {}).get("content", {})
            content.pop(FORM, None)
    return document


schema = schemathesis.pytest.from_fixture("api_schema")


def _label(case: Any) -> str:
    return f"{case.method.upper()} {case.operation.path.removeprefix(PREFIX) or '/'}"


def valid_data_is_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis' ``positive_data_acceptance``, less the rules of ``UNSTATEABLE``."""
    if case.meta is not None and case.meta.generation.mode == GenerationMode.POSITIVE:
        label = _label(case)
        if response.status_code == STATE_REFUSALS.get(label, (None,))[0]:
            return None
        if response.status_code == 422:
            fields = response.json()["error"].get("fields", {})
            allowed = UNSTATEABLE.get(label, {})
            if fields and all(name.split(".")[0] in allowed or name in allowed for name in fields):
                return None
    return positive_data_acceptance(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    valid_data_is_accepted,
]


def _negated(case: Any, location: ParameterLocation) -> bool:
    component = case.meta.components.get(location) if case.meta else None
    return component is not None and component.mode == GenerationMode.NEGATIVE


@schema.parametrize()
def test_every_answer_follows_the_document(case: Any, scene: Scene) -> None:
    ids = scene.ensure()
    if case.path_parameters and not _negated(case, ParameterLocation.PATH):
        for name in case.path_parameters:
            if name in ids:
                case.path_parameters[name] = ids[name]
    scene.touched = case.method.upper() not in ("GET", "HEAD")
    case.call_and_validate(checks=CHECKS)
