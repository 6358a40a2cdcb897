"""Component groups, and the order of components and groups."""

from __future__ import annotations

from .routing import Routes

routes = Routes(tag="Components")
