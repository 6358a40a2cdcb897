"""Emails, sent through the app's Flask-Mail."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_mail import Connection, Message


def connection() -> Connection:
    """An SMTP connection (a context manager) of the app's Flask-Mail: the host's,
    or the one ``init_app`` set up from the ``MAIL_*`` settings."""
    return Connection(current_app.extensions["mail"])


def sender() -> Any:
    config = current_app.config
    return config["STATUSPAGES_MAIL_SENDER"] or config.get("MAIL_DEFAULT_SENDER")


def build_message(template: str, recipient: str, subject: str, **context: Any) -> Message:
    """A text + HTML message from ``statuspages/email/<template>.txt`` and ``.html``."""
    return Message(
        subject=subject,
        sender=sender(),
        recipients=[recipient],
        body=render_template(f"statuspages/email/{template}.txt", **context),
        html=render_template(f"statuspages/email/{template}.html", **context),
    )
