"""nbgrader preprocessors used by the course's ``nbgrader_config.py``.

nbgrader records each locked cell's checksum *before* it strips the hidden tests, so every
unchanged test cell that has hidden tests differs from its record, and ``nbgrader autograde``
warns "Attribute 'checksum' for cell ... has changed!" for each of them (13 per a1 submission),
drowning the warnings that matter. :class:`ReleaseAwareOverwriteCells` compares a submitted
locked cell with the cell as *released* (the recorded source without its hidden tests): an
unchanged cell is restored silently, an edited one still gets nbgrader's warning. Either way the
recorded source (with the hidden tests) is what runs, exactly as before.
"""

from __future__ import annotations

import copy
from typing import Any

from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells


def released_source(source: str, parent: Any = None) -> str:
    """``source`` with its hidden-test regions removed, as ``nbgrader generate_assignment`` does."""
    cell = NotebookNode(cell_type="code", source=source, metadata=NotebookNode())
    ClearHiddenTests(parent=parent)._remove_hidden_test_region(cell)
    return str(cell.source)


class ReleaseAwareOverwriteCells(OverwriteCells):
    """:class:`nbgrader.preprocessors.OverwriteCells` without false checksum warnings."""

    _quiet_checksum: str | None = None

    def report_change(self, name: str, attr: str, old: Any, new: Any) -> None:
        """Log a change, except the checksum of a test cell submitted as it was released."""
        if attr == "checksum" and name == self._quiet_checksum:
            self.log.debug("cell %s is unchanged from the release; hidden tests restored", name)
            return
        super().report_change(name, attr, old, new)

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict[str, Any], cell_index: int
    ) -> tuple[NotebookNode, dict[str, Any]]:
        """Note whether a locked cell is unchanged from the release, then overwrite it."""
        self._quiet_checksum = None
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and utils.is_locked(cell):
            try:
                recorded = self.gradebook.find_source_cell(
                    grade_id, self.notebook_id, self.assignment_id
                )
            except MissingEntry:
                recorded = None
            if recorded is not None and recorded.cell_type == cell.cell_type:
                released = copy.deepcopy(cell)
                released.source = released_source(recorded.source, parent=self)
                if cell.source == released.source:
                    self._quiet_checksum = grade_id
        return super().preprocess_cell(cell, resources, cell_index)
