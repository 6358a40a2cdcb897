"""What a worker needs to send one delivery, read once from the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Job:
    delivery_id: str
    channel: str
    attempts: int
    payload: dict[str, Any]
    page_id: str
    subscriber_id: str
    email: str | None
    webhook_url: str | None
    secret: str | None
    #: Where links in the message point (the base URL of the request behind the event).
    base_url: str | None = None


def error_text(exc: BaseException) -> str:
    """An exception as a delivery's ``last_error``: its type, and its text when it has one."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
