"""Custom domains: proving a page owns its domain and that it points at us, then serving it.

A CNAME to ``STATUSPAGES_CNAME_TARGET`` proves nothing about *who* set it:
every tenant's domain points at the same target. So verification asks DNS
(dnspython) for two records, which the page's admin answer lists
(:func:`dns_records`):

- the CNAME of the page's ``custom_domain``, followed hop by hop until it
  reaches the target (the domain reaches us);
- a TXT record at ``_statuspages.<domain>`` holding the page's own token,
  ``statuspages-verification=<token>`` (whoever controls the domain's DNS
  chose *this* page). The token is an HMAC of the page id keyed by the secret
  key (:func:`ownership_token`): other tenants cannot compute it, reading it
  in public DNS helps nobody else's page, and no column stores it.

Only then is ``custom_domain_verified_at`` set, and only a verified domain is
ever served: changing the domain clears it (:mod:`.pages`). Any page may
claim a domain, but a verified domain is unique (a partial unique index):
no other page can claim or verify it until its page lets it go. A failed
check leaves an earlier verification as it was, so a passing DNS outage does
not take a working domain off the air; domains verified before the TXT rule
stay verified, and a re-check of them needs the TXT record.

Rotating the secret key changes every token: verified domains stay verified,
but a re-check needs the new value (shown in the page's answer). Keys listed
in Flask's ``SECRET_KEY_FALLBACKS`` are still accepted for a re-check, so a
rotation can be staged.

Serving is an app-level ``before_request`` hook, :func:`serve_custom_domains`.
For a request whose ``Host`` is a verified domain and whose path is one of
:data:`DOMAIN_PATHS`, it routes the request to the view that answers the same
thing under the site prefix (``/status/<slug>/...``) or the API prefix
(``.../public/<slug>/...``): Flask then runs that view with its blueprint's
hooks, error handlers and rate limits, exactly as if the long URL had been
asked. Any other host or path goes on to the host app's own routes.

So that hosts that are not custom domains cost nothing, each process keeps
the set of verified domains for :data:`DOMAIN_CACHE_SECONDS`: a domain
verified by another process is served by this one at most that long after.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import time
from dataclasses import dataclass
from typing import Any

import dns.exception
import dns.nameserver
import dns.resolver
from flask import Flask, after_this_request, current_app, g, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

from . import access, signals
from .changes import commit, event
from .errors import ApiError, conflict, handle_http_exception
from .models import Page, utcnow
from .state import db_session

log = logging.getLogger(__name__)

#: How long a process trusts its set of verified domains before reading it again.
DOMAIN_CACHE_SECONDS = 5.0
#: CNAMEs followed before giving up (a loop or an absurd chain).
MAX_CNAME_HOPS = 8
CACHE_KEY = "statuspages.domains"


# ----------------------------------------------------------- verification


class DomainCheckFailed(Exception):
    """The domain does not (yet) point at us; the message says what DNS answered."""


def verify_domain(page: Page) -> Page:
    """Check ``page``'s custom domain in DNS and mark it verified; else 422 or 409.

    The 422 is a ``validation_error`` whose ``fields.custom_domain`` says what
    is wrong: no domain set, no CNAME, a CNAME pointing elsewhere, no TXT
    record with the page's token, DNS out of reach (try again), or a server
    not configured for custom domains. The 409: another page has verified
    the domain (which page is not said).
    """
    if page.custom_domain and domain_verified_elsewhere(page.custom_domain, page.id):
        raise domain_taken()
    try:
        check_domain(page)
    except DomainCheckFailed as failure:
        raise ApiError(
            422,
            "The custom domain could not be verified.",
            code="validation_error",
            fields={"custom_domain": [str(failure)]},
        ) from None
    page.custom_domain_verified_at = utcnow()
    try:
        commit(event(signals.page_updated, page=page))
    except IntegrityError:  # another page verified it meanwhile
        db_session().rollback()
        raise domain_taken() from None
    forget_domains(current_app)  # this process serves it at once
    return page


def domain_taken() -> ApiError:
    """The 409 for a domain verified elsewhere: never says which page, slug or owner has it."""
    return conflict("This custom domain is verified by another page.")


def domain_verified_elsewhere(domain: str, page_id: str | None = None) -> bool:
    """Whether a page other than ``page_id`` has verified ``domain``."""
    query = select(Page.id).where(
        Page.custom_domain == domain, Page.custom_domain_verified_at.is_not(None)
    )
    if page_id:
        query = query.where(Page.id != page_id)
    return db_session().scalar(query) is not None


def check_domain(page: Page) -> None:
    """Both records of ``page``'s domain, in DNS now; :class:`DomainCheckFailed` if not."""
    target = current_app.config["STATUSPAGES_CNAME_TARGET"]
    if not target:
        raise DomainCheckFailed(
            "This server is not configured for custom domains"
            " (STATUSPAGES_CNAME_TARGET is not set)."
        )
    if not page.custom_domain:
        raise DomainCheckFailed("The page has no custom domain: set custom_domain first.")
    resolver = make_resolver()
    check_cname(page.custom_domain, normalise(target), resolver)
    check_ownership(page.custom_domain, page.id, resolver)


