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
