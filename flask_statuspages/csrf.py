"""Cross-site request forgery protection for the HTML forms, from the browser's headers.

Browsers say where a request comes from, and a page cannot make them lie:
``Sec-Fetch-Site`` (sent by every current browser) and ``Origin`` (sent with
every form POST by browsers since 2020). A form POST passes when

* ``Sec-Fetch-Site`` is ``same-origin`` (our own page) or ``none`` (typed
  or bookmarked by the visitor); any other value (``same-site``,
  ``cross-site``) is refused;
* or, from a browser that sends no ``Sec-Fetch-Site``, its ``Origin`` names
  the host the request was sent to (``Origin: null`` is refused);
* or it carries neither header: it does not come from a browser, so no
  other site's page made it (and such a client could post anything anyway).

This is the check of Go's ``net/http.CrossOriginProtection`` and the Fetch
Metadata defence of OWASP's CSRF guide. It needs no token and no cookie, so
the status page is the same bytes for every visitor (made once per version)
and sets no cookie at all. Behind a proxy that rewrites ``Host``, the host
app must apply ``ProxyFix`` (``x_host=1``) for the ``Origin`` comparison.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

#: ``Sec-Fetch-Site`` values of requests our own pages (or the visitor) made.
ALLOWED_SITES = frozenset({"same-origin", "none"})


def valid_post() -> bool:
    """Whether this form POST may come from our own page (see the module's rules)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site.strip().lower() in ALLOWED_SITES
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return same_origin(origin, request.host)


def same_origin(origin: str, host: str) -> bool:
    """Whether the ``Origin`` header ``origin`` names ``host`` (``Host`` with its port)."""
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return parts.netloc.lower() == host.lower()
