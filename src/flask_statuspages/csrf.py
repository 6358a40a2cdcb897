"""Cross-site request forgery protection for the HTML forms (double submit).

A visitor gets a random cookie, and every form carries a token that signs
that cookie's value. A forged cross-site POST can neither read the cookie
(``HttpOnly``; and ``SameSite=Lax`` keeps it off cross-site POSTs anyway)
nor sign another value, so a POST passes only when its token was made for
the cookie it arrives with. The token lasts :data:`MAX_AGE` seconds; the
cookie is a session cookie.

The check needs no server state, so the cached HTML of a page can carry a
placeholder that :func:`form_token` fills per visitor.
"""

from __future__ import annotations

import functools
import hmac
import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "statuspages_csrf"
FIELD = "csrf_token"
MAX_AGE = 2 * 3600
_SALT = "statuspages-csrf"


def _serializer() -> URLSafeTimedSerializer:
    config = current_app.config
    secret = config.get("STATUSPAGES_SECRET_KEY") or config.get("SECRET_KEY")
    if not secret:
        raise RuntimeError("flask-statuspages signs form tokens: set SECRET_KEY.")
    return _serializer_for(secret)


@functools.lru_cache(maxsize=8)
def _serializer_for(secret: str | bytes) -> URLSafeTimedSerializer:
    # Made once per key: every HTML answer signs a token, and building costs more.
    return URLSafeTimedSerializer(secret, salt=_SALT)


def _cookie_value() -> str | None:
    value = request.cookies.get(COOKIE)
    # Only values we could have made: anything else is replaced by a fresh one.
    return value if value and len(value) == 43 and value.isascii() else None


def form_token() -> tuple[str, str | None]:
    """``(token, new_cookie)``: the token for this visitor's forms, and the cookie to
    set when the visitor has none yet (``None`` when theirs is kept)."""
    cookie = _cookie_value()
    new_cookie = None
    if cookie is None:
        cookie = new_cookie = secrets.token_urlsafe(32)
    return _serializer().dumps(cookie), new_cookie


def set_cookie(response: Response, value: str | None) -> None:
    """Set the cookie :func:`form_token` asked for, if any."""
    if value is not None:
        response.set_cookie(
            COOKIE, value, path="/", httponly=True, samesite="Lax", secure=request.is_secure
        )


def valid_post() -> bool:
    """Whether this POST's form token was signed for its cookie, within :data:`MAX_AGE`."""
    cookie = _cookie_value()
    token = request.form.get(FIELD, "")
    if cookie is None or not token:
        return False
    try:
        signed = _serializer().loads(token, max_age=MAX_AGE)
    except BadSignature:  # also SignatureExpired
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, cookie)
