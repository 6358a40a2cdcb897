"""Answers rendered from a page's snapshot: conditional GET, caching and CORS."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import Response, request

from ..access import PageRef
from ..snapshot import Snapshot, get_snapshot

#: Shared caches (CDNs) may keep a public page but must ask again every time:
#: an ``If-None-Match`` costs us one small query, and nobody sees a stale page.
PUBLIC_CACHE = "public, no-cache"
#: A password-protected or allow-listed page is for this visitor only.
PRIVATE_CACHE = "private, no-cache"


def cache_control(ref: PageRef) -> str:
    return PRIVATE_CACHE if ref.protected else PUBLIC_CACHE


def snapshot_response(
    ref: PageRef,
    key: Hashable,
    mimetype: str,
    make: Callable[[Snapshot], bytes | str],
) -> Response:
    """The rendering ``key`` of ``ref``'s snapshot, or 304 when the client has it."""
    rendering = get_snapshot(ref).render(key, make)
    if request.if_none_match.contains_weak(rendering.etag):
        response = Response(status=304)
    else:
        response = Response(rendering.body, mimetype=mimetype)
    response.set_etag(rendering.etag)
    response.headers["Cache-Control"] = cache_control(ref)
    if ref.protected:
        response.vary.update(("Cookie", "Authorization"))
    return response
