"""What every screen module shares: the Python API, the operator's page, the
redirect after a write with its flash message."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from ..models import Page
from ..state import get_state
from .gate import operator
from .rendering import render


def statuspages() -> Any:
    """The extension object: its Python API (``.pages``, ``.components``...) is what
    every console write calls."""
    return get_state().extension


def owned_page(page_id: str) -> Page:
    """The operator's page ``page_id``; another owner's (or none) is a 404."""
    page: Page = statuspages().pages.get(page_id, owner=operator())
    return page


def done(message: str, endpoint: str, **values: Any) -> WerkzeugResponse:
    """After a write: flash ``message`` (already translated) and go to ``endpoint``
    (303, so reloading the next screen sends nothing again)."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values), code=303)


def confirm(page: Page, title: str, message: str, action: str, button: str, back: str) -> Response:
    """The confirmation of a destructive action: what it does (``title``, ``message``)
    and one ``button`` that posts to ``action``; ``back`` cancels."""
    return render(
        "confirm.html",
        page=page,
        title=title,
        message=message,
        action=action,
        button=button,
        back=back,
    )


def confirm_here(page: Page, title: str, message: str, button: str, back: str) -> Response:
    """:func:`confirm` for a route that shows the confirmation on GET and acts on POST
    at the same address."""
    return confirm(page, title, message, request.path, button, back)
