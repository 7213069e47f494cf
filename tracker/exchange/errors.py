"""What an import or export refuses, each with a one-line message naming the file, the record and
the field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.errors import TrackerError
from tracker.i18n import _, ngettext

if TYPE_CHECKING:
    from tracker.exchange.planner import Conflict


class ImportProblem(TrackerError):
    """The file cannot be imported; ``problems`` lists (kind, record, field, message)."""

    def __init__(self, problems: list[tuple[str, str, str, str]], count: int | None = None):
        self.problems = problems
        self.count = len(problems) if count is None else count  # all of them (some not listed)
        first = problems[0]
        message = _("{kind} {record}: {field}: {message}").format(
            kind=first[0], record=first[1], field=first[2], message=first[3])
        if self.count > 1:
            message += " " + _("(and {n} more problems; nothing was imported)").format(
                n=self.count - 1)
        else:
            message += " " + _("(nothing was imported)")
        super().__init__(message)


class FileProblem(TrackerError):
    """The file is unreadable or not in an import shape."""


class ImportConflict(TrackerError):
    """Records in the file are older than the database's copies (changed here since the export):
    refused unless they are skipped (``skip_older``); ``conflicts`` lists them."""

    def __init__(self, conflicts: list[Conflict], count: int):
        self.conflicts, self.count = conflicts, count
        listed = "; ".join(c.describe() for c in conflicts[:3])
        if count > 3:
            listed += "; …"
        super().__init__(ngettext(
            "{n} record in the file is older than this database's copy (changed here since the "
            "file was exported): {list}; nothing was imported",
            "{n} records in the file are older than this database's copies (changed here since "
            "the file was exported): {list}; nothing was imported", count).format(
                n=count, list=listed))
