"""Page access users: audience-only pages, their admin routes, signing in, and what
each viewer sees (never another viewer's components, incidents or windows)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from flask_statuspages import access, audience
from flask_statuspages.audience import Viewer
from flask_statuspages.models import utcnow

from .conftest import PREFIX, ApiClient, make_metric

SECRET = (
    "Zanzibar-Secret-Component",
    "Quokka-Secret-Incident",
    "Narwhal-Secret-Window",
    "Axolotl-Secret-Metric",
)
LINK = re.compile(r"https?://\S+/sign-in/[A-Za-z0-9_.\-]+")


@pytest.fixture
def app_config(smtp: Any) -> dict[str, Any]:
    return {
        "MAIL_PORT": smtp.port,
        "STATUSPAGES_AUTH_RATE_LIMIT": "1000 per minute",
        "STATUSPAGES_SSE_MAX_DURATION": 0.05,
        "STATUSPAGES_SSE_HEARTBEAT": 0.05,
    }


def users(page_id: str) -> str:
    return f"/{page_id}/page-access-users"


# ------------------------------------------------------------------ admin routes


def test_page_access_users_crud(api: ApiClient) -> None:
    page = api.make_page()
    one = api.make_component(page["id"], name="API")["id"]
    two = api.make_component(page["id"], name="Web")["id"]
    created = api.post(users(page["id"]), json={"email": "Jane@Customer.com"})
    assert created.status_code == 201, created.json
    user = created.json
    assert created.headers["Location"].endswith(f"{users(page['id'])}/{user['id']}")
    assert user["email"] == "jane@customer.com"
    assert user["components_only"] is False and user["component_ids"] == []
    assert user["created_at"].endswith("Z")

    again = api.post(users(page["id"]), json={"email": "JANE@customer.com"})
    assert again.status_code == 409
    other = api.post(
        users(page["id"]), json={"email": "bob@customer.com", "component_ids": [one]}
    ).json
    assert other["components_only"] is True and other["component_ids"] == [one]

    listed = api.get(users(page["id"])).json
    assert [u["email"] for u in listed["data"]] == ["jane@customer.com", "bob@customer.com"]
    assert listed["pagination"]["total"] == 2
    found = api.get(users(page["id"]), query_string={"email": "BOB@customer.com"}).json
    assert [u["id"] for u in found["data"]] == [other["id"]]

    url = f"{users(page['id'])}/{user['id']}"
    assert api.get(url).json == user
    patched = api.patch(url, json={"external_login": "jane-sso", "component_ids": [two, one]})
    assert patched.status_code == 200
    assert patched.json["external_login"] == "jane-sso"
    assert patched.json["component_ids"] == sorted([one, two])
    assert patched.json["components_only"] is True
    back = api.patch(url, json={"components_only": False})
    assert back.json["components_only"] is False
    assert api.patch(url, json={"email": "bob@customer.com"}).status_code == 409

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.get(users(page["id"])).json["pagination"]["total"] == 1


def test_components_of_a_user_follow_statuspages_verbs(api: ApiClient) -> None:
    page = api.make_page()
    a, b, c = (api.make_component(page["id"], name=n)["id"] for n in ("A", "B", "C"))
    user = api.post(users(page["id"]), json={"email": "v@customer.com"}).json
    url = f"{users(page['id'])}/{user['id']}/components"

    assert api.patch(url, json={"component_ids": [a]}).json["component_ids"] == [a]
    assert api.put(url, json={"component_ids": [b]}).json["component_ids"] == sorted([a, b])
    assert api.post(url, json={"component_ids": [c]}).json["component_ids"] == [c]
    assert api.patch(url, json={"component_ids": [a, b]}).status_code == 200
    removed = api.delete(url, json={"component_ids": [a]})
    assert removed.json["component_ids"] == sorted([b, c])
    assert api.delete(f"{url}/{b}").status_code == 204
    shown = api.get(url).json
    assert shown["component_ids"] == [c] and shown["components_only"] is True
    assert api.delete(f"{url}/{'0' * 32}").status_code == 404

    # Deleting a component takes it from every user.
    api.delete(f"/{page['id']}/components/{c}")
    assert api.get(url).json["component_ids"] == []


def test_unknown_and_foreign_component_ids_are_422_naming_them(api: ApiClient) -> None:
    page = api.make_page(name="Mine")
    mine = api.make_component(page["id"], name="API")["id"]
    elsewhere = api.make_page(name="Other")
    foreign = api.make_component(elsewhere["id"], name="Theirs")["id"]
    user = api.post(users(page["id"]), json={"email": "v@customer.com"}).json
    url = f"{users(page['id'])}/{user['id']}/components"
    for method in ("PATCH", "PUT", "POST", "DELETE"):
        response = api.request(method, url, json={"component_ids": [mine, foreign, "nope"]})
        assert response.status_code == 422, method
        [message] = response.json["error"]["fields"]["component_ids"]
        assert foreign in message and "nope" in message and mine not in message
    assert api.get(url).json["component_ids"] == []  # nothing half-written

    bad = api.post(users(page["id"]), json={"email": "x@customer.com", "component_ids": [foreign]})
    assert bad.status_code == 422 and foreign in str(bad.json["error"]["fields"])
    assert api.get(users(page["id"])).json["pagination"]["total"] == 1

    invalid = api.post(users(page["id"]), json={"email": "not an email", "components_only": "y"})
    assert invalid.status_code == 422
    assert set(invalid.json["error"]["fields"]) == {"email", "components_only"}
    empty = api.post(url, json={"component_ids": []})
    assert empty.status_code == 422 and "component_ids" in empty.json["error"]["fields"]


def test_visibility_stays_consistent_with_is_public_and_password(api: ApiClient) -> None:
    page = api.make_page()
    url = f"/{page['id']}"
    assert api.get(url).json["visibility"] == "public"
    audience_page = api.patch(url, json={"visibility": "audience"}).json
    assert audience_page["visibility"] == "audience" and audience_page["is_public"] is True
    assert audience_page["password_protected"] is False

    # Clients that know only is_public and password keep their meaning.
    assert api.patch(url, json={"is_public": False}).json["visibility"] == "private"
    assert api.patch(url, json={"is_public": True}).json["visibility"] == "audience"
    assert api.patch(url, json={"password": "open sesame"}).json["visibility"] == "password"
    assert api.patch(url, json={"visibility": "public"}).json["password_protected"] is False

    mixed = api.patch(url, json={"visibility": "audience", "is_public": False})
    assert mixed.status_code == 422
    assert set(mixed.json["error"]["fields"]) == {"visibility", "is_public"}
    no_password = api.patch(url, json={"visibility": "password"})
    assert set(no_password.json["error"]["fields"]) == {"visibility", "password"}
    with_password = api.patch(url, json={"visibility": "audience", "password": "abcd"})
    assert set(with_password.json["error"]["fields"]) == {"visibility", "password"}
    unknown = api.patch(url, json={"visibility": "friends"})
    assert set(unknown.json["error"]["fields"]) == {"visibility"}
    assert api.get(url).json["visibility"] == "public"  # nothing written
    created = api.make_page(name="Customers only", visibility="audience")
    assert created["visibility"] == "audience"


def test_the_python_api_does_the_same(app: Flask, ext: Any, api: ApiClient) -> None:
    page = api.make_page()
    one = api.make_component(page["id"], name="API")["id"]
    with app.app_context():
        user = ext.page_access_users.create(page["id"], email="Py@Customer.com")
        assert user.email == "py@customer.com" and not user.components_only
        ext.page_access_users.add_components(page["id"], user.id, [one])
        assert ext.page_access_users.get(page["id"], user.id).component_ids == [one]
        assert [u.id for u in ext.page_access_users.list(page["id"], email="PY@customer.com")] == [
            user.id
        ]
        with pytest.raises(Exception) as error:
            ext.page_access_users.replace_components(page["id"], user.id, ["nope"])
        assert error.value.status == 422 and "component_ids" in error.value.fields
        ext.page_access_users.remove_components(page["id"], user.id, [one])
        ext.page_access_users.update(page["id"], user.id, external_login="py")
        ext.page_access_users.delete(page["id"], user.id)
        assert ext.page_access_users.list(page["id"]) == []


# ------------------------------------------------------------------ signing in


def _audience_page(api: ApiClient, name: str = "Customers") -> dict[str, Any]:
    page = api.make_page(name=name, visibility="audience")
    page["component"] = api.make_component(page["id"], name=f"{name} API")["id"]
    api.post(users(page["id"]), json={"email": "jane@customer.com"})
    return page


def _link(smtp: Any, count: int) -> str:
    message = smtp.wait_for(count)[count - 1]
    text = message.get_body(("plain",)).get_content()
    match = LINK.search(text)
    assert match, text
    return match.group(0).split("://", 1)[1].partition("/")[2]


def test_signing_in_with_a_magic_link(app: Flask, api: ApiClient, smtp: Any) -> None:
    page = _audience_page(api)
    slug = page["slug"]
    client = app.test_client()
    json_url = f"{PREFIX}/public/{slug}"
    refused = client.get(json_url)
    assert refused.status_code == 401 and refused.json["error"]["code"] == "sign_in_required"
    form = client.get(f"/status/{slug}")
    assert form.status_code == 401 and 'name="email"' in form.get_data(as_text=True)
    assert "Customers API" not in form.get_data(as_text=True)

    unknown = client.post(f"{json_url}/sign-in", json={"email": "who@else.com"})
    known = client.post(f"{json_url}/sign-in", json={"email": "JANE@customer.com"})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json == known.json  # nothing tells which address is known
    path = "/" + _link(smtp, 1)
    assert len(smtp.messages) == 1 and smtp.messages[0]["To"] == "jane@customer.com"

    confirm = client.get(path)
    assert confirm.status_code == 200 and "<form" in confirm.get_data(as_text=True)
    assert client.get(json_url).status_code == 401  # a GET (a mail scanner) signs nobody in
    signed = client.post(path, json={})
    assert signed.status_code == 200, signed.json
    cookie = signed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert f"statuspages_viewer_{page['id']}=" in cookie
    seen = client.get(json_url)
    assert seen.status_code == 200 and seen.json["components"][0]["name"] == "Customers API"
    assert seen.headers["Cache-Control"] == "private, no-cache"
    assert client.get(f"/status/{slug}").status_code == 200

    # Used once: the same link again is refused.
    again = app.test_client().post(path, json={})
    assert again.status_code == 404
    # The session token works as a bearer token for API clients.
    token = signed.json["token"]
    stranger = app.test_client()
    assert stranger.get(json_url, headers={"Authorization": f"Bearer {token}"}).status_code == 200

    out = client.post(f"{json_url}/sign-out")
    assert out.status_code == 204
    assert client.get(json_url).status_code == 401


def test_a_browser_follows_the_link_to_the_page(app: Flask, api: ApiClient, smtp: Any) -> None:
    page = _audience_page(api)
    client = app.test_client()
    form = client.post(f"/status/{page['slug']}/sign-in", data={"email": "jane@customer.com"})
    assert form.status_code == 202 and "on its way" in form.get_data(as_text=True)
    path = "/" + _link(smtp, 1)
    followed = client.post(path, headers={"Accept": "text/html"})
    assert followed.status_code == 303
    assert followed.headers["Location"].endswith(f"/status/{page['slug']}")
    shown = client.get(f"/status/{page['slug']}").get_data(as_text=True)
    assert "Customers API" in shown and "Sign out" in shown


def test_expired_tampered_and_foreign_links_and_cookies_are_refused(
    app: Flask, api: ApiClient, smtp: Any
) -> None:
    first = _audience_page(api, "First")
    second = _audience_page(api, "Second")
    client = app.test_client()
    client.post(f"{PREFIX}/public/{first['slug']}/sign-in", json={"email": "jane@customer.com"})
    path = "/" + _link(smtp, 1)

    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert client.post(tampered, json={}).status_code == 404
    # The link of the first page does not sign in to the second.
    other_page = path.replace(f"/public/{first['slug']}/", f"/public/{second['slug']}/")
    assert client.post(other_page, json={}).status_code == 404

    app.config["STATUSPAGES_VIEWER_LINK_MAX_AGE"] = -1  # every link is older than that
    expired = client.post(path, json={})
    assert expired.status_code == 404 and "expired" in expired.json["error"]["message"]
    app.config["STATUSPAGES_VIEWER_LINK_MAX_AGE"] = 900
    signed = client.post(path, json={})
    assert signed.status_code == 200
    token = signed.json["token"]

    # The first page's session, presented to the second page in its cookie, opens nothing.
    stranger = app.test_client()
    stranger.set_cookie(f"statuspages_viewer_{second['id']}", token, domain="localhost")
    assert stranger.get(f"{PREFIX}/public/{second['slug']}").status_code == 401
    # Deleting the user ends their session.
    [user] = api.get(users(first["id"])).json["data"]
    api.delete(f"{users(first['id'])}/{user['id']}")
    assert client.get(f"{PREFIX}/public/{first['slug']}").status_code == 401


def test_sign_in_is_rate_limited(app: Flask, api: ApiClient) -> None:
    page = _audience_page(api)
    app.extensions["statuspages"].rate_limits.reset()
    app.config["STATUSPAGES_AUTH_RATE_LIMIT"] = "2 per minute"
    client = app.test_client()
    url = f"{PREFIX}/public/{page['slug']}/sign-in"
    codes = [client.post(url, json={"email": f"n{n}@x.org"}).status_code for n in range(3)]
    assert codes == [202, 202, 429]


def test_a_hosts_viewer_loader_decides(app: Flask, ext: Any, api: ApiClient) -> None:
    page = _audience_page(api)
    ext.viewer_loader(lambda request: request.headers.get("X-Viewer"))
    client = app.test_client()
    url = f"{PREFIX}/public/{page['slug']}"
    assert client.get(url, headers={"X-Viewer": "Jane@Customer.com"}).status_code == 200
    # An email that is no page access user of the page sees nothing.
    refused = client.get(url, headers={"X-Viewer": "stranger@customer.com"})
    assert refused.status_code == 401 and refused.json["error"]["code"] == "sign_in_required"
    assert client.get(url).status_code == 401


# ------------------------------------------------------------------ the leak rule


@pytest.fixture
def scene(app: Flask, ext: Any, api: ApiClient) -> dict[str, Any]:
    """An audience page: viewer A sees the secret component (and its incident and
    window), viewer B the shared one only; a page-wide incident for everyone."""
    page = api.make_page(name="Shared Corp", visibility="audience")
    pid = page["id"]
    secret = api.make_component(pid, name=SECRET[0], group_name="Secret Group Walrus")["id"]
    shared = api.make_component(pid, name="Shared API")["id"]
    api.make_incident(pid, title=SECRET[1], components={secret: "major_outage"})
    api.make_incident(pid, title="Everyone Notice")
    api.make_maintenance(pid, utcnow() + timedelta(days=2), title=SECRET[2], component_ids=[secret])
    old = {secret: "degraded_performance"}
    resolved = api.make_incident(pid, title=f"{SECRET[1]} Old", components=old)
    api.put(f"/{pid}/incidents/{resolved['id']}", json={"status": "resolved"})
    metrics = [
        api.post(f"/{pid}/metrics", json={"name": name, "component_ids": [tie]}).json["id"]
        for name, tie in ((SECRET[3], secret), ("Shared latency", shared))
    ]
    reading = {"data": {"timestamp": int(utcnow().timestamp()) - 60, "value": 42.5}}
    for metric in metrics:
        api.post(f"/{pid}/metrics/{metric}/data", json=reading)
    a_sees = {"component_ids": [secret, shared], "metric_ids": metrics}
    api.post(users(pid), json={"email": "a@customer.com", **a_sees})
    b_sees = {"component_ids": [shared], "metric_ids": metrics[1:]}
    api.post(users(pid), json={"email": "b@customer.com", **b_sees})
    ext.viewer_loader(lambda request: request.headers.get("X-Viewer"))
    incidents = api.get(f"/{pid}/incidents").json["data"]
    return {
        "page": page,
        "secret": secret,
        "shared": shared,
        "secret_incident": next(i["id"] for i in incidents if i["title"] == SECRET[1]),
        "secret_window": api.get(f"/{pid}/maintenances").json["data"][0]["id"],
        "secret_metric": metrics[0],
    }


def public_urls(app: Flask, values: dict[str, str]) -> list[str]:
    """Every GET route for visitors of a page, read from the URL map (future ones too)."""
    site = app.config["STATUSPAGES_SITE_PREFIX"]
    urls = []
    for rule in app.url_map.iter_rules():
        if "<slug>" not in rule.rule or "GET" not in (rule.methods or ()):
            continue
        if not (rule.rule.startswith(f"{PREFIX}/public/") or rule.rule.startswith(f"{site}/")):
            continue
        urls.append(re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values[m.group(1)], rule.rule))
    return sorted(urls)


def _variants(app: Flask, scene: dict[str, Any]) -> list[str]:
    """Each public URL with the secret component, incident and window named in it, and
    with the shared ones; plus the badge of the secret component."""
    base = {"slug": scene["page"]["slug"], "token": "not-a-link"}
    found: set[str] = set()
    for component, incident, window in (
        (scene["secret"], scene["secret_incident"], scene["secret_window"]),
        (scene["shared"], "0" * 32, "0" * 32),
    ):
        values = {
            **base,
            "component_id": component,
            "incident_id": incident,
            "maintenance_id": window,
        }
        found.update(public_urls(app, values))
    found.add(f"{PREFIX}/public/{scene['page']['slug']}/badge.svg?component={scene['secret']}")
    found.add(f"{PREFIX}/public/{scene['page']['slug']}/history?months=1")
    for period in ("week", "month"):
        found.add(f"{PREFIX}/public/{scene['page']['slug']}/metrics?period={period}")
    return sorted(found)


def _check_nothing_secret(response: Any, url: str, who: str, metric_id: str) -> None:
    assert response.status_code < 500, (who, url, response.status_code)
    body = response.get_data(as_text=True)
    for word in (*SECRET, "Secret Group Walrus"):
        assert word not in body, (who, url, word)
    assert metric_id not in body, (who, url, "the hidden metric's id")


def test_no_viewer_ever_receives_another_viewers_hidden_things(
    app: Flask, scene: dict[str, Any]
) -> None:
    urls = _variants(app, scene)
    assert len(urls) >= 26, urls
    client = app.test_client()
    a = {"X-Viewer": "a@customer.com"}
    b = {"X-Viewer": "b@customer.com"}
    # A first, so that every rendering A may see is cached before B and strangers ask.
    etags = {}
    seen_by_a = 0
    for url in urls:
        response = client.get(url, headers=a)
        assert response.status_code < 500, (url, response.status_code)
        seen_by_a += any(word in response.get_data(as_text=True) for word in SECRET)
        if response.headers.get("ETag"):
            etags[url] = response.headers["ETag"]
    assert seen_by_a >= 10  # A does see them: the test would prove nothing otherwise
    for url in urls:
        for who, headers in (("B", b), ("anonymous", {}), ("stranger", {"X-Viewer": "z@x.org"})):
            own = client.get(url, headers=headers)
            _check_nothing_secret(own, url, who, scene["secret_metric"])
            if url in etags:  # A's ETag is no key to A's page (only to the very same bytes)
                reused = client.get(url, headers={**headers, "If-None-Match": etags[url]})
                if reused.status_code == 304:
                    assert own.headers.get("ETag") == etags[url], (who, url)
                _check_nothing_secret(reused, url, who, scene["secret_metric"])


def test_b_sees_exactly_the_shared_component_and_page_wide_incidents(
    app: Flask, scene: dict[str, Any]
) -> None:
    client = app.test_client()
    slug = scene["page"]["slug"]
    seen = client.get(f"{PREFIX}/public/{slug}", headers={"X-Viewer": "b@customer.com"}).json
    assert [c["name"] for c in seen["components"]] == ["Shared API"]
    assert seen["groups"] == []  # the secret group has nothing B may see
    assert [i["title"] for i in seen["active_incidents"]] == ["Everyone Notice"]
    assert seen["upcoming_maintenances"] == [] and seen["recent_incidents"] == []
    # The overall status is over what B sees: the shared API is up, the notice is minor.
    a_view = client.get(f"{PREFIX}/public/{slug}", headers={"X-Viewer": "a@customer.com"}).json
    assert a_view["overall_status"] == "major_outage"
    assert seen["overall_status"] != "major_outage"
    metrics = f"{PREFIX}/public/{slug}/metrics"
    for who, names in (("b", ["Shared latency"]), ("a", [SECRET[3], "Shared latency"])):
        for period in ("day", "week"):
            view = client.get(
                f"{metrics}?period={period}", headers={"X-Viewer": f"{who}@customer.com"}
            )
            assert [m["name"] for m in view.json["metrics"]] == names, (who, period)
    b_metric = client.get(metrics, headers={"X-Viewer": "b@customer.com"}).json["metrics"][0]
    assert b_metric["component_ids"] == [scene["shared"]]
    uptime = f"{PREFIX}/public/{slug}/components/{scene['secret']}/uptime"
    assert client.get(uptime, headers={"X-Viewer": "b@customer.com"}).status_code == 404
    assert client.get(uptime, headers={"X-Viewer": "a@customer.com"}).status_code == 200


def test_a_viewer_subscribes_to_visible_components_only(
    app: Flask, api: ApiClient, scene: dict[str, Any]
) -> None:
    client = app.test_client()
    url = f"{PREFIX}/public/{scene['page']['slug']}/subscribe"
    b = {"X-Viewer": "b@customer.com"}
    hidden = client.post(
        url, json={"email": "b@customer.com", "component_ids": [scene["secret"]]}, headers=b
    )
    assert hidden.status_code == 422 and "component_ids" in hidden.json["error"]["fields"]
    assert client.post(url, json={"email": "b@customer.com"}, headers=b).status_code == 202
    [subscriber] = api.get(f"/{scene['page']['id']}/subscribers").json["data"]
    assert subscriber["component_ids"] == [scene["shared"]]


def test_live_events_of_hidden_components_never_reach_a_viewer(
    app: Flask, api: ApiClient, scene: dict[str, Any]
) -> None:
    page_id, slug = scene["page"]["id"], scene["page"]["slug"]
    broker = app.extensions["statuspages"].broker
    last = broker.latest_id(page_id)
    assert last is not None
    api.patch(f"/{page_id}/components/{scene['secret']}", json={"status": "degraded_performance"})
    api.post(
        f"/{page_id}/incidents/{scene['secret_incident']}/updates",
        json={"message": "Still on it", "status": "identified"},
    )
    api.patch(f"/{page_id}/components/{scene['shared']}", json={"status": "partial_outage"})
    reading = {"data": {"timestamp": int(utcnow().timestamp()), "value": 7.0}}
    api.post(f"/{page_id}/metrics/{scene['secret_metric']}/data", json=reading)
    client = app.test_client()
    url = f"{PREFIX}/public/{slug}/events"
    streams = {}
    for who in ("a", "b"):
        headers = {"X-Viewer": f"{who}@customer.com", "Last-Event-ID": last}
        streams[who] = client.get(url, headers=headers).get_data(as_text=True)
    assert SECRET[0] in streams["a"] and SECRET[1] in streams["a"]
    assert "Shared API" in streams["b"]
    for word in SECRET:
        assert word not in streams["b"]
    assert scene["secret"] not in streams["b"]
    assert scene["secret_metric"] in streams["a"] and scene["secret_metric"] not in streams["b"]


def test_notifications_name_only_the_components_a_viewer_subscribed_to(
    api: ApiClient, scene: dict[str, Any], smtp: Any
) -> None:
    """B's subscription (to the component B sees) hears of an incident touching the
    shared and the secret component, and its email names the shared one only."""
    pid = scene["page"]["id"]
    created = api.post(
        f"/{pid}/subscribers", json={"email": "b@customer.com", "component_ids": [scene["shared"]]}
    ).json
    api.get(f"/{pid}/subscribers/verify/{created['verify_token']}")
    both = {scene["shared"]: "partial_outage", scene["secret"]: "major_outage"}
    api.make_incident(pid, title="Network trouble", components=both)
    message = smtp.wait_for(2)[1]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Network trouble" in text and "Shared API" in text
    for body in (text, html):
        assert SECRET[0] not in body and scene["secret"] not in body


def test_the_filter_is_pure_and_keys_renderings_by_what_is_visible() -> None:
    one = Viewer("a@x.org", frozenset({"c1", "c2"}))
    same = Viewer("b@x.org", frozenset({"c2", "c1"}))
    assert one.key == same.key and one.key != Viewer().key
    incident = {
        "id": "i",
        "components": {"c1": "major_outage", "c3": "degraded_performance"},
        "affected_components": [{"id": "c1"}, {"id": "c3"}],
        "updates": [{"components": [{"id": "c3"}]}],
    }
    shown = audience.visible_item(incident, Viewer(component_ids=frozenset({"c1"})))
    assert shown is not None and shown["components"] == {"c1": "major_outage"}
    assert shown["updates"][0]["components"] == [] and incident["components"]["c3"]
    assert audience.visible_item(incident, Viewer(component_ids=frozenset({"c9"}))) is None
    assert (
        audience.visible_item({"id": "wide", "components": {}}, Viewer(component_ids=frozenset()))
        is not None
    )
    event = {"incident": {"id": "i", "component_ids": ["c3"]}}
    assert (
        audience.filter_event("incident.updated", event, Viewer(component_ids=frozenset({"c1"})))
        is None
    )
    assert audience.filter_event("group.created", {"group": {"id": "g"}}, one) is None


def test_signing_in_on_the_pages_custom_domain(app: Flask, api: ApiClient, smtp: Any) -> None:
    """The link leads to the domain the visitor asked on, where its cookie is set."""
    from flask_statuspages.domains import forget_domains
    from flask_statuspages.models import Page

    page = _audience_page(api)
    domain = "status.customer.example.org"
    api.put(f"/{page['id']}", json={"custom_domain": domain})
    with app.app_context():  # verified by hand: DNS checks are test_domains' business
        session = app.extensions["statuspages"].db.session
        session.get(Page, page["id"]).custom_domain_verified_at = utcnow()
        session.commit()
        forget_domains(app)
    client = app.test_client()
    on_domain = f"http://{domain}"
    assert client.get("/", base_url=on_domain).status_code == 401
    asked = client.post("/sign-in", data={"email": "jane@customer.com"}, base_url=on_domain)
    assert asked.status_code == 202
    text = smtp.wait_for(1)[0].get_body(("plain",)).get_content()
    assert f"{on_domain}/sign-in/" in text
    path = "/" + _link(smtp, 1)
    signed = client.post(path, base_url=on_domain, headers={"Accept": "text/html"})
    assert signed.status_code == 303 and signed.headers["Location"] == f"{on_domain}/"
    shown = client.get("/", base_url=on_domain)
    assert shown.status_code == 200 and "Customers API" in shown.get_data(as_text=True)


def test_metrics_of_a_user_follow_the_same_verbs(app: Flask, ext: Any, api: ApiClient) -> None:
    page = api.make_page()
    m1, m2, m3 = (make_metric(app, page["id"], name) for name in ("Latency", "Errors", "Load"))
    foreign = make_metric(app, api.make_page(name="Other")["id"])
    user = api.post(users(page["id"]), json={"email": "m@customer.com", "metric_ids": [m1]}).json
    assert user["metrics_only"] is True and user["metric_ids"] == [m1]
    assert user["components_only"] is False
    url = f"{users(page['id'])}/{user['id']}/metrics"
    assert api.patch(url, json={"metric_ids": [m2]}).json["metric_ids"] == sorted([m1, m2])
    assert api.put(url, json={"metric_ids": [m3]}).json["metric_ids"] == sorted([m1, m2, m3])
    assert api.post(url, json={"metric_ids": [m2]}).json["metric_ids"] == [m2]
    assert api.delete(url, json={"metric_ids": [m2]}).json["metric_ids"] == []
    api.post(url, json={"metric_ids": [m1, m3]})
    assert api.delete(f"{url}/{m1}").status_code == 204
    assert api.get(url).json["metric_ids"] == [m3]
    assert api.delete(f"{url}/{foreign}").status_code == 404
    for method in ("PATCH", "PUT", "POST", "DELETE"):
        refused = api.request(method, url, json={"metric_ids": [foreign, "nope"]})
        assert refused.status_code == 422, method
        [message] = refused.json["error"]["fields"]["metric_ids"]
        assert foreign in message and "nope" in message
    assert api.get(url).json["metric_ids"] == [m3]

    both = api.post(
        users(page["id"]),
        json={"email": "x@customer.com", "component_ids": ["c?"], "metric_ids": [foreign]},
    )
    assert both.status_code == 422
    assert set(both.json["error"]["fields"]) == {"component_ids", "metric_ids"}

    # The viewer context carries the metrics they see, for the metric renderings.
    api.patch(f"/{page['id']}", json={"visibility": "audience"})
    ext.viewer_loader(lambda request: request.headers.get("X-Viewer"))
    with app.test_request_context(headers={"X-Viewer": "m@customer.com"}):
        ref = access.page_ref(page["slug"])
        assert ref is not None
        assert access.viewer_for(ref) == Viewer("m@customer.com", None, frozenset({m3}))
    with app.app_context():
        ext.page_access_users.add_metrics(page["id"], user["id"], [m1])
        assert ext.page_access_users.get(page["id"], user["id"]).metric_ids == sorted([m1, m3])
