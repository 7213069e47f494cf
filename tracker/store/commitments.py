"""What was promised and how far it is carried out: implementation reports in a record's state,
what happened on an item since a meeting, and the one list of deadlines. Mixed into
:class:`~tracker.store.repository.Repository`.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from tracker.i18n import _
from tracker.model import KINDS, REPORTS_KEY, SOURCE_KIND, Kind, get_kind
from tracker.model.reports import after, newest_progress, normalize_reports, report_prefix
from tracker.model.text import quote_problem
from tracker.store.deadlines import Due, list_deadlines
from tracker.store.errors import NotFound


class Commitments:
    """Needs the repository's ``backend``, ``get``, ``stored`` and ``exists``."""

    # -- reports in a record's state ----------------------------------------------------------

    def merge_reports(self, kind: Kind, values: dict, merged: dict, base: dict | None,
                      problems: dict[str, str]) -> None:
        """``merged`` (a record being checked) gets its reports: those given in ``values``
        (normalised, their quotes found in their sources), else the stored ones; and the
        progress the newest of them sets. Problems go into ``problems``."""
        if kind.reports is None:
            return
        kept = list((base or {}).get(REPORTS_KEY) or [])
        merged[REPORTS_KEY] = kept
        given = REPORTS_KEY in values
        if given:
            reports, problem = normalize_reports(values[REPORTS_KEY])
            problem = problem or self.report_problem(reports, keep=kept)
            if problem:
                problems[REPORTS_KEY] = problem
            else:
                merged[REPORTS_KEY] = reports
        field = kind.reports.progress
        newest = newest_progress(merged[REPORTS_KEY])
        if field is None or newest is None:
            return
        if not given and field in values and merged.get(field) != newest:
            problems.setdefault(field, _(
                "set by the newest implementation report ({n} %); add a report to change "
                "it").format(n=newest))
        merged[field] = newest

    def report_problem(self, reports: list[dict], *, keep: list[dict] = ()) -> str | None:
        """Why reports cannot be recorded: a source that does not exist, or a quote not in its
        source's text (reports already recorded in ``keep`` pass as they are)."""
        kept = {(r.get("source_id"), r.get("quote") or "") for r in keep}
        for number, report in enumerate(reports, start=1):
            sid, quote = report.get("source_id"), report.get("quote") or ""
            if sid is None or (sid, quote) in kept:
                continue
            row = self.stored(SOURCE_KIND.name, sid, ["text"])
            if row is None:
                return report_prefix(number) + _("no source with id {id}").format(id=sid)
            problem = quote_problem(row["text"], quote)
            if problem:
                return report_prefix(number) + problem
        return None

    def reports(self, kind_name: str, record_id: int) -> list[dict]:
        """A record's implementation reports, oldest first (empty for kinds without any)."""
        kind = get_kind(kind_name)
        return self.backend.reports(kind, record_id) if kind.reports is not None else []

    # -- since a meeting ----------------------------------------------------------------------

    def reports_since(self, kind_name: str, record_id: int, since: Any) -> list[dict]:
        """What happened on a record since ``since``: its reports dated after it, oldest first.
        ``since`` is a date (or ISO text), or ``("meetings", id)`` for a meeting: after the
        meeting's last day (its end date, else its start; a meeting with no date: every
        report)."""
        day = self.since_day(since)
        return after(self.reports(kind_name, record_id), day or "")

    def since_day(self, since: Any) -> str | None:
        """The ISO day ``reports_since`` counts from."""
        if isinstance(since, tuple):
            kind = get_kind(since[0])
            occasion = kind.occasion
            if occasion is None:
                raise ValueError(since[0])
            row = self.stored(kind.name, since[1], [occasion.start, *(
                [occasion.end] if occasion.end else [])]) or {}
            return row.get(occasion.end) or row.get(occasion.start)
        if isinstance(since, _dt.datetime):
            return since.date().isoformat()
        if isinstance(since, _dt.date):
            return since.isoformat()
        return str(since) if since else None

    def since_occasion(self, kind_name: str, record_id: int) -> list[tuple[str, int, str,
                                                                          list[dict]]]:
        """What happened since a meeting on the records it agreed or reviewed (those with
        implementation reports): ``(kind, id, title, reports dated after the meeting's last
        day)`` each, in kind order, then id; records with nothing reported since included
        (their list empty)."""
        kind = get_kind(kind_name)
        if kind.occasion is None:
            raise ValueError(_("{kind} are not meetings").format(kind=kind.name))
        if not self.exists(kind.name, record_id):
            raise NotFound(kind.name, record_id)
        order = {name: i for i, name in enumerate(KINDS)}
        linked = sorted({(k, rid, title) for k, rid, title in self.linked_from(kind.name,
                                                                              record_id)
                         if KINDS[k].reports is not None},
                        key=lambda t: (order[t[0]], t[1]))
        return [(k, rid, title, self.reports_since(k, rid, (kind.name, record_id)))
                for k, rid, title in linked]

    def last_review(self, kind_name: str, record_id: int, today: _dt.date | None = None
                    ) -> tuple[str, int] | None:
        """The latest meeting on or before ``today`` (not cancelled, not in the trash) among
        those a record links to (the meeting that agreed it, those that reviewed it):
        ``(kind, id)``, or None."""
        kind = get_kind(kind_name)
        record = self.get(kind.name, record_id)
        today_iso = (today or _dt.date.today()).isoformat()
        best: tuple[str, int, str] | None = None
        for f in kind.fields:
            target = KINDS.get(f.target or "")
            if target is None or target.occasion is None:
                continue
            value = record.get(f.name)
            for mid in value if isinstance(value, list) else [value] if value else []:
                row = self.backend.row(target, mid, [target.occasion.start, "status",
                                                     "deleted_at"])
                day = (row or {}).get(target.occasion.start)
                if row and not row["deleted_at"] and day and day <= today_iso and row[
                        "status"] in (target.occasion.held, target.occasion.planned) \
                        and (best is None or (day, mid) > (best[2], best[1])):
                    best = (target.name, mid, day)
        return None if best is None else (best[0], best[1])

    # -- deadlines ----------------------------------------------------------------------------

    def leads(self, limit: int = 200) -> list[str]:
        """The names in the kinds' lead fields, the most used first (for "My items")."""
        from tracker.store.query import Filter

        counts: dict[str, int] = {}
        for kind in KINDS.values():
            for name in kind.leads:
                for value, n in self.backend.count_by(Filter(kind), name).items():
                    if value:
                        counts[value] = counts.get(value, 0) + n
        return [v for v, _n in sorted(counts.items(), key=lambda p: (-p[1], p[0]))][:limit]

    def deadlines(self, today: _dt.date | None = None, *, within: int | None = None,
                  overdue: bool = False, lead: str | None = None,
                  kinds: list[str] | None = None, max_classification: str | None = None
                  ) -> list[Due]:
        """Every kind's declared obligations (``Kind.obligations``) still open, in date order:
        the overdue ones and those to come (up to ``within`` days ahead when given; only the
        overdue ones with ``overdue``), for records naming ``lead`` when given."""
        return list_deadlines(self.backend, today or _dt.date.today(), within=within,
                              overdue_only=overdue, lead=lead, kinds=kinds,
                              max_classification=max_classification)
