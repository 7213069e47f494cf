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
from decimal import Decimal
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
    """A paragraph: ``body`` text, ``small`` (a count, a remark under a table or chart), or
    ``lead`` (bold: a name before its biography)."""
    text: str
    style: Literal["body", "small", "lead"] = "body"


@dataclass(frozen=True)
class Title:
    """The first line of a note or a visit brief (no cover): what the document is."""
    text: str


@dataclass(frozen=True)
class Item:
    """One point of a list; ``lead`` (bold, may be empty) comes before its text."""
    text: str
    lead: str = ""


@dataclass(frozen=True)
class BulletList:
    """Points in note form, one per item."""
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Decision:
    """The boxes a reader ticks under a recommendation (Agreed / Not agreed / Noted)."""
    options: tuple[str, ...]


@dataclass(frozen=True)
class PageBreak:
    """What follows starts on a new page (an annex after a note)."""


@dataclass(frozen=True)
class KeyValue:
    """One row of a key-value table; ``alert``: the value needs attention."""
    label: str
    value: str
    alert: bool = False


@dataclass(frozen=True)
class KeyValueTable:
    """Labels and values, no header row: the executive summary's key figures (``figures``:
    the values bold), or the heading block of a note (``memo``: the labels bold, narrow)."""
    rows: tuple[KeyValue, ...]
    style: Literal["figures", "memo"] = "figures"


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


@dataclass(frozen=True)
class ChartPoint:
    """A value on an indicator chart: where it stands in time (``day``: the ordinal of the day
    its period begins; None for a baseline or target without a date), the value, its label
    (a value's date, "June 2017"; a target's "Target: 50 by 2030") and ``note``, the value
    written short beside its point ("3bn")."""
    day: int | None
    value: Decimal
    label: str
    note: str = ""


@dataclass(frozen=True)
class IndicatorChart:
    """One indicator over time: its dated values as a line, its target and baseline as
    levels (each with its date, if any), the value axis's marks (value, text), the date axis's
    labels under the values, and what the chart says in words: the newest value, the change,
    the target and the distance to it (``met``: True, False, or None when there is no
    target or no value). ``words``: the legend's labels (values, target, baseline)."""
    title: str
    unit: str
    values: tuple[ChartPoint, ...]
    target: ChartPoint | None
    baseline: ChartPoint | None
    ticks: tuple[tuple[Decimal, str], ...]
    facts: tuple[str, ...]
    met: bool | None
    words: tuple[str, str, str]


@dataclass(frozen=True)
class TimelineMark:
    """A mark on a timeline's axis: where it is (a fraction of the axis' width) and its label,
    written after it."""
    at: float
    label: str


#: What a timeline row draws: a bar from ``start`` to ``end``; a diamond on the day due (its
#: start and end: that day's); a start with no end (at ``start``); nothing ("none": no dates).
RowShape = Literal["bar", "due", "start", "none"]


@dataclass(frozen=True)
class TimelineRow:
    """One record on a timeline: its label, what it draws from ``start`` to ``end`` (fractions
    of the axis; below 0 or above 1: cut at that edge), the part filled (``progress``, %), its
    colour (``#rrggbb``) and whether it needs attention (``alert``: overdue)."""
    label: str
    shape: RowShape
    start: float | None
    end: float | None
    progress: int
    colour: str
    alert: bool = False


@dataclass(frozen=True)
class TimelineGroup:
    """A group's label and its rows, in order."""
    label: str
    rows: tuple[TimelineRow, ...]


@dataclass(frozen=True)
class Timeline:
    """Records as bars in time, grouped (the road-map timeline). ``header``: the label column's
    title; ``upper``/``lower``: the axis' two rows of marks (years; months); ``today``: where the
    today line is (None: off the axis), marked ``today_label``; ``undated``: written in the row
    of a record with no dates; ``legend``: (colour, label, shape) samples. A renderer may split
    the rows over pages, the axis repeated on each."""
    header: str
    groups: tuple[TimelineGroup, ...]
    upper: tuple[TimelineMark, ...]
    lower: tuple[TimelineMark, ...]
    today: float | None
    today_label: str
    undated: str
    legend: tuple[tuple[str, str, RowShape], ...] = ()


Block = (Heading | Paragraph | KeyValueTable | RecordTable | BarChart | SourceList
         | IndicatorChart | Timeline | Title | BulletList | Decision | PageBreak)


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
    #: ``banner``: the marking at the top and the bottom of every page; ``corner``: at the top
    #: right of the first page only (Russian and Belarusian practice).
    marking_style: Literal["banner", "corner"] = "banner"
    #: 0: one copy, unnumbered; N: N copies one after the other, each numbered on its first
    #: page ("Copy No. 2") and its pages counted on their own.
    copies: int = 0


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
    level-1 and level-2 headings of the body, then the body. A note or a visit brief has no
    cover and no contents (None): it starts with its :class:`Title`."""
    meta: Meta
    cover: Cover | None
    contents_title: str | None
    body: tuple[Block, ...]

    def headings(self) -> list[Heading]:
        return [b for b in self.body if isinstance(b, Heading)]
