"""``flask statuspages demo`` and the package as installed."""

from __future__ import annotations

import zipfile
from pathlib import Path

from flit_core import buildapi

from .conftest import PREFIX


def test_demo_seeds_a_page_once(app) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["statuspages", "demo", "--owner", "acme"])
    assert result.exit_code == 0, result.output
    assert "Acme Status" in result.output
    again = runner.invoke(args=["statuspages", "demo", "--owner", "acme"])
    assert "nothing seeded" in again.output
    client = app.test_client()
    body = client.get(PREFIX + "/public/acme-status").json
    assert body["overall_status"] == "degraded_performance"
    assert len(body["components"]) == 5
    assert [i["title"] for i in body["active_incidents"]] == ["Elevated API latency"]
    assert [i["title"] for i in body["recent_incidents"]] == ["Delayed email notifications"]
    assert len(body["active_incidents"][0]["updates"]) == 2
    listing = client.get(PREFIX + "/", headers={"X-Owner": "acme"}).json
    assert listing["pagination"]["total"] == 1


def test_wheel_ships_templates_migrations_and_typing(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    wheel = buildapi.build_wheel(str(tmp_path))
    names = set(zipfile.ZipFile(tmp_path / wheel).namelist())
    for expected in (
        "flask_statuspages/py.typed",
        "flask_statuspages/templates/statuspages/email/verify.txt",
        "flask_statuspages/templates/statuspages/email/verify.html",
        "flask_statuspages/templates/statuspages/verified.html",
        "flask_statuspages/migrations/env.py",
        "flask_statuspages/migrations/script.py.mako",
        "flask_statuspages/migrations/versions/0001_initial.py",
    ):
        assert expected in names


def test_suite_imports_the_package_as_installed() -> None:
    """``make test`` installs the package non-editable and the suite runs that copy.

    The package sits beside ``tests/``; ``--import-mode=append`` keeps the
    checkout behind site-packages, so a file left out of the wheel fails here.
    An editable install (a developer's venv) points at the checkout itself.
    """
    import json
    from importlib import metadata

    import flask_statuspages

    dist = metadata.distribution("flask-statuspages")
    imported = Path(flask_statuspages.__file__).resolve()
    direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
    if direct_url.get("dir_info", {}).get("editable"):
        checkout = Path(direct_url["url"].removeprefix("file://")).resolve()
        assert imported == checkout / "flask_statuspages" / "__init__.py"
    else:
        installed = Path(str(dist.locate_file("flask_statuspages/__init__.py"))).resolve()
        assert imported == installed
