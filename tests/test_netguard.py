"""The SSRF guard: every form of a non-public address is refused, IPv6 embeddings included."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from flask_statuspages import models, netguard

from .conftest import PREFIX
from .test_notify import deliveries, subscribe_verified

#: Addresses that reach loopback, private, link-local or metadata services, in every spelling.
REFUSED = [
    "127.0.0.1",
    "10.1.2.3",
    "169.254.169.254",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "::",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:169.254.169.254",
    "::ffff:7f00:1",
    "::7f00:1",  # IPv4-compatible 127.0.0.1
    "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 (RFC 6052) of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of the metadata service
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::808:808",  # local-use NAT64 (RFC 8215): its embedding cannot be read
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 of the metadata service
    "2002:c0a8:1::1",  # 6to4 of 192.168.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo (client 192.0.2.45)
    "2001:0:7f00:1:0:fbff:80ff:fffe",  # Teredo, server 127.0.0.1, client 127.0.0.1
    "fec0::1",  # site-local (RFC 3879)
    "fec0:1::a9fe:a9fe",
]

ALLOWED = [
    "93.184.216.34",
    "8.8.8.8",
    "2606:2800:220:1:248:1893:25c8:1946",
    "2001:4860:4860::8888",
    "::ffff:93.184.216.34",  # IPv4-mapped public address
    "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
    "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
]


@pytest.mark.parametrize("address", REFUSED)
def test_refused_addresses(address: str) -> None:
    assert not netguard.is_public_address(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses(address: str) -> None:
    assert netguard.is_public_address(address)


@pytest.mark.parametrize(
    ("address", "inside"),
    [
        ("2002:7f00:1::", ["127.0.0.1"]),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", ["65.54.227.120", "192.0.2.45"]),
        ("2001:4860::1", []),
    ],
)
def test_tunnelled_ipv4_is_decoded(address: str, inside: list[str]) -> None:
    found = netguard.tunnelled_ipv4(netguard.ipaddress.IPv6Address(address))
    assert [str(ip) for ip in found] == inside


def url_of(address: str) -> str:
    host = f"[{address.replace('%', '%25')}]" if ":" in address else address
    return f"http://{host}:8080/hook"


@pytest.fixture
def app_config(smtp: Any) -> dict[str, Any]:
    return {"MAIL_PORT": smtp.port, "STATUSPAGES_WEBHOOK_TIMEOUT": 1}


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page(name="Acme Status")


#: The IPv6 forms that carry a private IPv4 address (as URLs write them: no dotted part).
EMBEDDED = [
    a for a in REFUSED if a.startswith(("::", "64:", "2002:", "2001:0", "fec0")) and "." not in a
]


@pytest.mark.parametrize("address", EMBEDDED)
def test_refused_at_subscription(api: Any, page: dict[str, Any], address: str) -> None:
    url = url_of(address)
    admin = api.post(f"/{page['id']}/subscribers", json={"webhook_url": url})
    assert admin.status_code == 422, (url, admin.json)
    assert "may not reach" in admin.json["error"]["fields"]["webhook_url"][0]
    public = api.client.post(f"{PREFIX}/public/{page['slug']}/subscribe", json={"webhook_url": url})
    assert public.status_code == 422, (url, public.json)
    assert api.get(f"/{page['id']}/subscribers").json["pagination"]["total"] == 0


def test_refused_at_delivery(
    app: Flask, api: Any, db: Any, page: dict[str, Any], receiver: Any
) -> None:
    """URLs stored before the guard knew these forms are refused when sending, and recorded."""
    app.config["STATUSPAGES_WEBHOOK_ALLOW_PRIVATE"] = True  # to subscribe the loopback receiver
    urls = {}
    for address in ("64:ff9b::7f00:1", "2002:7f00:1::", "::7f00:1", "fec0::1"):
        subscriber = subscribe_verified(api, page, webhook_url=f"{receiver.url}?{address}")
        urls[subscriber["id"]] = url_of(address)
    app.config["STATUSPAGES_WEBHOOK_ALLOW_PRIVATE"] = False
    with app.app_context():
        for subscriber_id, url in urls.items():
            db.session.get(models.Subscriber, subscriber_id).webhook_url = url
        db.session.commit()
    before = len(receiver.requests)
    api.make_incident(page["id"])
    assert len(receiver.requests) == before
    refused = {
        d["subscriber_id"]: d["last_error"]
        for d in deliveries(api, page, "pending")
        if d["event"] == "incident.created"
    }
    assert set(refused) == set(urls)
    assert all("may not reach" in error for error in refused.values()), refused


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/hook",  # 127.0.0.1 as one decimal number
        "http://0x7f000001/hook",
        "http://0177.0.0.1/hook",  # octal
        "http://127.1/hook",
        "http://[::ffff:7f00:1]/hook",
        "http://[0:0:0:0:0:ffff:a9fe:a9fe]/hook",
        "http://[fe80::1%25eth0]/hook",
    ],
)
def test_other_spellings_are_refused(app: Flask, url: str) -> None:
    """Numeric host spellings resolve (by the system) to the address they stand for."""
    with app.app_context(), pytest.raises(netguard.UnsafeUrl):
        netguard.check_url(url)
