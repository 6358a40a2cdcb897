"""The Python API: what the REST API does, done in-process by host code.

A cron job, a health check that opens an incident, an admin view of the host's
own: each calls ``statuspages.pages``, ``.components``, ``.incidents``,
``.maintenances`` or ``.subscribers`` of the :class:`~flask_statuspages.StatusPages`
object, inside an application context::

    with app.app_context():
        page = statuspages.pages.create("acme", name="Acme Status")
        api = statuspages.components.create(page, name="API")
        statuspages.incidents.create(page, title="Errors on the API", severity="major")

Fields are the REST API's, validated by the same schemas, and every write is the
same domain operation the routes call: the same tenancy rules, signals and
notifications. Bad input raises :class:`~flask_statuspages.ApiError` with the
``code``, ``message`` and ``fields`` the JSON error would carry, and leaves
nothing written. Results are the extension's model objects, whose attributes
are the fields of the JSON answers.

A page is given as a :class:`~flask_statuspages.models.Page` or its id; the
things on it (components, incidents...) as objects or ids, looked up on that
page only (another page's id is a 404 ``not_found``, as over HTTP).
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from marshmallow import Schema
from sqlalchemy import inspect, select

from . import schemas
from .domain import (
    components,
    deliveries,
    embed_config,
    groups,
    incidents,
    maintenances,
    metrics,
    page_access,
    pages,
    postmortems,
    subscribers,
    templates,
)
from .domain.statistics import component_statistics
from .errors import ApiError, not_found
from .models import (
    Component,
    ComponentGroup,
    Delivery,
    Incident,
    IncidentTemplate,
    IncidentUpdate,
    Maintenance,
    Metric,
    Page,
    PageAccessUser,
    Subscriber,
)
from .rules import SlugCheck
from .state import db_session

T = TypeVar("T")
PageLike = Page | str


def _ident(value: Any) -> str:
    """The id of ``value`` (an id already, or a model object, even one left over from an
    earlier application context: its identity is read without loading it)."""
    if isinstance(value, str):
        return value
    identity = inspect(value).identity
    return str(identity[0] if identity else value.id)


def _jsonable(value: Any) -> Any:
    """Python values as the JSON the schemas read (datetimes as ISO 8601 strings)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


def validated(schema: type[Schema], fields: dict[str, Any], *, partial: bool = False) -> Any:
    """``fields`` loaded as the REST body of the same operation would be."""
    return schemas.load_input(schema(), _jsonable(fields), partial=partial)


def atomic(operation: Callable[..., T]) -> Callable[..., T]:
    """Roll the session back when an operation fails, so nothing of it stays behind in
    a long-lived context (a worker, a shell), where no request end cleans up."""

    @functools.wraps(operation)
    def run(*args: Any, **kwargs: Any) -> T:
        try:
            return operation(*args, **kwargs)
        except Exception:
            db_session().rollback()
            raise

    return run


class Pages:
    """Status pages: ``statuspages.pages``."""

    def list(self, owner: str) -> builtins.list[Page]:
        """The pages of ``owner``, oldest first."""
        query = pages.owned_pages(owner).order_by(Page.created_at, Page.id)
        return list(db_session().scalars(query))

    def get(self, page: PageLike, *, owner: str | None = None) -> Page:
        """A page by id; with ``owner``, only if it is theirs (else 404 ``not_found``)."""
        if owner is not None:
            return pages.get_owned_page(owner, _ident(page))
        found = db_session().get(Page, _ident(page))
        if found is None:
            raise not_found("Page")
        return found

    def get_by_slug(self, slug: str) -> Page:
        """A page by its slug (404 ``not_found`` when none has it)."""
        found = db_session().scalar(select(Page).where(Page.slug == slug))
        if found is None:
            raise not_found("Page")
        return found

    def check_slug(self, slug: str) -> SlugCheck:
        """Whether ``slug`` is valid and free for a new page, and the next free one."""
        return pages.check_slug(validated(schemas.CheckSlugQuery, {"slug": slug})["slug"])

    @atomic
    def create(self, owner: str, **fields: Any) -> Page:
        """Create a page for ``owner``: the fields of ``POST /``, with ``groups`` and
        ``components`` made in the same transaction.

        The owner's page limit applies (403 ``page_limit_reached``), and a slug
        that is taken is a 409 ``conflict``.
        """
        return pages.create_page(owner, validated(schemas.PageInput, fields))

    @atomic
    def update(self, page: PageLike, **fields: Any) -> Page:
        """Change any of a page's fields (``PATCH /:id``)."""
        data = validated(schemas.PageInput, fields, partial=True)
        return pages.update_page(self.get(page), data)

    @atomic
    def delete(self, page: PageLike) -> None:
        """Delete a page with everything on it."""
        pages.delete_page(self.get(page))

    def embed_config(self, page: PageLike) -> dict[str, str]:
        """The page's status embed config (``GET /:id/status-embed-config``)."""
        return embed_config.embed_config(self.get(page))

    @atomic
    def set_embed_config(
        self, page: PageLike, *, replace: bool = False, **fields: Any
    ) -> dict[str, str]:
        """Change the page's status embed config: the fields given (``PATCH``), or with
        ``replace=True`` the whole config, fields left out taking their defaults
        (``PUT``). A text colour below WCAG AA on its background is a 422."""
        data = validated(schemas.EmbedConfigInput, fields, partial=True)
        found = embed_config.update_embed_config(self.get(page), data, replace=replace)
        return embed_config.embed_config(found)


