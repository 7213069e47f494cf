"""A :class:`~tracker.briefing.blocks.Document` laid out as a PDF (reportlab platypus).

The story is the cover, the contents (page numbers filled in when the canvas saves, see
:mod:`.page`) and the body, one or more flowables per block. Every piece of text is escaped
before it reaches a ``Paragraph`` or drawn literally (tables, notes, the appendix); every style,
table and chart label uses the bundled DejaVu Sans family.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph

from tracker.briefing.blocks import (
    BarChart,
    Block,
    BulletList,
    Decision,
    Document,
    Heading,
    IndicatorChart,
    KeyValueTable,
    Paragraph,
    RecordTable,
    SourceList,
    Timeline,
    Title,
)
from tracker.briefing.blocks import PageBreak as PageBreakBlock
from tracker.briefing.pdf.chart import status_chart
from tracker.briefing.pdf.fonts import FONT, FONT_BOLD, register_fonts
from tracker.briefing.pdf.indicator_chart import indicator_drawing
from tracker.briefing.pdf.page import BriefingDoc, Decor, HeadingParagraph, PageNumbers, TocLine
from tracker.briefing.pdf.styles import GREY, INK, make_styles, markup, page_size
from tracker.briefing.pdf.tables import BriefingTable, Line, Lines, LineWrapper, TableChunk, Tables
from tracker.briefing.pdf.timeline import TimelineFlowable
from tracker.briefing.progress import Progress
from tracker.briefing.text import one_line

MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 2 * cm, 2.4 * cm, 2.2 * cm
LONG_TEXT = 3000  # characters above which a paragraph is laid out as pre-wrapped lines
NOTES_GREY = "#3d4550"


def prepare() -> None:
    """Ready the renderer before any work (a missing font fails at once)."""
    register_fonts()


def write(document: Document, filename: str, progress: Progress | None = None) -> int:
    """Lay ``document`` out into the PDF file ``filename``; returns the number of pages.
    ``progress`` counts laid-out flowables (a table's rows one by one) and is checked for a
    cancel after each."""
    register_fonts()
    return _Renderer(document, progress or Progress()).write(filename)


class _Renderer:
    def __init__(self, document: Document, progress: Progress):
        self.document, self.progress = document, progress
        self.st = make_styles()
        self.page_size = page_size(document.meta.paper)
        width, height = self.page_size
        self.frame_width = width - 2 * MARGIN_X
        self.frame_height = height - MARGIN_TOP - MARGIN_BOTTOM
        self.wrapper = LineWrapper()
        self.tables = Tables(self.wrapper, self.st["cell"], self.frame_width,
                             progress.check_cancel)
        self.numbers = PageNumbers()
        self.toc: list[tuple[str, Heading]] = []  # (bookmark key, heading), in order
        self.copy = 1

    def write(self, filename: str) -> int:
        meta = self.document.meta
        covered = self.document.cover is not None
        story: list[Flowable] = []
        for copy in range(1, max(meta.copies, 1) + 1):
            story += self.one_copy(copy, covered)
        self.progress.check_cancel()
        # From here on progress counts drawn table rows and other flowables (after_flowable).
        self.progress.estimate(self.progress.done + 1 + sum(_units(f) for f in story))
        decor = Decor(title=meta.title, sides=meta.sides, marking=meta.marking, level=meta.level,
                      date=meta.date, page_size=self.page_size, margin_x=MARGIN_X,
                      numbers=self.numbers, style=meta.marking_style, copies=meta.copies)
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, self.frame_width, self.frame_height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc = BriefingDoc(filename, decor, meta.today, self.after_flowable, title=meta.title,
                          author=meta.author, subject=meta.subject, lang=meta.language)
        first = (PageTemplate(id="cover", frames=[frame], onPage=decor.on_cover) if covered
                 else PageTemplate(id="first", frames=[frame], onPage=decor.on_first))
        doc.addPageTemplates([first, PageTemplate(id="body", frames=[frame],
                                                  onPage=decor.on_page)])
        doc.build(story)
        return self.numbers.count

    def one_copy(self, copy: int, covered: bool) -> list[Flowable]:
        """One copy of the document: its own flowables (and headings' keys); a copy after the
        first starts on a new page of the first page's template."""
        self.copy, self.toc = copy, []
        body = [f for block in self.document.body for f in self.block(block)]
        start: list[Flowable] = [] if copy == 1 else [
            NextPageTemplate("cover" if covered else "first"), PageBreak()]
        if covered:
            return start + self.cover() + self.contents() + body
        return [*start, NextPageTemplate("body"), *body]

    def after_flowable(self, flowable: Flowable) -> None:
        self.progress.advance(_units(flowable))
        self.progress.check_cancel()

    def para(self, text: str, style: str = "body") -> PdfParagraph:
        return PdfParagraph(markup(text), self.st[style])

    # -- cover and contents --------------------------------------------------------------------

    def text(self, text: str, style: str = "body", lead: str = "", bullet: bool = False
             ) -> Flowable:
        """A paragraph of literal text; a long one (the desk's pasted document) as pre-wrapped
        lines, which lay out in linear time and split between any two lines."""
        if len(text) + len(lead) <= LONG_TEXT:
            body = (f"<b>{markup(lead)}</b> " if lead else "") + markup(text)
            if bullet:
                return PdfParagraph(body, self.st["bullet"], bulletText="•")
            return PdfParagraph(body, self.st[style])
        st = self.st["bullet" if bullet else style]
        indent = st.leftIndent
        rows: list[Line] = [
            (line, st.fontName, st.fontSize, st.leading, st.textColor, indent)
            for line in self.wrapper.lines(f"{lead} {text}" if lead else text,
                                           self.frame_width - indent, st.fontName,
                                           st.fontSize)]
        return Lines(rows, st.spaceAfter)

    def cover(self) -> list[Flowable]:
        c = self.document.cover
        story: list[Flowable] = [Spacer(1, 3 * cm), self.para(c.marking, "cover_marking"),
                                 Spacer(1, 1.2 * cm), self.para(c.title, "cover_title")]
        if c.sides is not None:
            story.append(self.para(c.sides, "cover_sides"))
        story.append(Spacer(1, 1.5 * cm))
        story += [self.para(fact, "cover_line") for fact in c.facts]
        story.append(Spacer(1, 1.5 * cm))
        story += [self.para(note, "cover_note") for note in c.notes]
        return [*story, NextPageTemplate("body"), PageBreak()]

    def contents(self) -> list[Flowable]:
        story: list[Flowable] = [self.para(self.document.contents_title, "h1")]
        for key, h in self.toc:
            style = self.st["toc0"] if h.level == 1 else self.st["toc1"]
            story.append(TocLine(markup(h.text), key, style, self.numbers))
        return [*story, PageBreak()]

    # -- blocks --------------------------------------------------------------------------------

    def block(self, block: Block) -> list[Flowable]:
        match block:
            case Heading():
                return self.heading(block)
            case Paragraph():
                return [self.text(block.text, block.style)]
            case Title():
                return [self.para(block.text, "title")]
            case BulletList():
                return [self.text(i.text, lead=i.lead, bullet=True) for i in block.items]
            case Decision():
                boxes = "\u2003\u2003".join(f"\u2610 {markup(o)}" for o in block.options)
                return [PdfParagraph(boxes, self.st["decision"])]
            case PageBreakBlock():
                return [PageBreak()]
            case KeyValueTable() if block.style == "memo":
                return self.memo(block)
            case KeyValueTable():
                return self.key_values(block)
            case RecordTable():
                return self.record_table(block)
            case BarChart():
                return [status_chart(block.bars, self.frame_width)]
            case SourceList():
                return self.sources(block)
            case IndicatorChart():
                return [KeepTogether([self.para(block.title, "chart_title"),
                                      indicator_drawing(block, self.frame_width,
                                                        pattern=True),
                                      self.para("\n".join(block.facts), "small")])]
            case Timeline():
                return [Spacer(1, 0.15 * cm), TimelineFlowable(block), Spacer(1, 0.2 * cm)]
        raise TypeError(f"no PDF layout for {type(block).__name__}")

    def heading(self, h: Heading) -> list[Flowable]:
        key = f"h{len(self.toc) + 1}" if self.copy == 1 else f"c{self.copy}h{len(self.toc) + 1}"
        self.toc.append((key, h))
        top = h.level == 1
        flow = HeadingParagraph(markup(h.text), self.st["h1" if top else "h2"], key=key,
                                outline=one_line(h.text) if self.copy == 1 else None,
                                outline_level=h.level - 1, numbers=self.numbers)
        # Room for the heading and the start of what follows (headings never end a page).
        return [CondPageBreak((5 if top else 3.5) * cm), flow]

    def key_values(self, block: KeyValueTable) -> list[Flowable]:
        data = [[self.para(row.label, "cell"),
                 self.para(row.value, "cell_bold_red" if row.alert else "cell_bold")]
                for row in block.rows]
        return [Spacer(1, 0.3 * cm),
                self.tables.table(data, [self.frame_width * 0.45, self.frame_width * 0.55],
                                  header=False)]

    def memo(self, block: KeyValueTable) -> list[Flowable]:
        """A note's heading block: narrow bold labels, the values beside them, a rule under."""
        data = [[self.para(row.label, "memo_label"), self.para(row.value, "memo_value")]
                for row in block.rows]
        if not data:
            return []
        table = BriefingTable(data, colWidths=[self.frame_width * 0.24,
                                               self.frame_width * 0.76])
        table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.HexColor("#4a5563")),
        ]))
        return [table, Spacer(1, 0.25 * cm)]

    def record_table(self, block: RecordTable) -> list[Flowable]:
        story = self.tables.chunked(block.header, block.rows, block.types, alert=block.alert,
                                    alert_cells=block.alert_cells)
        if block.notes:
            story.append(self.notes(block))
        return story

    def notes(self, block: RecordTable) -> Flowable:
        """The notes of a table's records under it, each after the record's footnote mark and
        title (literal text: drawn line by line, never parsed as markup)."""
        ink, grey = colors.HexColor(INK), colors.HexColor(NOTES_GREY)
        width, indent, wrap = self.frame_width, 12, self.wrapper.lines
        # One flowable for the whole list (hundreds of small ones cost more to lay out than to
        # draw); a page may only start at a record's title, and never between the label and the
        # first record. Entries are capped (NOTES_LIMIT, NOTES_LINES), so each fits on a page;
        # one that would not (very wide characters) may break between any of its lines.
        rows: list[Line] = [(block.notes_label, FONT_BOLD, 9.0, 17.0, ink, 0)]
        breaks: list[int] = []
        for note in block.notes:
            if len(rows) > 1:
                rows.append(("", FONT, 8.0, 3.5, ink, 0))  # the space between two records
                breaks.append(len(rows))
            start = len(rows)
            rows += [(line, FONT_BOLD, 8.0, 10.5, ink, 0)
                     for line in wrap(f"{note.mark} {note.title}", width, FONT_BOLD, 8.0)]
            rows += [(line, FONT, 8.0, 10.5, grey, indent)
                     for line in wrap(note.text, width - indent, FONT, 8.0)]
            if 10.5 * (len(rows) - start) > 0.8 * self.frame_height:
                breaks += range(start + 1, len(rows))
        flowable = Lines(rows, 4.0, breaks=breaks)
        flowable.spaceBefore = 3.0  # a little air between the table and its notes
        return flowable

    def sources(self, block: SourceList) -> list[Flowable]:
        """Each source's title and details kept with what follows, then each citing record
        with its quotes (literal text)."""
        ink, grey = colors.HexColor(INK), colors.HexColor(GREY)
        width, indent, wrap = self.frame_width, 14, self.wrapper.lines
        story: list[Flowable] = []
        for source in block.sources:
            self.progress.check_cancel()
            rows: list[Line] = [(line, FONT_BOLD, 10.5, 14.0, ink, 0)
                                for line in wrap(source.title, width, FONT_BOLD, 10.5)]
            if source.details:
                rows += [(line, FONT, 8.5, 11.5, grey, 0)
                         for line in wrap(" · ".join(source.details), width, FONT, 8.5)]
            head = Lines(rows, 3.0)
            head.keepWithNext = 1
            story.append(head)
            for citation in source.citations:
                rows = [(line, FONT_BOLD, 9.0, 12.5, ink, indent)
                        for line in wrap(citation.label, width - indent, FONT_BOLD, 9.0)]
                for quote in citation.quotes:
                    rows += [(line, FONT, 9.0, 12.5, ink, indent)
                             for line in wrap(f"“{quote}”", width - indent, FONT, 9.0)]
                story.append(Lines(rows, 5.0))
            story.append(Spacer(1, 0.3 * cm))
        return story


def _units(flowable: Flowable) -> int:
    """Progress units of laying out a flowable: a table's body rows, else one."""
    return flowable.body_rows if isinstance(flowable, BriefingTable | TableChunk) else 1
