"""Real-browser fixtures: Debian's Chromium driven by Playwright, JupyterLab on a free port.

Chromium comes from the system (``apt-get install chromium``, done by ``make system-deps``) and
Playwright for Python from the ``dev`` extra; Playwright never downloads a browser here: it is
pointed at the system's executable. Without either the tests are skipped, except under CI (the
``CI`` variable set), where they fail. Every process started here is started in its own session
and ended by its own id at teardown. Screenshots go to ``build/screenshots/``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from autograder.course import course_root

BIN = Path(sys.executable).parent
BARE_PATH = "/usr/bin:/bin"  # the virtual environment is not activated
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH = 1280


def _unavailable(why: str) -> None:
    """Skip, or fail under CI where the browser tests must run."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run under CI: {why}")
    pytest.skip(why)


def chromium_executable() -> str | None:
    """The system's Chromium (Debian's package installs ``/usr/bin/chromium``)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot_dir() -> Path:
    """``build/screenshots/`` in the repository (made if needed)."""
    folder = course_root() / "build" / "screenshots"  # type: ignore[operator]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A headless Chromium with a fresh profile and a 1280 px wide window."""
    exe = chromium_executable()
    if exe is None:
        _unavailable("chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[dev]')")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=exe,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": WIDTH, "height": 900},
        )
        context.set_default_timeout(60_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A new tab, closed after the test."""
    tab = browser_context.new_page()
    try:
        yield tab
    finally:
        tab.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Lab:
    """A running JupyterLab: its base URL and token."""

    url: str
    token: str
    root: Path
    log: Path

    def at(self, path: str) -> str:
        """The URL of ``path`` (e.g. ``lab/tree/x.ipynb``) with the token."""
        sep = "&" if "?" in path else "?"
        return f"{self.url}/{path}{sep}token={self.token}"


def start_lab(root: Path, scratch: Path) -> tuple[subprocess.Popen[bytes], Lab]:
    """Start ``.venv/bin/jupyter lab`` in ``root`` the README way (by path, venv not activated).

    Its configuration, runtime and workspace folders are private to ``scratch``.
    """
    token = secrets.token_hex(16)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(
        PATH=BARE_PATH,
        MPLBACKEND="Agg",
        JUPYTER_CONFIG_DIR=str(scratch / "config"),
        JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
        JUPYTER_PLATFORM_DIRS="1",
        HOME=str(scratch / "home"),
    )
    (scratch / "home").mkdir(parents=True, exist_ok=True)
    log = scratch / "jupyter.log"
    cmd = [
        str(BIN / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    lab = Lab(f"http://127.0.0.1:{port}", token, root, log)
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(lab.at("api/status"), timeout=5) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError("JupyterLab did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.5)
    return proc, lab


def stop(proc: subprocess.Popen[bytes]) -> None:
    """End the server and its kernels: the process group this fixture started, by its id."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # kernels are in the same session: make sure none outlives the server
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture
def lab_factory() -> Iterator[Any]:
    """``start(root)`` -> a running :class:`Lab` in ``root``; everything stopped at teardown."""
    started: list[subprocess.Popen[bytes]] = []
    scratch_dirs: list[str] = []

    def start(root: Path) -> Lab:
        scratch = Path(tempfile.mkdtemp(prefix="dlf-lab-"))
        scratch_dirs.append(str(scratch))
        proc, lab = start_lab(root, scratch)
        started.append(proc)
        return lab

    try:
        yield start
    finally:
        for proc in started:
            stop(proc)
        for folder in scratch_dirs:
            shutil.rmtree(folder, ignore_errors=True)


def fits_width(page: Any) -> tuple[int, int]:
    """(the page's scrolling width, the window's width): it fits when the first <= the second."""
    widths = page.evaluate(
        "() => [Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),"
        " window.innerWidth]"
    )
    return int(widths[0]), int(widths[1])


def dismiss_news(page: Any) -> None:
    """Answer JupyterLab's "notified about official Jupyter news?" toast with No, if it shows."""
    button = page.get_by_role("button", name="No", exact=True)
    with contextlib.suppress(Exception):
        button.wait_for(timeout=5_000)
        button.click()