class _OnPage:
    """Things that live on one page."""

    def __init__(self, pages_api: Pages) -> None:
        self._pages = pages_api

    def _page(self, page: PageLike) -> Page:
        return self._pages.get(page)


class Components(_OnPage):
    """A page's components: ``statuspages.components``."""

    def list(self, page: PageLike) -> builtins.list[Component]:
        """The components of ``page`` in display order."""
        return list(db_session().scalars(components.ordered_components(self._page(page).id)))

    def get(self, page: PageLike, component: Component | str) -> Component:
        return components.get_component(self._page(page), _ident(component))

    @atomic
    def create(self, page: PageLike, **fields: Any) -> Component:
        """Add a component: ``name``, and optionally ``status``, ``description``,
        ``display_order``, ``group_name``, ``show_uptime``."""
        data = validated(schemas.ComponentInput, fields)
        return components.create_component(self._page(page), data)

    @atomic
    def update(self, page: PageLike, component: Component | str, **fields: Any) -> Component:
        """Change a component; a new ``status`` is recorded and notified."""
        data = validated(schemas.ComponentInput, fields, partial=True)
        return components.update_component(self.get(page, component), data)

    def set_status(self, page: PageLike, component: Component | str, status: str) -> Component:
        """Shorthand of :meth:`update` with a ``status`` only."""
        return self.update(page, component, status=status)

    @atomic
    def delete(self, page: PageLike, component: Component | str) -> None:
        components.delete_component(self.get(page, component))

    @atomic
    def reorder(self, page: PageLike, ids: builtins.list[str]) -> builtins.list[Component]:
        """Put every component of the page in the order of ``ids`` (each one, once)."""
        data = validated(schemas.ComponentReorderInput, {"ids": ids})
        return components.reorder_components(self._page(page), data["ids"], data["field"])

    def statistics(self, page: PageLike, component: Component | str) -> dict[str, Any]:
        """What ``GET .../components/:id/statistics`` answers, as Python values: status and
        since when, uptime over 24 h, 7, 30 and 90 days, incidents and what is open."""
        return component_statistics(self._page(page).id, _ident(component))


class Groups(_OnPage):
    """A page's component groups: ``statuspages.groups``."""

    def list(self, page: PageLike) -> builtins.list[ComponentGroup]:
        """The groups of ``page`` in display order."""
        return list(db_session().scalars(groups.ordered_groups(self._page(page).id)))

    def get(self, page: PageLike, group: ComponentGroup | str) -> ComponentGroup:
        return groups.get_group(self._page(page), _ident(group))

    @atomic
    def create(self, page: PageLike, **fields: Any) -> ComponentGroup:
        """Add a group: ``name``, and optionally ``description``, ``display_order``,
        ``collapsed`` and ``component_ids`` (moved into it)."""
        return groups.create_group(self._page(page), validated(schemas.GroupInput, fields))

    @atomic
    def update(self, page: PageLike, group: ComponentGroup | str, **fields: Any) -> ComponentGroup:
        """Change a group; ``component_ids``, when given, is its whole membership."""
        data = validated(schemas.GroupInput, fields, partial=True)
        return groups.update_group(self.get(page, group), data)

    @atomic
    def delete(self, page: PageLike, group: ComponentGroup | str) -> None:
        """Delete a group; its components stay, ungrouped."""
        groups.delete_group(self.get(page, group))

    @atomic
    def reorder(self, page: PageLike, ids: builtins.list[str]) -> builtins.list[ComponentGroup]:
        """Put every group of the page in the order of ``ids`` (each one, once)."""
        data = validated(schemas.GroupReorderInput, {"ids": ids})
        return groups.reorder_groups(self._page(page), data["ids"])


