"""The OpenAPI 3 document, generated from the declared routes and their schemas."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from marshmallow import Schema

from . import __version__
from .errors import DEFAULT_CODES
from .intake import FORM
from .schemas import NO_NUL_PATTERN, EmailAddress, ErrorSchema, PaginationSchema, Timestamp
from .views.routing import Endpoint

_ERROR_DESCRIPTIONS = {
    400: (
        "The body is missing, not valid JSON or not a form in the bracket notation,"
        " or a token is invalid or expired."
    ),
    401: "Authentication is required.",
    403: (
        "Not allowed: a browser request from another site (`cross_site_request`), "
        "or for instance the plan's page limit is reached."
    ),
    404: "No such resource for this owner.",
    405: "Method not allowed here.",
    409: "Conflicts with an existing resource.",
    413: "The body is too large.",
    415: "The body is in a media type the route does not take (`unsupported_media_type`).",
    429: (
        "Too many requests (`rate_limited`): wait for the seconds of `Retry-After`. On the"
        " admin routes (`STATUSPAGES_API_RATE_LIMIT`, per token or owner) the answer also"
        " carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`."
    ),
    422: "The body or query failed validation; `fields` lists every failing field.",
    500: "Something went wrong on the server.",
    503: "Busy (for instance too many live streams): wait for the seconds of `Retry-After`.",
}
#: Methods of the routes that write: each may answer 403 ``cross_site_request`` and 415.
_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Rules across the fields of a body, which its fields' schemas cannot state alone.
_BODY_RULES: dict[str, dict[str, Any]] = {
    "SubscriberInput": {
        "description": "Exactly one of email or webhook_url.",
        "oneOf": [{"required": ["email"]}, {"required": ["webhook_url"]}],
    },
    "ComponentReorderInput": {
        "description": "Exactly one of ids or componentIds.",
        "oneOf": [{"required": ["ids"]}, {"required": ["componentIds"]}],
    },
    "IncidentInput": {
        "description": "title, unless template_id gives it.",
        "anyOf": [{"required": ["title"]}, {"required": ["template_id"]}],
    },
    "IncidentInputUpdate": {"description": "template_id is taken when creating only."},
    "MaintenanceInput": {"description": "scheduled_until must be after scheduled_for."},
    "MetricInput": {"description": "y_axis_max must be above y_axis_min."},
    "MetricInputUpdate": {
        "description": "y_axis_max must be above y_axis_min, as given or as stored."
    },
    "MaintenanceInputUpdate": {
        "description": "scheduled_until must be after scheduled_for, as given or as stored."
    },
}
#: The ways to send an API token; any one of them authenticates.
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "bearerAuth": {"type": "http", "scheme": "bearer"},
    "oauthHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "Statuspage's form of the same token: `Authorization: OAuth <token>`.",
    },
    "apiKeyQuery": {
        "type": "apiKey",
        "in": "query",
        "name": "api_key",
        "description": "The token in the query string, as Statuspage takes it. Discouraged:"
        " query strings end up in server and proxy logs and in browser history.",
    },
}
_FORM_DESCRIPTION = (
    "The same fields form-encoded in Statuspage's bracket notation: `name[key]=value` for"
    " an object, `name[]=a&name[]=b` for a list (`name[]=` alone: the empty list),"
    " `name[][key]=value` for a list of objects; `true`/`false` for booleans, an empty"
    " value for null where a field takes null."
)
_STRING = {"schema": {"type": "string"}}
_RATE_LIMIT_HEADERS = {
    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}},
    "X-RateLimit-Limit": {
        "description": "Requests allowed in the limit's window (admin routes).",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Remaining": {
        "description": "Requests left in the window (admin routes).",
        "schema": {"type": "integer"},
    },
    "X-RateLimit-Reset": {
        "description": "Unix time (seconds) when a request is allowed again (admin routes).",
        "schema": {"type": "integer"},
    },
}
#: String formats whose values hold no NUL by definition.
_NUL_FREE_FORMATS = {"date-time", "email"}
_SUCCESS_DESCRIPTIONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No content"}


def _schema_name(schema: type[Schema] | Schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Update"
    return name


def openapi_document(endpoints: list[Endpoint]) -> dict[str, Any]:
    """The document for the current app (cached: routes do not change at run time)."""
    cache = current_app.extensions.setdefault("statuspages.openapi", {})
    if "document" not in cache:
        prefix = current_app.config["STATUSPAGES_URL_PREFIX"].rstrip("/")
        cache["document"] = build_document(endpoints, prefix)
    return cache["document"]  # type: ignore[no-any-return]


def build_document(endpoints: list[Endpoint], prefix: str) -> dict[str, Any]:
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    spec = APISpec(
        title="flask-statuspages",
        version=__version__,
        openapi_version="3.0.3",
        plugins=[plugin],
        info={
            "description": (
                "Status pages, components, incidents and subscribers. "
                "No string, in a body, a query or a path, may contain a NUL character."
            )
        },
    )
    plugin.map_to_openapi_type(Timestamp, "string", "date-time")
    plugin.map_to_openapi_type(EmailAddress, "string", "email")
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.schema("Pagination", schema=PaginationSchema)
    for status, description in _ERROR_DESCRIPTIONS.items():
        response = _error_response(description)
        if status == 429:
            response["headers"] = _RATE_LIMIT_HEADERS
        spec.components.response(DEFAULT_CODES[status], response)
    paths: dict[str, dict[str, Any]] = {}
    for declared in endpoints:
        for method in declared.methods:
            operation = _operation(declared, method)
            paths.setdefault(_path(prefix, declared.rule), {})[method.lower()] = operation
    paths[f"{prefix}/openapi.json"] = {"get": _openapi_operation()}
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    _state_input_rules(document)
    return document


def _state_input_rules(document: dict[str, Any]) -> None:
    """Write into the document the rules its generated schemas leave out: the rules
    across a body's fields, no NUL in any string the API takes, and a nullable nested
    object that is that object or null."""
    schemas = document["components"]["schemas"]
    for name, rules in _BODY_RULES.items():
        schemas[name].update(rules)
    for name, schema in schemas.items():
        _nullable_nested(schema)
        if name.endswith(("Input", "InputUpdate")) or name == "Theme":
            _refuse_nul(schema)
    for operations in document["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", ()):
                _refuse_nul(parameter["schema"])


def _nullable_nested(schema: dict[str, Any]) -> None:
    """A nullable nested schema as null or that schema: apispec's ``anyOf`` pairs the
    schema with ``{"type": "object", "nullable": true}``, which lets any object through."""
    for name, child in schema.get("properties", {}).items():
        branches = child.get("anyOf", [])
        if len(branches) == 2 and branches[0] == {"nullable": True, "type": "object"}:
            null = {"type": "object", "nullable": True, "enum": [None]}
            schema["properties"][name] = {"anyOf": [branches[1], null]}


def _refuse_nul(schema: dict[str, Any]) -> None:
    """Give every free-form string of ``schema`` (nested too) the no-NUL pattern."""
    free = not {"pattern", "enum"} & set(schema) and schema.get("format") not in _NUL_FREE_FORMATS
    if schema.get("type") == "string" and free:
        schema["pattern"] = NO_NUL_PATTERN
    for child in (*schema.get("properties", {}).values(), schema.get("items")):
        if isinstance(child, dict):
            _refuse_nul(child)


def _path(prefix: str, rule: str) -> str:
    return prefix + re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ErrorSchema}}}


def _operation(declared: Endpoint, method: str) -> dict[str, Any]:
    doc = (declared.view.__doc__ or "").strip()
    operation: dict[str, Any] = {
        "operationId": declared.endpoint + ("" if method == declared.methods[0] else f"_{method}"),
        "summary": declared.summary,
        "description": doc,
        "tags": [declared.tag],
        "parameters": _parameters(declared),
        "responses": _responses(declared, method),
    }
    if declared.body is not None:
        operation["requestBody"] = _request_body(declared)
    operation["security"] = [{name: []} for name in SECURITY_SCHEMES] if declared.auth else []
    return operation


def _request_body(declared: Endpoint) -> dict[str, Any]:
    assert declared.body is not None
    schema = declared.body(partial=True) if declared.partial else declared.body
    content = {media_type: {"schema": schema} for media_type in declared.consumes}
    description = "JSON."
    if FORM in declared.consumes:
        description = f"JSON, or form-encoded: {_FORM_DESCRIPTION}"
    if declared.envelope is not None:
        description += (
            f" Bare, or wrapped in the resource's name as Statuspage sends it:"
            f' `{{"{declared.envelope}": {{...}}}}`, `{declared.envelope}[field]=...`.'
        )
    return {"required": True, "description": description, "content": content}


def _parameters(declared: Endpoint) -> list[dict[str, Any]]:
    names = re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", declared.rule)
    params: list[dict[str, Any]] = [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in names
    ]
    if declared.query is not None:
        params.append({"in": "query", "schema": declared.query})
    return params


def _responses(declared: Endpoint, method: str) -> dict[str, Any]:
    success: dict[str, Any] = {"description": _SUCCESS_DESCRIPTIONS[declared.status]}
    if declared.response is not None:
        schema: Any = declared.response
        if declared.paginated:
            schema = {
                "type": "object",
                "properties": {
                    "data": {"type": "array", "items": declared.response},
                    "pagination": PaginationSchema,
                },
            }
        content = {"application/json": {"schema": schema}}
        for media_type in declared.produces:
            content[media_type] = {"schema": {"type": "string"}}
        success["content"] = content
    headers: dict[str, Any] = {}
    if declared.location is not None:
        headers["Location"] = {
            "description": "URL of the new resource.",
            "schema": {"type": "string"},
        }
    if declared.auth:  # when STATUSPAGES_API_RATE_LIMIT is set (the default)
        headers.update({k: v for k, v in _RATE_LIMIT_HEADERS.items() if k != "Retry-After"})
    if headers:
        success["headers"] = headers
    responses: dict[str, Any] = {str(declared.status): success}
    errors = set(declared.errors) | {405, 500}
    if declared.auth:
        errors |= {401, 429}
    if method in _WRITE_METHODS:
        errors |= {403, 415}
    if declared.body is not None:
        errors |= {400, 413, 422}
    if declared.query is not None:
        errors.add(422)
    if 304 in errors:
        errors.discard(304)
        responses["304"] = {"description": "Not modified: the If-None-Match ETag is current."}
    for status in sorted(errors):
        responses[str(status)] = DEFAULT_CODES[status]
    if not declared.auth and "<slug>" in declared.rule:
        responses["308"] = {
            "description": "Plain http to a page with redirect_to_https: the same URL over"
            " https, in Location (a POST stays a POST).",
            "headers": {"Location": {"schema": {"type": "string"}}},
        }
    return responses


def _openapi_operation() -> dict[str, Any]:
    return {
        "operationId": "openapi",
        "summary": "This OpenAPI document.",
        "tags": ["Meta"],
        "security": [],
        "responses": {"200": {"description": "OK", "content": {"application/json": {}}}},
    }
