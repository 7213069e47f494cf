"""A briefing note: one or two pages a minister reads. The heading block, the purpose, a summary
of the key figures in a few lines, the background, where things stand (the road map by status,
the deadlines that matter, the meetings ahead and the last ones) in small tables, the issues,
the recommendation with the reader's boxes, the next steps and the contact officer. Anything
longer belongs in the annex (the full data briefing), added only when asked for."""

from __future__ import annotations

from tracker.briefing import narrative as n
from tracker.briefing.blocks import Block, BulletList, Heading, Item, Paragraph
from tracker.briefing.facts import BriefFacts
from tracker.briefing.options import BriefingOptions
from tracker.briefing.sections import level_label
from tracker.briefing.text import clean, one_line
from tracker.i18n import _, format_date, ngettext
from tracker.model import OVERDUE
from tracker.model.figures import (
    DEADLINES_KIND,
    KEY_FIGURES,
    MEETINGS_KIND,
    by_status_key,
    figure_for,
    total_key,
)


def compose_note(facts: BriefFacts, options: BriefingOptions, subject: str, marking: str
                 ) -> list[Block]:
    """The note's body, in the order a reader meets it."""
    brief = facts.brief
    purpose = brief.text("purpose") or options.purpose
    return [
        n.title(_("Briefing note")),
        *n.heading_block(facts, subject, marking),
        *n.section(_("Purpose"), n.paragraphs(purpose)),
        *summary(facts, options),
        *n.written(brief, "objectives", as_points=True),
        *n.written(brief, "points", as_points=True),
        *n.written(brief, "if_raised", as_points=True, leads=True),
        *n.background(brief),
        *where_things_stand(facts, options),
        *n.written(brief, "issues"),
        *n.recommendation(brief),
        *n.written(brief, "next_steps", as_points=True),
        *n.contact(facts),
    ]


def figure_value(f: dict, fig) -> str:
    value = f[fig.key]
    if fig.total is None:
        return str(value)
    total = f[fig.total]
    if fig.percent:
        return _("{n} of {total} ({percent}%)").format(
            n=value, total=total, percent=round(100 * value / total) if total else 0)
    return _("{n} of {total}").format(n=value, total=total)


def summary(facts: BriefFacts, options: BriefingOptions) -> list[Block]:
    """The key figures that say something (a figure of zero only when it is an alert), the
    next meeting or else the last one, as points."""
    f = facts.figures
    items = [Item(figure_value(f, fig), _(fig.label) + ":") for fig in KEY_FIGURES
             if fig.kind != DEADLINES_KIND.name and (f[fig.key] or fig.alert)]
    items += road_map_point(f)
    start = MEETINGS_KIND.occasion.start
    for lead, meetings in ((_("Next meeting:"), facts.meetings_ahead),
                           (_("Last meeting held:"), facts.meetings_recent)):
        if meetings:
            m = meetings[0]
            parts = [format_date(m.get(start)) if m.get(start) else "", one_line(m["title"]),
                     one_line(m.get("place"))]
            items.append(Item(" — ".join(p for p in parts if p), lead))
            break
    intro = _("As of {date}, counting the records up to “{level}”.").format(
        date=format_date(facts.today), level=level_label(options.max_classification))
    return [Heading(_("Summary")), Paragraph(clean(intro), "small"),
            BulletList(tuple(Item(clean(i.text), clean(i.lead)) for i in items))]


def road_map_point(f: dict) -> list[Item]:
    """The road map in one line: its items by status (those there are) and how many are
    overdue."""
    kind = DEADLINES_KIND
    total = f[total_key(kind.name)]
    if not total:
        return []
    by_status = f.get(by_status_key(kind.name)) or {}
    parts = [f"{_(label).lower()} {by_status[v]}" for v, label in kind.field("status").choices
             if by_status.get(v)]
    overdue = f[figure_for(kind.name, OVERDUE).key]
    late = ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue) if overdue \
        else _("none overdue")
    text = ngettext("{n} item", "{n} items", total).format(n=total)
    return [Item(f"{text} ({', '.join(parts)}); {late}", _(kind.plural) + ":")]


def where_things_stand(facts: BriefFacts, options: BriefingOptions) -> list[Block]:
    """The deadlines that matter and the meetings: a few rows each."""
    return [Heading(_("Where things stand")), *deadlines(facts, options), *meetings(facts)]


def deadlines(facts: BriefFacts, options: BriefingOptions) -> list[Block]:
    """The first overdue items and the first due in the next 90 days."""
    kind = DEADLINES_KIND
    due, progress = kind.deadline.field, kind.deadline.progress
    rows, alerts = [], []
    for item in facts.overdue.rows + facts.upcoming.rows:
        if kind.is_overdue(item, facts.today):
            alerts.append(len(rows))
        rows.append((n.cell(item["title"]), format_date(item.get(due)),
                     kind.status_label(item.get("status")),
                     str(item.get(progress) or 0) if progress else ""))
    blocks: list[Block] = [Heading(_("Deadlines"), 2)]
    if not rows:
        return [*blocks, Paragraph(_("Nothing is overdue or due in the next 90 days."))]
    blocks.append(n.table((_(kind.label), _(kind.field(due).label), _("Status"),
                           _(kind.field(progress).label) if progress else ""),
                          rows, ("text", "date", "choice", "int"), alert_rows=alerts))
    later = facts.overdue.more + facts.upcoming.more
    if later:
        where = (_("the annex lists them all") if options.with_annex
                 else _("the full data briefing lists them all"))
        blocks.append(Paragraph(ngettext(
            "… and {n} more item overdue or due soon: {where}.",
            "… and {n} more items overdue or due soon: {where}.", later).format(
                n=later, where=where), "small"))
    return blocks


def meetings(facts: BriefFacts) -> list[Block]:
    """The meetings ahead and the last ones held, with their participants."""
    kind = MEETINGS_KIND
    start = kind.occasion.start
    rows = []
    for m in facts.meetings_ahead + facts.meetings_recent:
        people = "; ".join(one_line(p["title"]) for p in m.get("people", []))
        rows.append((format_date(m.get(start)) if m.get(start) else n.DASH,
                     n.cell(m["title"]), n.cell(m.get("place")), kind.status_label(
                         m.get("status")), n.cell(people)))
    blocks: list[Block] = [Heading(_(kind.plural), 2)]
    if not rows:
        return [*blocks, Paragraph(_("No meetings are planned or recorded as held."))]
    return [*blocks, n.table(
        (_(kind.field(start).label), _(kind.title_label), _(kind.field("place").label),
         _("Status"), _(kind.field(kind.occasion.participants).label)),
        rows, ("date", "text", "text", "choice", "text"), keep=(0, 1))]
