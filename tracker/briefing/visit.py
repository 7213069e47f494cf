"""A visit brief, for one meeting: the objectives first, then the programme, the participants
(position, organisation, the name in the other language, a short biography), the points to
make and the lines to take if a subject is raised, the background (what may be used and what
must not be disclosed), the agreements between the sides and their status, the commitments of
earlier meetings and how far each has been carried out, the documents for signature, the open
issues, the recommendation and the next steps."""

from __future__ import annotations

from tracker.briefing import narrative as n
from tracker.briefing.blocks import (
    Block,
    BulletList,
    Heading,
    Item,
    KeyValue,
    KeyValueTable,
    Paragraph,
)
from tracker.briefing.facts import BriefFacts
from tracker.briefing.text import clean, one_line
from tracker.i18n import _, format_date, ngettext
from tracker.model import DATE, get_kind
from tracker.model.figures import AGREEMENTS_KIND, DEADLINES_KIND, MEETINGS_KIND


def compose_visit(facts: BriefFacts, subject: str, marking: str) -> list[Block]:
    """The visit brief's body, the objectives first ("the most important part")."""
    brief, meeting = facts.brief, facts.meeting
    return [
        n.title(_("Visit brief")),
        *n.heading_block(facts, subject, marking, extra=() if subject == n.cell(
            meeting["title"]) else ((_(MEETINGS_KIND.label), one_line(meeting["title"])),)),
        *n.written(brief, "objectives", as_points=True),
        *n.section(_("Purpose"), n.paragraphs(brief.text("purpose"))),
        *programme(facts),
        *participants(facts),
        *n.written(brief, "points", as_points=True),
        *n.written(brief, "if_raised", as_points=True, leads=True),
        *n.background(brief),
        *agreements(facts),
        *commitments(facts),
        *for_signature(facts),
        *open_issues(facts),
        *n.recommendation(brief),
        *n.written(brief, "next_steps", as_points=True),
        *n.contact(facts),
    ]


def programme(facts: BriefFacts) -> list[Block]:
    """Type, dates, place, level and status (and the outcomes once it is held)."""
    kind, m = MEETINGS_KIND, facts.meeting
    start = kind.occasion.start
    end = next((b for a, b in kind.date_pairs if a == start), None)
    rows = [(_(kind.title_label), one_line(m["title"])),
            (_(kind.field("type").label), n.choice(kind, "type", m.get("type"))),
            (_("Dates"), n.date_range(m.get(start), m.get(end) if end else None)
             or _("not set")),
            (_(kind.field("place").label), one_line(m.get("place"))),
            (_(kind.field("level").label), n.choice(kind, "level", m.get("level"))),
            (_("Status"), kind.status_label(m.get("status")))]
    if m.get("outcomes"):
        rows.append((_(kind.field("outcomes").label), clean(m["outcomes"])))
    return [Heading(_("Programme")), KeyValueTable(
        tuple(KeyValue(label, value) for label, value in rows if value), style="memo")]


def participants(facts: BriefFacts) -> list[Block]:
    """Who takes part, as the records name them, then their biographies."""
    people = get_kind(MEETINGS_KIND.field(MEETINGS_KIND.occasion.participants).target)
    blocks: list[Block] = [Heading(_(MEETINGS_KIND.field(
        MEETINGS_KIND.occasion.participants).label))]
    if not facts.participants:
        return [*blocks, Paragraph(_("No participants are recorded for this meeting."))]
    rows = []
    for p in facts.participants:
        name = one_line(p["title"])
        if p.get("name_other"):
            name += f" / {one_line(p['name_other'])}"
        rows.append((name, n.cell(p.get("position")), n.cell(p.get("organisation")),
                     n.cell(p.get("country")), n.choice(people, "side", p.get("side"))))
    blocks.append(n.table((_(people.title_label), _(people.field("position").label),
                           _(people.field("organisation").label),
                           _(people.field("country").label), _(people.field("side").label)),
                          rows, ("text", "text", "text", "text", "choice")))
    lives = [p for p in facts.participants if (p.get("biography") or "").strip()]
    if lives:
        blocks.append(Heading(_(people.field("biography").label), 2))
        for p in lives:
            who = ", ".join(one_line(x) for x in (p["title"], p.get("position")) if x)
            blocks += [Paragraph(who, "lead"), *n.paragraphs(p["biography"])]
    return blocks


