"""Student code for probe tests, run the way a kernel runs a notebook cell.

The code is compiled from text with a notebook-like file name (as IPython does), so the
tracebacks the probe runner keeps point at "the student's" lines exactly as in a kernel.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np


def student(tmp_path: Path, source: str) -> dict[str, Any]:
    """Run ``source`` as a notebook cell and return its namespace."""
    src = textwrap.dedent(source)
    path = tmp_path / "ipykernel_4242" / "cell_7.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(src)
    namespace: dict[str, Any] = {"np": np}
    exec(compile(src, str(path), "exec"), namespace)
    return namespace
