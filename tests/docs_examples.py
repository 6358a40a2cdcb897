"""What the docs-examples test stands on: the code blocks of a Markdown document, the
example app served as a user serves it, and a shell and a Python that keep their state
from one block to the next, as a reader's terminal does.

A block is run unless its first line is a comment starting ``# not run:`` (the reason
follows, visible to readers). Its output is checked against the block that follows it
(only blank lines between, no language or ``json``/``text``), or, in a block written
as a terminal session, against the lines after each ``$ `` command.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "example_app" / "README.md"] + sorted(
    (ROOT / "docs").glob("*.md")
)
#: The address every example is written for; the test points it at its own port.
DOCUMENTED_BASE = "http://127.0.0.1:5000"
DOCUMENTED_MAIL = "localhost:8025"
PREFIX = "/api/ext/cockpit-pro/status-pages"
RUNNABLE = {"sh": "sh", "bash": "sh", "shell": "sh", "console": "sh", "python": "python"}
OUTPUT = {"", "json", "text"}
NOT_RUN = re.compile(r"^#\s*not run:\s*\S")
BLOCK_TIMEOUT = 60


# ------------------------------------------------------------------ blocks


@dataclass
class Block:
    """A fenced block of ``document`` starting on line ``line`` (1-based)."""

    document: str
    line: int
    language: str
    text: str
    expected: str | None = None
    #: For a terminal session: (commands, their output) pairs.
    session: list[tuple[str, str]] = field(default_factory=list)

    @property
    def kind(self) -> str | None:
        return RUNNABLE.get(self.language)

    @property
    def skipped(self) -> bool:
        first = self.text.lstrip("\n").split("\n", 1)[0]
        return bool(NOT_RUN.match(first))

    @property
    def where(self) -> str:
        return f"{self.document}:{self.line} ({self.language} block)"


_FENCE = re.compile(r"^(\s*)(```+)\s*([\w+-]*)(.*)$")


def fenced_blocks(path: Path) -> list[Block]:
    """Every fenced block of the Markdown file at ``path``, in order."""
    lines = path.read_text(encoding="utf-8").split("\n")
    name = str(path.relative_to(ROOT))
    blocks: list[Block] = []
    n = 0
    while n < len(lines):
        match = _FENCE.match(lines[n])
        if match is None:
            n += 1
            continue
        indent, fence, language = match.group(1), match.group(2), match.group(3).lower()
        body: list[str] = []
        end = n + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            body.append(lines[end][len(indent) :] if lines[end].startswith(indent) else lines[end])
            end += 1
        blocks.append(Block(name, n + 1, language, "\n".join(body)))
        blocks[-1].end = end  # type: ignore[attr-defined]
        n = end + 1
    return blocks


def runnable_blocks(path: Path) -> list[Block]:
    """The shell and Python blocks of ``path``, each with the output it documents."""
    lines = path.read_text(encoding="utf-8").split("\n")
    blocks = fenced_blocks(path)
    chosen = []
    for n, block in enumerate(blocks):
        if block.kind is None:
            continue
        following = blocks[n + 1] if n + 1 < len(blocks) else None
        between = lines[block.end + 1 : following.line - 1] if following else ["x"]  # type: ignore[attr-defined]
        if following and following.language in OUTPUT and not any(s.strip() for s in between):
            block.expected = following.text
        if block.kind == "sh" and any(s.startswith("$ ") for s in block.text.split("\n")):
            block.session = terminal_session(block.text)
        chosen.append(block)
    return chosen


def terminal_session(text: str) -> list[tuple[str, str]]:
    """``$ command`` lines (with ``\\`` continuations) and the output after each."""
    pairs: list[tuple[str, str]] = []
    lines = text.split("\n")
    n = 0
    while n < len(lines):
        if not lines[n].startswith("$ "):
            n += 1
            continue
        command = [lines[n][2:]]
        n += 1
        while command[-1].endswith("\\") and n < len(lines):
            command.append(lines[n])
            n += 1
        output = []
        while n < len(lines) and not lines[n].startswith("$ "):
            output.append(lines[n])
            n += 1
        pairs.append(("\n".join(command), "\n".join(output).strip("\n")))
    return pairs


# --------------------------------------------------------------- comparing

_NORMALISE = [
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}([.,]\d+)?Z?"), "<time>"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "<date>"),
    (re.compile(r"\bsp_[A-Za-z0-9_-]{20,}"), "<api-token>"),
    (re.compile(r"\.?[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}"), "<token>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<hex64>"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "<id>"),
    (re.compile(r"\b1[0-9]{9}\b"), "<unix-time>"),
]


def normalise_text(text: str) -> str:
    for pattern, placeholder in _NORMALISE:
        text = pattern.sub(placeholder, text)
    return text


def _normalise_json(value: Any) -> Any:
    if isinstance(value, str):
        return normalise_text(value)
    if isinstance(value, list):
        return [_normalise_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalise_json(item) for key, item in value.items()}
    return value


def json_values(text: str) -> list[Any] | None:
    """``text`` as a sequence of JSON values (jq's output), or None if it is not one."""
    decoder = json.JSONDecoder()
    values, at, text = [], 0, text.strip()
    while at < len(text):
        try:
            value, at = decoder.raw_decode(text, at)
        except ValueError:
            return None
        values.append(value)
        while at < len(text) and text[at].isspace():
            at += 1
    return values or None


def comparable(text: str) -> Any:
    """What is compared: JSON values when the text is JSON, else its lines, normalised."""
    values = json_values(text)
    if values is not None:
        return [_normalise_json(value) for value in values]
    return [normalise_text(line.rstrip()) for line in text.strip("\n").split("\n")]


def pretty(value: Any) -> str:
    if value and not isinstance(value[0], str):
        return "\n".join(json.dumps(item, indent=2, sort_keys=True) for item in value)
    return "\n".join(value)


# ----------------------------------------------------------------- runners


class _Interpreter:
    """A long-lived process fed code on its standard input; its output lines are queued."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str], **popen: Any) -> None:
        self.proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            **popen,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)

    def _send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def _next_line(self, deadline: float, timeout: float) -> str:
        try:
            return self._lines.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise TimeoutError(f"still running after {timeout} s") from None

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(5)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class Shell(_Interpreter):
    """One bash for a whole document: variables, functions and ``cd`` carry over."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.scratch = cwd / ".shell"
        self.scratch.mkdir()
        super().__init__(
            ["bash", "--noprofile", "--norc"],
            cwd,
            env,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def run(self, script: str, timeout: float = BLOCK_TIMEOUT) -> tuple[int, str]:
        """Run ``script``; its exit status and its output (standard output and error)."""
        out = self.scratch / "out"
        self._send(f'{{\n{script}\n}} >{out} 2>&1 </dev/null\necho "__rc__ $?"\n')
        deadline = time.monotonic() + timeout
        while True:
            line = self._next_line(deadline, timeout)
            if line.startswith("__rc__ "):
                return int(line.split()[1]), out.read_text(errors="replace")

    def close(self) -> None:
        """Stop the shell and whatever a block left running in it."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        super().close()


_PYTHON_RUNNER = r"""
import contextlib, io, json, sys, traceback
namespace = {"__name__": "__main__"}
for line in sys.stdin:
    code = json.loads(line)
    buffer = io.StringIO()
    ok = True
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        try:
            exec(compile(code, "<block>", "exec"), namespace)
        except BaseException:
            ok = False
            traceback.print_exc()
    sys.__stdout__.write(json.dumps({"ok": ok, "output": buffer.getvalue()}) + "\n")
    sys.__stdout__.flush()
"""


class Python(_Interpreter):
    """One Python interpreter for a whole document: names defined by a block stay defined."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        super().__init__(
            [sys.executable, "-c", _PYTHON_RUNNER], cwd, env, stderr=subprocess.DEVNULL
        )

    def run(self, code: str, timeout: float = BLOCK_TIMEOUT) -> tuple[int, str]:
        """Run ``code``; 0 or 1 (it raised), and what it printed (with the traceback)."""
        self._send(json.dumps(code) + "\n")
        answer = json.loads(self._next_line(time.monotonic() + timeout, timeout))
        return (0 if answer["ok"] else 1), answer["output"]


# ------------------------------------------------------------ example app


class ExampleApp:
    """The example app as ``make demo`` serves it (migrated, seeded, ``flask run``), on a
    fresh SQLite database and a free loopback port, with an SMTP sink for its emails.

    ``workdir`` stands for the repository root: a copy of ``example_app/`` and a
    ``.venv`` that is the running interpreter's environment.
    """

    def __init__(self, workdir: Path, port: int, mail_port: int) -> None:
        self.workdir = workdir
        self.base = f"http://127.0.0.1:{port}"
        shutil.copytree(
            ROOT / "example_app",
            workdir / "example_app",
            ignore=shutil.ignore_patterns("instance", "__pycache__"),
        )
        (workdir / ".venv").symlink_to(sys.prefix, target_is_directory=True)
        bindir = os.path.dirname(sys.executable)
        self.env = {
            **os.environ,
            "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
            "PYTHONDONTWRITEBYTECODE": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'example.db'}",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(mail_port),
            "STATUSPAGES_PUBLIC_URL": self.base,
            "FLASK_DEBUG": "0",
            # What docs/notifications.md's receiver is started with.
            "STATUSPAGES_WEBHOOK_SECRET": "the-subscriber-secret",
        }
        self.env.pop("FLASK_APP", None)
        app_dir = workdir / "example_app"
        self.logs = workdir / "logs"
        self.logs.mkdir()
        self.mail = self._spawn(
            [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{mail_port}"],
            workdir,
            "mail",
        )
        for args in (["statuspages", "db", "upgrade"], ["statuspages", "demo", "--owner", "acme"]):
            subprocess.run(
                [sys.executable, "-m", "flask", "--app", "app", *args],
                cwd=app_dir,
                env=self.env,
                check=True,
                capture_output=True,
                timeout=120,
            )
        self.server = self._spawn(
            [sys.executable, "-m", "flask", "--app", "app", "run"]
            + ["--host", "127.0.0.1", "--port", str(port)],
            app_dir,
            "app",
        )
        self._wait_until_up()

    def _spawn(self, args: list[str], cwd: Path, name: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("wb") as log:
            return subprocess.Popen(args, cwd=cwd, env=self.env, stdout=log, stderr=log)

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"the example app exited:\n{self.log('app')}")
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the example app did not answer:\n{self.log('app')}")

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        for proc in (self.server, self.mail):
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def for_this_app(text: str, app: ExampleApp, mail_port: int) -> str:
    """The documented addresses pointed at the test's app and mail sink."""
    port = app.base.rsplit(":", 1)[1]
    text = text.replace(DOCUMENTED_BASE, app.base).replace("localhost:5000", f"127.0.0.1:{port}")
    return text.replace(DOCUMENTED_MAIL, f"127.0.0.1:{mail_port}")
