"""Emails, sent through the app's Flask-Mail."""

from __future__ import annotations

from email import policy
from typing import Any

from flask import current_app, render_template
from flask_mail import Connection, Message

from . import i18n
from .headers import SUBJECT_MAX, header_value
from .labels import status_label, status_phrase


class StatusMessage(Message):
    """A Flask-Mail message whose header lines may run to RFC 5322's 998 characters.

    Flask-Mail serialises with ``policy.SMTP`` (78 columns), which turns a
    long unbreakable value such as the ``List-Unsubscribe`` URL into RFC 2047
    encoded words that mail clients do not read as a URL.
    """

    def _message(self) -> Any:
        message = super()._message()
        message.policy = policy.SMTP.clone(max_line_length=998)
        return message


def connection() -> Connection:
    """An SMTP connection (a context manager) of the app's Flask-Mail: the host's,
    or the one ``init_app`` set up from the ``MAIL_*`` settings."""
    return Connection(current_app.extensions["mail"])


def default_sender() -> Any:
    """The ``From`` of our emails: an address, or a ``(name, address)`` pair, on one line."""
    config = current_app.config
    value = config["STATUSPAGES_MAIL_SENDER"] or config.get("MAIL_DEFAULT_SENDER")
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return (header_value(value[0]), header_value(value[1]))
    return header_value(value) if value else value


def build_message(
    template: str, recipient: str, subject: str, *, sender: Any = None, **context: Any
) -> Message:
    """A text + HTML message from ``statuspages/email/<template>.txt`` and ``.html``.

    ``subject`` may come from titles and names: it is made one bounded line. ``sender``
    (a page's own ``From``) replaces the configured one. Rendered in the current
    locale (the caller's ``i18n.rendering_in(page locale)``).
    """
    context.setdefault("current_locale", i18n.current_locale)
    context.setdefault("status_label", status_label)
    context.setdefault("status_phrase", status_phrase)
    return StatusMessage(
        subject=header_value(subject, SUBJECT_MAX),
        sender=sender or default_sender(),
        recipients=[recipient],
        body=render_template(f"statuspages/email/{template}.txt", **context),
        html=render_template(f"statuspages/email/{template}.html", **context),
    )
