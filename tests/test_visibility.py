"""Who sees a page: private, disabled, IP allow-listed and password-protected pages.

The leak tests are generated from the app's URL map: every public route of a
page, present and future, must hide a page the visitor may not see.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from flask_statuspages import access, models

from .conftest import PREFIX, ApiClient, header_owner, make_app

SECRET_WORDS = ("Zanzibar-Secret-Component", "Quokka-Secret-Incident")


def public_urls(app: Flask, slug: str, component_id: str, incident_id: str) -> list[str]:
    """Every GET route of the page ``slug`` for visitors, with its placeholders filled."""
    site = app.config["STATUSPAGES_SITE_PREFIX"]
    values = {
        "slug": slug,
        "component_id": component_id,
        "incident_id": incident_id,
        "maintenance_id": "0" * 32,
        "token": "not-a-sign-in-link",
    }
    urls = []
    for rule in app.url_map.iter_rules():
        if "<slug>" not in rule.rule or "GET" not in (rule.methods or ()):
            continue
        if not (rule.rule.startswith(f"{PREFIX}/public/") or rule.rule.startswith(f"{site}/")):
            continue
        urls.append(re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values[m.group(1)], rule.rule))
    return sorted(urls)


@pytest.fixture
def secret_page(api: ApiClient) -> dict[str, Any]:
    page = api.make_page(name="Hidden Corp")
    component = api.make_component(page["id"], name=SECRET_WORDS[0])
    incident = api.make_incident(page["id"], title=SECRET_WORDS[1], message="details")
    return {"page": page, "component": component, "incident": incident}


def _assert_hidden(app: Flask, scene: dict[str, Any], statuses: set[int], **kw: Any) -> None:
    client = app.test_client()
    urls = public_urls(
        app, scene["page"]["slug"], scene["component"]["id"], scene["incident"]["id"]
    )
    assert len(urls) >= 19, urls  # every public route of contract section 8
    for url in urls:
        response = client.get(url, **kw)
        assert response.status_code in statuses, (url, response.status_code)
        body = response.get_data(as_text=True)
        for word in SECRET_WORDS:
            assert word not in body, (url, word)
    response = client.post(
        f"{PREFIX}/public/{scene['page']['slug']}/subscribe", json={"email": "a@example.com"}, **kw
    )
    assert response.status_code in statuses


def test_private_and_disabled_pages_are_hidden_everywhere(app, api, secret_page) -> None:
    page_id = secret_page["page"]["id"]
    api.put(f"/{page_id}", json={"is_public": False})
    _assert_hidden(app, secret_page, {404})
    api.put(f"/{page_id}", json={"is_public": True, "enabled": False})
    _assert_hidden(app, secret_page, {404})
    assert api.put(f"/{page_id}", json={"enabled": True}).json["enabled"] is True
    assert (
        app.test_client().get(f"{PREFIX}/public/{secret_page['page']['slug']}").status_code == 200
    )


def test_an_address_outside_the_allow_list_sees_nothing(app, api, secret_page) -> None:
    page_id, slug = secret_page["page"]["id"], secret_page["page"]["slug"]
    response = api.put(f"/{page_id}", json={"ip_allowlist": ["10.1.0.0/16", "2001:db8::1"]})
    assert response.json["ip_allowlist"] == ["10.1.0.0/16", "2001:db8::1/128"]
    _assert_hidden(app, secret_page, {404}, environ_base={"REMOTE_ADDR": "10.2.0.1"})
    client = app.test_client()
    for address in ("10.1.200.3", "2001:db8::1", "::ffff:10.1.0.9"):
        response = client.get(f"{PREFIX}/public/{slug}", environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 200, address
        assert response.headers["Cache-Control"] == "private, no-cache"


def test_allow_list_entries_are_validated(api) -> None:
    page = api.make_page()
    response = api.put(f"/{page['id']}", json={"ip_allowlist": ["10.0.0.0/8", "not-an-ip"]})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "ip_allowlist.1": ["Not a valid IP address or CIDR network."]
    }
    assert api.get(f"/{page['id']}").json["ip_allowlist"] == []


def test_a_locked_page_answers_401_until_unlocked(app, api, secret_page) -> None:
    page_id, slug = secret_page["page"]["id"], secret_page["page"]["slug"]
    updated = api.put(f"/{page_id}", json={"password": "open sesame"}).json
    assert updated["password_protected"] is True and "password" not in updated
    assert "password_hash" not in updated
    _assert_hidden(app, secret_page, {401})
    client = app.test_client()
    json_url = f"{PREFIX}/public/{slug}"
    assert client.get(json_url).json["error"]["code"] == "password_required"

    wrong = client.post(f"{json_url}/auth", json={"password": "guess"})
    assert wrong.status_code == 401 and "Set-Cookie" not in wrong.headers
    right = client.post(f"{json_url}/auth", json={"password": "open sesame"})
    assert right.status_code == 200
    token = right.json["token"]
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie

    # The cookie unlocks the page for this browser; the token for an API client.
    unlocked = client.get(json_url)
    assert unlocked.status_code == 200
    assert unlocked.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in unlocked.headers["Vary"]
    stranger = app.test_client()
    assert stranger.get(json_url).status_code == 401
    assert stranger.get(json_url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert stranger.get(json_url, headers={"Authorization": "Bearer forged"}).status_code == 401

    # A new password ends every session; removing it opens the page.
    api.put(f"/{page_id}", json={"password": "another one"})
    assert client.get(json_url).status_code == 401
    api.put(f"/{page_id}", json={"password": None})
    assert stranger.get(json_url).status_code == 200


def test_a_session_for_one_page_does_not_open_another(app, api) -> None:
    first = api.make_page(name="First", password="pw-first")
    second = api.make_page(name="Second", password="pw-second")
    client = app.test_client()
    token = client.post(
        f"{PREFIX}/public/{first['slug']}/auth", json={"password": "pw-first"}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{PREFIX}/public/{second['slug']}", headers=headers).status_code == 401


def test_auth_on_pages_without_password_or_hidden_is_404(app, api) -> None:
    open_page = api.make_page(name="Open")
    hidden = api.make_page(name="Hidden", is_public=False, password="secret-pw")
    client = app.test_client()
    for slug in (open_page["slug"], hidden["slug"], "missing"):
        response = client.post(f"{PREFIX}/public/{slug}/auth", json={"password": "x"})
        assert response.status_code == 404, slug


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"STATUSPAGES_AUTH_RATE_LIMIT": "3 per minute"}


def test_password_guessing_is_rate_limited(app, api) -> None:
    page = api.make_page(password="correct horse")
    client = app.test_client()
    url = f"{PREFIX}/public/{page['slug']}/auth"
    codes = [client.post(url, json={"password": f"guess {n}"}).status_code for n in range(3)]
    assert codes == [401, 401, 401]
    blocked = client.post(url, json={"password": "correct horse"})
    assert blocked.status_code == 429
    assert blocked.json["error"]["code"] == "rate_limited"
    assert int(blocked.headers["Retry-After"]) > 0


def test_page_settings_are_validated(api) -> None:
    page = api.make_page()
    bad = {
        "uptime_days": 366,
        "password": "abc",
        "header_html": "x" * 10001,
        "theme": {"color_scheme": "purple"},
    }
    response = api.put(f"/{page['id']}", json=bad)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "uptime_days",
        "password",
        "header_html",
        "theme.color_scheme",
    }
    assert api.get(f"/{page['id']}").json["uptime_days"] == 90


def test_changes_are_seen_by_other_processes_on_the_next_request(
    database_url, backend, api
) -> None:
    """Another app on the same database (another server process) never serves a stale page."""
    page = api.make_page()
    component = api.make_component(page["id"], name="API")
    other, ext, db = make_app(database_url)
    ext.owner_loader(header_owner)
    reader = other.test_client()
    url = f"{PREFIX}/public/{page['slug']}"
    first = reader.get(url)
    assert first.json["components"][0]["status"] == "operational"
    assert reader.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    api.put(f"/{page['id']}/components/{component['id']}", json={"status": "major_outage"})
    fresh = reader.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200
    assert fresh.json["components"][0]["status"] == "major_outage"
    assert fresh.headers["ETag"] != first.headers["ETag"]
    assert fresh.headers["Cache-Control"] == "public, no-cache"
    with other.app_context():
        db.engine.dispose()


def test_the_public_face_stays_up_when_redis_is_down(database_url, backend) -> None:
    """Writes commit and pages answer; only live events and shared counts are lost."""
    app, ext, db = make_app(database_url, STATUSPAGES_REDIS_URL="redis://127.0.0.1:1/0")
    ext.owner_loader(header_owner)
    with app.app_context():
        ext.create_all()
    api = ApiClient(app, "acme")
    page = api.make_page(name="Resilient")
    api.make_component(page["id"], name="API", status="partial_outage")
    body = app.test_client().get(f"{PREFIX}/public/{page['slug']}").json
    assert body["overall_status"] == "partial_outage"
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("memory", [False, True])
def test_a_lookup_inside_a_transaction_leaves_it_alone(app, db, database_url, memory) -> None:
    """The fast driver path must never roll back a transaction the host has open."""
    if memory:  # in-memory SQLite: every checkout is the session's own connection
        app, ext, db = make_app("sqlite://")
        with app.app_context():
            ext.create_all()
    with app.test_request_context():
        db.session.add(models.Page(owner="acme", name="Open", slug="open-txn", theme={}))
        db.session.flush()
        assert access.page_ref("open-txn") is not None
        db.session.commit()
    with app.app_context():
        assert db.session.query(models.Page).filter_by(slug="open-txn").count() == 1
