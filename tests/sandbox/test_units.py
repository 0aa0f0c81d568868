"""Units of isolated grading: the records file as untrusted data, redaction, the fallback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest

from autograder.judging.judge import judge_case
from autograder.judging.spec import Case, Check, Part
from autograder.sandbox import limits
from autograder.sandbox.recordfile import RecordFileError, read_records, write_records


def test_records_round_trip(tmp_path: Path) -> None:
    recs = [{"out": np.arange(3.0), "n": 4, "ok": True, "x": 2.5, "__error__": "boom"}, {}]
    path = tmp_path / "p.npz"
    write_records(path, recs)
    back = read_records(path, 2)
    assert np.array_equal(back[0]["out"], np.arange(3.0))
    assert back[0]["n"] == 4 and back[0]["ok"] is True and back[0]["x"] == 2.5
    assert back[0]["__error__"] == "boom" and back[1] == {}


def test_records_reject_pickles_wrong_counts_and_lies(tmp_path: Path) -> None:
    path = tmp_path / "p.npz"
    np.savez(
        path,
        manifest=np.asarray(json.dumps([{"out": "array"}])),
        **{"0/out": np.array([object()], dtype=object)},
    )
    with pytest.raises(RecordFileError):
        read_records(path, 1)
    write_records(path, [{"out": np.ones(2)}])
    with pytest.raises(RecordFileError):
        read_records(path, 3)  # the manifest must cover exactly the cases asked for
    np.savez(path, manifest=np.asarray(json.dumps([{"out": "int"}])), **{"0/out": np.ones(3)})
    with pytest.raises(RecordFileError):
        read_records(path, 1)  # an array posing as an int
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(RecordFileError):
        read_records(tmp_path / "junk.npz", 1)


def test_hidden_case_errors_show_no_message() -> None:
    part = Part("t", "T", ("f",), 1, "call", (Check("match", "out"),))
    record = {
        "__error__": "ValueError: secret input 31415.9 (line 3: `x = y`)",
        "__error_type__": "ValueError",
        "__error_where__": " (line 3: `x = y`)",
        "__status__": "error",
    }
    case = Case("c", {"x": np.array([31415.9])})
    hidden = judge_case(part, case, record, None, hidden=True, label="hidden case 1")
    assert "31415.9" not in " ".join(hidden.messages)
    assert "ValueError" in hidden.messages[0] and "line 3" in hidden.messages[0]
    public = judge_case(part, case, record, None, hidden=False, label="c")
    assert "31415.9" in public.messages[0]


# ------------------------------------------------------------------ the pids cgroup's life cycle


def _cgroup_or_skip(max_processes: int = 8) -> limits.ProcessCgroup:
    cgroup = limits.ProcessCgroup(max_processes)
    if not cgroup.active:
        pytest.skip("no writable pids cgroup here (needs root and the pids controller)")
    return cgroup


def _sleeper(cgroup: limits.ProcessCgroup) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["sleep", "60"], preexec_fn=cgroup.join)


def test_cgroup_limits_processes_and_close_kills_and_removes() -> None:
    cgroup = _cgroup_or_skip(max_processes=3)
    assert cgroup.path is not None
    path = cgroup.path
    assert path.name.startswith(f"dlf-{os.getpid()}-")
    sleeper = _sleeper(cgroup)
    forker = subprocess.run(
        ["sh", "-c", "for i in 1 2 3 4 5 6; do sleep 60 >/dev/null 2>&1 & done"],
        preexec_fn=cgroup.join,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    # sleeper + sh + one background sleep fill the 3 slots, so sh's second fork fails
    assert "fork" in forker.stderr.lower(), forker.stderr
    assert int((path / "pids.current").read_text()) == 2  # sh has exited; its one sleep lives on
    cgroup.close()
    assert sleeper.wait(timeout=10) == -signal.SIGKILL
    assert not path.exists()


def test_cgroup_whose_removal_failed_is_released_later(monkeypatch: pytest.MonkeyPatch) -> None:
    cgroup = _cgroup_or_skip()
    path = cgroup.path
    assert path is not None
    sleeper = _sleeper(cgroup)
    monkeypatch.setattr(limits, "_kill_and_remove", lambda p, wait: False)
    cgroup.close()  # as if the processes had not died in time
    assert path.exists() and path in limits._pending
    monkeypatch.undo()
    assert limits.release_leftover_cgroups(wait=10) == []
    assert not path.exists() and path not in limits._pending
    assert sleeper.wait(timeout=10) == -signal.SIGKILL


def test_cgroup_of_a_dead_grading_process_is_released() -> None:
    cgroup = _cgroup_or_skip()
    assert cgroup.path is not None
    root = cgroup.path.parent
    cgroup.close()
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = root / f"dlf-{dead.pid}-{'0' * 12}"
    orphan.mkdir()
    (orphan / "pids.max").write_text("4")
    sleeper = subprocess.Popen(
        ["sleep", "60"], preexec_fn=lambda: (orphan / "cgroup.procs").write_text(str(os.getpid()))
    )
    assert limits.release_leftover_cgroups(wait=10) == []
    assert not orphan.exists()
    assert sleeper.wait(timeout=10) == -signal.SIGKILL


def test_bubblewrap_can_create_a_sandbox_on_ci() -> None:
    """On CI the isolation tests must run, not skip: bubblewrap has to work there."""
    from tests.sandbox_support import ON_CI, bwrap_works

    if not ON_CI:
        pytest.skip("only required where CI is set")
    assert bwrap_works(), "bubblewrap is missing or cannot create namespaces on this CI machine"


def test_a_cell_past_its_time_limit_is_stopped_and_said_so() -> None:
    """IPython swallows the alarm's exception; the harness still knows the cell was stopped."""
    import signal

    from IPython.core.interactiveshell import InteractiveShell

    from autograder.sandbox.harness import _alarm, run_cell_within

    shell = InteractiveShell.instance()
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        assert run_cell_within(shell, "x = 1 + 1", 30) is True
        assert run_cell_within(shell, "while True:\n    pass", 1) is False
        assert run_cell_within(shell, "y = x * 2", 30) is True  # the shell goes on
        assert shell.user_ns["y"] == 4
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_cell_is_named_as_a_student_finds_it() -> None:
    from autograder.sandbox.driver import cell_label

    cells = [
        {"cell_type": "markdown", "source": "# Title"},
        {"cell_type": "code", "source": ["import numpy as np\n", "x = 1\n"]},
        {"cell_type": "markdown", "source": "text"},
        {"cell_type": "code", "source": "\n\n" + "while True:  " + "a" * 80},
        "not a cell",
    ]
    assert cell_label(cells, 1) == 'code cell 1 ("import numpy as np")'
    assert cell_label(cells, 3) == 'code cell 2 ("while True:  ' + "a" * 47 + '...")'
    assert cell_label(cells, 4) == "code cell 2"
    assert cell_label(cells, 99) == "code cell 2"