# -------------------------------------------------------------- ownership

#: Where the ownership record lives, under the custom domain.
OWNERSHIP_LABEL = "_statuspages"
#: What the TXT record holds before the page's token.
OWNERSHIP_PREFIX = "statuspages-verification="


def ownership_token(page_id: str, key: str | bytes | None = None) -> str:
    """The page's token: HMAC-SHA256 of its id, keyed by the secret key (32 hex digits)."""
    secret = key if key is not None else _secret_keys()[0]
    secret = secret.encode() if isinstance(secret, str) else secret
    message = b"statuspages-domain-ownership\x00" + page_id.encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]


def _secret_keys() -> list[str | bytes]:
    """The current secret key, then Flask's fallbacks (when the app's own key is the one used)."""
    config = current_app.config
    own = config.get("STATUSPAGES_SECRET_KEY")
    current = own or config.get("SECRET_KEY")
    if not current:
        raise RuntimeError(
            "flask-statuspages signs tokens: set SECRET_KEY or STATUSPAGES_SECRET_KEY."
        )
    fallbacks = [] if own else list(config.get("SECRET_KEY_FALLBACKS") or [])
    return [current, *fallbacks]


def ownership_record(domain: str) -> str:
    """The name of the TXT record that proves who owns ``domain``."""
    return f"{OWNERSHIP_LABEL}.{normalise(domain)}"


def dns_records(page: Page) -> list[dict[str, str]]:
    """The records the page's owner adds to its DNS (none without a custom domain)."""
    if not page.custom_domain:
        return []
    target = current_app.config["STATUSPAGES_CNAME_TARGET"]
    records = []
    if target:
        records.append({"type": "CNAME", "name": page.custom_domain, "value": normalise(target)})
    value = OWNERSHIP_PREFIX + ownership_token(page.id)
    records.append({"type": "TXT", "name": ownership_record(page.custom_domain), "value": value})
    return records


def check_ownership(domain: str, page_id: str, resolver: dns.resolver.Resolver) -> None:
    """The domain's TXT record must hold the page's token; :class:`DomainCheckFailed` if not."""
    name = ownership_record(domain)
    expected = {OWNERSHIP_PREFIX + ownership_token(page_id, key) for key in _secret_keys()}
    found = _txt(name, resolver)
    if expected & set(found):
        return
    wanted = OWNERSHIP_PREFIX + ownership_token(page_id)
    if not found:
        raise DomainCheckFailed(
            f"{name} has no TXT record: add one with the value {wanted} to prove the"
            " domain is this page's (DNS changes can take a while to show)."
        )
    raise DomainCheckFailed(
        f"The TXT records of {name} do not hold this page's token: add one with the value {wanted}."
    )


def _txt(name: str, resolver: dns.resolver.Resolver) -> list[str]:
    """The texts of ``name``'s TXT records (each one's strings joined)."""
    answer = _resolve(name, "TXT", resolver)
    if answer is None:
        return []
    return [b"".join(record.strings).decode("utf-8", "replace").strip() for record in answer]


def normalise(name: str) -> str:
    """A DNS name as we compare them: lowercase, no trailing dot."""
    return name.strip().lower().rstrip(".")


def check_cname(domain: str, target: str, resolver: dns.resolver.Resolver) -> list[str]:
    """The CNAME chain from ``domain`` to ``target``; :class:`DomainCheckFailed` if none."""
    chain: list[str] = []
    name = normalise(domain)
    for _ in range(MAX_CNAME_HOPS):
        following = _cname(name, resolver)
        if following is None:
            break
        if following in chain or following == normalise(domain):
            raise DomainCheckFailed(f"The CNAME records of {domain} loop ({following}).")
        chain.append(following)
        if following == target:
            return chain
        name = following
    if not chain:
        raise DomainCheckFailed(
            f"{domain} has no CNAME record: add one pointing at {target} (DNS changes"
            " can take a while to show)."
        )
    path = " -> ".join([domain, *chain])
    raise DomainCheckFailed(f"{domain} points at {chain[-1]} ({path}), not at {target}.")


