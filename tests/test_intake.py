"""What a request must pass before any view of the extension runs (``intake.py``):
the cross-site rule (403), the media types of bodies (415), the size limit (413, also
chunked), and bodies and query strings that used to answer 500 (deep JSON, lone
surrogates, undecodable query strings). On SQLite and PostgreSQL, over every write
route the URL map declares, HTML site and API alike; nothing refused is written.
"""

from __future__ import annotations

import http.client
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from .browser_support import LiveServer
from .conftest import PREFIX, _reset_postgres, make_app
from .write_routes import (
    PASSWORD,
    WriteRoute,
    build_targets,
    database_rows,
    form_encoded,
    write_routes,
)

OWNER = {"X-Owner": "acme"}
TRUSTED = "https://admin.example.com"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"}
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {
        "STATUSPAGES_TRUSTED_ORIGINS": [TRUSTED],
        "STATUSPAGES_RETRY_BACKOFF": 3600,  # no retry falls due while a test runs
    }


@pytest.fixture
def targets(api: Any) -> dict[str, str]:
    return build_targets(api.client, OWNER)


def accepted_types(route: WriteRoute) -> set[str]:
    """What the contract says each route takes: the site forms, RFC 8058's
    one-click unsubscribe, JSON or form-encoded for the API's routes with a body
    (Statuspage's two encodings), and JSON everywhere else."""
    if route.site:
        return {FORM}
    if route.view == "unsubscribe":
        return {JSON, FORM, MULTIPART}
    if route.takes_body or route.view == "follow_sign_in_link":  # (the link's button)
        return {JSON, FORM}
    return {JSON}


def body_as(media_type: str | None, body: dict[str, Any] | None) -> dict[str, Any]:
    """Test-client arguments sending ``body`` (or a stand-in) as ``media_type``."""
    fields = body or {"List-Unsubscribe": "One-Click"}
    if media_type == JSON:
        return {"data": json.dumps(fields), "content_type": JSON}
    if media_type == FORM:
        return {"data": form_encoded(fields), "content_type": FORM}
    if media_type == MULTIPART:
        return {"data": {**fields, "file": (io.BytesIO(b"x"), "x.txt")}}
    if media_type == "text/plain":  # what <form enctype="text/plain"> sends
        text = "".join(f"{k}={v}\r\n" for k, v in fields.items())
        return {"data": text, "content_type": "text/plain"}
    return {"data": json.dumps(fields).encode()}  # no Content-Type at all


def send(api: Any, route: WriteRoute, media_type: str | None, headers: dict[str, str]) -> Any:
    return api.client.open(
        route.path,
        method=route.method,
        headers={**OWNER, **headers},
        **body_as(media_type, route.body),
    )


def native(route: WriteRoute) -> str:
    return FORM if route.site else JSON


# ------------------------------------------------------------ cross-site: 403


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://other.localhost"},
        {"Sec-Fetch-Site": "cross-site"},  # a no-cors fetch from a sandboxed frame
        {"Origin": "https://evil.example"},  # a browser without Sec-Fetch-Site
        {"Origin": "null"},  # a sandboxed frame or a data: page
        {"Sec-Fetch-Site": "cross-site", "Authorization": "Basic YWxpY2U6cHc="},
    ],
    ids=["cross-site", "same-site", "no-origin", "old-browser", "null", "basic-auth"],
)
def test_every_write_route_refuses_other_sites(
    app: Flask, api: Any, targets: dict[str, str], headers: dict[str, str]
) -> None:
    before = database_rows(app)
    for route in write_routes(app, targets):
        # In each media type the route takes: a form in the bracket notation is the
        # classic forgery, and the API reads one on every route with a body.
        for media_type in sorted(accepted_types(route) - {MULTIPART}):
            response = send(api, route, media_type, headers)
            assert response.status_code == 403, f"{route} as {media_type}: {response.status_code}"
            if route.site:
                assert response.mimetype == "text/html" and "Please try again" in response.text
                assert "Content-Security-Policy" in response.headers
            else:
                assert response.json["error"]["code"] == "cross_site_request", route
    assert database_rows(app) == before


