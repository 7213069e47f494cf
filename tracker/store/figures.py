"""The key figures (declared in :mod:`tracker.model.figures`), counted through an engine.

The dashboard, the briefing and the CLI show what :func:`compute` returns: every declared figure
and total, counts per status, and the lists that need attention (overdue, due soon, upcoming and
recent meetings).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from tracker.model import OVERDUE, allowed_classifications, get_kind
from tracker.model.figures import (
    BY_STATUS,
    DEADLINES_KIND,
    HORIZON_DAYS,
    KEY_FIGURES,
    MEETINGS_KIND,
    TOTALS,
    by_status_key,
    overdue_by_status_key,
    total_key,
)
from tracker.store.query import Condition, Filter

RECENT_MEETINGS = 10


def compute(backend, today: _dt.date | None = None, *, max_classification: str | None = None,
            horizon_days: int = HORIZON_DAYS, limit: int | None = None) -> dict[str, Any]:
    """The figures as of ``today``, counting records up to ``max_classification``.

    ``limit`` caps the lists (overdue, deadlines, upcoming meetings); their full lengths are the
    overdue figure, ``deadlines_total`` and ``upcoming_total`` either way (at 100k items the whole
    overdue list is ~35k rows and 0.3 s; counting it is 5 ms)."""
    today = today or _dt.date.today()
    t = today.isoformat()
    horizon = (today + _dt.timedelta(days=horizon_days)).isoformat()
    levels = tuple(allowed_classifications(max_classification)) if max_classification else None

    def live(kind, **kw) -> Filter:
        return Filter(kind, levels=levels, **kw)

    out: dict[str, Any] = {"today": t}
    by_status = {name: backend.count_by(live(get_kind(name)), "status") for name in BY_STATUS}
    for name, counts in by_status.items():
        out[by_status_key(name)] = counts
    for total in TOTALS:
        kind = get_kind(total.kind)
        if total.sums:
            out[total.key] = backend.total(live(kind), total.sums)
        elif total.kind in by_status:
            out[total.key] = sum(by_status[total.kind].values())
        else:
            out[total.key] = backend.count(live(kind))

    def listed(f: Filter, columns, order) -> tuple[list[dict], int]:
        rows = backend.first(f, order=order, columns=columns, limit=limit)
        if limit is None or len(rows) < limit:
            return rows, len(rows)
        return rows, backend.count(f)

    kind = DEADLINES_KIND
    due, closed = kind.deadline.field, kind.deadline.closed
    item = ["id", "title", due, "status", *([kind.deadline.progress]
                                            if kind.deadline.progress else [])]
    by = [(due, False), ("id", False)]
    # the overdue items by status, and their number from it (one count of them, not two)
    overdue_by_status = backend.count_by(live(kind, overdue_on=t), "status")
    out[overdue_by_status_key(kind.name)] = overdue_by_status
    overdue = backend.first(live(kind, overdue_on=t), order=by, columns=item, limit=limit)
    n_overdue = sum(overdue_by_status.values())
    deadlines, n_deadlines = listed(
        live(kind).also(Condition(due, ">=", t), Condition(due, "<=", horizon),
                        Condition("status", "not in", closed)), item, by)

    upcoming, n_upcoming, recent = _meetings(backend, live, listed, t)

    for fig in KEY_FIGURES:
        fkind = get_kind(fig.kind)
        if fig.status == OVERDUE:
            out[fig.key] = n_overdue if fkind is kind else backend.count(
                live(fkind, overdue_on=t))
        elif fig.sums:
            out[fig.key] = backend.total(live(fkind, statuses=_statuses(fig.status)), fig.sums)
        elif fig.status is None:
            out[fig.key] = out.get(total_key(fig.kind)) if total_key(fig.kind) in out else \
                backend.count(live(fkind))
        elif fig.kind in by_status:
            out[fig.key] = by_status[fig.kind].get(fig.status, 0)
        else:
            out[fig.key] = backend.count(live(fkind, statuses=(fig.status,)))
    out.update({
        "overdue": overdue,
        "deadlines": deadlines,
        "deadlines_total": n_deadlines,
        "upcoming_meetings": upcoming,
        "upcoming_total": n_upcoming,
        "next_meeting": upcoming[0] if upcoming else None,
        "recent_meetings": recent,
    })
    return out


def _meetings(backend, live, listed, t: str) -> tuple[list[dict], int, list[dict]]:
    """Meetings planned from ``t`` on (soonest first, and how many in all) and the newest held
    ones (those held without a date after the dated ones)."""
    meetings, occasion = MEETINGS_KIND, MEETINGS_KIND.occasion
    start = occasion.start
    meeting = ["id", "title", start, "place", "status"]
    upcoming, n_upcoming = listed(
        live(meetings, statuses=(occasion.planned,)).also(Condition(start, ">=", t)), meeting,
        [(start, False), ("id", False)])
    held = live(meetings, statuses=(occasion.held,))
    recent = backend.first(held.also(Condition(start, "not null")), columns=meeting,
                           order=[(start, True), ("id", True)], limit=RECENT_MEETINGS)
    if len(recent) < RECENT_MEETINGS:  # then those held without a date, newest first
        recent += backend.first(held.also(Condition(start, "is null")), columns=meeting,
                                order=[("id", True)], limit=RECENT_MEETINGS - len(recent))
    return upcoming, n_upcoming, recent


def _statuses(status: str | None) -> tuple[str, ...] | None:
    return None if status is None else (status,)
