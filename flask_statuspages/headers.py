"""Header values built from stored text (titles, names): one line, bounded length.

A title may hold a line break (the API takes multi-line text); in a mail or
HTTP header it would start a new header, and Flask-Mail and http.client raise
on it. Every header value we build from such text passes through
:func:`header_value`.
"""

from __future__ import annotations

import re

#: What may not appear in a header value: control characters and Unicode line
#: separators (``str.splitlines`` breaks on these; the email package folds on them).
_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]+")

#: The longest ``Subject`` we send; mail clients show far less.
SUBJECT_MAX = 200
#: Room for a header's value within RFC 5322's 998-character line.
LINE_MAX = 900


def header_value(text: object, limit: int = LINE_MAX) -> str:
    """``text`` on one line: breaks folded to spaces, runs of blanks to one, at most
    ``limit`` characters (cut with an ellipsis)."""
    one_line = " ".join(_BREAKS.sub(" ", str(text)).split())
    if len(one_line) <= limit:
        return one_line
    return one_line[: limit - 1].rstrip() + "\u2026"
