"""Who is calling an admin route: the host's owner loader, or our API tokens.

An API token comes as ``Authorization: Bearer <token>``, as Statuspage's
``Authorization: OAuth <token>``, or as the ``api_key`` query parameter
(Statuspage's too; discouraged: query strings end up in logs). A token in
the header wins over one in the query.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, request
from sqlalchemy import select

from .errors import ApiError
from .models import ApiToken
from .state import db_session, get_state

TOKEN_PREFIX = "sp_"
#: ``Authorization`` schemes that carry an API token.
TOKEN_SCHEMES = frozenset({"bearer", "oauth"})
#: The query parameter that may carry an API token instead.
API_KEY_PARAMETER = "api_key"


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


def api_token() -> str | None:
    """The API token of the request: ``Bearer`` or ``OAuth`` in ``Authorization``, else
    the ``api_key`` query parameter; ``None`` when there is none."""
    scheme, _, credentials = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() in TOKEN_SCHEMES and credentials.strip():
        return credentials.strip()
    return request.args.get(API_KEY_PARAMETER) or None


#: The name this function had when ``Bearer`` was the only way.
bearer_token = api_token


def owner_from_token() -> str | None:
    """The built-in owner loader: the owner of the request's API token (``Bearer`` or
    ``OAuth`` header, or ``api_key`` query parameter).

    Hosts with a loader of their own can call it to accept API tokens as well.
    """
    clear = api_token()
    if clear is None:
        return None
    return db_session().scalar(
        select(ApiToken.owner).where(ApiToken.token_hash == hash_token(clear))
    )


def owner_or_none() -> str | None:
    """The tenant key of the caller by the host's owner loader (or our API tokens);
    ``None`` when there is none.

    A key with a NUL (read by a host's loader from a header or a cookie, say) is
    none: PostgreSQL could not even compare it.
    """
    loader = get_state().extension.owner_loader_callback or owner_from_token
    owner = loader()
    if owner is None or owner == "" or "\x00" in str(owner):
        return None
    return str(owner)


def current_owner() -> str:
    """The tenant key of the caller of an admin route; 401 when there is none."""
    owner = owner_or_none()
    if owner is None:
        raise ApiError(
            401,
            "Authentication is required.",
            headers={"WWW-Authenticate": 'Bearer realm="statuspages"'},
        )
    return owner


def api_rate_key(owner: str) -> str:
    """What the admin API's rate limit counts by: the token (its hash) with the built-in
    loader, so each token has its own allowance as on Statuspage; the owner when the
    host's loader authenticates (it may not use tokens at all)."""
    if get_state().extension.owner_loader_callback is None:
        return "token:" + hash_token(api_token() or "")
    return "owner:" + hash_token(owner)


def page_limit(owner: str) -> int | None:
    """How many pages ``owner`` may have; ``None`` for no limit."""
    loader = get_state().extension.page_limit_loader_callback
    if loader is not None:
        return loader(owner)
    limit = current_app.config["STATUSPAGES_MAX_PAGES_PER_OWNER"]
    return None if limit is None else int(limit)
