"""Incident templates and postmortems."""

from __future__ import annotations

from .routing import Routes

routes = Routes(tag="Incidents")
