"""Page access users: who may see an audience-only page, and which of its components
and metrics.

A user with ``components_only`` false sees every component of the page;
once components are added (or set) it sees those only, until
``components_only`` is set false again; ``metrics_only`` and their metrics
likewise. Deleting a component takes it from every user; deleting a user
ends their sessions (each request looks them up).

Signing in: :func:`request_sign_in` emails a known address a link whose
token (:func:`access.sign_in_link_token`) carries the user's ``login_nonce``;
:func:`use_sign_in_link` checks it and changes the nonce in one conditional
``UPDATE``, so a link works once, even when followed twice at the same time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from .. import access, i18n, mail, tokens
from ..changes import commit
from ..errors import ApiError, conflict, not_found, validation_error
from ..links import external_url
from ..models import (
    Metric,
    Page,
    PageAccessUser,
    PageAccessUserComponent,
    PageAccessUserMetric,
    new_id,
)
from ..schemas import Extended
from ..state import db_session
from .components import check_on_page, unknown_on_page

log = logging.getLogger(__name__)


def users_of(page_id: str, email: str | None = None, text: str | None = None) -> Any:
    """The page's access users, oldest first; ``email`` finds one, ``text`` those whose
    email holds it (any case)."""
    query = select(PageAccessUser).where(PageAccessUser.page_id == page_id)
    if email is not None:
        query = query.where(PageAccessUser.email_key == email.strip().lower())
    if text:
        query = query.where(PageAccessUser.email_key.contains(text.lower(), autoescape=True))
    return query.order_by(PageAccessUser.created_at, PageAccessUser.id)


def get_user(page: Page, user_id: str) -> PageAccessUser:
    user = db_session().scalar(
        select(PageAccessUser).where(
            PageAccessUser.page_id == page.id, PageAccessUser.id == user_id
        )
    )
    if user is None:
        raise not_found("Page access user")
    return user


def shown(user: PageAccessUser) -> Extended:
    """``user`` with its ``component_ids`` and ``metric_ids``, for
    :class:`~..schemas.PageAccessUserSchema`."""
    return Extended(user, component_ids=user.component_ids, metric_ids=user.metric_ids)


def _email_taken(email: str) -> Exception:
    return conflict(f"The page has a page access user with the email {email!r} already.")


def _check_email_free(page_id: str, email: str, except_id: str | None = None) -> None:
    query = select(PageAccessUser.id).where(
        PageAccessUser.page_id == page_id, PageAccessUser.email_key == email.lower()
    )
    if except_id is not None:
        query = query.where(PageAccessUser.id != except_id)
    if db_session().scalar(query) is not None:
        raise _email_taken(email)


def _commit(email: str) -> None:
    """Commit; a concurrent write that took the email meanwhile (the unique index) is 409."""
    try:
        commit()
    except IntegrityError:
        db_session().rollback()
        raise _email_taken(email) from None


def _set_components(user: PageAccessUser, ids: Sequence[str]) -> None:
    keep = set(ids)
    user.component_links = [link for link in user.component_links if link.component_id in keep]
    have = {link.component_id for link in user.component_links}
    for component_id in sorted(keep - have):
        user.component_links.append(PageAccessUserComponent(component_id=component_id))


def _set_metrics(user: PageAccessUser, ids: Sequence[str]) -> None:
    keep = set(ids)
    user.metric_links = [link for link in user.metric_links if link.metric_id in keep]
    have = {link.metric_id for link in user.metric_links}
    for metric_id in sorted(keep - have):
        user.metric_links.append(PageAccessUserMetric(metric_id=metric_id))


def check_metrics_on_page(page: Page, metric_ids: Sequence[str]) -> None:
    """422 on ``metric_ids`` unless every one of them is a metric of ``page``."""
    wanted = set(metric_ids)
    known = set(
        db_session().scalars(
            select(Metric.id).where(Metric.page_id == page.id, Metric.id.in_(wanted))
        )
    )
    unknown = sorted(wanted - known)
    if unknown:
        raise validation_error(
            {"metric_ids": [f"No such metric on this page: {', '.join(unknown)}."]}
        )


def _check_ids(page: Page, components: Sequence[str] | None, metrics: Sequence[str] | None) -> None:
    """Both checks, so that one 422 names every failing field."""
    problems: dict[str, Any] = {}
    for ids, check in ((components, check_on_page), (metrics, check_metrics_on_page)):
        if ids is None:
            continue
        try:
            check(page, ids)
        except ApiError as error:
            problems.update(error.fields or {})
    if problems:
        raise validation_error(problems)


def create_user(page: Page, data: dict[str, Any]) -> PageAccessUser:
    """Add a page access user; ``component_ids`` (``metric_ids``) limits them to those
    components (metrics)."""
    data = dict(data)
    ids = data.pop("component_ids", None)
    metric_ids = data.pop("metric_ids", None)
    _check_ids(page, ids, metric_ids)
    _check_email_free(page.id, data["email"])
    user = PageAccessUser(
        id=new_id(),
        page_id=page.id,
        email=data["email"],
        email_key=data["email"].lower(),
        external_login=data.get("external_login"),
        components_only=data.get("components_only", ids is not None),
        metrics_only=data.get("metrics_only", metric_ids is not None),
        login_nonce=new_id(),
    )
    db_session().add(user)
    if ids:
        _set_components(user, ids)
    if metric_ids:
        _set_metrics(user, metric_ids)
    _commit(user.email)
    return user


def update_user(user: PageAccessUser, data: dict[str, Any]) -> PageAccessUser:
    """Change a user; ``component_ids`` (``metric_ids``), when given, is their whole new
    set of components (metrics)."""
    data = dict(data)
    ids = data.pop("component_ids", None)
    metric_ids = data.pop("metric_ids", None)
    _check_ids(user_page(user), ids, metric_ids)
    if ids is not None:
        _set_components(user, ids)
        data.setdefault("components_only", True)
    if metric_ids is not None:
        _set_metrics(user, metric_ids)
        data.setdefault("metrics_only", True)
    if "email" in data:
        _check_email_free(user.page_id, data["email"], user.id)
        user.email_key = data["email"].lower()
        if user.email_key != user.email.lower():
            user.login_nonce = new_id()  # a link sent to the old address no longer works
    for key, value in data.items():
        setattr(user, key, value)
    _commit(user.email)
    return user


def user_page(user: PageAccessUser) -> Page:
    page = db_session().get(Page, user.page_id)
    assert page is not None
    return page


def delete_user(user: PageAccessUser) -> None:
    session = db_session()
    for link in (PageAccessUserComponent, PageAccessUserMetric):
        session.execute(delete(link).where(link.user_id == user.id))
    session.delete(user)
    commit()


def _grant(user: PageAccessUser, kind: str, ids: Sequence[str], how: str) -> PageAccessUser:
    """Add, replace or remove (``how``) the user's ``components`` or ``metrics``
    (``kind``); from then on the user sees only the ones listed."""
    page = user_page(user)
    if kind == "components":
        check_on_page(page, ids)
        held, store = user.component_ids, _set_components
        user.components_only = True
    else:
        check_metrics_on_page(page, ids)
        held, store = user.metric_ids, _set_metrics
        user.metrics_only = True
    if how == "add":
        store(user, [*held, *ids])
    elif how == "replace":
        store(user, ids)
    else:
        gone = set(ids)
        store(user, [i for i in held if i not in gone])
    _commit(user.email)
    return user


def add_components(user: PageAccessUser, ids: Sequence[str]) -> PageAccessUser:
    """Let the user see these components too (and, from now on, only the ones listed)."""
    return _grant(user, "components", ids, "add")


def replace_components(user: PageAccessUser, ids: Sequence[str]) -> PageAccessUser:
    """The user sees exactly these components."""
    return _grant(user, "components", ids, "replace")


def remove_components(user: PageAccessUser, ids: Sequence[str]) -> PageAccessUser:
    """The user no longer sees these components (none left: only page-wide incidents)."""
    return _grant(user, "components", ids, "remove")


def remove_component(user: PageAccessUser, component_id: str) -> None:
    """``DELETE .../components/<component_id>``: 404 unless it is one of the page's."""
    if unknown_on_page(user_page(user), [component_id]):
        raise not_found("Component")
    remove_components(user, [component_id])


