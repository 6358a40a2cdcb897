"""Long lists of the console, fifty rows a screen, counted and cut by the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import func, select

from .. import i18n
from ..state import db_session
from .forms import Invalid

#: Rows on one screen of a list.
PER_SCREEN = 50


@dataclass(frozen=True)
class Paged:
    """One screen of a list: its rows, which screen it is and how many rows in all."""

    items: list[Any]
    number: int
    total: int
    per_screen: int = PER_SCREEN

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.per_screen))

    @property
    def first_row(self) -> int:
        return (self.number - 1) * self.per_screen + 1 if self.total else 0

    @property
    def last_row(self) -> int:
        return min(self.total, self.number * self.per_screen)


def wanted_screen() -> int:
    """The screen the query string asks for (``?page=2``); anything but a positive
    number is the first."""
    raw = request.args.get("page", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**9 else 1


def paged(query: Any, number: int, per_screen: int = PER_SCREEN) -> Paged:
    """Screen ``number`` of ``query`` (a SELECT of one entity, in its order); past the
    end, the last screen."""
    session = db_session()
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = min(number, max(1, -(-total // per_screen)))
    rows = session.scalars(query.limit(per_screen).offset((number - 1) * per_screen))
    return Paged(list(rows), number, total, per_screen)


def choice(source: Any, name: str, allowed: tuple[str, ...]) -> tuple[str, Invalid | None]:
    """The filter ``name`` of a list (empty: no filter); a value not in ``allowed`` is
    no filter, and why, next to its field."""
    wanted = str(source.get(name, ""))
    if wanted and wanted not in allowed:
        message = i18n.gettext("Choose one of the list.")
        return "", Invalid(message, {name: [message]})
    return wanted, None
