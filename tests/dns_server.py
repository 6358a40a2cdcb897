"""A real authoritative DNS server on loopback, for custom-domain tests.

It answers UDP and TCP on one free port from a dict of records, so the code
under test speaks real DNS through dnspython. ``records`` maps a name to its
records: ``{"status.acme.test": [("CNAME", "status.example.net")]}`` (types
``CNAME``, ``A`` and ``TXT``). A name
it does not know is NXDOMAIN; a known name asked for another type answers
no records (what dnspython calls ``NoAnswer``).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dnslib import CNAME, QTYPE, RCODE, RR, TXT, A, DNSRecord
from dnslib.server import BaseResolver, DNSLogger, DNSServer

Records = dict[str, list[tuple[str, str]]]

_RDATA: dict[str, Any] = {"CNAME": CNAME, "A": A, "TXT": TXT}


def _key(name: Any) -> str:
    return str(name).lower().rstrip(".")


class DictResolver(BaseResolver):  # type: ignore[misc]
    """Answers from ``records``; ``servfail`` makes every answer SERVFAIL."""

    def __init__(self, records: Records) -> None:
        self.records = records
        self.servfail = False
        self.queries: list[tuple[str, str]] = []

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        reply = request.reply()
        qname, qtype = request.q.qname, QTYPE[request.q.qtype]
        self.queries.append((_key(qname), qtype))
        if self.servfail:
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        known = self.records.get(_key(qname))
        if known is None:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        for rtype, value in known:
            if rtype == qtype or (rtype == "CNAME" and qtype != "CNAME"):
                reply.add_answer(
                    RR(qname, getattr(QTYPE, rtype), rdata=_RDATA[rtype](value), ttl=60)
                )
        return reply


class LoopbackDNS:
    """A :class:`DictResolver` served on ``127.0.0.1:<port>``, UDP and TCP."""

    def __init__(self, records: Records | None = None) -> None:
        self.resolver = DictResolver(records if records is not None else {})
        quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", prefix=False)
        self.port, self._servers = _bind_both(self.resolver, quiet)

    @property
    def records(self) -> Records:
        return self.resolver.records

    @property
    def nameserver(self) -> str:
        """The ``ip:port`` to put in ``STATUSPAGES_DNS_NAMESERVERS``."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        for server in self._servers:
            # A short poll interval: stopping waits for it (the default is half a second).
            thread = threading.Thread(target=server.server.serve_forever, args=(0.02,))
            thread.daemon = True
            thread.start()

    def stop(self) -> None:
        """Stop answering and free the port (queries then go unanswered); idempotent."""
        servers, self._servers = self._servers, []
        for server in servers:
            server.stop()
            server.server.server_close()


def _bind_both(resolver: DictResolver, logger: DNSLogger) -> tuple[int, list[DNSServer]]:
    """A UDP and a TCP server on the same free port (retried if TCP's half is taken)."""
    for _ in range(20):
        udp = DNSServer(resolver, address="127.0.0.1", port=0, logger=logger)
        port = udp.server.server_address[1]
        try:
            tcp = DNSServer(resolver, address="127.0.0.1", port=port, tcp=True, logger=logger)
        except OSError:
            udp.server.server_close()
            continue
        return port, [udp, tcp]
    raise RuntimeError("no free port for both UDP and TCP")


@contextmanager
def loopback_dns(records: Records | None = None) -> Iterator[LoopbackDNS]:
    server = LoopbackDNS(records)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def silent_nameserver() -> Iterator[str]:
    """An ``ip:port`` where a UDP socket is bound but never answers: queries time out."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{sock.getsockname()[1]}"
