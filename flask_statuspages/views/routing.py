"""Declared routes: each view says what it takes and answers, once.

The declaration drives three things: request handling (authentication, the
admin API's rate limit, body and query validation, serialisation, status
codes), the blueprint's URL rules, and the OpenAPI document.

A route with a ``body`` takes it as JSON or form-encoded in Statuspage's bracket
notation (:mod:`..formbody`), bare or in the route's ``envelope``
(``{"page": {...}}``, ``page[name]=...``), and loads it through its schema
either way, so both encodings get the same answers.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, current_app, jsonify, render_template, request
from flask_sqlalchemy.pagination import Pagination
from marshmallow import EXCLUDE, Schema
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from .. import formbody, i18n
from ..auth import api_rate_key, current_owner
from ..errors import ApiError, validation_error
from ..intake import FORM, JSON, read_body, too_large
from ..models import Page
from ..ratelimit import API_LIMIT
from ..schemas import load_input as load
from ..state import get_state

#: How deep a JSON body may nest; ours go three levels deep at most.
MAX_JSON_DEPTH = 32
#: Half of a UTF-16 surrogate pair on its own (what JSON's ``\ud800`` escape decodes to).
_SURROGATE = re.compile("[\\ud800-\\udfff]")
#: How a lone surrogate is written in JSON text that is not UTF-16 or UTF-32.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass(frozen=True)
class Endpoint:
    rule: str
    methods: tuple[str, ...]
    view: Callable[..., Any]
    summary: str
    tag: str
    auth: bool = True
    body: type[Schema] | None = None
    partial: bool = False
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    paginated: bool = False
    status: int = 200
    location: Callable[[Any], str] | None = None
    errors: tuple[int, ...] = ()
    #: Other media types the route answers, for the OpenAPI document.
    produces: tuple[str, ...] = ()
    #: The media types a body may come in (a write without a body needs none; see
    #: intake.py). Default: JSON and form-encoded for a route with a ``body``, else JSON.
    consumes: tuple[str, ...] = ()
    #: Statuspage's wrapper of the body, named after the resource (``"page"`` for
    #: ``{"page": {...}}`` and ``page[name]=...``); a bare body is taken too.
    envelope: str | None = None
    #: The config key holding the route's rate limit (Flask-Limiter syntax), if any.
    rate_limit: str | None = None
    #: Wraps the view, once the declaration is complete.
    handler: Callable[..., Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.consumes:
            object.__setattr__(self, "consumes", (JSON, FORM) if self.body else (JSON,))
        if self.envelope is not None:
            assert self.body is not None, f"{self.rule}: an envelope wraps a body"
            taken = {f.data_key or name for name, f in self.body().load_fields.items()}
            assert self.envelope not in taken, f"{self.rule}: {self.envelope} is a body field"

    @property
    def endpoint(self) -> str:
        return self.view.__name__


@dataclass
class Routes:
    """A list of declared endpoints, filled by the ``route`` decorator."""

    tag: str
    endpoints: list[Endpoint] = field(default_factory=list)

    def route(self, rule: str, *methods: str, **options: Any) -> Callable[..., Any]:
        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            summary = (view.__doc__ or view.__name__).strip().splitlines()[0]
            declared = Endpoint(
                rule, methods or ("GET",), view, summary, options.pop("tag", self.tag), **options
            )
            object.__setattr__(declared, "handler", _handler(declared))
            self.endpoints.append(declared)
            return view

        return decorator


def wants_html() -> bool:
    """Whether the client (a browser following a link) prefers HTML to JSON."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "text/html"


def html_page(
    template: str, status: int = 200, page: Page | None = None, **context: Any
) -> Response:
    """A page of ``templates/statuspages/`` for people who followed a link: branded
    like ``page`` (its name, logo or monogram, colour and a link back to it) and in its
    language when it has one, else in the visitor's."""
    from .site import brand_of  # the site's look (it imports this module)

    locale = i18n.page_locale(page.locale if page is not None else None)
    with i18n.rendering_in(locale):
        html = render_template(
            f"statuspages/{template}",
            brand=brand_of(page),
            current_locale=i18n.current_locale,
            **context,
        )
    response = Response(html, status=status, mimetype="text/html")
    if page is None or page.locale is None:
        response.headers["Vary"] = "Accept-Language"
    return response


def json_body() -> Any:
    """The request's JSON body; ``{}`` when there is none.

    400 when it is not JSON (``NaN`` is not), nests deeper than :data:`MAX_JSON_DEPTH` or holds a
    lone surrogate (``"\\ud800"``: valid JSON syntax, but no text a database
    can store); 413 over ``STATUSPAGES_MAX_CONTENT_LENGTH``, even chunked.
    """
    try:
        raw = read_body()
    except RequestEntityTooLarge:
        raise ApiError(413, too_large().message) from None
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_constant=_not_json)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The request body is not valid JSON.") from None
    except RecursionError:  # far deeper than allowed
        raise _too_deep() from None
    _check_json(data, strings=b"\x00" in raw or _SURROGATE_ESCAPE.search(raw) is not None)
    return data


