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
