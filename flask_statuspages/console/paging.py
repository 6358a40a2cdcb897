"""Long lists of the console, fifty rows a screen, counted and cut by the database."""

from __future__ import annotations

from typing import Any

from flask import request

from .. import i18n
from ..state import get_state
from .forms import Invalid

#: Rows on one screen of a list.
PER_SCREEN = 50


def wanted_screen() -> int:
    """The screen the query string asks for (``?page=2``); anything but a positive
    number is the first."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**9 else 1


def paged(query: Any, number: int, per_screen: int = PER_SCREEN) -> Any:
    """Screen ``number`` of ``query`` (a SELECT of one entity, in its order), as
    Flask-SQLAlchemy's :class:`~flask_sqlalchemy.pagination.Pagination` (the admin API's
    lists use it too); past the end, the last screen."""
    db = get_state().db
    screen = db.paginate(query, page=number, per_page=per_screen, error_out=False)
    if screen.pages and number > screen.pages:
        screen = db.paginate(query, page=screen.pages, per_page=per_screen, error_out=False)
    return screen


def choice(source: Any, name: str, allowed: tuple[str, ...]) -> tuple[str, Invalid | None]:
    """The filter ``name`` of a list (empty: no filter); a value not in ``allowed`` is
    no filter, and why, next to its field."""
    wanted = str(source.get(name, ""))
    if wanted and wanted not in allowed:
        message = i18n.gettext("Choose one of the list.")
        return "", Invalid(message, {name: [message]})
    return wanted, None
