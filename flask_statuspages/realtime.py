"""Live updates: an event broker and the Server-Sent Events stream.

After a write commits, :func:`connect` (a set of signal receivers) publishes
one small event per change to the page's channel. In one process the
:class:`MemoryBroker` hands it to every open stream; with
``STATUSPAGES_REDIS_URL`` the :class:`RedisBroker` appends it to a capped
Redis stream (which gives it its id and keeps a backlog for ``Last-Event-ID``
resumes) and announces it over Redis pub/sub, where one listener thread per
process hands it to that process's streams, so an event raised in one server
process reaches visitors connected to any other.
"""

from __future__ import annotations

import itertools
import json
import logging
import queue
import random
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask

from . import signals
from .audience import Viewer, filter_event
from .schemas import format_timestamp

log = logging.getLogger(__name__)

#: Events kept per page for ``Last-Event-ID`` resumes.
BACKLOG = 500
CHANNEL = "statuspages:events"


@dataclass(frozen=True)
class Event:
    id: str
    page_id: str
    name: str
    data: dict[str, Any]

    def encode(self) -> str:
        """The event in the SSE wire format."""
        payload = json.dumps(self.data, separators=(",", ":"))
        return f"id: {self.id}\nevent: {self.name}\ndata: {payload}\n\n"


class Subscription:
    """The events of one page for one open stream."""

    def __init__(self, broker: MemoryBroker, page_id: str) -> None:
        self.page_id = page_id
        self._broker = broker
        self._queue: queue.Queue[Event] = queue.Queue(maxsize=1000)

    def put(self, event: Event) -> None:
        try:
            self._queue.put_nowait(event)
        except queue.Full:  # a stuck client: it will resume from the backlog
            log.warning("dropping a live event for a slow stream of page %s", self.page_id)

    def get(self, timeout: float) -> Event | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def close(self) -> None:
        self._broker.unsubscribe(self)


