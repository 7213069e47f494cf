"""Contradictions a kind's records may hold: warned of beside a field, never refused.

A road-map item "Planned" yet 40 % carried out, "Done" at 30 %, a meeting of 2017 still
"Planned": each may be a slip or a record not yet brought up to date, and the desk decides
which. A kind declares its :class:`Check`\\ s (``Kind.checks``); the form shows
``Kind.warnings(record)`` beside the fields, the CLI's ``show`` and ``edit`` print them and the
dashboard lists the records that hold one (one condition per check, so every engine finds them
with its own query).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

#: A check's ``value`` meaning the day the check is made (a date that has passed).
TODAY = "today"

_COMPARE = {
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
}


@dataclass(frozen=True)
class Check:
    """A record in one of ``statuses`` whose ``field`` compares ``op`` (``<`` or ``>``) with
    ``value`` (:data:`TODAY`: the day of the check) contradicts itself. The warning reads
    ``message`` (marked with ``N_``; ``{status}``, ``{value}`` the field's value as shown,
    ``{field}`` its label) and shows beside the field ``at`` (default: ``field``). ``name`` is
    stable (tests and the dashboard's list refer to it). An empty field contradicts nothing."""
    name: str
    statuses: tuple[str, ...]
    field: str
    op: str
    value: int | str
    message: str
    at: str | None = None

    def __post_init__(self):
        if self.op not in _COMPARE:
            raise ValueError(self.op)

    @property
    def beside(self) -> str:
        """The field the warning is shown beside."""
        return self.at or self.field

    def bound(self, today: _dt.date | None = None) -> Any:
        """The value the field is compared with (today's ISO date for :data:`TODAY`)."""
        if self.value == TODAY:
            return (today or _dt.date.today()).isoformat()
        return self.value

    def holds(self, record: dict[str, Any], today: _dt.date | None = None) -> bool:
        """True when ``record`` (stored values) contradicts itself the way this check says."""
        if record.get("status") not in self.statuses:
            return False
        value = record.get(self.field)
        if value is None or value == "":
            return False
        try:
            return _COMPARE[self.op](value, self.bound(today))
        except TypeError:  # a value of another type than declared: not this check's business
            return False
