"""A timeline's arithmetic, once for the window and the briefings: records to items (their
dates, progress and whether they are overdue, as the kind declares them), items to groups, dates
to positions on an axis, and the axis' month and year marks (named by Babel in the language
shown). No I/O and no drawing: the GUI multiplies positions by pixels per day, a briefing by
points.

Positions are days counted as ``date.toordinal()``: a bar covers its first day to the end of its
last (``start`` to ``end + 1``), so a bar due on 31 January ends where February starts, and the
arithmetic never builds a date past 31 December 9999.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any

from tracker.i18n import _, format_month
from tracker.model.catalogue import TIMELINE_KIND, TIMELINE_KINDS  # noqa: F401 - read here too
from tracker.model.fields import CHOICE
from tracker.model.kinds import Grouping, Kind
from tracker.model.text import fold

# What an item is drawn as.
BAR = "bar"  # start and end: a bar from the first day to the end of the last
DUE = "due"  # an end only: a diamond on the day it is due
START = "start"  # a start only: a mark where it starts, open to the right
UNDATED = "undated"  # neither: listed in the last group, "No dates"

#: Characters a label on a figure never draws: control characters, lone surrogates and the
#: bidirectional formatting ones (an override would reverse the rest of the line).
_UNDRAWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                         "\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_SPACES = str.maketrans("\t\n\r\x0b\x0c", "     ")
LABEL_LIMIT = 200  # characters of a title kept for a label (it is cut to its room anyway)

FIRST_DAY = _dt.date.min.toordinal()
END_DAY = _dt.date.max.toordinal() + 1  # the end of 31 December 9999


@dataclass(slots=True)
class Item:
    """One record on the timeline. ``start``/``end``: day numbers (``toordinal``) or None.
    (Not frozen: a frozen dataclass costs a fifth of a 10,000-record timeline's loading.)"""
    id: int
    title: str
    start: int | None
    end: int | None
    progress: int
    status: str | None
    overdue: bool
    group: Any  # the grouping field's stored value (a choice, a linked record's id) or None

    @property
    def shape(self) -> str:
        if self.start is not None and self.end is not None:
            return BAR
        if self.end is not None:
            return DUE
        return START if self.start is not None else UNDATED

    @property
    def first(self) -> int | None:
        """The first day the item covers (None: undated)."""
        return self.start if self.start is not None else self.end

    @property
    def stop(self) -> int | None:
        """The day after the last it covers: the right end of its bar (a mark covers one day)."""
        last = self.end if self.end is not None else self.start
        return None if last is None else last + 1


def day(value: Any) -> int | None:
    """A stored date (ISO text or a date) as a day number; None when empty or not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.toordinal()
    try:
        return _dt.date.fromisoformat(str(value)[:10]).toordinal()
    except ValueError:
        return None


def label(text: Any, limit: int = LABEL_LIMIT) -> str:
    """A title as a figure's label: on one line, without characters that cannot be drawn or
    that reorder the line, at most ``limit`` characters (ending "…" when cut)."""
    text = str(text or "")[: limit * 4].translate(_SPACES)
    text = " ".join(_UNDRAWABLE.sub("", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def columns(kind: Kind, grouping: Grouping | None = None) -> list[str]:
    """The stored columns :func:`items` reads (one query of these is all a timeline needs)."""
    span = kind.timeline
    names = ["id", "title", "status", span.start, span.end]
    if span.progress:
        names.append(span.progress)
    if kind.deadline is not None and kind.deadline.field not in names:
        names.append(kind.deadline.field)
    for g in span.groups if grouping is None else (grouping,):
        if g.field not in names:
            names.append(g.field)
    return names


def items(kind: Kind, rows: list[dict], today: _dt.date, grouping: Grouping | None = None
          ) -> list[Item]:
    """The records (``rows`` with :func:`columns`) as timeline items. Overdue is the kind's
    declaration (:meth:`Kind.is_overdue`); a start after the end (a file from elsewhere) is
    drawn from the earlier day to the later."""
    span = kind.timeline
    group_field = grouping.field if grouping is not None else None
    start_field, end_field, progress_field = span.start, span.end, span.progress
    overdue = kind.is_overdue
    days: dict[Any, int | None] = {None: None, "": None}  # many records share a date
    out = []
    for row in rows:
        a, b = row.get(start_field), row.get(end_field)
        start = days[a] if a in days else days.setdefault(a, day(a))
        end = days[b] if b in days else days.setdefault(b, day(b))
        if start is not None and end is not None and end < start:
            start, end = end, start
        progress = row.get(progress_field) if progress_field else 0
        if progress.__class__ is not int or not 0 <= progress <= 100:
            try:
                progress = min(100, max(0, int(progress or 0)))
            except (TypeError, ValueError):
                progress = 0
        out.append(Item(row["id"], row.get("title") or "", start, end, progress,
                        row.get("status"), overdue(row, today),
                        row.get(group_field) if group_field else None))
    return out


def grouping(kind: Kind, name: str | None) -> Grouping:
    """The kind's grouping called ``name`` (None or unknown: its first)."""
    groups = kind.timeline.groups
    return next((g for g in groups if g.name == name), groups[0])


@dataclass(frozen=True)
class Group:
    """Items under one label; ``undated``: the last group, of the items with no date at all."""
    key: Any
    label: str
    items: tuple[Item, ...]
    undated: bool = False


def _order(item: Item):
    return (item.first, item.stop, item.title.casefold(), item.id)


def group_items(kind: Kind, found: list[Item], by: Grouping,
                titles: dict[int, str] | None = None) -> list[Group]:
    """``found`` grouped ``by`` a choice (in the declared order) or a link (by the linked
    record's title from ``titles``; an id missing there reads "#id"), the items without a value
    after those, then every item with no date at all in a last group "No dates". Within a group
    items run by their first day, then their last, then title."""
    f = kind.field(by.field)
    dated: dict[Any, list[Item]] = {}
    undated: list[Item] = []
    for item in found:
        if item.first is None:
            undated.append(item)
        else:
            dated.setdefault(item.group if item.group != "" else None, []).append(item)
    titles = titles or {}

    def label(key) -> str:
        if key is None:
            return _(by.empty)
        if f.type == CHOICE:
            return f.choice_label(key)
        return titles.get(key) or f"#{key}"

    if f.type == CHOICE:
        declared = [v for v, _l in f.choices]
        rank = {v: i for i, v in enumerate(declared)}
        keys = sorted(dated, key=lambda k: (k is None, rank.get(k, len(rank)), str(k)))
    else:
        keys = sorted(dated, key=lambda k: (k is None, fold(label(k)) if k is not None else "",
                                            str(k)))
    groups = [Group(k, label(k), tuple(sorted(dated[k], key=_order))) for k in keys]
    if undated:
        undated.sort(key=lambda i: (fold(i.title), i.id))
        groups.append(Group(None, _("No dates"), tuple(undated), undated=True))
    return groups


def distance(item: Item, today: _dt.date) -> float:
    """How far an item's dates are from today, in days: 0 when it is under way today, else the
    days between today and its nearer end; undated items are the farthest (infinite)."""
    if item.first is None:
        return float("inf")
    t = today.toordinal()
    if item.first <= t < item.stop:
        return 0
    return item.first - t if item.first > t else t - item.stop + 1


def nearest(found: list[Item], today: _dt.date, limit: int) -> list[Item]:
    """The ``limit`` items nearest to today (:func:`distance`; at the same distance the overdue
    first, then by id), in the order given: what a figure with room for ``limit`` draws."""
    if len(found) <= limit:
        return list(found)
    ranked = sorted(found, key=lambda i: (distance(i, today), not i.overdue, i.id))
    keep = {i.id for i in ranked[:limit]}
    return [i for i in found if i.id in keep]


# --- the axis -------------------------------------------------------------------------------------

def month_start(n: int) -> int:
    """The first day of the month of day ``n``."""
    d = _dt.date.fromordinal(n)
    return d.replace(day=1).toordinal()


def next_month(n: int) -> int:
    """The first day of the month after the one of day ``n`` (END_DAY after December 9999)."""
    d = _dt.date.fromordinal(n)
    if d.year == 9999 and d.month == 12:
        return END_DAY
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return _dt.date(y, m, 1).toordinal()


@dataclass(frozen=True)
class Axis:
    """Days ``first`` (a month's first day) up to ``stop`` (the first day of a later month, or
    END_DAY), both day numbers."""
    first: int
    stop: int

    @property
    def days(self) -> int:
        return self.stop - self.first

    def x(self, n: float, per_day: float) -> float:
        """Where day ``n`` starts, ``per_day`` units (pixels, points) to a day."""
        return (n - self.first) * per_day

    def fraction(self, n: float) -> float:
        """Where day ``n`` starts, as a fraction of the axis (0: its first day, 1: its end)."""
        return (n - self.first) / self.days

    def day_at(self, x: float, per_day: float) -> int:
        """The day under ``x`` (clamped to the axis)."""
        return min(self.stop - 1, max(self.first, self.first + int(x // per_day)))


def today_at(today: _dt.date) -> float:
    """Where the today line is drawn: the middle of today (a bar due today reaches past it; it
    is not overdue before tomorrow)."""
    return today.toordinal() + 0.5


def axis_for(found: list[Item], today: _dt.date, *, within: tuple[int, int] | None = None
             ) -> Axis:
    """The whole months holding every dated item and today; ``within`` (first, stop day
    numbers): no wider than that (a briefing's bound, so that one date typed as 2099 does not
    squeeze the rest into a line)."""
    t = today.toordinal()
    first, stop = t, t + 1
    for item in found:
        if item.first is not None:
            first = min(first, item.first)
            stop = max(stop, item.stop)
    if within is not None:
        first, stop = max(first, within[0]), min(stop, within[1])
    return Axis(month_start(first), next_month(stop - 1))


def years_around(today: _dt.date, before: int, after: int) -> tuple[int, int]:
    """(first, stop) day numbers from ``before`` years before today's year to the end of the
    year ``after`` years on (within the calendar)."""
    y0 = max(1, today.year - before)
    y1 = today.year + after + 1
    return (_dt.date(y0, 1, 1).toordinal(),
            _dt.date(y1, 1, 1).toordinal() if y1 <= 9999 else END_DAY)


@dataclass(frozen=True)
class Tick:
    """A mark on the axis: day number ``at`` (a line), and the label written after it."""
    at: int
    label: str


YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
MONTH_STEPS = (1, 3, 6)  # months, quarters, half-years


@dataclass(frozen=True)
class Ticks:
    """The axis' two rows of marks: ``upper`` (years; months with their year when zoomed to
    weeks) and ``lower`` (months, quarters or half-years; the Mondays when zoomed to weeks; empty
    when even half-years do not fit)."""
    upper: tuple[Tick, ...]
    lower: tuple[Tick, ...]


def ticks(axis: Axis, per_day: float, *, label_room: float, lang: str | None = None,
          shown: tuple[int, int] | None = None) -> Ticks:
    """Marks for ``axis`` at ``per_day`` units a day: each row at the finest step whose spans are
    at least ``label_room`` units wide (the room a label needs). ``shown``: only the marks
    between those day numbers (and the label of the span ``shown`` starts in)."""
    lo, hi = shown if shown is not None else (axis.first, axis.stop)
    lo, hi = max(lo, axis.first), min(hi, axis.stop)
    if hi <= lo:
        return Ticks((), ())
    if 7 * per_day >= label_room:  # weeks: Mondays under their months
        upper = _months(lo, hi, 1, lang, wide=True)
        first_monday = lo - _dt.date.fromordinal(lo).weekday()
        # (the week the view begins in keeps its label, unless its Monday is before the axis:
        # "30" drawn at the first of December reads as the 30th of December)
        lower = tuple(Tick(n, str(_dt.date.fromordinal(n).day))
                      for n in range(first_monday, hi, 7)
                      if n >= lo or (n == first_monday and n >= axis.first))
        return Ticks(upper, lower)
    step = next((s for s in MONTH_STEPS if 30.4 * s * per_day >= label_room), None)
    lower = _months(lo, hi, step, lang) if step is not None else ()
    years = next((s for s in YEAR_STEPS if 365.25 * s * per_day >= label_room), YEAR_STEPS[-1])
    return Ticks(_years(lo, hi, years), lower)


def _months(lo: int, hi: int, step: int, lang: str | None, *, wide: bool = False
            ) -> tuple[Tick, ...]:
    d = _dt.date.fromordinal(month_start(lo))
    index = d.year * 12 + d.month - 1
    index -= index % step  # quarters start in January, April, July, October
    out = []
    while True:
        y, m = divmod(index, 12)
        if y > 9999:
            break
        n = _dt.date(y, m + 1, 1).toordinal()
        if n >= hi:
            break
        if n + 31 * step > lo:  # the span it labels reaches what is shown
            out.append(Tick(n, format_month(_dt.date(y, m + 1, 1), lang=lang,
                                            width="wide" if wide else "abbreviated", year=wide)))
        index += step
    return tuple(out)


def _years(lo: int, hi: int, step: int) -> tuple[Tick, ...]:
    y = _dt.date.fromordinal(lo).year
    y -= y % step
    out = []
    while y <= 9999:
        n = _dt.date(max(1, y), 1, 1).toordinal()
        if n >= hi:
            break
        if n + 366 * step > lo:
            out.append(Tick(n, str(max(1, y))))
        y += step
    return tuple(out)


# --- colours ----------------------------------------------------------------------------------

#: An item's colour by its status, in the order the kind declares its statuses (the briefing's
#: status chart uses the same); an overdue item is OVERDUE_COLOUR whatever its status.
STATUS_COLOURS = ("#7f8ea3", "#2f6fb3", "#2e8b57", "#b0b6bf")
OVERDUE_COLOUR = "#b3261e"


def colour(kind: Kind, item: Item) -> str:
    """The colour an item is drawn in (``#rrggbb``)."""
    if item.overdue:
        return OVERDUE_COLOUR
    for i, (value, _label) in enumerate(kind.statuses):
        if value == item.status:
            return STATUS_COLOURS[i % len(STATUS_COLOURS)]
    return STATUS_COLOURS[0]
