"""What an import reads: the limits it reads within, and what it understood of each file.

Reading never holds a whole file: JSON is parsed as a stream of events (ijson) and built one
record at a time; a CSV file is decoded and parsed row by row from its file or zip member. What
is read is bounded: the file's size; each zip member's and the zip's total expanded size (counted
as it is read, whatever the zip declares), the expansion ratio and the number of entries; the
size and nesting of one JSON record.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.exchange.errors import FileProblem
from tracker.i18n import _, ngettext
from tracker.model import KIND_ORDER, KINDS

MAX_IMPORT_BYTES = 2 * 1024**3  # a file to import (a 1,000,000-record JSON export is ~1.1 GB)
MAX_MEMBER_BYTES = 1024**3  # one CSV file as read (expanded, for a zip member)
MAX_TOTAL_BYTES = 2 * 1024**3  # every CSV file of one zip or folder together, as read
MAX_RATIO = 100  # expanded / compressed size of a zip member (exports: 4 to 10)
RATIO_FREE_BYTES = 1024**2  # the ratio is checked beyond a member's first MiB
MAX_ZIP_ENTRIES = 1000
MAX_RECORD_CHARS = 16 * 1024**2  # characters in one JSON record (a source's text: 5,000,000)
MAX_RECORD_VALUES = 1_000_000  # values in one JSON record (a list of links)
MAX_DEPTH = 32  # nesting inside one JSON record
CSV_FIELD_LIMIT = 8 * 1024 * 1024  # characters: above the longest field (a source's text)
CHUNK = 1 << 16  # bytes read at a time
FILES_FOLDER = "attachments"  # attached files' contents in a zip or folder: attachments/<sha256>
MAX_FILES = 100_000  # attached files' contents in one zip or folder (besides the CSV files)
MAX_FILES_BYTES = 64 * 1024**3  # attached files' contents of one import, as read
BOM = "\ufeff"


@dataclass
class FileInfo:
    """What an import understood of one file (the dry run shows it)."""
    name: str
    encoding: str = "UTF-8"
    delimiter: str | None = None  # None: JSON
    records: int = 0

    def describe(self) -> str:
        records = ngettext("{n} record", "{n} records", self.records).format(n=self.records)
        if self.delimiter is None:
            return _("{name}: JSON, {records}").format(name=self.name, records=records)
        delimiter = {",": _("comma"), ";": _("semicolon"), "\t": _("tab")}[self.delimiter]
        return _("{name}: {encoding}, {delimiter}-separated, {records}").format(
            name=self.name, encoding=self.encoding, delimiter=delimiter, records=records)


def member_kind(name: str) -> str:
    """The kind a CSV file named ``name`` holds (``people.csv``: people), else FileProblem."""
    stem = name[:-4]
    if stem not in KINDS:
        raise FileProblem(_("{name}: unknown kind {kind!r}; choose one of: {kinds}").format(
            name=name, kind=stem, kinds=", ".join(KIND_ORDER)))
    return stem
