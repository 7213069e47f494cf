"""What a read asks for, in terms every engine understands: a kind's records, filtered.

The repository turns what a user chose (a status, "overdue", a search text, a clearance) into a
:class:`Filter`; each engine compiles it to its own SQL. Nothing a user typed reaches an engine as
query syntax: search text arrives as folded words, everything else as values.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace
from typing import Any

from tracker.model import OVERDUE, Kind, allowed_classifications
from tracker.model.text import terms

#: Comparisons a :class:`Condition` may make.
OPERATORS = ("=", "<", "<=", ">", ">=", "is null", "not null", "in", "not in")


@dataclass(frozen=True)
class Condition:
    """``field op value`` on a declared (stored) field of the filter's kind."""
    field: str
    op: str
    value: Any = None

    def __post_init__(self):
        if self.op not in OPERATORS:
            raise ValueError(self.op)


@dataclass(frozen=True)
class Filter:
    """Records of ``kind``: live ones (or those in the trash), with one of ``statuses``, open and
    past their deadline on ``overdue_on`` (an ISO date), classified at one of ``levels``,
    holding every word of ``words`` (as prefixes; an empty tuple finds nothing), meeting every
    condition of ``where`` and, when ``any_of`` is given, at least one of its conditions."""
    kind: Kind
    trash: bool = False
    statuses: tuple[str, ...] | None = None
    overdue_on: str | None = None
    levels: tuple[str, ...] | None = None
    words: tuple[str, ...] | None = None
    where: tuple[Condition, ...] = ()
    any_of: tuple[Condition, ...] = ()

    def also(self, *conditions: Condition) -> Filter:
        return replace(self, where=(*self.where, *conditions))


def make_filter(kind: Kind, *, search: str | None = None, status: Any = None,
                trash: bool = False, max_classification: str | None = None,
                today: _dt.date | None = None, lead: str | None = None) -> Filter:
    """The filter for the arguments ``Repository.list``/``count``/``position`` take."""
    statuses = overdue_on = None
    if status == OVERDUE and kind.deadline is not None:
        overdue_on = (today or _dt.date.today()).isoformat()
    elif status:
        statuses = (status,) if isinstance(status, str) else tuple(status)
    levels = tuple(allowed_classifications(max_classification)) if max_classification else None
    words = tuple(terms(search)) if search is not None and search.strip() else None
    return Filter(kind, trash=trash, statuses=statuses, overdue_on=overdue_on, levels=levels,
                  words=words, any_of=lead_conditions(kind, lead))


def lead_conditions(kind: Kind, lead: str | None) -> tuple[Condition, ...]:
    """"My items": records naming ``lead`` (as stored, spaces at the ends aside) in one of the
    kind's lead fields; a kind that declares none matches nothing (an always-false condition)."""
    if lead is None or not lead.strip():
        return ()
    if not kind.leads:
        return (Condition("id", "<", -1),)
    return tuple(Condition(name, "=", lead.strip()) for name in kind.leads)
