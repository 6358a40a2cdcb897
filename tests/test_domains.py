"""Custom domains: DNS verification against a real DNS server, and serving by ``Host``."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from flask_statuspages import access, domains
from flask_statuspages.models import Page, utcnow

from .conftest import PREFIX, count_queries, make_app
from .dns_server import LoopbackDNS, loopback_dns, silent_nameserver

TARGET = "pages.statuspages.test"
DOMAIN = "status.acme.test"
ON_DOMAIN = f"http://{DOMAIN}"


@pytest.fixture
def dns_server() -> Iterator[LoopbackDNS]:
    with loopback_dns() as server:
        yield server


@pytest.fixture
def app_config(dns_server: LoopbackDNS, tmp_path: Any) -> dict[str, Any]:
    return {
        # Page refs cached on every backend (on PostgreSQL there is no default counter).
        "STATUSPAGES_CHANGE_COUNTER_FILE": str(tmp_path / "change-counter"),
        # Written as people do: any case, with the root's trailing dot.
        "STATUSPAGES_CNAME_TARGET": "Pages.StatusPages.test.",
        "STATUSPAGES_DNS_NAMESERVERS": [dns_server.nameserver],
        "STATUSPAGES_DNS_TIMEOUT": 0.5,
    }


@pytest.fixture
def app(app_bundle: Any) -> Flask:
    """The host app has its own home page and an about page."""
    app: Flask = app_bundle[0]
    app.add_url_rule("/", "host_home", lambda: "host home")
    app.add_url_rule("/about", "host_about", lambda: "host about")
    return app


def verify(api: Any, page: dict[str, Any]) -> Any:
    return api.post(f"/{page['id']}/verify-domain")


def domain_error(response: Any) -> str:
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_error"
    return response.json["error"]["fields"]["custom_domain"][0]  # type: ignore[no-any-return]


def publish(dns_server: LoopbackDNS, page: dict[str, Any], *types: str) -> None:
    """Add to DNS the records the page's answer asks for (of ``types``; all by default)."""
    for record in page["custom_domain_records"]:
        if not types or record["type"] in types:
            dns_server.records.setdefault(record["name"], []).append(
                (record["type"], record["value"])
            )


def prove(dns_server: LoopbackDNS, page: dict[str, Any]) -> None:
    """Add the page's ownership (TXT) record only, as its owner would."""
    publish(dns_server, page, "TXT")


@pytest.fixture
def served(api: Any, dns_server: LoopbackDNS) -> dict[str, Any]:
    """A page with a component and an incident, verified for ``DOMAIN``."""
    page = api.make_page(name="Acme Status", custom_domain=DOMAIN)
    api.make_component(page["id"], name="Checkout", status="degraded_performance")
    api.make_incident(page["id"], title="Slow checkout", severity="minor")
    publish(dns_server, page)
    verified = verify(api, page)
    assert verified.status_code == 200
    return verified.json  # type: ignore[no-any-return]


# ----------------------------------------------------------- verification


def test_verify_a_direct_cname(api: Any, dns_server: LoopbackDNS) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    assert page["custom_domain_verified_at"] is None
    dns_server.records[DOMAIN] = [("CNAME", TARGET + ".")]
    prove(dns_server, page)
    response = verify(api, page)
    assert response.status_code == 200, response.json
    assert response.json["id"] == page["id"]
    assert response.json["custom_domain_verified_at"] is not None
    assert api.get(f"/{page['id']}").json["custom_domain_verified_at"] is not None
    assert (DOMAIN, "CNAME") in dns_server.resolver.queries


def test_verify_follows_a_chain_of_cnames(api: Any, dns_server: LoopbackDNS) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    dns_server.records[DOMAIN] = [("CNAME", "edge.acme-cdn.test")]
    dns_server.records["edge.acme-cdn.test"] = [("CNAME", "PAGES.statuspages.test")]
    prove(dns_server, page)
    response = verify(api, page)
    assert response.status_code == 200, response.json
    assert response.json["custom_domain_verified_at"] is not None


def test_a_cname_pointing_elsewhere_says_where(api: Any, dns_server: LoopbackDNS) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    dns_server.records[DOMAIN] = [("CNAME", "acme.other-host.test")]
    dns_server.records["acme.other-host.test"] = [("A", "192.0.2.10")]
    message = domain_error(verify(api, page))
    assert "acme.other-host.test" in message and TARGET in message
    assert api.get(f"/{page['id']}").json["custom_domain_verified_at"] is None


