"""Every shell and Python example of README.md, example_app/README.md and docs/*.md, run
against the example app, as a reader would run them, so the docs cannot drift.

Per document: the example app is migrated, seeded (``flask statuspages demo``) and served by
``flask run`` in a subprocess, on a fresh SQLite database and a free loopback port, with an
aiosmtpd sink for its emails. The blocks then run in order in one bash (variables, functions
and ``cd`` carry over) and one Python (names carry over), with ``http://127.0.0.1:5000`` and
``localhost:8025`` pointed at that app and sink. The docs under ``docs/`` share the variables
of the block of docs/api.md that starts with ``# The examples' variables``, run first; Python
blocks start in ``example_app/`` with ``app`` (the example app) defined.

A block fails on a non-zero exit status, and on output that differs from the output shown
after it (ids, tokens, secrets and times normalised). Blocks whose first line is
``# not run: <why>`` are skipped. Needs curl and jq (``make test`` installs them).
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from .conftest import free_port
from .docs_examples import (
    DOCUMENTS,
    ROOT,
    Block,
    ExampleApp,
    Python,
    Shell,
    comparable,
    for_this_app,
    pretty,
    runnable_blocks,
)

PRELUDE_DOC = ROOT / "docs" / "api.md"
PRELUDE_MARK = "# The examples' variables"
PYTHON_PRELUDE = "from app import app  # the example app: the host app of the examples\n"


def prelude() -> Block:
    """The block of docs/api.md that sets the variables every docs/ example uses."""
    for block in runnable_blocks(PRELUDE_DOC):
        if block.text.startswith(PRELUDE_MARK):
            return block
    raise AssertionError(f"{PRELUDE_DOC.name} has no sh block starting {PRELUDE_MARK!r}")


def _ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.fixture
def tools() -> None:
    missing = [tool for tool in ("curl", "jq", "bash") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the docs examples need {', '.join(missing)} (make test installs them)")


def _check(block: Block, code: str, status: int, output: str, expected: str | None) -> str | None:
    """What is wrong with one run of ``code`` (None: nothing)."""
    if status != 0:
        return f"{block.where}: exit status {status}\n--- code\n{code}\n--- output\n{output}"
    if expected is None:
        return None
    want, got = comparable(expected), comparable(output)
    if want == got:
        return None
    diff = difflib.unified_diff(
        pretty(want).split("\n"),
        pretty(got).split("\n"),
        "documented",
        "actual",
        lineterm="",
    )
    return f"{block.where}: output differs\n--- code\n{code}\n" + "\n".join(diff)


#: The documents with at least one shell or Python block.
RUNNABLE_DOCUMENTS = [doc for doc in DOCUMENTS if any(b.kind for b in runnable_blocks(doc))]


@pytest.mark.parametrize("document", RUNNABLE_DOCUMENTS, ids=_ids)
def test_examples_run_as_documented(document: Path, tools: None, tmp_path: Path) -> None:
    blocks = runnable_blocks(document)
    mail_port = free_port()
    app = ExampleApp(tmp_path, free_port(), mail_port)
    shell = Shell(tmp_path, app.env)
    python = Python(tmp_path / "example_app", app.env)
    failures: list[str] = []
    try:
        status, output = python.run(PYTHON_PRELUDE)
        assert status == 0, output
        if document.parent.name == "docs":
            start = prelude()
            status, output = shell.run(for_this_app(start.text, app, mail_port))
            assert status == 0, f"{start.where}: {output}"
        for block in blocks:
            if block.skipped or (document == PRELUDE_DOC and block.text.startswith(PRELUDE_MARK)):
                continue
            failures.extend(_run_block(block, app, mail_port, shell, python))
    finally:
        shell.close()
        python.close()
        app.stop()
    assert not failures, "\n\n".join(failures) + f"\n\n--- the app's log\n{app.log('app')}"


def _run_block(block: Block, app: ExampleApp, mail_port: int, shell: Shell, python: Python):
    """Run ``block`` (each command of a terminal session in turn); its failures."""
    runner = shell if block.kind == "sh" else python
    steps = block.session or [(block.text, block.expected)]
    for code, expected in steps:
        code = for_this_app(code, app, mail_port)
        if expected is not None:
            expected = for_this_app(expected, app, mail_port)
        try:
            status, output = runner.run(code)
        except TimeoutError as error:
            raise AssertionError(f"{block.where}: {error}\n--- code\n{code}") from None
        problem = _check(block, code, status, output, expected or None)
        if problem:
            yield problem
            return


def test_blocks_are_found_and_compared() -> None:
    """The extraction itself: the README's tour has commands with their shown output."""
    blocks = runnable_blocks(ROOT / "README.md")
    with_output = [block for block in blocks if block.expected]
    assert len(with_output) >= 8
    assert comparable('{"a": "2026-11-23T14:26:32.134Z", "id": "' + "ab" * 16 + '"}') == (
        comparable('{\n  "id": "' + "cd" * 16 + '",\n  "a": "2027-01-01T00:00:00Z"\n}')
    )
    assert comparable('{"status": "resolved"}') != comparable('{"status": "identified"}')


def test_a_drift_names_the_block_and_shows_the_diff() -> None:
    block = Block("docs/api.md", 42, "sh", "api $API/")
    problem = _check(block, "api $API/", 0, '{"status": "resolved"}\n', '{"status": "open"}')
    assert problem is not None
    assert problem.startswith("docs/api.md:42 (sh block): output differs")
    assert '-  "status": "open"' in problem and '+  "status": "resolved"' in problem
    failed = _check(block, "false", 1, "boom\n", None)
    assert failed is not None and "exit status 1" in failed and "boom" in failed