class Incidents(_OnPage):
    """A page's incidents: ``statuspages.incidents``."""

    def list(self, page: PageLike, status: str | None = None) -> builtins.list[Incident]:
        """Incidents newest first; ``status`` filters (one of the four statuses)."""
        query = validated(schemas.IncidentListQuery, {"status": status} if status else {})
        return list(
            db_session().scalars(incidents.incidents_of(self._page(page).id, query.get("status")))
        )

    def get(self, page: PageLike, incident: Incident | str) -> Incident:
        return incidents.get_incident(self._page(page), _ident(incident))

    @atomic
    def create(self, page: PageLike, **fields: Any) -> Incident:
        """Open an incident: the fields of ``POST /:page_id/incidents``: ``title`` (or a
        ``template_id``), and optionally ``message``, ``severity`` (or ``impact``),
        ``status``, ``components`` (``{component_id: status}``), ``started_at``,
        ``notify``..."""
        data = validated(schemas.IncidentInput, fields)
        return incidents.create_incident(self._page(page), data)

    @atomic
    def update(self, page: PageLike, incident: Incident | str, **fields: Any) -> Incident:
        """Change an incident; a new status or a ``message`` adds to its timeline."""
        data = validated(schemas.IncidentInput, fields, partial=True)
        return incidents.update_incident(self.get(page, incident), data)

    def resolve(
        self, page: PageLike, incident: Incident | str, message: str | None = None, **fields: Any
    ) -> Incident:
        """Shorthand of :meth:`update` with ``status="resolved"``."""
        if message is not None:
            fields["message"] = message
        return self.update(page, incident, status="resolved", **fields)

    @atomic
    def delete(self, page: PageLike, incident: Incident | str) -> None:
        incidents.delete_incident(self.get(page, incident))

    # The timeline

    def updates(self, page: PageLike, incident: Incident | str) -> builtins.list[IncidentUpdate]:
        """The incident's timeline, newest first."""
        return list(self.get(page, incident).updates)

    @atomic
    def post_update(
        self, page: PageLike, incident: Incident | str, **fields: Any
    ) -> IncidentUpdate:
        """Add to the timeline: ``message``, and optionally ``status`` (none: a message
        only), ``components``, ``created_at`` (a time in the past) and ``notify``."""
        data = validated(schemas.IncidentUpdateInput, fields)
        return incidents.post_update(self.get(page, incident), data)

    @atomic
    def edit_update(
        self,
        page: PageLike,
        incident: Incident | str,
        update: IncidentUpdate | str,
        **fields: Any,
    ) -> IncidentUpdate:
        """Correct an update's ``message`` or ``created_at``: nobody is notified again."""
        found = self.get(page, incident)
        data = validated(schemas.IncidentUpdateEdit, fields, partial=True)
        return incidents.edit_update(found, incidents.get_update(found, _ident(update)), data)

    @atomic
    def delete_update(
        self, page: PageLike, incident: Incident | str, update: IncidentUpdate | str
    ) -> None:
        """Remove an update (an incident's only update stays: 409 ``conflict``)."""
        found = self.get(page, incident)
        incidents.delete_update(found, incidents.get_update(found, _ident(update)))

    # The postmortem

    @atomic
    def write_postmortem(self, page: PageLike, incident: Incident | str, body: str) -> Incident:
        """Write or replace the postmortem (Markdown): a draft until published."""
        data = validated(schemas.PostmortemInput, {"body": body})
        return postmortems.write_postmortem(self.get(page, incident), data["body"])

    @atomic
    def publish_postmortem(
        self, page: PageLike, incident: Incident | str, *, notify: bool = False
    ) -> Incident:
        """Show the postmortem to visitors; subscribers hear of it only with ``notify``."""
        data = validated(schemas.PublishInput, {"notify": notify})
        return postmortems.publish_postmortem(self.get(page, incident), notify=data["notify"])

    @atomic
    def unpublish_postmortem(self, page: PageLike, incident: Incident | str) -> Incident:
        """Take the postmortem back to a draft."""
        return postmortems.unpublish_postmortem(self.get(page, incident))

    @atomic
    def delete_postmortem(self, page: PageLike, incident: Incident | str) -> None:
        postmortems.delete_postmortem(self.get(page, incident))


