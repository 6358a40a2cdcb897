"""The catalogues: every string of the sources is in them, German translates each one
with the same placeholders, the compiled files match, and the locale of an answer is
the page's, else the visitor's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask

import flask_statuspages
from flask_statuspages import i18n

PACKAGE = Path(flask_statuspages.__file__).parent
KEYWORDS = {**DEFAULT_KEYWORDS, "_sp": None, "_spm": None, "_spn": (1, 2), "lazy_gettext": None}
METHODS = [
    ("**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
    ("templates/**.js", "jinja2"),
]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), METHODS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(locale: str) -> Any:
    path = PACKAGE / "translations" / locale / "LC_MESSAGES" / "flask_statuspages.po"
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def test_every_string_of_the_sources_is_in_the_german_catalogue() -> None:
    german = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalogue("de")
        if message.id
    }
    missing = sorted(source_messages() - german)
    assert not missing, f"run `make translations` and translate: {missing[:20]}"


def test_every_german_entry_is_translated_with_the_same_placeholders() -> None:
    for message in catalogue("de"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert not message.fuzzy, f"fuzzy: {ids[0]!r}"
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted, (ids[0], string)


def entries(catalog: Any) -> dict[Any, Any]:
    """``{id: string}`` of a catalogue, plural ids and strings as tuples."""

    def flat(value: Any) -> Any:
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {flat(m.id): flat(m.string) for m in catalog if m.id}


def test_the_compiled_catalogue_is_the_source_catalogue() -> None:
    path = PACKAGE / "translations" / "de" / "LC_MESSAGES" / "flask_statuspages.mo"
    with path.open("rb") as file:
        compiled = read_mo(file)
    assert entries(compiled) == entries(catalogue("de")), "run make translations"


@pytest.mark.parametrize(
    ("header", "chosen", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", None, "de"),
        ("fr-FR,fr;q=0.9", None, "en"),
        ("", None, "en"),
        ("en-GB", "de", "de"),
        ("de", "en", "en"),
    ],
)
def test_the_page_locale_wins_and_else_the_visitors(
    header: str, chosen: str | None, expected: str
) -> None:
    app = Flask("locale")
    with app.test_request_context(headers={"Accept-Language": header} if header else {}):
        assert i18n.page_locale(chosen) == expected


GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}


def test_the_console_speaks_german_to_a_german_browser(app: Flask) -> None:
    client = app.test_client()
    html = client.get("/status-admin/", headers={"X-Owner": "acme", **GERMAN}).get_data(
        as_text=True
    )
    assert '<html lang="de">' in html and "Ihre Statusseiten" in html
    refused = client.post(
        "/status-admin/pages/new", data={"name": ""}, headers={"X-Owner": "acme", **GERMAN}
    )
    assert refused.status_code == 422
    assert "Bitte korrigieren Sie die unten markierten Felder." in refused.get_data(as_text=True)
    english = client.get("/status-admin/", headers={"X-Owner": "acme"}).get_data(as_text=True)
    assert "Your status pages" in english


def test_a_german_page_speaks_german_to_its_visitors_and_subscribers(
    api: Any, app: Flask, smtp: Any
) -> None:
    page = api.make_page(name="Acme Status", locale="de")
    api.make_component(page["id"], name="API")
    html = app.test_client().get("/status/acme-status").get_data(as_text=True)
    assert "Alle Systeme betriebsbereit" in html and "Updates abonnieren" in html
    api.make_subscriber(page["id"], email="ops@acme.com")
    (message,) = smtp.wait_for(1)
    assert message["Subject"] == "Bestätigen Sie Ihr Abonnement für Acme Status"
    visitor = api.as_owner(None)
    assert ">betriebsbereit</text>" in visitor.get("/public/acme-status/badge.svg").text


@pytest.fixture
def app_config(smtp: Any) -> dict[str, Any]:
    return {"MAIL_PORT": smtp.port}
