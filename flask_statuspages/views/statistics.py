"""Component statistics (admin and public) and page conveniences such as check-slug."""

from __future__ import annotations

from typing import Any

from .. import access
from ..domain import pages
from ..domain.statistics import component_statistics
from ..schemas import CheckSlugQuery, ComponentStatisticsSchema, SlugCheckSchema
from .public import PUBLIC_LIMIT
from .routing import Routes

routes = Routes(tag="Components")


@routes.route(
    "/check-slug",
    "GET",
    query=CheckSlugQuery,
    response=SlugCheckSchema,
    errors=(401, 422),
    tag="Pages",
)
def check_slug(owner: str, query: dict[str, Any]) -> Any:
    """Whether a slug is valid and free for a new page, and the next free one (seed 003).

    A slug that is not well formed answers ``valid: false`` with the reason,
    and a suggestion made from it as from a page's name.
    """
    return pages.check_slug(query["slug"])


@routes.route(
    "/<page_id>/components/<component_id>/statistics",
    "GET",
    response=ComponentStatisticsSchema,
    errors=(404,),
)
def component_statistics_admin(owner: str, page_id: str, component_id: str) -> Any:
    """A component's status and since when, uptime over 24 h, 7, 30 and 90 days, the
    incidents that named it in 90 days with their mean time to resolve, and what is open."""
    page = pages.get_owned_page(owner, page_id)
    return component_statistics(page.id, component_id)


@routes.route(
    "/public/<slug>/components/<component_id>/statistics",
    "GET",
    auth=False,
    response=ComponentStatisticsSchema,
    errors=(401, 404, 429),
    rate_limit=PUBLIC_LIMIT,
    tag="Public",
)
def component_statistics_public(slug: str, component_id: str) -> Any:
    """A component's statistics, for visitors: the same as the admin route's."""
    ref = access.visible_page(slug)
    access.check_component_visible(ref, component_id)
    return component_statistics(ref.id, component_id)
