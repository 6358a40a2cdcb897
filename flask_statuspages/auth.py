"""Who is calling an admin route: the host's owner loader, or our API tokens."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, request
from sqlalchemy import select

from .errors import ApiError
from .models import ApiToken
from .state import db_session, get_state

TOKEN_PREFIX = "sp_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(owner: str, name: str | None = None) -> tuple[ApiToken, str]:
    """Store a new API token for ``owner``; returns the row and the clear token (shown once)."""
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(owner=owner, name=name, token_hash=hash_token(clear))
    session = db_session()
    session.add(token)
    session.commit()
    return token, clear


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def owner_from_token() -> str | None:
    """The built-in owner loader: the owner of the request's ``Bearer`` API token.

    Hosts with a loader of their own can call it to accept API tokens as well.
    """
    clear = bearer_token()
    if clear is None:
        return None
    return db_session().scalar(
        select(ApiToken.owner).where(ApiToken.token_hash == hash_token(clear))
    )


def current_owner() -> str:
    """The tenant key of the caller of an admin route; 401 when there is none.

    A key with a NUL (read by a host's loader from a header or a cookie, say) is
    none: PostgreSQL could not even compare it.
    """
    loader = get_state().extension.owner_loader_callback or owner_from_token
    owner = loader()
    if owner is None or owner == "" or "\x00" in str(owner):
        raise ApiError(
            401,
            "Authentication is required.",
            headers={"WWW-Authenticate": 'Bearer realm="statuspages"'},
        )
    return str(owner)


def page_limit(owner: str) -> int | None:
    """How many pages ``owner`` may have; ``None`` for no limit."""
    loader = get_state().extension.page_limit_loader_callback
    if loader is not None:
        return loader(owner)
    limit = current_app.config["STATUSPAGES_MAX_PAGES_PER_OWNER"]
    return None if limit is None else int(limit)