def agreements(facts: BriefFacts) -> list[Block]:
    """The agreements between the sides the briefing may show, with their status."""
    kind = AGREEMENTS_KIND
    blocks: list[Block] = [Heading(_("Agreements between the sides"))]
    if not facts.agreements.rows:
        return [*blocks, Paragraph(_("No agreements are recorded."))]
    names = ("title", "type", "status", "signed_on", "in_force_on", "expires_on")
    rows = [tuple(_value(kind, name, a.get(name)) for name in names)
            for a in facts.agreements.rows]
    blocks.append(n.table(tuple(_(kind.field(name).label) for name in names), rows,
                          ("text", "choice", "choice", "date", "date", "date"), keep=(0, 2)))
    more = facts.agreements.more
    if more:
        blocks.append(Paragraph(ngettext("… and {n} more agreement.",
                                         "… and {n} more agreements.", more).format(n=more),
                                "small"))
    return blocks


def _value(kind, name: str, value) -> str:
    f = kind.field(name)
    if value in (None, ""):
        return ""
    if f.type == DATE:
        return format_date(value)
    if f.choices:
        return f.choice_label(value)
    return n.cell(value)


def commitments(facts: BriefFacts) -> list[Block]:
    """Road-map items agreed at this meeting or an earlier one: the lead on each side, the due
    date, how far each is carried out; overdue ones first, in red."""
    kind, deadline = DEADLINES_KIND, DEADLINES_KIND.deadline
    start = MEETINGS_KIND.occasion.start
    blocks: list[Block] = [Heading(_("Commitments from earlier meetings"))]
    if not facts.commitments:
        return [*blocks, Paragraph(_("No road-map item is recorded as agreed at this meeting "
                                     "or an earlier one."))]

    def held(meeting) -> str:
        when = f" ({format_date(meeting[start])})" if meeting.get(start) else ""
        return one_line(meeting["title"]) + when

    one = len({c.meeting["id"] for c in facts.commitments}) == 1
    blocks.append(Paragraph(
        _("Road-map items agreed at {meeting}.").format(meeting=held(
            facts.commitments[0].meeting)) if one else
        _("Road-map items agreed at this meeting or at one held before it."), "small"))
    header = (_(kind.label), _(kind.field(deadline.agreed_at).label),
              _("Leads: home / partner side"), _(kind.field(deadline.field).label),
              _(kind.field(deadline.progress).label), _("Status"))
    rows, alerts = [], []
    for i, c in enumerate(facts.commitments):
        item = c.item
        status = kind.status_label(item.get("status"))
        if c.overdue:
            alerts.append(i)
            status = _("{status}, overdue").format(status=status)
        rows.append((n.cell(item["title"]), "" if one else n.cell(held(c.meeting)),
                     " / ".join(n.cell(item.get(o)) or n.DASH for o in deadline.owners),
                     format_date(item.get(deadline.field)) or n.DASH,
                     str(item.get(deadline.progress) or 0), status))
    types = ("text", "text", "text", "date", "int", "choice")
    keep = tuple(c for c in range(len(header)) if c != 1 or not one)
    blocks.append(n.table(header, rows, types, keep=keep, alert_rows=alerts))
    if facts.commitments_more:
        blocks.append(Paragraph(ngettext(
            "… and {n} more commitment.", "… and {n} more commitments.",
            facts.commitments_more).format(n=facts.commitments_more), "small"))
    return blocks


def for_signature(facts: BriefFacts) -> list[Block]:
    """Agreements in draft or under negotiation."""
    kind = AGREEMENTS_KIND
    blocks: list[Block] = [Heading(_("Documents for signature"))]
    if not facts.for_signature.rows:
        return [*blocks, Paragraph(_("No agreement is in draft or under negotiation."))]
    names = ("title", "type", "status", "parties")
    rows = [tuple(_value(kind, name, a.get(name)) for name in names)
            for a in facts.for_signature.rows]
    blocks.append(n.table(tuple(_(kind.field(name).label) for name in names), rows,
                          ("text", "choice", "choice", "text"), keep=(0, 2)))
    more = facts.for_signature.more
    if more:
        blocks.append(Paragraph(ngettext("… and {n} more agreement.",
                                         "… and {n} more agreements.", more).format(n=more),
                                "small"))
    return blocks


def open_issues(facts: BriefFacts) -> list[Block]:
    """The desk's issues and risks, and what the records say needs attention."""
    blocks = n.paragraphs(facts.brief.text("issues"))
    late = sum(1 for c in facts.commitments if c.overdue)
    found = []
    if late:
        found.append(Item(ngettext("{n} commitment from an earlier meeting is overdue.",
                                   "{n} commitments from earlier meetings are overdue.",
                                   late).format(n=late)))
    if not blocks and not found:
        return []
    return [Heading(_("Open issues")), *blocks, *([BulletList(tuple(found))] if found else [])]
