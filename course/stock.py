"""Stock ``nbgrader autograde`` without a false alarm: hidden tests restored quietly (nbgrader#1961).

nbgrader records the checksum of the instructor's test cell, hidden tests included, and releases
the cell without them. At autograde, ``OverwriteCells`` compares every locked cell with that
checksum, so *every* honest submission "has changed" its test cell: nbgrader logs a warning and
puts the instructor's cell back (which is how the hidden tests come back at all). The warnings
bury the one that matters, a test cell a student really edited.

:class:`RestoreHiddenTests` is ``OverwriteCells`` that first puts the instructor's cell back, silently,
when the submitted cell is exactly what was released (the instructor's cell with its hidden region
removed, as ``ClearHiddenTests`` removes it). Any other difference reaches stock ``OverwriteCells``
unchanged: it warns and restores, as before. ``nbgrader_config.py`` puts it in place of
``OverwriteCells`` in ``Autograde.sanitize_preprocessors``.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells


class RestoreHiddenTests(OverwriteCells):
    """OverwriteCells that knows a released test cell lacks its hidden tests (see module doc)."""

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and cell.cell_type == "code":
            try:
                source_cell = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:
                source_cell = None
            if source_cell is not None and source_cell.locked and source_cell.cell_type == "code" \
                    and _normal(released(source_cell.source)) == _normal(cell.source):
                cell.source = source_cell.source
        return super().preprocess_cell(cell, resources, cell_index)


def released(source: str) -> str:
    """The instructor's cell source as students receive it: the hidden-tests region removed."""
    cell = NotebookNode(source=source)
    ClearHiddenTests()._remove_hidden_test_region(cell)
    return cell.source


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
