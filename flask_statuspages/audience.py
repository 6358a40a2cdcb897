"""What one viewer of an audience-only page sees: the one filter every rendering uses.

A page access user limited to some components (a :class:`Viewer` whose
``component_ids`` is a set) sees exactly those: the others, the groups left
empty, and every incident or maintenance window that touches only other
components are gone, and the overall status is computed over what is left.
An incident or window naming no component is page-wide: everyone sees it.
What remains names no hidden component (its map of affected components,
its updates' moved components and its ``component_ids`` are trimmed).

Everything here is pure: it takes the plain values of a snapshot
(:mod:`.snapshot`), a month of history or a live event, and returns new
values without changing the ones given (snapshots are shared).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import rules
from .errors import validation_error


@dataclass(frozen=True)
class Viewer:
    """Who is looking, and what they may see.

    ``component_ids`` (and ``metric_ids``) ``None``: every one of the page.
    Anonymous visitors of pages that are not audience-only get no viewer at all.
    """

    email: str | None = None
    component_ids: frozenset[str] | None = None
    metric_ids: frozenset[str] | None = None

    @property
    def limited(self) -> bool:
        return self.component_ids is not None or self.metric_ids is not None

    @property
    def key(self) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        """What every cached rendering for this viewer is keyed by: what they may see
        (never who they are, so viewers who see the same share renderings)."""
        return (_sorted(self.component_ids), _sorted(self.metric_ids))

    def sees_component(self, component_id: str) -> bool:
        return self.component_ids is None or component_id in self.component_ids

    def sees_metric(self, metric_id: str) -> bool:
        return self.metric_ids is None or metric_id in self.metric_ids


def _sorted(ids: frozenset[str] | None) -> tuple[str, ...] | None:
    return None if ids is None else tuple(sorted(ids))


# ----------------------------------------------------- incidents, windows


def touched(item: dict[str, Any]) -> set[str]:
    """The components an incident or maintenance window (as dumped) names anywhere."""
    found = set(item.get("component_ids") or ())
    found.update(item.get("components") or {})
    found.update(c["id"] for c in item.get("affected_components") or ())
    for update in item.get("updates") or ():
        found.update(c["id"] for c in update.get("components") or ())
    return found


def item_visible(item: dict[str, Any], visible: frozenset[str]) -> bool:
    """Page-wide (it names no component), or it touches one of ``visible``."""
    names = touched(item)
    return not names or not names.isdisjoint(visible)


def trim_item(item: dict[str, Any], visible: frozenset[str]) -> dict[str, Any]:
    """A copy of ``item`` naming only the ``visible`` components."""
    trimmed = dict(item)
    if "component_ids" in item:
        trimmed["component_ids"] = [i for i in item["component_ids"] or () if i in visible]
    if isinstance(item.get("components"), dict):
        trimmed["components"] = {k: v for k, v in item["components"].items() if k in visible}
    if "affected_components" in item:
        trimmed["affected_components"] = [
            c for c in item["affected_components"] or () if c["id"] in visible
        ]
    if "updates" in item:
        trimmed["updates"] = [
            {**u, "components": [c for c in u["components"] if c["id"] in visible]}
            if u.get("components")
            else u
            for u in item["updates"] or ()
        ]
    return trimmed


def visible_items(items: Iterable[dict[str, Any]], visible: frozenset[str]) -> list[dict[str, Any]]:
    """The incidents or windows of ``items`` the viewer sees, trimmed."""
    return [trim_item(item, visible) for item in items if item_visible(item, visible)]


# ------------------------------------------------------------ the page


_ITEM_KEYS = (
    "active_incidents",
    "recent_incidents",
    "latest_incidents",
    "active_maintenances",
    "upcoming_maintenances",
    "latest_maintenances",
)


def _sections(groups: list[dict[str, Any]], visible: frozenset[str]) -> list[dict[str, Any]]:
    """Groups keep their visible components; a group left empty is gone."""
    sections = []
    for group in groups:
        members = [c for c in group.get("components", ()) if c["id"] in visible]
        if not members:
            continue
        section = {**group, "components": members}
        if "status" in group:
            section["status"] = rules.worst_status(c["status"] for c in members)
        if "component_ids" in group:
            section["component_ids"] = [c["id"] for c in members]
        sections.append(section)
    return sections


def _public_groups(groups: list[dict[str, Any]], visible: frozenset[str]) -> list[dict[str, Any]]:
    sections = []
    for group in groups:
        ids = [i for i in group["component_ids"] if i in visible]
        if ids:
            sections.append({**group, "component_ids": ids})
    return sections


def filter_metrics(view: dict[str, Any], viewer: Viewer | None) -> dict[str, Any]:
    """A view of the page's metrics (:func:`.domain.metrics.metrics_view`) as ``viewer``
    sees it: only the metrics they may see, each naming only the components they see."""
    if viewer is None or not viewer.limited:
        return view
    shown = []
    for metric in view["metrics"]:
        if not viewer.sees_metric(metric["id"]):
            continue
        if viewer.component_ids is not None and "component_ids" in metric:
            ids = [i for i in metric["component_ids"] if i in viewer.component_ids]
            metric = {**metric, "component_ids": ids}
        shown.append(metric)
    return {**view, "metrics": shown}


def filter_data(data: dict[str, Any], viewer: Viewer | None) -> dict[str, Any]:
    """A snapshot's ``data`` as ``viewer`` sees it (``data`` itself when they see all)."""
    if viewer is None or not viewer.limited:
        return data
    if "metrics" in data:
        data = {**data, "metrics": filter_metrics(data["metrics"], viewer)}
    if viewer.component_ids is None:
        return data
    visible = viewer.component_ids
    components = [c for c in data["components"] if c["id"] in visible]
    filtered = {**data, "components": components, "groups": _sections(data["groups"], visible)}
    for key in _ITEM_KEYS:
        filtered[key] = visible_items(data[key], visible)
    overall = rules.overall_status(
        (c["status"] for c in components),
        (i["severity"] for i in filtered["active_incidents"]),
    )
    filtered["overall_status"] = overall
    public = data["public"]
    filtered_public = {
        **public,
        "overall_status": overall,
        "components": [c for c in public["components"] if c["id"] in visible],
        "groups": _public_groups(public["groups"], visible),
    }
    for key in (
        "active_incidents",
        "recent_incidents",
        "active_maintenances",
        "upcoming_maintenances",
    ):
        filtered_public[key] = visible_items(public[key], visible)
    filtered["public"] = filtered_public
    return filtered


