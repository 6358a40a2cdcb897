"""RSS 2.0 and Atom 1.0 feeds of a page's incidents and maintenance, built from its snapshot.

One entry per incident and per maintenance window (the snapshot's 50 latest
of each, merged newest change first, 50 in all), its timeline of updates in
the entry's HTML content (an incident's published postmortem first: publishing
it changes the entry's ``updated``, so readers see the entry again); a
window's entry also says when it is scheduled.
An entry's id is a ``urn:uuid:`` made from the object's id, so readers see
an updated incident as the same entry (changed ``updated``), never as a new
one. The text comes from admins: bodies are the sanitised ``message_html``
with the rest of the entry's HTML escaped here. Plain texts (the page's name
and description, titles, categories) differ by format. In Atom they are text
constructs (``type="text"``), which readers must show as text. RSS has no
such type, and readers render its ``<description>`` (and often its titles) as
HTML, so there every text is HTML-escaped first (:func:`rss_text`): a reader
that renders it shows the text as written, never markup.
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

from .i18n import gettext, lazy_gettext
from .labels import status_label

FeedKind = Literal["rss", "atom"]

MEDIA_TYPES: dict[FeedKind, str] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
}

#: Characters XML 1.0 forbids: lxml refuses them, and a badge with one would not parse.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_UUID_NAMESPACE = uuid.UUID("9d7c7b0e-52a3-4f55-9d2b-6c1f0e5a4b21")
MAX_ENTRIES = 50
MAINTENANCE_PREFIX = lazy_gettext("Maintenance: ")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML cannot carry (control characters)."""
    return _NOT_XML.sub("", text)


def rss_text(text: str) -> str:
    """Plain ``text`` as the HTML an RSS reader renders: escaped, so it shows as written."""
    return str(escape(xml_safe(text)))


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
    maintenance_url: Callable[[str], str]


