"""PDF briefings: a printable briefing pack built from the repository (reportlab, no Qt).

One :class:`BriefingOptions` object is shared by the CLI, the GUI and the saved presets;
:func:`build_briefing` writes the PDF. reportlab is imported only inside the functions that need
it, so importing this module stays cheap for the GUI and the CLI.

The document is one doc template with page callbacks (classification marking at the top and the
bottom of every page, "Page X of Y" drawn when the canvas saves), a table of contents whose page
numbers are filled in the same way (so one pass is enough), PDF bookmarks, and a story built by
small functions from the numbers :meth:`Repository.figures` computes. Every piece of user text is
escaped before it reaches a reportlab ``Paragraph``; every style, table and chart label uses the
bundled DejaVu Sans family.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker import __version__
from tracker.briefing.errors import BriefingError, BriefingOptionsError
from tracker.briefing.gather import gather
from tracker.briefing.options import (
    BriefingOptions,
)
from tracker.briefing.progress import Progress
from tracker.briefing.text import (
    CELL_LIMIT,
    QUOTE_LIMIT,
    clean,
)
from tracker.briefing.text import MARKS as _MARKS
from tracker.briefing.text import notes_text as _notes_text
from tracker.briefing.text import one_line as _one_line
from tracker.briefing.text import superscript as _superscript
from tracker.i18n import _, format_date, language, ngettext
from tracker.model import (
    CHOICE,
    CLASSIFICATIONS,
    DATE,
    INTEGER,
    KINDS,
    OVERDUE,
    SOURCE_KIND,
    Kind,
    get_kind,
)
from tracker.model.figures import (
    DEADLINES_KIND,
    KEY_FIGURES,
    MEETINGS_KIND,
    by_status_key,
    figure_for,
    total_key,
)
from tracker.paths import resource_path

CHUNK_ROWS = 500  # rows per reportlab Table (one 10,000-row Table lays out ~3x slower)
FETCH_ROWS = 1000
LIST_LIMIT = 50  # overdue / upcoming rows listed when the Road map section shows them all

def escape(text: str) -> str:
    """``xml.sax.saxutils.escape`` (whose import pulls in urllib): ``&``, ``<``, ``>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markup(value: Any, limit: int | None = None) -> str:
    """User text for a ``Paragraph``: cleaned, escaped (prints literally), newlines kept."""
    return escape(clean(value, limit)).replace("\n", "<br/>")



# --- results --------------------------------------------------------------------------------------

@dataclass
class BriefingResult:
    path: Path
    pages: int
    classification: str  # the highest level actually included (the page marking)
    records: int  # records printed in the per-kind sections
    seconds: float = 0.0


