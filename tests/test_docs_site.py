"""The documentation site: what ``make docs`` (Sphinx, warnings as errors) cannot see.

Sphinx fails the build on a broken link or a page outside the toctree; these
tests check what it would not: that the REST API reference renders every
operation the app serves, that every public Python name and every signal is
documented, that pages link only inside the site, and that the code of
"Testing your app" runs as written.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from blinker import NamedSignal

import flask_statuspages
from flask_statuspages import signals

from .conftest import PREFIX

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _openapi_extension() -> ModuleType:
    path = DOCS / "_ext" / "statuspages_openapi.py"
    spec = importlib.util.spec_from_file_location("statuspages_openapi", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_rest_reference_is_the_served_document(app) -> None:
    extension = _openapi_extension()
    document = extension.served_document()
    assert document == app.test_client().get(PREFIX + "/openapi.json").json
    assert extension.PREFIX == PREFIX


def test_the_rest_reference_renders_every_operation_and_schema() -> None:
    extension = _openapi_extension()
    document = extension.served_document()
    text = "\n".join(extension.render(document))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert f".. _openapi-op-{operation['operationId']}:" in text
            assert f"``{method.upper()} {path}``" in text
    for name in document["components"]["schemas"]:
        assert f".. _openapi-schema-{name.lower()}:" in text
    # Every named schema an operation refers to has its own section to link to.
    for target in re.findall(r"<openapi-schema-([a-z0-9]+)>", text):
        assert f".. _openapi-schema-{target}:" in text


def test_every_public_name_and_signal_is_documented() -> None:
    page = (DOCS / "python-api.md").read_text()
    for name in flask_statuspages.__all__:
        if name == "signals":
            assert ".. automodule:: flask_statuspages.signals" in page
        else:
            assert f"flask_statuspages.{name}" in page, name
    sent = [name for name, value in vars(signals).items() if isinstance(value, NamedSignal)]
    assert sent
    for name in sent:
        assert f".. autodata:: flask_statuspages.signals.{name}\n" in page, name


def test_every_page_is_in_the_toctree_and_links_stay_in_the_site() -> None:
    index = (DOCS / "index.md").read_text()
    listed = set(re.findall(r"^([a-z][a-z0-9-]*)$", index, re.M))
    pages = {p.stem for p in DOCS.glob("*.md")} | {p.stem for p in DOCS.glob("*.rst")}
    assert pages - {"index"} == listed
    for page in DOCS.glob("*.md"):
        outside = re.findall(r"\]\((\.\./[^)]*)\)", page.read_text())
        assert not outside, f"{page.name} links outside docs/: {outside}"


def test_the_testing_guide_runs_as_written(tmp_path: Path) -> None:
    """Its code blocks, put together, are a test module that passes (warnings as errors)."""
    guide = (DOCS / "testing.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", guide, re.S)
    assert len(blocks) >= 3
    module = tmp_path / "test_guide.py"
    module.write_text("\n\n".join(blocks))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"]
        + ["--rootdir", str(tmp_path), str(module)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    tests = len(re.findall(r"^def test_", module.read_text(), re.M))
    assert re.search(rf"\b{tests} passed\b", result.stdout), result.stdout
