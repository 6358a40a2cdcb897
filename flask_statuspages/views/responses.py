"""Answers rendered from a page's snapshot: conditional GET, caching and CORS."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import Response, request

from ..access import PageRef
from ..snapshot import Snapshot, get_snapshot

#: Shared caches (CDNs) may keep a public page but must ask again every time:
#: an ``If-None-Match`` costs us little (no body), and nobody sees a stale page.
PUBLIC_CACHE = "public, no-cache"
#: A password-protected or allow-listed page is for this visitor only.
PRIVATE_CACHE = "private, no-cache"


def cache_control(ref: PageRef) -> str:
    return PRIVATE_CACHE if ref.protected else PUBLIC_CACHE


#: The machine routes are open to every origin.
CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "ETag, Retry-After"),
)
#: What every snapshot answer carries (see ``views._public_headers``).
PUBLIC_HEADERS = (("X-Content-Type-Options", "nosniff"), *CORS_HEADERS)


def open_cors(response: Response) -> Response:
    for name, value in CORS_HEADERS:
        response.headers[name] = value
    return response


def snapshot_response(
    ref: PageRef,
    key: Hashable,
    mimetype: str,
    make: Callable[[Snapshot], bytes | str],
) -> Response:
    """The rendering ``key`` of ``ref``'s snapshot, or 304 when the client has it.

    Its headers are built in one go, the public ones included (this is the
    hottest answer of the extension).
    """
    rendering = get_snapshot(ref).render(key, make)
    headers = [
        ("ETag", rendering.quoted_etag),
        ("Cache-Control", cache_control(ref)),
        *PUBLIC_HEADERS,
    ]
    if ref.protected:
        headers.append(("Vary", "Cookie, Authorization"))
    if "HTTP_IF_NONE_MATCH" in request.environ and request.if_none_match.contains_weak(
        rendering.etag
    ):
        return Response(status=304, headers=headers)
    return Response(rendering.body, mimetype=mimetype, headers=headers)
