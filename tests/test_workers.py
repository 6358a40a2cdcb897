"""Where and how the outbox is drained: a dying process, racing workers, threads, RQ."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from flask_statuspages import models
from flask_statuspages.models import new_id, utcnow
from flask_statuspages.notify import outbox
from flask_statuspages.notify.worker import drain

from .conftest import PREFIX, _reset_postgres, count_queries, header_owner, make_app

ROOT = Path(__file__).resolve().parent.parent


def add_verified_webhooks(db, page_id: str, url: str, count: int) -> None:
    now = utcnow()
    db.session.execute(
        insert(models.Subscriber),
        [
            {
                "id": new_id(),
                "page_id": page_id,
                "webhook_url": f"{url}?n={n}",
                "secret": "s" * 64,
                "verified_at": now,
                "created_at": now,
                "failure_streak": 0,
            }
            for n in range(count)
        ],
    )
    db.session.commit()


def hostapp_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "HOSTAPP_DATABASE_URL": database_url,
        "FLASK_APP": "tests.hostapp:create_app",
    }
    env.update({f"HOSTAPP_{k.upper()}": v for k, v in extra.items()})
    return env


def test_process_dies_after_commit_and_a_fresh_worker_finishes(
    api, app, db, database_url, smtp, receiver
) -> None:
    page = api.make_page()
    with app.app_context():
        add_verified_webhooks(db, page["id"], receiver.url, 3)
    email = api.make_subscriber(page["id"], email="ops@acme.com")
    api.client.get(f"{PREFIX}/{page['id']}/subscribers/verify/{email['verify_token']}")

    script = f"""
import os
from flask_statuspages import signals
from tests.hostapp import create_app
app = create_app()
signals.incident_created.connect(lambda sender, **kw: os._exit(0), sender=app, weak=False)
app.test_client().post("{PREFIX}/{page["id"]}/incidents", json={{"title": "Crash"}},
                       headers={{"X-Owner": "acme"}})
