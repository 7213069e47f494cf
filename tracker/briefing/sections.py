"""From the gathered data to a :class:`~tracker.briefing.blocks.Document`: one pure function per
section (no repository, no renderer). Every figure, list and table comes from the declarations
(``tracker.model``: kinds, fields, key figures, a kind's deadline and meetings), never from a
kind's name.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from tracker.briefing.blocks import (
    Bar,
    BarChart,
    Block,
    Citation,
    ColumnType,
    Cover,
    Document,
    Footnote,
    Heading,
    KeyValue,
    KeyValueTable,
    Meta,
    Paragraph,
    RecordTable,
    Source,
    SourceList,
    Timeline,
    TimelineGroup,
    TimelineMark,
    TimelineRow,
)
from tracker.briefing.errors import BriefingError
from tracker.briefing.gather import BriefingData, TimelineData
from tracker.briefing.measures import measure_section
from tracker.briefing.options import MARKINGS, BriefingOptions
from tracker.briefing.progress import Progress
from tracker.briefing.text import (
    CELL_LIMIT,
    QUOTE_LIMIT,
    clean,
    notes_text,
    one_line,
    superscript,
)
from tracker.i18n import _, format_date, ngettext
from tracker.model import (
    CHOICE,
    CLASSIFICATIONS,
    DATE,
    INTEGER,
    KINDS,
    OVERDUE,
    SOURCE_KIND,
    Field,
    Kind,
    get_kind,
)
from tracker.model import timeline as tl
from tracker.model.attachments import format_size
from tracker.model.figures import (
    DEADLINES_KIND,
    MEETINGS_KIND,
    by_status_key,
    figure_for,
    overdue_by_status_key,
    shown_beside,
    total_key,
)

LIST_LIMIT = 50  # overdue / upcoming rows listed when the Road map section shows them all
SECTION_WORK = 10  # progress units of a section of figures, lists or sources
#: The road-map status chart's colours, in the order the statuses are declared.
STATUS_COLOURS = ("#7f8ea3", "#2f6fb3", "#2e8b57", "#b0b6bf")
_COLUMN_TYPES: dict[str, ColumnType] = {DATE: "date", CHOICE: "choice", INTEGER: "int"}


# --- the document ---------------------------------------------------------------------------------

def compose(data: BriefingData, options: BriefingOptions, progress: Progress | None = None
            ) -> Document:
    """The whole briefing: metadata, cover and body (purpose first, the sections in order, the
    sources appendix last). ``progress`` is checked for a cancel before each section and
    advanced as sections of figures, lists and sources are composed (a kind's rows count when
    they are rendered)."""
    progress = progress or Progress()
    body: list[Block] = []
    if options.purpose:  # briefing-note structure: the purpose comes first
        body += [Heading(_("Purpose")), Paragraph(clean(options.purpose))]
    for section in options.sections:
        progress.check_cancel()
        make = SECTION_BUILDERS.get(section)
        if make is None and get_kind(section).measure is not None:  # indicators: charts
            body += measure_section(get_kind(section), data.rows.get(section, []), options)
        elif make is None:
            body += kind_section(get_kind(section), data, options)
        else:
            body += make(data, options)
            # Units as the build has always counted them: a chart with no bars adds none.
            if make is not chart or data.figures[total_key(DEADLINES_KIND.name)]:
                progress.advance(SECTION_WORK)
    if options.include_sources:
        body += appendix(data, options)
        if data.appendix:
            progress.advance(SECTION_WORK)
    return Document(meta=meta(data, options), cover=cover(data, options),
                    contents_title=_("Contents"), body=tuple(body))


def sides(settings: dict[str, str]) -> str:
    """The relationship as the settings name it ("Belarus – Kazakhstan")."""
    if settings.get("relationship_title"):
        return settings["relationship_title"]
    home, partner = settings.get("home_country", ""), settings.get("partner_country", "")
    return " – ".join(x for x in (home, partner) if x)


def level_label(level: str) -> str:
    return _(dict(CLASSIFICATIONS)[level])


def marking_style(settings: dict[str, str], options: BriefingOptions) -> str:
    """Where the marking goes: the options' choice, else the database's setting (banner)."""
    style = options.marking or (settings.get("marking_style") or "").strip().lower() or "banner"
    if style not in MARKINGS:
        raise BriefingError(_("the setting marking_style is {value!r}; set it to one of: "
                              "{choices}").format(value=style[:40], choices=", ".join(MARKINGS)))
    return style


def marking_text(level: str, settings: dict[str, str], style: str) -> str:
    """The marking of a briefing at ``level``: the restricted level's label from the settings
    (as typed) when set, else the level's name (in capitals on a banner)."""
    custom = one_line(settings.get("restricted_label"), 120) if level == "restricted" else ""
    if custom:
        return custom
    label = one_line(level_label(level))
    return label.upper() if style == "banner" else label


