"""The renderer-neutral briefing: a :class:`Document` of small frozen blocks.

:mod:`tracker.briefing.sections` makes one from the gathered data; a renderer (``pdf``; DOCX
next) lays it out. Blocks carry meaning, never looks: a heading's level, a table's header and
column types, which cells need attention ("alert": overdue, a figure declared as an alert). All
text is plain text: control characters removed, ``\\n`` for a line break, never markup; each
renderer escapes it its own way. Where a renderer should show a line on one line (a running
header), the text here is already on one line.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Literal

#: The colour of an alert (overdue, a key figure that needs attention), for every renderer.
ALERT_COLOUR = "#b3261e"

#: How a table column's values are aligned and sized: text wraps and shares the spare width;
#: dates, choices and numbers are as wide as they need; numbers align right.
ColumnType = Literal["text", "date", "choice", "int"]


@dataclass(frozen=True)
class Heading:
    """A section title (level 1: in the contents and the bookmarks; level 2: a part of one)."""
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: ``body`` text, or ``small`` (a count, a remark under a table or chart)."""
    text: str
    style: Literal["body", "small"] = "body"


@dataclass(frozen=True)
class KeyValue:
    """One row of a key-value table; ``alert``: the value needs attention."""
    label: str
    value: str
    alert: bool = False


@dataclass(frozen=True)
class KeyValueTable:
    """Labels and values, no header row (the executive summary's key figures)."""
    rows: tuple[KeyValue, ...]


@dataclass(frozen=True)
class Footnote:
    """A record's notes printed under its table: the mark in the table, the record's title."""
    mark: str
    title: str
    text: str


@dataclass(frozen=True)
class RecordTable:
    """Records as rows under a header row (repeated on every page); ``types`` per column.
    ``alert``: every row needs attention; else ``alert_cells`` lists (row, column) that do.
    ``notes`` (under ``notes_label``) follow the table; their marks are in the rows' cells."""
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    types: tuple[ColumnType, ...]
    alert: bool = False
    alert_cells: tuple[tuple[int, int], ...] = ()
    notes_label: str = ""
    notes: tuple[Footnote, ...] = ()


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, value and colour (``#rrggbb``); ``part`` of the value
    (the overdue ones) is drawn in the alert colour at the bar's start, and ``note`` said after
    the value ("5 (1 of them overdue)")."""
    label: str
    value: int
    colour: str
    part: int = 0
    note: str = ""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, listed top to bottom (the road-map status chart)."""
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Citation:
    """A record citing a source (``label``: its kind and title) and the quotes behind it."""
    label: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """A source in the appendix: title, details ("Publisher: …") and the records citing it."""
    title: str
    details: tuple[str, ...]
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class SourceList:
    """The sources appendix: every source cited by a printed record, with its quotes."""
    sources: tuple[Source, ...]


Block = Heading | Paragraph | KeyValueTable | RecordTable | BarChart | SourceList


@dataclass(frozen=True)
class Meta:
    """What every page and the file's properties say. ``title``, ``sides``, ``author`` and
    ``subject`` are on one line; ``marking`` is the classification marking printed at the top
    and the bottom of every page, ``level`` its classification (public/internal/restricted)."""
    title: str
    sides: str
    author: str
    subject: str
    marking: str
    level: str
    date: str  # the "as of" date, written out in the document's language
    today: _dt.date  # the same day (the file's creation date)
    language: str
    paper: Literal["a4", "letter"]


@dataclass(frozen=True)
class Cover:
    """The title page: the marking, the title, the two sides (None: not set), facts (as of,
    prepared by, classification) and notes on what the briefing leaves out."""
    marking: str
    title: str
    sides: str | None
    facts: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    """A whole briefing: the cover, a contents page titled ``contents_title`` listing the
    level-1 and level-2 headings of the body, then the body."""
    meta: Meta
    cover: Cover
    contents_title: str
    body: tuple[Block, ...]

    def headings(self) -> list[Heading]:
        return [b for b in self.body if isinstance(b, Heading)]
