"""The parts a briefing note and a visit brief share: the title and the heading block (to, from,
date, subject, marking, critical date), the desk's own text as paragraphs or points, the
recommendation with the reader's boxes, the contact officer, and tables that leave out the
columns empty in every row. Pure functions of the gathered facts; the text is the desk's, as
typed (cleaned of control characters, never interpreted)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tracker.briefing.blocks import (
    Block,
    BulletList,
    ColumnType,
    Decision,
    Heading,
    Item,
    KeyValue,
    KeyValueTable,
    Paragraph,
    RecordTable,
    Title,
)
from tracker.briefing.brief import Brief
from tracker.briefing.facts import BriefFacts
from tracker.briefing.text import clean, one_line
from tracker.i18n import _, format_date
from tracker.model import Kind
from tracker.model.figures import BRIEFS_KIND

#: A bullet a desk officer typed at the start of a line (taken off: the list draws its own).
_BULLET = re.compile(r"^\s*(?:[-–—•*·▪]|\d{1,2}[.)])\s+")
LEAD_LIMIT = 80  # "subject: line" splits at the colon when the subject is this short
DASH = "—"


def label(name: str) -> str:
    """The brief's field ``name`` as the form labels it."""
    return _(BRIEFS_KIND.field(name).label)


def heading_block(facts: BriefFacts, subject: str, marking: str,
                  extra: Sequence[tuple[str, str]] = ()) -> list[Block]:
    """The memo's heading: to, from, date, subject (and ``extra`` rows), marking, critical
    date with its reason. Rows with nothing to say are left out."""
    brief = facts.brief
    rows = [(label("addressee"), brief.addressee), (_("From"), brief.drafted_by),
            (_("Date"), format_date(facts.today)), (_("Subject"), subject), *extra,
            (_("Classification"), marking)]
    if brief.critical_date or brief.critical_reason.strip():
        when = format_date(brief.critical_date) if brief.critical_date else ""
        rows.append((label("critical_date"), " — ".join(
            x for x in (when, one_line(brief.critical_reason)) if x)))
    return [KeyValueTable(tuple(KeyValue(clean(k), one_line(v)) for k, v in rows
                                if v and v.strip()), style="memo")]


def title(text: str) -> Title:
    return Title(one_line(text))


def paragraphs(text: str) -> list[Block]:
    """The desk's text: a paragraph per block of lines (a blank line between them)."""
    out: list[Block] = []
    for part in re.split(r"\n\s*\n", clean(text).strip()):
        lines = [line.rstrip() for line in part.split("\n")]
        body = "\n".join(line for line in lines if line.strip())
        if body:
            out.append(Paragraph(body))
    return out


def points(text: str, *, leads: bool = False) -> list[Block]:
    """The desk's text as points, one per line (a bullet typed at its start is dropped).
    ``leads``: "subject: line to take" puts the subject in bold before the line."""
    items = []
    for typed in clean(text).split("\n"):
        line = _BULLET.sub("", typed).strip()
        if not line:
            continue
        head, colon, rest = line.partition(":")
        if leads and colon and rest.strip() and 0 < len(head.strip()) <= LEAD_LIMIT:
            items.append(Item(" ".join(rest.split()), head.strip() + ":"))
        else:
            items.append(Item(" ".join(line.split())))
    return [BulletList(tuple(items))] if items else []


def section(heading: str, blocks: list[Block], level: int = 1) -> list[Block]:
    """``blocks`` under ``heading``; nothing at all when there are none."""
    return [Heading(heading, level), *blocks] if blocks else []


def written(brief: Brief, name: str, as_points: bool = False, leads: bool = False
            ) -> list[Block]:
    """One of the brief's fields under its label (nothing when it is empty)."""
    text = brief.text(name)
    if not text:
        return []
    return section(label(name), points(text, leads=leads) if as_points else paragraphs(text))


def background(brief: Brief) -> list[Block]:
    """What may be used, then what must not be disclosed (each only when written)."""
    blocks = written(brief, "background")
    secret = brief.text("background_secret")
    if secret:
        blocks += [Heading(label("background_secret")), Paragraph(
            _("For the reader only: not to be used with the other side."), "small"),
            *paragraphs(secret)]
    return blocks


def recommendation(brief: Brief) -> list[Block]:
    """The recommendation (the decision sought) and the reader's boxes under it."""
    text = brief.text("recommendation")
    if not text:
        return []
    return [Heading(label("recommendation")), *paragraphs(text),
            Decision((_("Agreed"), _("Not agreed"), _("Noted")))]


def contact(facts: BriefFacts) -> list[Block]:
    """The contact officer: name, position, organisation (as the person's record says)."""
    person = facts.contact
    if person is None:
        return []
    parts = [person.get("title"), person.get("position"), person.get("organisation")]
    return [Heading(label("contact_id")),
            Paragraph(one_line(", ".join(p for p in parts if p)))]


def cell(value) -> str:
    return one_line(value, 500) if value not in (None, "") else ""


def table(header: Sequence[str], rows: Sequence[Sequence[str]], types: Sequence[ColumnType],
          *, keep: Sequence[int] = (0,), alert_rows: Sequence[int] = ()) -> RecordTable:
    """A table without the columns empty in every row (those in ``keep`` stay); the rows in
    ``alert_rows`` need attention (red)."""
    columns = [c for c in range(len(header)) if c in keep or any(r[c] for r in rows)]
    return RecordTable(
        tuple(header[c] for c in columns), tuple(tuple(r[c] for c in columns) for r in rows),
        tuple(types[c] for c in columns),
        alert_cells=tuple((r, c) for r in alert_rows for c in range(len(columns))))


def choice(kind: Kind, name: str, value) -> str:
    return kind.field(name).choice_label(value) if value else ""


def date_range(start: str | None, end: str | None) -> str:
    if start and end and end != start:
        return f"{format_date(start)} – {format_date(end)}"
    return format_date(start) if start else ""
