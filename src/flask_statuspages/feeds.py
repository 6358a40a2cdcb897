"""RSS 2.0 and Atom 1.0 feeds of a page's incidents, built from its snapshot.

One entry per incident (the snapshot's 50 newest), its timeline of updates
in the entry's HTML content. An entry's id is a ``urn:uuid:`` made from the
incident id, so readers see an updated incident as the same entry (changed
``updated``), never as a new one. The text comes from admins: titles go in
as XML text (lxml escapes them), bodies are the sanitised ``message_html``
with the rest of the entry's HTML escaped here.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from feedgen.feed import FeedGenerator
from markupsafe import Markup, escape

FeedKind = Literal["rss", "atom"]

MEDIA_TYPES: dict[FeedKind, str] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
}

#: Characters XML 1.0 forbids: lxml refuses them, and a badge with one would not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_UUID_NAMESPACE = uuid.UUID("9d7c7b0e-52a3-4f55-9d2b-6c1f0e5a4b21")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot carry (control characters)."""
    return _NOT_XML.sub("", text)


def urn(kind: str, object_id: str) -> str:
    """A permanent ``urn:uuid:`` for an object: its own id when that is a UUID."""
    try:
        value = uuid.UUID(hex=object_id)
    except ValueError:
        value = uuid.uuid5(_UUID_NAMESPACE, f"{kind}:{object_id}")
    return value.urn


@dataclass(frozen=True)
class FeedLinks:
    """Where a feed and its entries point (absolute URLs)."""

    self_url: str
    page_url: str
    incident_url: Callable[[str], str]


def _time(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _label(status: str) -> str:
    return status.replace("_", " ").capitalize()


def entry_html(incident: dict[str, Any]) -> str:
    """The HTML body of an incident's entry: its timeline, newest first."""
    parts = [
        Markup("<p>Status: <strong>{}</strong> · Impact: {}</p>").format(
            _label(incident["status"]), incident["severity"]
        )
    ]
    for update in incident["updates"]:
        at = _time(update["created_at"])
        parts.append(
            Markup('<h3>{} <small><time datetime="{}">{}</time></small></h3>{}').format(
                _label(update["status"]),
                update["created_at"],
                at.strftime("%Y-%m-%d %H:%M UTC"),
                update["message_html"],
            )
        )
    if not incident["updates"]:
        parts.append(escape(incident["message_html"]))
    return xml_safe(str(Markup("").join(parts)))


def build_feed(data: dict[str, Any], kind: FeedKind, links: FeedLinks) -> bytes:
    """The ``kind`` feed of a snapshot's ``data``."""
    page = data["page"]
    incidents = data["latest_incidents"]
    feed = FeedGenerator()
    feed.id(urn("page", page["id"]))
    feed.title(xml_safe(page["name"]))
    feed.subtitle(xml_safe(page["description"] or f"Incidents and updates of {page['name']}"))
    feed.author({"name": xml_safe(page["name"])})
    feed.link(href=links.self_url, rel="self", type=MEDIA_TYPES[kind])
    feed.link(href=links.page_url, rel="alternate")  # last: feedgen's RSS <link>
    feed.generator("flask-statuspages")
    feed.language("en")
    changed = [_time(i["updated_at"]) for i in incidents] + [page["updated_at"]]
    feed.updated(max(changed))
    for incident in incidents:
        _add_entry(feed, incident, kind, links)
    body: bytes = feed.rss_str() if kind == "rss" else feed.atom_str()
    return body


def _add_entry(
    feed: FeedGenerator, incident: dict[str, Any], kind: FeedKind, links: FeedLinks
) -> None:
    entry = feed.add_entry(order="append")
    entry_id = urn("incident", incident["id"])
    entry.id(entry_id)
    entry.guid(entry_id, permalink=False)
    entry.title(xml_safe(incident["title"]))
    entry.link(href=links.incident_url(incident["id"]))
    entry.published(_time(incident["created_at"]))
    entry.updated(_time(incident["updated_at"]))
    entry.category(term=incident["status"], label=_label(incident["status"]))
    html = entry_html(incident)
    if kind == "rss":
        entry.description(html)
    else:
        entry.content(html, type="html")
