"""What the tests of the console's audience screens share: the operator, a stranger's
headers, the rows of a table (to compare before and after a refused form), and
following a write to the screen that shows its flash message."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

CONSOLE = "/status-admin"
OPERATOR = {"X-Owner": "acme"}
STRANGER = {"X-Owner": "globex"}
#: A form sent by a page on another site, with the operator's credentials.
CROSS_SITE = {**OPERATOR, "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}


def count(app: Flask, model: Any, **where: Any) -> int:
    """Rows of ``model`` matching ``where``."""
    session = app.extensions["statuspages"].db.session
    with app.app_context():
        query = select(func.count()).select_from(model).filter_by(**where)
        found = int(session.scalar(query) or 0)
        session.remove()
    return found


def row(app: Flask, model: Any, key: str) -> Any:
    """The row of ``model`` with primary key ``key``, detached (its columns loaded)."""
    session = app.extensions["statuspages"].db.session
    with app.app_context():
        found = session.get(model, key)
        if found is not None:
            session.expunge(found)
        session.remove()
    return found


def follow(client: FlaskClient, response: Any) -> str:
    """The screen a write sent the browser to (303), as the operator sees it."""
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    shown = client.get(response.headers["Location"], headers=OPERATOR)
    assert shown.status_code == 200
    return str(shown.get_data(as_text=True))
