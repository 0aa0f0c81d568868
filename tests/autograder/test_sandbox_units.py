"""Units of isolated grading: the records file as untrusted data, redaction, the fallback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from autograder.judge import judge_case
from autograder.sandbox.recordfile import RecordFileError, read_records, write_records
from autograder.spec import Case, Check, Part


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