def _time(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _label(status: str | None) -> str:
    """A status in words; an update without one is a message only."""
    return status_label(status) if status else gettext("Update")


def _when(value: str) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(
        value, _time(value).strftime("%Y-%m-%d %H:%M UTC")
    )


def _timeline(item: dict[str, Any]) -> list[Markup]:
    """An incident's or a window's updates, newest first (its message when it has none)."""
    parts = [
        Markup("<h3>{} <small>{}</small></h3>{}{}").format(
            _label(update["status"]),
            _when(update["created_at"]),
            update["message_html"],
            _moved(update.get("components") or []),
        )
        for update in item["updates"]
    ]
    return parts or [escape(item["message_html"])]


def _moved(changes: list[dict[str, Any]]) -> Markup:
    """The components an update moved, as a list."""
    if not changes:
        return Markup("")
    items = [
        Markup("<li>{}: {}</li>").format(c["name"], _label(c["new_status"]).lower())
        for c in changes
    ]
    return Markup("<ul>{}</ul>").format(Markup("").join(items))


def affected_text(incident: dict[str, Any]) -> str:
    """``API (major outage), Web (degraded performance)``: what an incident affects."""
    return ", ".join(
        f"{c['name']} ({_label(c['status']).lower()})" for c in incident["affected_components"]
    )


def _postmortem(incident: dict[str, Any]) -> list[Markup]:
    """The published postmortem, first in the entry (it is the last word on the incident)."""
    postmortem = incident.get("postmortem")
    if not postmortem:
        return []
    return [
        Markup("<h3>{} <small>{}</small></h3>{}").format(
            gettext("Postmortem"), _when(postmortem["published_at"]), postmortem["body_html"]
        )
    ]


def entry_html(incident: dict[str, Any]) -> str:
    """The HTML body of an incident's entry: its published postmortem, then its timeline,
    newest first."""
    head = Markup(escape(gettext("Status: %(status)s · Impact: %(impact)s"))) % {
        "status": Markup("<strong>{}</strong>").format(_label(incident["status"])),
        "impact": incident["severity"],
    }
    head = Markup("<p>{}</p>").format(head)
    if incident.get("affected_components"):
        head += Markup("<p>{} {}</p>").format(gettext("Affects:"), affected_text(incident))
    parts = [head, *_postmortem(incident), *_timeline(incident)]
    return xml_safe(str(Markup("").join(parts)))


def maintenance_html(maintenance: dict[str, Any]) -> str:
    """The HTML body of a maintenance window's entry: its schedule, then its timeline."""
    text = gettext("Status: %(status)s · Scheduled: %(start)s to %(end)s")
    head = Markup("<p>{}</p>").format(
        Markup(escape(text))
        % {
            "status": Markup("<strong>{}</strong>").format(_label(maintenance["status"])),
            "start": _when(maintenance["scheduled_for"]),
            "end": _when(maintenance["scheduled_until"]),
        }
    )
    return xml_safe(str(Markup("").join([head, *_timeline(maintenance)])))


@dataclass(frozen=True)
class _Entry:
    """What a feed entry needs, whatever it stands for."""

    kind: str
    id: str
    title: str
    link: str
    created_at: str
    updated_at: str
    status: str
    html: str


def _incident_entry(incident: dict[str, Any], links: FeedLinks) -> _Entry:
    return _Entry(
        "incident",
        incident["id"],
        incident["title"],
        links.incident_url(incident["id"]),
        incident["created_at"],
        incident["updated_at"],
        incident["status"],
        entry_html(incident),
    )


def _maintenance_entry(maintenance: dict[str, Any], links: FeedLinks) -> _Entry:
    return _Entry(
        "maintenance",
        maintenance["id"],
        str(MAINTENANCE_PREFIX) + maintenance["title"],
        links.maintenance_url(maintenance["id"]),
        maintenance["created_at"],
        maintenance["updated_at"],
        maintenance["status"],
        maintenance_html(maintenance),
    )


def entries(data: dict[str, Any], links: FeedLinks) -> list[_Entry]:
    """Incidents and maintenance windows, latest change first, :data:`MAX_ENTRIES` at most."""
    found = [_incident_entry(i, links) for i in data["latest_incidents"]]
    found += [_maintenance_entry(m, links) for m in data["latest_maintenances"]]
    found.sort(key=lambda e: _time(e.updated_at), reverse=True)
    return found[:MAX_ENTRIES]


def build_feed(data: dict[str, Any], kind: FeedKind, links: FeedLinks) -> bytes:
    """The ``kind`` feed of a snapshot's ``data``."""
    page = data["page"]
    items = entries(data, links)
    text = rss_text if kind == "rss" else xml_safe
    feed = FeedGenerator()
    feed.id(urn("page", page["id"]))
    feed.title(text(page["name"]))
    subtitle = page["description"] or gettext(
        "Incidents, maintenance and updates of %(name)s", name=page["name"]
    )
    feed.subtitle(text(subtitle))  # RSS: the channel's <description>
    feed.author({"name": text(page["name"])})
    feed.link(href=links.self_url, rel="self", type=MEDIA_TYPES[kind])
    feed.link(href=links.page_url, rel="alternate")  # last: feedgen's RSS <link>
    feed.generator("flask-statuspages")
    feed.language("en")
    changed = [_time(i["updated_at"]) for i in data["latest_incidents"]]
    changed += [_time(m["updated_at"]) for m in data["latest_maintenances"]]
    feed.updated(max([*changed, page["updated_at"]]))
    for item in items:
        _add_entry(feed, item, kind, text)
    body: bytes = feed.rss_str() if kind == "rss" else feed.atom_str()
    return body


def _add_entry(
    feed: FeedGenerator, item: _Entry, kind: FeedKind, text: Callable[[str], str]
) -> None:
    entry = feed.add_entry(order="append")
    entry_id = urn(item.kind, item.id)
    entry.id(entry_id)
    entry.guid(entry_id, permalink=False)
    entry.title(text(item.title))
    entry.link(href=item.link)
    entry.published(_time(item.created_at))
    entry.updated(_time(item.updated_at))
    entry.category(term=xml_safe(item.status), label=text(_label(item.status)))
    if kind == "rss":
        entry.description(item.html)
    else:
        entry.content(item.html, type="html")
