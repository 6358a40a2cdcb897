"""A host app for tests that run the extension in other processes (``flask --app``)."""

from __future__ import annotations

import json
import os

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy

from flask_statuspages import StatusPages


def create_app() -> Flask:
    app = Flask("statuspages_hostapp")
    app.config.update(
        TESTING=True,
        SECRET_KEY="test-secret",
        SERVER_NAME="localhost",  # where links in emails point, as in tests/conftest.py
        SQLALCHEMY_DATABASE_URI=os.environ["HOSTAPP_DATABASE_URL"],
        MAIL_SUPPRESS_SEND=False,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=int(os.environ.get("HOSTAPP_MAIL_PORT", "1")),
        MAIL_DEFAULT_SENDER="status@example.com",
        STATUSPAGES_QUEUE=os.environ.get("HOSTAPP_QUEUE", "thread"),
        STATUSPAGES_REDIS_URL=os.environ.get("HOSTAPP_REDIS_URL"),
        STATUSPAGES_WEBHOOK_ALLOW_PRIVATE=True,
        STATUSPAGES_API_RATE_LIMIT=None,  # as in conftest.make_app; a test may set one
    )
    app.config.update(json.loads(os.environ.get("HOSTAPP_CONFIG", "{}")))  # a test's own keys
    db = SQLAlchemy(app)
    statuspages = StatusPages(app, db=db)
    statuspages.owner_loader(lambda: request.headers.get("X-Owner"))
    return app
