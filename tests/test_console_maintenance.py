"""The console's scheduled maintenance: the list, scheduling and editing a window
(times typed in the page's zone), deleting one, and the preview of what subscribers
will receive (built by the notification code itself, nothing saved or sent)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask

from flask_statuspages import StatusPages
from flask_statuspages.models import Maintenance, NotificationEvent
from flask_statuspages.state import db_session

CONSOLE = "/status-admin"
OPERATOR = {"X-Owner": "acme"}
CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}


@pytest.fixture
def app_config(smtp: Any) -> dict[str, Any]:
    return {"MAIL_PORT": smtp.port}


@pytest.fixture
def scene(app: Flask, ext: StatusPages, smtp: Any) -> dict[str, str]:
    """A page in Berlin's time zone with two components and a verified subscriber."""
    with app.app_context():
        page = ext.pages.create("acme", name="Acme", time_zone="Europe/Berlin")
        database = ext.components.create(page, name="Database")
        ext.components.create(page, name="API")
        _, token = ext.subscribers.create(page, email="ops@acme.example")
        ext.subscribers.verify(page, token)
        ids = {"page": page.id, "db": database.id, "base": f"{CONSOLE}/pages/{page.id}"}
    smtp.wait_for(1)
    return ids


def client(app: Flask) -> Any:
    return app.extensions.setdefault("console_test_client", app.test_client())


