"""The sources behind a series' values: each value that names a source must name one that
exists, and its quote must occur in that source's text, as a record's own citations must
(``Repository.citation_problem``). Values recorded before (unchanged) pass as they are."""

from __future__ import annotations

from typing import Any

from tracker.i18n import _
from tracker.model import SERIES, Kind
from tracker.model.values import series_items


def series_problems(repo, kind: Kind, record: dict[str, Any], before: dict[str, Any] | None
                    ) -> dict[str, str]:
    """field -> what is wrong with the sources of a (normalised) record's series."""
    problems: dict[str, str] = {}
    for f in kind.fields:
        if f.type != SERIES or not isinstance(record.get(f.name), str):
            continue
        kept = [{"source_id": item["source_id"], "quote": item["quote"] or ""}
                for item in series_items((before or {}).get(f.name))
                if item["source_id"] is not None]
        for item in series_items(record[f.name]):
            if item["source_id"] is None:
                continue
            problem = repo.citation_problem(
                [{"source_id": item["source_id"], "quote": item["quote"]}], keep=kept)
            if problem:
                problems[f.name] = _("value of {date}: {problem}").format(
                    date=item["date"], problem=problem)
                break
    return problems


def shown_measures(backend, *, limit: int, levels: tuple[str, ...] | None = None
                   ) -> list[tuple[str, dict]]:
    """(kind, record) of the live indicators chosen for the dashboard, by title: the fields
    ``tracker.model.indicators.reading`` reads, with id and title."""
    from tracker.model import KIND_ORDER, get_kind
    from tracker.store.query import Condition, Filter

    out: list[tuple[str, dict]] = []
    for name in KIND_ORDER:
        kind = get_kind(name)
        m = kind.measure
        if m is None or len(out) >= limit:
            continue
        f = Filter(kind, levels=levels).also(Condition(m.shown, "=", m.shown_value))
        rows = backend.first(f, order=[("title", False), ("id", False)],
                             columns=["id", "title", *m.fields], limit=limit - len(out))
        out += [(kind.name, row) for row in rows]
    return out
