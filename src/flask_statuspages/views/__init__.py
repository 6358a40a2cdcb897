"""The blueprint, built per application from the declared routes."""

from __future__ import annotations

import time
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
)

from ..errors import ApiError, error_response, handle_api_error, handle_http_exception
from ..openapi import openapi_document
from ..state import EXTENSION_KEY, get_state
from . import admin, domains, embeds, public, statuspage_v2
from .routing import Endpoint

#: Every declared route; public ones first so that ``/public/...`` wins over ``/<page_id>``.
ENDPOINTS: list[Endpoint] = [
    *public.routes.endpoints,
    *embeds.routes.endpoints,
    *statuspage_v2.routes.endpoints,
    *domains.routes.endpoints,
    *admin.routes.endpoints,
]


def create_blueprint(app: Flask) -> Blueprint:
    prefix = app.config["STATUSPAGES_URL_PREFIX"].rstrip("/")
    bp = Blueprint(
        "statuspages",
        "flask_statuspages",
        url_prefix=prefix or None,
        template_folder="templates",
    )
    limiter = app.extensions[EXTENSION_KEY].limiter
    for declared in ENDPOINTS:
        handler = declared.handler
        if declared.rate_limit:
            handler = limiter.limit(_config_value(declared.rate_limit))(handler)
        bp.add_url_rule(
            declared.rule,
            declared.endpoint,
            handler,
            methods=list(declared.methods),
            strict_slashes=False,
        )
    bp.add_url_rule("/openapi.json", "openapi", _openapi)
    bp.before_request(_limit_body_size)
    bp.after_request(_public_headers(prefix))
    bp.register_error_handler(ApiError, handle_api_error)
    bp.register_error_handler(RateLimitExceeded, _rate_limited)
    bp.register_error_handler(HTTPException, handle_http_exception)
    bp.register_error_handler(InternalServerError, _internal_error)
    return bp


def _config_value(key: str) -> Callable[[], str]:
    """A limit read from the config at request time, so tests and hosts can change it."""
    return lambda: current_app.config[key]  # type: ignore[no-any-return]


def _openapi() -> Response:
    return jsonify(openapi_document(ENDPOINTS))


def _public_headers(prefix: str) -> Callable[[Response], Response]:
    """``nosniff`` on every answer; CORS open on the machine routes for visitors."""
    public = f"{prefix}/public/"

    def add_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.path.startswith(public):
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = "ETag, Retry-After"
        return response

    return add_headers


def _limit_body_size() -> None:
    request.max_content_length = current_app.config["STATUSPAGES_MAX_CONTENT_LENGTH"]


def _rate_limited(error: RateLimitExceeded) -> Response:
    limit = get_state().limiter.current_limit
    wait = max(1, int(limit.reset_at - time.time())) if limit else 60
    message = f"Too many requests ({error.description}); try again in {wait} seconds."
    return error_response(ApiError(429, message, headers={"Retry-After": str(wait)}))


def _internal_error(error: InternalServerError) -> Response:
    return error_response(ApiError(500, "Something went wrong on our side."))


def json_routing_errors(prefix: str):  # type: ignore[no-untyped-def]
    """An app-level ``before_request`` hook: 404/405 under ``prefix`` answered as JSON.

    Routing errors never reach a blueprint's error handlers (the request has
    no blueprint yet), and registering app-wide handlers would take over the
    host's own; this hook touches only requests under our prefix.
    """
    prefix = prefix.rstrip("/")

    def hook() -> object:
        error = request.routing_exception
        if not isinstance(error, (NotFound, MethodNotAllowed)):
            return None
        if request.path != prefix and not request.path.startswith(prefix + "/"):
            return None
        return handle_http_exception(error)

    return hook
