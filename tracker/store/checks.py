"""The records that contradict themselves (``Kind.checks``, :mod:`tracker.model.checks`), found
with each engine's own query: one filter per declared check, nothing kind-specific here."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from tracker.model import KIND_ORDER, allowed_classifications, get_kind
from tracker.store.query import Condition, Filter


def contradictions(backend, today: _dt.date | None = None, *,
                   max_classification: str | None = None,
                   limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
    """``(rows, total)``: live records holding a declared contradiction as of ``today``, kind by
    kind in the catalogue's order, oldest record first; each row is ``{"kind", "id", "title",
    "field", "message"}`` (``field``: where the warning is shown). ``limit`` caps the rows;
    ``total`` counts them all."""
    levels = tuple(allowed_classifications(max_classification)) if max_classification else None
    rows: list[dict[str, Any]] = []
    total = 0
    for name in KIND_ORDER:
        kind = get_kind(name)
        for check in kind.checks:
            f = Filter(kind, statuses=check.statuses, levels=levels).also(
                Condition(check.field, check.op, check.bound(today)))
            room = None if limit is None else max(0, limit - len(rows))
            found = backend.first(f, order=[("id", False)], limit=room,
                                  columns=["id", "title", "status", check.field]) \
                if room != 0 else []
            total += len(found) if room is None or len(found) < room else backend.count(f)
            for record in found:
                message = kind.warnings(record, today).get(check.beside, "")
                rows.append({"kind": kind.name, "id": record["id"], "title": record["title"],
                             "field": check.beside, "message": message})
    return rows, total
