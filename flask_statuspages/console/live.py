"""The console's live updates: a page's event stream, for its operators.

The public page's stream (``/public/<slug>/events``) is for visitors and closed
to pages they may not see; this one is the same stream (:func:`..realtime.stream`)
behind the console's gate, with nothing filtered out, for any page of the operator,
under the same caps on open streams. ``console.js`` listens to it and reloads the
screen's main part on each change.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request, stream_with_context

from ..clients import client_address
from ..realtime import socket_closed, stream
from ..state import db_session, get_state
from ..streamslots import configured_caps
from .screens import owned_page


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/pages/<page_id>/events", "page_events", page_events)


def page_events(page_id: str) -> Response:
    """Server-Sent Events of one of the operator's pages (see :func:`..realtime.stream`)."""
    page = owned_page(page_id)
    config, state = current_app.config, get_state()
    body = stream(
        state.broker,
        page.id,
        request.headers.get("Last-Event-ID"),
        lambda: _state(page.id),
        config["STATUSPAGES_SSE_HEARTBEAT"],
        config["STATUSPAGES_SSE_MAX_DURATION"],
        socket_closed(request.environ),
    )
    free = state.stream_slots.take(client_address() or "unknown", configured_caps())
    response = Response(stream_with_context(body), mimetype="text/event-stream")
    response.call_on_close(free)
    db_session().close()  # a stream holds no connection while it waits
    response.headers["X-Accel-Buffering"] = "no"
    response.headers["Cache-Control"] = "no-store"
    return response


def _state(page_id: str) -> dict[str, Any]:
    return {"page_id": page_id}