def _cname(name: str, resolver: dns.resolver.Resolver) -> str | None:
    """The target of ``name``'s CNAME record, or ``None`` when it has none."""
    answer = _resolve(name, "CNAME", resolver)
    return None if answer is None else normalise(answer[0].target.to_text())


def _resolve(name: str, rdtype: str, resolver: dns.resolver.Resolver) -> Any:
    """``name``'s records of ``rdtype``, ``None`` when it has none; DNS away: try again."""
    try:
        return resolver.resolve(name, rdtype)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer, dns.resolver.YXDOMAIN):
        return None
    except dns.exception.Timeout:
        raise DomainCheckFailed(
            f"DNS could not be reached to check {name} (timed out); try again in a moment."
        ) from None
    except dns.resolver.NoNameservers:
        raise DomainCheckFailed(
            f"DNS could not be reached to check {name} (server failure); try again in a moment."
        ) from None


def make_resolver() -> dns.resolver.Resolver:
    """A resolver on ``STATUSPAGES_DNS_NAMESERVERS`` (else the system's), with a short budget."""
    config = current_app.config
    servers = config["STATUSPAGES_DNS_NAMESERVERS"]
    try:
        resolver = dns.resolver.Resolver(configure=servers is None)
    except dns.resolver.NoResolverConfiguration:
        raise DomainCheckFailed(
            "DNS could not be reached: this server has no resolver configured."
        ) from None
    if servers is not None:
        try:
            resolver.nameservers = [nameserver(entry) for entry in _entries(servers)]
        except ValueError as error:
            raise DomainCheckFailed(f"This server's DNS settings are wrong: {error}.") from None
        if not resolver.nameservers:
            raise DomainCheckFailed("This server's DNS settings name no nameserver.")
    resolver.lifetime = resolver.timeout = float(config["STATUSPAGES_DNS_TIMEOUT"])
    resolver.cache = None  # a fresh answer every time: the user just changed their DNS
    return resolver


def _entries(servers: str | list[str]) -> list[str]:
    """A list, or one string of addresses separated by commas or spaces (from the environment)."""
    if isinstance(servers, str):
        return servers.replace(",", " ").split()
    return list(servers)


def nameserver(entry: str) -> dns.nameserver.Nameserver:
    """``"ip"``, ``"ip:port"``, ``"ipv6"`` or ``"[ipv6]:port"`` as a UDP/TCP nameserver."""
    host, port = _host_port(entry.strip())
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"STATUSPAGES_DNS_NAMESERVERS: {entry!r} is not an IP address") from None
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"STATUSPAGES_DNS_NAMESERVERS: {entry!r} has no valid port")
    return dns.nameserver.Do53Nameserver(host, int(port))


def _host_port(entry: str) -> tuple[str, str]:
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, rest.removeprefix(":") or "53"
    if entry.count(":") == 1:  # more colons: a bare IPv6 address
        host, _, port = entry.partition(":")
        return host, port
    return entry, "53"


# ---------------------------------------------------------------- serving

#: What a custom domain serves: its path, and where the same answer lives. ``site``
#: paths are the HTML pages (under ``STATUSPAGES_SITE_PREFIX/<slug>``), ``public``
#: ones the machine routes (under ``STATUSPAGES_URL_PREFIX/public/<slug>``), and
#: ``form`` ones the site's form for a browser's post but the API for JSON.
DOMAIN_PATHS = Map(
    [
        Rule("/", endpoint="site", methods=["GET"]),
        Rule("/history", endpoint="site", methods=["GET"]),
        Rule("/incidents/<incident_id>", endpoint="site", methods=["GET"]),
        Rule("/maintenances/<maintenance_id>", endpoint="site", methods=["GET"]),
        Rule("/auth", endpoint="form", methods=["POST"]),
        Rule("/subscribe", endpoint="form", methods=["POST"]),
        Rule("/sign-in", endpoint="form", methods=["POST"]),
        Rule("/sign-out", endpoint="form", methods=["POST"]),
        Rule("/sign-in/<token>", endpoint="public", methods=["GET", "POST"]),
        Rule("/api/v2/<path:rest>", endpoint="public", methods=["GET"]),
        Rule("/feed.rss", endpoint="public", methods=["GET"]),
        Rule("/feed.atom", endpoint="public", methods=["GET"]),
        Rule("/badge.svg", endpoint="public", methods=["GET"]),
        Rule("/widget.js", endpoint="public", methods=["GET"]),
        Rule("/events", endpoint="public", methods=["GET"]),
    ],
    strict_slashes=False,
)