def test_a_chain_ending_elsewhere_or_looping(api: Any, dns_server: LoopbackDNS) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    dns_server.records[DOMAIN] = [("CNAME", "edge.acme-cdn.test")]
    dns_server.records["edge.acme-cdn.test"] = [("CNAME", "origin.acme-cdn.test")]
    message = domain_error(verify(api, page))
    assert f"{DOMAIN} -> edge.acme-cdn.test -> origin.acme-cdn.test" in message
    dns_server.records["origin.acme-cdn.test"] = [("CNAME", DOMAIN)]
    assert "loop" in domain_error(verify(api, page))


def test_no_cname_record(api: Any, dns_server: LoopbackDNS) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    nxdomain = domain_error(verify(api, page))
    dns_server.records[DOMAIN] = [("A", "192.0.2.1")]  # the name exists, without a CNAME
    no_answer = domain_error(verify(api, page))
    for message in (nxdomain, no_answer):
        assert "no CNAME record" in message and TARGET in message


def test_no_custom_domain_set(api: Any) -> None:
    page = api.make_page()
    assert "no custom domain" in domain_error(verify(api, page))


def test_server_without_a_cname_target(app: Flask, api: Any, dns_server: LoopbackDNS) -> None:
    app.config["STATUSPAGES_CNAME_TARGET"] = None
    page = api.make_page(custom_domain=DOMAIN)
    dns_server.records[DOMAIN] = [("CNAME", TARGET)]
    assert "STATUSPAGES_CNAME_TARGET" in domain_error(verify(api, page))
    assert dns_server.resolver.queries == []


def test_dns_out_of_reach_is_a_quick_try_again(
    app: Flask, api: Any, dns_server: LoopbackDNS
) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    dns_server.resolver.servfail = True
    message = domain_error(verify(api, page))
    assert "DNS could not be reached" in message and "server failure" in message
    dns_server.stop()
    started = time.monotonic()
    message = domain_error(verify(api, page))
    assert time.monotonic() - started < 2
    assert "DNS could not be reached" in message and "timed out" in message
    assert "try again" in message
    with silent_nameserver() as address:
        app.config["STATUSPAGES_DNS_NAMESERVERS"] = address  # a string, as from the environment
        assert "timed out" in domain_error(verify(api, page))


def test_changing_the_domain_clears_the_verification(api: Any, served: dict[str, Any]) -> None:
    unchanged = api.put(f"/{served['id']}", json={"custom_domain": DOMAIN})
    assert unchanged.json["custom_domain_verified_at"] is not None
    changed = api.put(f"/{served['id']}", json={"custom_domain": "status.acme-two.test"})
    assert changed.status_code == 200
    assert changed.json["custom_domain_verified_at"] is None
    assert api.client.get("/", base_url=ON_DOMAIN).text == "host home"


def test_a_failed_recheck_keeps_the_verification(
    api: Any, dns_server: LoopbackDNS, served: dict[str, Any]
) -> None:
    """A DNS outage or a typo during a re-check must not take a live domain off the air."""
    dns_server.resolver.servfail = True
    domain_error(verify(api, served))
    assert api.get(f"/{served['id']}").json["custom_domain_verified_at"] is not None


def test_another_owners_page_is_not_found(api: Any, dns_server: LoopbackDNS) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    dns_server.records[DOMAIN] = [("CNAME", TARGET)]
    response = api.as_owner("globex").post(f"/{page['id']}/verify-domain")
    assert response.status_code == 404
    assert api.as_owner(None).post(f"/{page['id']}/verify-domain").status_code == 401
    assert api.get(f"/{page['id']}").json["custom_domain_verified_at"] is None


def test_verify_domain_is_in_the_openapi_document(api: Any) -> None:
    paths = api.get("/openapi.json").json["paths"]
    operation = paths[f"{PREFIX}/{{page_id}}/verify-domain"]["post"]
    assert operation["tags"] == ["Custom domains"]
    assert "422" in operation["responses"]


@pytest.mark.parametrize(
    ("entry", "address", "port"),
    [
        ("192.0.2.53", "192.0.2.53", 53),
        ("192.0.2.53:5353", "192.0.2.53", 5353),
        ("2001:db8::53", "2001:db8::53", 53),
        ("[2001:db8::53]:5353", "2001:db8::53", 5353),
    ],
)
def test_nameserver_entries(entry: str, address: str, port: int) -> None:
    server = domains.nameserver(entry)
    assert (server.answer_nameserver(), server.answer_port()) == (address, port)


