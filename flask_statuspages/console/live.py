"""The console's live updates: a page's event stream, for its operators.

The public page's stream (``/public/<slug>/events``) is for visitors and closed
to pages they may not see; this one is the same stream (:func:`..views.public.event_stream`)
behind the console's gate, with nothing filtered out, for any page of the operator,
under the same caps on open streams. ``console.js`` listens to it and reloads the
screen's main part on each change.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ..views.public import event_stream
from .screens import owned_page


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/pages/<page_id>/events", "page_events", page_events)


def page_events(page_id: str) -> Response:
    """Server-Sent Events of one of the operator's pages."""
    page = owned_page(page_id)
    return event_stream(page.id, lambda: {"page_id": page.id})
