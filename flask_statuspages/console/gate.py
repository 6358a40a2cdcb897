"""What every console request passes before its view, and the headers of every answer.

In order: :mod:`..intake` (UTF-8 query, the cross-site rule for writes, the size
limit, urlencoded forms only), then the operator: the host's ``owner_loader``
(:func:`..auth.owner_or_none`). Without one, a redirect to
``STATUSPAGES_CONSOLE_LOGIN_URL`` with ``next`` (the path asked for, relative: the
host's login view checks it as it checks its own) or, with no login URL, 401.
Static files pass without an operator: they hold nothing of anyone's.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, g, redirect, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from .. import auth, i18n
from ..errors import ApiError
from ..intake import FORM, Refusal, guard
from ..views.routing import refuse_nul_in_path
from .rendering import error_page

#: No inline script or style anywhere in the console: its own files only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none';"
    " base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def operator() -> str:
    """The owner (tenant key) of the request's operator; set by the gate."""
    return str(g.statuspages_operator)


def install(app: Flask, bp: Blueprint) -> None:
    bp.url_value_preprocessor(refuse_nul_in_path)
    bp.before_request(_before(app, f"{bp.name}.static"))
    bp.after_request(_headers)
    bp.teardown_request(_close_locale)
    bp.register_error_handler(ApiError, _api_error)
    bp.register_error_handler(HTTPException, _http_error)


def _before(app: Flask, static_endpoint: str) -> Callable[[], Any]:
    check = guard(app, lambda: (FORM,))

    def before() -> Any:
        _use_locale(i18n.visitor_locale())
        refusal = check()
        if refusal is not None:
            return _refused(refusal)
        if request.endpoint == static_endpoint:
            return None
        owner = auth.owner_or_none()
        if owner is None:
            return _sign_in()
        g.statuspages_operator = owner
        return None

    return before


def _use_locale(locale: str) -> None:
    """Translate the rest of the request in ``locale`` (flashes included)."""
    stack = ExitStack()
    stack.enter_context(i18n.rendering_in(locale))
    g.statuspages_console_locale = stack


def _close_locale(_error: BaseException | None) -> None:
    stack = g.pop("statuspages_console_locale", None)
    if stack is not None:
        stack.close()


def _sign_in() -> WerkzeugResponse:
    login = current_app.config["STATUSPAGES_CONSOLE_LOGIN_URL"]
    if not login:
        return error_page(
            401,
            i18n.gettext("Sign in required"),
            i18n.gettext("Sign in to the application first, then come back to this page."),
        )
    wanted = request.full_path.rstrip("?")
    separator = "&" if "?" in login else "?"
    return redirect(f"{login}{separator}{urlencode({'next': wanted})}")


def _refused(refusal: Refusal) -> Response:
    titles = {
        403: i18n.gettext("This form was sent from another site"),
        413: i18n.gettext("Too much data"),
    }
    return error_page(refusal.status, titles.get(refusal.status, refusal.message), refusal.message)


def _headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    response.vary.add("Cookie")
    return response


def _api_error(error: ApiError) -> Response:
    response = error_page(error.status, error.message, "")
    response.headers.update(error.headers)
    return response


def _http_error(error: HTTPException) -> Response | HTTPException:
    if error.code is None or error.code < 400:
        return error
    return error_page(error.code, error.name, error.description or "")
