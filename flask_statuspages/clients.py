"""The visitor's address, for public rate limits and IP allow-lists.

It is ``request.remote_addr``: the peer of the connection. Behind a reverse
proxy that peer is the proxy, so every visitor would share one rate-limit
bucket and one allow-list verdict, unless the host applies werkzeug's
``ProxyFix`` (``x_for`` set to the number of proxies in front of the app),
which puts the visitor's address from ``X-Forwarded-For`` there.

Reading ``X-Forwarded-For`` here instead would trust a header any client can
send; only the host knows how many proxies it has. So the extension does not
read it, but it tells the host once per app, with a warning in the log
(logger ``flask_statuspages.clients``, where operators look, whatever the
process's warning filters), when requests carry ``X-Forwarded-For`` from a
loopback or private peer (a proxy of the host's own, by all signs) and no
``ProxyFix`` has run (it leaves ``werkzeug.proxy_fix.orig`` in the environ).
"""

from __future__ import annotations

import ipaddress
import logging

from flask import Flask, current_app, request

#: ``app.extensions`` key set once the app has been warned.
WARNED_KEY = "statuspages.proxy_warned"


log = logging.getLogger(__name__)


def client_address() -> str | None:
    """The visitor's address (``request.remote_addr``), warning once if it is a proxy's."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.extensions.get(WARNED_KEY):
        _check_proxy(app)
    return request.remote_addr


def _check_proxy(app: Flask) -> None:
    environ = request.environ
    if "HTTP_X_FORWARDED_FOR" not in environ or "werkzeug.proxy_fix.orig" in environ:
        return
    peer = request.remote_addr or ""
    if not behind_own_proxy(peer):
        return
    app.extensions[WARNED_KEY] = True
    log.warning(
        "requests carry X-Forwarded-For from %s, a proxy, but no ProxyFix is installed:"
        " every visitor has the proxy's address, so the public rate limits and IP"
        " allow-lists treat them all as one client. Wrap the app: app.wsgi_app ="
        " ProxyFix(app.wsgi_app, x_for=<number of proxies in front>)"
        " (werkzeug.middleware.proxy_fix).",
        peer,
    )


def behind_own_proxy(peer: str) -> bool:
    """Whether ``peer`` is a loopback or private address (a proxy next to the app)."""
    try:
        ip = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_private