@pytest.mark.parametrize("entry", ["ns1.example.com", "192.0.2.53:dns", "192.0.2.53:70000"])
def test_a_nameserver_must_be_an_address_and_port(entry: str) -> None:
    with pytest.raises(ValueError, match=re.escape(entry)):
        domains.nameserver(entry)


def test_wrong_dns_settings_are_explained(app: Flask, api: Any) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    app.config["STATUSPAGES_DNS_NAMESERVERS"] = ["ns1.example.com"]
    assert "ns1.example.com" in domain_error(verify(api, page))
    app.config["STATUSPAGES_DNS_NAMESERVERS"] = []
    assert "no nameserver" in domain_error(verify(api, page))


# -------------------------------------------------------------- ownership


def test_the_answer_lists_the_records_to_add(api: Any) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    cname, txt = page["custom_domain_records"]
    assert cname == {"type": "CNAME", "name": DOMAIN, "value": TARGET}
    assert txt["type"] == "TXT" and txt["name"] == f"_statuspages.{DOMAIN}"
    assert re.fullmatch(r"statuspages-verification=[0-9a-f]{32}", txt["value"])
    other = api.make_page(name="Other", custom_domain=DOMAIN)  # a claim proves nothing
    assert other["custom_domain_records"][1]["value"] != txt["value"]
    assert api.get(f"/{page['id']}").json["custom_domain_records"] == [cname, txt]
    assert api.make_page(name="No domain")["custom_domain_records"] == []
    public = api.client.get(f"{PREFIX}/public/{page['slug']}").text
    assert txt["value"] not in public


def test_a_cname_alone_proves_nothing(api: Any, dns_server: LoopbackDNS) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    publish(dns_server, page, "CNAME")
    message = domain_error(verify(api, page))
    txt = page["custom_domain_records"][1]
    assert f"_statuspages.{DOMAIN} has no TXT record" in message and txt["value"] in message
    other = api.make_page(name="Other", custom_domain="status.other.test")
    dns_server.records[txt["name"]] = [("TXT", other["custom_domain_records"][1]["value"])]
    message = domain_error(verify(api, page))
    assert "do not hold this page's token" in message and txt["value"] in message
    dns_server.records[txt["name"]].append(("TXT", txt["value"]))  # beside others: fine
    assert verify(api, page).status_code == 200


def assert_reveals_nothing(response: Any, page: dict[str, Any]) -> None:
    assert response.status_code == 409, response.json
    assert response.json["error"]["code"] == "conflict"
    for secret in (page["id"], page["slug"], page["name"]):
        assert secret not in response.text


def test_a_verified_domain_cannot_be_taken(api: Any, dns_server: LoopbackDNS) -> None:
    """The takeover: tenant B claims and verifies a domain that points at tenant A's page."""
    acme = api.make_page(name="Acme Internal", slug="acme-internal", is_public=False)
    acme = api.put(f"/{acme['id']}", json={"custom_domain": DOMAIN}).json
    publish(dns_server, acme)
    assert verify(api, acme).status_code == 200
    globex = api.as_owner("globex")
    assert_reveals_nothing(globex.post("/", json={"name": "G", "custom_domain": DOMAIN}), acme)
    page = globex.make_page(name="Globex")
    assert_reveals_nothing(globex.put(f"/{page['id']}", json={"custom_domain": DOMAIN}), acme)
    assert globex.get(f"/{page['id']}").json["custom_domain"] is None
    assert api.get(f"/{acme['id']}").json["custom_domain_verified_at"] is not None
    # The owner itself may send its own domain again.
    assert api.put(f"/{acme['id']}", json={"custom_domain": DOMAIN}).status_code == 200


def test_a_claim_blocks_nobody(api: Any, dns_server: LoopbackDNS) -> None:
    """Tenant B claims A's domain first: B cannot verify it, and A still can."""
    globex = api.as_owner("globex")
    squatter = globex.make_page(name="Globex", custom_domain=DOMAIN)
    acme = api.make_page(name="Acme Status", slug="acme-status", custom_domain=DOMAIN)
    publish(dns_server, acme)  # the domain's DNS is A's: its CNAME and A's token
    assert "do not hold this page's token" in domain_error(verify(globex, squatter))
    assert verify(api, acme).status_code == 200
    assert_reveals_nothing(verify(globex, squatter), acme)
    summary = api.client.get("/api/v2/summary.json", base_url=ON_DOMAIN)
    assert summary.json["page"]["name"] == "Acme Status"


