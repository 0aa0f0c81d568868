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
    renamed_from : str
        The name it was submitted under, when that was not safe as a file name (else ``""``).
    """

    student: str
    notebook: Path | None
    renamed_from: str = ""


_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")
_UNSAFE_CHAR = re.compile(r"[^A-Za-z0-9_.@+-]")


def safe_id(student: str) -> str:
    """A student id that is safe as a file name: every other character becomes ``_``.

    ``a1 (1)`` becomes ``a1__1_``; an id that does not start with a letter or digit gets an
    ``s`` in front; an empty one is ``student``.
    """
    if _SAFE_ID.match(student):
        return student
    cleaned = _UNSAFE_CHAR.sub("_", student)
    if not cleaned or not cleaned[0].isalnum():
        cleaned = "s" + cleaned
    return cleaned


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


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
        If it holds no submission.

    Notes
    -----
    A name that is not safe as a file name (``a1 (1).ipynb``) is renamed (``a1__1_``, with a
    number added if that is taken): the submission keeps its row and ``renamed_from`` says what
    it was called, so one odd file name never stops the batch.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"submissions folder {folder} does not exist")
    if (folder / "submitted").is_dir():
        folder = folder / "submitted"
    subs: list[Submission] = []
    taken: set[str] = set()

    def named(raw: str) -> tuple[str, str]:
        student = _unique(safe_id(raw), taken)
        return student, ("" if student == raw else raw)

    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.name.startswith("."):
            work = entry / assignment
            nb = work / f"{assignment}.ipynb"
            if not work.is_dir():
                candidates = sorted(entry.glob("*.ipynb"))
                nb = candidates[0] if len(candidates) == 1 else entry / f"{assignment}.ipynb"
            student, was = named(entry.name)
            subs.append(Submission(student, nb if nb.is_file() else None, was))
        elif entry.is_file() and entry.suffix == ".ipynb":
            student, was = named(entry.stem)
            subs.append(Submission(student, entry, was))
    if not subs:
        raise ValueError(
            f"no submissions in {folder}: expected <student>/{assignment}/{assignment}.ipynb "
            "folders or <student>.ipynb files"
        )
    return subs
