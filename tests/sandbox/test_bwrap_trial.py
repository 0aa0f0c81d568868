"""The trial run that decides whether bwrap can really sandbox here (else a limited process)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.sandbox import bwrap

# bwrap's own messages where user namespaces are forbidden (unprivileged, and root in Docker)
MESSAGES = (
    "bwrap: No permissions to creating new namespace, likely because the kernel does not allow "
    "non-privileged user namespaces. On e.g. debian this can be enabled with "
    "'sysctl kernel.unprivileged_userns_clone=1'.",
    "bwrap: Creating new namespace failed: Operation not permitted",
)


@pytest.fixture(autouse=True)
def fresh_trial() -> Iterator[None]:
    bwrap.bwrap_trial.cache_clear()
    yield
    bwrap.bwrap_trial.cache_clear()


@pytest.mark.parametrize("message", MESSAGES)
def test_bwrap_that_cannot_create_namespaces_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message: str
) -> None:
    calls = tmp_path / "calls"
    fake = tmp_path / "bwrap"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\necho "{message}" >&2\nexit 1\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert bwrap.bwrap_path() == str(fake)
    assert not bwrap.bwrap_usable()
    note = bwrap.reduced_isolation_note()
    assert note.startswith("isolation is REDUCED: bwrap is installed but cannot create a sandbox")
    assert message.removeprefix("bwrap: ") in note
    assert "allow user namespaces" in note
    # one trial, with the real sandbox's namespace flags, however often it is asked
    assert not bwrap.bwrap_usable()
    lines = calls.read_text().splitlines()
    assert len(lines) == 1 and "--unshare-all" in lines[0]


def test_no_bwrap_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not bwrap.bwrap_usable()
    note = bwrap.reduced_isolation_note()
    assert "bubblewrap (bwrap) is not installed" in note and "apt-get install bubblewrap" in note


def test_working_bwrap_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bwrap"
    fake.write_text('#!/bin/sh\n[ "$#" -gt 3 ] && exec "$(eval echo \\${$#})"\nexit 9\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    assert bwrap.bwrap_usable()
    assert bwrap.bwrap_trial() == (True, "")
