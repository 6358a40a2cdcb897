"""Signed tokens: one itsdangerous serializer per purpose, each with its own salt.

A token made for one purpose (say, unsubscribing) never passes as another
(verifying), and :func:`load` tells a valid token from a tampered and an
expired one.
"""

from __future__ import annotations

import binascii
import enum
import hashlib
import itertools
import os
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class Purpose(str, enum.Enum):
    VERIFY = "statuspages-verify"
    UNSUBSCRIBE = "statuspages-unsubscribe"
    PAGE_SESSION = "statuspages-page-session"
    VIEWER_LINK = "statuspages-viewer-link"
    VIEWER_SESSION = "statuspages-viewer-session"


class TokenInvalid(Exception):
    """The token is malformed, tampered with, or made for another purpose."""


class TokenExpired(Exception):
    """The token was genuine but is older than its purpose allows."""


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    config = current_app.config
    secret = config.get("STATUSPAGES_SECRET_KEY") or config.get("SECRET_KEY")
    if not secret:
        raise RuntimeError(
            "flask-statuspages signs tokens: set SECRET_KEY or STATUSPAGES_SECRET_KEY."
        )
    return URLSafeTimedSerializer(secret, salt=purpose.value)


def dump(purpose: Purpose, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def load(purpose: Purpose, token: str, max_age: int | None = None) -> Any:
    """The payload of ``token``; raises :class:`TokenInvalid` or :class:`TokenExpired`."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired(str(exc)) from exc
    except BadSignature as exc:
        raise TokenInvalid(str(exc)) from exc


_URLSAFE = bytes.maketrans(b"+/", b"-_")


class _RandomStream:
    """Unpredictable tokens without a system call each (CSP nonces, form cookies).

    ``secrets`` reads the kernel's generator on every call, and the read lets
    go of the GIL: on a busy threaded server, getting it back can take a
    whole switch interval (profiled under gunicorn: a few percent of every
    HTML answer). Keyed BLAKE2b over a counter is a pseudo-random function,
    so its outputs cannot be told from random, nor predicted, without the key,
    which is read from ``os.urandom`` once per process (again after a fork).
    """

    def __init__(self) -> None:
        self.reseed()
        os.register_at_fork(after_in_child=self.reseed)

    def reseed(self) -> None:
        self._key = os.urandom(32)
        self._counter = itertools.count()

    def token(self, nbytes: int) -> str:
        """``nbytes`` (at most 64) unpredictable bytes, URL-safe base64 without padding."""
        block = next(self._counter).to_bytes(16, "little")
        digest = hashlib.blake2b(block, key=self._key, digest_size=nbytes).digest()
        # base64.urlsafe_b64encode's own two steps, without its two calls around them.
        encoded = binascii.b2a_base64(digest, newline=False).translate(_URLSAFE)
        return encoded.rstrip(b"=").decode()


random_token = _RandomStream().token
