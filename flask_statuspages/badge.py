"""A shields.io-style "flat" SVG badge of a status.

Badges are drawn without a browser, so text widths come from a table: the
advance widths of Verdana (the badge's first font choice) in thousandths of
an em, at 11 px. Letters outside the table are measured by their base letter
(``é`` as ``e``), wide East Asian characters as a full em, anything else as a
digit; the text is also given a ``textLength``, so a fallback font is
stretched to the computed width instead of overflowing it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from .feeds import xml_safe
from .i18n import lazy_gettext

FONT_SIZE = 11
#: Space on each side of a text, in pixels.
PADDING = 5
HEIGHT = 20
LABEL_COLOR = "#555"
MAX_LABEL_LENGTH = 64

#: Verdana advance widths (1/1000 em) of the printable ASCII characters, from U+0020 on.
_ASCII_WIDTHS = (
    # space ! " # $ % & ' ( ) * + , - . /
    351, 393, 458, 818, 635, 1076, 726, 268, 454, 454, 635, 818, 363, 454, 363, 454,
    # 0-9
    635, 635, 635, 635, 635, 635, 635, 635, 635, 635,
    # : ; < = > ? @
    454, 454, 818, 818, 818, 545, 1000,
    # A-Z
    683, 685, 698, 770, 632, 574, 775, 751, 420, 454, 692, 556, 842,
    748, 787, 603, 787, 695, 683, 616, 731, 683, 988, 685, 615, 685,
    # [ \ ] ^ _ `
    454, 454, 454, 818, 635, 635,
    # a-z
    600, 623, 520, 623, 595, 351, 623, 632, 274, 344, 591, 274, 972,
    632, 606, 623, 623, 426, 520, 394, 632, 591, 818, 591, 591, 525,
    # { | } ~
    634, 454, 634, 818,
)  # fmt: skip
_WIDTHS = {chr(0x20 + i): width for i, width in enumerate(_ASCII_WIDTHS)}
_DEFAULT_WIDTH = 635
_WIDE_WIDTH = 1000


@dataclass(frozen=True)
class Look:
    #: Its words, translated when the badge is drawn.
    message: Any
    color: str


#: What a badge says for each status, and its colour (shields' palette).
STATUS_LOOKS = {
    "operational": Look(lazy_gettext("operational"), "#4c1"),
    "under_maintenance": Look(lazy_gettext("maintenance"), "#007ec6"),
    "degraded_performance": Look(lazy_gettext("degraded"), "#dfb317"),
    "partial_outage": Look(lazy_gettext("partial outage"), "#fe7d37"),
    "major_outage": Look(lazy_gettext("major outage"), "#e05d44"),
}


def _char_width(char: str) -> int:
    found = _WIDTHS.get(char)
    if found is not None:
        return found
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    base = unicodedata.normalize("NFKD", char)[:1]
    if base in _WIDTHS:
        return _WIDTHS[base]
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _WIDE_WIDTH
    return _DEFAULT_WIDTH


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """The width in pixels of ``text`` in Verdana at ``size`` px."""
    return sum(_char_width(char) for char in text) * size / 1000


def render_badge(label: str, message: str, color: str) -> str:
    """The SVG of a flat badge: ``label`` on grey, ``message`` on ``color``."""
    label, message = xml_safe(label), xml_safe(message)
    label_text, message_text = round(text_width(label)), round(text_width(message))
    left, right = label_text + 2 * PADDING, message_text + 2 * PADDING
    width = left + right
    title = escape(f"{label}: {message}")
    texts = _text(label, left / 2, label_text) + _text(message, left + right / 2, message_text)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}"'
        f' role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        '<linearGradient id="s" x2="0" y2="100%">'
        '<stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{width}" height="{HEIGHT}" rx="3" fill="#fff"/></clipPath>'
        '<g clip-path="url(#r)">'
        f'<rect width="{left}" height="{HEIGHT}" fill="{LABEL_COLOR}"/>'
        f'<rect x="{left}" width="{right}" height="{HEIGHT}" fill="{escape(color)}"/>'
        f'<rect width="{width}" height="{HEIGHT}" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle"'
        ' font-family="Verdana,Geneva,DejaVu Sans,sans-serif"'
        ' text-rendering="geometricPrecision" font-size="110">'
        f"{texts}</g></svg>"
    )


def _text(text: str, center: float, length: int) -> str:
    """A text and its shadow, drawn at ten times the size and scaled down (crisper)."""
    x, span, body = round(center * 10), length * 10, escape(text)
    return (
        f'<text aria-hidden="true" x="{x}" y="150" fill="#010101" fill-opacity=".3"'
        f' transform="scale(.1)" textLength="{span}">{body}</text>'
        f'<text x="{x}" y="140" transform="scale(.1)" textLength="{span}">{body}</text>'
    )


def status_badge(label: str, status: str) -> str:
    """The badge of ``status`` (a component status) under ``label``."""
    look = STATUS_LOOKS.get(status, Look(status.replace("_", " "), "#9f9f9f"))
    return render_badge(label, str(look.message), look.color)