class MemoryBroker:
    """In-process fan-out, with a backlog per page for resumes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscription]] = {}
        self._backlog: dict[str, deque[Event]] = {}
        self._ids = itertools.count(1)
        # Ids from another run of this process must not look resumable.
        self._epoch = format(int(time.time() * 1000), "x")

    def publish(self, page_id: str, name: str, data: dict[str, Any]) -> None:
        self.dispatch(Event(f"{self._epoch}-{next(self._ids)}", page_id, name, data))

    def dispatch(self, event: Event) -> None:
        with self._lock:
            self._backlog.setdefault(event.page_id, deque(maxlen=BACKLOG)).append(event)
            targets = list(self._subscribers.get(event.page_id, ()))
        for subscription in targets:
            subscription.put(event)

    def subscribe(self, page_id: str) -> Subscription:
        subscription = Subscription(self, page_id)
        with self._lock:
            self._subscribers.setdefault(page_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscribers.get(subscription.page_id, set()).discard(subscription)

    def since(self, page_id: str, last_id: str) -> list[Event] | None:
        """The events after ``last_id``; ``None`` if it is not in the backlog."""
        with self._lock:
            backlog = list(self._backlog.get(page_id, ()))
        for index, event in enumerate(backlog):
            if event.id == last_id:
                return backlog[index + 1 :]
        return None

    def latest_id(self, page_id: str) -> str | None:
        with self._lock:
            backlog = self._backlog.get(page_id)
            return backlog[-1].id if backlog else None


class RedisBroker(MemoryBroker):
    """Events through Redis: a capped stream per page, announced over pub/sub."""

    def __init__(self, url: str) -> None:
        super().__init__()
        from redis import Redis

        self._redis: Any = Redis.from_url(url, decode_responses=True)
        self._listener: threading.Thread | None = None
        self._listening = threading.Event()
        self._start_lock = threading.Lock()

    @staticmethod
    def _stream(page_id: str) -> str:
        return f"statuspages:stream:{page_id}"

    def publish(self, page_id: str, name: str, data: dict[str, Any]) -> None:
        body = json.dumps(data, separators=(",", ":"))
        event_id = self._redis.xadd(
            self._stream(page_id), {"name": name, "data": body}, maxlen=BACKLOG, approximate=True
        )
        message = {"id": event_id, "page_id": page_id, "name": name, "data": body}
        self._redis.publish(CHANNEL, json.dumps(message))

    def subscribe(self, page_id: str) -> Subscription:
        self._ensure_listening()
        return super().subscribe(page_id)

    def dispatch(self, event: Event) -> None:
        with self._lock:
            targets = list(self._subscribers.get(event.page_id, ()))
        for subscription in targets:
            subscription.put(event)

    def since(self, page_id: str, last_id: str) -> list[Event] | None:
        stream = self._stream(page_id)
        try:
            first = self._redis.xrange(stream, count=1)
            if not first or _stream_id(first[0][0]) > _stream_id(last_id):
                return None  # the backlog no longer reaches back to last_id
            entries = self._redis.xrange(stream, min=f"({last_id}")
        except Exception:  # not a Redis id (another broker's), or Redis is away
            return None
        return [Event(i, page_id, f["name"], json.loads(f["data"])) for i, f in entries]

    def latest_id(self, page_id: str) -> str | None:
        last = self._redis.xrevrange(self._stream(page_id), count=1)
        return last[0][0] if last else None

    def _ensure_listening(self) -> None:
        if self._listener is not None and self._listener.is_alive():
            return
        with self._start_lock:
            if self._listener is None or not self._listener.is_alive():
                self._listening.clear()
                self._listener = threading.Thread(
                    target=self._listen, name="statuspages-events", daemon=True
                )
                self._listener.start()
        self._listening.wait(timeout=5)

    def _listen(self) -> None:
        while True:
            try:
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                self._listening.set()
                for message in pubsub.listen():
                    if message["type"] == "message":
                        raw = json.loads(message["data"])
                        data = json.loads(raw["data"])
                        self.dispatch(Event(raw["id"], raw["page_id"], raw["name"], data))
            except Exception:
                log.exception("lost the Redis event channel; reconnecting")
                time.sleep(1)


def _stream_id(value: str) -> tuple[int, int]:
    ms, _, seq = value.partition("-")
    return int(ms), int(seq or 0)


def make_broker(app: Flask) -> MemoryBroker:
    url = app.config["STATUSPAGES_REDIS_URL"]
    return RedisBroker(url) if url else MemoryBroker()


# ------------------------------------------------------ what is published


def _component(component: Any) -> dict[str, Any]:
    return {
        "id": component.id,
        "name": component.name,
        "status": component.status,
        "group_id": component.group_id,
        "group_name": component.group_name,
    }


def _incident(incident: Any) -> dict[str, Any]:
    return {
        "id": incident.id,
        "title": incident.title,
        "status": incident.status,
        "severity": incident.severity,
        # Streams of viewers limited to some components drop the others' (audience.py).
        "component_ids": _incident_components(incident),
    }


def _incident_components(incident: Any) -> list[str]:
    """Every component the incident names: its affected ones and those its updates moved."""
    found = set(incident.components or {})
    try:
        updates = list(incident.updates)
    except Exception:  # deleted: its updates went with it
        updates = []
    for update in updates:
        found.update(c["id"] for c in update.components or ())
    return sorted(found)


def _maintenance(maintenance: Any) -> dict[str, Any]:
    return {
        "id": maintenance.id,
        "title": maintenance.title,
        "status": maintenance.status,
        "scheduled_for": format_timestamp(maintenance.scheduled_for),
        "scheduled_until": format_timestamp(maintenance.scheduled_until),
        "component_ids": list(maintenance.component_ids or ()),
    }


def connect(app: Flask, broker: MemoryBroker) -> None:
    """Publish an event for every committed change visitors can see."""

    def publish(page_id: str, name: str, data: dict[str, Any]) -> None:
        try:
            broker.publish(page_id, name, data)
        except Exception:  # live updates are best effort: the write is committed
            log.exception("could not publish %s", name)

    def on_component(kind: str) -> Any:
        def receiver(sender: Any, component: Any, **extra: Any) -> None:
            data = {"component": _component(component)}
            if "old_status" in extra:
                data.update(old_status=extra["old_status"], new_status=extra["new_status"])
            publish(component.page_id, kind, data)

        return receiver

    def on_incident(kind: str) -> Any:
        def receiver(sender: Any, incident: Any, **extra: Any) -> None:
            publish(incident.page_id, kind, {"incident": _incident(incident)})

        return receiver

    def on_maintenance(kind: str) -> Any:
        def receiver(sender: Any, maintenance: Any, **extra: Any) -> None:
            publish(maintenance.page_id, kind, {"maintenance": _maintenance(maintenance)})

        return receiver

    def on_group(kind: str) -> Any:
        def receiver(sender: Any, group: Any, **extra: Any) -> None:
            publish(group.page_id, kind, {"group": {"id": group.id, "name": group.name}})

        return receiver

    def on_order(kind: str) -> Any:
        def receiver(sender: Any, page: Any, **extra: Any) -> None:
            publish(page.id, kind, {"page": {"id": page.id, "slug": page.slug}})

        return receiver

    def on_page(kind: str) -> Any:
        def receiver(sender: Any, page: Any, **extra: Any) -> None:
            publish(page.id, kind, {"page": {"id": page.id, "slug": page.slug}})

        return receiver

    def on_metric(kind: str) -> Any:
        # Visitors hear of metrics they may see: displayed ones (or one just hidden,
        # so that pages drop its chart), by id only.
        def receiver(sender: Any, metric: Any, **extra: Any) -> None:
            if metric.display or extra.get("was_displayed"):
                publish(metric.page_id, kind, {"metric": {"id": metric.id}})

        return receiver

    receivers = {
        signals.metric_created: on_metric("metric.created"),
        signals.metric_updated: on_metric("metric.updated"),
        signals.metric_deleted: on_metric("metric.deleted"),
        signals.metric_data_added: on_metric("metric.data"),
        signals.metric_data_reset: on_metric("metric.data"),
        signals.component_created: on_component("component.created"),
        signals.component_updated: on_component("component.updated"),
        signals.component_deleted: on_component("component.deleted"),
        signals.component_status_changed: on_component("component.status_changed"),
        signals.group_created: on_group("group.created"),
        signals.group_updated: on_group("group.updated"),
        signals.group_deleted: on_group("group.deleted"),
        signals.components_reordered: on_order("components.reordered"),
        signals.groups_reordered: on_order("groups.reordered"),
        signals.incident_created: on_incident("incident.created"),
        signals.incident_updated: on_incident("incident.updated"),
        signals.incident_resolved: on_incident("incident.resolved"),
        signals.incident_deleted: on_incident("incident.deleted"),
        signals.maintenance_created: on_maintenance("maintenance.created"),
        signals.maintenance_updated: on_maintenance("maintenance.updated"),
        signals.maintenance_started: on_maintenance("maintenance.started"),
        signals.maintenance_completed: on_maintenance("maintenance.completed"),
        signals.maintenance_deleted: on_maintenance("maintenance.deleted"),
        signals.page_updated: on_page("page.updated"),
        signals.page_deleted: on_page("page.deleted"),
    }
    for signal, receiver in receivers.items():
        signal.connect(receiver, sender=app, weak=False)


# ---------------------------------------------------------------- stream

#: Events after which a stream ends, so the client reconnects and its access is checked again.
CLOSING_EVENTS = {"page.updated", "page.deleted"}
#: The reconnection delay a stream asks of browsers, in milliseconds.
RETRY_MS = 3000
#: Seconds between two checks that a quiet stream's client is still there.
GONE_CHECK = 1.0


def stream(
    broker: MemoryBroker,
    page_id: str,
    last_id: str | None,
    state: Any,
    heartbeat: float,
    max_duration: float,
    client_gone: Callable[[], bool] = lambda: False,
    viewer: Viewer | None = None,
) -> Iterator[str]:
    """The SSE stream of a page.

    It starts with the events missed since ``last_id`` when the backlog still
    has them, else with a ``state`` event carrying the whole public page
    (``state()`` makes it). Then it passes on live events, and a comment
    every ``heartbeat`` seconds so proxies keep the connection open. Every
    ``GONE_CHECK`` seconds without an event it asks ``client_gone()`` and
    ends when the client has left, so its thread is free within a second
    rather than at the next failed write. After about ``max_duration``
    seconds (less a random tenth, so streams opened together do not all
    reconnect together) it ends; browsers reconnect with ``Last-Event-ID``.

    ``viewer`` (an audience page's): each event is passed through
    :func:`audience.filter_event`, so a limited viewer's stream carries
    nothing about components they may not see.
    """
    subscription = broker.subscribe(page_id)  # before the backlog: nothing falls between
    try:
        yield f"retry: {RETRY_MS}\n\n"
        missed = broker.since(page_id, last_id) if last_id else None
        sent: set[str] = set()
        if missed is None:
            latest = broker.latest_id(page_id) or "0"
            yield Event(latest, page_id, "state", state()).encode()
        else:
            for event in missed:
                sent.add(event.id)
                shown = _for_viewer(event, viewer)
                if shown is not None:
                    yield shown.encode()
        now = time.monotonic()
        deadline = now + max_duration * random.uniform(0.9, 1.0)
        next_beat = now + heartbeat
        while (left := deadline - now) > 0:
            live = subscription.get(timeout=max(0.0, min(next_beat - now, left, GONE_CHECK)))
            now = time.monotonic()
            if live is None:
                if client_gone():
                    return
                if now >= next_beat:
                    next_beat = now + heartbeat
                    yield ": keep-alive\n\n"
                continue
            if live.id in sent:
                continue
            shown = _for_viewer(live, viewer)
            if shown is not None:
                yield shown.encode()
            next_beat = now + heartbeat  # an event keeps proxies waiting as well as a comment
            if live.name in CLOSING_EVENTS:
                return
    finally:
        subscription.close()


def _for_viewer(event: Event, viewer: Viewer | None) -> Event | None:
    if viewer is None:
        return event
    data = filter_event(event.name, event.data, viewer)
    if data is None:
        return None
    return event if data is event.data else Event(event.id, event.page_id, event.name, data)


def socket_closed(environ: dict[str, Any]) -> Callable[[], bool]:
    """``() -> bool``: whether the client of this request has closed its connection.

    Reads the server's socket (``gunicorn.socket``, ``werkzeug.socket``)
    without consuming it: a client of an event stream sends nothing after its
    request, so a readable socket that peeks empty (or resets) is a closed
    one. Without a socket to read (another server, TLS in the process) it
    answers ``False`` and the next heartbeat that fails to write ends the
    stream instead.
    """
    sock = environ.get("gunicorn.socket") or environ.get("werkzeug.socket")
    if sock is None or not hasattr(sock, "recv"):
        return lambda: False
    readable = True

    def closed() -> bool:
        nonlocal readable
        if not readable:
            return False
        try:
            ready, _, _ = select.select([sock], [], [], 0)
            return bool(ready) and sock.recv(1, socket.MSG_PEEK) == b""
        except (ConnectionError, TimeoutError):
            return True
        except (OSError, ValueError):  # TLS sockets refuse MSG_PEEK: rely on heartbeats
            readable = False
            return False

    return closed
