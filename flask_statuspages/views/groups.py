"""Component groups, and the order of components and groups."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_sqlalchemy.pagination import Pagination

from ..domain import components, groups, pages
from ..schemas import (
    ComponentListSchema,
    ComponentReorderInput,
    Extended,
    GroupInput,
    GroupListSchema,
    GroupReorderInput,
    GroupSchema,
    PaginationQuery,
)
from .admin import paginate
from .routing import Routes

routes = Routes(tag="Component groups")


# ``/<page_id>/components/reorder`` does not clash with ``.../<component_id>``:
# werkzeug ranks a static segment above a variable one, whatever the order of rules.


@routes.route(
    "/<page_id>/components/reorder",
    "PATCH",
    body=ComponentReorderInput,
    response=ComponentListSchema,
    errors=(404,),
    tag="Components",
)
def reorder_components(owner: str, page_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Put every component of the page in a new order, in one call."""
    page = pages.get_owned_page(owner, page_id)
    return {"data": components.reorder_components(page, body["ids"], body["field"])}


@routes.route(
    "/<page_id>/groups",
    "GET",
    query=PaginationQuery,
    response=GroupSchema,
    paginated=True,
    errors=(404,),
)
def list_groups(owner: str, page_id: str, query: dict[str, Any]) -> Pagination:
    """List a page's component groups, in display order."""
    page = pages.get_owned_page(owner, page_id)
    found = paginate(groups.ordered_groups(page.id), query)
    found.items = groups.with_members(found.items)
    return found


@routes.route(
    "/<page_id>/groups",
    "POST",
    body=GroupInput,
    envelope="component_group",
    response=GroupSchema,
    status=201,
    location=lambda g: url_for(".get_group", page_id=g.page_id, group_id=g.id),
    errors=(404, 409),
)
def create_group(owner: str, page_id: str, body: dict[str, Any]) -> Extended:
    """Add a component group; ``component_ids`` moves those components into it."""
    group = groups.create_group(pages.get_owned_page(owner, page_id), body)
    return groups.with_members([group])[0]


@routes.route(
    "/<page_id>/groups/reorder",
    "PATCH",
    body=GroupReorderInput,
    response=GroupListSchema,
    errors=(404,),
)
def reorder_groups(owner: str, page_id: str, body: dict[str, Any]) -> dict[str, Any]:
    """Put every group of the page in a new order, in one call."""
    page = pages.get_owned_page(owner, page_id)
    return {"data": groups.with_members(groups.reorder_groups(page, body["ids"]))}


@routes.route("/<page_id>/groups/<group_id>", "GET", response=GroupSchema, errors=(404,))
def get_group(owner: str, page_id: str, group_id: str) -> Extended:
    """Get one group with the ids of its components."""
    group = groups.get_group(pages.get_owned_page(owner, page_id), group_id)
    return groups.with_members([group])[0]


@routes.route(
    "/<page_id>/groups/<group_id>",
    "PUT",
    "PATCH",
    body=GroupInput,
    envelope="component_group",
    partial=True,
    response=GroupSchema,
    errors=(404, 409),
)
def update_group(owner: str, page_id: str, group_id: str, body: dict[str, Any]) -> Extended:
    """Update a group; ``component_ids``, when given, is its whole membership."""
    page = pages.get_owned_page(owner, page_id)
    group = groups.update_group(groups.get_group(page, group_id), body)
    return groups.with_members([group])[0]


@routes.route("/<page_id>/groups/<group_id>", "DELETE", status=204, errors=(404,))
def delete_group(owner: str, page_id: str, group_id: str) -> None:
    """Delete a group; its components stay on the page, ungrouped."""
    page = pages.get_owned_page(owner, page_id)
    groups.delete_group(groups.get_group(page, group_id))
