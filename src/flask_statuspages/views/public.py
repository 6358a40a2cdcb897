"""Routes for visitors and outside tools: no authentication."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from .. import snapshot
from ..schemas import PublicPageSchema
from .routing import Routes

routes = Routes(tag="Public")


@routes.route("/public/<slug>", "GET", auth=False, response=PublicPageSchema, errors=(404,))
def public_page(slug: str) -> Any:
    """The public face of a page: overall status, components, active and recent incidents."""
    return jsonify(snapshot.build_snapshot(snapshot.public_page(slug)))
