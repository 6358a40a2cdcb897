"""Page access users: who may see an audience-only page, and which of its components.

Statuspage's ``/pages/{page_id}/page_access_users`` are ours at
``/<page_id>/page-access-users``, with its verbs: ``PATCH`` or ``PUT`` on
``.../components`` adds components, ``POST`` replaces them, ``DELETE``
removes those listed, ``DELETE .../components/<component_id>`` one; and the
same verbs on ``.../metrics``.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_sqlalchemy.pagination import Pagination

from ..domain import page_access, pages
from ..schemas import (
    ComponentIdsInput,
    Extended,
    MetricIdsInput,
    PageAccessUserInput,
    PageAccessUserQuery,
    PageAccessUserSchema,
)
from .admin import paginate
from .routing import Routes

routes = Routes(tag="Page access users")

USERS = "/<page_id>/page-access-users"
USER = USERS + "/<page_access_user_id>"


def _user(owner: str, page_id: str, user_id: str) -> Any:
    return page_access.get_user(pages.get_owned_page(owner, page_id), user_id)


@routes.route(
    USERS,
    "GET",
    query=PageAccessUserQuery,
    response=PageAccessUserSchema,
    paginated=True,
    errors=(404,),
)
def list_page_access_users(owner: str, page_id: str, query: dict[str, Any]) -> Pagination:
    """List a page's access users, oldest first; ``email`` finds one."""
    page = pages.get_owned_page(owner, page_id)
    found = paginate(page_access.users_of(page.id, query.get("email")), query)
    found.items = [page_access.shown(user) for user in found.items]
    return found


@routes.route(
    USERS,
    "POST",
    body=PageAccessUserInput,
    envelope="page_access_user",
    response=PageAccessUserSchema,
    status=201,
    location=lambda u: url_for(
        ".get_page_access_user", page_id=u.page_id, page_access_user_id=u.id
    ),
    errors=(404, 409),
)
def create_page_access_user(owner: str, page_id: str, body: dict[str, Any]) -> Extended:
    """Add a page access user; ``component_ids`` limits what they see to those components."""
    user = page_access.create_user(pages.get_owned_page(owner, page_id), body)
    return page_access.shown(user)


@routes.route(USER, "GET", response=PageAccessUserSchema, errors=(404,))
def get_page_access_user(owner: str, page_id: str, page_access_user_id: str) -> Extended:
    """Get one page access user with the ids of the components they see."""
    return page_access.shown(_user(owner, page_id, page_access_user_id))


@routes.route(
    USER,
    "PUT",
    "PATCH",
    body=PageAccessUserInput,
    envelope="page_access_user",
    partial=True,
    response=PageAccessUserSchema,
    errors=(404, 409),
)
def update_page_access_user(
    owner: str, page_id: str, page_access_user_id: str, body: dict[str, Any]
) -> Extended:
    """Update a page access user; ``component_ids``, when given, is their whole set."""
    user = page_access.update_user(_user(owner, page_id, page_access_user_id), body)
    return page_access.shown(user)


@routes.route(USER, "DELETE", status=204, errors=(404,))
def delete_page_access_user(owner: str, page_id: str, page_access_user_id: str) -> None:
    """Delete a page access user: their sessions end with it."""
    page_access.delete_user(_user(owner, page_id, page_access_user_id))


@routes.route(USER + "/components", "GET", response=PageAccessUserSchema, errors=(404,))
def get_page_access_user_components(owner: str, page_id: str, page_access_user_id: str) -> Any:
    """The page access user, with the components they see."""
    return page_access.shown(_user(owner, page_id, page_access_user_id))


@routes.route(
    USER + "/components",
    "PATCH",
    "PUT",
    body=ComponentIdsInput,
    response=PageAccessUserSchema,
    errors=(404,),
)
def add_page_access_user_components(
    owner: str, page_id: str, page_access_user_id: str, body: dict[str, Any]
) -> Extended:
    """Add components for a page access user (who then sees the listed ones only)."""
    user = _user(owner, page_id, page_access_user_id)
    return page_access.shown(page_access.add_components(user, body["component_ids"]))


@routes.route(
    USER + "/components",
    "POST",
    body=ComponentIdsInput,
    response=PageAccessUserSchema,
    errors=(404,),
)
def replace_page_access_user_components(
    owner: str, page_id: str, page_access_user_id: str, body: dict[str, Any]
) -> Extended:
    """Replace the components of a page access user."""
    user = _user(owner, page_id, page_access_user_id)
    return page_access.shown(page_access.replace_components(user, body["component_ids"]))


@routes.route(
    USER + "/components",
    "DELETE",
    body=ComponentIdsInput,
    response=PageAccessUserSchema,
    errors=(404,),
)
def remove_page_access_user_components(
    owner: str, page_id: str, page_access_user_id: str, body: dict[str, Any]
) -> Extended:
    """Remove components from a page access user."""
    user = _user(owner, page_id, page_access_user_id)
    return page_access.shown(page_access.remove_components(user, body["component_ids"]))


@routes.route(USER + "/components/<component_id>", "DELETE", status=204, errors=(404,))
def remove_page_access_user_component(
    owner: str, page_id: str, page_access_user_id: str, component_id: str
) -> None:
    """Remove one component from a page access user."""
    page_access.remove_component(_user(owner, page_id, page_access_user_id), component_id)


@routes.route(USER + "/metrics", "GET", response=PageAccessUserSchema, errors=(404,))
def get_page_access_user_metrics(owner: str, page_id: str, page_access_user_id: str) -> Any:
    """The page access user, with the metrics they see."""
    return page_access.shown(_user(owner, page_id, page_access_user_id))


@routes.route(
    USER + "/metrics",
    "PATCH",
    "PUT",
    body=MetricIdsInput,
    response=PageAccessUserSchema,
    errors=(404,),
)
def add_page_access_user_metrics(
    owner: str, page_id: str, page_access_user_id: str, body: dict[str, Any]
) -> Extended:
    """Add metrics for a page access user (who then sees the listed ones only)."""
    user = _user(owner, page_id, page_access_user_id)
    return page_access.shown(page_access.add_metrics(user, body["metric_ids"]))


@routes.route(
    USER + "/metrics",
    "POST",
    body=MetricIdsInput,
    response=PageAccessUserSchema,
    errors=(404,),
)
def replace_page_access_user_metrics(
    owner: str, page_id: str, page_access_user_id: str, body: dict[str, Any]
) -> Extended:
    """Replace the metrics of a page access user."""
    user = _user(owner, page_id, page_access_user_id)
    return page_access.shown(page_access.replace_metrics(user, body["metric_ids"]))


@routes.route(
    USER + "/metrics",
    "DELETE",
    body=MetricIdsInput,
    response=PageAccessUserSchema,
    errors=(404,),
)
def remove_page_access_user_metrics(
    owner: str, page_id: str, page_access_user_id: str, body: dict[str, Any]
) -> Extended:
    """Remove metrics from a page access user."""
    user = _user(owner, page_id, page_access_user_id)
    return page_access.shown(page_access.remove_metrics(user, body["metric_ids"]))


@routes.route(USER + "/metrics/<metric_id>", "DELETE", status=204, errors=(404,))
def remove_page_access_user_metric(
    owner: str, page_id: str, page_access_user_id: str, metric_id: str
) -> None:
    """Remove one metric from a page access user."""
    page_access.remove_metric(_user(owner, page_id, page_access_user_id), metric_id)
