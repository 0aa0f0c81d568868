"""``autograder build``: text source -> notebook -> nbgrader release -> ``assignments/``.

The build is deterministic on one machine: stable cell ids, canonical JSON, a case file written
with fixed zip timestamps. ``--check`` rebuilds into a temporary folder and compares it with the
committed release: notebooks byte for byte, case files by meaning (reference floats within a
relative 1e-12, since another CPU's BLAS changes their last bits; see
:mod:`autograder.instructor.casecompare`); it fails on any other difference and on any leak (see
:mod:`autograder.instructor.leaks`).
"""

from __future__ import annotations

import filecmp
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course import load_spec, release_dir, source_dir
from autograder.instructor.casecompare import compare_casefiles
from autograder.instructor.leaks import find_leaks
from autograder.judging.casefile import write_casefile
from autograder.judging.reference import reference_records
from autograder.judging.spec import AssignmentSpec
from autograder.notebook_files import nbgrader_meta, read_notebook, source_notebook, write_notebook
from autograder.platforms.nbgrader_course import make_course, run_nbgrader


class BuildError(RuntimeError):
    """The source, the spec and the release disagree, or the release leaks."""


@dataclass
class BuildReport:
    """What a build (or a check) found."""

    assignment: str
    files: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No drift and no leak."""
        return not self.drift and not self.leaks


def check_spec_matches_notebook(spec: AssignmentSpec, nb_path: Path) -> None:
    """Every spec part has a test cell with the same id and points, and vice versa.

    Raises
    ------
    BuildError
        Listing every mismatch.
    """
    nb = read_notebook(nb_path)
    cells = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            cells[meta["grade_id"]] = float(meta.get("points", 0))
    expected = {p.id: float(p.points) for p in spec.parts} | {
        k: float(v) for k, v in spec.manual_parts.items()
    }
    problems = []
    for gid, pts in expected.items():
        if gid not in cells:
            problems.append(f"the spec's part {gid!r} has no graded cell in the notebook")
        elif cells[gid] != pts:
            problems.append(f"{gid}: notebook gives {cells[gid]:g} points, the spec {pts:g}")
    problems += [f"graded cell {gid!r} is not in the spec" for gid in cells if gid not in expected]
    if problems:
        raise BuildError(f"{spec.name}: " + "; ".join(problems))


def instructor_notebook(assignment: str, out: Path) -> Path:
    """Write the instructor notebook (solutions and hidden tests) built from the text source."""
    src = source_dir(assignment) / f"{assignment}.py"
    if not src.is_file():
        raise BuildError(f"no text source at {src}")
    path = out / f"{assignment}.ipynb"
    write_notebook(source_notebook(src), path)
    return path


def write_public_cases(spec: AssignmentSpec, path: Path) -> None:
    """Write the release's case file: public cases and the reference's records for them."""
    cases, refs = {}, {}
    for part in spec.parts:
        public = part.public_cases()
        keep = {c.output for c in part.checks if c.kind in ("match", "equal")}
        records = reference_records(spec, part, public)
        cases[part.id] = public
        refs[part.id] = [{k: v for k, v in (r or {}).items() if k in keep} for r in records]
    write_casefile(path, spec, cases, refs)


def build_release(assignment: str, out_dir: Path) -> list[Path]:
    """Build the student release of ``assignment`` into ``out_dir``; return the files written.

    Raises
    ------
    BuildError
        If the spec and notebook disagree.
    NbgraderError
        If ``nbgrader generate_assignment`` fails.
    """
    spec = load_spec(assignment)
    with tempfile.TemporaryDirectory(prefix="dlf-build-") as tmp:
        course = make_course(Path(tmp))
        src = course / "source" / assignment
        src.mkdir(parents=True)
        nb_path = instructor_notebook(assignment, src)
        check_spec_matches_notebook(spec, nb_path)
        write_public_cases(spec, src / f"{assignment}.cases.npz")
        run_nbgrader(course, "generate_assignment", assignment, "--force")
        released = course / "release" / assignment
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for item in sorted(released.iterdir()):
            target = out_dir / item.name
            if item.suffix == ".ipynb":
                write_notebook(read_notebook(item), target)
            else:
                target.write_bytes(item.read_bytes())
            written.append(target)
    return written


def build(assignment: str, *, check: bool = False, release: Path | None = None) -> BuildReport:
    """Build (or, with ``check``, verify) the release of one assignment.

    Parameters
    ----------
    assignment : str
    check : bool
        Do not write: rebuild into a temporary folder, compare with the release folder and scan
        it for leaks.
    release : Path, optional
        The release folder; by default the committed one, ``assignments/<assignment>/``.

    Returns
    -------
    BuildReport
    """
    report = BuildReport(assignment)
    target = release if release is not None else release_dir(assignment)
    if not check:
        for old in target.glob("*") if target.is_dir() else []:
            if old.is_file():
                old.unlink()
        report.files = [str(p) for p in build_release(assignment, target)]
        report.leaks = find_leaks(assignment, target)
        return report
    with tempfile.TemporaryDirectory(prefix="dlf-check-") as tmp:
        fresh = Path(tmp) / assignment
        built = build_release(assignment, fresh)
        report.files = [p.name for p in built]
        committed = sorted(p.name for p in target.glob("*")) if target.is_dir() else []
        for name in sorted(set(report.files) | set(committed)):
            a, b = fresh / name, target / name
            if not b.exists():
                report.drift.append(
                    f"{name}: missing from {target} (run `autograder build {assignment}`)"
                )
            elif not a.exists():
                report.drift.append(f"{name}: in {target} but not produced by the build")
            elif a.suffix == ".npz":
                problems = compare_casefiles(b, a)
                if problems:
                    shown = "; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else "")
                    report.drift.append(
                        f"{name}: differs from a fresh build in meaning ({shown}); "
                        f"run `autograder build {assignment}`"
                    )
            elif not filecmp.cmp(a, b, shallow=False):
                report.drift.append(
                    f"{name}: differs from a fresh build (run `autograder build {assignment}`)"
                )
    if target.is_dir():
        report.leaks = find_leaks(assignment, target)
    return report
