"""Everything around the text: the doc template, the classification marking at the top and the
bottom of every page, the running header and footer, "Page X of Y", and the contents' page
numbers. Pages are kept until the canvas saves (the page states recipe), so the page count and
every heading's page are known when they are drawn: one pass is enough."""

from __future__ import annotations

import datetime as _dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFPage,
    PDFStream,
)
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Paragraph

from tracker import __version__
from tracker.briefing.pdf.fonts import FONT, FONT_BOLD
from tracker.briefing.pdf.styles import GREY, INK, LEVEL_COLOURS
from tracker.briefing.pdf.tables import TableChunk
from tracker.i18n import _


@dataclass
class TocSlot:
    """Where a contents line's page number goes (drawn once every heading's page is known)."""
    page: int
    key: str
    x_start: float
    x_end: float
    y: float
    font: str
    size: float


@dataclass
class PageNumbers:
    """Learnt while the pages are laid out: each heading's page, the contents' number slots,
    and in the end the page count."""
    headings: dict[str, int] = field(default_factory=dict)
    toc: list[TocSlot] = field(default_factory=list)
    count: int = 0


@dataclass
class Decor:
    """Everything drawn around the text: marking, running header and footer, page numbers."""
    title: str
    sides: str
    marking: str
    level: str
    date: str
    page_size: tuple[float, float]
    margin_x: float
    numbers: PageNumbers = field(default_factory=PageNumbers)
    #: "banner": the marking at the top and the bottom of every page; "corner": at the top
    #: right of each copy's first page, with the copy number under it.
    style: str = "banner"
    copies: int = 0  # numbered copies (0: one, unnumbered)
    #: The first page of each copy, in order (its pages are counted on their own).
    first_pages: list[int] = field(default_factory=list)

    @staticmethod
    def _fit(text: str, font: str, size: float, width: float) -> str:
        if stringWidth(text, font, size) <= width:
            return text
        while text and stringWidth(text + "…", font, size) > width:
            text = text[:-1]
        return text + "…"

    def _markings(self, canv) -> None:
        if self.style != "banner":
            return
        width, height = self.page_size
        canv.saveState()
        canv.setFillColor(colors.HexColor(LEVEL_COLOURS.get(self.level, "#000000")))
        canv.setFont(FONT_BOLD, 9)
        canv.drawCentredString(width / 2, height - 0.9 * cm, self.marking)
        canv.drawCentredString(width / 2, 0.8 * cm, self.marking)
        canv.restoreState()

    def _first_page(self, canv) -> None:
        """A copy's first page: the corner marking, the copy number."""
        self.first_pages.append(canv.getPageNumber())
        corner = self.style == "corner"
        if not corner and not self.copies:
            return
        width, height = self.page_size
        x = width - self.margin_x if corner else width / 2
        draw = canv.drawRightString if corner else canv.drawCentredString
        canv.saveState()
        canv.setFillColor(colors.HexColor(LEVEL_COLOURS.get(self.level, "#000000")))
        canv.setFont(FONT_BOLD, 9)
        y = height - (1.0 if corner else 1.3) * cm
        if corner:
            draw(x, y, self._fit(self.marking, FONT_BOLD, 9, width / 2))
            y -= 0.42 * cm
        if self.copies:
            canv.setFont(FONT, 9)
            draw(x, y, _("Copy No. {n}").format(n=len(self.first_pages)))
        canv.restoreState()

    def on_cover(self, canv, doc) -> None:
        self._markings(canv)
        self._first_page(canv)

    def on_first(self, canv, doc) -> None:
        """The first page of a note or a visit brief: the marking, the sides at the foot (no
        running title: the page starts with the document's own)."""
        self._markings(canv)
        self._first_page(canv)
        width, _height = self.page_size
        mx = self.margin_x
        canv.saveState()
        canv.setFillColor(colors.HexColor(GREY))
        canv.setStrokeColor(colors.HexColor("#aab2bd"))
        canv.setLineWidth(0.5)
        canv.setFont(FONT, 8)
        canv.line(mx, 1.55 * cm, width - mx, 1.55 * cm)
        canv.drawString(mx, 1.15 * cm, self._fit(self.sides, FONT, 8, (width - 2 * mx) * 0.6))
        canv.restoreState()

    def on_page(self, canv, doc) -> None:
        width, height = self.page_size
        mx = self.margin_x
        self._markings(canv)
        canv.saveState()
        canv.setFillColor(colors.HexColor(GREY))
        canv.setStrokeColor(colors.HexColor("#aab2bd"))
        canv.setLineWidth(0.5)
        canv.setFont(FONT, 8)
        usable = width - 2 * mx
        canv.drawString(mx, height - 1.55 * cm, self._fit(self.title, FONT, 8, usable * 0.7))
        canv.drawRightString(width - mx, height - 1.55 * cm, self.date)
        canv.line(mx, height - 1.7 * cm, width - mx, height - 1.7 * cm)
        canv.line(mx, 1.55 * cm, width - mx, 1.55 * cm)
        canv.drawString(mx, 1.15 * cm, self._fit(self.sides, FONT, 8, usable * 0.6))
        canv.restoreState()

    def on_save(self, canv, page: int, pages: int) -> None:
        """Drawn on every page once the page count and the headings' pages are known."""
        width, _height = self.page_size
        starts = [p for p in self.first_pages if p <= page] or [1]
        later = [p for p in self.first_pages if p > page]
        first = starts[-1]  # a copy's pages are numbered on their own
        page, pages = page - first + 1, (later[0] if later else pages + 1) - first
        canv.saveState()
        canv.setFillColor(colors.HexColor(GREY))
        canv.setFont(FONT, 8)
        canv.drawRightString(width - self.margin_x, 1.15 * cm,
                             _("Page {page} of {pages}").format(page=page, pages=pages))
        for slot in self.numbers.toc:
            if slot.page != page:
                continue
            number = str(self.numbers.headings.get(slot.key, ""))
            canv.setFillColor(colors.HexColor(INK))
            canv.setFont(slot.font, slot.size)
            canv.drawRightString(slot.x_end, slot.y, number)
            dots_end = slot.x_end - stringWidth(number, slot.font, slot.size) - 6
            unit = stringWidth(" .", slot.font, slot.size)
            count = int((dots_end - slot.x_start - 8) // unit)
            if count > 0:
                canv.setFillColor(colors.HexColor("#8a94a3"))
                canv.drawRightString(dots_end, slot.y, " ." * count)
        canv.restoreState()


class HeadingParagraph(Paragraph):
    """A section title that is also a bookmark, an outline entry and a contents target."""

    def __init__(self, text_markup: str, style: ParagraphStyle, *, key: str,
                 outline: str | None, outline_level: int, numbers: PageNumbers):
        super().__init__(text_markup, style)
        self.bookmark_key, self.outline_text = key, outline
        self.outline_level, self.page_numbers = outline_level, numbers

    def draw(self):
        canv = self.canv
        left, top = canv.absolutePosition(0, self.height + 4)
        dest = canv.bookmarkHorizontalAbsolute(self.bookmark_key, top, left=left)
        # Pages reach the document only when the canvas saves (see BriefingCanvas), so the
        # "current page" reportlab would record is wrong: name the page ourselves.
        dest.setPage(PDFObjectReference(f"Page{canv.getPageNumber()}"))
        if self.outline_text is not None:  # a second copy's headings: no outline entries
            canv.addOutlineEntry(self.outline_text, self.bookmark_key,
                                 level=self.outline_level, closed=self.outline_level > 0)
        self.page_numbers.headings[self.bookmark_key] = canv.getPageNumber()
        super().draw()

    def split(self, availWidth, availHeight):  # a heading never splits
        return []


class TocLine(Flowable):
    """One contents line linking to its heading; the page number is drawn when the canvas
    saves (every heading's page is known by then), so the document needs only one pass."""

    def __init__(self, text_markup: str, key: str, style: ParagraphStyle,
                 numbers: PageNumbers):
        super().__init__()
        self.para = Paragraph(text_markup, style)
        self.target_key, self.toc_style, self.page_numbers = key, style, numbers

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        _w, self.height = self.para.wrap(availWidth - 40, availHeight)
        return availWidth, self.height

    def draw(self):
        canv, style = self.canv, self.toc_style
        self.para.drawOn(canv, 0, 0)
        canv.linkRect("", self.target_key, (0, 0, self.width, self.height), relative=1,
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
        self.page_numbers.toc.append(TocSlot(canv.getPageNumber(), self.target_key, x_start,
                                             x_end, y, style.fontName, style.fontSize))


def _num(value: float) -> str:
    """A PDF number: fixed point, at most three decimals, no exponent."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


TEXT_CACHE = 20_000  # strings whose text operators a canvas keeps (see BriefingCanvas._text)


class BriefingCanvas(Canvas):
    """Keeps every page until the end, then draws "Page X of Y" and the contents' page numbers
    on each (the page states recipe)."""

    def __init__(self, *args, decor: Decor, today: _dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.decor = decor
        self._page_states: list[dict] = []
        self._shown: dict[tuple[str, float, str], str] = {}  # text operators (see _text)
        # The creation date is the briefing's date: the same data and options, the same bytes.
        self.setDateFormatter(lambda *_now: f"D:{today:%Y%m%d}000000+00'00'")

    def showPage(self):
        # A page waits for the count in a few bytes: its drawing operators joined (the stream
        # joins them with line breaks anyway) and compressed, instead of a list of thousands of
        # small strings (a 100,000-row annex: 4,000 pages).
        state = dict(self.__dict__)
        state["_code"] = zlib.compress("\n".join(self._code).encode("utf-8"), 1)
        self._page_states.append(state)
        self._startPage()

    # A briefing draws thousands of one-line strings (table cells, appendix lines). For the
    # plain case (TrueType font, no spacing, rise or direction) write the text operators
    # directly: reportlab's general path builds a text object and measures every string.
    def _plain_font(self, mode, charSpace, direction, wordSpace, shaping):
        """The TrueType font when the fast path applies, else None."""
        font = getFont(self._fontname)
        if mode is not None or charSpace or direction or wordSpace or shaping or \
                not isinstance(font, TTFont):
            return None
        return font

    def drawString(self, x, y, text, mode=None, charSpace=0, direction=None,
                   wordSpace=None, shaping=False):
        font = self._plain_font(mode, charSpace, direction, wordSpace, shaping)
        if font is None:
            return Canvas.drawString(self, x, y, text, mode, charSpace, direction,
                                     wordSpace, shaping)
        self._text(font, x, y, text)
        return None

    def drawRightString(self, x, y, text, mode=None, charSpace=0, direction=None,
                        wordSpace=None, shaping=False):
        font = self._plain_font(mode, charSpace, direction, wordSpace, shaping)
        if font is None:
            return Canvas.drawRightString(self, x, y, text, mode, charSpace, direction,
                                          wordSpace, shaping)
        self._text(font, x - font.stringWidth(text, self._fontsize), y, text)
        return None

    def _text(self, font, x, y, text):
        if not isinstance(text, str):
            text = str(text)
        # The operators after the position depend only on the font, its size and the text (a
        # string's characters keep the subset they were first given): dates, statuses, the
        # running header and footer repeat on every page.
        key = (font.fontName, self._fontsize, text)
        shown = self._shown.get(key)
        if shown is None:
            if len(self._shown) > TEXT_CACHE:
                self._shown.clear()
            doc = self._doc
            size = _num(self._fontsize)
            shown = self._shown[key] = " ".join(
                [f"{font.getSubsetInternalName(subset, doc)} {size} Tf "
                 f"({self._escape(chunk)}) Tj" for subset, chunk in font.splitString(text, doc)]
                + ["ET"])
        self._code.append(f"BT 1 0 0 1 {_num(x)} {_num(y)} Tm {shown}")

    def save(self):
        pages = len(self._page_states)
        states, self._page_states = self._page_states, []
        states.reverse()
        while states:  # each page's state freed once it is drawn
            state = states.pop()
            self.__dict__.update(state)
            self._code = [zlib.decompress(state["_code"]).decode("utf-8")]
            self.decor.on_save(self, self._pageNumber, pages)
            Canvas.showPage(self)
            _pack(self._doc.Pages.pages[-1])
        self.decor.numbers.count = pages
        self.showOutline()
        Canvas.save(self)


def _pack(page: PDFPage) -> None:
    """A finished page's stream compressed at once, as reportlab compresses it when it writes
    the file (the same filter, the same bytes): the pages of a long annex wait for the file
    as a few megabytes instead of as their drawing operators."""
    if not page.compression or rl_config.useA85 or not page.stream:
        return
    stream = PDFStream(PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])}),
                       zlib.compress(page.stream.encode("utf8")))
    stream.__Comment__ = "page stream"
    page.Contents, page.stream = stream, None


class BriefingDoc(BaseDocTemplate):
    """The doc template: ``after_flowable`` is told of every flowable laid out (progress)."""

    def __init__(self, filename: str, decor: Decor, today: _dt.date,
                 after_flowable: Callable[[Flowable], None], **meta):
        super().__init__(
            filename, pagesize=decor.page_size, invariant=1, initialFontName=FONT,
            initialFontSize=10, creator=f"Bilateral Tracker {__version__}",
            producer=f"Bilateral Tracker {__version__}", leftMargin=decor.margin_x,
            rightMargin=decor.margin_x, **meta)
        self.decor, self.today, self.after_flowable = decor, today, after_flowable

    def afterFlowable(self, flowable):
        self.after_flowable(flowable)

    def filterFlowables(self, flowables):
        """A table chunk becomes its table when the layout reaches it (and any chunk that a
        flowable kept with what follows would take along)."""
        i = 0
        while i < len(flowables):
            if isinstance(flowables[i], TableChunk):
                flowables[i] = flowables[i].make()
            if not flowables[i].getKeepWithNext():
                break
            i += 1

    def build(self, flowables, canvasmaker=None):
        maker = canvasmaker or partial(BriefingCanvas, decor=self.decor, today=self.today)
        super().build(flowables, canvasmaker=maker)
