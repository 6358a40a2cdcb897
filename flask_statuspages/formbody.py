"""Form-encoded bodies (``application/x-www-form-urlencoded``) in Statuspage's bracket
notation, read into the structure the same body has in JSON.

Statuspage's management API takes either encoding; curl users write::

    page[name]=Acme&component[status]=major_outage&component_ids[]=a&component_ids[]=b

The rules (those of Rack and Rails, which Statuspage's notation comes from):

* ``name=value`` is a field; ``a[b][c]=value`` nests objects: ``{"a": {"b": {"c": ...}}}``;
* ``name[]=value``, repeated, is a list in the order sent; ``name[]=`` alone (one
  empty value) is the empty list;
* ``name[][x]=1&name[][y]=2&name[][x]=3`` is a list of objects: a key already set in
  the last object starts the next one (``[{"x": 1, "y": 2}, {"x": 3}]``);
* a key given twice without ``[]``, a key that is both a value and an object (``a=1``
  and ``a[b]=2``), brackets that do not pair, names other than letters, digits, ``_``,
  ``-``, ``.`` and ``:``, a body that is not UTF-8, and nesting deeper than
  ``max_depth``: :class:`FormError` (the API's 400), never a guess.

Form values are text. :func:`typed` then gives each value the JSON type its schema's
field takes, so the body goes through exactly the schema a JSON body goes through:
``true``/``false`` for booleans, digits for integers, a decimal for numbers, and an
empty value for ``null`` on a field that takes ``null`` (``description=`` clears a
description; a field that does not take ``null`` keeps the empty string). Any other
text stays text, and the schema refuses it as it refuses the same text in JSON (422).

Pure: no Flask here, only the body's bytes and a marshmallow schema.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import unquote_plus

from marshmallow import Schema, fields

#: ``name`` then zero or more ``[segment]``; nothing else.
_KEY = re.compile(r"([A-Za-z0-9_.:-]+)((?:\[[A-Za-z0-9_.:-]*\])*)")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_TRUE, _FALSE = "true", "false"


class FormError(ValueError):
    """The body is not a form this module reads; the message says why."""


def parse(raw: bytes, max_depth: int) -> dict[str, Any]:
    """The fields of the form-encoded ``raw``, nested as its bracketed keys say."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError("The form-encoded body is not UTF-8.") from None
    if text.lstrip().startswith(("{", "[")):
        raise FormError("The body is JSON: send it with Content-Type: application/json.")
    root: dict[str, Any] = {}
    for part in text.split("&"):
        if not part:
            continue  # "a=1&&b=2" and a trailing "&", as browsers and curl may send
        key, equals, value = part.partition("=")
        if not equals:
            raise FormError(f"The form field {_shown(key)} has no '=': is the body form-encoded?")
        try:
            key, value = unquote_plus(key, errors="strict"), unquote_plus(value, errors="strict")
        except UnicodeDecodeError:
            raise FormError("The form-encoded body is not UTF-8 once decoded.") from None
        _insert(root, _path(key, max_depth), value, key)
    return _empty_lists(root)


def _path(key: str, max_depth: int) -> list[str]:
    match = _KEY.fullmatch(key)
    if match is None:
        raise FormError(
            f"The form field {_shown(key)} is not a name or a name[with][brackets]"
            " (letters, digits, _ - . : only)."
        )
    path = [match[1], *_SEGMENT.findall(match[2])]
    if len(path) > max_depth:
        raise FormError(f"The form field {_shown(key)} nests deeper than {max_depth} levels.")
    return path


def _insert(target: dict[str, Any], path: list[str], value: str, key: str) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        if head in target:
            message = f"The form field {_shown(key)} is given twice; a list's key ends in []."
            raise FormError(message)
        target[head] = value
        return
    if rest[0] != "":
        child = target.setdefault(head, {})
        if not isinstance(child, dict):
            raise _conflict(key)
        _insert(child, rest, value, key)
        return
    items = target.setdefault(head, [])
    if not isinstance(items, list):
        raise _conflict(key)
    after = rest[1:]
    if not after:
        if items and isinstance(items[-1], dict):
            raise _conflict(key)
        items.append(value)
        return
    if after[0] == "":
        raise FormError(f"The form field {_shown(key)} is a list of lists, which no route takes.")
    if items and not isinstance(items[-1], dict):
        raise _conflict(key)
    if not items or _holds(items[-1], after):
        items.append({})
    _insert(items[-1], after, value, key)


def _holds(obj: dict[str, Any], path: list[str]) -> bool:
    """Whether ``path`` is set in ``obj`` already (a list on the way is never full)."""
    for segment in path:
        if segment == "" or not isinstance(obj, dict) or segment not in obj:
            return False
        obj = obj[segment]
    return True


def _conflict(key: str) -> FormError:
    return FormError(
        f"The form field {_shown(key)} makes a field both a value, an object or a list."
    )


def _empty_lists(value: Any) -> Any:
    """``name[]=`` alone stands for the empty list."""
    if isinstance(value, dict):
        return {key: _empty_lists(item) for key, item in value.items()}
    if isinstance(value, list):
        return [] if value == [""] else [_empty_lists(item) for item in value]
    return value


def _shown(key: str) -> str:
    return repr(key if len(key) <= 60 else key[:57] + "...")


# ------------------------------------------------------------------ types


def typed(schema: Schema, data: Any) -> Any:
    """``data`` (read from a form) with each value in the JSON type ``schema`` takes."""
    if not isinstance(data, dict):
        return data
    by_key = {field.data_key or name: field for name, field in schema.load_fields.items()}
    aliases: dict[str, str] = getattr(schema, "SEED_ALIASES", {})
    for alias, name in aliases.items():
        if name in by_key:
            by_key.setdefault(alias, by_key[name])
    return {key: _typed(by_key[key], v) if key in by_key else v for key, v in data.items()}


def _typed(field: fields.Field, value: Any) -> Any:
    if value == "" and field.allow_none:
        return None
    items = getattr(field, "form_items", None)  # a raw field that says how to read forms
    if isinstance(items, Schema):
        return [typed(items, v) for v in value] if isinstance(value, list) else typed(items, value)
    if isinstance(field, fields.Nested):
        nested = field.schema
        if isinstance(value, list):
            return [typed(nested, item) for item in value]
        return typed(nested, value)
    if isinstance(field, fields.List):
        return [_typed(field.inner, v) for v in value] if isinstance(value, list) else value
    if isinstance(field, fields.Dict):
        values = field.value_field
        if values is None or not isinstance(value, dict):
            return value
        return {key: _typed(values, v) for key, v in value.items()}
    if isinstance(value, str):
        return _scalar(field, value)
    return value


def _scalar(field: fields.Field, value: str) -> Any:
    if isinstance(field, fields.Boolean) and value in (_TRUE, _FALSE):
        return value == _TRUE
    if isinstance(field, fields.Integer):
        if not _INTEGER.fullmatch(value):
            return value
        try:
            return int(value)
        except ValueError:  # more digits than Python converts: the schema says no
            return value
    if isinstance(field, fields.Decimal):
        return value  # read exactly by the field; a float would round it
    if isinstance(field, fields.Number) and _NUMBER.fullmatch(value):
        number = float(value)
        return number if math.isfinite(number) else value
    return value
