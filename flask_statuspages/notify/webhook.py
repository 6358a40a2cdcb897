"""The webhook channel: signed JSON POSTs over pooled connections."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import urllib3
from flask import current_app

from .. import __version__, netguard
from ..headers import header_value
from ..models import utcnow
from ..schemas import format_timestamp
from .jobs import Job, error_text

log = logging.getLogger(__name__)

_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()
_http: urllib3.PoolManager | None = None


def _pool(workers: int) -> ThreadPoolExecutor:
    """A long-lived pool of sending threads (receivers are slow; the sends overlap)."""
    with _pools_lock:
        if workers not in _pools:
            _pools[workers] = ThreadPoolExecutor(workers, thread_name_prefix="statuspages-hook")
        return _pools[workers]


def http(pool_size: int) -> urllib3.PoolManager:
    """One connection pool per process, shared by the sending threads.

    urllib3 directly, not requests: a third of requests' cost per POST goes to
    reading proxy settings from the environment, which webhooks must not
    follow anyway, and it would add ``~/.netrc`` credentials to matching hosts.
    """
    global _http
    with _pools_lock:
        if _http is None:
            _http = urllib3.PoolManager(
                num_pools=100,
                maxsize=pool_size,
                retries=False,
                headers={"User-Agent": f"flask-statuspages/{__version__}"},
            )
        return _http


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">``, keyed by the subscriber's secret."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def request_parts(job: Job, now: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(
        {**job.payload, "sent_at": format_timestamp(utcnow())},
        separators=(",", ":"),
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Statuspages-Event": header_value(job.payload["event"]),
        "X-Statuspages-Delivery": header_value(job.delivery_id),
        "X-Statuspages-Timestamp": str(now),
        "X-Statuspages-Signature": signature(job.secret or "", now, body),
    }
    return body, headers


def send(job: Job, timeout: float, pool_size: int) -> str | None:
    """POST one delivery; the error as text, or ``None`` when the receiver took it (2xx).

    Whatever goes wrong is this delivery's error: it never reaches the batch.
    """
    try:
        return _post(job, timeout, pool_size)
    except Exception as exc:
        log.exception("flask-statuspages: the webhook of delivery %s failed", job.delivery_id)
        return error_text(exc)


def _post(job: Job, timeout: float, pool_size: int) -> str | None:
    url = job.webhook_url or ""
    try:
        netguard.check_url(url)
    except (netguard.UnsafeUrl, netguard.Unresolvable) as exc:
        return str(exc)
    body, headers = request_parts(job, int(time.time()))
    try:
        response = http(pool_size).request(
            "POST", url, body=body, headers=headers, timeout=timeout, redirect=False
        )
    except urllib3.exceptions.TimeoutError:
        return f"timed out after {timeout:g}s"
    except urllib3.exceptions.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if 200 <= response.status < 300:
        return None
    return f"HTTP {response.status}"


def send_batch(jobs: list[Job], results: dict[str, str | None]) -> None:
    """Send webhooks side by side; each outcome goes into ``results`` (delivery id ->
    error, ``None``: sent) as soon as it is known."""
    config = current_app.config
    timeout = float(config["STATUSPAGES_WEBHOOK_TIMEOUT"])
    workers = max(1, int(config["STATUSPAGES_WEBHOOK_CONCURRENCY"]))
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def send_in_app(job: Job) -> str | None:
        with app.app_context():
            return send(job, timeout, workers)

    if len(jobs) == 1 or workers == 1:
        for job in jobs:
            results[job.delivery_id] = send(job, timeout, workers)
        return
    for job, error in zip(jobs, _pool(workers).map(send_in_app, jobs), strict=True):
        results[job.delivery_id] = error
