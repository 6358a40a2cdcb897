"""Custom domains: the owner proves in DNS that the page's domain points at us."""

from __future__ import annotations

from .. import domains
from ..domain import pages
from ..models import Page
from ..schemas import PageSchema
from .routing import Routes

routes = Routes(tag="Custom domains")


@routes.route("/<page_id>/verify-domain", "POST", response=PageSchema, errors=(404, 409, 422))
def verify_domain(owner: str, page_id: str) -> Page:
    """Verify the page's custom domain: a CNAME to us, and a TXT record proving ownership.

    Set ``custom_domain`` first, then add the records the page's answer lists
    in ``custom_domain_records``: a CNAME from the domain to
    ``STATUSPAGES_CNAME_TARGET`` (a chain of CNAMEs reaching it will do), and
    a TXT record at ``_statuspages.<domain>`` holding the page's own value.
    On success the page answers with ``custom_domain_verified_at`` set and is
    served for requests whose ``Host`` is the domain, within a few seconds on
    every server process. A 422 says what DNS answered: no record, a record
    pointing elsewhere, no TXT record with this page's value, or DNS out of
    reach (try again). A 409: another page has verified the domain. Changing
    ``custom_domain`` clears the verification.
    """
    return domains.verify_domain(pages.get_owned_page(owner, page_id))
