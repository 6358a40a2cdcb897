"""The timeline of an incident as a resource: list, post, correct and remove its updates."""

from __future__ import annotations

from .routing import Routes

routes = Routes(tag="Incidents")
