"""Plain texts in the feeds (names, description, titles, categories) never become markup."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from typing import Any

import feedparser
import pytest

from .conftest import PREFIX

HOSTILE = '<img src=x onerror="alert(1)"><b>Acme</b> & "Co" <script>alert(2)</script>'


class Rendered(HTMLParser):
    """What a reader shows when it renders a value as HTML: its elements and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.elements.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


@pytest.fixture
def slug(api: Any) -> str:
    page = api.make_page(name=HOSTILE, description=HOSTILE)
    api.make_incident(page["id"], title=HOSTILE, message="Looking into it.")
    api.make_maintenance(page["id"], start=datetime(2030, 1, 1), title=HOSTILE)
    return str(page["slug"])


def fetch(api: Any, slug: str, kind: str) -> Any:
    response = api.client.get(f"{PREFIX}/public/{slug}/feed.{kind}")
    assert response.status_code == 200, response.text
    # What a reader gets before any sanitising of its own.
    parsed = feedparser.parse(response.data, sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def rss_texts(parsed: Any) -> list[tuple[str, str]]:
    texts = [("channel title", parsed.feed.title), ("channel description", parsed.feed.subtitle)]
    for entry in parsed.entries:
        texts.append(("item title", entry.title))
        texts += [("category", tag.term) for tag in entry.tags]
    return texts


def test_rss_texts_render_as_the_text_written(api: Any, slug: str) -> None:
    """RSS readers render the channel's description (and often titles) as HTML."""
    parsed = fetch(api, slug, "rss")
    texts = rss_texts(parsed)
    for where, value in texts:
        rendered = Rendered(value)
        assert rendered.elements == [], (where, value)
    shown = {where: Rendered(value).text for where, value in texts}
    assert shown["channel title"] == shown["channel description"] == HOSTILE
    titles = [Rendered(entry.title).text for entry in parsed.entries]
    assert sorted(titles) == sorted([HOSTILE, "Maintenance: " + HOSTILE])


def test_atom_texts_are_text_constructs(api: Any, slug: str) -> None:
    parsed = fetch(api, slug, "atom")
    details = [parsed.feed.title_detail, parsed.feed.subtitle_detail]
    details += [entry.title_detail for entry in parsed.entries]
    for detail in details:
        assert detail.type == "text/plain", detail
        assert HOSTILE in detail.value
    assert parsed.feed.author_detail.name == HOSTILE
