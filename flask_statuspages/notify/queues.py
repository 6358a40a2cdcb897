"""Where the outbox is drained: ``inline``, ``thread`` or ``rq`` (``STATUSPAGES_QUEUE``)."""

from __future__ import annotations

import logging
import os
import threading
from datetime import timezone
from typing import Protocol

from flask import Flask, current_app, has_app_context

from .worker import drain, next_due

log = logging.getLogger(__name__)

RQ_QUEUE_NAME = "statuspages"
#: A queued drain job yields after this long, and queues a successor for the rest.
RQ_JOB_SECONDS = 60


class Queue(Protocol):
    def poke(self) -> None:
        """There is new work: get it done soon."""


class InlineQueue:
    """Drains before the response returns: simple and deterministic, for tests."""

    def __init__(self) -> None:
        self._draining = threading.local()

    def poke(self) -> None:
        # Work done by a drain (a maintenance window starting) pokes again: the
        # running drain picks it up, instead of a drain nested in each commit.
        if getattr(self._draining, "active", False):
            return
        self._draining.active = True
        try:
            drain()
        except Exception:
            log.exception("flask-statuspages: draining the outbox failed")
        finally:
            self._draining.active = False


class ThreadQueue:
    """A background thread of this process drains on every poke, and polls for retries."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._wake = threading.Event()
        self._stopping = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def ensure_started(self) -> None:
        """Start the thread unless it runs (called before every request: cheap)."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            return
        with self._lock:
            if self._stopping:
                return
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="statuspages-worker", daemon=True
                )
                self._thread.start()

    def poke(self) -> None:
        self.ensure_started()
        self._wake.set()

    def stop(self, timeout: float = 10) -> None:
        """Finish the round under way and stop (a graceful shutdown; tests)."""
        with self._lock:
            thread, self._stopping = self._thread, True
        self._wake.set()
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        interval = float(self._app.config["STATUSPAGES_POLL_INTERVAL"])
        while not self._stopping:
            self._wake.wait(interval)
            self._wake.clear()
            if self._stopping:
                return
            try:
                with self._app.app_context():
                    drain()
            except Exception:
                log.exception("flask-statuspages: draining the outbox failed")


class RqQueue:
    """Queues a drain job on RQ (Redis); ``flask statuspages worker`` or ``rq worker`` runs it."""

    def __init__(self, redis_url: str) -> None:
        from redis import Redis
        from rq import Queue as RQ

        self.connection = Redis.from_url(redis_url)
        self.queue = RQ(RQ_QUEUE_NAME, connection=self.connection)

    def poke(self) -> None:
        try:
            self.queue.enqueue(drain_job, job_timeout=RQ_JOB_SECONDS * 5)
        except Exception:  # Redis down: the work stays in the outbox for the next worker run
            log.exception("flask-statuspages: could not queue the notification job")

    def schedule_next(self) -> None:
        """Queue a drain for when the next retry is due (run by a worker with a scheduler)."""
        due = next_due()
        if due is not None:
            self.queue.enqueue_at(due.astimezone(timezone.utc), drain_job)


def make_queue(app: Flask) -> Queue:
    kind = app.config["STATUSPAGES_QUEUE"]
    if kind == "inline":
        return InlineQueue()
    if kind == "thread":
        return ThreadQueue(app)
    if kind == "rq":
        url = app.config["STATUSPAGES_REDIS_URL"]
        if not url:
            raise RuntimeError('STATUSPAGES_QUEUE = "rq" needs STATUSPAGES_REDIS_URL.')
        return RqQueue(url)
    raise RuntimeError(f"STATUSPAGES_QUEUE must be inline, thread or rq, not {kind!r}.")


def run_rq_worker(queue: RqQueue, *, burst: bool) -> None:
    """An RQ worker on our queue that runs jobs in the current app's context."""
    from rq import SimpleWorker

    app = current_app._get_current_object()  # type: ignore[attr-defined]

    class AppWorker(SimpleWorker):
        def perform_job(self, *args: object, **kwargs: object) -> bool:
            with app.app_context():
                return super().perform_job(*args, **kwargs)  # type: ignore[arg-type]

    AppWorker([queue.queue], connection=queue.connection).work(
        burst=burst, with_scheduler=not burst, logging_level="WARNING"
    )


_loaded_app: Flask | None = None


def _job_app() -> Flask:
    """The app a job runs in: the current one, else the one ``FLASK_APP`` names (``rq worker``)."""
    global _loaded_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    if _loaded_app is None:
        from flask.cli import ScriptInfo

        _loaded_app = ScriptInfo(app_import_path=os.environ.get("FLASK_APP")).load_app()
    return _loaded_app


def drain_job() -> None:
    """The RQ job: drain for a while, then queue a successor or the next retry."""
    app = _job_app()
    with app.app_context():
        queue = app.extensions["statuspages"].queue
        done = drain(max_seconds=RQ_JOB_SECONDS)
        if not done:
            queue.poke()
        elif isinstance(queue, RqQueue):
            queue.schedule_next()
