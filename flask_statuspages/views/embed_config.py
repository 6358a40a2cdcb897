"""Status embed config: where widget.js shows its notice, and in which colours."""

from __future__ import annotations

from typing import Any

from flask import request

from ..domain import embed_config, pages
from ..models import Page
from ..schemas import EmbedConfigInput, EmbedConfigSchema
from .routing import Routes

routes = Routes(tag="Status embed config")


@routes.route("/<page_id>/status-embed-config", "GET", response=EmbedConfigSchema, errors=(404,))
def get_status_embed_config(owner: str, page_id: str) -> Page:
    """Get the page's status embed config (its defaults until changed)."""
    return pages.get_owned_page(owner, page_id)


@routes.route(
    "/<page_id>/status-embed-config",
    "PUT",
    "PATCH",
    body=EmbedConfigInput,
    envelope="status_embed_config",
    partial=True,
    response=EmbedConfigSchema,
    errors=(404,),
)
def update_status_embed_config(owner: str, page_id: str, body: dict[str, Any]) -> Page:
    """Change the page's status embed config: PUT sets it whole (fields left out take
    their defaults), PATCH changes the fields given.

    Each text colour must contrast 4.5:1 at least with its background (WCAG AA for
    text), the stored one when the background is not given: 422 naming the text
    colour otherwise, and nothing changes.
    """
    page = pages.get_owned_page(owner, page_id)
    return embed_config.update_embed_config(page, body, replace=request.method == "PUT")