#: The blueprint (Flask endpoint prefix) each kind of path must land in.
_BLUEPRINTS = {"site": "statuspages_site", "public": "statuspages"}


@dataclass
class DomainCache:
    """The verified domains of one app, read again every :data:`DOMAIN_CACHE_SECONDS`."""

    domains: frozenset[str] = frozenset()
    expires: float = 0.0

    def current(self) -> frozenset[str]:
        now = time.monotonic()
        if now >= self.expires:
            self.domains = _verified_domains()
            self.expires = now + DOMAIN_CACHE_SECONDS
        return self.domains


def _verified_domains() -> frozenset[str]:
    query = select(Page.custom_domain).where(Page.custom_domain_verified_at.is_not(None))
    try:
        return frozenset(d for d in db_session().scalars(query) if d)
    except SQLAlchemyError:
        # No table yet (not migrated), database down...: the host app must go on serving.
        log.warning("could not read the verified custom domains", exc_info=True)
        db_session().rollback()
        return frozenset()


def _cache(app: Flask) -> DomainCache:
    cache: DomainCache | None = app.extensions.get(CACHE_KEY)
    if cache is None:  # first request, or forgotten after a verification
        cache = app.extensions.setdefault(CACHE_KEY, DomainCache())
    return cache


def forget_domains(app: Flask) -> None:
    """Read the verified domains again on the next request (after a verification)."""
    app.extensions.pop(CACHE_KEY, None)


def request_domain() -> str:
    """The request's ``Host`` as a domain: lowercase, without port or trailing dot."""
    host = request.host.lower()
    if host.startswith("["):  # an IPv6 literal is never a custom domain
        return ""
    return host.partition(":")[0].rstrip(".")


def serve_custom_domains() -> Any:
    """``before_request``: route a verified custom domain's request to the page's view."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    verified = _cache(app).current()
    if not verified:  # most apps: no request pays for reading its Host
        return None
    domain = request_domain()
    if domain not in verified:
        return None
    try:
        kind, _ = DOMAIN_PATHS.bind(domain).match(request.path, request.method)
    except HTTPException:
        return None  # not a path the page serves: the host app's own route
    ref = access.page_ref_for_domain(domain)
    if ref is None:  # unverified since the cache was read
        return None
    if kind == "form":
        kind = "public" if request.is_json else "site"
    return _route_to(app, kind, ref.slug)


def _route_to(app: Flask, kind: str, slug: str) -> Any:
    """Make the request be the one for the same path under ``kind``'s prefix, then go on."""
    if kind == "site":
        base = app.config["STATUSPAGES_SITE_PREFIX"]
        if base is None:  # the site is off
            return None
    else:
        base = app.config["STATUSPAGES_URL_PREFIX"].rstrip("/") + "/public"
    path = f"{base.rstrip('/')}/{slug}{request.path.rstrip('/')}"
    adapter = app.create_url_adapter(request)
    assert adapter is not None
    try:
        rule, args = adapter.match(path, request.method, return_rule=True)
    except HTTPException as error:
        return _open_cors(handle_http_exception(error)) if kind == "public" else None
    if not rule.endpoint.startswith(_BLUEPRINTS[kind] + ".") or args.get("slug") != slug:
        return None  # only the page's own views, never another page's or the host's
    g.statuspages_custom_domain = True
    request.url_rule, request.view_args, request.routing_exception = rule, dict(args), None
    if kind == "public":
        after_this_request(_open_cors)
    return _blueprint_before_request(app)


def _blueprint_before_request(app: Flask) -> Any:
    """What Flask runs for a request routed to a blueprint, before its view.

    Flask chose the hooks to run before this one routed the request; those of
    the blueprint it now goes to still have to run (its error handlers and
    ``after_request`` follow from ``request.blueprints`` by themselves).
    """
    names = list(reversed(request.blueprints))
    for name in names:
        for preprocess in app.url_value_preprocessors.get(name, ()):
            preprocess(request.endpoint, request.view_args)
    for name in names:
        for before in app.before_request_funcs.get(name, ()):
            answer = app.ensure_sync(before)()
            if answer is not None:
                return answer
    return None


def _open_cors(response: Any) -> Any:
    """The machine routes are open to every origin, as under ``/public/``."""
    from .views.responses import open_cors  # views import this module

    return open_cors(response)