raise SystemExit("the process should have died after the commit")
"""
    env = hostapp_env(database_url, mail_port=str(smtp.port))
    died = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, timeout=60)
    assert died.returncode == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(models.Incident)) == 1
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(models.Delivery)
                .join(models.NotificationEvent)
                .where(models.NotificationEvent.kind == "incident.created")
            )
            == 0
        )

    worker = subprocess.run(
        [sys.executable, "-m", "flask", "statuspages", "worker", "--burst"],
        cwd=ROOT,
        env=env,
        timeout=120,
        capture_output=True,
        text=True,
    )
    assert worker.returncode == 0, worker.stderr
    crash_posts = [r for r in receiver.wait_for(3) if b'"Crash"' in r["body"]]
    assert (
        len({r["headers"]["X-Statuspages-Delivery"] for r in crash_posts}) == len(crash_posts) == 3
    )
    crash_mails = [m for m in smtp.wait_for(1) if "Crash" in m["Subject"]]
    assert len(crash_mails) == 1
    assert crash_mails[0]["List-Unsubscribe"].startswith("<http://localhost/")


@pytest.fixture
def pg_app_bundle(pg_url):
    app, ext, db = make_app(
        pg_url,
        STATUSPAGES_WEBHOOK_ALLOW_PRIVATE=True,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10},
    )
    ext.owner_loader(header_owner)
    with app.app_context():
        _reset_postgres(db)
    yield app, db
    with app.app_context():
        db.engine.dispose()


def test_two_workers_race_on_postgresql(pg_app_bundle, receiver) -> None:
    app, db = pg_app_bundle
    client = app.test_client()
    page = client.post(PREFIX + "/", json={"name": "Race"}, headers={"X-Owner": "acme"}).json
    with app.app_context():
        add_verified_webhooks(db, page["id"], receiver.url, 300)
        page_row = db.session.get(models.Page, page["id"])
        outbox.record(page_row, "incident.created")  # as a write does, without draining
        db.session.commit()

    def work() -> None:
        with app.app_context():
            drain()

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    ids = [r["headers"]["X-Statuspages-Delivery"] for r in receiver.requests]
    assert len(ids) == len(set(ids)) == 300
    with app.app_context():
        statuses = db.session.execute(
            select(models.Delivery.status, func.count()).group_by(models.Delivery.status)
        ).all()
    assert statuses == [("sent", 300)]


def test_thread_queue_delivers_in_the_background(database_url, backend, receiver) -> None:
    app, ext, db = make_app(
        database_url, STATUSPAGES_QUEUE="thread", STATUSPAGES_WEBHOOK_ALLOW_PRIVATE=True
    )
    ext.owner_loader(header_owner)
    with app.app_context():
        _reset_postgres(db) if backend == "postgresql" else ext.create_all()
    client = app.test_client()
    owner = {"X-Owner": "acme"}
    page = client.post(PREFIX + "/", json={"name": "Threaded"}, headers=owner).json
    with app.app_context():
        add_verified_webhooks(db, page["id"], receiver.url, 2)
    response = client.post(f"{PREFIX}/{page['id']}/incidents", json={"title": "Bg"}, headers=owner)
    assert response.status_code == 201
    posts = receiver.wait_for(2, timeout=15)
    assert sorted(json.loads(p["body"])["event"] for p in posts) == ["incident.created"] * 2
    app.extensions["statuspages"].queue.stop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def rq_app(database_url, backend, redis_url, smtp):
    app, ext, db = make_app(
        database_url,
        STATUSPAGES_QUEUE="rq",
        STATUSPAGES_REDIS_URL=redis_url,
        MAIL_PORT=smtp.port,
    )
    ext.owner_loader(header_owner)
    with app.app_context():
        _reset_postgres(db) if backend == "postgresql" else ext.create_all()
    yield app, db
    with app.app_context():
        db.engine.dispose()


def test_rq_queue_and_worker(rq_app, smtp) -> None:
    app, db = rq_app
    client = app.test_client()
    owner = {"X-Owner": "acme"}
    page = client.post(PREFIX + "/", json={"name": "Queued"}, headers=owner).json
    sub = client.post(
        f"{PREFIX}/{page['id']}/subscribers", json={"email": "ops@acme.com"}, headers=owner
    ).json
    rq_queue = app.extensions["statuspages"].queue.queue
    assert rq_queue.count >= 1  # the verification email waits for a worker
    assert smtp.messages == []
    result = app.test_cli_runner().invoke(args=["statuspages", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert rq_queue.count == 0
    assert len(smtp.wait_for(1)) == 1
    client.get(f"{PREFIX}/{page['id']}/subscribers/verify/{sub['verify_token']}")
    client.post(f"{PREFIX}/{page['id']}/incidents", json={"title": "Via RQ"}, headers=owner)
    app.test_cli_runner().invoke(args=["statuspages", "worker", "--burst"])
    assert ["Via RQ" in m["Subject"] for m in smtp.wait_for(2)] == [False, True]


def test_incident_request_does_the_same_work_for_any_subscriber_count(rq_app) -> None:
    app, db = rq_app
    client = app.test_client()
    owner = {"X-Owner": "acme"}
    counts = []
    for size in (5, 500):
        page = client.post(PREFIX + "/", json={"name": f"Size {size}"}, headers=owner).json
        with app.app_context():
            add_verified_webhooks(db, page["id"], "http://127.0.0.1:9/hook", size)
        with app.app_context(), count_queries(db) as queries:
            response = client.post(
                f"{PREFIX}/{page['id']}/incidents", json={"title": "x"}, headers=owner
            )
        assert response.status_code == 201
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_subscriber_verified_after_an_event_does_not_get_it(api, app, db, receiver) -> None:
    app.config["STATUSPAGES_WEBHOOK_ALLOW_PRIVATE"] = True
    page = api.make_page()
    with app.app_context():
        add_verified_webhooks(db, page["id"], receiver.url, 1)
        outbox.record(db.session.get(models.Page, page["id"]), "incident.created")
        db.session.commit()  # recorded, not yet expanded by a worker
    late = api.make_subscriber(page["id"], webhook_url=receiver.url + "?late")
    api.client.get(f"{PREFIX}/{page['id']}/subscribers/verify/{late['verify_token']}")
    with app.app_context():
        drain()
    events = [(r["headers"]["X-Statuspages-Event"], r["body"]) for r in receiver.requests]
    assert sum(1 for kind, _ in events if kind == "incident.created") == 1
