"""``flask statuspages ...``: tokens, migrations, demo data."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import click
from alembic.util import CommandError
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import CursorResult, delete, select

from . import migrate
from .auth import create_token
from .demo import seed_demo
from .domain.metrics import prune_points
from .models import ApiToken
from .notify.queues import RqQueue, run_rq_worker
from .notify.worker import drain
from .state import db_session, get_state

P = ParamSpec("P")
R = TypeVar("R")

statuspages_cli = AppGroup("statuspages", help="Status pages: tokens, migrations, demo data.")


def _needs_tables(command: Callable[P, R]) -> Callable[P, R]:
    """Commands that use the extension's tables say in one line how to create them."""

    @functools.wraps(command)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        advice = migrate.missing_tables()
        if advice is not None:
            raise click.ClickException(advice)
        return command(*args, **kwargs)

    return checked


@statuspages_cli.command("create-token")
@click.argument("owner")
@click.option("--name", help="A label to recognise the token by.")
@_needs_tables
def create_token_command(owner: str, name: str | None) -> None:
    """Create an API token for OWNER and print it (it is shown only this once)."""
    token, clear = create_token(owner, name)
    click.echo(clear)
    click.echo(f"token id {token.id} for owner {owner!r}; keep the token secret.", err=True)


@statuspages_cli.command("list-tokens")
@click.argument("owner", required=False)
@_needs_tables
def list_tokens_command(owner: str | None) -> None:
    """List API tokens (ids, owners, labels; never the tokens themselves)."""
    query = select(ApiToken).order_by(ApiToken.created_at)
    if owner is not None:
        query = query.where(ApiToken.owner == owner)
    for token in db_session().scalars(query):
        click.echo(f"{token.id}\t{token.owner}\t{token.name or ''}\t{token.created_at:%Y-%m-%d}")


@statuspages_cli.command("revoke-token")
@click.argument("token_id")
@_needs_tables
def revoke_token_command(token_id: str) -> None:
    """Revoke the API token TOKEN_ID."""
    session = db_session()
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        delete(ApiToken).where(ApiToken.id == token_id)
    )
    deleted = result.rowcount
    session.commit()
    if not deleted:
        raise click.ClickException(f"No token with id {token_id!r}.")
    click.echo(f"Revoked {token_id}.")


@statuspages_cli.group("db")
def db_group() -> None:
    """The extension's own database migrations."""


@db_group.command("upgrade")
@click.argument("revision", default="heads")
def db_upgrade(revision: str) -> None:
    """Upgrade the extension's tables to REVISION (default: the latest)."""
    with _history_elsewhere():
        migrate.upgrade(revision)
    click.echo(f"statuspages tables upgraded to {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Downgrade the extension's tables to REVISION ("base" removes them)."""
    with _history_elsewhere():
        migrate.downgrade(revision)
    click.echo(f"statuspages tables downgraded to {revision}.")


@db_group.command("stamp")
@click.argument("revision")
def db_stamp(revision: str) -> None:
    """Record REVISION ("head": the latest) as the tables' version, migrating nothing.

    For tables made by ``create_all()`` that match this version's models.
    """
    with _history_elsewhere():
        migrate.stamp(revision)
    click.echo(f"statuspages tables stamped at {revision}.")


@db_group.command("current")
def db_current() -> None:
    """Show the revision the extension's tables are at, and where it is recorded."""
    click.echo(migrate.current())


@contextmanager
def _history_elsewhere() -> Iterator[None]:
    """A refused migration, or an unknown revision, is one line and a non-zero exit,
    not a traceback (nothing was written: each command is one transaction)."""
    try:
        yield
    except (migrate.HistoryElsewhere, CommandError) as refused:
        raise click.ClickException(str(refused)) from None


@statuspages_cli.command("worker")
@click.option("--burst", is_flag=True, help="Do all the work that is due now, then exit.")
@_needs_tables
def worker_command(burst: bool) -> None:
    """Deliver notifications: fan-out, sending and retries; prune old metric readings.

    With STATUSPAGES_QUEUE = "rq" this runs an RQ worker (with its scheduler,
    for retries) on the "statuspages" queue; otherwise it drains the outbox
    in the database every STATUSPAGES_POLL_INTERVAL seconds.
    """
    queue = get_state().queue
    if isinstance(queue, RqQueue):
        run_rq_worker(queue, burst=burst)
        if not burst:
            return  # the RQ worker was stopped
    if burst:
        prune_points()  # whenever this process last did it
        drain()
        click.echo("statuspages worker: nothing left that is due.")
        return
    interval = float(current_app.config["STATUSPAGES_POLL_INTERVAL"])
    click.echo(f"statuspages worker: draining the outbox every {interval:g}s.")
    while True:
        drain()
        time.sleep(interval)


@statuspages_cli.command("demo")
@click.option("--owner", default="demo", show_default=True, help="Tenant key of the demo page.")
@_needs_tables
def demo_command(owner: str) -> None:
    """Seed an example status page (does nothing when OWNER already has pages)."""
    page = seed_demo(owner)
    if page is None:
        click.echo(f"Owner {owner!r} already has pages; nothing seeded.")
    else:
        click.echo(f"Seeded page {page.name!r} (id {page.id}, slug {page.slug!r}).")
