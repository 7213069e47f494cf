"""The one list of deadlines: every kind's declared obligations (``Kind.obligations``), read
through an engine and merged in date order.

An obligation on a stored date field is one query per kind (open records, the date in range, only
the columns an entry shows, read as tuples in the order the engine finds cheapest and sorted
here); one on a computed date (an agreement's
notice day and expiry) reads the treaty fields of the open records that can have such dates and
computes the dates here (:mod:`tracker.model.treaty`). An entry is overdue as its
kind declares (``Obligation.is_overdue``): past its date and still open, unless the obligation is
one that simply takes place (a meeting).
"""

from __future__ import annotations

import datetime as _dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import NamedTuple

from tracker.model import KIND_ORDER, KINDS, Kind, Obligation, allowed_classifications
from tracker.model.treaty import COMPUTED_AT
from tracker.store.query import Condition, Filter, lead_conditions

#: Columns every entry reads besides its date and its leads. (Not the record's classification,
#: last change and version: only a calendar asks for them, and reads them itself -- three
#: columns fewer cost ~0.08 s less at 219,471 entries, made and freed.)
BASE_COLUMNS = ("id", "uid", "title", "status")
_AT = len(BASE_COLUMNS)  # a row's date (then its leads, then its details' columns)


#: An entry's details when it has none (shared, read-only).
NO_DETAILS = MappingProxyType({})


class Due(NamedTuple):
    """One dated obligation of one record. A named tuple: a list holds hundreds of thousands
    (100,000 records of each kind: 219,471), and a tuple is made in a third of a frozen
    dataclass's time, with no attribute dict for the collector to go over."""
    kind: str
    record_id: int
    uid: str
    title: str
    obligation: str  # the obligation's stable name ("due", "notice", "meeting", ...)
    label: str  # its label (English, declared with N_: translate when shown)
    date: str  # ISO
    status: str
    overdue: bool
    leads: tuple[str, ...] = ()  # the record's lead fields' values (empty ones left out)
    details: dict = NO_DETAILS  # an occasion's place, end (read-only when none)


def _obligations(kinds: list[str] | None, lead: str | None
                 ) -> list[tuple[int, Kind, list[Obligation]]]:
    """The kinds listed, each with its place in the list's order (kinds outside ``KIND_ORDER``
    share the last) and its obligations."""
    order = {name: i for i, name in enumerate(KIND_ORDER)}
    names = [k for k in KIND_ORDER if kinds is None or k in kinds]
    names += [k for k in KINDS if k not in KIND_ORDER and (kinds is None or k in kinds)]
    out = []
    for name in names:
        kind = KINDS[name]
        if lead and not kind.leads:
            continue  # nobody named as responsible: not anyone's item
        if kind.obligations:
            out.append((order.get(name, len(KIND_ORDER)), kind, list(kind.obligations)))
    return out


def list_deadlines(backend, today: _dt.date, *, within: int | None = None,
                   overdue_only: bool = False, lead: str | None = None,
                   kinds: list[str] | None = None, max_classification: str | None = None
                   ) -> list[Due]:
    """See :meth:`tracker.store.commitments.Commitments.deadlines`. Each kind's entries are made
    from its rows as read and put in (id, obligation) order, the kinds' lists joined in the
    kinds' order and the whole sorted once by date: a stable sort keeps (kind, id, obligation)
    among entries of one day. (Entries made in the rows' order, where the rows lie in memory,
    and one sort of them, cost ~0.15 s less at 219,471 entries than rows sorted by date before
    their entries were made, and each list sorted, then merged.)"""
    with _collector_paused():
        return _listed(backend, today, within, overdue_only, lead, kinds, max_classification)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Tens of thousands of rows and entries made at once, none in a reference cycle: the cyclic
    garbage collector waits until they are made. Left running, it went over the whole growing
    list again and again (about twenty full passes in five listings of 75,000 entries: a
    quarter of the time); paused, it goes over the list once when next it runs. That pass
    walks the new objects in the order they were made: the list that holds the entries is made
    before them, so that the walk meets it first and finds every entry reachable as it comes to
    it (made after them, it set each entry aside as unreachable, then back: 219,471 entries,
    0.13 s of the pass down to 0.09 s)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _listed(backend, today: _dt.date, within: int | None, overdue_only: bool, lead: str | None,
            kinds: list[str] | None, max_classification: str | None) -> list[Due]:
    t = today.isoformat()
    horizon = None
    if within is not None:
        horizon = (today + _dt.timedelta(days=max(0, within))).isoformat()
    levels = tuple(allowed_classifications(max_classification)) if max_classification else None
    by_place: dict[int, list[tuple[str, list[Due]]]] = {}
    out: list[Due] = []  # (made before its entries: see _collector_paused)
    for place, kind, obligations in _obligations(kinds, lead):
        base = Filter(kind, levels=levels, any_of=lead_conditions(kind, lead))
        wanted = [ob for ob in obligations if ob.overdue or not overdue_only]
        lists = by_place.setdefault(place, [])
        for ob in wanted:
            if kind.has_field(ob.date):
                lists.append((ob.name, _stored(backend, kind, ob, base, t, horizon,
                                               overdue_only)))
        computed = [ob for ob in wanted if not kind.has_field(ob.date)]
        if computed:
            lists += _computed(backend, kind, computed, base, today, horizon, overdue_only)
    for place in sorted(by_place):
        out += _in_order(by_place[place])
    out.sort(key=_DAY)  # (stable: one day's entries stay in (kind, id, obligation) order)
    return out