class IncidentTemplates(_OnPage):
    """A page's incident templates: ``statuspages.incident_templates``."""

    def list(self, page: PageLike) -> builtins.list[IncidentTemplate]:
        return list(db_session().scalars(templates.templates_of(self._page(page).id)))

    def get(self, page: PageLike, template: IncidentTemplate | str) -> IncidentTemplate:
        return templates.get_template(self._page(page), _ident(template))

    @atomic
    def create(self, page: PageLike, **fields: Any) -> IncidentTemplate:
        """Add a template: ``name``, ``title``, and optionally ``message``,
        ``severity`` (or ``impact``) and ``components``. ``incidents.create(page,
        template_id=...)`` uses it."""
        data = validated(schemas.IncidentTemplateInput, fields)
        return templates.create_template(self._page(page), data)

    @atomic
    def update(
        self, page: PageLike, template: IncidentTemplate | str, **fields: Any
    ) -> IncidentTemplate:
        data = validated(schemas.IncidentTemplateInput, fields, partial=True)
        return templates.update_template(self.get(page, template), data)

    @atomic
    def delete(self, page: PageLike, template: IncidentTemplate | str) -> None:
        templates.delete_template(self.get(page, template))


class Maintenances(_OnPage):
    """A page's maintenance windows: ``statuspages.maintenances``."""

    def list(self, page: PageLike, status: str | None = None) -> builtins.list[Maintenance]:
        query = validated(schemas.MaintenanceListQuery, {"status": status} if status else {})
        rows = maintenances.maintenances_of(self._page(page).id, query.get("status"))
        return list(db_session().scalars(rows))

    def get(self, page: PageLike, maintenance: Maintenance | str) -> Maintenance:
        return maintenances.get_maintenance(self._page(page), _ident(maintenance))

    @atomic
    def create(self, page: PageLike, **fields: Any) -> Maintenance:
        """Schedule a window: ``title``, ``scheduled_for`` and ``scheduled_until``
        (aware datetimes or ISO 8601 strings), and optionally ``component_ids``..."""
        data = validated(schemas.MaintenanceInput, fields)
        return maintenances.create_maintenance(self._page(page), data)

    @atomic
    def update(self, page: PageLike, maintenance: Maintenance | str, **fields: Any) -> Maintenance:
        data = validated(schemas.MaintenanceInput, fields, partial=True)
        return maintenances.update_maintenance(self.get(page, maintenance), data)

    @atomic
    def delete(self, page: PageLike, maintenance: Maintenance | str) -> None:
        maintenances.delete_maintenance(self.get(page, maintenance))


class Subscribers(_OnPage):
    """A page's subscribers: ``statuspages.subscribers``."""

    def list(self, page: PageLike, state: str | None = None) -> builtins.list[Subscriber]:
        query = validated(schemas.SubscriberListQuery, {"state": state} if state else {})
        rows = subscribers.subscribers_of(self._page(page).id, query.get("state"))
        return list(db_session().scalars(rows))

    def get(self, page: PageLike, subscriber: Subscriber | str) -> Subscriber:
        return subscribers.get_subscriber(self._page(page), _ident(subscriber))

    @atomic
    def create(self, page: PageLike, **fields: Any) -> tuple[Subscriber, str]:
        """Subscribe an ``email`` or a ``webhook_url`` (optionally to ``component_ids``);
        the subscriber and its verification token. The verification message is sent
        as over HTTP."""
        data = validated(schemas.SubscriberInput, fields)
        return subscribers.create_subscriber(self._page(page), data)

    @atomic
    def verify(self, page: PageLike, token: str) -> Subscriber:
        """Verify a subscription with its token (as its link would)."""
        return subscribers.verify_subscriber(self._page(page).id, token)

    @atomic
    def resend_verification(self, page: PageLike, subscriber: Subscriber | str) -> str:
        """Send a pending subscriber a new verification message; its new token."""
        found = self.get(page, subscriber)
        return subscribers.resend_verification(found.page, found)

    @atomic
    def reactivate(self, page: PageLike, subscriber: Subscriber | str) -> Subscriber:
        """Lift a quarantine; its pending deliveries go out again."""
        return subscribers.reactivate(self.get(page, subscriber))

    @atomic
    def delete(self, page: PageLike, subscriber: Subscriber | str) -> None:
        subscribers.delete_subscriber(self.get(page, subscriber))