def post(app: Flask, url: str, data: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return client(app).post(url, data=data, headers={**OPERATOR, **(headers or {})})


def get(app: Flask, url: str) -> Any:
    return client(app).get(url, headers=OPERATOR)


def windows(app: Flask, page_id: str) -> list[tuple[str, datetime, datetime, list[str]]]:
    with app.app_context():
        rows = db_session().query(Maintenance).filter_by(page_id=page_id)
        return [(m.title, m.scheduled_for, m.scheduled_until, list(m.component_ids)) for m in rows]


def announced(app: Flask) -> list[str]:
    with app.app_context():
        rows = db_session().query(NotificationEvent).order_by("created_at")
        return [e.kind for e in rows if e.kind.startswith("maintenance.")]


def form(scene: dict[str, str], **fields: Any) -> dict[str, Any]:
    return {
        "title": "Database upgrade",
        "message": "Writes pause for a minute.",
        "scheduled_for": "2030-01-10T02:00",
        "scheduled_until": "2030-01-10T04:00",
        "component_ids[]": scene["db"],
        "auto_transition": "true",
        **fields,
    }


def test_a_window_is_scheduled_in_the_pages_zone_and_announced(
    app: Flask, scene: dict[str, str], smtp: Any
) -> None:
    new = get(app, scene["base"] + "/maintenances/new").get_data(as_text=True)
    assert "Europe/Berlin" in new and 'type="datetime-local"' in new
    response = post(app, scene["base"] + "/maintenances/new", form(scene))
    assert response.status_code == 303
    [(title, start, end, components)] = windows(app, scene["page"])
    berlin_2am_utc = datetime(2030, 1, 10, 1, 0, tzinfo=timezone.utc)  # CET is UTC+1
    assert (title, start, end - start) == ("Database upgrade", berlin_2am_utc, timedelta(hours=2))
    assert components == [scene["db"]]
    [mail] = [m for m in smtp.wait_for(2) if "Scheduled maintenance" in m["Subject"]]
    assert mail["Subject"] == "[Acme] Scheduled maintenance: Database upgrade"
    listing = get(app, scene["base"] + "/maintenances").get_data(as_text=True)
    assert "Maintenance “Database upgrade” scheduled." in listing
    upcoming = listing.index("Upcoming")
    assert listing.index("Database upgrade", upcoming) < listing.index("Past")


def test_the_preview_shows_the_email_and_the_webhook_and_saves_nothing(
    app: Flask, scene: dict[str, str]
) -> None:
    response = post(app, scene["base"] + "/maintenances/new", form(scene, _action="preview"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "[Acme] Scheduled maintenance: Database upgrade" in html
    assert "Writes pause for a minute." in html
    assert "&#34;event&#34;: &#34;maintenance.scheduled&#34;" in html
    assert "Notifying will reach 1 email subscriber and 0 webhooks." in html
    assert 'value="2030-01-10T02:00"' in html  # the form as typed
    assert windows(app, scene["page"]) == []
    assert announced(app) == []


def test_a_refused_window_comes_back_with_its_errors_and_writes_nothing(
    app: Flask, scene: dict[str, str]
) -> None:
    for action in ("", "preview"):
        for field, bad in (("scheduled_until", "2030-01-10T01:00"), ("title", "")):
            refused = form(scene, _action=action, **{field: bad})
            response = post(app, scene["base"] + "/maintenances/new", refused)
            assert response.status_code == 422
            assert f'id="error-{field}"' in response.get_data(as_text=True)
    assert windows(app, scene["page"]) == []


def test_a_window_is_edited_and_deleted_after_a_confirmation(
    app: Flask, ext: StatusPages, scene: dict[str, str]
) -> None:
    post(app, scene["base"] + "/maintenances/new", form(scene))
    with app.app_context():
        [window] = ext.maintenances.list(scene["page"])
        url = f"{scene['base']}/maintenances/{window.id}"
    page = get(app, url).get_data(as_text=True)
    assert 'value="2030-01-10T02:00"' in page  # shown back in Berlin time
    changed = form(scene, title="Database upgrade, longer", scheduled_until="2030-01-10T05:00")
    del changed["component_ids[]"]
    assert post(app, url, changed).status_code == 303
    [(title, start, end, components)] = windows(app, scene["page"])
    assert (title, end - start, components) == ("Database upgrade, longer", timedelta(hours=3), [])
    assert post(app, url, form(scene, scheduled_for="soon")).status_code == 422
    assert windows(app, scene["page"])[0][0] == "Database upgrade, longer"
    assert "Delete maintenance" in get(app, url + "/delete").get_data(as_text=True)
    assert post(app, url + "/delete", {}).status_code == 303
    assert windows(app, scene["page"]) == []


def test_starting_a_window_by_hand_previews_its_start(
    app: Flask, ext: StatusPages, scene: dict[str, str]
) -> None:
    post(app, scene["base"] + "/maintenances/new", form(scene))
    with app.app_context():
        url = f"{scene['base']}/maintenances/{ext.maintenances.list(scene['page'])[0].id}"
    html = post(app, url, form(scene, status="in_progress", _action="preview")).get_data(
        as_text=True
    )
    assert "[Acme] Maintenance in progress: Database upgrade" in html
    quiet = post(app, url, form(scene, _action="preview")).get_data(as_text=True)
    assert "Saving this change sends nothing to subscribers" in quiet


def test_no_form_can_be_sent_from_another_site_or_by_another_owner(
    app: Flask, ext: StatusPages, scene: dict[str, str]
) -> None:
    post(app, scene["base"] + "/maintenances/new", form(scene))
    with app.app_context():
        url = f"{scene['base']}/maintenances/{ext.maintenances.list(scene['page'])[0].id}"
    before = windows(app, scene["page"])
    writes = [
        (scene["base"] + "/maintenances/new", form(scene, title="Evil")),
        (url, form(scene, title="Evil")),
        (url + "/delete", {}),
    ]
    for target, data in writes:
        assert post(app, target, data, CROSS_SITE).status_code == 403, target
        globex = app.test_client().post(target, data=data, headers={"X-Owner": "globex"})
        assert globex.status_code == 404, target
    for target in (scene["base"] + "/maintenances", url, url + "/delete"):
        assert app.test_client().get(target, headers={"X-Owner": "globex"}).status_code == 404
    assert windows(app, scene["page"]) == before


def test_a_window_without_a_message_is_renamed_alone(
    app: Flask, ext: StatusPages, scene: dict[str, str]
) -> None:
    with app.app_context():
        start = datetime(2030, 1, 10, 1, 0, tzinfo=timezone.utc)
        window = ext.maintenances.create(
            scene["page"],
            title="Quiet",
            scheduled_for=start,
            scheduled_until=start + timedelta(hours=1),
        )
        url = f"{scene['base']}/maintenances/{window.id}"
    assert post(app, url, {"title": "Quiet, renamed"}).status_code == 303
    assert windows(app, scene["page"])[0][0] == "Quiet, renamed"
