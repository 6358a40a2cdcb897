"""Moving one component or group a step up or down: pure rules on id lists.

The components screen shows components in sections: each group in its order, then
the ungrouped ones. A component moved past the edge of its section goes to the
neighbouring section (last of the one above, first of the one below), as a drag
would put it.
"""

from __future__ import annotations

from collections.abc import Sequence

#: A section of the components screen: its group id (``None``: no group) and its
#: component ids in order.
Section = tuple[str | None, list[str]]


def move_item(ids: Sequence[str], item: str, step: int) -> list[str] | None:
    """``ids`` with ``item`` moved ``step`` (-1 up, +1 down); ``None`` at an edge."""
    order = list(ids)
    at = order.index(item)
    to = at + step
    if not 0 <= to < len(order):
        return None
    order[at], order[to] = order[to], order[at]
    return order


def move_component(
    sections: Sequence[Section], item: str, step: int
) -> tuple[str | None, list[str]] | None:
    """Where ``item`` goes when moved ``step``: its (new) group id and every component
    id in the new display order; ``None`` when it is first (or last) of all."""
    layout = [(group, list(members)) for group, members in sections]
    here = next(i for i, (_, members) in enumerate(layout) if item in members)
    members = layout[here][1]
    moved = move_item(members, item, step)
    group = layout[here][0]
    if moved is not None:
        layout[here] = (group, moved)
    else:
        there = here + step
        if not 0 <= there < len(layout):
            return None
        members.remove(item)
        group, others = layout[there]
        others.insert(len(others) if step < 0 else 0, item)
    return group, [member for _, items in layout for member in items]
