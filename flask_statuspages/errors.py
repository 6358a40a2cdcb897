"""The one JSON error shape of every API route, and the handlers that produce it."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

#: Machine code of each HTTP status when no finer one is given.
DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


class ApiError(Exception):
    """An error answered as ``{"error": {"code", "message", "fields"?}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or DEFAULT_CODES.get(status, "error")
        self.message = message
        self.fields = fields
        self.headers = headers or {}


def not_found(what: str = "Resource") -> ApiError:
    return ApiError(404, f"{what} not found.")


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def validation_error(fields: dict[str, Any], source: str = "body") -> ApiError:
    """422 listing every failing field of the request's ``source`` (body or query)."""
    message = f"The request {source} failed validation."
    return ApiError(422, message, fields=flatten_messages(fields))


def flatten_messages(messages: dict[str, Any], prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{"theme.primary_color": ["..."]}``."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_messages(value, f"{name}."))
        else:
            flat[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return flat


def error_response(error: ApiError) -> Response:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.fields is not None:
        body["fields"] = error.fields
    response = jsonify({"error": body})
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def handle_api_error(error: ApiError) -> Response:
    return error_response(error)


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    api_error = ApiError(status, error.description or error.name)
    valid_methods = getattr(error, "valid_methods", None)
    if status == 405 and valid_methods:
        api_error.headers["Allow"] = ", ".join(sorted(valid_methods))
    return error_response(api_error)
