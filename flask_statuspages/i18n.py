"""Translations: every string a visitor or an operator reads goes through Flask-Babel.

The extension's catalogue is a Flask-Babel :class:`~flask_babel.Domain` of its own
(``flask_statuspages``, in ``translations/``), so the host's catalogue and locale
selector are left alone: our views choose the locale themselves and render in it
(:func:`page_locale`, :func:`visitor_locale`). Templates call ``_sp("...")`` and
``_spn(singular, plural, n)``, Jinja globals, as Flask-Security's templates call
``_fsdomain``: a name no host template uses for something else.

Adding a language: ``make translations`` extracts the strings into
``translations/flask_statuspages.pot``; ``pybabel init -D flask_statuspages -d
flask_statuspages/translations -l <code> -i ...pot`` starts its catalogue, and
:data:`LOCALES` names it (see docs/translations.md).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import dates, numbers
from flask import Flask, has_request_context, request
from flask_babel import Babel, Domain, force_locale, get_locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

#: The catalogues shipped, English (the source strings) first.
LOCALES = ("en", "de")
DEFAULT_LOCALE = LOCALES[0]
TRANSLATIONS = Path(__file__).parent / "translations"
DOMAIN = Domain(translation_directories=[str(TRANSLATIONS)], domain="flask_statuspages")


def gettext(string: str, **variables: Any) -> str:
    """``string`` in the current locale; ``%(name)s`` placeholders filled from ``variables``."""
    return str(DOMAIN.gettext(string, **variables))


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The singular or plural form for ``num`` (``%(num)d`` is ``num``), translated."""
    return str(DOMAIN.ngettext(singular, plural, num, **variables))


def lazy_gettext(string: str, **variables: Any) -> Any:
    """A string translated when it is rendered: for module-level constants."""
    return DOMAIN.lazy_gettext(string, **variables)


def init_app(app: Flask) -> None:
    """Give ``app`` Flask-Babel (unless the host did, whose setup is kept) and our
    template globals. Babel's Jinja setup is the host's to choose: we add none."""
    if "babel" not in app.extensions:
        Babel(app, configure_jinja=False)
    app.jinja_env.globals.update(_sp=gettext, _spn=ngettext)


def visitor_locale() -> str:
    """The shipped locale the request's ``Accept-Language`` prefers; English without one."""
    if not has_request_context():
        return DEFAULT_LOCALE
    return _preferred(request.headers.get("Accept-Language", ""))


@functools.lru_cache(maxsize=512)
def _preferred(header: str) -> str:
    """Per header value, once: this runs on every page answer, and browsers send a
    handful of distinct values."""
    if not header:
        return DEFAULT_LOCALE
    return parse_accept_header(header, LanguageAccept).best_match(LOCALES) or DEFAULT_LOCALE


def page_locale(chosen: str | None) -> str:
    """The language of a page's answers: its ``locale`` when set, else the visitor's."""
    return chosen if chosen in LOCALES else visitor_locale()


@contextmanager
def rendering_in(locale: str) -> Iterator[None]:
    """Translate (and format dates) in ``locale`` inside the block."""
    with force_locale(locale):
        yield


def current_locale() -> str:
    locale = get_locale()
    return str(locale) if locale is not None else DEFAULT_LOCALE


def format_moment(
    moment: datetime, zone: str = "UTC", form: str = "medium", *, with_zone: bool = True
) -> str:
    """``moment`` as the current locale writes a date and time, in the IANA ``zone``
    (``form``: ``short``, ``medium``, ``long`` or a CLDR pattern), with the zone's
    abbreviation unless ``with_zone`` is false."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(ZoneInfo(zone))
    text = dates.format_datetime(local, form, tzinfo=local.tzinfo, locale=current_locale())
    return f"{text} {local.tzname()}" if with_zone and form != "full" else text


def format_day(day: Any, form: str = "medium") -> str:
    """A calendar day as the current locale writes it."""
    return dates.format_date(day, form, locale=current_locale())


def format_decimal(value: float, form: str = "0.00") -> str:
    """``value`` with the current locale's decimal mark (``form``: a CLDR number pattern)."""
    return numbers.format_decimal(value, form, locale=current_locale())


def format_number(value: int) -> str:
    """A whole number with the current locale's grouping (``1,234``; ``1.234`` in German)."""
    return numbers.format_decimal(value, locale=current_locale())
