"""The console's incidents: the list, opening one (from a template, with the reach of
its notification), updates posted, corrected and deleted, resolving, the postmortem,
and incident templates. Every write: done, refused with 422 and nothing written,
404 on another owner's page, 403 from another site; notifications really sent
(a real SMTP server) when asked, and not when not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from flask_statuspages import StatusPages
from flask_statuspages.models import Incident, IncidentTemplate, NotificationEvent, utcnow
from flask_statuspages.state import db_session

CONSOLE = "/status-admin"
OPERATOR = {"X-Owner": "acme"}
CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}


@pytest.fixture
def app_config(smtp: Any) -> dict[str, Any]:
    return {"MAIL_PORT": smtp.port}


@dataclass
class Scene:
    page: str
    api: str  # component ids
    web: str
    db: str
    template: str
    other_page: str

    @property
    def base(self) -> str:
        return f"{CONSOLE}/pages/{self.page}"


@pytest.fixture
def scene(app: Flask, ext: StatusPages, smtp: Any) -> Scene:
    """Three components in two groups, a template, a verified email subscriber, and
    another owner's page."""
    with app.app_context():
        page = ext.pages.create("acme", name="Acme")
        core = ext.groups.create(page, name="Core")
        edge = ext.groups.create(page, name="Edge")
        api = ext.components.create(page, name="API", group_id=core.id)
        database = ext.components.create(page, name="Database", group_id=core.id)
        web = ext.components.create(page, name="Website", group_id=edge.id)
        template = ext.incident_templates.create(
            page,
            name="Database failover",
            title="Database failing over",
            message="We are switching to the replica.",
            severity="major",
            components={database.id: "partial_outage"},
        )
        _, token = ext.subscribers.create(page, email="ops@acme.example")
        ext.subscribers.verify(page, token)
        other = ext.pages.create("globex", name="Globex")
        ids = Scene(page.id, api.id, web.id, database.id, template.id, other.id)
    smtp.wait_for(1)  # the verification email
    return ids


def browser(app: Flask) -> Any:
    """The operator's one test client: its session cookie carries the flashes."""
    return app.extensions.setdefault("console_test_client", app.test_client())