def meta(data: BriefingData, options: BriefingOptions, title: str | None = None) -> Meta:
    title = title or options.title or _("Briefing")
    both = sides(data.settings)
    style = marking_style(data.settings, options)
    return Meta(
        title=one_line(title), sides=one_line(both), author=one_line(options.prepared_by),
        subject=one_line(_("Briefing: {sides}").format(sides=both) if both else title),
        marking=marking_text(data.level, data.settings, style), level=data.level,
        date=format_date(data.today), today=data.today, language=options.language,
        paper=options.paper, marking_style=style, copies=options.copies)


def cover(data: BriefingData, options: BriefingOptions) -> Cover:
    o = options
    both = sides(data.settings)
    facts = [_("As of {date}").format(date=format_date(data.today))]
    if o.prepared_by:
        facts.append(_("Prepared by {name}").format(name=o.prepared_by))
    facts.append(_("Classification: {level}").format(level=level_label(data.level)))
    notes = [_("Records classified above “{level}” are left out.").format(
        level=level_label(o.max_classification))]
    if o.date_from or o.date_to:
        notes.append(_("Records dated from {start} to {end}.").format(
            start=format_date(o.date_from) if o.date_from else "…",
            end=format_date(o.date_to) if o.date_to else "…"))
    if o.statuses:
        parts = []
        for key, values in o.statuses.items():
            kind = KINDS.get(key)
            labels = [kind.status_label(v) if kind else _status_any_label(v) for v in values]
            parts.append((_(kind.plural) if kind else _("all kinds")) + ": " + ", ".join(labels))
        notes.append(_("Statuses: {list}.").format(list="; ".join(parts)))
    return Cover(marking=marking_text(data.level, data.settings, "banner"),
                 title=clean(o.title or _("Briefing")),
                 sides=clean(both) if both else None,
                 facts=tuple(clean(f) for f in facts), notes=tuple(clean(n) for n in notes))


def _status_any_label(value: str) -> str:
    for kind in KINDS.values():
        for v, label in kind.statuses:
            if v == value:
                return _(label)
    return value


# --- sections of figures and lists ----------------------------------------------------------------

def summary(data: BriefingData, options: BriefingOptions) -> list[Block]:
    """The key figures (declared in ``tracker.model.figures``) and the next meeting."""
    f = data.figures
    nm = f.get("next_meeting")
    if nm:
        parts = [format_date(nm.get(MEETINGS_KIND.occasion.start)), one_line(nm.get("title"), 200)]
        if nm.get("place"):
            parts.append(one_line(nm["place"], 100))
        next_meeting = " — ".join(p for p in parts if p)
    else:
        next_meeting = _("none planned")
    rows = []
    for fig in shown_beside():
        n = f[fig.key]
        if fig.total is None:
            value = str(n)
        elif fig.percent:
            total = f[fig.total]
            value = _("{n} of {total} ({percent}%)").format(
                n=n, total=total, percent=round(100 * n / total) if total else 0)
        else:
            value = _("{n} of {total}").format(n=n, total=f[fig.total])
        late = int((f.get(overdue_by_status_key(fig.kind)) or {}).get(fig.status, 0)) \
            if fig.status else 0
        if late:  # the overdue ones are a part of their status, said with it
            value = f"{value} ({overdue_note(late)})"
        rows.append(KeyValue(clean(_(fig.label)), clean(value), bool(fig.alert and n or late)))
    rows.append(KeyValue(clean(_("Next meeting")), clean(next_meeting)))
    intro = _("Key figures as of {date}, counting every record up to “{level}”.").format(
        date=format_date(data.today), level=level_label(options.max_classification))
    return [Heading(_("Executive summary")), Paragraph(clean(intro)), KeyValueTable(tuple(rows))]


