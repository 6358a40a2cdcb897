"""The cross-site rule on its own (``csrf.py``): which headers make a write another site's."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_statuspages import csrf

from .conftest import make_app

HOST = "status.example.com"
TRUSTED = frozenset({"https://admin.example.com"})


def cross_site(headers: dict[str, str], trusted: frozenset[str] = TRUSTED) -> bool:
    app = Flask(__name__)
    with app.test_request_context(
        "/incidents", method="POST", base_url=f"https://{HOST}", headers=headers
    ):
        return csrf.cross_site(trusted)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain, or another port
        {"Sec-Fetch-Site": "Cross-Site "},
        {"Sec-Fetch-Site": "something-new"},
        {"Sec-Fetch-Site": "cross-site", "Origin": f"https://{HOST}"},  # the header decides
        {"Origin": "https://evil.example"},  # a browser without Sec-Fetch-Site
        {"Origin": f"https://{HOST}.evil.example"},
        {"Origin": f"https://{HOST}:8443"},  # another port is another origin
        {"Origin": "null"},  # a sandboxed frame, a data: page, some redirects
        {"Origin": "not a url"},
        {"Origin": "ftp://status.example.com"},
        {"Sec-Fetch-Site": "cross-site", "Authorization": "Basic YTpi"},  # re-sent by browsers
        {"Sec-Fetch-Site": "cross-site", "Authorization": "Digest username=a"},
        {"Sec-Fetch-Site": "cross-site", "Authorization": "negotiate abc"},
        {"Sec-Fetch-Site": "cross-site", "Authorization": "   "},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://admin.example.com:444"},
        {"Origin": "https://ADMIN.example.com/path"},  # not how browsers write an origin
    ],
)
def test_other_sites(headers: dict[str, str]) -> None:
    assert cross_site(headers)


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no browser: curl, a script, a server
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},  # header decides
        {"Sec-Fetch-Site": "none"},  # typed or bookmarked by the visitor
        {"Origin": f"https://{HOST}"},
        {"Origin": f"HTTPS://{HOST.upper()}"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://admin.example.com"},  # trusted
        {"Sec-Fetch-Site": "same-site", "Origin": "https://admin.example.com:443"},
        {"Origin": "https://Admin.Example.com"},
        {"Sec-Fetch-Site": "cross-site", "Authorization": "Bearer abc"},  # needs a preflight
        {"Origin": "null", "Authorization": "Token abc"},
    ],
)
def test_our_own_pages_and_clients(headers: dict[str, str]) -> None:
    assert not cross_site(headers)


def test_without_trusted_origins_a_trusted_one_is_another_site() -> None:
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": "https://admin.example.com"}
    assert cross_site(headers, frozenset())


def test_reads_are_not_the_rules_business() -> None:
    assert csrf.WRITE_METHODS == {"POST", "PUT", "PATCH", "DELETE"}


@pytest.mark.parametrize(
    "value, expected",
    [
        ((), set()),
        (None, set()),
        (["https://a.example"], {"https://a.example"}),
        (["https://A.example:443/"], {"https://a.example"}),
        (
            ["http://a.example:80", "http://a.example:8080"],
            {"http://a.example", "http://a.example:8080"},
        ),
        (
            "https://a.example, http://127.0.0.2:5000",
            {"https://a.example", "http://127.0.0.2:5000"},
        ),
        (["http://[::1]:8000"], {"http://[::1]:8000"}),
    ],
)
def test_trusted_origins_are_read_as_origins(value: Any, expected: set[str]) -> None:
    assert csrf.trusted_origins({"STATUSPAGES_TRUSTED_ORIGINS": value}) == expected


def test_the_public_url_is_our_own_origin() -> None:
    config = {"STATUSPAGES_PUBLIC_URL": "https://status.example.org/base/"}
    assert csrf.trusted_origins(config) == {"https://status.example.org"}


@pytest.mark.parametrize(
    "entry",
    ["admin.example.com", "https://a.example/path", "null", "*", "ftp://a.example", 42],
)
def test_a_wrong_trusted_origin_fails_at_init(tmp_path: Any, entry: Any) -> None:
    with pytest.raises(ValueError, match="STATUSPAGES_TRUSTED_ORIGINS"):
        make_app(f"sqlite:///{tmp_path}/a.db", STATUSPAGES_TRUSTED_ORIGINS=[entry])