#: The answers of views that refuse for reasons of their own in this scene.
DOMAIN_ANSWERS = {
    "statuspages.unlock_page": 404,  # the page has no password
    # The page is not audience-only: nobody signs in (or out).
    "statuspages.sign_in": 404,
    "statuspages.follow_sign_in_link": 404,
    "statuspages.sign_out": 404,
    "statuspages_site.sign_in": 404,
    "statuspages.verify_domain": 422,  # no STATUSPAGES_CNAME_TARGET
    "statuspages.reactivate_subscriber": 409,  # not quarantined
    "statuspages.retry_delivery": 409,  # not failed (yet)
    "statuspages.delete_subscriber": 404,  # unsubscribed just before
    # Their incident was deleted just before (the admin routes' deletions come first).
    "statuspages.delete_incident_update": 404,
    "statuspages.delete_postmortem": 404,
    # An order that is not the page's whole list (see write_routes.sample_bodies).
    "statuspages.reorder_components": 422,
    "statuspages.reorder_groups": 422,
    # Ids that are no component (metric) of the page (see write_routes.sample_bodies).
    **{
        f"statuspages.{verb}_page_access_user_{kind}": 422
        for verb in ("add", "replace")
        for kind in ("components", "metrics")
    },
    # The page access user was deleted just before (deletions come last, in route order).
    **{
        f"statuspages.remove_page_access_user_{kind}": 404
        for kind in ("components", "metrics", "component", "metric")
    },
}


def test_every_write_route_takes_requests_from_our_own_pages(
    app: Flask, api: Any, targets: dict[str, str]
) -> None:
    for route in write_routes(app, targets):
        response = send(api, route, native(route), SAME_ORIGIN)
        if route.endpoint in DOMAIN_ANSWERS:
            assert response.status_code == DOMAIN_ANSWERS[route.endpoint], route
        else:
            assert 200 <= response.status_code < 400, f"{route}: {response.text[:300]}"


def test_an_authorization_header_is_no_browsers(
    database_url: str, backend: str, app_config: dict[str, Any]
) -> None:
    """A page on another site cannot set ``Authorization: Bearer`` without a preflight."""
    app, ext, db = make_app(database_url, **app_config)
    with app.app_context():
        if backend == "postgresql":
            _reset_postgres(db)
        else:
            ext.create_all()
    result = app.test_cli_runner().invoke(args=["statuspages", "create-token", "acme"])
    bearer = {"Authorization": f"Bearer {result.stdout.strip()}"}
    client = app.test_client()
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": "https://ci.example"}
    created = client.post(f"{PREFIX}/", json={"name": "From CI"}, headers={**bearer, **cross})
    assert created.status_code == 201, created.json
    refused = client.post(f"{PREFIX}/", data="{}", content_type="text/plain", headers=bearer)
    assert refused.status_code == 415, "the media type still counts"
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("site", ["cross-site", "same-site", None])
def test_trusted_origins_may_post(api: Any, app: Flask, site: str | None) -> None:
    headers = {"Origin": TRUSTED, **({"Sec-Fetch-Site": site} if site else {})}
    created = api.post("/", json={"name": "From the admin"}, headers=headers)
    assert created.status_code == 201, created.json
    untrusted = {**headers, "Origin": "https://admin.example.com:8443"}
    assert api.post("/", json={"name": "x"}, headers=untrusted).status_code == 403


def test_reads_are_never_refused(api: Any, targets: dict[str, str]) -> None:
    cross = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    assert api.get("/", headers=cross).status_code == 200
    assert api.client.get(f"/status/{targets['slug']}", headers=cross).status_code == 200


# -------------------------------------------------------------- media types: 415


def test_every_write_route_refuses_other_media_types(
    app: Flask, api: Any, targets: dict[str, str]
) -> None:
    before = database_rows(app)
    candidates = [JSON, FORM, MULTIPART, "text/plain", None]
    for route in write_routes(app, targets):
        for media_type in [t for t in candidates if t not in accepted_types(route)]:
            response = send(api, route, media_type, SAME_ORIGIN)
            assert response.status_code == 415, f"{route} as {media_type}: {response.text}"
            if route.site:
                assert response.mimetype == "text/html"
            else:
                error = response.json["error"]
                assert error["code"] == "unsupported_media_type", route
                assert set(error) == {"code", "message"}
    assert database_rows(app) == before


