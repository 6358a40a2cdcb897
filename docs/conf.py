"""Sphinx configuration of the flask-statuspages documentation (``make docs``)."""

from __future__ import annotations

import sys
from importlib.metadata import version as installed_version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "flask-statuspages"
copyright = "flask-statuspages contributors"
release = installed_version("flask-statuspages")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "statuspages_openapi",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "screenshots/README*"]

# Markdown pages link to each other's headings as `page.md#a-heading`.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist", "tasklist"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True}

# Types of the libraries the extension builds on: documented by them, not here
# (the build is offline, so no intersphinx inventories).
nitpick_ignore_regex = [
    ("py:class", r"(flask|flask_sqlalchemy|sqlalchemy|blinker|werkzeug|datetime)\..*"),
    ("py:class", r"(Flask|SQLAlchemy|Any|NamedSignal|Signal)"),
    # The decorators' type variable: they return the function they are given.
    ("py:class", r"flask_statuspages\.extension\.F"),
]
# Examples of answers elide with "...": not JSON, still worth colouring.
suppress_warnings = ["misc.highlighting_failure"]

html_theme = "furo"
html_title = f"flask-statuspages {release}"
html_static_path: list[str] = []
pygments_style = "sphinx"
