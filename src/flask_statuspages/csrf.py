"""Cross-site request forgery protection for the HTML forms (double submit).

A visitor gets a random cookie, and every form carries a token that signs
that cookie's value. A forged cross-site POST can neither read the cookie
(``HttpOnly``; and ``SameSite=Lax`` keeps it off cross-site POSTs anyway)
nor sign another value, so a POST passes only when its token was made for
the cookie it arrives with. The token lasts :data:`MAX_AGE` seconds; the
cookie is a session cookie.

The check needs no server state, so the cached HTML of a page can carry a
placeholder that :func:`form_token` fills per visitor. A token is
``<issued, base 36>.<HMAC-SHA256 of cookie and issued time>``, made with the
standard library's ``hmac`` and a key derived once from the secret: every
HTML answer carries one, and a general-purpose serializer costs several times
more per answer.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import time

from flask import Response, current_app, request

from .tokens import random_token

COOKIE = "statuspages_csrf"
FIELD = "csrf_token"
MAX_AGE = 2 * 3600
_SALT = b"statuspages-csrf"
#: Clocks of several servers may disagree by this much (seconds).
_SKEW = 60


def _key() -> bytes:
    config = current_app.config
    secret = config.get("STATUSPAGES_SECRET_KEY") or config.get("SECRET_KEY")
    if not secret:
        raise RuntimeError("flask-statuspages signs form tokens: set SECRET_KEY.")
    return _key_for(secret)


@functools.lru_cache(maxsize=8)
def _key_for(secret: str | bytes) -> bytes:
    raw = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(raw, _SALT, hashlib.sha256).digest()


def _mac(key: bytes, cookie: str, issued: str) -> str:
    digest = hmac.new(key, f"{cookie}.{issued}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(key: bytes, cookie: str, now: float) -> str:
    issued = _base36(int(now))
    return f"{issued}.{_mac(key, cookie, issued)}"


def token_valid(key: bytes, cookie: str, token: str, now: float) -> bool:
    """Whether ``token`` was made for ``cookie`` with ``key`` within :data:`MAX_AGE`."""
    issued, _, mac = token.partition(".")
    try:
        age = now - int(issued, 36)
    except ValueError:
        return False
    if not -_SKEW <= age <= MAX_AGE or not issued.isalnum():
        return False
    return hmac.compare_digest(mac.encode(), _mac(key, cookie, issued).encode())


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


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
        cookie = new_cookie = random_token(32)
    return make_token(_key(), cookie, time.time()), new_cookie


def set_cookie(response: Response, value: str | None) -> None:
    """Set the cookie :func:`form_token` asked for, if any."""
    if value is not None:
        response.set_cookie(
            COOKIE, value, path="/", httponly=True, samesite="Lax", secure=request.is_secure
        )


def valid_post() -> bool:
    """Whether this POST's form token was made for its cookie, within :data:`MAX_AGE`."""
    cookie = _cookie_value()
    token = request.form.get(FIELD, "")
    if cookie is None or not token:
        return False
    return token_valid(_key(), cookie, token, time.time())