def test_a_text_plain_form_no_longer_opens_an_incident(api: Any, targets: dict[str, str]) -> None:
    """The attack as it was seen: <form enctype="text/plain"> smuggling JSON."""
    page_id = targets["page_id"]
    smuggled = '{"title": "Forged", "x": "=y"}'
    for headers in ({}, {"Content-Type": "text/plain"}):
        response = api.post(f"/{page_id}/incidents", data=smuggled, headers=headers)
        assert response.status_code == 415
    assert api.get(f"/{page_id}/incidents").json["pagination"]["total"] == 1


def test_json_with_a_charset_is_json(api: Any) -> None:
    response = api.post(
        "/", data='{"name": "Charset"}', content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 201


def test_a_write_without_a_body_needs_no_content_type(api: Any, targets: dict[str, str]) -> None:
    page_id, subscriber_id = targets["page_id"], targets["subscriber_id"]
    assert api.post(f"/{page_id}/subscribers/{subscriber_id}/resend").status_code == 200
    assert api.delete(f"/{page_id}/components/{targets['component_id']}").status_code == 204
    done = api.client.post(f"{PREFIX}/unsubscribe/{targets['token']}", headers=SAME_ORIGIN)
    assert done.status_code == 200


def test_one_click_unsubscribe_in_multipart(api: Any, targets: dict[str, str]) -> None:
    """RFC 8058 says multipart first: a mail provider's POST works as it is sent."""
    page_id = targets["page_id"]
    response = api.client.post(
        f"{PREFIX}/unsubscribe/{targets['token']}",
        data=b'--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
        b"One-Click\r\n--b--\r\n",
        content_type="multipart/form-data; boundary=b",
        headers={"Accept": JSON},
    )
    assert response.status_code == 200, response.text
    assert api.get(f"/{page_id}/subscribers").json["pagination"]["total"] == 0


# ------------------------------------------------- bodies that answered 500


DEEP = 50_000


def deep_json(field: str, base: dict[str, Any]) -> str:
    """``base`` with ``field`` holding arrays nested :data:`DEEP` levels."""
    return json.dumps({**base, field: "SLOT"}).replace('"SLOT"', "[" * DEEP + "]" * DEEP)


def test_deeply_nested_json_is_400(app: Flask, api: Any, targets: dict[str, str]) -> None:
    slug, page_id = targets["slug"], targets["page_id"]
    api.put(f"/{page_id}", json={"password": PASSWORD})
    before = database_rows(app)
    attempts = [
        ("/", deep_json("theme", {"name": "Deep"})),
        (f"/{page_id}/incidents", deep_json("title", {})),
        (f"/public/{slug}/auth", deep_json("password", {})),
        (f"/public/{slug}/subscribe", deep_json("email", {})),
        ("/", json.dumps({"name": "Deep", "theme": {"x": _nested(40)}})),
    ]
    for path, raw in attempts:
        response = api.post(path, data=raw, content_type=JSON)
        assert response.status_code == 400, (path, response.text[:200])
        assert response.json["error"]["code"] == "bad_request"
        assert "nests deeper" in response.json["error"]["message"]
    assert database_rows(app) == before
    shallow = api.put(f"/{page_id}", json={"theme": {"primary_color": "#123"}})
    assert shallow.status_code == 200


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"x": value}
    return value


@pytest.mark.parametrize(
    "path, body",
    [
        ("/{page_id}/incidents", {"title": "Out\ud800age"}),
        ("/{page_id}/incidents", {"title": "Outage", "message": "\udfff"}),
        ("/{page_id}/incidents", {"title": "Outage", "\ud800": "x"}),
        ("/{page_id}", {"theme": {"logo_url": "https://a.example/\ud83d"}}),
        ("/{page_id}/subscribers", {"email": "a@example.org", "component_ids": ["\ud800"]}),
        ("/public/{slug}/subscribe", {"email": "\ud800@example.org"}),
        ("/public/{slug}/auth", {"password": "\ud800"}),
    ],
)
def test_a_lone_surrogate_in_a_body_is_400(
    app: Flask, api: Any, targets: dict[str, str], path: str, body: dict[str, Any]
) -> None:
    before = database_rows(app)
    method = "PUT" if path == "/{page_id}" else "POST"
    raw = json.dumps(body)  # ASCII-only: the surrogate travels as "\ud800"
    response = api.request(method, path.format(**targets), data=raw, content_type=JSON)
    assert response.status_code == 400, response.text
    assert response.json["error"]["code"] == "bad_request"
    assert "surrogate" in response.json["error"]["message"]
    assert database_rows(app) == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_a_lone_surrogate_in_any_case_and_encoding_is_400(
    api: Any, targets: dict[str, str], encoding: str
) -> None:
    raw = '{"title": "Outage", "message": "a\\uDBFF b"}'.encode(encoding)
    response = api.post(f"/{targets['page_id']}/incidents", data=raw, content_type=JSON)
    assert response.status_code == 400 and "surrogate" in response.json["error"]["message"]


