"""Reading and writing notebooks deterministically (jupytext text sources, nbformat JSON)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jupytext
import nbformat
from nbformat import NotebookNode

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python"}


def nbgrader_meta(cell: NotebookNode) -> dict[str, Any]:
    """The cell's nbgrader metadata (empty dict when it has none)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return dict(meta)


def source_notebook(path: Path) -> NotebookNode:
    """Read a jupytext percent-format source and normalise it.

    Cell ids become stable (``grade_id`` for nbgrader cells, ``cell-<index>`` otherwise),
    jupytext's own metadata is dropped, and the kernelspec is set, so the same text always
    gives the same notebook.
    """
    nb = jupytext.read(path, fmt="py:percent")
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO})
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        grade_id = nbgrader_meta(cell).get("grade_id")
        cell_id = re.sub(r"[^A-Za-z0-9_-]", "-", grade_id) if grade_id else f"cell-{index}"
        while cell_id in seen:
            cell_id += "-x"
        seen.add(cell_id)
        cell["id"] = cell_id
        for key in ("lines_to_next_cell", "cell_marker", "title"):
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def write_notebook(nb: NotebookNode, path: Path) -> None:
    """Write ``nb`` as canonical JSON (sorted keys, one-space indent, trailing newline)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb, version=4)
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text, encoding="utf-8")


def read_notebook(path: Path) -> NotebookNode:
    """Read an ``.ipynb`` (raises ``nbformat.reader.NotJSONError`` or ``ValueError`` if broken)."""
    return nbformat.read(path, as_version=4)
