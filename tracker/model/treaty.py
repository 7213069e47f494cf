"""Treaty mechanics: the dates a treaty office tracks, computed from what an agreement's text says,
never stored.

An agreement states (stored fields, named by a :class:`Treaty` declaration): its signature, a fixed
date of entry into force when the text gives one, else the dates on which each side notified the
other that its internal procedures were complete; a term in years (none: open-ended) or a fixed
expiry date; whether it renews automatically and for how long; the notice period in months.

From those the core computes (:func:`treaty_dates`): the entry into force (the fixed date, else the
later of the two notifications), the current expiry or next renewal, and the last day on which a
side may give notice of termination so that the agreement ends at the end of the running period
rather than renewing. Pure functions, no I/O; month ends and leap days are clamped (31 January + 1
month = 28 or 29 February; 29 February + 1 year = 28 February), and every period of a renewal chain
is counted from the same anchor, so a chain never drifts (29 February 2024 + 4 years is 29
February 2028, not the 28th).
"""

from __future__ import annotations

import calendar
import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.i18n import N_, _, ngettext

#: The value of the automatic-renewal choice that means "renews automatically".
RENEWS = "yes"


def add_months(day: _dt.date, months: int) -> _dt.date | None:
    """``day`` moved by ``months`` (negative: back), the day clamped to the month's last (31 Jan +
    1 month = 28/29 Feb); None when the result falls outside the years 1-9999."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    if not 1 <= year <= 9999:
        return None
    d = day.day
    if d <= 28:  # in every month (no calendar needed: most days, and the fast path)
        return _date(year, month0 + 1, d)
    return _date(year, month0 + 1, min(d, calendar.monthrange(year, month0 + 1)[1]))


def add_years(day: _dt.date, years: int) -> _dt.date | None:
    """``day`` moved by whole years (29 February + 1 year = 28 February); None beyond 1-9999."""
    return add_months(day, 12 * years)


def as_date(value: Any) -> _dt.date | None:
    """A stored (ISO) date as a date; None for no date or text that is not one. (Types tested
    the stored text's first: a list of deadlines asks this ~150,000 times.)"""
    if type(value) is str:
        if not value:
            return None
        try:
            return _from_iso(value)
        except ValueError:
            return None
    return value if isinstance(value, _dt.date) else None


def whole(value: Any) -> int | None:
    """A stored whole number of at least 1, else None (empty, zero, not a number, a boolean)."""
    return value if type(value) is int and value >= 1 else None


_date, _from_iso = _dt.date, _dt.date.fromisoformat


@dataclass(frozen=True)
class Computed:
    """A value the core computes from a record's fields and shows like one (a read-only row of the
    form, a table column), never stored or imported. Duck-types the parts of a Field that tables
    read (``name``, ``label``, ``type``, ``choices``, ``help``)."""
    name: str
    label: str
    type: str = "date"
    help: str = ""
    choices: tuple = ()
    computed: bool = True


@dataclass(frozen=True)
class TreatyDates:
    """What :func:`treaty_dates` computes, as of a day."""
    entry_into_force: _dt.date | None = None
    first_expiry: _dt.date | None = None  # the end of the first period (None: open-ended)
    expiry: _dt.date | None = None  # the end of the period running today (or the last one)
    renews: bool = False  # the period renews automatically at ``expiry``
    notice_by: _dt.date | None = None  # the last day to give notice (renewing agreements)
    ends_if_notified: _dt.date | None = None  # when it ends if notice is given by ``notice_by``
    notice_passed: bool = False  # the running period's notice day has passed: it will renew


@dataclass(frozen=True)
class Treaty:
    """Which of a kind's fields hold a treaty's mechanics (a kind declares one; the names are its
    own fields)."""
    signed: str
    in_force: str  # a fixed date of entry into force, when the text gives one
    home_notified: str
    partner_notified: str
    provisional: str
    term: str  # whole years; empty: open-ended
    expires: str  # a fixed expiry date, when the text gives one (wins over the term)
    auto_renewal: str  # a choice: RENEWS or not
    renewal: str  # whole years of each renewal (empty: the term again)
    notice: str  # whole months

    #: What the core computes from them (``computed`` of the kind).
    COMPUTED = (
        Computed("entry_into_force", N_("Entry into force"),
                 help=N_("The fixed date if one is entered, else the later of the two "
                         "notifications (computed, not stored)")),
        Computed("expiry", N_("Expiry or next renewal"),
                 help=N_("The end of the period running today (computed, not stored)")),
        Computed("notice_by", N_("Last day to give notice"),
                 help=N_("The last day to notify termination so that the agreement ends instead "
                         "of renewing (computed, not stored)")),
    )

    def fields(self) -> tuple[str, ...]:
        return (self.signed, self.in_force, self.home_notified, self.partner_notified,
                self.provisional, self.term, self.expires, self.auto_renewal, self.renewal,
                self.notice)

    def dated_when(self) -> tuple[tuple[tuple[str, bool], ...], ...]:
        """Which records can have computed dates at all, as alternatives that never overlap,
        each a tuple of ``(field, filled)`` tests (``filled``: the field holds a value; else it
        is empty): a fixed expiry; else a term counted from a fixed entry into force; else a
        term counted from both notifications (:func:`_dates`). A record outside them has no
        expiry and no notice day, so a list of deadlines need not read it."""
        return (((self.expires, True),),
                ((self.expires, False), (self.term, True), (self.in_force, True)),
                ((self.expires, False), (self.term, True), (self.in_force, False),
                 (self.home_notified, True), (self.partner_notified, True)))

    def values(self, record: dict, today: _dt.date) -> dict[str, str | None]:
        """The computed values of ``record`` as ISO dates (None: not computable)."""
        return self.row_values(tuple(record.get(f) for f in self.fields()), today)

    def row_values(self, row: tuple, today: _dt.date) -> dict[str, str | None]:
        """:meth:`values` of a record given as its :meth:`fields`' values in that order (a row
        as read): no record dict and no :class:`TreatyDates` made."""
        dates = _dates(row, today)
        return {name: (day.isoformat() if (day := dates[at]) else None)
                for name, at in COMPUTED_AT.items()}

    @staticmethod
    def row_dates(row: tuple, today: _dt.date) -> tuple:
        """:class:`TreatyDates`' values (dates, not text) of a record given as its
        :meth:`fields`' values: a list of deadlines computes this for every agreement and
        takes the computed values at ``COMPUTED_AT`` (no dict made a record)."""
        return _dates(row, today)


#: Where each of ``Treaty.COMPUTED`` stands in :class:`TreatyDates` (and ``_dates``' tuple).
COMPUTED_AT = {c.name: list(TreatyDates.__dataclass_fields__).index(c.name)
               for c in Treaty.COMPUTED}


def treaty_dates(t: Treaty, record: dict, today: _dt.date) -> TreatyDates:
    """The agreement's computed dates as of ``today`` (see the module's notes)."""
    return TreatyDates(*_dates(tuple(record.get(f) for f in t.fields()), today))


def _dates(row: tuple, today: _dt.date) -> tuple:
    """:class:`TreatyDates`' values, in its order, from a record's treaty fields' values in
    :meth:`Treaty.fields`' order (the one place the arithmetic is done)."""
    _signed, in_force, home, partner, _provisional, term, expires, auto, renewal, notice = row
    entry = as_date(in_force)
    if entry is None:
        home, partner = as_date(home), as_date(partner)
        entry = max(home, partner) if home is not None and partner is not None else None
    fixed, term = as_date(expires), whole(term)
    period = whole(renewal) or term
    # the end of period k (0: the first) is anchor + (offset + k * step) years, every period
    # counted from the same anchor
    if fixed is not None:
        anchor, offset = fixed, 0
    elif entry is not None and term is not None:
        anchor, offset = entry, term
    else:
        return (entry, None, None, False, None, None, False)
    step = period or 0
    first = add_months(anchor, 12 * offset)
    if not (auto == RENEWS and period is not None and first is not None):
        return (entry, first, first, False, None, None, False)
    k = max(0, (today.year - first.year) // period - 1)  # a guess a step or two short
    while (e := add_months(anchor, 12 * (offset + k * step))) is not None and e < today:
        k += 1
    expiry = e
    months = whole(notice) or 0
    notice_by = ends = None
    passed = False
    if expiry is not None:
        notice_by, ends = add_months(expiry, -months), expiry
        if notice_by is not None and notice_by < today:  # too late for this period: the next
            passed = True
            ends = add_months(anchor, 12 * (offset + (k + 1) * step))
            notice_by = add_months(ends, -months) if ends is not None else None
    return (entry, first, expiry, True, notice_by, ends, passed)


def _months(n: int) -> str:
    return ngettext("{n} month", "{n} months", n).format(n=n)


def _years(n: int) -> str:
    return ngettext("{n} year", "{n} years", n).format(n=n)


def treaty_problems(t: Treaty, record: dict, label: Callable[[str], str]) -> dict[str, str]:
    """What is inconsistent in an agreement's treaty fields (field name -> message); ``label``
    gives a field's translated label."""
    problems: dict[str, str] = {}
    term, renewal = whole(record.get(t.term)), whole(record.get(t.renewal))
    notice = whole(record.get(t.notice))
    renews = record.get(t.auto_renewal) == RENEWS
    fixed_end = as_date(record.get(t.expires))
    if renewal is not None and not renews:
        problems[t.renewal] = _("{renewal} is given but the agreement does not renew "
                                "automatically").format(renewal=label(t.renewal))
    if renews and term is None and fixed_end is None:
        problems[t.auto_renewal] = _("an agreement that renews automatically needs a term or an "
                                     "expiry date")
    if renews and fixed_end is not None and (renewal or term) is None:
        problems[t.renewal] = _("an agreement that renews automatically needs the renewal period "
                                "(or a term to repeat)")
    if notice is not None and term is not None and notice > 12 * term and fixed_end is None:
        problems[t.notice] = _("the notice period ({notice}) is longer than the term "
                               "({term})").format(notice=_months(notice), term=_years(term))
    elif notice is not None and renews and (renewal or term) and notice > 12 * (renewal or term):
        problems[t.notice] = _("the notice period ({notice}) is longer than the renewal period "
                               "({period})").format(notice=_months(notice),
                                                    period=_years(renewal or term))
    # (the entry into force and the first period's end do not depend on the day asked)
    entry, first = _dates(tuple(record.get(f) for f in t.fields()), _dt.date.min)[:2]
    if first is None and (fixed_end is not None or (entry is not None and term is not None)):
        problems[t.term] = _("the term runs beyond the year 9999")
    signed = as_date(record.get(t.signed))
    if first is not None and signed is not None and first < signed and t.expires not in problems:
        where = t.expires if fixed_end is not None else t.term
        problems.setdefault(where, _("the agreement would expire on {day}, before its signature "
                                     "({signed})").format(day=first.isoformat(),
                                                          signed=signed.isoformat()))
    if first is not None and entry is not None and first < entry:
        where = t.expires if fixed_end is not None else t.term
        problems.setdefault(where, _("the agreement would expire on {day}, before it enters into "
                                     "force ({entry})").format(day=first.isoformat(),
                                                               entry=entry.isoformat()))
    elif (notice is not None and first is not None and entry is not None and t.notice not in
          problems and (cut := add_months(first, -notice)) is not None and cut < entry):
        problems[t.notice] = _("the notice period ({notice}) is longer than the first period "
                               "({start} to {end})").format(
            notice=_months(notice), start=entry.isoformat(), end=first.isoformat())
    return problems
