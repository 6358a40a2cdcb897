"""Rate limit counting (the ``limits`` library's storages, in memory and in Redis)."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask

from flask_statuspages.ratelimit import RateLimited, RateLimits


@pytest.fixture
def limits_app() -> Flask:
    app = Flask("limits")
    app.config.update(TWO="2 per second", MANY="100000 per minute;1 per day")
    return app


@pytest.fixture(params=["memory", "redis"])
def storage_uri(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        return str(request.getfixturevalue("redis_url"))
    return "memory://"


def test_a_client_over_the_limit_is_told_when_to_come_back(
    limits_app: Flask, storage_uri: str
) -> None:
    counter = RateLimits(storage_uri)
    with limits_app.test_request_context(environ_base={"REMOTE_ADDR": "10.0.0.1"}):
        counter.hit("TWO", "bucket")
        usage = counter.hit("TWO", "bucket", report=True)
        assert usage is not None and (usage.limit, usage.remaining) == (2, 0)
        assert time.time() < usage.reset_at <= time.time() + 1
        with pytest.raises(RateLimited) as raised:
            counter.hit("TWO", "bucket")
        assert raised.value.retry_after >= 1 and raised.value.limit == "2 per 1 second"
        counter.hit("TWO", "another bucket")  # buckets count apart
    with limits_app.test_request_context(environ_base={"REMOTE_ADDR": "10.0.0.2"}):
        counter.hit("TWO", "bucket")  # and so do addresses
    time.sleep(1.05)
    with limits_app.test_request_context(environ_base={"REMOTE_ADDR": "10.0.0.1"}):
        counter.hit("TWO", "bucket")  # a new window


def test_every_limit_of_a_list_counts(limits_app: Flask, storage_uri: str) -> None:
    counter = RateLimits(storage_uri)
    with limits_app.test_request_context():
        counter.hit("MANY", "bucket")
        with pytest.raises(RateLimited) as raised:
            counter.hit("MANY", "bucket")
        assert raised.value.limit == "1 per 1 day" and raised.value.retry_after > 3600


def test_the_memory_storage_starts_no_thread_per_request(limits_app: Flask) -> None:
    counter = RateLimits("memory://")
    time.sleep(0.05)  # the storage's own first timer has run
    before = threading.active_count()
    with limits_app.test_request_context():
        for _ in range(200):
            counter.storage.incr("key", expiry=60)
    assert threading.active_count() == before
    counter.storage.incr("short", expiry=0.01)
    time.sleep(0.02)
    counter.storage._next_sweep = 0.0  # as if a second had passed
    counter.storage.incr("key", expiry=60)  # finds the sweep due
    assert "short" not in counter.storage.storage


def test_an_unreachable_storage_lets_requests_through(limits_app: Flask) -> None:
    counter = RateLimits("redis://127.0.0.1:1/0")  # nothing listens there
    with limits_app.test_request_context():
        for _ in range(3):
            assert counter.hit("TWO", "bucket") is None  # a status page stays up
