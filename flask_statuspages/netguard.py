"""The SSRF guard: webhooks may not reach loopback, private or metadata addresses.

An IPv6 address can carry an IPv4 one: IPv4-mapped (``::ffff:127.0.0.1``),
IPv4-compatible (``::7f00:1``), NAT64 (``64:ff9b::7f00:1``, which a NAT64
gateway forwards to ``127.0.0.1`` of *its* network), 6to4
(``2002:7f00:1::``) and Teredo. Python's ``is_global`` judges the IPv6 form
only, and calls most of these global; so the IPv4 inside is decoded and
judged as if it had been written plainly. Forms whose embedding cannot be
read (local-use NAT64, ``64:ff9b:1::/48``) and the deprecated site-local
range (``fec0::/10``) are refused outright.
"""

from __future__ import annotations

import ipaddress
import socket
from ipaddress import IPv4Address, IPv6Address
from urllib.parse import urlsplit

from flask import current_app

#: Translation forms: the address *is* its last 32 bits (RFC 6052 well-known NAT64 prefix,
#: RFC 4291 IPv4-compatible; ``::`` and ``::1`` fall in it and decode to non-public 0.0.0.x).
_TRANSLATED = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))
#: Refused whatever they carry: RFC 8215 local-use NAT64 (prefix length is the network's
#: choice, so the IPv4 inside cannot be found) and RFC 3879 site-local.
_REFUSED = (ipaddress.ip_network("64:ff9b:1::/48"), ipaddress.ip_network("fec0::/10"))


class UnsafeUrl(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


class Unresolvable(Exception):
    """The URL's host name does not resolve (now)."""


def is_public_address(address: str) -> bool:
    """Whether a webhook may connect to ``address`` (IPv4 or IPv6, an optional ``%zone``)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, IPv4Address):
        return _public(ip)
    if any(ip in network for network in _REFUSED):
        return False
    translated = _translated_ipv4(ip)
    if translated is not None:
        return _public(translated)
    # 6to4 and Teredo are IPv6 routes of their own: both they and what they carry must be public.
    return _public(ip) and all(_public(inner) for inner in tunnelled_ipv4(ip))


def _public(ip: IPv4Address | IPv6Address) -> bool:
    return ip.is_global and not ip.is_multicast


def _translated_ipv4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv4-mapped, IPv4-compatible or NAT64 address stands for."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if any(ip in network for network in _TRANSLATED):
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def tunnelled_ipv4(ip: IPv6Address) -> list[IPv4Address]:
    """The IPv4 addresses a 6to4 or Teredo address carries (none for other addresses)."""
    if ip.sixtofour is not None:
        return [ip.sixtofour]
    if ip.teredo is not None:
        return list(ip.teredo)  # (server, client), the client already un-obfuscated
    return []


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