def post(app: Flask, url: str, data: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return browser(app).post(url, data=data, headers={**OPERATOR, **(headers or {})})


def get(app: Flask, url: str) -> Any:
    return browser(app).get(url, headers=OPERATOR)


def incidents_of(app: Flask, page_id: str) -> list[SimpleNamespace]:
    """The page's incidents as they are in the database, oldest first."""
    with app.app_context():
        rows = db_session().query(Incident).filter_by(page_id=page_id)
        return [
            SimpleNamespace(
                id=i.id,
                title=i.title,
                status=i.status,
                components=dict(i.components or {}),
                postmortem=i.postmortem,
                postmortem_published_at=i.postmortem_published_at,
                updates=[
                    SimpleNamespace(id=u.id, message=u.message, edited_at=u.edited_at)
                    for u in i.updates
                ],
            )
            for i in sorted(rows, key=lambda incident: incident.created_at)
        ]


def events(app: Flask) -> list[str]:
    """What subscribers were to hear, besides their verification."""
    with app.app_context():
        rows = db_session().query(NotificationEvent).order_by("created_at")
        return [e.kind for e in rows if e.kind != "subscription.verify"]


def open_one(app: Flask, scene: Scene, **data: Any) -> str:
    fields = {"title": "API errors", "status": "investigating", "severity": "major", **data}
    response = post(app, scene.base + "/incidents/new", fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    return str(response.headers["Location"])


def mails_about(smtp: Any, count: int, word: str) -> list[Any]:
    return [m for m in smtp.wait_for(count) if word in m["Subject"]]


# ---------------------------------------------------------------- opening


def test_the_list_shows_open_incidents_before_resolved_ones(
    app: Flask, ext: StatusPages, scene: Scene
) -> None:
    with app.app_context():
        ext.incidents.resolve(scene.page, ext.incidents.create(scene.page, title="Old one"))
        ext.incidents.create(scene.page, title="Current one")
    html = get(app, scene.base + "/incidents").get_data(as_text=True)
    assert html.index("Current one") < html.index("Recently resolved") < html.index("Old one")


def test_opening_an_incident_affecting_two_components_notifies_subscribers(
    app: Flask, scene: Scene, smtp: Any
) -> None:
    form = {
        "message": "Errors on the API.",
        f"components[{scene.api}]": "major_outage",
        f"components[{scene.db}]": "degraded_performance",
        f"components[{scene.web}]": "",
        "notify": "true",
    }
    location = open_one(app, scene, **form)
    [incident] = incidents_of(app, scene.page)
    assert incident.components == {scene.api: "major_outage", scene.db: "degraded_performance"}
    assert location.endswith(f"/incidents/{incident.id}")
    shown = get(app, location).get_data(as_text=True)
    assert "Incident “API errors” opened." in shown
    [mail] = mails_about(smtp, 2, "API errors")
    assert mail["To"] == "ops@acme.example"
    assert "Errors on the API." in mail.get_body(("plain",)).get_content()


def test_an_incident_opened_without_notify_sends_nothing(
    app: Flask, scene: Scene, smtp: Any
) -> None:
    open_one(app, scene, title="Quiet one")  # the checkbox unticked: notify is false
    assert "incident.created" not in events(app)
    open_one(app, scene, title="Loud one", notify="true")
    assert [m["Subject"] for m in smtp.wait_for(2)][1:] == ["[Acme] Investigating: Loud one"]


def test_the_form_says_whom_a_notification_reaches(app: Flask, scene: Scene) -> None:
    html = get(app, scene.base + "/incidents/new").get_data(as_text=True)
    assert "Notifying will reach 1 email subscriber and 0 webhooks." in html
    assert f'data-reach-url="{scene.base}/reach"' in html


def test_preview_shows_the_reach_and_writes_nothing(
    app: Flask, ext: StatusPages, scene: Scene
) -> None:
    with app.app_context():
        _, token = ext.subscribers.create(
            scene.page, webhook_url="https://hooks.example.com/x", component_ids=[scene.web]
        )
        ext.subscribers.verify(scene.page, token)
    form = {"title": "Draft", f"components[{scene.api}]": "major_outage", "_action": "preview"}
    response = post(app, scene.base + "/incidents/new", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 email subscriber and 0 webhooks" in html  # the webhook hears of the Website only
    assert 'value="Draft"' in html
    assert incidents_of(app, scene.page) == []
    fragment = get(app, f"{scene.base}/reach?component_ids[]={scene.web}")
    assert "1 email subscriber and 1 webhook." in fragment.get_data(as_text=True)


def test_a_template_fills_the_form(app: Flask, scene: Scene) -> None:
    html = get(app, f"{scene.base}/incidents/new?template_id={scene.template}").get_data(
        as_text=True
    )
    assert 'value="Database failing over"' in html
    assert "We are switching to the replica." in html
    assert '<option value="partial_outage" selected>' in html
    assert '<option value="major" selected>' in html


def test_a_refused_incident_comes_back_with_its_errors_and_writes_nothing(
    app: Flask, scene: Scene
) -> None:
    form = {"title": "", f"components[{scene.api}]": "on_fire", "notify": "true"}
    response = post(app, scene.base + "/incidents/new", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-title"' in html
    assert incidents_of(app, scene.page) == []


# ------------------------------------------------------------ the timeline


def test_an_update_is_posted_and_subscribers_hear_it(app: Flask, scene: Scene, smtp: Any) -> None:
    location = open_one(app, scene, **{f"components[{scene.api}]": "major_outage"})
    form = {
        "status": "identified",
        "message": "A bad deploy.",
        f"components[{scene.api}]": "partial_outage",
        f"components[{scene.web}]": "",
        "notify": "true",
    }
    response = post(app, location + "/updates", form)
    assert response.status_code == 303
    [incident] = incidents_of(app, scene.page)
    assert incident.status == "identified"
    assert incident.components == {scene.api: "partial_outage"}
    assert "Update posted." in get(app, location).get_data(as_text=True)
    [mail] = mails_about(smtp, 2, "Identified")
    assert "A bad deploy." in mail.get_body(("plain",)).get_content()


def test_a_refused_update_writes_nothing(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene)
    response = post(app, location + "/updates", {"status": "exploded", "message": "x"})
    assert response.status_code == 422
    assert 'id="error-status"' in response.get_data(as_text=True)
    [incident] = incidents_of(app, scene.page)
    assert incident.status == "investigating" and len(incident.updates) == 1


def test_resolving_notifies_and_restores_the_components(
    app: Flask, ext: StatusPages, scene: Scene, smtp: Any
) -> None:
    location = open_one(app, scene, **{f"components[{scene.api}]": "major_outage"})
    response = post(app, location + "/resolve", {"message": "Fixed.", "notify": "true"})
    assert response.status_code == 303
    [incident] = incidents_of(app, scene.page)
    assert incident.status == "resolved"
    with app.app_context():
        assert ext.components.get(scene.page, scene.api).status == "operational"
    assert mails_about(smtp, 2, "Resolved")


def test_an_update_is_corrected_without_notifying_again(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene, message="Typo hre")
    [incident] = incidents_of(app, scene.page)
    update = incident.updates[0]
    url = f"{location}/updates/{update.id}/edit"
    assert "Typo hre" in get(app, url).get_data(as_text=True)
    response = post(app, url, {"message": "Typo here", "created_at": ""})
    assert response.status_code == 303
    [incident] = incidents_of(app, scene.page)
    assert incident.updates[0].message == "Typo here" and incident.updates[0].edited_at
    assert events(app) == []  # opened without notify, corrected: nothing was sent


def test_a_correction_in_the_future_is_refused(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene, message="As it was")
    [incident] = incidents_of(app, scene.page)
    future = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    url = f"{location}/updates/{incident.updates[0].id}/edit"
    response = post(app, url, {"message": "Changed", "created_at": future})
    assert response.status_code == 422
    assert 'id="error-created_at"' in response.get_data(as_text=True)
    assert incidents_of(app, scene.page)[0].updates[0].message == "As it was"


def test_an_update_is_deleted_after_a_confirmation(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene)
    post(app, location + "/updates", {"message": "Second"})
    [incident] = incidents_of(app, scene.page)
    newest = incident.updates[0]
    url = f"{location}/updates/{newest.id}/delete"
    confirmation = get(app, url).get_data(as_text=True)
    assert "Delete this update?" in confirmation and f'action="{url}"' in confirmation
    assert post(app, url, {}).status_code == 303
    [incident] = incidents_of(app, scene.page)
    assert [u.message for u in incident.updates] == [None]


def test_the_only_update_cannot_be_deleted(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene)
    [incident] = incidents_of(app, scene.page)
    response = post(app, f"{location}/updates/{incident.updates[0].id}/delete", {})
    assert response.status_code == 409
    assert len(incidents_of(app, scene.page)[0].updates) == 1


def test_an_incident_is_deleted_after_a_confirmation(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene)
    assert "Delete incident" in get(app, location + "/delete").get_data(as_text=True)
    assert post(app, location + "/delete", {}).status_code == 303
    assert incidents_of(app, scene.page) == []


# ------------------------------------------------------------ the postmortem


def test_a_postmortem_is_previewed_saved_published_and_heard(
    app: Flask, scene: Scene, smtp: Any
) -> None:
    location = open_one(app, scene)
    post(app, location + "/resolve", {})
    url = location + "/postmortem"
    preview = post(app, url, {"body": "# What happened\n\nA *bad* deploy.", "_action": "preview"})
    assert "<h1>What happened</h1>" in preview.get_data(as_text=True)
    assert incidents_of(app, scene.page)[0].postmortem is None
    assert post(app, url, {"body": "# What happened\n\nA *bad* deploy."}).status_code == 303
    assert incidents_of(app, scene.page)[0].postmortem_published_at is None
    assert post(app, url + "/publish", {"notify": "true"}).status_code == 303
    assert incidents_of(app, scene.page)[0].postmortem_published_at is not None
    [mail] = mails_about(smtp, 2, "Postmortem")
    assert "bad" in mail.get_body(("plain",)).get_content()
    assert post(app, url + "/unpublish", {}).status_code == 303
    assert incidents_of(app, scene.page)[0].postmortem_published_at is None


def test_a_postmortem_published_without_notify_sends_nothing(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene)
    post(app, location + "/resolve", {})
    post(app, location + "/postmortem", {"body": "Text"})
    assert post(app, location + "/postmortem/publish", {}).status_code == 303
    assert "incident.postmortem_published" not in events(app)


def test_an_empty_postmortem_cannot_be_published(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene)
    post(app, location + "/resolve", {})
    post(app, location + "/postmortem", {"body": ""})
    response = post(app, location + "/postmortem/publish", {"notify": "true"})
    assert response.status_code == 422
    assert incidents_of(app, scene.page)[0].postmortem_published_at is None


def test_a_postmortem_is_deleted_after_a_confirmation(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene)
    post(app, location + "/postmortem", {"body": "Text"})
    assert "Delete the postmortem?" in get(app, location + "/postmortem/delete").get_data(
        as_text=True
    )
    assert post(app, location + "/postmortem/delete", {}).status_code == 303
    assert incidents_of(app, scene.page)[0].postmortem is None


# ------------------------------------------------------------ templates


def templates_of(app: Flask, page_id: str) -> list[str]:
    with app.app_context():
        return sorted(
            t.name for t in db_session().query(IncidentTemplate).filter_by(page_id=page_id)
        )


def test_templates_are_created_edited_and_deleted(app: Flask, scene: Scene) -> None:
    base = scene.base + "/incident-templates"
    assert "Database failover" in get(app, base).get_data(as_text=True)
    form = {
        "name": "API down",
        "title": "API unavailable",
        "severity": "critical",
        f"components[{scene.api}]": "major_outage",
        f"components[{scene.web}]": "",
    }
    assert post(app, base + "/new", form).status_code == 303
    assert templates_of(app, scene.page) == ["API down", "Database failover"]
    edit = f"{base}/{scene.template}"
    assert 'value="Database failover"' in get(app, edit).get_data(as_text=True)
    form = {"name": "DB failover", "title": "Database failing over", "severity": ""}
    assert post(app, edit, form).status_code == 303
    with app.app_context():
        edited = db_session().get(IncidentTemplate, scene.template)
        assert edited is not None
        assert (edited.name, edited.severity, edited.components) == ("DB failover", None, {})
    assert "Delete template" in get(app, edit + "/delete").get_data(as_text=True)
    assert post(app, edit + "/delete", {}).status_code == 303
    assert templates_of(app, scene.page) == ["API down"]


def test_a_refused_template_writes_nothing(app: Flask, scene: Scene) -> None:
    response = post(app, scene.base + "/incident-templates/new", {"name": "", "title": "T"})
    assert response.status_code == 422
    assert 'id="error-name"' in response.get_data(as_text=True)
    assert templates_of(app, scene.page) == ["Database failover"]


# ------------------------------------------------- tenancy and the cross-site rule


def every_write(scene: Scene, location: str, update_id: str) -> list[tuple[str, dict[str, str]]]:
    incidents = scene.base + "/incidents"
    templates = scene.base + "/incident-templates"
    return [
        (incidents + "/new", {"title": "Evil"}),
        (location + "/updates", {"message": "Evil"}),
        (location + "/resolve", {"message": "Evil"}),
        (f"{location}/updates/{update_id}/edit", {"message": "Evil"}),
        (f"{location}/updates/{update_id}/delete", {}),
        (location + "/delete", {}),
        (location + "/postmortem", {"body": "Evil"}),
        (location + "/postmortem/publish", {}),
        (location + "/postmortem/unpublish", {}),
        (location + "/postmortem/delete", {}),
        (templates + "/new", {"name": "Evil", "title": "Evil"}),
        (f"{templates}/{scene.template}", {"name": "Evil", "title": "Evil"}),
        (f"{templates}/{scene.template}/delete", {}),
    ]


def snapshot(app: Flask, scene: Scene) -> Any:
    return (
        [(i.title, i.status, len(i.updates), i.postmortem) for i in incidents_of(app, scene.page)],
        templates_of(app, scene.page),
    )


def test_no_form_can_be_sent_from_another_site(app: Flask, scene: Scene) -> None:
    location = open_one(app, scene, message="First")
    post(app, location + "/postmortem", {"body": "Draft"})
    update_id = incidents_of(app, scene.page)[0].updates[0].id
    before = snapshot(app, scene)
    for url, data in every_write(scene, location, update_id):
        response = post(app, url, data, CROSS_SITE)
        assert response.status_code == 403, url
    assert snapshot(app, scene) == before


def test_another_owners_page_and_incident_are_not_found(
    app: Flask, ext: StatusPages, scene: Scene
) -> None:
    location = open_one(app, scene, message="First")
    update_id = incidents_of(app, scene.page)[0].updates[0].id
    before = snapshot(app, scene)
    globex = {"X-Owner": "globex"}
    for url, data in every_write(scene, location, update_id):
        assert app.test_client().post(url, data=data, headers=globex).status_code == 404, url
    for url in (
        scene.base + "/incidents",
        location,
        location + "/postmortem",
        f"{scene.base}/reach",
        scene.base + "/incident-templates",
    ):
        assert app.test_client().get(url, headers=globex).status_code == 404, url
    assert snapshot(app, scene) == before
    with app.app_context():
        theirs = ext.incidents.create(scene.other_page, title="Globex trouble")
        theirs_id = theirs.id
    mine_with_theirs = f"{scene.base}/incidents/{theirs_id}"
    assert get(app, mine_with_theirs).status_code == 404
    assert post(app, mine_with_theirs + "/resolve", {}).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        "title=A&components=foo",
        "title=A&components[{api}][deeper]=1",
        "title=A&components[not-a-component]=major_outage",
        "title=A&notify=maybe&severity=enormous",
        "_action=preview&title=A&components=foo",
    ],
)
def test_a_malformed_incident_form_is_refused_not_a_crash(
    app: Flask, scene: Scene, body: str
) -> None:
    response = browser(app).post(
        scene.base + "/incidents/new",
        data=body.replace("{api}", scene.api),
        headers={**OPERATOR, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code in (200, 422)  # a preview shows the form again
    assert incidents_of(app, scene.page) == []
