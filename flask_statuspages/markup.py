"""Text from admins made safe to show: Markdown for incident bodies, custom HTML.

markdown-it-py renders Markdown with raw HTML turned off (so ``<script>`` in
a message stays text), and nh3 (the Rust ``ammonia`` sanitiser) cleans the
result and the page's custom header and footer HTML: no script, no event
handler attribute, no ``javascript:`` URL survives either.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])

_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str | None) -> Markup:
    """``html`` with everything that could run or leak removed."""
    if not html:
        return Markup("")
    cleaned = nh3.clean(html, url_schemes=_URL_SCHEMES, link_rel="noopener noreferrer nofollow")
    return Markup(cleaned)  # noqa: S704 - sanitised just above


def render_markdown(text: str | None) -> Markup:
    """The HTML of the Markdown ``text`` (an incident message), sanitised."""
    if not text:
        return Markup("")
    return sanitize_html(_markdown.render(text))
