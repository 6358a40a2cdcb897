"""Live updates: the Server-Sent Events stream, in one process and across two through Redis."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from flask_statuspages.realtime import MemoryBroker

from .conftest import PREFIX, ApiClient, free_port, make_app


def parse_events(chunks: Iterator[bytes], count: int) -> list[dict[str, Any]]:
    """The first ``count`` SSE messages (comments included, as ``{"comment": ...}``)."""
    buffer, found = "", []
    for chunk in chunks:
        buffer += chunk.decode()
        while "\n\n" in buffer and len(found) < count:
            block, buffer = buffer.split("\n\n", 1)
            message: dict[str, Any] = {}
            for line in block.splitlines():
                field, _, value = line.partition(":")
                if field == "":
                    message["comment"] = value.strip()
                else:
                    message[field] = value.lstrip()
            if "data" in message:
                message["data"] = json.loads(message["data"])
            found.append(message)
        if len(found) >= count:
            return found
    return found


def named(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if "event" in m]


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"STATUSPAGES_SSE_HEARTBEAT": 0.2, "STATUSPAGES_SSE_MAX_DURATION": 5}


def _open_stream(app: Flask, slug: str, **headers: str) -> Any:
    response = app.test_client().get(
        f"{PREFIX}/public/{slug}/events", headers=headers, buffered=False
    )
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    return response


def _later(seconds: float, action: Any) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(seconds), action()), daemon=True)
    thread.start()
    return thread


def test_a_stream_starts_with_the_state_then_passes_changes_on(app, api: ApiClient) -> None:
    page = api.make_page(name="Live")
    component = api.make_component(page["id"], name="API")
    response = _open_stream(app, page["slug"])
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    writer = api.as_owner("acme")
    path = f"/{page['id']}/components/{component['id']}"
    writing = _later(0.3, lambda: writer.put(path, json={"status": "partial_outage"}))
    messages = named(parse_events(response.response, 12))
    response.close()
    writing.join(10)  # its connection back in the pool before the pool is disposed
    state, changes = messages[0], messages[1:]
    assert state["event"] == "state"
    assert state["data"]["components"][0]["status"] == "operational"
    kinds = [m["event"] for m in changes]
    assert "component.status_changed" in kinds
    change = changes[kinds.index("component.status_changed")]
    assert change["data"]["new_status"] == "partial_outage"
    assert change["data"]["component"]["name"] == "API"
    assert change["id"]


def test_heartbeats_keep_a_quiet_stream_open(app, api: ApiClient) -> None:
    page = api.make_page()
    response = _open_stream(app, page["slug"])
    messages = parse_events(response.response, 4)
    response.close()
    assert messages[0] == {"retry": "3000"}
    assert {"comment": "keep-alive"} in messages


def test_last_event_id_resumes_with_the_missed_events(app, api: ApiClient) -> None:
    page = api.make_page()
    component = api.make_component(page["id"])
    for status in ("degraded_performance", "partial_outage", "major_outage"):
        api.put(f"/{page['id']}/components/{component['id']}", json={"status": status})
    broker: MemoryBroker = app.extensions["statuspages"].broker
    backlog = broker.since(page["id"], "none") or []
    assert backlog == []  # an unknown id: the stream starts from the state instead
    with app.app_context():
        events = broker._backlog[page["id"]]
        first_change = next(e for e in events if e.name == "component.status_changed")
    response = _open_stream(app, page["slug"], **{"Last-Event-ID": first_change.id})
    messages = named(parse_events(response.response, 6))
    response.close()
    statuses = [
        m["data"]["new_status"] for m in messages if m["event"] == "component.status_changed"
    ]
    assert statuses == ["partial_outage", "major_outage"]
    assert all(m["event"] != "state" for m in messages)


def test_a_page_update_ends_the_stream_so_access_is_checked_again(app, api: ApiClient) -> None:
    page = api.make_page()
    response = _open_stream(app, page["slug"])
    writing = _later(0.3, lambda: api.put(f"/{page['id']}", json={"is_public": False}))
    messages = named(parse_events(response.response, 50))
    writing.join(10)  # the stream ends before the write's request does
    assert messages[-1]["event"] == "page.updated"
    assert app.test_client().get(f"{PREFIX}/public/{page['slug']}/events").status_code == 404


# ------------------------------------------------------ across processes


def _serve(database_url: str, redis_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FLASK_APP": "tests.hostapp:create_app",
        "HOSTAPP_DATABASE_URL": database_url,
        "HOSTAPP_REDIS_URL": redis_url,
        "HOSTAPP_QUEUE": "inline",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "run", "--port", str(port), "--no-reload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            conn.request("GET", f"{PREFIX}/openapi.json")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()  # a socket left to the collector warns, at any later test
    raise AssertionError(f"the server on port {port} did not start")


def _http(port: int, method: str, path: str, body: Any = None) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"X-Owner": "acme", "Content-Type": "application/json"}
    payload = json.dumps(body) if body else None
    try:
        conn.request(method, PREFIX + path, body=payload, headers=headers)
        return json.loads(conn.getresponse().read() or b"null")
    finally:
        conn.close()


def test_an_event_raised_in_one_process_reaches_a_stream_of_another(
    database_url: str, backend: str, redis_url: str
) -> None:
    app, ext, db = make_app(database_url)
    with app.app_context():
        ext.create_all()
    ports = free_port(), free_port()
    servers = [_serve(database_url, redis_url, port) for port in ports]
    try:
        for port in ports:
            _wait_until_up(port)
        writer, reader = ports
        page = _http(writer, "POST", "/", {"name": "Shared"})
        component = _http(writer, "POST", f"/{page['id']}/components", {"name": "Database"})
        conn = http.client.HTTPConnection("127.0.0.1", reader, timeout=10)
        conn.request("GET", f"{PREFIX}/public/{page['slug']}/events")
        stream = conn.getresponse()
        assert stream.status == 200

        def chunks() -> Iterator[bytes]:
            while line := stream.readline():
                yield line

        state = named(parse_events(chunks(), 2))
        assert state[0]["event"] == "state"
        path = f"/{page['id']}/components/{component['id']}"
        _http(writer, "PUT", path, {"status": "major_outage"})
        messages = named(parse_events(chunks(), 2))
        change = next(m for m in messages if m["event"] == "component.status_changed")
        assert change["data"]["new_status"] == "major_outage"
        assert change["id"].count("-") == 1  # a Redis stream id: resumable on any process
        conn.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        with app.app_context():
            db.engine.dispose()