# --- fonts ----------------------------------------------------------------------------------------

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_BOLD_ITALIC = "DejaVuSans-BoldOblique"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}
_font_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Register the bundled DejaVu Sans family with reportlab (once per process)."""
    global _fonts_ready
    with _font_lock:
        if _fonts_ready:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, filename in _FONT_FILES.items():
            path = resource_path("fonts", filename)
            if not path.exists():
                raise BriefingError(_("the font file {path} is missing; reinstall the program")
                                    .format(path=path))
            pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC,
                                      boldItalic=FONT_BOLD_ITALIC)
        from reportlab import rl_config

        # Compressed streams stay binary: ASCII85 on top of Flate only makes files bigger and,
        # without the C accelerator, costs a sixth of a large briefing's build time.
        rl_config.useA85 = 0
        for bold, italic, name in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT_ITALIC),
                                   (1, 1, FONT_BOLD_ITALIC)):
            addMapping(FONT, bold, italic, name)
        _fonts_ready = True


# --- building -------------------------------------------------------------------------------------

def build_briefing(repo, options: BriefingOptions, out_path: str | os.PathLike, *,
                   progress: Callable[[int, int], Any] | None = None,
                   cancel: Callable[[], bool] | None = None,
                   today: _dt.date | None = None) -> BriefingResult:
    """Write the briefing PDF to ``out_path`` (via a temporary file in the same folder, renamed
    at the end: a failure or a cancel never leaves a broken PDF over an older one).

    ``progress(done, total)`` is called as the build advances; ``cancel()`` returning True stops
    it with :class:`BriefingCancelled`. ``today`` fixes the date the briefing is "as of" (and the
    PDF's creation date), so the same data and options give byte-identical output.
    """
    import time

    started = time.perf_counter()
    if not isinstance(options, BriefingOptions):
        raise BriefingOptionsError("options", _("expected briefing options"))
    options.validate()
    today = today or _dt.date.today()
    out = Path(out_path).expanduser()
    if out.is_dir():
        raise BriefingError(_("{path} is a folder; give a file name ending in .pdf").format(
            path=out))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise BriefingError(_("the folder {path} does not exist").format(path=folder))

    # The briefing's language in this thread only: a GUI worker leaves the interface alone.
    with language(options.language):
        return _build(repo, options, out, folder, today, progress, cancel, started)


def _build(repo, options, out: Path, folder: Path, today, progress, cancel, started
           ) -> BriefingResult:
    import time

    tmp_name = None
    try:
        register_fonts()
        builder = _Builder(repo, options, today, progress, cancel)
        builder.gather()
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        pages = builder.write(tmp_name)
        # A new briefing is private to its owner (0600, like the database); one written over an
        # older file keeps that file's permissions.
        try:
            os.chmod(tmp_name, out.stat().st_mode & 0o777)
        except FileNotFoundError:
            pass
        os.replace(tmp_name, out)
        tmp_name = None
        builder.progress.report(final=True)
        return BriefingResult(out, pages, builder.level, builder.record_count,
                              time.perf_counter() - started)
    except OSError as exc:
        raise BriefingError(_("cannot write {path}: {error}").format(
            path=out, error=exc.strerror or exc)) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass


@dataclass
class _Heading:
    key: str
    text: str
    level: int


class _Builder:
    """Gathers the data for one briefing, then lays it out."""

    def __init__(self, repo, options: BriefingOptions, today: _dt.date, progress, cancel):
        self.repo = repo
        self.o = options
        self.today = today
        self.progress = Progress(progress, cancel)
        self.headings: list[_Heading] = []
        self.wrapper = _Wrapper()

    def check_cancel(self) -> None:
        self.progress.check_cancel()

    def advance(self, n: int = 1) -> None:
        self.progress.advance(n)

    def gather(self) -> None:
        data = gather(self.repo, self.o, self.today, self.progress)
        self.data = data
        self.rows, self.figures, self.level = data.rows, data.figures, data.level
        self.record_count = data.record_count
        self.appendix = data.appendix
        self.contacts = {}
        for group, g in data.contacts.items():
            self.contacts[group] = [{"record": c.record, "people": c.people} for c in g.items]
            self.contacts[group + "_more"] = [g.more]

    # -- layout -------------------------------------------------------------------------------

    def write(self, filename: str) -> int:
        from reportlab.lib.units import cm
        from reportlab.platypus import Frame, PageTemplate

        self.st = _styles()
        page_size = _page_size(self.o.paper)
        width, height = page_size
        margin_x, margin_top, margin_bottom = 2 * cm, 2.4 * cm, 2.2 * cm
        self.frame_width = width - 2 * margin_x
        self.frame_height = height - margin_top - margin_bottom
        body = self._body()
        story = self._cover() + self._contents() + body
        self.check_cancel()
        # From here on progress counts drawn table rows and other flowables (see after_flowable).
        self.progress.estimate(self.progress.done + 1 + sum(
            max(getattr(f, "_nrows", 2) - 1, 1) if hasattr(f, "_cellvalues") else 1
            for f in story))

        title = self.o.title or _("Briefing")
        sides = self._sides()
        marking = self._marking_text()
        frame = Frame(margin_x, margin_bottom, self.frame_width, self.frame_height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        decor = _Decor(title=_one_line(title), sides=_one_line(sides), marking=marking,
                       level=self.level, date=format_date(self.today), page_size=page_size,
                       margin_x=margin_x)
        doc = _make_doc(filename, page_size, self, decor,
                        title=_one_line(title), author=_one_line(self.o.prepared_by),
                        subject=_one_line(_("Briefing: {sides}").format(sides=sides)
                                          if sides else title),
                        lang=self.o.language)
        doc.addPageTemplates([
            PageTemplate(id="cover", frames=[frame], onPage=decor.on_cover),
            PageTemplate(id="body", frames=[frame], onPage=decor.on_page),
        ])
        canvas_class = _canvas_class(decor, self.today)
        doc.build(story, canvasmaker=canvas_class)
        return doc.page_count

    def _sides(self) -> str:
        s = self.data.settings
        if s.get("relationship_title"):
            return s["relationship_title"]
        home, partner = s.get("home_country", ""), s.get("partner_country", "")
        return " – ".join(x for x in (home, partner) if x)

    def _marking_text(self) -> str:
        label = dict(CLASSIFICATIONS)[self.level]
        return _one_line(_(label)).upper()

    def heading(self, text: str, level: int = 0):
        from reportlab.platypus import CondPageBreak

        key = f"h{len(self.headings) + 1}"
        self.headings.append(_Heading(key, text, level))
        style = self.st["h1"] if level == 0 else self.st["h2"]
        flow = _heading_flowable(markup(text), style, key, text, level)
        # Room for the heading and the start of what follows (headings never end a page).
        return [CondPageBreak((5 if level == 0 else 3.5) * _cm()), flow]

    def para(self, text_markup: str, style: str = "body"):
        from reportlab.platypus import Paragraph

        return Paragraph(text_markup, self.st[style])

    def _cover(self) -> list:
        from reportlab.platypus import NextPageTemplate, PageBreak, Spacer

        o = self.o
        story: list = [Spacer(1, 3 * _cm()),
                       self.para(markup(self._marking_text()), "cover_marking"),
                       Spacer(1, 1.2 * _cm()),
                       self.para(markup(o.title or _("Briefing")), "cover_title")]
        sides = self._sides()
        if sides:
            story.append(self.para(markup(sides), "cover_sides"))
        story.append(Spacer(1, 1.5 * _cm()))
        story.append(self.para(markup(_("As of {date}").format(date=format_date(self.today))),
                               "cover_line"))
        if o.prepared_by:
            story.append(self.para(markup(_("Prepared by {name}").format(name=o.prepared_by)),
                                   "cover_line"))
        level_label = _(dict(CLASSIFICATIONS)[self.level])
        story.append(self.para(markup(_("Classification: {level}").format(level=level_label)),
                               "cover_line"))
        notes = [_("Records classified above “{level}” are left out.").format(
            level=_(dict(CLASSIFICATIONS)[o.max_classification]))]
        if o.date_from or o.date_to:
            notes.append(_("Records dated from {start} to {end}.").format(
                start=format_date(o.date_from) if o.date_from else "…",
                end=format_date(o.date_to) if o.date_to else "…"))
        if o.statuses:
            parts = []
            for key, values in o.statuses.items():
                kind = KINDS.get(key)
                labels = [kind.status_label(v) if kind else _status_any_label(v) for v in values]
                parts.append((_(kind.plural) if kind else _("all kinds")) + ": " +
                             ", ".join(labels))
            notes.append(_("Statuses: {list}.").format(list="; ".join(parts)))
        story.append(Spacer(1, 1.5 * _cm()))
        for note in notes:
            story.append(self.para(markup(note), "cover_note"))
        story += [NextPageTemplate("body"), PageBreak()]
        return story

    def _contents(self) -> list:
        from reportlab.platypus import PageBreak

        story: list = [self.para(markup(_("Contents")), "h1")]
        for h in self.headings:
            story.append(_toc_line(h, self.st["toc0"] if h.level == 0 else self.st["toc1"]))
        story.append(PageBreak())
        return story

    def _body(self) -> list:
        story: list = []
        if self.o.purpose:  # briefing-note structure: the purpose comes first
            story += self.heading(_("Purpose"))
            story.append(self.para(markup(self.o.purpose), "body"))
        for section in self.o.sections:
            self.check_cancel()
            if section == "summary":
                story += self._summary()
            elif section == "chart":
                story += self._chart()
            elif section == "deadlines":
                story += self._deadlines()
            elif section == "contacts":
                story += self._contacts()
            else:
                story += self._kind_section(get_kind(section))
        if self.o.include_sources:
            story += self._appendix()
        return story

    # sections --------------------------------------------------------------------------------

    def _summary(self) -> list:
        from reportlab.platypus import Spacer

        f = self.figures
        story = self.heading(_("Executive summary"))
        nm = f.get("next_meeting")
        if nm:
            parts = [format_date(nm.get(MEETINGS_KIND.occasion.start)),
                     _one_line(nm.get("title"), 200)]
            if nm.get("place"):
                parts.append(_one_line(nm["place"], 100))
            next_meeting = " — ".join(p for p in parts if p)
        else:
            next_meeting = _("none planned")
        rows = []  # (label, value, in red)
        for fig in KEY_FIGURES:
            n = f[fig.key]
            if fig.total is None:
                value = str(n)
            elif fig.percent:
                total = f[fig.total]
                value = _("{n} of {total} ({percent}%)").format(
                    n=n, total=total, percent=round(100 * n / total) if total else 0)
            else:
                value = _("{n} of {total}").format(n=n, total=f[fig.total])
            rows.append((_(fig.label), value, bool(fig.alert and n)))
        rows.append((_("Next meeting"), next_meeting, False))
        story.append(self.para(markup(_(
            "Key figures as of {date}, counting every record up to “{level}”.").format(
                date=format_date(self.today),
                level=_(dict(CLASSIFICATIONS)[self.o.max_classification]))), "body"))
        story.append(Spacer(1, 0.3 * _cm()))
        data = [[self.para(markup(label), "cell"),
                 self.para(markup(value), "cell_bold_red" if red else "cell_bold")]
                for label, value, red in rows]
        story.append(self._table(data, [self.frame_width * 0.45, self.frame_width * 0.55],
                                 header=False))
        self.advance(10)
        return story

    def _chart(self) -> list:
        story = self.heading(_("Road-map status"))
        f = self.figures
        overdue = f[figure_for(DEADLINES_KIND.name, OVERDUE).key]
        if not f[total_key(DEADLINES_KIND.name)]:
            story.append(self.para(markup(_("There are no road-map items.")), "body"))
            return story
        story.append(_status_chart(f, self.frame_width))
        story.append(self.para(markup(ngettext(
            "{n} open item is overdue (past its due date and neither done nor cancelled).",
            "{n} open items are overdue (past their due date and neither done nor cancelled).",
            overdue).format(n=overdue)), "small"))
        self.advance(10)
        return story

    def _deadlines(self) -> list:
        f = self.figures
        story = self.heading(_("Overdue and upcoming deadlines"))
        kind = DEADLINES_KIND
        status, due, progress = kind.field("status"), kind.deadline.field, kind.deadline.progress
        story += self.heading(_("Overdue"), 1)
        overdue = f.get("overdue") or []
        # When the Road map section lists every item (overdue ones in red), these lists show the
        # first LIST_LIMIT only; otherwise they are the only place and are shown whole.
        limit = (LIST_LIMIT if kind.name in self.o.sections and not (
            self.o.statuses_for(kind.name) or self.o.date_from or self.o.date_to) else None)
        more_overdue = len(overdue) - limit if limit and len(overdue) > limit else 0
        overdue = overdue[:limit] if limit else overdue
        if overdue:
            header = [_("Road-map item"), _("Due date"), _("Status"), _("Progress, %"),
                      _("Days overdue")]
            body = []
            for item in overdue:
                days = (self.today - _dt.date.fromisoformat(item[due][:10])).days
                body.append([_one_line(item["title"], CELL_LIMIT), format_date(item[due]),
                             status.choice_label(item["status"]), str(item.get(progress) or 0),
                             str(days)])
            story += self._chunked(header, body, ["text", "date", "choice", "int", "int"],
                                   red=True)
            if more_overdue:
                story.append(self.para(markup(ngettext(
                    "… and {n} more overdue item: the Road map section lists every item, "
                    "overdue ones in red.",
                    "… and {n} more overdue items: the Road map section lists every item, "
                    "overdue ones in red.", more_overdue).format(n=more_overdue)), "small"))
        else:
            story.append(self.para(markup(_("Nothing is overdue.")), "body"))
        story += self.heading(_("Due in the next 90 days"), 1)
        upcoming = f.get("deadlines") or []
        more_upcoming = len(upcoming) - limit if limit and len(upcoming) > limit else 0
        upcoming = upcoming[:limit] if limit else upcoming
        if upcoming:
            header = [_("Road-map item"), _("Due date"), _("Status"), _("Progress, %")]
            body = [[_one_line(item["title"], CELL_LIMIT), format_date(item[due]),
                     status.choice_label(item["status"]), str(item.get(progress) or 0)]
                    for item in upcoming]
            story += self._chunked(header, body, ["text", "date", "choice", "int"])
            if more_upcoming:
                story.append(self.para(markup(ngettext(
                    "… and {n} more item due in the next 90 days (see the Road map section).",
                    "… and {n} more items due in the next 90 days (see the Road map section).",
                    more_upcoming).format(n=more_upcoming)), "small"))
        else:
            story.append(self.para(markup(_("No deadlines in the next 90 days.")), "body"))
        self.advance(10)
        return story

    def _contacts(self) -> list:
        story = self.heading(_("High-level contacts"))
        kind = MEETINGS_KIND
        for group, title, empty in (
                ("upcoming", _("Upcoming"), _("No meetings are planned.")),
                ("recent", _("Recent"), _("No meetings have been held yet."))):
            story += self.heading(title, 1)
            items = self.contacts.get(group) or []
            if not items:
                story.append(self.para(markup(empty), "body"))
                continue
            header = [_(kind.field(kind.occasion.start).label), _(kind.title_label),
                      _(kind.field("place").label), _(kind.field("level").label),
                      _(kind.field(kind.occasion.participants).label)]
            body = []
            for item in items:
                rec = item["record"]
                people = "; ".join(
                    _one_line(p["title"]) + (f" ({_one_line(p['position'])})"
                                             if p.get("position") else "")
                    for p in item["people"])
                body.append([format_date(rec.get(kind.occasion.start)),
                             _one_line(rec["title"], CELL_LIMIT),
                             _one_line(rec.get("place"), CELL_LIMIT),
                             kind.field("level").choice_label(rec.get("level")),
                             clean(people, CELL_LIMIT)])
            story += self._chunked(header, body, ["date", "text", "text", "choice", "text"])
            more = self.contacts.get(group + "_more", [0])[0]
            if more:
                story.append(self.para(markup(ngettext(
                    "… and {n} more meeting.", "… and {n} more meetings.", more).format(n=more)),
                    "small"))
        self.advance(10)
        return story

    def _kind_section(self, kind: Kind) -> list:
        story = self.heading(_(kind.plural))
        rows = self.rows.get(kind.name, [])
        n = len(rows)
        story.append(self.para(markup(ngettext("{n} record.", "{n} records.", n).format(n=n)),
                               "small"))
        if not rows:
            story.append(self.para(markup(_("No records match the options.")), "body"))
            return story
        columns = kind.columns
        header = [_(f.label) for f in columns]
        types = [_column_type(f) for f in columns]
        red_cells = []
        body = []
        noted: list[tuple[str, str, str]] = []  # (marker, title, notes) printed under the table
        for i, row in enumerate(rows):
            cells = []
            marker = ""
            if self.o.include_notes:
                notes = _notes_text(row.get("notes"))
                if notes:
                    marker = _superscript(len(noted) + 1)
                    noted.append((marker, _one_line(row["title"], 300), notes))
            for f in columns:
                value = row.get(f.name)
                if value is None or value == "":
                    cells.append("")
                elif f.type == DATE:
                    cells.append(format_date(value))
                elif f.type == CHOICE:
                    cells.append(f.choice_label(value))
                else:
                    cells.append(_one_line(value, CELL_LIMIT))
                if marker and f.name == "title":
                    cells[-1] += " " + marker  # a footnote mark: this record has notes below
            if kind.is_overdue(row, self.today):
                red_cells.append((i, [c.name for c in columns].index(kind.deadline.field)))
            body.append(cells)
        story += self._chunked(header, body, types, red_cells=red_cells)
        if noted:
            story += self._notes(kind, noted)
        return story

    def _notes(self, kind: Kind, noted: list[tuple[str, str, str]]) -> list:
        """The notes of a kind's records under its table, each after the record's footnote mark
        and title (literal text: drawn line by line, never parsed as markup)."""
        from reportlab.lib import colors

        ink, grey = colors.HexColor("#1b1f24"), colors.HexColor("#3d4550")
        width = self.frame_width
        indent = 12
        wrap = self.wrapper.lines
        # One flowable for the whole list (hundreds of small ones cost more to lay out than to
        # draw); a page may only start at a record's title, and never between the label and the
        # first record. Entries are capped (NOTES_LIMIT, NOTES_LINES), so each fits on a page;
        # one that would not (very wide characters) may break between any of its lines.
        rows = [(_(kind.field("notes").label), FONT_BOLD, 9.0, 17.0, ink, 0)]
        breaks = []
        for marker, title, notes in noted:
            if len(rows) > 1:
                rows.append(("", FONT, 8.0, 3.5, ink, 0))  # the space between two records
                breaks.append(len(rows))
            start = len(rows)
            rows += [(line, FONT_BOLD, 8.0, 10.5, ink, 0)
                     for line in wrap(f"{marker} {title}", width, FONT_BOLD, 8.0)]
            rows += [(line, FONT, 8.0, 10.5, grey, indent)
                     for line in wrap(notes, width - indent, FONT, 8.0)]
            if 10.5 * (len(rows) - start) > 0.8 * self.frame_height:
                breaks += range(start + 1, len(rows))
        block = _lines_flowable(rows, 4.0, breaks=breaks)
        block.spaceBefore = 3.0  # a little air between the table and its notes
        return [block]

    def _appendix(self) -> list:
        from reportlab.lib import colors
        from reportlab.platypus import Spacer

        story = self.heading(_("Appendix: sources"))
        if not self.appendix:
            story.append(self.para(markup(_("No sources are cited by the records in this "
                                            "briefing.")), "body"))
            return story
        ink, grey = colors.HexColor("#1b1f24"), colors.HexColor("#5b6573")
        width = self.frame_width
        indent = 14
        wrap = self.wrapper.lines
        src_kind = SOURCE_KIND
        for entry in self.appendix:
            self.check_cancel()
            src = entry.source
            details = []
            for name in ("publisher", "published_on", "url"):
                value = src.get(name)
                if value:
                    f = src_kind.field(name)
                    shown = format_date(value) if f.type == DATE else _one_line(value, 300)
                    details.append(f"{_(f.label)}: {shown}")
            rows = [(line, FONT_BOLD, 10.5, 14.0, ink, 0)
                    for line in wrap(_one_line(src["title"], 500), width, FONT_BOLD, 10.5)]
            if details:
                rows += [(line, FONT, 8.5, 11.5, grey, 0)
                         for line in wrap(" · ".join(details), width, FONT, 8.5)]
            head = _lines_flowable(rows, 3.0)
            head.keepWithNext = 1
            story.append(head)
            for (kind_name, _rid), (title, quotes) in entry.records.items():
                label = f"{_(KINDS[kind_name].label)}: {_one_line(title, 300)}"
                rows = [(line, FONT_BOLD, 9.0, 12.5, ink, indent)
                        for line in wrap(label, width - indent, FONT_BOLD, 9.0)]
                for quote in quotes:
                    rows += [(line, FONT, 9.0, 12.5, ink, indent) for line in
                             wrap(f"“{clean(quote, QUOTE_LIMIT)}”", width - indent, FONT, 9.0)]
                story.append(_lines_flowable(rows, 5.0))
            story.append(Spacer(1, 0.3 * _cm()))
        self.advance(10)
        return story

    # tables ----------------------------------------------------------------------------------

    def _fit_widths(self, header: list[str], body: list[list[str]], types: list[str]
                    ) -> list[float]:
        """Column widths from the content (a sample of rows): dates, numbers and choices as wide
        as they need (within a cap), text columns share the rest in proportion to their text."""
        width = self.wrapper.width
        size = self.st["cell"].fontSize
        pad = 9
        sample = body[:300]
        natural, minimum = [], []
        for c, head in enumerate(header):
            # No column narrower than its longest word (header or value, up to a cap).
            head_min = max((width(w, FONT_BOLD, size) for w in head.split()), default=0)
            word_min = max((width(w, FONT, size) for row in sample if row[c]
                            for w in row[c].split()), default=0)
            widest = max((width(row[c], FONT, size) for row in sample if row[c]), default=0)
            natural.append(max(widest, head_min, 12) + pad)
            minimum.append(min(max(head_min, word_min), 110) + pad)
        fixed = [i for i, t in enumerate(types) if t != "text"]
        text = [i for i, t in enumerate(types) if t == "text"]
        widths = list(natural)
        for i in fixed:  # wide enough for the value and, when it is short, the whole header
            full_header = width(header[i], FONT_BOLD, size) + pad
            widths[i] = max(minimum[i], min(max(natural[i], full_header), 95))
        total = self.frame_width
        if not text:
            scale = total / sum(widths)
            return [w * scale for w in widths]
        rest = total - sum(widths[i] for i in fixed)
        min_text = 60.0
        if rest < min_text * len(text):
            squeeze = (total - min_text * len(text)) / sum(widths[i] for i in fixed)
            for i in fixed:
                widths[i] = max(minimum[i], widths[i] * max(squeeze, 0.4))
            rest = total - sum(widths[i] for i in fixed)
        want = sum(natural[i] for i in text)
        if want <= rest:  # everything fits: the spare room goes to the text columns
            for i in text:
                widths[i] = natural[i] + (rest - want) * natural[i] / want
        else:
            # Share by the square root of the natural width (long titles get more, short
            # columns keep enough), never below what a column needs when it fits on one line.
            weights = {i: natural[i] ** 0.5 for i in text}
            remaining = dict(weights)
            room = rest
            while remaining:
                unit = room / sum(remaining.values())
                small = [i for i in remaining if natural[i] <= unit * remaining[i]]
                if not small:
                    for i, weight in remaining.items():
                        widths[i] = max(min_text, minimum[i], unit * weight)
                    break
                for i in small:
                    widths[i] = natural[i]
                    room -= natural[i]
                    del remaining[i]
        over = sum(widths) - total
        if over > 0:  # take the excess from the columns wider than their longest word
            slack = {i: w - minimum[i] for i, w in enumerate(widths) if w > minimum[i]}
            room = sum(slack.values())
            for i, extra in slack.items():
                widths[i] -= min(over, room) * extra / room
        scale = total / sum(widths)
        return [w * scale for w in widths]

    def _cell(self, text: str, width: float, font: str = FONT) -> str:
        """A table cell as plain text wrapped to the column (drawn literally: no markup is
        parsed, and it lays out many times faster than a Paragraph)."""
        if not text:
            return ""
        return "\n".join(self.wrapper.lines(text, width - 8, font, self.st["cell"].fontSize))

    def _chunked(self, header: list[str], body: list[list[str]], types: list[str], *,
                 red: bool = False, red_cells: list[tuple[int, int]] | None = None) -> list:
        """Tables of at most CHUNK_ROWS rows, each repeating the header row on every page."""
        from reportlab.lib import colors

        widths = self._fit_widths(header, body, types)
        right = [c for c, t in enumerate(types) if t == "int"]
        head = [self._cell(h, widths[c], FONT_BOLD) for c, h in enumerate(header)]
        red_colour = colors.HexColor(RED)
        out = []
        for start in range(0, len(body), CHUNK_ROWS):
            self.check_cancel()
            data = [head]
            for cells in body[start:start + CHUNK_ROWS]:
                data.append([self._cell(text, widths[c]) for c, text in enumerate(cells)])
            extra = []
            if red:
                extra.append(("TEXTCOLOR", (0, 1), (-1, -1), red_colour))
            for i, c in red_cells or ():
                if start <= i < start + CHUNK_ROWS:
                    extra.append(("TEXTCOLOR", (c, i - start + 1), (c, i - start + 1), red_colour))
            table = self._table(data, widths, header=True, right=right, extra=extra)
            out.append(table)
        return out

    def _table(self, data, widths, header: bool = True, right: list[int] = (),
               extra: list | None = None):
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            ("FONT", (0, 0), (-1, -1), FONT, self.st["cell"].fontSize),
            ("LEADING", (0, 0), (-1, -1), self.st["cell"].leading),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8ccd2")),
        ]
        for c in right:
            style.append(("ALIGN", (c, 1), (c, -1), "RIGHT"))
        if header:
            style += [
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, self.st["cell"].fontSize),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e8ee")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#4a5563")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f7f9")]),
            ]
        else:
            style += [("ROWBACKGROUNDS", (0, 0), (-1, -1),
                       [colors.white, colors.HexColor("#f6f7f9")])]
        table.setStyle(TableStyle(style + (extra or [])))
        return table

    # progress while drawing -------------------------------------------------------------------

    def after_flowable(self, flowable) -> None:
        rows = getattr(flowable, "_nrows", None)
        if rows is not None and hasattr(flowable, "_cellvalues"):
            self.advance(max(rows - 1, 1))
        else:
            self.advance(1)
        self.check_cancel()


class _Wrapper:
    """Greedy word wrapping with a cache of word widths (the vocabulary of a briefing repeats);
    words wider than the line are broken between characters."""

    def __init__(self):
        self._widths: dict[tuple[str, str, float], float] = {}

    def width(self, text: str, font: str, size: float) -> float:
        key = (text, font, size)
        w = self._widths.get(key)
        if w is None:
            from reportlab.pdfbase.pdfmetrics import stringWidth

            if len(self._widths) > 200_000:
                self._widths.clear()
            w = self._widths[key] = stringWidth(text, font, size)
        return w

    def lines(self, text: str, width: float, font: str, size: float) -> list[str]:
        out: list[str] = []
        space = self.width(" ", font, size)
        for paragraph in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in paragraph.split():
                w = self.width(word, font, size)
                if w > width:
                    if line:
                        out.append(" ".join(line))
                    pieces = self._break(word, width, font, size)
                    out.extend(pieces[:-1])
                    line, used = [pieces[-1]], self.width(pieces[-1], font, size)
                elif line and used + space + w > width:
                    if len(line) > 1 and not word.strip(_MARKS):
                        # A footnote mark never starts a line alone: its word comes along.
                        last = line.pop()
                        out.append(" ".join(line))
                        line, used = [last, word], self.width(last, font, size) + space + w
                    else:
                        out.append(" ".join(line))
                        line, used = [word], w
                else:
                    used = used + space + w if line else w
                    line.append(word)
            out.append(" ".join(line))
        while len(out) > 1 and not out[-1]:
            out.pop()
        return out

    def _break(self, word: str, width: float, font: str, size: float) -> list[str]:
        pieces, current, used = [], "", 0.0
        for ch in word:
            w = self.width(ch, font, size)
            if current and used + w > width:
                pieces.append(current)
                current, used = "", 0.0
            current += ch
            used += w
        pieces.append(current)
        return pieces


def _lines_flowable(lines: list[tuple], space_after: float = 0.0,
                    breaks: list[int] | None = None):
    """A block of pre-wrapped lines ``(text, font, size, leading, colour, indent)`` drawn with
    plain ``drawString`` (literal text, no markup); splits across pages between any two lines,
    or only before the rows listed in ``breaks`` (ascending indexes) when given."""
    from bisect import bisect_right

    from reportlab.platypus import Flowable

    class Lines(Flowable):
        def __init__(self, rows, after, breaks=None):
            super().__init__()
            self.rows = rows
            self.spaceAfter = after
            self.breaks = breaks

        def wrap(self, availWidth, availHeight):
            self.width = availWidth
            self.height = sum(r[3] for r in self.rows)
            return availWidth, self.height

        def split(self, availWidth, availHeight):
            used, n = 0.0, 0
            for r in self.rows:
                if used + r[3] > availHeight:
                    break
                used += r[3]
                n += 1
            if self.breaks is not None:
                i = bisect_right(self.breaks, n)
                n = self.breaks[i - 1] if i else 0
            if n == 0 or n >= len(self.rows):
                return []
            rest = None if self.breaks is None else [b - n for b in self.breaks if b > n]
            first = Lines(self.rows[:n], 0.0)
            first.spaceBefore = getattr(self, "spaceBefore", 0)
            return [first, Lines(self.rows[n:], self.spaceAfter, rest)]

        def draw(self):
            canv = self.canv
            y = self.height
            colour = face = None
            for text, font, size, leading, fill, indent in self.rows:
                y -= leading
                if fill != colour:
                    canv.setFillColor(fill)
                    colour = fill
                if (font, size) != face:  # each setFont writes operators: only on a change
                    canv.setFont(font, size)
                    face = (font, size)
                if text:
                    canv.drawString(indent, y + (leading - size) / 2 + size * 0.22, text)

    return Lines(lines, space_after, breaks)



def _column_type(f) -> str:
    return {DATE: "date", CHOICE: "choice", INTEGER: "int"}.get(f.type, "text")


def _status_any_label(value: str) -> str:
    for kind in KINDS.values():
        for v, label in kind.statuses:
            if v == value:
                return _(label)
    return value


def _cm() -> float:
    from reportlab.lib.units import cm

    return cm


def _page_size(paper: str):
    from reportlab.lib.pagesizes import A4, LETTER

    return A4 if paper == "a4" else LETTER


# --- styles ---------------------------------------------------------------------------------------

_LEVEL_COLOURS = {"public": "#1f6f3f", "internal": "#1d4e89", "restricted": "#a11d1d"}
RED = "#b3261e"


def _styles() -> dict:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle

    ink = colors.HexColor("#1b1f24")
    grey = colors.HexColor("#5b6573")
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, textColor=ink,
                          spaceAfter=4, alignment=TA_LEFT)

    def s(name, **kw):
        return ParagraphStyle(name, parent=base, **kw)

    return {
        "body": base,
        "small": s("small", fontSize=8.5, leading=11.5, textColor=grey, spaceAfter=6),
        "h1": s("h1", fontName=FONT_BOLD, fontSize=16, leading=20, spaceBefore=10,
                spaceAfter=8, textColor=colors.HexColor("#14324f")),
        "h2": s("h2", fontName=FONT_BOLD, fontSize=12, leading=16, spaceBefore=10,
                spaceAfter=5, textColor=colors.HexColor("#14324f")),
        "toc0": s("toc0", fontSize=11, leading=17),
        "toc1": s("toc1", fontSize=10, leading=15, leftIndent=16, textColor=grey),
        "cell": s("cell", fontSize=8, leading=10, spaceAfter=0),
        "cell_bold": s("cell_bold", fontName=FONT_BOLD, fontSize=8, leading=10, spaceAfter=0),
        "cell_bold_red": s("cell_bold_red", fontName=FONT_BOLD, fontSize=8, leading=10,
                           spaceAfter=0, textColor=colors.HexColor(RED)),
        "cell_red": s("cell_red", fontSize=8, leading=10, spaceAfter=0,
                      textColor=colors.HexColor(RED)),
        "cell_head": s("cell_head", fontName=FONT_BOLD, fontSize=8, leading=10, spaceAfter=0),
        "cover_marking": s("cover_marking", fontName=FONT_BOLD, fontSize=12, leading=16,
                           alignment=TA_CENTER, textColor=grey),
        "cover_title": s("cover_title", fontName=FONT_BOLD, fontSize=26, leading=32,
                         alignment=TA_CENTER, textColor=colors.HexColor("#14324f"),
                         spaceAfter=12),
        "cover_sides": s("cover_sides", fontSize=16, leading=22, alignment=TA_CENTER,
                         textColor=ink),
        "cover_line": s("cover_line", fontSize=11, leading=16, alignment=TA_CENTER),
        "cover_note": s("cover_note", fontSize=9, leading=13, alignment=TA_CENTER,
                        textColor=grey),
        "source_title": s("source_title", fontName=FONT_BOLD, fontSize=10.5, leading=14,
                          spaceAfter=1),
        "quote": s("quote", fontSize=9, leading=12.5, leftIndent=14, spaceAfter=5),
    }


# --- flowables, doc template and canvas -----------------------------------------------------------

def _heading_flowable(text_markup: str, style, key: str, plain: str, level: int):
    from reportlab.platypus import Paragraph

    class Heading(Paragraph):
        """A section title that is also a bookmark, an outline entry and a TOC target."""

        def draw(self):
            from reportlab.pdfbase.pdfdoc import PDFObjectReference

            canv = self.canv
            left, top = canv.absolutePosition(0, self.height + 4)
            dest = canv.bookmarkHorizontalAbsolute(key, top, left=left)
            # Pages reach the document only when the canvas saves (see BriefingCanvas), so the
            # "current page" reportlab would record is wrong: name the page ourselves.
            dest.setPage(PDFObjectReference(f"Page{canv.getPageNumber()}"))
            canv.addOutlineEntry(_one_line(plain), key, level=level, closed=level > 0)
            canv._bt_heading_pages[key] = canv.getPageNumber()
            super().draw()

        def split(self, availWidth, availHeight):  # a heading never splits
            return []

    return Heading(text_markup, style)


def _toc_line(heading: _Heading, style):
    from reportlab.platypus import Flowable, Paragraph

    class TocLine(Flowable):
        """One contents line linking to its heading; the page number is drawn when the canvas
        saves (every heading's page is known by then), so the document needs only one pass."""

        def __init__(self):
            super().__init__()
            self.para = Paragraph(markup(heading.text), style)

        def wrap(self, availWidth, availHeight):
            self.width = availWidth
            _w, self.height = self.para.wrap(availWidth - 40, availHeight)
            return availWidth, self.height

        def draw(self):
            canv = self.canv
            self.para.drawOn(canv, 0, 0)
            canv.linkRect("", heading.key, (0, 0, self.width, self.height), relative=1,
                          thickness=0)
            lines = getattr(self.para, "blPara", None)
            text_end = style.leftIndent
            if lines is not None and getattr(lines, "lines", None):
                last = lines.lines[-1]
                used = getattr(last, "extraSpace", None)
                if isinstance(last, tuple):
                    used = last[0]
                if used is not None:
                    text_end = style.leftIndent + (self.width - 40 - style.leftIndent - used)
            x_end, y = canv.absolutePosition(self.width, style.leading - style.fontSize)
            x_start, _y = canv.absolutePosition(text_end - 4, 0)
            canv._bt_toc.append((canv.getPageNumber(), heading.key, x_start, x_end, y,
                                 style.fontName, style.fontSize))

    return TocLine()


class _Decor:
    """Everything drawn around the text: marking, running header and footer, page numbers."""

    def __init__(self, *, title, sides, marking, level, date, page_size, margin_x):
        self.title, self.sides, self.marking, self.level = title, sides, marking, level
        self.date, self.page_size, self.margin_x = date, page_size, margin_x

    def _fit(self, canv, text: str, font: str, size: float, width: float) -> str:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        if stringWidth(text, font, size) <= width:
            return text
        while text and stringWidth(text + "…", font, size) > width:
            text = text[:-1]
        return text + "…"

    def _markings(self, canv) -> None:
        from reportlab.lib import colors

        width, height = self.page_size
        canv.saveState()
        canv.setFillColor(colors.HexColor(_LEVEL_COLOURS.get(self.level, "#000000")))
        canv.setFont(FONT_BOLD, 9)
        canv.drawCentredString(width / 2, height - 0.9 * _cm(), self.marking)
        canv.drawCentredString(width / 2, 0.8 * _cm(), self.marking)
        canv.restoreState()

    def on_cover(self, canv, doc) -> None:
        self._markings(canv)

    def on_page(self, canv, doc) -> None:
        from reportlab.lib import colors

        width, height = self.page_size
        mx = self.margin_x
        self._markings(canv)
        canv.saveState()
        grey = colors.HexColor("#5b6573")
        canv.setFillColor(grey)
        canv.setStrokeColor(colors.HexColor("#aab2bd"))
        canv.setLineWidth(0.5)
        canv.setFont(FONT, 8)
        usable = width - 2 * mx
        canv.drawString(mx, height - 1.55 * _cm(),
                        self._fit(canv, self.title, FONT, 8, usable * 0.7))
        canv.drawRightString(width - mx, height - 1.55 * _cm(), self.date)
        canv.line(mx, height - 1.7 * _cm(), width - mx, height - 1.7 * _cm())
        canv.line(mx, 1.55 * _cm(), width - mx, 1.55 * _cm())
        canv.drawString(mx, 1.15 * _cm(), self._fit(canv, self.sides, FONT, 8, usable * 0.6))
        canv.restoreState()

    def on_save(self, canv, page: int, pages: int) -> None:
        """Drawn on every page once the page count and the headings' pages are known."""
        from reportlab.lib import colors
        from reportlab.pdfbase.pdfmetrics import stringWidth

        width, _height = self.page_size
        canv.saveState()
        canv.setFillColor(colors.HexColor("#5b6573"))
        canv.setFont(FONT, 8)
        canv.drawRightString(width - self.margin_x, 1.15 * _cm(),
                             _("Page {page} of {pages}").format(page=page, pages=pages))
        for toc_page, key, x_start, x_end, y, font, size in canv._bt_toc:
            if toc_page != page:
                continue
            number = str(canv._bt_heading_pages.get(key, ""))
            canv.setFillColor(colors.HexColor("#1b1f24"))
            canv.setFont(font, size)
            canv.drawRightString(x_end, y, number)
            dots_end = x_end - stringWidth(number, font, size) - 6
            unit = stringWidth(" .", font, size)
            count = int((dots_end - x_start - 8) // unit)
            if count > 0:
                canv.setFillColor(colors.HexColor("#8a94a3"))
                canv.drawRightString(dots_end, y, " ." * count)
        canv.restoreState()


def _num(value: float) -> str:
    """A PDF number: fixed point, at most three decimals, no exponent."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _canvas_class(decor: _Decor, today: _dt.date):
    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfgen.canvas import Canvas

    class BriefingCanvas(Canvas):
        """Keeps every page until the end, then draws "Page X of Y" and the contents' page
        numbers on each (the page states recipe)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._bt_states: list[dict] = []
            self._bt_toc: list[tuple] = []
            self._bt_heading_pages: dict[str, int] = {}
            stamp = self._doc._timeStamp  # pin the creation date to the briefing's date
            stamp.YMDhms = (today.year, today.month, today.day, 0, 0, 0)
            stamp.dhh = stamp.dmm = 0

        def showPage(self):
            self._bt_states.append(dict(self.__dict__))
            self._startPage()

        # A briefing draws thousands of one-line strings (table cells, appendix lines). For the
        # plain case (TrueType font, no spacing, rise or direction) write the text operators
        # directly: reportlab's general path builds a text object and measures every string.
        def _plain_font(self, mode, charSpace, direction, wordSpace, shaping):
            """The TrueType font when the fast path applies, else None."""
            font = getFont(self._fontname)
            if mode is not None or charSpace or direction or wordSpace or shaping or \
                    not font._dynamicFont:
                return None
            return font

        def drawString(self, x, y, text, mode=None, charSpace=0, direction=None,
                       wordSpace=None, shaping=False):
            font = self._plain_font(mode, charSpace, direction, wordSpace, shaping)
            if font is None:
                return Canvas.drawString(self, x, y, text, mode, charSpace, direction,
                                         wordSpace, shaping)
            self._bt_text(font, x, y, text)
            return None

        def drawRightString(self, x, y, text, mode=None, charSpace=0, direction=None,
                            wordSpace=None, shaping=False):
            font = self._plain_font(mode, charSpace, direction, wordSpace, shaping)
            if font is None:
                return Canvas.drawRightString(self, x, y, text, mode, charSpace, direction,
                                              wordSpace, shaping)
            self._bt_text(font, x - font.stringWidth(text, self._fontsize), y, text)
            return None

        def _bt_text(self, font, x, y, text):
            if not isinstance(text, str):
                text = str(text)
            doc = self._doc
            size = _num(self._fontsize)
            ops = [f"BT 1 0 0 1 {_num(x)} {_num(y)} Tm"]
            for subset, chunk in font.splitString(text, doc):
                ops.append(f"{font.getSubsetInternalName(subset, doc)} {size} Tf "
                           f"({self._escape(chunk)}) Tj")
            ops.append("ET")
            self._code.append(" ".join(ops))

        def save(self):
            pages = len(self._bt_states)
            for state in self._bt_states:
                self.__dict__.update(state)
                decor.on_save(self, self._pageNumber, pages)
                Canvas.showPage(self)
            self._bt_page_count = pages
            self.showOutline()
            Canvas.save(self)

    return BriefingCanvas


def _make_doc(filename: str, page_size, builder: _Builder, decor: _Decor, **meta):
    from reportlab.platypus import BaseDocTemplate

    class BriefingDoc(BaseDocTemplate):
        def afterFlowable(self, flowable):
            builder.after_flowable(flowable)

        def build(self, flowables, canvasmaker=None):
            super().build(flowables, canvasmaker=canvasmaker)
            self.page_count = self.canv._bt_page_count

    return BriefingDoc(
        filename, pagesize=page_size, invariant=1, initialFontName=FONT, initialFontSize=10,
        creator=f"Bilateral Tracker {__version__}", producer=f"Bilateral Tracker {__version__}",
        leftMargin=decor.margin_x, rightMargin=decor.margin_x, **meta)


def _status_chart(figures: dict, frame_width: float):
    """A horizontal bar chart of road-map items per status, overdue shown apart in red."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors

    kind = DEADLINES_KIND
    status = kind.field("status")
    by_status = figures.get(by_status_key(kind.name)) or {}
    names = [_(label) for _v, label in status.choices] + [_("Overdue")]
    values = [int(by_status.get(v, 0)) for v, _l in status.choices] + [
        int(figures.get(figure_for(kind.name, OVERDUE).key) or 0)]
    palette = ["#7f8ea3", "#2f6fb3", "#2e8b57", "#b0b6bf", RED]
    # Top to bottom in declaration order: the category axis draws from the bottom.
    names.reverse()
    values.reverse()
    palette = list(reversed(palette[:len(values)]))
    bar_h = 22
    height = bar_h * len(values) + 36
    drawing = Drawing(frame_width, height, initialFontName=FONT, initialFontSize=9)
    chart = HorizontalBarChart()
    label_w = 150
    chart.x, chart.y = label_w, 28
    chart.width, chart.height = frame_width - label_w - 40, bar_h * len(values)
    chart.data = [values]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -6
    chart.categoryAxis.strokeColor = colors.HexColor("#8a94a3")
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    top = max(values) or 1
    step = max(1, _nice_step(top))
    chart.valueAxis.valueMax = step * (-(-top // step))
    chart.valueAxis.valueStep = step
    chart.valueAxis.strokeColor = colors.HexColor("#8a94a3")
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e1e5ea")
    chart.valueAxis.visibleGrid = 1
    chart.barWidth = bar_h * 0.7
    chart.groupSpacing = bar_h * 0.3
    chart.bars.strokeColor = None
    for i, colour in enumerate(palette):
        chart.bars[(0, i)].fillColor = colors.HexColor(colour)
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT_BOLD
    chart.barLabels.fontSize = 8
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 4
    drawing.add(chart)
    return drawing


def _nice_step(top: int) -> int:
    raw = top / 5
    magnitude = 10 ** max(0, len(str(int(raw))) - 1)
    for m in (1, 2, 5, 10):
        if raw <= m * magnitude:
            return int(m * magnitude)
    return int(10 * magnitude)