def _in_order(lists: list[tuple[str, list[Due]]]) -> list[Due]:
    """Entries of one place in (id, obligation) order, from one list per obligation: joined in
    the obligations' order and sorted by id (stable; a list read in id order is one run)."""
    lists.sort(key=_FIRST)
    entries = [entry for _name, some in lists for entry in some]
    entries.sort(key=_RECORD)
    return entries


_DAY, _RECORD = attrgetter("date"), attrgetter("record_id")
_FIRST = itemgetter(0)


def _stored(backend, kind: Kind, ob: Obligation, base: Filter, t: str, horizon: str | None,
            overdue_only: bool) -> list[Due]:
    """The entries of an obligation on a stored date: the open records with the date set and in
    range, only the columns an entry shows, read in any order (:func:`_listed` sorts)."""
    conditions = [Condition(ob.date, "not null")]
    if ob.closed:
        conditions.append(Condition("status", "not in", ob.closed))
    if overdue_only:
        conditions.append(Condition(ob.date, "<", t))
    else:
        if not ob.overdue:  # a meeting that took place is no longer a deadline
            conditions.append(Condition(ob.date, ">=", t))
        if horizon is not None:
            conditions.append(Condition(ob.date, "<=", horizon))
    occasion = kind.occasion
    shown = ()
    if occasion is not None and ob.date == occasion.start:
        shown = tuple((k, c) for k, c in (("end", occasion.end), ("place", occasion.place)) if c)
    # Read in whatever order the engine finds cheapest, put in order by _listed: walking the
    # date's index fetched every row of it from the table in date order (a page read per row),
    # where a scan of the table reads each page once (100,000 road-map items: 0.23 s of rows
    # down to 0.12 s).
    rows = backend.tuples(base.also(*conditions), order=[],
                          columns=[*BASE_COLUMNS, ob.date, *kind.leads, *(c for _k, c in shown)])
    return _entries(kind, ob, rows, [row[_AT] for row in rows], t, shown)


def _entries(kind: Kind, ob: Obligation, rows: list[tuple], days: list, t: str,
             shown: tuple[tuple[str, str], ...] = ()) -> list[Due]:
    """One entry per row (``BASE_COLUMNS``, one column, the kind's leads, then the ``shown``
    details' columns) and its day in ``days``."""
    name, label, closed, can_be_late = kind.name, ob.label, ob.closed, ob.overdue
    n = len(kind.leads)
    known: dict[tuple, tuple[str, ...]] = {}  # (the leads' values -> one tuple for all rows)
    out = []
    for row, day in zip(rows, days):
        rid, uid, title, status = row[:_AT]
        if n:
            names = row[_AT + 1:_AT + 1 + n]
            leads = known.get(names)
            if leads is None:
                leads = known[names] = tuple(filter(None, names))  # (empty ones left out)
        else:
            leads = ()
        details = {k: v for (k, _c), v in zip(shown, row[_AT + 1 + n:]) if v} if shown \
            else NO_DETAILS
        late = bool(can_be_late and day and day < t and status not in closed)
        out.append(_due(Due, (name, rid, uid, title, ob.name, label, day, status, late, leads,
                              details)))
    return out


_due = tuple.__new__  # Due(*values) without the keyword handling of Due.__new__


def _computed(backend, kind: Kind, obligations: list[Obligation], base: Filter,
              today: _dt.date, horizon: str | None, overdue_only: bool
              ) -> list[tuple[str, list[Due]]]:
    """Obligations on computed dates (a treaty's): the open records that can have such dates
    (``Treaty.dated_when``) read in any order, their dates computed, those in range kept."""
    t = today.isoformat()
    closed = set.intersection(*(set(ob.closed) for ob in obligations))
    if closed:
        base = base.also(Condition("status", "not in", tuple(sorted(closed))))
    treaty = kind.treaty
    if treaty is None:  # (a kind with no treaty computes nothing: Kind.compute)
        return [(ob.name, []) for ob in obligations]
    columns = [*BASE_COLUMNS, "id", *kind.leads, *treaty.fields()]  # (the id: a date's place)
    rows: list[tuple] = []
    for tests in treaty.dated_when():
        rows += backend.tuples(base.also(*(Condition(f, "not null" if filled else "is null")
                                           for f, filled in tests)),
                               order=[], columns=columns)
    first, dates_of = _AT + 1 + len(kind.leads), treaty.row_dates
    # each record's own dates, as dates (at 100,000 agreements no two sets of values were the
    # same, and looking them up cost more than it saved); made text only when kept
    values = [dates_of(row[first:], today) for row in rows]
    horizon_day = None if horizon is None else _dt.date.fromisoformat(horizon)
    out = []
    for ob in obligations:
        kept, days = [], []
        can_be_late, shut, at = ob.overdue, ob.closed, COMPUTED_AT[ob.date]
        for row, computed in zip(rows, values):
            day = computed[at]
            if day is None or row[3] in shut:
                continue
            # (ob.is_overdue(day, status, today), the status being open here)
            if not (can_be_late and day < today) and (
                    overdue_only or day < today or (horizon_day is not None
                                                    and day > horizon_day)):
                continue
            kept.append(row)
            days.append(day.isoformat())
        out.append((ob.name, _entries(kind, ob, kept, days, t)))
    return out
