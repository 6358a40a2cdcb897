"""Event streams under load: caps per address and per process, and many streams under gevent.

Real servers on loopback: werkzeug's threaded server in this process for the
caps, and gunicorn with a gevent worker in another for a thousand streams.
Clients are raw sockets bound to different 127.0.0.x addresses, so each is a
distinct client address to the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from flask_statuspages.state import get_state

from .conftest import PREFIX, free_port, header_owner, make_app

pytest.importorskip("gevent")


def _request(path: str) -> bytes:
    return (
        f"GET {PREFIX}{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()


class Stream:
    """One raw event-stream connection from ``source``."""

    def __init__(self, port: int, slug: str, source: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), 10, (source, 0))
        self.sock.sendall(_request(f"/public/{slug}/events"))
        self.buffer = b""
        self.read_until(b"\r\n\r\n")
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}

    def read_until(self, marker: bytes) -> None:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise AssertionError(f"closed before {marker!r}: {self.buffer!r}")
            self.buffer += chunk

    def error(self) -> dict[str, Any]:
        length = int(self.headers["content-length"])
        while len(self.buffer) < length:
            self.buffer += self.sock.recv(65536)
        return json.loads(self.buffer[:length])  # type: ignore[no-any-return]

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def threaded_server(tmp_path: Path) -> Iterator[tuple[Any, int]]:
    app, ext, db = make_app(
        f"sqlite:///{tmp_path / 'streams.db'}",
        STATUSPAGES_SSE_MAX_PER_CLIENT=2,
        STATUSPAGES_SSE_MAX_PER_PROCESS=3,
        STATUSPAGES_SSE_HEARTBEAT=30,  # a slot must free without waiting for a heartbeat
    )
    ext.owner_loader(header_owner)
    with app.app_context():
        ext.create_all()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, port
    server.shutdown()
    server.server_close()
    with app.app_context():
        db.engine.dispose()


def _public_json(port: int, slug: str) -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", f"{PREFIX}/public/{slug}")
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def _open_streams(app: Any) -> int:
    with app.app_context():
        return get_state().stream_slots.open


def _wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_caps_answer_503_and_a_departed_client_frees_its_slot(threaded_server) -> None:
    app, port = threaded_server
    slug = app.test_client().post(PREFIX + "/", json={"name": "Busy"}, headers={"X-Owner": "a"})
    slug = slug.json["slug"]
    opened: list[Stream] = []

    def stream(source: str) -> Stream:
        opened.append(Stream(port, slug, source))
        return opened[-1]

    try:
        _check_caps(app, port, slug, stream)
    finally:
        for each in opened:
            each.close()
    assert _wait_for(lambda: _open_streams(app) == 0, 5)


def _check_caps(app: Any, port: int, slug: str, stream: Any) -> None:
    first, second = stream("127.0.0.1"), stream("127.0.0.1")
    for each in (first, second):
        assert each.status == 200
        each.read_until(b"event: state")
    third = stream("127.0.0.1")
    assert third.status == 503
    assert third.headers["retry-after"].isdigit()
    assert third.error()["error"]["code"] == "too_many_streams"
    assert stream("127.0.0.2").status == 200  # another address: the process has a slot left
    full = stream("127.0.0.3")
    assert full.status == 503 and "as many live streams" in full.error()["error"]["message"]
    assert _public_json(port, slug)[0] == 200  # the other routes still answer meanwhile
    with app.app_context():
        assert get_state().db.engine.pool.checkedout() == 0  # streams hold no connection

    first.close()  # the client leaves: its thread and slot are free within about a second
    assert _wait_for(lambda: _open_streams(app) == 2, 5)
    assert stream("127.0.0.3").status == 200


# ------------------------------------------------------- a thousand streams


STREAMS = 1000
PER_ADDRESS = 20  # the default per-client cap under gevent


async def _hold(port: int, slug: str, index: int, opened: Any, change: Any) -> bool:
    """One stream: its first event, then the change pushed to it."""
    source = f"127.0.0.{2 + index // PER_ADDRESS}"
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    try:
        writer.write(_request(f"/public/{slug}/events"))
        head = await reader.readuntil(b"\r\n\r\n")
        assert b" 200 " in head.split(b"\r\n")[0], head
        buffer = b""
        while b"event: state" not in buffer:
            buffer += await reader.read(65536)
        opened()
        await change.wait()
        while b"component.status_changed" not in buffer:
            chunk = await reader.read(65536)
            if not chunk:
                return False
            buffer += chunk
        return True
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def _thousand(port: int, slug: str, changed: Any) -> dict[str, Any]:
    count, all_open, change = [0], asyncio.Event(), asyncio.Event()

    def opened() -> None:
        count[0] += 1
        if count[0] == STREAMS:
            all_open.set()

    started = time.monotonic()
    tasks = [asyncio.create_task(_hold(port, slug, i, opened, change)) for i in range(STREAMS)]
    try:
        return await _measure(port, slug, changed, tasks, all_open, change, started)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _measure(
    port: int, slug: str, changed: Any, tasks: list[Any], all_open: Any, change: Any, started: float
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    await asyncio.wait_for(all_open.wait(), 40)
    held = time.monotonic() - started
    status, json_time = await loop.run_in_executor(None, _public_json, port, slug)
    extra = await loop.run_in_executor(None, lambda: Stream(port, slug, "127.0.1.1"))
    extra_status = extra.status
    extra.close()
    pushed = time.monotonic()
    await loop.run_in_executor(None, changed)
    change.set()
    results = await asyncio.wait_for(asyncio.gather(*tasks), 30)
    return {
        "held_after": held,
        "json_status": status,
        "json_seconds": json_time,
        "extra_status": extra_status,
        "received": sum(results),
        "push_seconds": time.monotonic() - pushed,
    }


def _admin(port: int, method: str, path: str, body: Any) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        headers = {"X-Owner": "acme", "Content-Type": "application/json"}
        conn.request(method, PREFIX + path, body=json.dumps(body), headers=headers)
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def test_a_gevent_worker_holds_a_thousand_streams_and_still_answers(tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = 2 * STREAMS + 200  # both ends of every stream live on this machine
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"needs {needed} file descriptors, the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, needed), hard))
    url = f"sqlite:///{tmp_path / 'many.db'}"
    app, ext, db = make_app(url)
    with app.app_context():
        ext.create_all()
        db.engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "HOSTAPP_DATABASE_URL": url,
        "HOSTAPP_QUEUE": "inline",
        # The per-process cap at the thousand: the defaults' 800 leaves room
        # in gunicorn's default 1000 connections; here there are 1200.
        "HOSTAPP_CONFIG": json.dumps({"STATUSPAGES_SSE_MAX_PER_PROCESS": STREAMS}),
    }
    command = [
        sys.executable, "-m", "gunicorn", "--worker-class", "gevent", "--workers", "1",
        "--worker-connections", "1200", "--graceful-timeout", "5", "--bind", f"127.0.0.1:{port}",
        "tests.hostapp:create_app()",
    ]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert _wait_for(lambda: _up(port), 20), "gunicorn did not start"
        page = _admin(port, "POST", "/", {"name": "Crowd"})
        component = _admin(port, "POST", f"/{page['id']}/components", {"name": "API"})
        path = f"/{page['id']}/components/{component['id']}"

        def change() -> None:
            _admin(port, "PUT", path, {"status": "major_outage"})

        figures = asyncio.run(_thousand(port, page["slug"], change))
    finally:
        server.terminate()
        try:
            _, errors = server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            _, errors = server.communicate()
    print(f"\n{STREAMS} streams under gevent: {figures}")
    assert figures["received"] == STREAMS, figures
    assert figures["json_status"] == 200
    assert figures["extra_status"] == 503  # the process cap holds at the thousand
    assert b"Traceback" not in errors, errors.decode()[-3000:]


def _up(port: int) -> bool:
    try:
        return _public_json(port, "nothing-here")[0] == 404
    except OSError:
        return False
