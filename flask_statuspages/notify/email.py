"""The email channel: messages from the event payload, one SMTP connection a batch."""

from __future__ import annotations

import logging
import smtplib
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from flask_mail import Message

from .. import i18n, mail, rules, tokens
from ..headers import header_value
from ..i18n import gettext, lazy_gettext
from ..labels import status_label, status_phrase
from ..links import external_url
from ..markup import render_markdown
from ..models import Page
from ..state import db_session
from .jobs import Job, error_text

log = logging.getLogger(__name__)

_MAINTENANCE_WORDS = {
    "maintenance.scheduled": lazy_gettext("Scheduled maintenance"),
    "maintenance.started": lazy_gettext("Maintenance in progress"),
    "maintenance.completed": lazy_gettext("Maintenance completed"),
}


def subject(payload: dict[str, Any]) -> str:
    """The subject of ``payload``'s email, in the current locale."""
    page = payload["page"]["name"]
    incident, component = payload.get("incident"), payload.get("component")
    if payload["event"] == "subscription.verify":
        return gettext("Confirm your subscription to %(name)s", name=page)
    if incident and payload["event"] == "incident.postmortem_published":
        return f"[{page}] " + gettext("Postmortem: %(title)s", title=incident["title"])
    if incident:
        return f"[{page}] {status_label(incident['status'])}: {incident['title']}"
    maintenance = payload.get("maintenance")
    if maintenance:
        return f"[{page}] {_MAINTENANCE_WORDS[payload['event']]}: {maintenance['title']}"
    if component:
        status = status_phrase(component["status"])
        return f"[{page}] " + gettext(
            "%(name)s is now %(status)s", name=component["name"], status=status
        )
    return f"[{page}] " + gettext("Status update")


def unsubscribe_url(job: Job) -> str:
    token = tokens.dump(tokens.Purpose.UNSUBSCRIBE, {"s": job.subscriber_id, "p": job.page_id})
    return external_url("statuspages.unsubscribe", base=job.base_url, token=token)


def build(job: Job) -> Message:
    """The email of ``job``, in its page's ``locale`` (English when it has none)."""
    profile = _profile(job.page_id)
    with i18n.rendering_in(profile.locale):
        return _build(job, profile)


def _build(job: Job, profile: Profile) -> Message:
    payload = job.payload
    template = "verify" if payload["event"] == "subscription.verify" else "notification"
    context: dict[str, Any] = {"payload": payload, "page": payload["page"]}
    context["footer_html"] = render_markdown(profile.footer)
    context["footer_text"] = profile.footer or ""
    if (payload.get("incident") or {}).get("postmortem"):
        context["postmortem_html"] = render_markdown(payload["incident"]["postmortem"]["body"])
    if template == "verify":
        context["verify_url"] = payload["verify_url"]
        return mail.build_message(
            template, job.email or "", subject(payload), sender=profile.sender, **context
        )
    link = unsubscribe_url(job)
    message = mail.build_message(
        template,
        job.email or "",
        subject(payload),
        sender=profile.sender,
        unsubscribe_url=link,
        **context,
    )
    message.extra_headers = {
        "List-Unsubscribe": header_value(f"<{link}>"),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return message


@dataclass(frozen=True)
class Profile:
    """What a page's profile changes in its emails, read when they are sent."""

    #: The ``From``: the page's ``notifications_from_email`` (named after the page),
    #: else ``None`` for the configured sender.
    sender: tuple[str, str] | None
    #: The page's footer, Markdown.
    footer: str | None
    #: The language of its emails: the page's ``locale``, else English.
    locale: str = i18n.DEFAULT_LOCALE


def _profile(page_id: str) -> Profile:
    page = db_session().get(Page, page_id)  # the session keeps it for the batch's others
    if page is None:  # deleted meanwhile: its deliveries went with it
        return Profile(None, None)
    address = page.notifications_from_email
    name = page.company_name or rules.display_name(page.name, page.page_name)
    return Profile(
        (header_value(name), address) if address else None,
        page.notifications_email_footer,
        page.locale or i18n.DEFAULT_LOCALE,
    )


def send_batch(jobs: list[Job], results: dict[str, str | None]) -> None:
    """Send every job's email, over one SMTP connection while it holds.

    Each outcome goes into ``results`` (delivery id -> error, ``None``: sent)
    as soon as it is known, so a caller that is interrupted still records what
    went out. One message's failure, whatever it is, is that delivery's alone:
    the connection is opened again if the failure may have left it unusable,
    and the next message goes on. Only a failure to connect fails the rest.
    """
    stack, connection = ExitStack(), None
    try:
        for position, job in enumerate(jobs):
            if connection is None:
                connection, error = _connect(stack)
                if connection is None:
                    for rest in jobs[position:]:
                        results[rest.delivery_id] = error
                    return
            results[job.delivery_id], reconnect = _send_one(connection, job)
            if reconnect:
                _close(stack)
                connection = None
    finally:
        _close(stack)


def _connect(stack: ExitStack) -> tuple[Any, str | None]:
    """A new SMTP connection closed with ``stack``; or ``None`` and why."""
    try:
        # Flask-Mail types __exit__ as never given None: a context manager all the same.
        return stack.enter_context(mail.connection()), None  # type: ignore[arg-type]
    except (OSError, smtplib.SMTPException) as exc:
        return None, f"SMTP: {exc}"
    except Exception as exc:  # a bad MAIL_* setting, say: no message can go
        log.exception("flask-statuspages could not connect to the SMTP server")
        return None, f"SMTP: {error_text(exc)}"


def _close(stack: ExitStack) -> None:
    """Say QUIT on the connection, if the server still listens (what was sent is sent)."""
    try:
        stack.close()
    except Exception as exc:
        log.debug("flask-statuspages: closing the SMTP connection failed: %s", exc)


#: The server refused this message (sender, recipients or data); smtplib sent RSET.
_REFUSED = (smtplib.SMTPSenderRefused, smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


def _send_one(connection: Any, job: Job) -> tuple[str | None, bool]:
    """Build and send one message: its error (``None``: sent), and whether to reconnect."""
    try:
        message = build(job)
    except Exception as exc:  # a broken template must not sink the rest of the batch
        log.exception("flask-statuspages could not build the email of delivery %s", job.delivery_id)
        return f"building the message failed: {error_text(exc)}", False
    try:
        connection.send(message)
    except _REFUSED as exc:  # smtplib reset the transaction: the session goes on
        return f"SMTP: {exc}", False
    except (OSError, smtplib.SMTPException) as exc:
        return f"SMTP: {exc}", True
    except Exception as exc:  # anything else may have left the session mid-message
        log.exception("flask-statuspages could not send the email of delivery %s", job.delivery_id)
        return error_text(exc), True
    return None, False
