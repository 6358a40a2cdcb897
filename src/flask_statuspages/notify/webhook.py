"""The webhook channel: signed JSON POSTs over pooled connections."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from flask import current_app
from requests.adapters import HTTPAdapter

from .. import __version__, netguard
from ..models import utcnow
from ..schemas import format_timestamp
from .jobs import Job

_local = threading.local()
_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(workers: int) -> ThreadPoolExecutor:
    """A long-lived pool, so each of its threads keeps its connections open."""
    with _pools_lock:
        if workers not in _pools:
            _pools[workers] = ThreadPoolExecutor(workers, thread_name_prefix="statuspages-hook")
        return _pools[workers]


def session(pool_size: int) -> requests.Session:
    """One pooled HTTP session per thread that sends."""
    http = getattr(_local, "session", None)
    if http is None:
        http = requests.Session()
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
        http.mount("http://", adapter)
        http.mount("https://", adapter)
        http.headers["User-Agent"] = f"flask-statuspages/{__version__}"
        _local.session = http
    return http


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
        "X-Statuspages-Event": job.payload["event"],
        "X-Statuspages-Delivery": job.delivery_id,
        "X-Statuspages-Timestamp": str(now),
        "X-Statuspages-Signature": signature(job.secret or "", now, body),
    }
    return body, headers


def send(job: Job, timeout: float, pool_size: int) -> str | None:
    """POST one delivery; the error as text, or ``None`` when the receiver took it (2xx)."""
    url = job.webhook_url or ""
    try:
        netguard.check_url(url)
    except (netguard.UnsafeUrl, netguard.Unresolvable) as exc:
        return str(exc)
    body, headers = request_parts(job, int(time.time()))
    try:
        response = session(pool_size).post(
            url, data=body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.Timeout:
        return f"timed out after {timeout:g}s"
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {exc}"
    with response:
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code}"


def send_batch(jobs: list[Job]) -> dict[str, str | None]:
    """Send webhooks side by side: delivery id -> error (None: sent)."""
    config = current_app.config
    timeout = float(config["STATUSPAGES_WEBHOOK_TIMEOUT"])
    workers = max(1, int(config["STATUSPAGES_WEBHOOK_CONCURRENCY"]))
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def send_in_app(job: Job) -> str | None:
        with app.app_context():
            return send(job, timeout, workers)

    if len(jobs) == 1 or workers == 1:
        return {job.delivery_id: send(job, timeout, workers) for job in jobs}
    errors = list(_pool(workers).map(send_in_app, jobs))
    return {job.delivery_id: error for job, error in zip(jobs, errors, strict=True)}
