"""Signed tokens: one itsdangerous serializer per purpose, each with its own salt.

A token made for one purpose (say, unsubscribing) never passes as another
(verifying), and :func:`load` tells a valid token from a tampered and an
expired one.
"""

from __future__ import annotations

import enum
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class Purpose(str, enum.Enum):
    VERIFY = "statuspages-verify"
    UNSUBSCRIBE = "statuspages-unsubscribe"
    PAGE_SESSION = "statuspages-page-session"


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
