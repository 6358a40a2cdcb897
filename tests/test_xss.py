"""Text from admins is inert wherever it is shown: HTML, feeds, badge, widget and JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser
from typing import Any

import feedparser

from .conftest import PREFIX

PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">"\'&'
MARKER = "__xss"


class ActiveParts(HTMLParser):
    """Collects what a browser would run: script bodies, event handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.active: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") or value.strip().lower().startswith("javascript:"):
                self.active.append(f"{tag} {name}={value}")
            if tag == "script" and name == "src":
                self.active.append(f"script src={value}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.active.append(data)


def assert_inert_html(html: str, where: str) -> None:
    parser = ActiveParts()
    parser.feed(html)
    hostile = [part for part in parser.active if MARKER in part]
    assert not hostile, (where, hostile)


def _scene(api: Any) -> dict[str, Any]:
    page = api.make_page(
        name=PAYLOAD,
        description=PAYLOAD,
        header_html=PAYLOAD + '<a href="javascript:window.__xss=1">x</a>',
        footer_html=PAYLOAD,
        # The page profile: names shown in the header, title and emails; a footer for emails
        # (tests/test_page_profile.py reads it in a real email); an analytics id cannot carry
        # markup at all (422, same file).
        company_name=PAYLOAD,
        page_name=PAYLOAD,
        notifications_email_footer=PAYLOAD,
    )
    component = api.make_component(
        page["id"], name=PAYLOAD, description=PAYLOAD, group_name=PAYLOAD
    )
    incident = api.make_incident(page["id"], title=PAYLOAD, message=PAYLOAD)
    api.put(f"/{page['id']}/incidents/{incident['id']}", json={"message": PAYLOAD})
    resolved = api.make_incident(page["id"], title=PAYLOAD, message=PAYLOAD, status="resolved")
    window = {
        "title": PAYLOAD,
        "message": PAYLOAD,
        "scheduled_for": "2030-01-01T00:00:00Z",
        "scheduled_until": "2030-01-01T02:00:00Z",
        "component_ids": [component["id"]],
    }
    maintenance = api.post(f"/{page['id']}/maintenances", json=window).json
    return {
        "page": page,
        "component": component,
        "incident": incident,
        "resolved": resolved,
        "maintenance": maintenance,
    }


def test_admin_text_is_inert_everywhere(app, api) -> None:
    scene = _scene(api)
    slug = scene["page"]["slug"]
    client = app.test_client()
    public = f"{PREFIX}/public/{slug}"
    site = app.config["STATUSPAGES_SITE_PREFIX"]

    # JSON: the text round-trips exactly, as data.
    body = client.get(public).json
    assert body["name"] == PAYLOAD
    assert body["components"][0]["name"] == PAYLOAD
    assert body["active_incidents"][0]["updates"][0]["message"] == PAYLOAD
    assert body["upcoming_maintenances"][0]["title"] == PAYLOAD
    v2 = client.get(f"{public}/api/v2/summary.json")
    assert v2.status_code == 200 and v2.json["page"]["name"] == PAYLOAD
    assert v2.json["scheduled_maintenances"][0]["name"] == PAYLOAD
    assert v2.headers["Content-Type"].startswith("application/json")

    # HTML pages: nothing a browser would run.
    for url in (
        f"{site}/{slug}",
        f"{site}/{slug}/incidents/{scene['incident']['id']}",
        f"{site}/{slug}/maintenances/{scene['maintenance']['id']}",
        f"{site}/{slug}/history",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert_inert_html(html, url)
        assert "&lt;script&gt;window.__xss" in html, url  # shown, as text
        assert '<span class="company">&lt;script&gt;window.__xss' in html, url

    # Feeds: well-formed, the title round-trips, the HTML content is inert.
    for kind in ("rss", "atom"):
        response = client.get(f"{public}/feed.{kind}")
        ET.fromstring(response.data)
        feed = feedparser.parse(response.data)
        assert not feed.bozo, feed.get("bozo_exception")
        titles = {  # RSS titles are escaped HTML, Atom's plain text: the text shown is the same
            unescape(entry.title) if entry.title_detail.type == "text/html" else entry.title
            for entry in feed.entries
        }
        assert PAYLOAD in titles or any(PAYLOAD in t for t in titles), titles
        for entry in feed.entries:
            for content in entry.get("content", []) + [{"value": entry.get("summary", "")}]:
                assert_inert_html(content["value"], f"feed.{kind}")

    # Badge: well-formed SVG with the name as text, no script.
    response = client.get(f"{public}/badge.svg?component={scene['component']['id']}")
    svg = ET.fromstring(response.data)
    assert not [el for el in svg.iter() if el.tag.endswith("script")]
    assert PAYLOAD in "".join(svg.itertext())
    assert not any(k.startswith("on") for el in svg.iter() for k in el.attrib)

    # Widget: the script carries URLs only, never page data.
    script = client.get(f"{public}/widget.js").get_data(as_text=True)
    assert MARKER not in script

    # The stream's first event is JSON data.
    response = client.get(f"{public}/events", buffered=False)
    first = b""
    for chunk in response.response:
        first += chunk
        if b"event: state" in first and first.endswith(b"\n\n"):
            break
    response.close()
    data = first.decode().split("data: ", 1)[1].split("\n", 1)[0]
    assert json.loads(data)["name"] == PAYLOAD
