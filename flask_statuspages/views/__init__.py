"""The blueprint, built per application from the declared routes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
)

from ..errors import ApiError, error_response, handle_api_error, handle_http_exception
from ..intake import JSON, guard
from ..openapi import openapi_document
from ..ratelimit import RateLimited
from ..state import get_state
from . import (
    admin,
    domains,
    embed_config,
    embeds,
    groups,
    incident_timeline,
    incident_writing,
    metrics,
    page_access,
    public,
    statistics,
    statuspage_v2,
)
from .responses import open_cors
from .routing import Endpoint, refuse_nul_in_path

#: Every declared route; public ones first so that ``/public/...`` wins over ``/<page_id>``.
ENDPOINTS: list[Endpoint] = [
    *public.routes.endpoints,
    *statistics.routes.endpoints,
    *embeds.routes.endpoints,
    *statuspage_v2.routes.endpoints,
    *domains.routes.endpoints,
    *admin.routes.endpoints,
    *groups.routes.endpoints,
    *incident_timeline.routes.endpoints,
    *incident_writing.routes.endpoints,
    *metrics.routes.endpoints,
    *page_access.routes.endpoints,
    *embed_config.routes.endpoints,
]


def create_blueprint(app: Flask) -> Blueprint:
    prefix = app.config["STATUSPAGES_URL_PREFIX"].rstrip("/")
    bp = Blueprint(
        "statuspages",
        "flask_statuspages",
        url_prefix=prefix or None,
        template_folder="templates",
    )
    for declared in ENDPOINTS:
        handler = declared.handler
        if declared.rate_limit:
            handler = _rate_limited_view(handler, declared)
        bp.add_url_rule(
            declared.rule,
            declared.endpoint,
            handler,
            methods=list(declared.methods),
            strict_slashes=False,
        )
    bp.add_url_rule("/openapi.json", "openapi", _openapi)
    bp.url_value_preprocessor(refuse_nul_in_path)
    bp.before_request(_intake(app, bp.name))
    bp.after_request(_public_headers(prefix))
    bp.register_error_handler(ApiError, handle_api_error)
    bp.register_error_handler(RateLimited, _rate_limited)
    bp.register_error_handler(HTTPException, handle_http_exception)
    bp.register_error_handler(InternalServerError, _internal_error)
    return bp


def _intake(app: Flask, name: str) -> Callable[[], Response | None]:
    """The blueprint's ``before_request``: ``intake.guard``, refusals in the JSON error shape."""
    consumes = {f"{name}.{declared.endpoint}": declared.consumes for declared in ENDPOINTS}
    check = guard(app, lambda: consumes.get(request.endpoint or "", (JSON,)))

    def refuse() -> Response | None:
        refusal = check()
        if refusal is None:
            return None
        return error_response(ApiError(refusal.status, refusal.message, code=refusal.code))

    return refuse


def _rate_limited_view(handler: Callable[..., Any], declared: Endpoint) -> Callable[..., Any]:
    """``handler`` counted against its limit; forms (POST) also say how much is left."""
    assert declared.rate_limit is not None
    key, bucket = declared.rate_limit, f"statuspages.{declared.endpoint}"
    report = "GET" not in declared.methods

    @functools.wraps(handler)
    def limited(**view_args: Any) -> Any:
        usage = get_state().rate_limits.hit(key, bucket, report=report)
        if usage is None:
            return handler(**view_args)
        response = current_app.make_response(handler(**view_args))
        usage.set_headers(response.headers)
        return response

    return limited


def _openapi() -> Response:
    return jsonify(openapi_document(ENDPOINTS))


def _public_headers(prefix: str) -> Callable[[Response], Response]:
    """``nosniff`` on every answer; CORS open on the machine routes for visitors.

    Snapshot answers carry these headers already (``responses.PUBLIC_HEADERS``,
    built with the others in one go): for them the hook only looks.
    """
    public = f"{prefix}/public/"

    def add_headers(response: Response) -> Response:
        headers = response.headers
        if "X-Content-Type-Options" in headers:
            return response
        headers.add("X-Content-Type-Options", "nosniff")
        if request.path.startswith(public):
            open_cors(response)
        return response

    return add_headers


def _rate_limited(error: RateLimited) -> Response:
    wait = error.retry_after
    message = f"Too many requests ({error.limit}); try again in {wait} seconds."
    response = error_response(ApiError(429, message, headers={"Retry-After": str(wait)}))
    if error.usage is not None:
        error.usage.set_headers(response.headers)
    return response


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
