"""(being written)"""

from __future__ import annotations

from flask import Blueprint, Flask


def create_site_blueprint(app: Flask) -> Blueprint:
    return Blueprint("statuspages_site", "flask_statuspages", url_prefix=app.config["STATUSPAGES_SITE_PREFIX"])