class Deliveries(_OnPage):
    """The record of a page's notifications: ``statuspages.deliveries``."""

    def list(self, page: PageLike, status: str | None = None) -> builtins.list[Delivery]:
        """The page's deliveries, newest first; ``status``: pending, sent or failed."""
        query = validated(schemas.DeliveryListQuery, {"status": status} if status else {})
        rows = deliveries.deliveries_of(self._page(page).id, query.get("status"))
        return list(db_session().scalars(rows))

    def get(self, page: PageLike, delivery: Delivery | str) -> Delivery:
        return deliveries.get_delivery(self._page(page), _ident(delivery))

    @atomic
    def retry(self, page: PageLike, delivery: Delivery | str) -> Delivery:
        """Send a failed delivery again, with a fresh set of attempts (409 for one that
        has not failed, or whose subscriber is quarantined)."""
        return deliveries.retry_delivery(self.get(page, delivery))


class Metrics(_OnPage):
    """A page's metrics and their readings: ``statuspages.metrics``."""

    def list(self, page: PageLike) -> builtins.list[Metric]:
        """The metrics of ``page`` in display order."""
        return list(db_session().scalars(metrics.ordered_metrics(self._page(page).id)))

    def get(self, page: PageLike, metric: Metric | str) -> Metric:
        return metrics.get_metric(self._page(page), _ident(metric))

    @atomic
    def create(self, page: PageLike, **fields: Any) -> Metric:
        """Add a metric: ``name``, and optionally ``suffix``, ``y_axis_min``,
        ``y_axis_max``, ``y_axis_hidden``, ``decimal_places``, ``tooltip_description``,
        ``display``, ``display_order`` and ``component_ids``."""
        return metrics.create_metric(self._page(page), validated(schemas.MetricInput, fields))

    @atomic
    def update(self, page: PageLike, metric: Metric | str, **fields: Any) -> Metric:
        """Change a metric; ``component_ids``, when given, is the whole set of its ties."""
        data = validated(schemas.MetricInput, fields, partial=True)
        return metrics.update_metric(self.get(page, metric), data)

    @atomic
    def delete(self, page: PageLike, metric: Metric | str) -> None:
        """Delete a metric and its readings."""
        metrics.delete_metric(self.get(page, metric))

    @atomic
    def add_data(self, page: PageLike, metric: Metric | str, data: Any) -> metrics.Written:
        """Store readings: one ``{"timestamp": ..., "value": ...}`` or a list of up to
        3,000 (a timestamp is Unix seconds, an ISO 8601 string or an aware
        ``datetime``); all of them, or none and a 422 naming each bad one."""
        body = validated(schemas.MetricDataInput, {"data": data})
        return metrics.add_points(self.get(page, metric), body["data"])

    @atomic
    def reset_data(self, page: PageLike, metric: Metric | str) -> None:
        """Delete every reading of the metric; the metric stays."""
        metrics.reset_points(self.get(page, metric))

    def view(self, page: PageLike, period: str = "day") -> dict[str, Any]:
        """The displayed metrics over ``period`` (``day``, ``week`` or ``month``) as
        Python values: what ``GET /public/:slug/metrics`` answers, each metric also
        with its :class:`~flask_statuspages.series.Bucket` list as ``buckets``."""
        query = schemas.load_input(schemas.MetricsQuery(), {"period": period}, "query")
        return metrics.metrics_view(self._page(page), query["period"])


