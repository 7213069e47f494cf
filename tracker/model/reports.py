"""Implementation reports: dated notes of how far a record (a road-map item, a joint plant, a farm)
is carried out. A kind declares that its records have them (``Kind.reports``); a report's fields
are declared here once, as :class:`~tracker.model.fields.Field` s, so the form's editors, the
import's checks and the CLI read the same rules.

A record's reports travel with it: in its state (``record["reports"]``, a list of dicts), so its
audit entries, undo steps, trash, exports and imports carry them. They are kept in date order
(reports of one day in the order given); the newest report that gives a progress figure sets the
record's progress when the kind declares a progress field (:func:`newest_progress`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from tracker.i18n import N_, _
from tracker.model.fields import (
    CHOICE,
    DATE,
    INTEGER,
    LINK,
    MULTILINE,
    Field,
    coerce,
    value_problem,
)

#: The key of a record's reports in its state, its JSON and its CSV column.
REPORTS_KEY = "reports"
MAX_REPORTS = 1000  # reports of one record
REPORT_SIDES = (
    ("home", N_("Home side")),
    ("partner", N_("Partner side")),
)

REPORT_FIELDS: tuple[Field, ...] = (
    Field("reported_on", N_("Date"), DATE, required=True),
    Field("progress", N_("Progress, %"), INTEGER, minimum=0, maximum=100,
          help=N_("How far the work is carried out, if the report says")),
    Field("done", N_("What was done"), MULTILINE, required=True, max_length=20_000),
    Field("side", N_("By"), CHOICE, choices=REPORT_SIDES),
    Field("source_id", N_("Source"), LINK, target="sources"),
    Field("quote", N_("Quote"), MULTILINE, max_length=100_000,
          help=N_("Words of the source that support the report; they must occur in its text")),
)
REPORT_FIELD_NAMES = tuple(f.name for f in REPORT_FIELDS)
#: Keys a report may carry that are shown, not stored (the source's title, in exports).
SHOWN_KEYS = ("source", "source_uid")


@dataclass(frozen=True)
class Reports:
    """The records of a kind have implementation reports; ``progress`` names the kind's integer
    field (0-100) that the newest report's progress sets (None: the kind has none)."""
    progress: str | None = None


def report_field(name: str) -> Field:
    for f in REPORT_FIELDS:
        if f.name == name:
            return f
    raise KeyError(name)


def _as_list(raw: Any) -> tuple[list | None, str | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return [], None
    if isinstance(raw, str):  # a CSV cell or a CLI argument: JSON
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            return None, _("expected a JSON list of reports")
    if not isinstance(raw, (list, tuple)):
        return None, _("expected a list of reports")
    if len(raw) > MAX_REPORTS:
        return None, _("too many reports ({n}; at most {limit})").format(n=len(raw),
                                                                      limit=MAX_REPORTS)
    return list(raw), None


def report_prefix(number: int | None) -> str:
    """How a message names a report of a record's list ("report 2: "; none for ``None``)."""
    return _("report {n}: ").format(n=number) if number else ""


def normalize_report(raw: Any, number: int | None) -> tuple[dict | None, str | None]:
    """One report as stored (every field, typed), or the problem with it (naming it by
    ``number``, from 1; None: unnamed, a report edited on its own)."""
    where = report_prefix(number)
    if not isinstance(raw, dict):
        return None, where + _("expected an object with the report's fields")
    clean: dict[str, Any] = {}
    for key in raw:
        if key not in REPORT_FIELD_NAMES and key not in SHOWN_KEYS:
            return None, where + _("no such field {name!r}").format(name=str(key)[:40])
    for f in REPORT_FIELDS:
        try:
            clean[f.name] = coerce(f, raw.get(f.name))
        except ValueError as exc:
            return None, where + _("{label}: {problem}").format(label=_(f.label), problem=exc)
        problem = value_problem(f, clean[f.name])
        if problem:
            return None, where + problem
    if clean["quote"] and clean["source_id"] is None:
        return None, where + _("a quote needs its source")
    return clean, None


def normalize_reports(raw: Any) -> tuple[list[dict], str | None]:
    """Reports as stored, in date order (one day's in the order given), or the first problem."""
    items, problem = _as_list(raw)
    if problem:
        return [], problem
    out = []
    for number, item in enumerate(items, start=1):
        clean, problem = normalize_report(item, number)
        if problem:
            return [], problem
        out.append(clean)
    return sort_reports(out), None


def sort_reports(reports: list[dict]) -> list[dict]:
    return sorted(reports, key=lambda r: r.get("reported_on") or "")


def newest_progress(reports: list[dict]) -> int | None:
    """The progress of the newest report that gives one (None: none does)."""
    for report in reversed(sort_reports(reports)):
        if report.get("progress") is not None:
            return report["progress"]
    return None


def report_texts(reports: list[dict] | None) -> list[str]:
    """The text of reports a search finds them by (what was done)."""
    return [str(r["done"]) for r in reports or () if isinstance(r, dict) and r.get("done")]


def after(reports: list[dict], day: str) -> list[dict]:
    """The reports dated after ``day`` (ISO), oldest first."""
    return [r for r in sort_reports(reports) if (r.get("reported_on") or "") > day]
