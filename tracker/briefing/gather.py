"""Reading the repository for one briefing: the only part of the briefing that does. The result
is plain data (:class:`BriefingData`) that :mod:`tracker.briefing.sections` lays out."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from typing import Any

from tracker.briefing.options import LEVELS, BriefingOptions
from tracker.briefing.progress import Progress
from tracker.i18n import _
from tracker.model import CLASSIFICATION_RANK, KIND_ORDER, SOURCE_KIND, Kind, get_kind
from tracker.model import timeline as tl
from tracker.model.figures import DEADLINES_KIND, MEETINGS_KIND, feeding_kinds
from tracker.model.values import series_items
from tracker.store.errors import NotFound

FETCH_ROWS = 1000
SHARED_LENGTH = 40  # values up to this long are kept once per briefing (see _Reader.fetch)
UPCOMING_MEETINGS = 20  # meetings listed under "Upcoming" in the contacts section
RECENT_MEETINGS = 10  # ... and under "Recent"
SECTION_UNITS = 20  # progress units of composing and laying out one section (an estimate)
#: Records a briefing's timeline draws at most: those whose dates are nearest to today (under
#: way today first; those without dates last); the figure says how many it leaves out.
TIMELINE_LIMIT = 120
HIDDEN = "hidden"  # the timeline's group of records linked to one the briefing leaves out

#: The kinds whose figures and lists a section shows (the page marking counts them).
SECTION_FEEDS: dict[str, tuple[str, ...]] = {
    "summary": (*feeding_kinds(), MEETINGS_KIND.name),
    "chart": (DEADLINES_KIND.name,),
    "deadlines": (DEADLINES_KIND.name,),
    "contacts": (MEETINGS_KIND.name,),
}


@dataclass
class Contact:
    """A meeting and the participants the briefing may show."""
    record: dict[str, Any]
    people: list[dict[str, Any]]


@dataclass
class ContactGroup:
    """Meetings listed under one heading; ``more``: how many were left off the list."""
    items: list[Contact] = field(default_factory=list)
    more: int = 0


@dataclass
class SourceEntry:
    """A source and, per printed record citing it ((kind, id), in order), the record's title
    and the quotes."""
    source: dict[str, Any]
    records: dict[tuple[str, int], tuple[str, list[str]]] = field(default_factory=dict)


@dataclass
class TimelineData:
    """The timeline section's records: ``groups`` as drawn (the TIMELINE_LIMIT records nearest
    to today), ``total`` records matching the options, ``undated`` of them without any date."""
    kind: Kind
    grouping: tl.Grouping
    groups: list[tl.Group]
    total: int
    undated: int

    @property
    def shown(self) -> int:
        return sum(len(g.items) for g in self.groups)


@dataclass
class BriefingData:
    """Everything a briefing shows, read from the repository once."""
    today: _dt.date
    settings: dict[str, str]
    figures: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]  # per kind section, in the kind's order
    contacts: dict[str, ContactGroup]  # "upcoming", "recent" (when the section is on)
    appendix: list[SourceEntry]  # sources cited by the printed records (when included)
    level: str  # the highest classification included: the page marking
    record_count: int  # records printed in the per-kind sections or drawn in the timeline
    timeline: TimelineData | None = None  # when the timeline section is on
    # per kind section: record id -> the files attached to it (listed under the kind's table)
    documents: dict[str, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)


class _Reader:
    def __init__(self, repo, options: BriefingOptions, today: _dt.date, progress: Progress):
        self.repo, self.o, self.today, self.progress = repo, options, today, progress
        self.levels: set[str] = set()

    def allowed(self) -> list[str]:
        rank = CLASSIFICATION_RANK[self.o.max_classification]
        return [c for c in LEVELS if CLASSIFICATION_RANK[c] <= rank]

    def highest_level(self, kind_name: str) -> str | None:
        """The highest classification among the live records of a kind the briefing may show."""
        counts = [self.repo.count(kind_name, max_classification=c) for c in self.allowed()]
        best = None
        previous = 0
        for level, n in zip(self.allowed(), counts, strict=True):
            if n > previous:
                best = level
            previous = n
        return best

    def fetch(self, kind: Kind, wanted: list[str] | None = None) -> list[dict]:
        """The kind's records the options include: its columns (or ``wanted``), filtered by
        statuses and its main date."""
        o = self.o
        date_field = kind.main_date
        columns = [f.name for f in kind.columns] if wanted is None else list(wanted)
        columns.append("classification")
        if kind.deadline is not None:  # who carries each item out, on each side
            columns += [name for name in kind.deadline.owners if name not in columns]
        if date_field is not None and date_field.name not in columns:
            columns.append(date_field.name)
        if kind.deadline is not None and kind.deadline.field not in columns:
            columns.append(kind.deadline.field)
        if o.include_notes and wanted is None:
            columns.append("notes")
        if kind.measure is not None:  # what an indicator's figures are computed from
            columns += [name for name in kind.measure.fields if name not in columns]
        rows: list[dict] = []
        offset = 0
        # One string object for each repeated short value (a status, an area, a date, a
        # lead): a 100,000-item road map repeats a few hundred of them in every row.
        same: dict[str, str] = {}
        while True:
            self.progress.check_cancel()
            page = self.repo.list(kind.name, status=o.statuses_for(kind.name),
                                  max_classification=o.max_classification, columns=columns,
                                  limit=FETCH_ROWS, offset=offset)
            for row in page:
                for name, value in row.items():
                    if type(value) is str and len(value) <= SHARED_LENGTH:
                        row[name] = same.setdefault(value, value)
                if date_field is not None and (o.date_from or o.date_to):
                    value = row.get(date_field.name)
                    if not value:
                        continue
                    if o.date_from and value < o.date_from:
                        continue
                    if o.date_to and value > o.date_to:
                        continue
                rows.append(row)
                if wanted is None:  # a timeline marks only the records it draws
                    self.levels.add(row.get("classification") or "internal")
            self.progress.advance(len(page))
            if len(page) < FETCH_ROWS:
                break
            offset += FETCH_ROWS
        return rows

    def visible(self, kind_name: str, record_id: int) -> dict | None:
        try:
            rec = self.repo.get(kind_name, record_id)
        except NotFound:
            return None
        if rec.get("deleted_at"):
            return None
        cls = rec.get("classification") or "internal"
        if CLASSIFICATION_RANK.get(cls, 2) > CLASSIFICATION_RANK[self.o.max_classification]:
            return None
        return rec

    def contacts(self, figures: dict[str, Any]) -> dict[str, ContactGroup]:
        participants = MEETINGS_KIND.field(MEETINGS_KIND.occasion.participants)
        groups = {}
        for group, items, limit in (
                ("upcoming", figures.get("upcoming_meetings") or [], UPCOMING_MEETINGS),
                ("recent", figures.get("recent_meetings") or [], RECENT_MEETINGS)):
            out = []
            for item in items[:limit]:
                self.progress.check_cancel()
                rec = self.visible(MEETINGS_KIND.name, item["id"])
                if rec is None:
                    continue
                people = []
                for pid in rec.get(participants.name) or []:
                    person = self.visible(participants.target, pid)
                    if person is not None:
                        people.append(person)
                        self.levels.add(person.get("classification") or "internal")
                out.append(Contact(rec, people))
            groups[group] = ContactGroup(out, max(0, len(items) - limit))
        self.progress.advance(5)
        return groups

    def timeline(self, kind: Kind) -> TimelineData:
        """The records of the timeline kind the options include, the TIMELINE_LIMIT nearest to
        today, grouped as asked; the page marking counts those drawn and the linked records
        naming their groups."""
        by = tl.grouping(kind, self.o.timeline_group)
        rows = self.fetch(kind, tl.columns(kind, by))
        found = tl.items(kind, rows, self.today, by)
        link = kind.field(by.field)
        titles: dict[int, str] = {}
        levels: dict[int, str] = {}
        if link.target:
            wanted = {i.group for i in found if i.group is not None}
            for row in self.repo.list(link.target, columns=["title", "classification"],
                                      max_classification=self.o.max_classification):
                if row["id"] in wanted:
                    titles[row["id"]] = row["title"]
                    levels[row["id"]] = row.get("classification") or "internal"
            # a group whose record is above the briefing's level, or in the trash, is not named
            if any(i.group is not None and i.group not in titles for i in found):
                found = [i if i.group in titles or i.group is None
                         else replace(i, group=HIDDEN) for i in found]
                titles[HIDDEN] = _("Linked to a record not in this briefing")
        kept = tl.group_items(kind, tl.nearest(found, self.today, TIMELINE_LIMIT), by, titles)
        level_of = {r["id"]: r.get("classification") or "internal" for r in rows}
        for g in kept:
            if g.key is not None and not g.undated and g.key in levels:
                self.levels.add(levels[g.key])
            self.levels.update(level_of[i.id] for i in g.items)
        return TimelineData(kind, by, kept, len(found),
                            sum(1 for i in found if i.first is None))

    def appendix(self, rows: dict[str, list[dict]]) -> list[SourceEntry]:
        """Sources with the quotes behind each printed record, grouped by source."""
        by_source: dict[int, SourceEntry | None] = {}
        for kind_name in KIND_ORDER:
            printed = rows.get(kind_name, [])
            cited = self.repo.citations_of(kind_name, [row["id"] for row in printed])
            for row in printed:
                self.progress.check_cancel()
                own = cited.get(row["id"], [])
                for c in own + series_citations(get_kind(kind_name), row, own):
                    if c["source_id"] not in by_source:
                        src = self.visible(SOURCE_KIND.name, c["source_id"])
                        by_source[c["source_id"]] = SourceEntry(src) if src is not None else None
                    entry = by_source[c["source_id"]]
                    if entry is None:
                        continue
                    key = (kind_name, row["id"])
                    if key not in entry.records:
                        entry.records[key] = (row["title"], [])
                    entry.records[key][1].append(c["quote"])
        appendix = [e for _sid, e in sorted(by_source.items()) if e is not None]
        for e in appendix:
            self.levels.add(e.source.get("classification") or "internal")
        self.progress.advance(5)
        return appendix


def series_citations(kind: Kind, row: dict, own: list[dict]) -> list[dict]:
    """The sources the values of an indicator's series quote, as citations (those the record
    cites already, quote and all, left out)."""
    if kind.measure is None:
        return []
    seen = {(c["source_id"], c["quote"]) for c in own}
    out = []
    for item in series_items(row.get(kind.measure.series)):
        cited = (item["source_id"], item["quote"] or "")
        if item["source_id"] is not None and cited not in seen:
            seen.add(cited)
            out.append({"source_id": cited[0], "quote": cited[1]})
    return out


def gather(repo, options: BriefingOptions, today: _dt.date, progress: Progress | None = None
           ) -> BriefingData:
    """Read what the briefing shows. Progress counts one unit per fetched row and estimates the
    rest of the build (one unit per printed row and appendix entry, a few per section)."""
    progress = progress or Progress()
    o = options
    reader = _Reader(repo, o, today, progress)
    kinds = [k for k in KIND_ORDER if k in o.sections]
    estimates = {k: repo.count(k, status=o.statuses_for(k),
                               max_classification=o.max_classification) for k in kinds}
    per_row = 3 if o.include_sources else 2
    progress.estimate(per_row * sum(estimates.values()) + SECTION_UNITS * (len(o.sections) + 2))
    progress.check_cancel()
    figures = repo.figures(today, max_classification=o.max_classification)
    for section, feeding in SECTION_FEEDS.items():
        if section in o.sections:
            for kind_name in feeding:
                level = reader.highest_level(kind_name)
                if level:
                    reader.levels.add(level)
    progress.advance(10)
    rows = {kind_name: reader.fetch(get_kind(kind_name)) for kind_name in kinds}
    documents = {kind_name: repo.attachments_of(kind_name, [r["id"] for r in rows[kind_name]])
                 for kind_name in kinds}
    contacts = reader.contacts(figures) if "contacts" in o.sections else {}
    timeline = (reader.timeline(tl.TIMELINE_KIND)
                if "timeline" in o.sections and tl.TIMELINE_KIND is not None else None)
    appendix = reader.appendix(rows) if o.include_sources else []
    levels = reader.levels
    printed = sum(len(r) for r in rows.values())
    drawn = timeline.shown if timeline is not None and timeline.kind.name not in rows else 0
    progress.estimate(progress.done + printed + SECTION_UNITS * (len(o.sections) + 2))
    return BriefingData(
        today=today, settings=repo.settings(), figures=figures, rows=rows, contacts=contacts,
        appendix=appendix,
        level=max(levels, key=CLASSIFICATION_RANK.get) if levels else "public",
        record_count=printed + drawn, timeline=timeline, documents=documents)
