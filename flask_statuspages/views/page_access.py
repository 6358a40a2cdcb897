"""Page access users."""

from __future__ import annotations

from .routing import Routes

routes = Routes(tag="Page access users")
