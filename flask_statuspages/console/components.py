"""Components: (screens to come)."""

from __future__ import annotations

from flask import Blueprint


def register(bp: Blueprint) -> None:
    """Add this module's screens to the console blueprint."""