def overdue_note(n: int) -> str:
    """How many of a status's records are overdue, said after its count ("" when none)."""
    return ngettext("{n} of them overdue", "{n} of them overdue", n).format(n=n) if n else ""


def chart(data: BriefingData, options: BriefingOptions) -> list[Block]:
    """The deadline kind's records per status, and how many are overdue."""
    kind, f = DEADLINES_KIND, data.figures
    blocks: list[Block] = [Heading(_("Road-map status"))]
    if not f[total_key(kind.name)]:
        return [*blocks, Paragraph(_("There are no road-map items."))]
    overdue = f[figure_for(kind.name, OVERDUE).key]
    by_status = f.get(by_status_key(kind.name)) or {}
    late = f.get(overdue_by_status_key(kind.name)) or {}
    status = kind.field("status")
    # the overdue items are a part of their status's bar (red), not a bar beside it
    bars = [Bar(_(label), int(by_status.get(v, 0)), STATUS_COLOURS[i % len(STATUS_COLOURS)],
                part=int(late.get(v, 0)), note=overdue_note(int(late.get(v, 0))))
            for i, (v, label) in enumerate(status.choices)]
    return [*blocks, BarChart(tuple(bars)), Paragraph(ngettext(
        "{n} open item is overdue (past its due date and neither done nor cancelled).",
        "{n} open items are overdue (past their due date and neither done nor cancelled).",
        overdue).format(n=overdue), "small")]


def deadlines(data: BriefingData, options: BriefingOptions) -> list[Block]:
    """The deadline kind's overdue items, then those due in the next 90 days."""
    kind, f, today = DEADLINES_KIND, data.figures, data.today
    status, due, progress = kind.field("status"), kind.deadline.field, kind.deadline.progress
    # When the Road map section lists every item (overdue ones in red), these lists show the
    # first LIST_LIMIT only; otherwise they are the only place and are shown whole.
    limit = (LIST_LIMIT if kind.name in options.sections and not (
        options.statuses_for(kind.name) or options.date_from or options.date_to) else None)
    blocks: list[Block] = [Heading(_("Overdue and upcoming deadlines")), Heading(_("Overdue"), 2)]
    overdue = f.get("overdue") or []
    shown = overdue[:limit] if limit else overdue
    if shown:
        rows = tuple((one_line(item["title"], CELL_LIMIT), format_date(item[due]),
                      status.choice_label(item["status"]), str(item.get(progress) or 0),
                      str((today - _dt.date.fromisoformat(item[due][:10])).days))
                     for item in shown)
        blocks.append(RecordTable(
            (_("Road-map item"), _("Due date"), _("Status"), _("Progress, %"), _("Days overdue")),
            rows, ("text", "date", "choice", "int", "int"), alert=True))
        if len(overdue) > len(shown):
            blocks.append(Paragraph(ngettext(
                "… and {n} more overdue item: the Road map section lists every item, "
                "overdue ones in red.",
                "… and {n} more overdue items: the Road map section lists every item, "
                "overdue ones in red.", len(overdue) - len(shown)).format(
                    n=len(overdue) - len(shown)), "small"))
    else:
        blocks.append(Paragraph(_("Nothing is overdue.")))
    blocks.append(Heading(_("Due in the next 90 days"), 2))
    upcoming = f.get("deadlines") or []
    shown = upcoming[:limit] if limit else upcoming
    if shown:
        rows = tuple((one_line(item["title"], CELL_LIMIT), format_date(item[due]),
                      status.choice_label(item["status"]), str(item.get(progress) or 0))
                     for item in shown)
        blocks.append(RecordTable((_("Road-map item"), _("Due date"), _("Status"),
                                   _("Progress, %")), rows, ("text", "date", "choice", "int")))
        if len(upcoming) > len(shown):
            n = len(upcoming) - len(shown)
            blocks.append(Paragraph(ngettext(
                "… and {n} more item due in the next 90 days (see the Road map section).",
                "… and {n} more items due in the next 90 days (see the Road map section).",
                n).format(n=n), "small"))
    else:
        blocks.append(Paragraph(_("No deadlines in the next 90 days.")))
    return blocks