def _check_json(data: Any, strings: bool = True) -> None:
    """400 if ``data`` nests too deep or a string (or key) in it is not valid Unicode.

    ``strings`` false: the text held no escaped surrogate (and is no UTF-16 or
    UTF-32), so only the nesting is walked (batches of thousands of readings).
    """
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise ApiError(400, "The request body holds a lone surrogate, which is not text.")
        elif isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            if not strings:
                items = value.values() if isinstance(value, dict) else value
                stack.extend((item, depth + 1) for item in items if isinstance(item, (dict, list)))
                continue
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)


def _not_json(constant: str) -> Any:
    """Python reads ``NaN`` and ``Infinity``; JSON (RFC 8259) has no such values."""
    raise ValueError(f"{constant} is not JSON")


def _too_deep() -> ApiError:
    return ApiError(400, f"The request body nests deeper than {MAX_JSON_DEPTH} levels.")


def required_body() -> Any:
    """:func:`json_body` of a route whose body is required: 400 when there is none
    (an update without one would change nothing and answer as if it had)."""
    data = json_body()
    if not read_body().strip():  # read once: json_body cached it
        raise ApiError(400, "A JSON body is required.")
    return data


def form_body() -> dict[str, Any]:
    """The request's form-encoded body, nested as its bracketed keys say (see
    :mod:`..formbody`); 400 when it is none, or not one this API reads."""
    try:
        raw = read_body()
    except RequestEntityTooLarge:
        raise ApiError(413, too_large().message) from None
    if not raw.strip():
        raise ApiError(400, "A body is required (JSON or form-encoded).")
    try:
        return formbody.parse(raw, MAX_JSON_DEPTH)
    except formbody.FormError as error:
        raise ApiError(400, str(error)) from None


def declared_body(declared: Endpoint, schema: Schema) -> Any:
    """The body of ``declared``'s request as its schema is to load it: JSON or a form
    (its values typed as the schema's fields take them), out of the route's envelope."""
    if request.mimetype == FORM:
        return formbody.typed(schema, unwrap(form_body(), declared.envelope))
    return unwrap(required_body(), declared.envelope)


def unwrap(data: Any, envelope: str | None) -> Any:
    """``data``'s content when it is ``{envelope: {...}}``; ``data`` as it is otherwise."""
    if envelope is None or not isinstance(data, dict) or data.keys() != {envelope}:
        return data
    if not isinstance(data[envelope], dict):
        raise validation_error({envelope: ["Must be an object of the resource's fields."]})
    return data[envelope]


def _paginated(result: Pagination, schema: Schema) -> dict[str, Any]:
    pagination = {
        "page": result.page,
        "per_page": result.per_page,
        "total": result.total,
        "pages": result.pages,
    }
    skip = getattr(result, "skip", None)
    if skip is not None:  # a list from any row: see admin.paginate
        pagination["skip"] = skip
    return {"data": schema.dump(result.items, many=True), "pagination": pagination}


def _handler(declared: Endpoint) -> Callable[..., Any]:
    body_schema = declared.body() if declared.body else None
    query_schema = declared.query(unknown=EXCLUDE) if declared.query else None
    response_schema = declared.response() if declared.response else None

    @functools.wraps(declared.view)
    def handle(**view_args: Any) -> Any:
        usage = None
        if declared.auth:
            view_args["owner"] = owner = current_owner()
            usage = get_state().rate_limits.hit_api(API_LIMIT, api_rate_key(owner))
        response = _answer(view_args)
        if usage is None:
            return response
        response = current_app.make_response(response)
        usage.set_headers(response.headers)
        return response

    def _answer(view_args: dict[str, Any]) -> Any:
        if query_schema is not None:
            view_args["query"] = load(query_schema, request.args.to_dict(), "query")
        if body_schema is not None:
            data = declared_body(declared, body_schema)
            view_args["body"] = load(body_schema, data, partial=declared.partial)
        result = declared.view(**view_args)
        if isinstance(result, Response):
            return result
        if declared.status == 204:
            return Response(status=204)
        if declared.paginated:
            assert response_schema is not None
            payload = _paginated(result, response_schema)
        else:
            payload = response_schema.dump(result) if response_schema else result
        response = jsonify(payload)
        response.status_code = declared.status
        if declared.location is not None:
            response.headers["Location"] = declared.location(result)
        return response

    return handle


def refuse_nul_in_path(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A blueprint's ``url_value_preprocessor``: a path with a NUL names nothing (and
    PostgreSQL cannot even compare it), so it is a 404 before any view runs."""
    if values and any("\x00" in v for v in values.values() if isinstance(v, str)):
        raise NotFound()
