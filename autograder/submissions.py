"""Finding submissions in a folder: nbgrader's layout or a flat folder of notebooks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Submission:
    """One student's submission.

    Attributes
    ----------
    student : str
        The student id (folder or file name).
    notebook : Path or None
        The submitted notebook; ``None`` when the student's folder holds none.
    folder : Path or None
        Folder whose other files travel with the notebook (nbgrader layout only).
    """

    student: str
    notebook: Path | None
    folder: Path | None = None


_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")


def _check_id(student: str, where: Path) -> str:
    if not _SAFE_ID.match(student):
        raise ValueError(
            f"student id {student!r} (from {where}) may hold only letters, digits and _ . @ + -"
        )
    return student


def find_submissions(folder: Path, assignment: str) -> list[Submission]:
    """List the submissions under ``folder``, sorted by student id.

    Accepted layouts: nbgrader's ``[submitted/]<student>/<assignment>/<assignment>.ipynb``, and a
    flat folder of ``<student>.ipynb`` files. In the nbgrader layout a student folder without the
    notebook still yields a submission (``notebook=None``), so the student gets a row.

    Raises
    ------
    FileNotFoundError
        If ``folder`` does not exist.
    ValueError
        If it holds no submission or a student id is unsafe as a file name.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"submissions folder {folder} does not exist")
    if (folder / "submitted").is_dir():
        folder = folder / "submitted"
    subs: list[Submission] = []
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.name.startswith("."):
            work = entry / assignment
            nb = work / f"{assignment}.ipynb"
            if not work.is_dir():
                candidates = sorted(entry.glob("*.ipynb"))
                nb = candidates[0] if len(candidates) == 1 else entry / f"{assignment}.ipynb"
                work = entry
            subs.append(
                Submission(_check_id(entry.name, entry), nb if nb.is_file() else None, work)
            )
        elif entry.is_file() and entry.suffix == ".ipynb":
            subs.append(Submission(_check_id(entry.stem, entry), entry, None))
    if not subs:
        raise ValueError(
            f"no submissions in {folder}: expected <student>/{assignment}/{assignment}.ipynb "
            "folders or <student>.ipynb files"
        )
    return subs