def filter_months(months: list[dict[str, Any]], viewer: Viewer | None) -> list[dict[str, Any]]:
    """History months (``incidents`` and ``maintenances`` of each) as ``viewer`` sees them."""
    if viewer is None or viewer.component_ids is None:
        return months
    visible = viewer.component_ids
    return [
        {
            **month,
            "incidents": visible_items(month["incidents"], visible),
            "maintenances": visible_items(month["maintenances"], visible),
        }
        for month in months
    ]


def visible_item(item: dict[str, Any], viewer: Viewer | None) -> dict[str, Any] | None:
    """One incident or window as ``viewer`` sees it; ``None``: hidden from them."""
    if viewer is None or viewer.component_ids is None:
        return item
    found = visible_items([item], viewer.component_ids)
    return found[0] if found else None


def subscription_for(data: dict[str, Any], viewer: Viewer | None) -> dict[str, Any]:
    """A public subscription (``SubscriberInput``) by ``viewer``: to the components they
    see only (all of those when none is chosen); 422 on ``component_ids`` otherwise,
    worded as for a component that does not exist."""
    if viewer is None or viewer.component_ids is None:
        return data
    visible = viewer.component_ids
    chosen = data.get("component_ids")
    if chosen:
        unknown = sorted(set(chosen) - visible)
        if unknown:
            message = f"No such component on this page: {', '.join(unknown)}."
            raise validation_error({"component_ids": [message]})
        return data
    if not visible:
        raise validation_error({"component_ids": ["There is no component to subscribe to."]})
    return {**data, "component_ids": sorted(visible)}


# ------------------------------------------------------------ live events


def filter_event(name: str, data: dict[str, Any], viewer: Viewer | None) -> dict[str, Any] | None:
    """A live event as ``viewer`` receives it; ``None``: not at all.

    Component events of hidden components are dropped; incident and
    maintenance events travel with the ``component_ids`` they touch and are
    dropped when those are all hidden (and trimmed otherwise); group events
    name groups, which may be all hidden: a limited viewer gets none; metric events
    reach those who see the metric. ``state`` is made from the viewer's own snapshot.
    """
    if viewer is None or not viewer.limited or name == "state":
        return data
    if "metric" in data:
        return data if viewer.sees_metric(data["metric"]["id"]) else None
    if viewer.component_ids is None:
        return data
    visible = viewer.component_ids
    if "component" in data:
        return data if data["component"]["id"] in visible else None
    for key in ("incident", "maintenance"):
        if key in data:
            item = data[key]
            if not item_visible(item, visible):
                return None
            return {**data, key: trim_item(item, visible)}
    if "group" in data:
        return None
    return data
