"""Incidents: severities, statuses, resolved_at and the update timeline."""

from __future__ import annotations

import pytest

from .conftest import PREFIX


@pytest.fixture
def page(api):
    return api.make_page()


def test_create_incident(api, page) -> None:
    response = api.post(
        f"/{page['id']}/incidents",
        json={
            "title": "API Latency Spike",
            "message": "Investigating increased response times",
            "severity": "major",
            "status": "investigating",
        },
    )
    assert response.status_code == 201
    body = response.json
    assert response.headers["Location"] == f"{PREFIX}/{page['id']}/incidents/{body['id']}"
    assert (body["title"], body["severity"], body["status"]) == (
        "API Latency Spike",
        "major",
        "investigating",
    )
    assert body["resolved_at"] is None
    assert [(u["status"], u["message"]) for u in body["updates"]] == [
        ("investigating", "Investigating increased response times")
    ]


def test_defaults(api, page) -> None:
    body = api.make_incident(page["id"])
    assert (body["severity"], body["status"]) == ("minor", "investigating")
    assert len(body["updates"]) == 1


def test_validation(api, page) -> None:
    response = api.post(f"/{page['id']}/incidents", json={"severity": "huge", "status": "open"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"title", "severity", "status"}


def test_resolving_sets_resolved_at_and_reopening_clears_it(api, page) -> None:
    incident = api.make_incident(page["id"])
    url = f"/{page['id']}/incidents/{incident['id']}"
    resolved = api.put(url, json={"status": "resolved"}).json
    assert resolved["resolved_at"] is not None
    again = api.put(url, json={"status": "resolved", "message": "Still fine"}).json
    assert again["resolved_at"] == resolved["resolved_at"]
    reopened = api.patch(url, json={"status": "monitoring"}).json
    assert reopened["resolved_at"] is None


def test_created_resolved_has_resolved_at(api, page) -> None:
    assert api.make_incident(page["id"], status="resolved")["resolved_at"] is not None


def test_timeline_gets_an_entry_per_status_change_or_message(api, page) -> None:
    incident = api.make_incident(page["id"], message="Looking")
    url = f"/{page['id']}/incidents/{incident['id']}"
    api.put(url, json={"status": "identified"})
    api.put(url, json={"message": "Fix deploying"})
    api.put(url, json={"title": "Renamed", "severity": "critical"})  # neither: no entry
    api.put(url, json={"status": "identified"})  # same status: no entry
    body = api.put(url, json={"status": "resolved", "message": "All good"}).json
    assert [(u["status"], u["message"]) for u in body["updates"]] == [
        ("resolved", "All good"),
        ("identified", "Fix deploying"),
        ("identified", None),
        ("investigating", "Looking"),
    ]
    assert body["message"] == "All good"
    assert body["title"] == "Renamed" and body["severity"] == "critical"


def test_list_filters_by_status_and_paginates(api, page) -> None:
    first = api.make_incident(page["id"], title="First")
    api.make_incident(page["id"], title="Second", status="resolved")
    third = api.make_incident(page["id"], title="Third", status="monitoring")
    body = api.get(f"/{page['id']}/incidents").json
    assert [i["title"] for i in body["data"]] == ["Third", "Second", "First"]
    assert body["data"][0]["updates"][0]["status"] == "monitoring"
    only = api.get(f"/{page['id']}/incidents?status=investigating").json["data"]
    assert [i["id"] for i in only] == [first["id"]]
    assert [
        i["id"] for i in api.get(f"/{page['id']}/incidents?status=monitoring").json["data"]
    ] == [third["id"]]
    response = api.get(f"/{page['id']}/incidents?status=bogus")
    assert response.status_code == 422 and "status" in response.json["error"]["fields"]


def test_delete_incident(api, page) -> None:
    incident = api.make_incident(page["id"])
    url = f"/{page['id']}/incidents/{incident['id']}"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.get(f"/{page['id']}/incidents").json["data"] == []