def test_the_database_keeps_one_verified_page_per_domain(
    api: Any, dns_server: LoopbackDNS, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two verifications racing: the unique index refuses the second one (409, not 500)."""
    first = api.make_page(name="First", custom_domain=DOMAIN)
    second = api.as_owner("globex").make_page(name="Second", custom_domain=DOMAIN)
    publish(dns_server, first)
    publish(dns_server, second, "TXT")  # both tokens in DNS
    assert verify(api, first).status_code == 200
    monkeypatch.setattr(domains, "domain_verified_elsewhere", lambda *a: False)  # raced
    assert_reveals_nothing(verify(api.as_owner("globex"), second), first)
    assert api.as_owner("globex").get(f"/{second['id']}").json["custom_domain_verified_at"] is None


def test_rotating_the_secret_key(app: Flask, api: Any, dns_server: LoopbackDNS) -> None:
    """Tokens follow the key: verified domains stay; a re-check needs the new record,
    or the old one while the old key is in ``SECRET_KEY_FALLBACKS``."""
    page = api.make_page(custom_domain=DOMAIN)
    publish(dns_server, page)
    assert verify(api, page).status_code == 200
    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "rotated-secret"
    answer = api.get(f"/{page['id']}").json
    assert answer["custom_domain_verified_at"] is not None
    assert answer["custom_domain_records"] != page["custom_domain_records"]
    assert api.client.get("/badge.svg", base_url=ON_DOMAIN).status_code == 200
    assert "do not hold this page's token" in domain_error(verify(api, page))
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    assert verify(api, page).status_code == 200
    app.config["SECRET_KEY_FALLBACKS"] = []
    prove(dns_server, answer)
    assert verify(api, page).status_code == 200


def test_a_domain_verified_before_the_txt_rule_stays(
    app: Flask, api: Any, db: Any, dns_server: LoopbackDNS
) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    dns_server.records[DOMAIN] = [("CNAME", TARGET)]  # all that was checked then
    with app.app_context():
        db.session.get(Page, page["id"]).custom_domain_verified_at = utcnow()
        db.session.commit()
    domains.forget_domains(app)  # as after a restart on the new version
    assert api.client.get("/badge.svg", base_url=ON_DOMAIN).status_code == 200
    assert "no TXT record" in domain_error(verify(api, page))  # a re-check needs it
    assert api.client.get("/badge.svg", base_url=ON_DOMAIN).status_code == 200


# ---------------------------------------------------------------- serving


def links(html: str) -> set[str]:
    """Where the page's links lead (not its inline ``data:`` favicon)."""
    return set(re.findall(r'(?:href|action|src)="(?!data:)([^"#][^"]*)"', html))


def test_the_html_pages_link_on_the_domain(api: Any, served: dict[str, Any]) -> None:
    response = api.client.get("/", base_url=ON_DOMAIN)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.text
    assert "Acme Status" in html and "Checkout" in html and "Slow checkout" in html
    found = links(html)
    assert {"/", "/history", "/feed.rss", "/api/v2/summary.json", "/subscribe"} <= found
    assert all(link.startswith("/") and not link.startswith("/status") for link in found)
    incident = next(link for link in found if link.startswith("/incidents/"))
    assert "Slow checkout" in api.client.get(incident, base_url=ON_DOMAIN).text
    assert api.client.get("/history", base_url=ON_DOMAIN).status_code == 200
    missing = api.client.get("/incidents/nope", base_url=ON_DOMAIN)
    assert (missing.status_code, missing.mimetype) == (404, "text/html")


def test_the_subscribe_form(api: Any, served: dict[str, Any]) -> None:
    assert 'action="/subscribe"' in api.client.get("/", base_url=ON_DOMAIN).text
    form = {"email": "ann@example.com"}
    browser = {"Sec-Fetch-Site": "same-origin", "Origin": ON_DOMAIN}
    response = api.client.post("/subscribe", base_url=ON_DOMAIN, data=form, headers=browser)
    assert response.status_code == 202, response.text
    # The same form posted from the host's own origin is another site's.
    foreign = {"Origin": "http://localhost"}
    refused = api.client.post("/subscribe", base_url=ON_DOMAIN, data=form, headers=foreign)
    assert refused.status_code == 403
    assert refused.mimetype == "text/html"
    subscribers = api.get(f"/{served['id']}/subscribers").json["data"]
    assert [s["email"] for s in subscribers] == ["ann@example.com"]


def test_the_password_form(api: Any, served: dict[str, Any]) -> None:
    api.put(f"/{served['id']}", json={"password": "s3cret"})
    locked = api.client.get("/", base_url=ON_DOMAIN)
    assert "Slow checkout" not in locked.text
    assert "/auth" in links(locked.text)
    form = {"password": "s3cret"}
    unlocked = api.client.post(  # a browser without Sec-Fetch-Site: its Origin is the domain
        "/auth", base_url=ON_DOMAIN, data=form, headers={"Origin": ON_DOMAIN}, follow_redirects=True
    )
    assert unlocked.status_code == 200, unlocked.text
    assert "Slow checkout" in unlocked.text


def test_the_v2_summary(api: Any, served: dict[str, Any]) -> None:
    response = api.client.get("/api/v2/summary.json", base_url=ON_DOMAIN)
    assert response.status_code == 200, response.text
    assert response.json["page"]["name"] == "Acme Status"
    assert [c["name"] for c in response.json["components"]] == ["Checkout"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    again = api.client.get(
        "/api/v2/summary.json",
        base_url=ON_DOMAIN,
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304
    # The Host's port and case do not matter.
    status = api.client.get("/api/v2/status.json", base_url="http://STATUS.Acme.test:8080")
    assert status.status_code == 200
    assert status.json["status"]["indicator"] == "minor"


def test_an_unknown_v2_document_is_a_json_404(api: Any, served: dict[str, Any]) -> None:
    response = api.client.get("/api/v2/nope.json", base_url=ON_DOMAIN)
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_feeds_badge_and_widget(api: Any, served: dict[str, Any]) -> None:
    for path, mimetype, snippet in [
        ("/feed.rss", "application/rss+xml", "<rss"),
        ("/feed.atom", "application/atom+xml", "<feed"),
        ("/badge.svg", "image/svg+xml", "<svg"),
        ("/widget.js", "application/javascript", "/events"),
    ]:
        response = api.client.get(path, base_url=ON_DOMAIN)
        assert response.status_code == 200, (path, response.text)
        assert response.mimetype == mimetype
        assert snippet in response.text
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_event_stream(api: Any, served: dict[str, Any]) -> None:
    response = api.client.get("/events", base_url=ON_DOMAIN, buffered=False)
    try:
        assert response.status_code == 200
        assert response.mimetype == "text/event-stream"
        received = b""
        for chunk in response.response:  # "retry: ..." first, then the state event
            received += chunk
            if b"event:" in received and received.endswith(b"\n\n"):
                break
    finally:
        response.close()
    blocks = received.decode().split("\n\n")
    state = next(block for block in blocks if "event: state" in block)
    fields = dict(line.split(": ", 1) for line in state.splitlines())
    assert json.loads(fields["data"])["name"] == "Acme Status"


def test_subscribe_with_json(api: Any, served: dict[str, Any]) -> None:
    response = api.client.post(
        "/subscribe", base_url=ON_DOMAIN, json={"webhook_url": "https://hooks.example.com/x"}
    )
    assert response.status_code == 202, response.text
    assert "token" not in response.text
    subscribers = api.get(f"/{served['id']}/subscribers").json["data"]
    assert [s["webhook_url"] for s in subscribers] == ["https://hooks.example.com/x"]


def test_a_password_protected_page_unlocks_on_its_domain(api: Any, served: dict[str, Any]) -> None:
    api.put(f"/{served['id']}", json={"password": "s3cret"})
    client = api.client
    locked = client.get("/api/v2/summary.json", base_url=ON_DOMAIN)
    assert locked.status_code == 401
    assert locked.json["error"]["code"] == "password_required"
    wrong = client.post("/auth", base_url=ON_DOMAIN, json={"password": "nope"})
    assert wrong.status_code == 401
    unlocked = client.post("/auth", base_url=ON_DOMAIN, json={"password": "s3cret"})
    assert unlocked.status_code == 200, unlocked.text
    summary = client.get("/api/v2/summary.json", base_url=ON_DOMAIN)
    assert summary.status_code == 200
    assert summary.headers["Cache-Control"].startswith("private")


def test_other_paths_on_the_domain_are_the_host_apps(api: Any, served: dict[str, Any]) -> None:
    assert api.client.get("/about", base_url=ON_DOMAIN).text == "host about"
    assert api.client.get("/nothing-here", base_url=ON_DOMAIN).status_code == 404


def test_other_hosts_get_the_host_app(api: Any, served: dict[str, Any]) -> None:
    for base in ("http://localhost", "http://127.0.0.1:5000", "http://other.acme.test"):
        assert api.client.get("/", base_url=base).text == "host home"
        assert api.client.get("/api/v2/summary.json", base_url=base).status_code == 404


def test_an_unverified_domain_is_not_served(api: Any, dns_server: LoopbackDNS) -> None:
    page = api.make_page(custom_domain=DOMAIN)
    assert api.client.get("/", base_url=ON_DOMAIN).text == "host home"
    assert api.client.get("/api/v2/summary.json", base_url=ON_DOMAIN).status_code == 404
    publish(dns_server, page)
    assert verify(api, page).status_code == 200
    # Served at once by the process that verified it (others within DOMAIN_CACHE_SECONDS).
    assert api.client.get("/api/v2/summary.json", base_url=ON_DOMAIN).status_code == 200


def test_a_hidden_pages_domain_is_not_found(api: Any, served: dict[str, Any]) -> None:
    for hide, show in [({"is_public": False}, {"is_public": True}), ({"enabled": False}, {})]:
        api.put(f"/{served['id']}", json=hide)
        for path in ("/", "/api/v2/summary.json", "/feed.rss", "/badge.svg", "/events"):
            assert api.client.get(path, base_url=ON_DOMAIN).status_code == 404, (hide, path)
        subscribe = api.client.post(
            "/subscribe", base_url=ON_DOMAIN, json={"email": "ann@example.com"}
        )
        assert subscribe.status_code == 404
        api.put(f"/{served['id']}", json=show)


def test_rate_limits_apply_on_the_domain(app: Flask, api: Any, served: dict[str, Any]) -> None:
    app.config["STATUSPAGES_PUBLIC_RATE_LIMIT"] = "2 per minute"
    answers = [api.client.get("/badge.svg", base_url=ON_DOMAIN) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].json["error"]["code"] == "rate_limited"
    assert int(answers[-1].headers["Retry-After"]) > 0


def test_other_hosts_cost_no_query_until_the_domains_are_stale(
    app: Flask, api: Any, db: Any, served: dict[str, Any]
) -> None:
    api.client.get("/", base_url="http://localhost")  # reads the verified domains
    with app.app_context(), count_queries(db) as statements:
        for _ in range(20):
            assert api.client.get("/", base_url="http://localhost").text == "host home"
    assert statements == []
    app.extensions[domains.CACHE_KEY].expires = time.monotonic()  # DOMAIN_CACHE_SECONDS later
    with app.app_context(), count_queries(db) as statements:
        api.client.get("/", base_url="http://localhost")
    assert len(statements) == 1


def test_pages_on_their_domain_cost_no_query_between_changes(
    app: Flask, api: Any, db: Any, served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups: list[str] = []
    real = access._query_ref
    monkeypatch.setattr(access, "_query_ref", lambda *a: lookups.append(a[0]) or real(*a))
    for path in ("/", "/api/v2/summary.json"):  # the first ones read the domain and the page
        assert api.client.get(path, base_url=ON_DOMAIN).status_code == 200
    lookups.clear()
    with app.app_context(), count_queries(db) as statements:
        for _ in range(5):
            assert "Slow checkout" in api.client.get("/", base_url=ON_DOMAIN).text
            assert api.client.get("/api/v2/summary.json", base_url=ON_DOMAIN).status_code == 200
    assert lookups == [] and statements == []
    api.put(f"/{served['id']}", json={"name": "Acme Renamed"})
    assert "Acme Renamed" in api.client.get("/", base_url=ON_DOMAIN).text
    api.put(f"/{served['id']}", json={"custom_domain": "other.example.org"})
    assert api.client.get("/api/v2/summary.json", base_url=ON_DOMAIN).status_code == 404


def test_the_host_app_serves_before_our_tables_exist(tmp_path: Any) -> None:
    app, _, db = make_app(f"sqlite:///{tmp_path / 'empty.db'}")
    app.add_url_rule("/", "host_home", lambda: "host home")
    client = app.test_client()
    assert client.get("/", base_url=ON_DOMAIN).text == "host home"
    with app.app_context():
        db.engine.dispose()
