"""The admin API's rate limit (``STATUSPAGES_API_RATE_LIMIT``): per API token, or per
owner when the host's loader authenticates; 429 ``rate_limited`` with ``Retry-After``
and ``X-RateLimit-*``; in process memory, or in Redis shared by every process.

The test apps of the rest of the suite turn the limit off (tests/conftest.py); here
it is on, the default one included.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from flask_statuspages.extension import DEFAULT_CONFIG

from .conftest import PREFIX, _reset_postgres, header_owner, make_app

DEFAULT_LIMIT = DEFAULT_CONFIG["STATUSPAGES_API_RATE_LIMIT"]


@pytest.fixture(params=["memory", "redis"])
def storage(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The limit's storage: process memory, or Redis (``STATUSPAGES_REDIS_URL``)."""
    if request.param == "redis":
        return {"STATUSPAGES_REDIS_URL": request.getfixturevalue("redis_url")}
    return {}


@pytest.fixture
def make(database_url: str, backend: str) -> Iterator[Any]:
    """``make(limit, owner_loader=False, **config)``: an app on the test's database (made
    empty once), with that limit; several may share the database."""
    made: list[Any] = []

    def factory(limit: str | None, owner_loader: bool = False, **config: Any) -> Flask:
        app, ext, db = make_app(database_url, STATUSPAGES_API_RATE_LIMIT=limit, **config)
        if owner_loader:
            ext.owner_loader(header_owner)
        if not made:
            with app.app_context():
                if backend == "postgresql":
                    _reset_postgres(db)
                else:
                    ext.create_all()
        made.append((app, db))
        return app

    yield factory
    for app, db in made:
        with app.app_context():
            db.engine.dispose()


def create_token(app: Flask, owner: str) -> dict[str, str]:
    result = app.test_cli_runner().invoke(args=["statuspages", "create-token", owner])
    assert result.exit_code == 0, result.output
    return {"Authorization": f"OAuth {result.stdout.strip()}"}


def until_refused(app: Flask, headers: dict[str, str], most: int) -> tuple[list[Any], Any]:
    """GET the page list until a 429 (at most ``most`` tries): the answers before it,
    and the 429."""
    client = app.test_client()
    accepted = []
    for _ in range(most):
        response = client.get(PREFIX + "/", headers=headers)
        if response.status_code == 429:
            return accepted, response
        assert response.status_code == 200, response.json
        accepted.append(response)
    raise AssertionError(f"no 429 after {most} requests")


def test_the_default_is_statuspages_one_request_a_second_with_a_burst() -> None:
    assert DEFAULT_LIMIT == "60 per minute;10 per second"


def test_the_default_limit_refuses_with_its_headers(make: Any, storage: dict[str, Any]) -> None:
    app = make(DEFAULT_LIMIT, **storage)
    acme = create_token(app, "acme")
    # 10 a second at most, 60 a minute: a 429 comes by the 61st request, however slow
    # the machine, and never before the 11th.
    accepted, refused = until_refused(app, acme, 61)
    assert len(accepted) >= 10
    first = accepted[0].headers
    assert first["X-RateLimit-Limit"] == "10" and first["X-RateLimit-Remaining"] == "9"
    assert int(first["X-RateLimit-Reset"]) >= int(time.time())
    assert refused.json["error"]["code"] == "rate_limited"
    assert any(limit in refused.json["error"]["message"] for limit in ("10 per", "60 per"))
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["X-RateLimit-Limit"] in ("10", "60")
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert int(refused.headers["X-RateLimit-Reset"]) >= int(time.time())
    globex = create_token(app, "globex")
    other = app.test_client().get(PREFIX + "/", headers=globex)
    assert other.status_code == 200, "each token has its own allowance"


def test_a_second_token_of_the_same_owner_counts_apart(make: Any) -> None:
    app = make("2 per minute")
    first, second = create_token(app, "acme"), create_token(app, "acme")
    accepted, _ = until_refused(app, first, 3)
    assert len(accepted) == 2
    assert app.test_client().get(PREFIX + "/", headers=second).status_code == 200


def test_with_a_host_loader_the_owner_counts(make: Any, storage: dict[str, Any]) -> None:
    app = make("3 per minute", owner_loader=True, **storage)
    client = app.test_client()
    acme = {"X-Owner": "acme"}
    assert client.get(PREFIX + "/").status_code == 401  # not counted: nobody to count
    remaining = [
        client.post(PREFIX + "/", json={"name": f"Acme {n}"}, headers=acme).headers[
            "X-RateLimit-Remaining"
        ]
        for n in range(3)
    ]
    assert remaining == ["2", "1", "0"]
    refused = client.post(PREFIX + "/", json={"name": "One too many"}, headers=acme)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert client.get(PREFIX + "/", headers={"X-Owner": "globex"}).status_code == 200
    unlimited = make(None, owner_loader=True).test_client()
    listed = unlimited.get(PREFIX + "/", headers=acme).json
    assert listed["pagination"]["total"] == 3, "a refused write writes nothing"


def test_two_processes_share_one_counter_in_redis(make: Any, redis_url: str) -> None:
    """Two app instances (as two server processes) on one Redis: one allowance."""
    first = make("5 per minute", STATUSPAGES_REDIS_URL=redis_url)
    second = make("5 per minute", STATUSPAGES_REDIS_URL=redis_url)
    token = create_token(first, "acme")
    answers = [
        (first if n % 2 == 0 else second).test_client().get(PREFIX + "/", headers=token)
        for n in range(6)
    ]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["4", "3", "2", "1", "0", "0"]
    assert second.test_client().get(PREFIX + "/", headers=token).status_code == 429


def test_in_memory_each_process_counts_alone(make: Any) -> None:
    first, second = make("2 per minute"), make("2 per minute")
    token = create_token(first, "acme")
    assert len(until_refused(first, token, 3)[0]) == 2
    assert second.test_client().get(PREFIX + "/", headers=token).status_code == 200


def test_none_turns_the_limit_off(make: Any) -> None:
    app = make(None)
    token = create_token(app, "acme")
    client = app.test_client()
    answers = [client.get(PREFIX + "/", headers=token) for _ in range(70)]
    assert {a.status_code for a in answers} == {200}
    assert "X-RateLimit-Limit" not in answers[-1].headers


def test_the_public_routes_do_not_count(make: Any) -> None:
    app = make("1 per minute", owner_loader=True)
    client = app.test_client()
    acme = {"X-Owner": "acme"}
    page = client.post(PREFIX + "/", json={"name": "Acme", "slug": "acme"}, headers=acme)
    assert page.status_code == 201
    for _ in range(3):
        assert client.get(f"{PREFIX}/public/acme").status_code == 200
    assert client.get(PREFIX + "/", headers=acme).status_code == 429


def test_a_wrong_limit_fails_at_start(database_url: str) -> None:
    with pytest.raises(ValueError, match="STATUSPAGES_API_RATE_LIMIT"):
        make_app(database_url, STATUSPAGES_API_RATE_LIMIT="sixty a minute")
