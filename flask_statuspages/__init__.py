"""Status pages, components, incidents and subscriber notifications for Flask."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("flask-statuspages")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

from . import signals  # noqa: E402
from .auth import owner_from_token  # noqa: E402
from .errors import ApiError  # noqa: E402
from .extension import StatusPages  # noqa: E402

__all__ = ["ApiError", "StatusPages", "__version__", "owner_from_token", "signals"]
