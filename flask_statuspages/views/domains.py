"""Custom domains: the owner proves in DNS that the page's domain points at us."""

from __future__ import annotations

from .. import domains, pages
from ..models import Page
from ..schemas import PageSchema
from .routing import Routes

routes = Routes(tag="Custom domains")


@routes.route("/<page_id>/verify-domain", "POST", response=PageSchema, errors=(404, 422))
def verify_domain(owner: str, page_id: str) -> Page:
    """Verify the page's custom domain: its CNAME must point at ``STATUSPAGES_CNAME_TARGET``.

    Set ``custom_domain`` first and a CNAME record from it to the server's
    target (a chain of CNAMEs reaching it will do). On success the page
    answers with ``custom_domain_verified_at`` set and is served for requests
    whose ``Host`` is the domain, within a few seconds on every server
    process. A 422 says what DNS answered: no record, a record pointing
    elsewhere, or DNS out of reach (try again). Changing ``custom_domain``
    clears the verification.
    """
    return domains.verify_domain(pages.get_owned_page(owner, page_id))
