"""Reading the repository for a briefing note or a visit brief (the annex is read by
:mod:`tracker.briefing.gather`): the key figures, the deadlines and meetings that matter, and for
a visit the meeting, its participants, the agreements, the commitments of earlier meetings and the
documents for signature. Only records the briefing may show (live, up to its limit) are read
into :class:`BriefFacts`; the level of every one of them raises the page marking.

"Earlier meetings": a road-map item counts as a commitment of an earlier meeting when the meeting
it was agreed at (the deadline kind's ``agreed_at`` link) is the visited meeting itself, or one
that certainly came before it: both dated and its start earlier, or held while the visited one
is still planned. Undated meetings are not ordered otherwise, and cancelled ones agreed nothing.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from tracker.briefing.brief import Brief
from tracker.briefing.errors import BriefingError
from tracker.briefing.options import LEVELS, BriefingOptions
from tracker.briefing.progress import Progress
from tracker.i18n import _
from tracker.model import CLASSIFICATION_RANK, Kind, get_kind
from tracker.model.figures import (
    AGREEMENTS_KIND,
    DEADLINES_KIND,
    FOR_SIGNATURE,
    MEETINGS_KIND,
    feeding_kinds,
)
from tracker.store.errors import NotFound

PAGE_ROWS = 1000  # rows read at a time when a whole kind is scanned
SHORT_LIST = 5  # overdue and upcoming items in a note (the annex lists them all)
MEETINGS_AHEAD = 3  # meetings ahead and recent ones in a note
LONG_LIST = 40  # agreements, commitments, documents for signature in a visit brief


@dataclass
class Commitment:
    """A road-map item agreed at an earlier meeting, the meeting, and whether it is overdue."""
    item: dict[str, Any]
    meeting: dict[str, Any]
    overdue: bool


@dataclass
class Listed:
    """Records shown in a list, and how many more were left off it."""
    rows: list[dict[str, Any]] = field(default_factory=list)
    more: int = 0


@dataclass
class BriefFacts:
    """Everything a note or a visit brief shows from the records."""
    today: _dt.date
    settings: dict[str, str]
    figures: dict[str, Any]
    brief: Brief
    contact: dict[str, Any] | None = None
    meeting: dict[str, Any] | None = None
    participants: list[dict[str, Any]] = field(default_factory=list)
    agreements: Listed = field(default_factory=Listed)
    for_signature: Listed = field(default_factory=Listed)
    commitments: list[Commitment] = field(default_factory=list)
    commitments_more: int = 0
    overdue: Listed = field(default_factory=Listed)
    upcoming: Listed = field(default_factory=Listed)
    meetings_ahead: list[dict[str, Any]] = field(default_factory=list)
    meetings_recent: list[dict[str, Any]] = field(default_factory=list)
    levels: set[str] = field(default_factory=set)
    records: int = 0  # records printed

    @property
    def level(self) -> str:
        return max(self.levels, key=CLASSIFICATION_RANK.get) if self.levels else "public"


class _Reader:
    def __init__(self, repo, options: BriefingOptions, progress: Progress):
        self.repo, self.o, self.progress = repo, options, progress
        self.limit = CLASSIFICATION_RANK[options.max_classification]
        self.levels: set[str] = set()

    def shown(self, record: dict[str, Any]) -> dict[str, Any]:
        """``record`` is printed: its level counts for the marking."""
        self.levels.add(record.get("classification") or "internal")
        return record

    def visible(self, kind: Kind, record_id: int | None) -> dict[str, Any] | None:
        """The live record if the briefing may show it, else None."""
        if record_id is None:
            return None
        try:
            rec = self.repo.get(kind.name, record_id)
        except NotFound:
            return None
        level = rec.get("classification") or "internal"
        if rec.get("deleted_at") or CLASSIFICATION_RANK.get(level, 2) > self.limit:
            return None
        return rec

    def highest_level(self, kind: Kind) -> None:
        """Figures count a kind's records up to the limit: the highest level among them
        counts for the marking."""
        previous = 0
        for level in LEVELS[: self.limit + 1]:
            n = self.repo.count(kind.name, max_classification=level)
            if n > previous:
                self.levels.add(level)
            previous = n

    def rows(self, kind: Kind, columns: list[str], status: str | None = None):
        """Every live record of a kind up to the limit, a page at a time."""
        offset = 0
        while True:
            self.progress.check_cancel()
            page = self.repo.list(kind.name, status=status, columns=["classification", *columns],
                                  max_classification=self.o.max_classification,
                                  limit=PAGE_ROWS, offset=offset)
            yield from page
            self.progress.advance(len(page))
            if len(page) < PAGE_ROWS:
                return
            offset += PAGE_ROWS

    def listed(self, kind: Kind, status: str | None = None, limit: int = LONG_LIST) -> Listed:
        rows = self.repo.list(kind.name, status=status, limit=limit,
                              max_classification=self.o.max_classification)
        total = self.repo.count(kind.name, status=status,
                                max_classification=self.o.max_classification)
        return Listed([self.shown(r) for r in rows], max(0, total - len(rows)))


def gather_brief(repo, options: BriefingOptions, brief: Brief, today: _dt.date,
                 progress: Progress | None = None) -> BriefFacts:
    """Read what a note (``options.template == "note"``) or a visit brief shows."""
    progress = progress or Progress()
    reader = _Reader(repo, options, progress)
    progress.estimate(200)
    figures = repo.figures(today, max_classification=options.max_classification,
                           limit=SHORT_LIST)
    facts = BriefFacts(today=today, settings=repo.settings(), figures=figures, brief=brief)
    reader.levels.add(brief.classification)
    facts.contact = _contact(reader, brief)
    if options.template == "visit":
        _visit(reader, facts, options.meeting_id, today)
    else:
        _note(reader, facts)
    facts.levels = reader.levels
    progress.advance(20)
    return facts


def _contact(reader: _Reader, brief: Brief) -> dict[str, Any] | None:
    people = get_kind(MEETINGS_KIND.field(MEETINGS_KIND.occasion.participants).target)
    person = reader.visible(people, brief.contact_id)
    return reader.shown(person) if person is not None else None


def _note(reader: _Reader, facts: BriefFacts) -> None:
    """The key figures (and what they count), the overdue and upcoming deadlines, the meetings
    ahead and the recent ones."""
    f = facts.figures
    for name in (*feeding_kinds(), MEETINGS_KIND.name):
        reader.highest_level(get_kind(name))
    for key, target in (("overdue", facts.overdue), ("deadlines", facts.upcoming)):
        for item in f.get(key) or []:
            rec = reader.visible(DEADLINES_KIND, item["id"])
            if rec is not None:
                target.rows.append(reader.shown(rec))
    facts.overdue.more = max(0, f[_overdue_key()] - len(facts.overdue.rows))
    facts.upcoming.more = max(0, (f.get("deadlines_total") or 0) - len(facts.upcoming.rows))
    for key, target in (("upcoming_meetings", facts.meetings_ahead),
                        ("recent_meetings", facts.meetings_recent)):
        for item in (f.get(key) or [])[:MEETINGS_AHEAD]:
            rec = reader.visible(MEETINGS_KIND, item["id"])
            if rec is not None:
                target.append(_with_people(reader, reader.shown(rec)))
    facts.records = (len(facts.overdue.rows) + len(facts.upcoming.rows)
                     + len(facts.meetings_ahead) + len(facts.meetings_recent))


def _overdue_key() -> str:
    from tracker.model import OVERDUE
    from tracker.model.figures import figure_for

    return figure_for(DEADLINES_KIND.name, OVERDUE).key


def _with_people(reader: _Reader, meeting: dict[str, Any]) -> dict[str, Any]:
    """The meeting with ``people``: its participants the briefing may show, in order."""
    field_name = MEETINGS_KIND.occasion.participants
    people = get_kind(MEETINGS_KIND.field(field_name).target)
    shown = []
    for pid in meeting.get(field_name) or []:
        person = reader.visible(people, pid)
        if person is not None:
            shown.append(reader.shown(person))
    return {**meeting, "people": shown}


def _visit(reader: _Reader, facts: BriefFacts, meeting_id: int | None,
           today: _dt.date) -> None:
    meeting = reader.visible(MEETINGS_KIND, meeting_id)
    if meeting is None:
        raise BriefingError(_(
            "{kind} {id}: no such record, or it is classified above this briefing's limit"
        ).format(kind=MEETINGS_KIND.name, id=meeting_id))
    facts.meeting = _with_people(reader, reader.shown(meeting))
    facts.participants = facts.meeting["people"]
    facts.agreements = reader.listed(AGREEMENTS_KIND)
    signing = [reader.listed(AGREEMENTS_KIND, status) for status in FOR_SIGNATURE]
    facts.for_signature = Listed([r for part in signing for r in part.rows],
                                 sum(part.more for part in signing))
    facts.commitments, facts.commitments_more = _commitments(reader, meeting, today)
    facts.records = (1 + len(facts.participants) + len(facts.agreements.rows)
                     + len(facts.for_signature.rows) + len(facts.commitments))


def earlier(meeting: dict[str, Any], visited: dict[str, Any]) -> bool:
    """``meeting`` is the visited one, or certainly came before it (see the module's notes)."""
    occasion = MEETINGS_KIND.occasion
    if meeting["id"] == visited["id"]:
        return True
    if meeting.get("status") not in (occasion.planned, occasion.held):
        return False  # cancelled: nothing was agreed there
    start, other = meeting.get(occasion.start), visited.get(occasion.start)
    if start and other:
        return start < other
    return meeting.get("status") == occasion.held and visited.get("status") == occasion.planned


def _commitments(reader: _Reader, visited: dict[str, Any], today: _dt.date
                 ) -> tuple[list[Commitment], int]:
    """Road-map items agreed at the visited meeting or an earlier one: overdue first, then by
    the meeting's date and the due date; at most LONG_LIST (and how many more)."""
    occasion, deadline = MEETINGS_KIND.occasion, DEADLINES_KIND.deadline
    meetings = {m["id"]: m for m in reader.rows(
        MEETINGS_KIND, ["id", "title", occasion.start, "status"]) if earlier(m, visited)}
    columns = ["id", "title", "status", deadline.agreed_at, deadline.field, *deadline.owners,
               *([deadline.progress] if deadline.progress else [])]
    found = [Commitment(item, meetings[item[deadline.agreed_at]],
                        DEADLINES_KIND.is_overdue(item, today))
             for item in reader.rows(DEADLINES_KIND, columns)
             if item.get(deadline.agreed_at) in meetings]
    found.sort(key=lambda c: (not c.overdue, c.meeting.get(occasion.start) or "9999",
                              c.item.get(deadline.field) or "9999", c.item["id"]))
    shown = found[:LONG_LIST]
    for c in shown:
        reader.shown(c.item)
        reader.shown(c.meeting)
    return shown, len(found) - len(shown)
