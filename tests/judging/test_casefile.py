"""Tests of ``autograder.judging.casefile``: the release's ``.npz`` of public cases and
references."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder.judging.casefile import CaseFile, part_from_json, part_to_json, write_casefile
from autograder.judging.spec import AssignmentSpec, Case, Check, Part

PART_A = Part(
    "test_a",
    "Part A",
    ("fa",),
    5,
    "loss_grad",
    (
        Check("match", "loss", rtol=1e-6, atol=1e-9),
        Check("selfgrad", "dW", against="numeric_dW", label="dW"),
        Check("at_least", "acc", threshold=0.9, floor=0.5),
    ),
    options={"outputs": ["loss", "dW"], "wrt": "W"},
    hints={"loss": "average over the batch"},
)
PART_B = Part("test_b", "Part B", ("fb", "gb"), 2.5, "call", (Check("equal", "pred"),))
SPEC = AssignmentSpec("a0_demo", (PART_A, PART_B), "solutions.nothing")


def _data() -> tuple[dict[str, list[Case]], dict[str, list[dict]]]:
    rng = np.random.default_rng(0)
    cases = {
        "test_a": [
            Case(
                "small",
                {
                    "W": rng.standard_normal((3, 2)),
                    "y": np.array([0, 1, 1]),
                    "reg": 0.25,
                    "n": 7,
                    "flag": True,
                    "mode": "fast",
                    "f32": rng.standard_normal(4).astype(np.float32),
                    "mask": np.array([True, False]),
                },
                "a note",
                checks=("loss", "selfgrad:dW"),
            ),
            Case("big", {"W": rng.standard_normal((5, 4)), "reg": 0.0}, ""),
        ],
        "test_b": [Case("only", {"X": np.arange(6, dtype=np.int32).reshape(2, 3)}, "ints")],
    }
    refs = {
        "test_a": [
            {
                "loss": 1.5,
                "dW": rng.standard_normal((3, 2)),
                "n_calls": 12,
                "ok": False,
                "__seconds__": 0.1,
                "__dtype_loss": "float",
            },
            {"loss": -0.0, "dW": np.zeros((5, 4))},
        ],
        "test_b": [{"pred": np.array([2, 0], dtype=np.int64), "label": "two"}],
    }
    return cases, refs


def _assert_same(a: object, b: object) -> None:
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray)
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    else:
        assert type(a) is type(b), (a, b)
        assert a == b


def test_round_trip_of_cases_and_references(tmp_path: Path) -> None:
    cases, refs = _data()
    path = tmp_path / "a0_demo.cases.npz"
    write_casefile(path, SPEC, cases, refs)
    cf = CaseFile(path)
    assert cf.assignment == "a0_demo"
    assert cf.part_ids == ["test_a", "test_b"]
    for part_id in cf.part_ids:
        loaded = cf.cases(part_id)
        assert len(loaded) == len(cases[part_id])
        for (case, ref), orig, orig_ref in zip(loaded, cases[part_id], refs[part_id], strict=True):
            assert case.name == orig.name and case.note == orig.note
            assert case.checks == orig.checks
            assert set(case.args) == set(orig.args)
            for k, v in orig.args.items():
                _assert_same(v, case.args[k])
            public = {k: v for k, v in orig_ref.items() if not k.startswith("__")}
            assert set(ref) == set(public)  # metadata is dropped
            for k, v in public.items():
                _assert_same(v, ref[k])


def test_part_definitions_round_trip(tmp_path: Path) -> None:
    cases, refs = _data()
    path = tmp_path / "x.npz"
    write_casefile(path, SPEC, cases, refs)
    cf = CaseFile(path)
    for part in SPEC.parts:
        assert cf.part(part.id) == part
        assert part_from_json(part_to_json(part)) == part
    with pytest.raises(KeyError, match="test_a, test_b"):
        cf.part("test_nope")


def test_writing_twice_gives_identical_bytes(tmp_path: Path) -> None:
    cases, refs = _data()
    first, second = tmp_path / "one" / "c.npz", tmp_path / "two" / "c.npz"
    write_casefile(first, SPEC, cases, refs)
    write_casefile(second, SPEC, *_data())  # regenerated inputs, same seed
    assert first.read_bytes() == second.read_bytes()


def test_file_is_a_plain_npz_without_pickles(tmp_path: Path) -> None:
    cases, refs = _data()
    path = tmp_path / "c.npz"
    write_casefile(path, SPEC, cases, refs)
    with np.load(path, allow_pickle=False) as data:
        names = set(data.files)
        arrays = {k: data[k] for k in data.files}
    assert "manifest" in names
    assert "test_a/small/args/W" in names and "test_a/small/ref/dW" in names
    assert "test_a/small/ref/__seconds__" not in names
    assert all(a.dtype != object for a in arrays.values())
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == sorted(zf.namelist())
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())


def test_object_array_cannot_be_stored(tmp_path: Path) -> None:
    cases, refs = _data()
    cases["test_b"] = [Case("only", {"X": np.array([{"a": 1}, None], dtype=object)})]
    with pytest.raises(TypeError, match="dtype object"):
        write_casefile(tmp_path / "c.npz", SPEC, cases, refs)


@pytest.mark.parametrize("value", [None, [1, 2], {"a": 1}, 1 + 2j, np.array(["a", "b"])])
def test_other_values_cannot_be_stored(tmp_path: Path, value: object) -> None:
    cases, refs = _data()
    refs["test_b"] = [{"pred": value}]
    with pytest.raises(TypeError):
        write_casefile(tmp_path / "c.npz", SPEC, cases, refs)


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.npz"
    np.savez(path, manifest=np.asarray('{"format": 99, "assignment": "x", "parts": []}'))
    with pytest.raises(ValueError, match="format"):
        CaseFile(path)
