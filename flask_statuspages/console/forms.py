"""Forms of the console: read as the API reads a body, refused as the API refuses one.

A form is read with :mod:`..formbody` (Statuspage's bracket notation:
``component_ids[]`` repeated is a list) and typed by the schema of the operation
it feeds, so it goes through exactly the validation of the JSON body. An
operation's 422 (or 409) comes back as :class:`Invalid`: the form is shown again,
with each message next to its field and nothing written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import request
from marshmallow import Schema

from .. import formbody, i18n
from ..errors import ApiError

T = TypeVar("T")
#: A form field whose name starts with this is the console's, never the operation's.
CONTROL_PREFIX = "_"
#: Nesting a console form may use (``theme[primary_color]``, ``components[id]``).
MAX_DEPTH = 4


@dataclass
class Invalid:
    """Why a form was refused: a message, and messages by field name (dotted for
    nested fields, as the API's ``fields``: ``theme.primary_color``)."""

    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def of(self, name: str) -> list[str]:
        return self.fields.get(name, [])

    def others(self, shown: Iterable[str]) -> dict[str, list[str]]:
        """Messages of fields the form does not show (they go above it)."""
        seen = set(shown)
        return {name: messages for name, messages in self.fields.items() if name not in seen}


def read(
    schema: Schema | None = None,
    *,
    checkboxes: Iterable[str] = (),
    optional: Iterable[str] = (),
) -> dict[str, Any]:
    """The posted form as the operation's JSON body would be.

    ``checkboxes`` are boolean fields shown as checkboxes: unticked, a browser sends
    nothing, which here means ``false``. ``optional`` fields left empty are not
    given (the operation's default applies). Names starting with ``_`` are dropped.
    A form that is not one (bad brackets, a key twice) raises a 422 :class:`ApiError`.
    """
    try:
        raw = formbody.parse(request.get_data(cache=True), MAX_DEPTH)
    except formbody.FormError as error:
        raise ApiError(422, str(error), fields={"form": [str(error)]}) from error
    blank = set(optional)
    data = {
        name: value
        for name, value in raw.items()
        if not name.startswith(CONTROL_PREFIX) and not (name in blank and value == "")
    }
    for name in checkboxes:
        data[name] = "true" if data.get(name) not in (None, "", "false", "0", "off") else "false"
    return formbody.typed(schema, data) if schema is not None else data


def control(name: str) -> str | None:
    """A console control of the form (``_action``, ``_notify``...), not an operation field."""
    value = request.form.get(CONTROL_PREFIX + name)
    return None if value is None else str(value)


def attempt(operation: Callable[[], T]) -> tuple[T | None, Invalid | None]:
    """Run ``operation``; a 422 or 409 comes back as :class:`Invalid` (nothing was
    written: the operations are atomic), any other error goes on."""
    try:
        return operation(), None
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        return None, Invalid(_message(error), dict(error.fields or {}))


def _message(error: ApiError) -> str:
    if error.status == 422:
        return i18n.gettext("Please correct the fields marked below.")
    return error.message