def add_metrics(user: PageAccessUser, ids: Sequence[str]) -> PageAccessUser:
    """Let the user see these metrics too (and, from now on, only the ones listed)."""
    return _grant(user, "metrics", ids, "add")


def replace_metrics(user: PageAccessUser, ids: Sequence[str]) -> PageAccessUser:
    """The user sees exactly these metrics."""
    return _grant(user, "metrics", ids, "replace")


def remove_metrics(user: PageAccessUser, ids: Sequence[str]) -> PageAccessUser:
    """The user no longer sees these metrics."""
    return _grant(user, "metrics", ids, "remove")


def remove_metric(user: PageAccessUser, metric_id: str) -> None:
    """``DELETE .../metrics/<metric_id>``: 404 unless it is one of the page's."""
    found = db_session().scalar(
        select(Metric.id).where(Metric.page_id == user.page_id, Metric.id == metric_id)
    )
    if found is None:
        raise not_found("Metric")
    remove_metrics(user, [metric_id])


# ------------------------------------------------------------------ signing in


def request_sign_in(
    ref: access.PageRef, email: str, page_url: str, domain_root: str | None = None
) -> None:
    """Email a sign-in link to ``email`` if it is one of the page's access users.

    Says nothing either way (the caller answers the same): whether an address
    is known is not for visitors to find out. ``domain_root``: the request came
    to the page's verified custom domain, where the link leads too (a session
    cookie is for the host that set it).
    """
    user = access.access_user(ref.id, email)
    if user is None:
        return
    token = access.sign_in_link_token(user)
    if domain_root is not None:
        link = f"{domain_root}/sign-in/{token}"
    else:
        link = external_url("statuspages.follow_sign_in_link", slug=ref.slug, token=token)
    page = db_session().get(Page, ref.id)
    assert page is not None
    minutes = max(1, current_app.config["STATUSPAGES_VIEWER_LINK_MAX_AGE"] // 60)
    with i18n.rendering_in(page.locale or i18n.DEFAULT_LOCALE):
        message = mail.build_message(
            "sign_in",
            user.email,
            i18n.gettext("Sign in to %(name)s", name=page.name),
            page_name=page.name,
            link=link,
            page_url=page_url,
            minutes=minutes,
        )
    try:
        with mail.connection() as connection:
            connection.send(message)
    except Exception:  # the answer must not tell (and the visitor can ask again)
        log.exception("could not send a sign-in link for page %s", ref.id)


def use_sign_in_link(ref: access.PageRef, token: str) -> PageAccessUser:
    """The user a sign-in link is for, once: the link stops working as it is used.

    404 for a link that is not for this page, tampered with, expired or used.
    """
    max_age = current_app.config["STATUSPAGES_VIEWER_LINK_MAX_AGE"]
    try:
        payload: Any = tokens.load(tokens.Purpose.VIEWER_LINK, token, max_age=max_age)
    except tokens.TokenExpired:
        raise ApiError(404, "This sign-in link has expired: ask for another.") from None
    except tokens.TokenInvalid:
        raise ApiError(404, "This sign-in link is not valid.") from None
    if not isinstance(payload, dict) or payload.get("p") != ref.id:
        raise ApiError(404, "This sign-in link is not valid.")
    session = db_session()
    used = session.execute(
        update(PageAccessUser)
        .where(
            PageAccessUser.id == str(payload.get("u")),
            PageAccessUser.page_id == ref.id,
            PageAccessUser.login_nonce == str(payload.get("n")),
        )
        .values(login_nonce=new_id())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise ApiError(404, "This sign-in link was used already: ask for another.")
    commit()
    user = session.get(PageAccessUser, str(payload["u"]), populate_existing=True)
    assert user is not None
    return user
