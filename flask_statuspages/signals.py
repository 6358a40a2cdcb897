"""Signals sent after a change is committed.

Every signal's sender is the Flask application (the real object, not the
proxy) and its payload comes as keyword arguments. Receivers should accept
``**extra`` so that later versions can add arguments::

    from flask_statuspages import signals

    @signals.incident_created.connect
    def page_the_on_call(app, incident, **extra):
        ...
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A page was created. Payload: ``page``.
page_created = _signals.signal("page-created")
#: A page's settings changed. Payload: ``page``.
page_updated = _signals.signal("page-updated")
#: A page and everything on it was deleted. Payload: ``page`` (detached).
page_deleted = _signals.signal("page-deleted")

#: Payload: ``component``.
component_created = _signals.signal("component-created")
#: Any field of a component changed. Payload: ``component``.
component_updated = _signals.signal("component-updated")
#: Payload: ``component`` (detached).
component_deleted = _signals.signal("component-deleted")
#: Sent besides ``component_updated`` when the status moved.
#: Payload: ``component``, ``old_status``, ``new_status``.
component_status_changed = _signals.signal("component-status-changed")

#: A component group was made (by its route; groups made by ``group_name`` or with a
#: page send no signal of their own). Payload: ``group``.
group_created = _signals.signal("group-created")
#: A group's fields or membership changed. Payload: ``group``.
group_updated = _signals.signal("group-updated")
#: A group was deleted; its components stay, ungrouped. Payload: ``group`` (detached).
group_deleted = _signals.signal("group-deleted")
#: The page's components were put in a new order. Payload: ``page``, ``components``
#: (all of them, in the new order).
components_reordered = _signals.signal("components-reordered")
#: The page's groups were put in a new order. Payload: ``page``, ``groups`` (in order).
groups_reordered = _signals.signal("groups-reordered")

#: Payload: ``incident``.
incident_created = _signals.signal("incident-created")
#: Payload: ``incident``.
incident_updated = _signals.signal("incident-updated")
#: Sent besides ``incident_updated`` when the incident moved to ``resolved``.
#: Payload: ``incident``.
incident_resolved = _signals.signal("incident-resolved")
#: Payload: ``incident`` (detached).
incident_deleted = _signals.signal("incident-deleted")
#: An incident's postmortem was published (sent besides ``incident_updated``).
#: Payload: ``incident``, ``notify`` (whether subscribers are told).
postmortem_published = _signals.signal("postmortem-published")

#: A maintenance window was scheduled (or created already under way). Payload: ``maintenance``.
maintenance_created = _signals.signal("maintenance-created")
#: Any field of a maintenance window changed. Payload: ``maintenance``.
maintenance_updated = _signals.signal("maintenance-updated")
#: Sent besides the above when the window moved to ``in_progress``. Payload: ``maintenance``.
maintenance_started = _signals.signal("maintenance-started")
#: Sent besides the above when the window moved to ``completed``. Payload: ``maintenance``.
maintenance_completed = _signals.signal("maintenance-completed")
#: Payload: ``maintenance`` (detached).
maintenance_deleted = _signals.signal("maintenance-deleted")
#: A metric was added to a page. Payload: ``metric``.
metric_created = _signals.signal("metric-created")
#: A metric's fields or component ties changed. Payload: ``metric``, ``was_displayed``
#: (its ``display`` before the change).
metric_updated = _signals.signal("metric-updated")
#: A metric and its readings were deleted. Payload: ``metric`` (detached).
metric_deleted = _signals.signal("metric-deleted")
#: Readings were written to a metric. Payload: ``metric``, ``count`` (points written).
metric_data_added = _signals.signal("metric-data-added")
#: Every reading of a metric was deleted. Payload: ``metric``.
metric_data_reset = _signals.signal("metric-data-reset")

#: Payload: ``subscriber``.
subscriber_created = _signals.signal("subscriber-created")
#: Sent once, when a subscription is first verified. Payload: ``subscriber``.
subscriber_verified = _signals.signal("subscriber-verified")
#: Payload: ``subscriber`` (detached).
subscriber_deleted = _signals.signal("subscriber-deleted")

#: A notification reached a subscriber. Payload: ``delivery``.
notification_sent = _signals.signal("notification-sent")
#: A notification was given up on after its last attempt. Payload: ``delivery``.
notification_failed = _signals.signal("notification-failed")
