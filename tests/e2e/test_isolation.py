"""Isolated grading under attack: cheats gain nothing, faults cost only their own part.

Every adversarial submission (see ``adversarial.py``) is graded in one batch by the default,
isolated engine. The same honest demo submissions graded by the isolated engine, by nbgrader's
own ``nbgrader autograde`` and by ``autograder check`` get equal scores.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from autograder.course import course_root, load_spec
from autograder.instructor.demo import demo_submissions, reference_submission, write_submission
from autograder.pipeline.check import check_notebook
from autograder.pipeline.grade import grade
from tests.e2e.adversarial import ADVERSARIES, build
from tests.golden_support import assert_matches_golden
from tests.sandbox_support import SANDBOX_SKIP, descendants

A1 = "a1_linear_classifiers"
CANARY_TEXT = "host file: must never be written through a link in the sandbox\n"
pytestmark = [pytest.mark.slow, SANDBOX_SKIP]


class Canary:
    """A TCP server on loopback that records whether anything connected."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))  # a free port, chosen by the OS
        self.port = int(self.sock.getsockname()[1])
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.hits = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, Canary, list]:
    folder = tmp_path_factory.mktemp("adversarial")
    out = tmp_path_factory.mktemp("out")
    canary = Canary()
    host_file = tmp_path_factory.mktemp("host") / "canary.txt"
    host_file.write_text(CANARY_TEXT)
    places = {
        "course": str(course_root()),
        "submissions": str(folder),
        "out": str(out),
        "port": str(canary.port),
        "canary": str(host_file),
    }
    reference = reference_submission(A1)
    write_submission(folder, "honest", A1, reference)
    write_submission(folder, "odd name (1)", A1, reference)  # not a safe file name
    for adv in ADVERSARIES:
        write_submission(folder, adv.name, A1, build(reference, adv, places))
    try:
        results = grade(A1, folder, out, jobs=2, cell_timeout=10, progress=False)
    finally:
        canary.close()
    by_student = {r.student: {p.part_id: p for p in r.parts} for r in results}
    notes = {r.student: r.notes for r in results}
    _write_table(by_student)
    notes["__host_file__"] = [host_file.read_text()]
    return by_student, notes, canary, results


def _write_table(by_student: dict[str, dict]) -> None:
    """``build/isolation/adversaries.md``: every adversary's score on its targets and the rest."""
    root = course_root()
    assert root is not None
    lines = [
        "| adversary | targeted parts: score / points | every other part |",
        "|---|---|---|",
    ]
    for adv in ADVERSARIES:
        parts = by_student[adv.name]
        hit = ", ".join(
            f"{pid.removeprefix('test_')} {parts[pid].score:g} / {parts[pid].points:g}"
            for pid in adv.targets
        )
        rest = [p for pid, p in parts.items() if pid not in adv.targets]
        full = sum(p.score == p.points for p in rest)
        lines.append(f"| {adv.name} | {hit} | {full} of {len(rest)} at full marks |")
    out = root / "build" / "isolation"
    out.mkdir(parents=True, exist_ok=True)
    (out / "adversaries.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("adv", ADVERSARIES, ids=lambda a: a.name)
def test_attack_gains_nothing_and_costs_only_its_part(attacked, adv) -> None:
    by_student, _, _, _ = attacked
    parts = by_student[adv.name]
    for part_id, part in parts.items():
        if part_id in adv.targets:
            assert part.score == 0, f"{adv.name} scored {part.score} on targeted {part_id}"
        else:
            assert part.score == part.points, (
                f"{adv.name} lost points on {part_id} ({part.status}): {part.cases[0].messages}"
            )


def test_honest_submission_full_marks(attacked) -> None:
    by_student, notes, _, _ = attacked
    spec = load_spec(A1)
    assert sum(p.score for p in by_student["honest"].values()) == sum(p.points for p in spec.parts)
    assert not any("REDUCED" in n for n in notes["honest"])


def test_no_network_and_machine_healthy(attacked) -> None:
    _, _, canary, _ = attacked
    assert canary.hits == 0, "a sandboxed notebook reached a server on the host's loopback"
    # only what this test process started is looked at: its own descendants, and the cgroups
    # named after its pid (the grader runs in this process)
    left = [cmd for cmd in descendants(os.getpid()).values() if "autograder.sandbox" in cmd]
    assert left == [], f"sandbox processes left running: {left}"
    pids_root = Path("/sys/fs/cgroup/pids")
    cgroups = list(pids_root.glob(f"dlf-{os.getpid()}-*")) if pids_root.is_dir() else []
    assert cgroups == []


def test_secrets_are_out_of_sight(attacked) -> None:
    by_student, _, _, _ = attacked
    part = by_student["cheat_read_secrets"]["test_l1_penalty"]
    # "failed" (a wrong answer), not "error": the attack ran to the end and saw nothing
    assert part.status == "failed", part.cases[0].messages
    assert not any("SECRETS" in m for c in part.cases for m in c.messages)
    # ... while every file it looked for is there on the host
    course = course_root()
    assert course is not None
    assert (course / "source" / A1 / "grading_spec.py").is_file()
    assert (course / "solutions" / A1 / "__init__.py").is_file()


def test_faults_are_reported_with_their_cause(attacked) -> None:
    by_student, _, _, _ = attacked
    assert by_student["fault_uninterruptible_loop"]["test_l1_penalty"].status == "timeout"
    for student in ("fault_os_exit", "fault_sigkill_self", "fault_sys_exit", "fault_memory_20gb"):
        assert by_student[student]["test_l1_penalty"].status == "error", student
    for student in ("fault_os_exit", "fault_sigkill_self"):
        message = by_student[student]["test_l1_penalty"].cases[0].messages[0]
        assert message.startswith("the notebook's process died"), message


def test_engines_agree_on_honest_submissions(tmp_path: Path) -> None:
    folder = tmp_path / "subs"
    demo_submissions(A1, folder)
    scores = {}
    for engine in ("isolated", "nbgrader", "nbclient"):
        results = grade(
            A1, folder, tmp_path / engine, jobs=2, cell_timeout=60, progress=False, engine=engine
        )
        scores[engine] = {(r.student, p.part_id): p.score for r in results for p in r.parts}
    assert scores["isolated"] == scores["nbgrader"] == scores["nbclient"]
    nb = folder / "submitted" / "mistakes" / A1 / f"{A1}.ipynb"
    checked, _ = check_notebook(nb, hidden=True)
    assert {p.part_id: p.score for p in checked} == {
        k[1]: v for k, v in scores["isolated"].items() if k[0] == "mistakes"
    }


def test_links_in_the_work_folder_never_reach_a_host_file(attacked) -> None:
    _, notes, _, _ = attacked
    assert notes["__host_file__"] == [CANARY_TEXT]


def test_an_odd_file_name_is_renamed_and_graded(attacked) -> None:
    by_student, notes, _, _ = attacked
    parts = by_student["odd_name__1_"]
    assert all(p.score == p.points for p in parts.values())
    assert any("'odd name (1)'" in n for n in notes["odd_name__1_"])


def test_what_a_notebook_leaves_running_does_not_hold_its_slot(attacked) -> None:
    _, notes, _, _ = attacked
    assert not any("total time limit" in n for n in notes["fault_lingering_thread_and_child"])


def test_gradebook_is_unchanged_by_refactoring(attacked) -> None:
    """Every verdict of the adversarial batch equals the committed snapshot."""
    *_, results = attacked
    assert_matches_golden(results, "adversaries_a1")
