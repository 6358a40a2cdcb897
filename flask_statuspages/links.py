"""Absolute URLs for emails and payloads, inside a request or outside one."""

from __future__ import annotations

import warnings
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.sansio.utils import host_is_trusted

from .headers import header_value


class UntrustedLinksWarning(UserWarning):
    """Links in emails and webhooks may take a visitor's ``Host`` (development only)."""


def check_config(app: Flask) -> None:
    """At ``init_app``: links must have a trusted source.

    ``STATUSPAGES_PUBLIC_URL``, ``SERVER_NAME`` or ``TRUSTED_HOSTS``; without
    any, a production app refuses to start and a debug or testing app is
    warned once (its links then take each request's ``Host``).
    """
    config = app.config
    public_url = config["STATUSPAGES_PUBLIC_URL"]
    if public_url:
        _check_public_url(public_url)
        return
    if config.get("SERVER_NAME") or config.get("TRUSTED_HOSTS"):
        return
    message = (
        "flask-statuspages puts absolute links (status page, unsubscribe,"
        " List-Unsubscribe) in emails and webhooks, often built outside any"
        " request, and never takes them from a visitor's Host header. Set"
        " STATUSPAGES_PUBLIC_URL to the URL visitors reach the app at"
        " (e.g. 'https://status.example.com'), or Flask's SERVER_NAME or TRUSTED_HOSTS."
    )
    if not (app.debug or app.testing):
        raise RuntimeError(message)
    warnings.warn(
        message + " Until then (debug or testing only) links take each request's Host.",
        UntrustedLinksWarning,
        stacklevel=3,
    )


def _check_public_url(public_url: object) -> None:
    parts = urlsplit(str(public_url))
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.query
        or parts.fragment
        or header_value(public_url) != public_url
    ):
        raise RuntimeError(
            "STATUSPAGES_PUBLIC_URL must be an absolute http(s) URL such as"
            f" 'https://status.example.com' or 'https://example.com/base', not {public_url!r}."
        )


def _host_trusted(host: str) -> bool:
    """Whether links may point at ``host`` (``name[:port]``).

    One of ``TRUSTED_HOSTS``; with ``SERVER_NAME`` alone, none (links take
    ``SERVER_NAME``); with neither, any in a debug or testing app (it was
    warned at ``init_app``) and none in production.
    """
    config = current_app.config
    trusted = config.get("TRUSTED_HOSTS")
    if trusted:
        return host_is_trusted(host, trusted)
    if config.get("SERVER_NAME"):
        return False
    return bool(current_app.debug or current_app.testing)


def _first_trusted_host() -> str | None:
    """The base URL on the first full name of ``TRUSTED_HOSTS`` (not a ``.suffix``)."""
    config = current_app.config
    names = [n for n in config.get("TRUSTED_HOSTS") or () if not n.startswith(".")]
    if not names:
        return None
    root = str(config["APPLICATION_ROOT"]).rstrip("/")
    return f"{config['PREFERRED_URL_SCHEME']}://{names[0]}{root}/"


def request_base_url() -> str | None:
    """The base URL of the current request, to build links later in a worker;
    ``None`` outside a request or when its ``Host`` is not trusted."""
    if has_request_context() and _host_trusted(request.host):
        return request.url_root
    return None


def external_url(endpoint: str, base: str | None = None, **values: Any) -> str:
    """The absolute URL of ``endpoint``, from a trusted source only.

    ``STATUSPAGES_PUBLIC_URL`` wins when set; then ``base`` (the base URL of
    the request behind the work, for workers) or the current request's, when
    its host is in ``TRUSTED_HOSTS``, else the first name listed there; then
    ``SERVER_NAME``. A visitor's ``Host`` is never used otherwise.
    """
    configured = current_app.config["STATUSPAGES_PUBLIC_URL"]
    if not configured and base and not _host_trusted(urlsplit(base).netloc):
        base = None  # stored before TRUSTED_HOSTS changed (or by an older version)
    base = configured or base or request_base_url() or _first_trusted_host()
    if base:
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
        )
        return adapter.build(endpoint, values, force_external=True)
    if current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    raise RuntimeError(
        "Set STATUSPAGES_PUBLIC_URL (or SERVER_NAME or TRUSTED_HOSTS) to build links"
        " that do not come from a visitor's Host header."
    )


def public_root() -> str:
    """The root URL visitors reach us at: ``STATUSPAGES_PUBLIC_URL``, else this request's.

    Without a trailing slash; the script root alone (so relative URLs) when the
    request named no usable host.
    """
    configured = current_app.config["STATUSPAGES_PUBLIC_URL"]
    if configured:
        return str(configured).rstrip("/")
    if not request.host:
        return request.script_root
    return request.url_root.rstrip("/")


class PageUrls(NamedTuple):
    """Where a page's HTML lives; the bases are what an item's id is added to."""

    page: str
    incidents: str
    maintenances: str


def page_html_urls(slug: str, root: str, domain_root: str | None = None) -> PageUrls:
    """The URL of a page's HTML, and the bases of its incident and maintenance pages.

    ``domain_root``: the page is served at the root of that URL (its custom
    domain). Without the HTML site (``STATUSPAGES_SITE_PREFIX = None``) all
    three are the page's public JSON.
    """
    if domain_root is not None:
        return PageUrls(
            f"{domain_root}/", f"{domain_root}/incidents/", f"{domain_root}/maintenances/"
        )
    config = current_app.config
    site = config["STATUSPAGES_SITE_PREFIX"]
    if site is None:
        api = config["STATUSPAGES_URL_PREFIX"].rstrip("/")
        json_url = f"{root}{api}/public/{slug}"
        return PageUrls(json_url, json_url, json_url)
    page_url = f"{root}{site.rstrip('/')}/{slug}"
    return PageUrls(page_url, f"{page_url}/incidents/", f"{page_url}/maintenances/")
