"""A :class:`~tracker.briefing.blocks.Document` as a Word file.

The file has the PDF's parts in the PDF's order: the cover (a page of its own), the contents,
the body. Everything is in named styles (``styles``): the section titles are Word's Heading 1
and 2 (the navigation pane, a Word table of contents and a restyle see them), tables use the
"Briefing Table" style with a header row repeated on every page and rows that never split, and
the column widths are the PDF's (fitted to the content, by column type). The contents list each
heading with a link to it and its page number as a PAGEREF field: LibreOffice computes those
as it lays the pages out; Word asks once, on opening, to update the document's fields
(``updateFields``) and fills them in. The chart is the PDF's drawing as a picture.

Word paginates the file itself, so the number of pages is not known here: :meth:`write`
returns None.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path
from types import SimpleNamespace

from tracker.briefing.blocks import (
    BarChart,
    Block,
    BulletList,
    Decision,
    Document,
    Heading,
    IndicatorChart,
    KeyValueTable,
    PageBreak,
    Paragraph,
    RecordTable,
    SourceList,
    Timeline,
    Title,
)
from tracker.briefing.docx import ooxml, package, page, styles
from tracker.briefing.docx import template as letterheads
from tracker.briefing.docx.ooxml import TableStyles, w
from tracker.briefing.progress import Progress
from tracker.i18n import _

ROW_CHECK = 250  # rows between two checks for a cancel
#: settings.xml children that come after ``updateFields`` (the schema's order, which Word
#: enforces).
_AFTER_UPDATE_FIELDS = {
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
    "listSeparator"}


class DocxRenderer:
    """The renderer :func:`~tracker.briefing.job.build_briefing` uses for a ``.docx`` file;
    ``letterhead``: a .docx or .dotx whose page setup, headers and footers the briefing is
    written into."""

    def __init__(self, letterhead: str | Path | None = None,
                 layout: page.MarkingLayout | None = None):
        self.letterhead = None if letterhead is None else Path(letterhead).expanduser()
        self.layout = layout
        self._letterhead_data: bytes | None = None

    def prepare(self) -> None:
        """Fonts for measuring columns and drawing the chart; the letterhead read and checked
        (a bad one is refused before any data is read)."""
        from tracker.briefing.pdf.fonts import register_fonts

        register_fonts()
        if self.letterhead is not None:
            self._letterhead_data = letterheads.read(self.letterhead)
            letterheads.open_letterhead(self.letterhead, self._letterhead_data)

    def write(self, document: Document, filename: str, progress: Progress | None = None
              ) -> None:
        """Lay ``document`` out into the Word file ``filename`` (the page count is Word's)."""
        import docx

        if self.letterhead is not None:
            if self._letterhead_data is None:
                self.prepare()
            doc = letterheads.open_letterhead(self.letterhead, self._letterhead_data)
            own = False
        else:
            doc = docx.Document()
            body = doc.element.body
            for item in list(body):
                if item.tag != w("sectPr"):
                    body.remove(item)
            own = True
        _Writer(doc, document, progress or Progress(), own, self.layout).write()
        package.set_properties(doc, document.meta)
        package.save(doc, filename)


def prepare() -> None:
    DocxRenderer().prepare()


def write(document: Document, filename: str, progress: Progress | None = None) -> None:
    """``document`` as a Word file without a letterhead."""
    renderer = DocxRenderer()
    renderer.prepare()
    renderer.write(document, filename, progress)


class _Writer:
    """One document's layout into python-docx's ``doc`` (its body empty)."""

    def __init__(self, doc, document: Document, progress: Progress, own: bool,
                 layout: page.MarkingLayout | None):
        from tracker.briefing.pdf.tables import LineWrapper, Tables

        self.doc, self.document, self.progress = doc, document, progress
        meta = document.meta
        section = doc.sections[-1]
        if own:
            page.setup_page(section, meta.paper)
        self.frame = page.text_width(section)
        self.ids = styles.install(doc.styles.element, self.frame, own, meta.language)
        page.decorate(section, meta, self.ids, own=own, layout=layout or page.layout_of(meta),
                      even_pages=doc.settings.odd_and_even_pages_header_footer)
        self.corner = (layout or page.layout_of(meta)).align == "right"
        self.end = doc.element.body.sectPr
        self.last = None
        cell = SimpleNamespace(fontSize=styles.TABLE_TEXT_SIZE,
                               leading=styles.TABLE_TEXT_SIZE * 1.2)
        self.fitter = Tables(LineWrapper(), cell, self.frame / 20, progress.check_cancel)
        self.table_styles = TableStyles(self.ids[styles.TABLE], self.ids[styles.TABLE_TEXT],
                                        self.ids[styles.TABLE_HEADING],
                                        self.ids[styles.ALERT_TEXT])
        self.headings = 0

    def add(self, el):
        """Place ``el`` at the end of the body (before its section properties)."""
        self.end.addprevious(el)
        self.last = el
        return el

    def para(self, style: str, text: str = "", **kw):
        return self.add(ooxml.paragraph(self.ids[style], text, **kw))

    def write(self) -> None:
        body = self.document.body
        copies = max(self.document.meta.copies, 1)
        rows = sum(len(b.rows) for b in body if isinstance(b, RecordTable))
        self.progress.estimate(self.progress.done + copies * (2 + len(body) + rows))
        for number in range(1, copies + 1):
            if number > 1:
                self.new_section()
            self.one_copy(number)
        if copies > 1:
            page.restart_numbering(self.end)
        _update_fields_on_open(self.doc.settings.element)

    def one_copy(self, copy: int) -> None:
        """The document once: its number first when copies are numbered."""
        if self.document.meta.copies:
            self.para(styles.COPY_NUMBER, _("Copy No. {n}").format(n=copy),
                      align="right" if self.corner else "center")
        first = self.headings
        if self.document.cover is not None:
            self.cover()
        if self.document.contents_title is not None:
            self.contents(first)
        for block in self.document.body:
            self.progress.check_cancel()
            self.block(block)
            self.progress.advance()

    def new_section(self) -> None:
        """The next copy starts a section on a new page: the same page setup, headers and
        footers, its pages numbered from 1."""
        sect_pr = copy.deepcopy(self.end)
        page.restart_numbering(sect_pr)
        holder = ooxml.paragraph(self.ids[styles.BODY])
        ooxml.paragraph_properties(holder).append(sect_pr)
        self.add(holder)

    # -- cover and contents --------------------------------------------------------------------

    def cover(self) -> None:
        c = self.document.cover
        self.para(styles.COVER_MARKING, c.marking)
        self.para(styles.TITLE, c.title)
        if c.sides is not None:
            self.para(styles.SUBTITLE, c.sides)
        for fact in c.facts:
            self.para(styles.COVER_LINE, fact)
        self.para(styles.COVER_LINE)  # the air between the facts and the notes
        for note in c.notes:
            self.para(styles.COVER_NOTE, note)
        ooxml.page_break_after(self.last)
        self.progress.advance()

    def contents(self, first: int = 0) -> None:
        """The contents title, then a line per heading: its text linked to the heading, a dot
        leader and its page number (a PAGEREF field). ``first``: the headings before this
        copy's (their bookmarks are numbered on)."""
        self.para(styles.TOC_HEADING, self.document.contents_title)
        for n, heading in enumerate(self.document.headings(), first + 1):
            p = self.para(styles.TOC[1 if heading.level == 1 else 2])
            link = ooxml.internal_link(p, _bookmark(n))
            ooxml.run(link, heading.text + "\t")
            ooxml.add_field(link, f"PAGEREF {_bookmark(n)} \\h")
        ooxml.page_break_after(self.last)
        self.progress.advance()

    # -- blocks --------------------------------------------------------------------------------

    def block(self, block: Block) -> None:
        match block:
            case Heading():
                self.headings += 1
                p = self.para(styles.HEADING[1 if block.level == 1 else 2], block.text)
                ooxml.bookmark(p, self.headings, _bookmark(self.headings))
            case Paragraph():
                self.para({"small": styles.SMALL, "lead": styles.LEAD}.get(
                    block.style, styles.BODY), block.text)
            case Title():
                self.para(styles.BRIEF_TITLE, block.text)
            case BulletList():
                for item in block.items:
                    p = self.para(styles.POINT, "•\t")
                    if item.lead:
                        ooxml.run(p, item.lead + " ", bold=True)
                    ooxml.run(p, item.text)
            case Decision():
                self.para(styles.DECISION, "\u2003\u2003".join(
                    f"\u2610 {option}" for option in block.options))
            case PageBreak():
                if self.last is not None and self.last.tag == ooxml.w("p"):
                    ooxml.page_break_after(self.last)
                else:
                    ooxml.page_break_after(self.para(styles.BODY))
            case KeyValueTable() if block.style == "memo":
                self.memo(block)
            case KeyValueTable():
                self.key_values(block)
            case RecordTable():
                self.record_table(block)
            case BarChart():
                self.chart(block)
            case SourceList():
                self.sources(block)
            case IndicatorChart():
                self.indicator(block)
            case Timeline():
                self.timeline(block)
            case _:
                raise TypeError(f"no DOCX layout for {type(block).__name__}")

    def widths(self, points: list[float]) -> list[int]:
        """Column widths in twips adding up to the text width exactly."""
        scale = self.frame / sum(points)
        out = [round(p * scale) for p in points]
        out[-1] += self.frame - sum(out)
        return out

    def key_values(self, block: KeyValueTable) -> None:
        widths = self.widths([45, 55])
        tbl = ooxml.table(self.table_styles, widths, header=False)
        alert = {1: self.table_styles.alert}
        for row in block.rows:
            ooxml.add_row(tbl, (row.label, row.value), widths, self.table_styles.text,
                          bold=frozenset({1}), run_styles=alert if row.alert else None)
        self.add(tbl)

    def memo(self, block: KeyValueTable) -> None:
        """A note's heading block: the labels narrow and bold, the values beside them."""
        widths = self.widths([24, 76])
        tbl = ooxml.table(self.table_styles, widths, header=False)
        # No stripes and no rules between the rows: one rule under the block, as in the PDF.
        pr = tbl.find(ooxml.w("tblPr"))
        look = pr.find(ooxml.w("tblLook"))
        look.set(ooxml.w("val"), "0600")
        look.set(ooxml.w("noHBand"), "1")
        borders = ooxml.element("tblBorders")
        ooxml.child(borders, "bottom", val="single", sz="6", space="0", color="4A5563")
        ooxml.child(borders, "insideH", val="nil")
        pr.find(ooxml.w("tblLayout")).addprevious(borders)
        for row in block.rows:
            tr = ooxml.add_row(tbl, ("", ""), widths, self.ids[styles.MEMO_VALUE])
            cells = tr.findall(ooxml.w("tc"))
            for tc, text, style in ((cells[0], row.label, styles.MEMO_LABEL),
                                    (cells[1], row.value, styles.MEMO_VALUE)):
                p = tc.find(ooxml.w("p"))
                p.find(f"{ooxml.w('pPr')}/{ooxml.w('pStyle')}").set(ooxml.w("val"),
                                                                     self.ids[style])
                ooxml.run(p, text)
        self.add(tbl)

    def record_table(self, block: RecordTable) -> None:
        ts = self.table_styles
        widths = self.widths(self.fitter.fit_widths(block.header, block.rows, block.types))
        right = frozenset(c for c, t in enumerate(block.types) if t == "int")
        tbl = ooxml.table(ts, widths, header=True)
        ooxml.add_row(tbl, block.header, widths, ts.heading, header=True, right=right)
        every = dict.fromkeys(range(len(block.header)), ts.alert) if block.alert else None
        alerts: dict[int, dict[int, str]] = {}
        for r, c in block.alert_cells:
            alerts.setdefault(r, {})[c] = ts.alert
        for i, cells in enumerate(block.rows):
            if i % ROW_CHECK == 0:
                self.progress.check_cancel()
            ooxml.add_row(tbl, cells, widths, ts.text, right=right,
                          run_styles=every or alerts.get(i))
        self.add(tbl)
        self.progress.advance(len(block.rows))
        if block.notes:
            self.para(styles.NOTES_HEADING, block.notes_label)
            for note in block.notes:
                self.para(styles.NOTE_TITLE, f"{note.mark} {note.title}")
                self.para(styles.NOTE, note.text)

    def chart(self, block: BarChart) -> None:
        from tracker.briefing.pdf.chart import chart_png

        width_pt = self.frame / 20
        png = chart_png(block.bars, width_pt)
        inline = self.doc.part.new_pic_inline(io.BytesIO(png), width=round(width_pt * 12700))
        p = self.para(styles.BODY)
        ooxml.child(ooxml.run(p), "drawing").append(inline)

    def indicator(self, block: IndicatorChart) -> None:
        """The title (kept with the chart), the PDF's drawing as a picture, the facts."""
        from tracker.briefing.pdf.chart import drawing_png
        from tracker.briefing.pdf.indicator_chart import indicator_drawing

        self.para(styles.CHART_TITLE, block.title)
        width_pt = self.frame / 20
        png = drawing_png(indicator_drawing(block, width_pt))
        inline = self.doc.part.new_pic_inline(io.BytesIO(png), width=round(width_pt * 12700))
        p = self.para(styles.BODY)
        ooxml.child(ooxml.paragraph_properties(p), "keepNext")  # the facts follow it
        ooxml.child(ooxml.run(p), "drawing").append(inline)
        for i, fact in enumerate(block.facts):
            p = self.para(styles.SMALL, fact)
            if i < len(block.facts) - 1:  # the chart's words stay together on one page
                ooxml.child(ooxml.paragraph_properties(p), "keepNext")

    def timeline(self, block: Timeline) -> None:
        """The PDF's timeline drawings as pictures, one paragraph each (Word moves a picture
        that does not fit to the next page)."""
        from tracker.briefing.pdf.timeline import timeline_pngs

        width_pt = self.frame / 20
        for png in timeline_pngs(block, width_pt):
            self.progress.check_cancel()
            inline = self.doc.part.new_pic_inline(io.BytesIO(png), width=round(width_pt * 12700))
            p = self.para(styles.BODY)
            ooxml.child(ooxml.run(p), "drawing").append(inline)

    def sources(self, block: SourceList) -> None:
        for source in block.sources:
            self.progress.check_cancel()
            self.para(styles.SOURCE, source.title)
            if source.details:
                self.para(styles.SOURCE_DETAILS, " · ".join(source.details))
            for citation in source.citations:
                self.para(styles.CITATION, citation.label)
                for quote in citation.quotes:
                    self.para(styles.QUOTATION, f"“{quote}”")


def _bookmark(n: int) -> str:
    """The bookmark of the ``n``-th heading (Word's hidden contents bookmarks start "_Toc")."""
    return f"_Toc{n:05d}"


def _update_fields_on_open(settings) -> None:
    """Word fills the contents' page numbers when it opens the file (it asks first)."""
    for old in settings.findall(w("updateFields")):
        settings.remove(old)
    flag = ooxml.element("updateFields", val="true")
    for item in settings:
        if isinstance(item.tag, str) and item.tag.split("}")[-1] in _AFTER_UPDATE_FIELDS:
            item.addprevious(flag)
            return
    settings.append(flag)