class PageAccessUsers(_OnPage):
    """Who may see an audience-only page: ``statuspages.page_access_users``."""

    def list(self, page: PageLike, email: str | None = None) -> builtins.list[PageAccessUser]:
        """The page's access users, oldest first; ``email`` finds one (any case)."""
        return list(db_session().scalars(page_access.users_of(self._page(page).id, email)))

    def get(self, page: PageLike, user: PageAccessUser | str) -> PageAccessUser:
        return page_access.get_user(self._page(page), _ident(user))

    @atomic
    def create(self, page: PageLike, **fields: Any) -> PageAccessUser:
        """Add a user: ``email``, and optionally ``external_login``, ``component_ids``
        (what they see; default every component), ``components_only``, ``metric_ids``
        and ``metrics_only``."""
        data = validated(schemas.PageAccessUserInput, fields)
        return page_access.create_user(self._page(page), data)

    @atomic
    def update(self, page: PageLike, user: PageAccessUser | str, **fields: Any) -> PageAccessUser:
        """Change a user; ``component_ids``, when given, is their whole set."""
        data = validated(schemas.PageAccessUserInput, fields, partial=True)
        return page_access.update_user(self.get(page, user), data)

    @atomic
    def delete(self, page: PageLike, user: PageAccessUser | str) -> None:
        page_access.delete_user(self.get(page, user))

    @atomic
    def add_components(
        self, page: PageLike, user: PageAccessUser | str, component_ids: builtins.list[str]
    ) -> PageAccessUser:
        """The user sees these components too (and only the ones listed)."""
        data = validated(schemas.ComponentIdsInput, {"component_ids": component_ids})
        return page_access.add_components(self.get(page, user), data["component_ids"])

    @atomic
    def replace_components(
        self, page: PageLike, user: PageAccessUser | str, component_ids: builtins.list[str]
    ) -> PageAccessUser:
        """The user sees exactly these components."""
        data = validated(schemas.ComponentIdsInput, {"component_ids": component_ids})
        return page_access.replace_components(self.get(page, user), data["component_ids"])

    @atomic
    def remove_components(
        self, page: PageLike, user: PageAccessUser | str, component_ids: builtins.list[str]
    ) -> PageAccessUser:
        """The user no longer sees these components."""
        data = validated(schemas.ComponentIdsInput, {"component_ids": component_ids})
        return page_access.remove_components(self.get(page, user), data["component_ids"])

    @atomic
    def add_metrics(
        self, page: PageLike, user: PageAccessUser | str, metric_ids: builtins.list[str]
    ) -> PageAccessUser:
        """The user sees these metrics too (and only the ones listed)."""
        data = validated(schemas.MetricIdsInput, {"metric_ids": metric_ids})
        return page_access.add_metrics(self.get(page, user), data["metric_ids"])

    @atomic
    def replace_metrics(
        self, page: PageLike, user: PageAccessUser | str, metric_ids: builtins.list[str]
    ) -> PageAccessUser:
        """The user sees exactly these metrics."""
        data = validated(schemas.MetricIdsInput, {"metric_ids": metric_ids})
        return page_access.replace_metrics(self.get(page, user), data["metric_ids"])

    @atomic
    def remove_metrics(
        self, page: PageLike, user: PageAccessUser | str, metric_ids: builtins.list[str]
    ) -> PageAccessUser:
        """The user no longer sees these metrics."""
        data = validated(schemas.MetricIdsInput, {"metric_ids": metric_ids})
        return page_access.remove_metrics(self.get(page, user), data["metric_ids"])


class PythonApi:
    """The operations of :mod:`flask_statuspages.api`, grouped as on the extension."""

    def __init__(self) -> None:
        self.pages = Pages()
        self.components = Components(self.pages)
        self.incidents = Incidents(self.pages)
        self.maintenances = Maintenances(self.pages)
        self.subscribers = Subscribers(self.pages)
        self.deliveries = Deliveries(self.pages)
        self.groups = Groups(self.pages)
        self.incident_templates = IncidentTemplates(self.pages)
        self.metrics = Metrics(self.pages)
        self.page_access_users = PageAccessUsers(self.pages)


__all__ = [
    "ApiError",
    "Components",
    "Deliveries",
    "Groups",
    "IncidentTemplates",
    "Incidents",
    "Maintenances",
    "Metrics",
    "PageAccessUsers",
    "Pages",
    "PythonApi",
    "Subscribers",
]
