"""The session's undo and redo stacks: each step remembers a record's state before and after one
change, and the version the record has in each state (so an undo never overwrites somebody
else's later save: the repository checks the version before it writes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_STEPS = 200


@dataclass
class UndoStep:
    label: Any  # a tracker.store.wording.Wording: str() words it in the current language
    kind: str
    record_id: int
    before: dict | None  # None: the record did not exist (create)
    after: dict
    version_after: int  # the record's version while it is in the ``after`` state (undo checks it)
    version_before: int = 0  # its version while in the ``before`` state after an undo (redo checks)


class UndoStack:
    def __init__(self):
        self.undo: list[UndoStep] = []
        self.redo: list[UndoStep] = []

    def push(self, step: UndoStep) -> None:
        """A new change: it can be undone; what was undone before can no longer be redone."""
        self.undo.append(step)
        del self.undo[:-MAX_STEPS]
        self.redo.clear()

    def undo_label(self) -> str | None:
        return str(self.undo[-1].label) if self.undo else None

    def redo_label(self) -> str | None:
        return str(self.redo[-1].label) if self.redo else None

    def undone(self, version_before: int) -> None:
        """The top undo step was applied; the record is now at ``version_before``."""
        step = self.undo.pop()
        step.version_before = version_before
        self.redo.append(step)
        for older in reversed(self.undo):  # the step below now finds the record at this version
            if (older.kind, older.record_id) == (step.kind, step.record_id):
                older.version_after = step.version_before
                break

    def redone(self, version_after: int) -> None:
        """The top redo step was applied; the record is now at ``version_after``."""
        step = self.redo.pop()
        step.version_after = version_after
        self.undo.append(step)
        for newer in reversed(self.redo):
            if (newer.kind, newer.record_id) == (step.kind, step.record_id):
                newer.version_before = step.version_after
                break
