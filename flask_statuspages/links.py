"""Absolute URLs for emails and payloads, inside a request or outside one."""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for


def request_base_url() -> str | None:
    """The base URL of the current request, to build links later in a worker."""
    return request.url_root if has_request_context() else None


def external_url(endpoint: str, base: str | None = None, **values: Any) -> str:
    """The absolute URL of ``endpoint``.

    ``STATUSPAGES_PUBLIC_URL`` wins when set (a proxy); then ``base``, the
    base URL of the request that caused the work (for workers); then the URL
    the current request came in on.
    """
    base = current_app.config["STATUSPAGES_PUBLIC_URL"] or base
    if base:
        parts = urlsplit(base)
        adapter = current_app.url_map.bind(
            parts.netloc, script_name=parts.path.rstrip("/") or "/", url_scheme=parts.scheme
        )
        return adapter.build(endpoint, values, force_external=True)
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    raise RuntimeError(
        "Set STATUSPAGES_PUBLIC_URL (or SERVER_NAME) to build links for changes made"
        " outside a request."
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