def test_a_surrogate_pair_is_text(api: Any, targets: dict[str, str]) -> None:
    raw = json.dumps({"title": "Fire \U0001f525"})  # sent as "\ud83d\udd25"
    response = api.post(f"/{targets['page_id']}/incidents", data=raw, content_type=JSON)
    assert response.status_code == 201 and response.json["title"] == "Fire \U0001f525"


def test_a_query_string_that_is_not_utf8_is_400_everywhere(
    app: Flask, api: Any, targets: dict[str, str]
) -> None:
    """Raw bytes of a lone surrogate (and a stray byte) in the query, on every GET."""
    tried = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or not rule.endpoint.startswith("statuspages"):
            continue
        path = rule.build({name: targets.get(name, "x") for name in rule.arguments})
        assert path is not None
        for query in ("page=\xed\xa0\x80", "months=\xff"):
            response = api.client.get(
                path[1], headers=OWNER, environ_overrides={"QUERY_STRING": query}
            )
            assert response.status_code == 400, (rule.rule, response.status_code)
            if rule.endpoint.startswith(("statuspages_site.", "statuspages_console.")):
                assert response.mimetype == "text/html"
            else:
                assert response.json["error"]["code"] == "bad_request"
        tried += 1
    assert tried >= 20


# ------------------------------------------------------ chunked bodies: 413


@pytest.fixture
def live(app: Flask) -> Iterator[LiveServer]:
    """The app on a loopback port: werkzeug's server takes chunked bodies."""
    server = LiveServer(app)
    yield server
    server.stop()


def post_chunked(
    server: LiveServer, path: str, body: bytes, content_type: str
) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=10)
    try:
        connection.putrequest("POST", path)
        for name, value in {**OWNER, "Content-Type": content_type}.items():
            connection.putheader(name, value)
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for start in range(0, len(body), 700):
            chunk = body[start : start + 700]
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def test_a_chunked_body_over_the_limit_is_413(
    app: Flask, api: Any, targets: dict[str, str], live: LiveServer
) -> None:
    app.config["STATUSPAGES_MAX_CONTENT_LENGTH"] = 2000
    slug, page_id = targets["slug"], targets["page_id"]
    before = database_rows(app)
    big = "y" * 5000
    attempts = [
        (f"{PREFIX}/{page_id}/incidents", json.dumps({"title": "x", "message": big}), JSON),
        (f"{PREFIX}/public/{slug}/subscribe", json.dumps({"email": big + "@a.org"}), JSON),
        (f"/status/{slug}/subscribe", f"email={big}%40example.org", FORM),
        (f"{PREFIX}/", padded({"name": "One byte over"}, 2001), JSON),
    ]
    for path, body, content_type in attempts:
        status, mimetype, answer = post_chunked(live, path, body.encode(), content_type)
        assert status == 413, (path, status, answer[:200])
        if content_type == JSON:
            assert json.loads(answer)["error"]["code"] == "payload_too_large"
        else:
            assert mimetype.startswith("text/html")
    assert database_rows(app) == before
    fits = padded({"title": "Chunked, at the limit"}, 2000)
    status, _, answer = post_chunked(live, f"{PREFIX}/{page_id}/incidents", fits.encode(), JSON)
    assert status == 201, answer


def padded(body: dict[str, Any], size: int) -> str:
    """``body`` as JSON, padded with spaces to ``size`` bytes."""
    text = json.dumps(body)
    return text + " " * (size - len(text))
