"""The email channel: messages from the event payload, one SMTP connection a batch."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from typing import Any

from flask_mail import Message

from .. import mail, tokens
from ..links import external_url
from .jobs import Job

log = logging.getLogger(__name__)

_STATUS_WORDS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "monitoring": "Monitoring",
    "resolved": "Resolved",
}
_MAINTENANCE_WORDS = {
    "maintenance.scheduled": "Scheduled maintenance",
    "maintenance.started": "Maintenance in progress",
    "maintenance.completed": "Maintenance completed",
}


def subject(payload: dict[str, Any]) -> str:
    page = payload["page"]["name"]
    incident, component = payload.get("incident"), payload.get("component")
    if payload["event"] == "subscription.verify":
        return f"Confirm your subscription to {page}"
    if incident:
        return f"[{page}] {_STATUS_WORDS.get(incident['status'], '')}: {incident['title']}"
    maintenance = payload.get("maintenance")
    if maintenance:
        return f"[{page}] {_MAINTENANCE_WORDS[payload['event']]}: {maintenance['title']}"
    if component:
        status = component["status"].replace("_", " ")
        return f"[{page}] {component['name']} is now {status}"
    return f"[{page}] Status update"


def unsubscribe_url(job: Job) -> str:
    token = tokens.dump(tokens.Purpose.UNSUBSCRIBE, {"s": job.subscriber_id, "p": job.page_id})
    return external_url("statuspages.unsubscribe", base=job.base_url, token=token)


def build(job: Job) -> Message:
    payload = job.payload
    template = "verify" if payload["event"] == "subscription.verify" else "notification"
    context: dict[str, Any] = {"payload": payload, "page": payload["page"]}
    if template == "verify":
        context["verify_url"] = payload["verify_url"]
        return mail.build_message(template, job.email or "", subject(payload), **context)
    link = unsubscribe_url(job)
    message = mail.build_message(
        template, job.email or "", subject(payload), unsubscribe_url=link, **context
    )
    message.extra_headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message


def send_batch(jobs: Iterable[Job]) -> dict[str, str | None]:
    """Send every job's email over one connection: delivery id -> error (None: sent)."""
    jobs = list(jobs)
    results: dict[str, str | None] = {}
    try:
        with mail.connection() as connection:
            for job in jobs:
                results[job.delivery_id] = _send_one(connection, job)
    except (OSError, smtplib.SMTPException) as exc:  # connecting or closing failed
        for job in jobs:
            results.setdefault(job.delivery_id, f"SMTP: {exc}")
    return results


def _send_one(connection: Any, job: Job) -> str | None:
    try:
        message = build(job)
    except Exception as exc:  # a broken template must not sink the rest of the batch
        log.exception("flask-statuspages could not build the email of delivery %s", job.delivery_id)
        return f"building the message failed: {exc}"
    try:
        connection.send(message)
    except smtplib.SMTPServerDisconnected:
        raise
    except (OSError, smtplib.SMTPException) as exc:
        return f"SMTP: {exc}"
    return None
