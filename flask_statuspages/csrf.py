"""Cross-site request forgery: which writes may come from a browser on another site.

Browsers say where a request comes from, and a page cannot make them lie:
``Sec-Fetch-Site`` (sent by every current browser) and ``Origin`` (sent with
every form POST and every write ``fetch`` by browsers since 2020). A write
(``POST``, ``PUT``, ``PATCH``, ``DELETE``) to any route of the extension, the
admin API, the public JSON routes and the HTML site's forms alike, passes when

* ``Sec-Fetch-Site`` is ``same-origin`` (our own page) or ``none`` (typed
  or bookmarked by the visitor); any other value (``same-site``,
  ``cross-site``) is refused unless its ``Origin`` is trusted;
* or, from a browser that sends no ``Sec-Fetch-Site``, its ``Origin`` names
  the host the request was sent to, or a trusted origin (``Origin: null`` is
  refused);
* or it carries neither header: it does not come from a browser, so no
  other site's page made it (and such a client could post anything anyway);
* or it carries an ``Authorization`` header that a browser never adds by
  itself (``Bearer`` and the like): a page on another site cannot set one
  without a CORS preflight, which the extension never grants. ``Basic``,
  ``Digest``, ``Negotiate`` and ``NTLM`` are excluded, as the browser re-sends
  them on its own once the visitor has logged in, like a cookie.

Trusted origins are ``STATUSPAGES_TRUSTED_ORIGINS`` and the origin of
``STATUSPAGES_PUBLIC_URL``. This is the check of Go's
``net/http.CrossOriginProtection`` and the Fetch Metadata defence of OWASP's
CSRF guide. It needs no token and no cookie, so the status page is the same
bytes for every visitor (made once per version) and sets no cookie at all.
Behind a proxy that rewrites ``Host``, the host app must apply ``ProxyFix``
(``x_host=1``) for the ``Origin`` comparison of browsers without
``Sec-Fetch-Site``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import request

#: The methods that change something; the others are never refused here.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: ``Sec-Fetch-Site`` values of requests our own pages (or the visitor) made.
ALLOWED_SITES = frozenset({"same-origin", "none"})
#: ``Authorization`` schemes a browser sends by itself once a visitor logged in.
AMBIENT_SCHEMES = frozenset({"basic", "digest", "negotiate", "ntlm"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def trusted_origins(config: Mapping[str, Any]) -> frozenset[str]:
    """The origins of ``STATUSPAGES_TRUSTED_ORIGINS`` and ``STATUSPAGES_PUBLIC_URL``.

    The key takes a list or a comma- or space-separated string of origins
    (``https://admin.example.com``); anything else raises ``ValueError``.
    """
    entries = config.get("STATUSPAGES_TRUSTED_ORIGINS") or ()
    if isinstance(entries, str):
        entries = entries.replace(",", " ").split()
    trusted = set()
    for entry in entries:
        origin = normalise_origin(entry) if isinstance(entry, str) else None
        if origin is None:
            raise ValueError(
                f"STATUSPAGES_TRUSTED_ORIGINS: {entry!r} is not an origin"
                " such as 'https://admin.example.com' (scheme and host, no path)."
            )
        trusted.add(origin)
    public_url = config.get("STATUSPAGES_PUBLIC_URL")
    if public_url and (public := normalise_origin(public_url, path_allowed=True)):
        trusted.add(public)
    return frozenset(trusted)


def normalise_origin(value: str, *, path_allowed: bool = False) -> str | None:
    """``value`` as a browser serialises an origin (``https://host[:port]``), or ``None``."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    if not path_allowed and (parts.path not in ("", "/") or parts.query or parts.fragment):
        return None
    if ":" in host:  # an IPv6 literal keeps its brackets in an origin
        host = f"[{host}]"
    if port is None or str(port) == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def cross_site(trusted: Iterable[str] = ()) -> bool:
    """Whether this write comes from a page of another site (see the module's rules)."""
    if _authorised_by_client():
        return False
    origin = request.headers.get("Origin")
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site.strip().lower() in ALLOWED_SITES:
            return False
        return not _is_trusted(origin, trusted)
    if origin is None:
        return False
    return not (same_origin(origin, request.host) or _is_trusted(origin, trusted))


def same_origin(origin: str, host: str) -> bool:
    """Whether the ``Origin`` header ``origin`` names ``host`` (``Host`` with its port)."""
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return parts.netloc.lower() == host.lower()


def _is_trusted(origin: str | None, trusted: Iterable[str]) -> bool:
    if origin is None:
        return False
    normalised = normalise_origin(origin)
    return normalised is not None and normalised in trusted


def _authorised_by_client() -> bool:
    """An ``Authorization`` header that no browser adds to another site's request."""
    value = request.headers.get("Authorization", "").strip()
    if not value:
        return False
    return value.split(None, 1)[0].lower() not in AMBIENT_SCHEMES
