"""What every request to the extension's routes must pass before its view runs.

One rule for both blueprints (the API and the HTML site), applied by a
``before_request`` hook of each, so no view can forget it and a route added
later is covered too:

1. the query string is UTF-8 (else 400: werkzeug cannot decode it);
2. a write (``POST``, ``PUT``, ``PATCH``, ``DELETE``) does not come from
   another site's page (:mod:`.csrf`; else 403 ``cross_site_request``);
3. its body is at most ``STATUSPAGES_MAX_CONTENT_LENGTH`` bytes, also when it
   is sent chunked (else 413 ``payload_too_large``);
4. a body that is not empty comes in a media type the route takes (else 415
   ``unsupported_media_type``); a write without a body needs no
   ``Content-Type``.

A refused request reaches no view, so nothing is written. Each blueprint
answers a :class:`Refusal` in its own format: the API in the JSON error
shape, the site with an HTML page.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from . import csrf

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused before its view: an HTTP status and an error code."""

    status: int
    code: str
    message: str


#: The answers of the rules that do not depend on the route.
QUERY_NOT_UTF8 = Refusal(400, "bad_request", "The query string is not valid UTF-8.")
CROSS_SITE = Refusal(
    403, "cross_site_request", "This request came from another site's page; it was not accepted."
)


def guard(app: Flask, accepts: Callable[[], Collection[str]]) -> Callable[[], Refusal | None]:
    """The check of the module's rules, for a blueprint whose current route takes the
    media types ``accepts()`` returns. ``STATUSPAGES_TRUSTED_ORIGINS`` is checked here,
    so a wrong value fails when the app starts, not on the first write."""
    csrf.trusted_origins(app.config)

    def check() -> Refusal | None:
        if not _query_decodes():
            return QUERY_NOT_UTF8
        if request.method not in csrf.WRITE_METHODS:
            return None
        return write_refusal(accepts())

    return check


def write_refusal(accepted: Collection[str]) -> Refusal | None:
    """Why this write is refused, if it is: another site's (403), too large (413), or a
    body in none of the ``accepted`` media types (415)."""
    if csrf.cross_site(csrf.trusted_origins(current_app.config)):
        return CROSS_SITE
    try:
        body = read_body()
    except RequestEntityTooLarge:
        return too_large()
    if body and request.mimetype not in accepted:
        message = f"The body must be sent as {' or '.join(accepted)}."
        return Refusal(415, "unsupported_media_type", message)
    return None


def too_large() -> Refusal:
    limit = current_app.config["STATUSPAGES_MAX_CONTENT_LENGTH"]
    return Refusal(413, "payload_too_large", f"The body is over {limit} bytes.")


def read_body() -> bytes:
    """The request body (read once, then cached), at most ``STATUSPAGES_MAX_CONTENT_LENGTH``
    bytes; ``RequestEntityTooLarge`` beyond, whether sent with a length or chunked."""
    limit: int = current_app.config["STATUSPAGES_MAX_CONTENT_LENGTH"]
    # werkzeug stops a chunked body silently at the maximum (the rest is lost, not
    # refused): allowed one byte more, a body over the limit shows by its length.
    request.max_content_length = limit + 1
    body = request.get_data(cache=True)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    return body


def _query_decodes() -> bool:
    try:
        request.query_string.decode()
    except UnicodeDecodeError:
        return False
    return True
