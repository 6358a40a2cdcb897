"""What subscribers would receive of an event, shown before anything is saved:
the email built by :func:`.email.build` and the body :func:`.webhook.request_parts`
signs, from the payload :func:`.outbox.payload_of` writes."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from ..links import request_base_url
from ..models import Page
from . import email, outbox, webhook
from .jobs import Job

#: The example recipient of a previewed email (no message is sent).
SAMPLE_EMAIL = "subscriber@example.com"


@dataclass(frozen=True)
class Preview:
    event: str
    subject: str
    text: str
    webhook_body: str


def preview(page: Page, kind: str, **subjects: Any) -> Preview:
    """The email and the webhook body of event ``kind`` about ``subjects``
    (``maintenance=``, ``incident=``...), for a sample subscriber."""
    payload = outbox.payload_of(page, kind, request_base_url(), **subjects)
    job = Job(
        delivery_id="preview",
        channel="email",
        attempts=0,
        payload=payload,
        page_id=page.id,
        subscriber_id="preview",
        email=SAMPLE_EMAIL,
        webhook_url=None,
        secret=None,
        base_url=request_base_url(),
    )
    message = email.build(job)
    body, _headers = webhook.request_parts(job, int(time.time()))
    pretty = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    return Preview(kind, str(message.subject), str(message.body), pretty)