def contacts(data: BriefingData, options: BriefingOptions) -> list[Block]:
    """Upcoming and recent meetings with their participants."""
    kind = MEETINGS_KIND
    start, participants = kind.occasion.start, kind.occasion.participants
    level = kind.field("level")
    header = (_(kind.field(start).label), _(kind.title_label), _(kind.field("place").label),
              _(level.label), _(kind.field(participants).label))
    blocks: list[Block] = [Heading(_("High-level contacts"))]
    for group, title, empty in (
            ("upcoming", _("Upcoming"), _("No meetings are planned.")),
            ("recent", _("Recent"), _("No meetings have been held yet."))):
        blocks.append(Heading(title, 2))
        found = data.contacts.get(group)
        if found is None or not found.items:
            blocks.append(Paragraph(empty))
            continue
        rows = []
        for item in found.items:
            rec = item.record
            people = "; ".join(
                one_line(p["title"]) + (f" ({one_line(p['position'])})"
                                        if p.get("position") else "")
                for p in item.people)
            rows.append((format_date(rec.get(start)), one_line(rec["title"], CELL_LIMIT),
                         one_line(rec.get("place"), CELL_LIMIT),
                         level.choice_label(rec.get("level")), clean(people, CELL_LIMIT)))
        blocks.append(RecordTable(header, tuple(rows), ("date", "text", "text", "choice", "text")))
        if found.more:
            blocks.append(Paragraph(ngettext(
                "… and {n} more meeting.", "… and {n} more meetings.", found.more).format(
                    n=found.more), "small"))
    return blocks


def timeline(data: BriefingData, options: BriefingOptions) -> list[Block]:
    """The timeline section: its heading, what the figure shows, the figure, and what it
    leaves out (records past TIMELINE_LIMIT, said in numbers)."""
    t = data.timeline
    blocks: list[Block] = [Heading(_("Road-map timeline"))]
    if t is None or not t.total:
        return [*blocks, Paragraph(_("There are no road-map items."))]
    intro = _("Each bar runs from the planned start to the due date, filled as far as the item "
              "is carried out; a diamond: a due date only; a triangle: a start with no due date; "
              "red: overdue; the dashed line: today ({date}).").format(date=format_date(data.today))
    intro += " " + _("Grouped by: {group}.").format(
        group=_(t.kind.field(t.grouping.field).label))
    blocks += [Paragraph(clean(intro), "small"), timeline_figure(t, data.today)]
    notes = []
    if t.shown < t.total:
        where = (_("the Road map section lists every item.") if t.kind.name in options.sections
                 else _("a briefing with the Road map section lists every item."))
        notes.append(ngettext(
            "{shown} of {total} item is drawn: those whose dates are nearest to today (under "
            "way today first); {where}",
            "{shown} of {total} items are drawn: those whose dates are nearest to today (under "
            "way today first); {where}", t.total).format(
                shown=t.shown, total=t.total, where=where))
    undated_shown = sum(len(g.items) for g in t.groups if g.undated)
    if t.undated:
        text = ngettext("{n} item has no dates", "{n} items have no dates", t.undated).format(
            n=t.undated)
        if undated_shown == t.undated:
            text = _("{text}: listed last, under “No dates”.").format(text=text)
        elif undated_shown:
            text = _("{text}: {shown} of them listed last, under “No dates”.").format(
                text=text, shown=undated_shown)
        else:
            text = _("{text}: none of them is drawn.").format(text=text)
        notes.append(text)
    return [*blocks, *(Paragraph(clean(n), "small") for n in notes)]


