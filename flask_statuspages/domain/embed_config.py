"""The status embed config of a page (seed 002): where widget.js shows its notice of
an active incident or maintenance, and in which colours.

A page always has one: its defaults (:data:`rules.EMBED_DEFAULTS`) until changed. It
lives on the page's row, so a change bumps the page's public version and the widget
(which reads it from the public JSON) follows at once.
"""

from __future__ import annotations

from typing import Any

from .. import rules, signals
from ..changes import commit, event
from ..errors import validation_error
from ..models import Page


def embed_config(page: Page) -> dict[str, str]:
    """The page's status embed config, as the API names its fields."""
    return {name: getattr(page, f"embed_{name}") for name in rules.EMBED_DEFAULTS}


def update_embed_config(page: Page, data: dict[str, Any], *, replace: bool = False) -> Page:
    """Set ``data`` on the page's config; with ``replace``, fields not given go back to
    their defaults (PUT). 422 naming each text colour that would read below WCAG AA on
    its background, and nothing changes."""
    config = {**(dict(rules.EMBED_DEFAULTS) if replace else embed_config(page)), **data}
    errors = rules.embed_contrast_errors(config)
    if errors:
        raise validation_error(errors)
    for name, value in config.items():
        setattr(page, f"embed_{name}", value)
    commit(event(signals.page_updated, page=page))
    return page
