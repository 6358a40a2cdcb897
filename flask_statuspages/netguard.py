"""The SSRF guard: webhooks may not reach loopback, private or metadata addresses."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app


class UnsafeUrl(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


class Unresolvable(Exception):
    """The URL's host name does not resolve (now)."""


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(f"{host} does not resolve: {exc}") from exc
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str, *, resolve_names: bool = True) -> None:
    """Raise :class:`UnsafeUrl` unless every address of ``url``'s host is public.

    With ``STATUSPAGES_WEBHOOK_ALLOW_PRIVATE`` set, anything goes. A host
    name that does not resolve raises :class:`Unresolvable`.
    """
    if current_app.config["STATUSPAGES_WEBHOOK_ALLOW_PRIVATE"]:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
        addresses = [host]
    except ValueError:
        if not resolve_names:
            return
        addresses = resolve(host, parts.port or (443 if parts.scheme == "https" else 80))
    private = [a for a in addresses if not is_public_address(a)]
    if private:
        raise UnsafeUrl(f"{host} resolves to {', '.join(private)}, which webhooks may not reach.")