#: A briefing's timeline reaches back this many years before today and on this many after:
#: bars beyond are cut at the edge (one date typed as 2099 must not squeeze the rest).
TIMELINE_YEARS = (10, 10)
#: Room (a fraction of the axis) a mark's label needs: a year's or a month's ("сент." at the
#: figure's size on A4, about 20 points of some 310).
TIMELINE_LABEL_ROOM = 0.07


def timeline_figure(t: TimelineData, today: _dt.date) -> Timeline:
    """The :class:`Timeline` block of a section's records (for any section or briefing that
    shows them: the road map, an annex, a visit brief)."""
    kind = t.kind
    drawn = [i for g in t.groups for i in g.items]
    axis = tl.axis_for(drawn, today, within=tl.years_around(today, *TIMELINE_YEARS))
    per_day = 1 / axis.days  # the axis is 1 wide
    marks = tl.ticks(axis, per_day, label_room=TIMELINE_LABEL_ROOM)

    def mark(ticks) -> tuple[TimelineMark, ...]:
        return tuple(TimelineMark(max(0.0, axis.fraction(m.at)), m.label) for m in ticks)

    def row(item: tl.Item) -> TimelineRow:
        shape = {tl.BAR: "bar", tl.DUE: "due", tl.START: "start"}.get(item.shape, "none")
        first, stop = item.first, item.stop
        return TimelineRow(
            tl.label(item.title), shape,
            None if first is None else round(axis.fraction(first), 6),
            None if stop is None else round(axis.fraction(stop), 6),
            item.progress, tl.colour(kind, item), item.overdue)

    line = axis.fraction(tl.today_at(today))
    legend = [(tl.STATUS_COLOURS[i % len(tl.STATUS_COLOURS)], _(label), "bar")
              for i, (_v, label) in enumerate(kind.statuses)]
    legend += [(tl.OVERDUE_COLOUR, _("Overdue"), "bar"), ("#55606e", _("Due date only"), "due"),
               ("#55606e", _("No due date"), "start")]
    return Timeline(
        header=one_line(_(kind.label)),
        groups=tuple(TimelineGroup(tl.label(g.label), tuple(row(i) for i in g.items))
                     for g in t.groups),
        upper=mark(marks.upper), lower=mark(marks.lower),
        today=round(line, 6) if 0 <= line <= 1 else None, today_label=_("Today"),
        undated=_("No dates"), legend=tuple(legend))


SECTION_BUILDERS: dict[str, Callable[[BriefingData, BriefingOptions], list[Block]]] = {
    "summary": summary,
    "chart": chart,
    "timeline": timeline,
    "deadlines": deadlines,
    "contacts": contacts,
}


# --- a kind's records and the sources -------------------------------------------------------------

def column_type(f: Field) -> ColumnType:
    return _COLUMN_TYPES.get(f.type, "text")


def _cell(f: Field, value) -> str:
    if value is None or value == "":
        return ""
    if f.type == DATE:
        return format_date(value)
    if f.type == CHOICE:
        return f.choice_label(value)
    return one_line(value, CELL_LIMIT)


def printed_columns(kind: Kind, rows: list[dict]) -> tuple[Field, ...]:
    """The kind's columns without those empty in every row printed (the title stays)."""
    return tuple(f for f in kind.columns if f.name == "title" or any(
        row.get(f.name) not in (None, "") for row in rows))


