"""An outage from start to finish, over real SMTP and a real webhook receiver.

Each step is a function of :data:`STEPS`, run in order on one :class:`Outage`; each
acts as an operator would, then asserts what visitors and subscribers see: the page
JSON, the HTML page, the feeds, the Statuspage v2 JSON, the emails and the webhooks.
A later step is one more function appended to STEPS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from .conftest import PREFIX

EVERYONE, WEB_ONLY, MAIL_ONLY = "ops@acme.com", "web@acme.com", "mail@acme.com"


@pytest.fixture
def app_config(smtp):
    return {"MAIL_PORT": smtp.port, "STATUSPAGES_WEBHOOK_ALLOW_PRIVATE": True}


@dataclass
class Outage:
    api: Any
    smtp: Any
    receiver: Any
    page: dict[str, Any]
    components: dict[str, str]  # name -> id
    incident: dict[str, Any] = field(default_factory=dict)
    #: Emails and webhook calls expected so far (each step adds its own).
    emails: int = 0
    hooks: int = 0

    @property
    def slug(self) -> str:
        return str(self.page["slug"])

    def public(self) -> dict[str, Any]:
        return self.api.get(f"/public/{self.slug}").json  # type: ignore[no-any-return]

    def v2_incident(self) -> dict[str, Any]:
        incidents = self.api.get(f"/public/{self.slug}/api/v2/incidents.json").json["incidents"]
        return next(i for i in incidents if i["id"] == self.incident["id"])

    def feeds(self) -> list[str]:
        return [
            self.api.get(f"/public/{self.slug}/feed.{kind}").get_data(as_text=True)
            for kind in ("rss", "atom")
        ]

    def incident_page(self) -> str:
        path = f"/status/{self.slug}/incidents/{self.incident['id']}"
        return self.api.client.get(path).get_data(as_text=True)  # type: ignore[no-any-return]

    def statuses(self) -> dict[str, str]:
        data = self.api.get(f"/{self.page['id']}/components").json["data"]
        return {c["name"]: c["status"] for c in data}

    def expect_emails(self, *to: str) -> dict[str, Any]:
        """Wait for one email to each of ``to`` (and to no one else); them, by address."""
        self.emails += len(to)
        got = self.smtp.wait_for(self.emails)
        assert len(got) == self.emails, [m["To"] for m in got]
        latest = got[self.emails - len(to) :]
        assert sorted(m["To"] for m in latest) == sorted(to)
        return {m["To"]: m.get_body(("plain",)).get_content() for m in latest}

    def expect_hook(self) -> dict[str, Any]:
        self.hooks += 1
        got = self.receiver.wait_for(self.hooks)
        assert len(got) == self.hooks
        return json.loads(got[-1]["body"])  # type: ignore[no-any-return]


def _subscribe(api: Any, page_id: str, **body: Any) -> None:
    token = api.make_subscriber(page_id, **body)["verify_token"]
    assert api.client.get(f"{PREFIX}/{page_id}/subscribers/verify/{token}").status_code == 200


@pytest.fixture
def outage(api, smtp, receiver) -> Outage:
    page = api.make_page(name="Acme Status")
    components = {
        name: api.make_component(page["id"], name=name, display_order=n)["id"]
        for n, name in enumerate(("API", "Web", "Mail"))
    }
    _subscribe(api, page["id"], email=EVERYONE)
    _subscribe(api, page["id"], email=WEB_ONLY, component_ids=[components["Web"]])
    _subscribe(api, page["id"], email=MAIL_ONLY, component_ids=[components["Mail"]])
    _subscribe(api, page["id"], webhook_url=receiver.url)
    state = Outage(api, smtp, receiver, page, components)
    state.emails, state.hooks = 3, 1  # the confirmations
    assert len(smtp.wait_for(3)) == 3 and len(receiver.wait_for(1)) == 1
    return state


def open_incident_with_two_components(o: Outage) -> None:
    api_id, web_id = o.components["API"], o.components["Web"]
    o.incident = o.api.make_incident(
        o.page["id"],
        title="Checkout failing",
        message="We are looking into errors at checkout.",
        impact="MAJOR_OUTAGE",
        components={api_id: "major_outage", web_id: "partial_outage"},
    )
    assert o.statuses() == {"API": "major_outage", "Web": "partial_outage", "Mail": "operational"}
    public = o.public()
    assert public["overall_status"] == "major_outage"
    assert [c["name"] for c in public["active_incidents"][0]["affected_components"]] == [
        "API",
        "Web",
    ]
    html = o.incident_page()
    assert "Affected components" in html
    assert "API: major outage (was operational)" in html
    site = o.api.client.get(f"/status/{o.slug}").get_data(as_text=True)
    assert "Affects: API (major outage), Web (partial outage)" in site
    for feed in o.feeds():
        assert "Affects: API (major outage), Web (partial outage)" in feed
    v2 = o.v2_incident()
    assert v2["impact"] == "critical"
    assert [(c["name"], c["status"]) for c in v2["components"]] == [
        ("API", "major_outage"),
        ("Web", "partial_outage"),
    ]
    mails = o.expect_emails(EVERYONE, WEB_ONLY)  # the Mail subscriber hears nothing
    for text in mails.values():
        assert "Affects: API (major outage), Web (partial outage)" in text
        assert "- API: major outage (was operational)" in text
    hook = o.expect_hook()
    assert hook["event"] == "incident.created"
    assert hook["incident"]["components"] == {api_id: "major_outage", web_id: "partial_outage"}
    assert [c["name"] for c in hook["incident_update"]["components"]] == ["API", "Web"]


def post_an_update(o: Outage) -> None:
    url = f"/{o.page['id']}/incidents/{o.incident['id']}/updates"
    web_id = o.components["Web"]
    posted = o.api.post(
        url,
        json={
            "status": "identified",
            "message": "A bad deploy; rolling back.",
            "components": {web_id: "degraded_performance"},
        },
    )
    assert posted.status_code == 201, posted.json
    assert o.statuses()["Web"] == "degraded_performance"
    [active] = o.public()["active_incidents"]
    assert active["status"] == "identified"
    assert active["updates"][0]["message"] == "A bad deploy; rolling back."
    assert "A bad deploy; rolling back." in o.incident_page()
    assert all("A bad deploy; rolling back." in feed for feed in o.feeds())
    [latest, _first] = o.v2_incident()["incident_updates"]
    assert latest["status"] == "identified"
    assert latest["affected_components"] == [
        {
            "code": web_id,
            "name": "Web",
            "old_status": "partial_outage",
            "new_status": "degraded_performance",
        }
    ]
    mails = o.expect_emails(EVERYONE, WEB_ONLY)
    for text in mails.values():
        assert "A bad deploy; rolling back." in text
        assert "- Web: degraded performance (was partial outage)" in text
    assert o.expect_hook()["incident_update"]["status"] == "identified"


def a_filtered_subscriber_hears_only_about_its_component(o: Outage) -> None:
    mail_id = o.components["Mail"]
    other = o.api.make_incident(
        o.page["id"], title="Mail delayed", components={mail_id: "degraded_performance"}
    )
    mails = o.expect_emails(EVERYONE, MAIL_ONLY)  # not the Web subscriber
    assert "Mail delayed" in mails[MAIL_ONLY]
    assert "Affects: Mail (degraded performance)" in mails[MAIL_ONLY]
    assert o.expect_hook()["incident"]["id"] == other["id"]
    assert len(o.public()["active_incidents"]) == 2


def resolve_with_components_restored(o: Outage) -> None:
    resolved = o.api.patch(
        f"/{o.page['id']}/incidents/{o.incident['id']}",
        json={"status": "resolved", "message": "Rolled back; all is well."},
    )
    assert resolved.status_code == 200, resolved.json
    # API and Web come back; Mail is still held by its own incident.
    assert o.statuses() == {
        "API": "operational",
        "Web": "operational",
        "Mail": "degraded_performance",
    }
    public = o.public()
    assert [i["title"] for i in public["active_incidents"]] == ["Mail delayed"]
    assert [i["title"] for i in public["recent_incidents"]] == ["Checkout failing"]
    assert public["overall_status"] == "degraded_performance"
    v2 = o.v2_incident()
    assert v2["status"] == "resolved" and v2["resolved_at"]
    moved = v2["incident_updates"][0]["affected_components"]
    assert {(c["name"], c["new_status"]) for c in moved} == {
        ("API", "operational"),
        ("Web", "operational"),
    }
    assert all("Rolled back; all is well." in feed for feed in o.feeds())
    mails = o.expect_emails(EVERYONE, WEB_ONLY)
    for text in mails.values():
        assert "Status: Resolved" in text
        assert "- API: operational (was major outage)" in text
    assert o.expect_hook()["event"] == "incident.resolved"


def publish_a_postmortem(o: Outage) -> None:
    base = f"/{o.page['id']}/incidents/{o.incident['id']}/postmortem"
    body = "## What happened\n\nA deploy broke checkout; we now canary every deploy."
    assert o.api.put(base, json={"body": body}).status_code == 200
    # A draft is the operator's alone: visitors and subscribers see nothing yet.
    assert o.public()["recent_incidents"][0]["postmortem"] is None
    assert "canary every deploy" not in o.incident_page()
    assert o.v2_incident()["postmortem_body"] is None
    published = o.api.post(f"{base}/publish", json={"notify": True})
    assert published.status_code == 200, published.json
    [resolved] = o.public()["recent_incidents"]
    assert "canary every deploy" in resolved["postmortem"]["body"]
    html = o.incident_page()
    assert "Postmortem" in html and "<h2>What happened</h2>" in html
    assert all("canary every deploy" in feed for feed in o.feeds())
    v2 = o.v2_incident()
    assert v2["postmortem_body"] == body and v2["postmortem_published_at"]
    # Those who heard of the incident hear of its postmortem; the Mail subscriber did not.
    mails = o.expect_emails(EVERYONE, WEB_ONLY)
    for text in mails.values():
        assert "Postmortem, published" in text and "canary every deploy" in text
    assert o.expect_hook()["event"] == "incident.postmortem_published"


STEPS: list[Callable[[Outage], None]] = [
    open_incident_with_two_components,
    post_an_update,
    a_filtered_subscriber_hears_only_about_its_component,
    resolve_with_components_restored,
    publish_a_postmortem,
]


def test_an_outage_from_start_to_finish(outage: Outage) -> None:
    for step in STEPS:
        step(outage)
