"""Component statistics (admin and public) and page conveniences such as check-slug."""

from __future__ import annotations

from .routing import Routes

routes = Routes(tag="Components")