def leads(kind: Kind, rows: list[dict]) -> list[str] | None:
    """Who carries each record out, on each side ("home / partner", a dash for a side that
    names nobody), one cell per row; None when no row names anyone (or the kind has no
    such fields). One column for both sides: a table stays readable on a portrait page."""
    owners = kind.deadline.owners if kind.deadline else ()
    if not any(row.get(o) for row in rows for o in owners):
        return None
    return [" / ".join(one_line(row.get(o)) or "—" for o in owners)
            if any(row.get(o) for o in owners) else "" for row in rows]


def kind_section(kind: Kind, data: BriefingData, options: BriefingOptions) -> list[Block]:
    """A kind's records as a table of its columns (those empty in every row left out) and
    the leads on each side; overdue deadlines marked; each record's notes under the table
    after the footnote mark in its title."""
    rows = data.rows.get(kind.name, [])
    n = len(rows)
    blocks: list[Block] = [Heading(_(kind.plural)), Paragraph(
        ngettext("{n} record.", "{n} records.", n).format(n=n), "small")]
    if not rows:
        return [*blocks, Paragraph(_("No records match the options."))]
    columns = printed_columns(kind, rows)
    names = [c.name for c in columns]
    led = leads(kind, rows)
    body, alert_cells, notes = [], [], []
    same: dict[str, str] = {}  # one object for each repeated cell (dates, statuses, leads)
    for i, row in enumerate(rows):
        cells = [same.setdefault(c, c) for c in (_cell(f, row.get(f.name)) for f in columns)]
        text = notes_text(row.get("notes")) if options.include_notes else ""
        if text:
            mark = superscript(len(notes) + 1)
            notes.append(Footnote(mark, one_line(row["title"], 300), text))
            if "title" in names:  # a footnote mark: this record has notes below
                cells[names.index("title")] += " " + mark
        if kind.is_overdue(row, data.today) and kind.deadline.field in names:
            alert_cells.append((i, names.index(kind.deadline.field)))
        if led:
            cells.append(same.setdefault(lead := clean(led[i], CELL_LIMIT), lead))
        body.append(tuple(cells))
    header = tuple(_(f.label) for f in columns) + ((_("Leads: home / partner side"),)
                                                   if led else ())
    types = tuple(column_type(f) for f in columns) + (("text",) if led else ())
    return [*blocks, RecordTable(
        header, tuple(body), types, alert_cells=tuple(alert_cells),
        notes_label=_(kind.field("notes").label) if notes else "", notes=tuple(notes)),
        *documents(kind, data)]


def documents(kind: Kind, data: BriefingData) -> list[Block]:
    """The files attached to the printed records of a kind, under its table: the record, the
    file's name, its size and the day it was attached."""
    files = data.documents.get(kind.name) or {}
    rows = tuple((one_line(row["title"], 300), one_line(a["name"], 300), format_size(a["size"]),
                  format_date(a["added_at"][:10]))
                 for row in data.rows.get(kind.name, []) for a in files.get(row["id"], []))
    if not rows:
        return []
    return [Heading(_("Documents"), 2),
            RecordTable((_(kind.title_label), _("Document"), _("Size"), _("Attached")), rows,
                        ("text", "text", "text", "date"))]


def appendix(data: BriefingData, options: BriefingOptions) -> list[Block]:
    """The sources cited by the printed records, each with the records and their quotes."""
    heading = Heading(_("Appendix: sources"))
    if not data.appendix:
        return [heading, Paragraph(_("No sources are cited by the records in this briefing."))]
    sources = []
    for entry in data.appendix:
        src = entry.source
        details = []
        for name in ("publisher", "published_on", "url"):
            value = src.get(name)
            if value:
                f = SOURCE_KIND.field(name)
                shown = format_date(value) if f.type == DATE else one_line(value, 300)
                details.append(f"{_(f.label)}: {shown}")
        citations = tuple(
            Citation(f"{_(KINDS[kind_name].label)}: {one_line(title, 300)}",
                     tuple(clean(q, QUOTE_LIMIT) for q in quotes))
            for (kind_name, _rid), (title, quotes) in entry.records.items())
        sources.append(Source(one_line(src["title"], 500), tuple(details), citations))
    return [heading, SourceList(tuple(sources))]
