"""The example host app: its own login in front of the extension, and the demo data."""

from __future__ import annotations

import base64
import importlib.util
from pathlib import Path

import pytest

from .conftest import PREFIX, _reset_postgres

EXAMPLE = Path(__file__).resolve().parent.parent / "example_app" / "app.py"


@pytest.fixture
def example(database_url, backend):
    spec = importlib.util.spec_from_file_location("example_host_app", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app = module.create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "STATUSPAGES_QUEUE": "inline"}
    )
    with app.app_context():
        if backend == "postgresql":
            _reset_postgres(module.db)
        else:
            module.statuspages.create_all()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["statuspages", "demo", "--owner", "acme"]).exit_code == 0
    yield app
    with app.app_context():
        module.db.engine.dispose()


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def test_home_and_public_page(example) -> None:
    client = example.test_client()
    assert b"acme-status" in client.get("/").data
    body = client.get(PREFIX + "/public/acme-status").json
    assert body["name"] == "Acme Status"


def test_basic_auth_tenants_and_token_fallback(example) -> None:
    client = example.test_client()
    alice = client.get(PREFIX + "/", headers=_basic("alice", "alice-password")).json
    assert [p["slug"] for p in alice["data"]] == ["acme-status"]
    bob = client.get(PREFIX + "/", headers=_basic("bob", "bob-password")).json
    assert bob["data"] == []
    assert client.get(PREFIX + "/", headers=_basic("alice", "wrong")).status_code == 401
    token = example.test_cli_runner().invoke(args=["statuspages", "create-token", "globex"])
    bearer = {"Authorization": f"Bearer {token.stdout.strip()}"}
    assert client.get(PREFIX + "/", headers=bearer).json["pagination"]["total"] == 0


def test_plan_limit(example) -> None:
    client = example.test_client()
    alice = _basic("alice", "alice-password")
    codes = [
        client.post(PREFIX + "/", json={"name": f"P{n}"}, headers=alice).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 403]


def test_home_links_to_the_html_status_page(example) -> None:
    client = example.test_client()
    home = client.get("/").get_data(as_text=True)
    assert 'href="http://localhost/status/acme-status"' in home
    page = client.get("/status/acme-status")
    assert page.status_code == 200 and b"Acme Status" in page.data


def test_seeded_incidents_are_dated_like_their_timelines(example) -> None:
    """Opened at the first update, last changed at the last, resolved at the resolution."""
    body = example.test_client().get(PREFIX + "/public/acme-status").json
    incidents = body["active_incidents"] + body["recent_incidents"]
    assert [i["title"] for i in incidents] == [
        "Elevated API latency",
        "Delayed email notifications",
    ]
    for incident in incidents:
        times = [update["created_at"] for update in incident["updates"]]
        assert times == sorted(times, reverse=True), incident["title"]  # newest first
        assert incident["created_at"] == times[-1], incident["title"]
        assert incident["updated_at"] == times[0], incident["title"]
        assert len(set(times)) == len(times), f"{incident['title']}: updates at the same instant"
    active, past = incidents
    assert active["resolved_at"] is None
    assert past["resolved_at"] == past["updates"][0]["created_at"]
    assert past["updates"][0]["status"] == "resolved"
    assert past["created_at"] < past["resolved_at"] < active["created_at"]


# ------------------------------------------------------------- its own login

CONSOLE = "/status-admin"


def test_the_console_sends_a_stranger_to_the_apps_login_and_back(example) -> None:
    client = example.test_client()
    asked = client.get(CONSOLE + "/pages/new")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/login?next=%2Fstatus-admin%2Fpages%2Fnew"
    form = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'action="/login?next=/status-admin/pages/new"' in form
    signed_in = client.post(
        asked.headers["Location"], data={"username": "alice", "password": "alice-password"}
    )
    assert (
        signed_in.status_code == 303 and signed_in.headers["Location"] == "/status-admin/pages/new"
    )
    console = client.get(CONSOLE + "/")
    assert console.status_code == 200
    html = console.get_data(as_text=True)
    assert "Signed in as acme" in html and "Acme Status" in html


def test_a_wrong_password_signs_nobody_in(example) -> None:
    client = example.test_client()
    refused = client.post("/login", data={"username": "alice", "password": "bob-password"})
    assert refused.status_code == 401
    assert "Unknown user or wrong password." in refused.get_data(as_text=True)
    assert client.get(CONSOLE + "/").status_code == 302
    unknown = client.post("/login", data={"username": "mallory", "password": ""})
    assert unknown.status_code == 401


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_a_next_off_the_site_is_ignored(example, target: str) -> None:
    client = example.test_client()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "bob", "password": "bob-password"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/status-admin/"


def test_sign_out_ends_the_session_and_the_session_reaches_the_admin_api(example) -> None:
    client = example.test_client()
    client.post("/login", data={"username": "alice", "password": "alice-password"})
    pages = client.get(PREFIX + "/").json
    assert [p["slug"] for p in pages["data"]] == ["acme-status"]
    assert 'action="/logout"' in client.get("/").get_data(as_text=True)
    assert client.post("/logout").status_code == 303
    assert client.get(CONSOLE + "/").status_code == 302
    assert client.get(PREFIX + "/").status_code == 401


def test_the_home_page_links_to_the_console(example) -> None:
    home = example.test_client().get("/").get_data(as_text=True)
    assert f'href="{CONSOLE}/"' in home and "Status console" in home
