"""The one list of deadlines: every kind's declared obligations (``Kind.obligations``), read
through an engine and merged in date order.

An obligation on a stored date field is one index-ordered query per kind (open records, the date
in range); one on a computed date (an agreement's notice day and expiry) reads the open records'
treaty fields and computes the dates here (:mod:`tracker.model.treaty`). An entry is overdue as its
kind declares (``Obligation.is_overdue``): past its date and still open, unless the obligation is
one that simply takes place (a meeting).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from tracker.model import KIND_ORDER, KINDS, Kind, Obligation, allowed_classifications
from tracker.store.query import Condition, Filter, lead_conditions

#: Columns every entry reads besides its date and its leads.
BASE_COLUMNS = ("id", "uid", "title", "status", "classification", "updated_at", "version")


@dataclass(frozen=True)
class Due:
    """One dated obligation of one record."""
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
    classification: str = "internal"
    updated_at: str = ""
    version: int = 1
    details: dict = field(default_factory=dict, compare=False)  # an occasion's place, end


def _obligations(kinds: list[str] | None, lead: str | None) -> list[tuple[Kind, Obligation]]:
    names = [k for k in KIND_ORDER if kinds is None or k in kinds]
    names += [k for k in KINDS if k not in KIND_ORDER and (kinds is None or k in kinds)]
    out = []
    for name in names:
        kind = KINDS[name]
        if lead and not kind.leads:
            continue  # nobody named as responsible: not anyone's item
        out.extend((kind, ob) for ob in kind.obligations)
    return out


def list_deadlines(backend, today: _dt.date, *, within: int | None = None,
                   overdue_only: bool = False, lead: str | None = None,
                   kinds: list[str] | None = None, max_classification: str | None = None
                   ) -> list[Due]:
    """See :meth:`tracker.store.commitments.Commitments.deadlines`."""
    t = today.isoformat()
    horizon = None
    if within is not None:
        horizon = (today + _dt.timedelta(days=max(0, within))).isoformat()
    levels = tuple(allowed_classifications(max_classification)) if max_classification else None
    out: list[Due] = []
    computed: dict[str, list[Obligation]] = {}
    for kind, ob in _obligations(kinds, lead):
        if overdue_only and not ob.overdue:
            continue
        if not kind.has_field(ob.date):
            computed.setdefault(kind.name, []).append(ob)
            continue
        base = Filter(kind, levels=levels, any_of=lead_conditions(kind, lead))
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
        columns = _columns(kind, ob.date)
        rows = backend.first(base.also(*conditions), order=[(ob.date, False), ("id", False)],
                             columns=columns)
        out.extend(_entry(kind, ob, row, row[ob.date], t) for row in rows)
    for name, obligations in computed.items():
        out.extend(_computed(backend, KINDS[name], obligations, today, horizon, overdue_only,
                             levels, lead))
    order = {name: i for i, name in enumerate(KIND_ORDER)}
    out.sort(key=lambda d: (d.date, order.get(d.kind, 99), d.record_id, d.obligation))
    return out


def _columns(kind: Kind, *dates: str) -> list[str]:
    extra = [*dates, *kind.leads]
    if kind.occasion is not None:
        extra += [c for c in (kind.occasion.end, kind.occasion.place) if c]
    return list(dict.fromkeys([*BASE_COLUMNS, *extra]))


def _entry(kind: Kind, ob: Obligation, row: dict, day: str, today: str) -> Due:
    details = {}
    occasion = kind.occasion
    if occasion is not None and ob.date == occasion.start:
        details = {k: row.get(c) for k, c in (("end", occasion.end), ("place", occasion.place))
                   if c and row.get(c)}
    return Due(kind.name, row["id"], row["uid"], row["title"], ob.name, ob.label, day,
               row["status"], ob.is_overdue(day, row["status"], today),
               tuple(row[c] for c in kind.leads if row.get(c)), row["classification"],
               row["updated_at"], row["version"], details)


def _computed(backend, kind: Kind, obligations: list[Obligation], today: _dt.date,
              horizon: str | None, overdue_only: bool, levels, lead: str | None) -> list[Due]:
    """Obligations on computed dates (a treaty's): the open records' fields read, the dates
    computed, those in range kept."""
    t = today.isoformat()
    closed = set.intersection(*(set(ob.closed) for ob in obligations))
    base = Filter(kind, levels=levels, any_of=lead_conditions(kind, lead))
    if closed:
        base = base.also(Condition("status", "not in", tuple(sorted(closed))))
    needs = kind.treaty.fields() if kind.treaty is not None else ()
    out = []
    for row in backend.first(base, order=[("id", False)], columns=_columns(kind, *needs)):
        values = kind.compute(row, today)
        for ob in obligations:
            day = values.get(ob.date)
            if day is None or row["status"] in ob.closed:
                continue
            late = ob.is_overdue(day, row["status"], t)
            if (overdue_only and not late) or (not late and (
                    day < t or (horizon is not None and day > horizon))):
                continue
            out.append(_entry(kind, ob, row, day, t))
    return out
