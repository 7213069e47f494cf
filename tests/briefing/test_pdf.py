"""The PDF renderer on its own: it needs only a Document (the seam a second renderer shares)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from pypdf import PdfReader

from tracker.briefing.blocks import (
    Bar,
    BarChart,
    Citation,
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
)
from tracker.briefing.pdf import render
from tracker.briefing.pdf.fonts import FONT, register_fonts
from tracker.briefing.pdf.tables import LineWrapper

TODAY = dt.date(2026, 11, 27)


def test_a_footnote_mark_never_starts_a_line_alone():
    register_fonts()
    wrapper = LineWrapper()
    width = wrapper.width("Single Economic Space", FONT, 8) + 1
    assert wrapper.lines("Single Economic Space ⁴", width, FONT, 8) == [
        "Single Economic", "Space ⁴"]
    # Ordinary words still wrap one by one.
    assert wrapper.lines("Single Economic Space four", width, FONT, 8) == [
        "Single Economic Space", "four"]


def hand_made(title: str = "Talks <b>&</b> more") -> Document:
    meta = Meta(title=title, sides="Here – There", author="Desk officer", subject="Subject",
                marking="RESTRICTED", level="restricted", date="27 November 2026", today=TODAY,
                language="en", paper="letter")
    cover = Cover(marking="RESTRICTED", title=title, sides="Here\nThere",
                  facts=("As of 27 November 2026",), notes=("A note on the cover.",))
    body = (
        Heading("First <i>section</i>"),
        Paragraph("Body text a<b & c", "body"),
        KeyValueTable((KeyValue("Figure", "3 of 4"), KeyValue("Alert", "7", alert=True))),
        Heading("A part", 2),
        RecordTable(("Title", "Due date", "Count"),
                    (("Row <one> ¹", "1 May 2026", "5"), ("Row two", "", "12")),
                    ("text", "date", "int"), alert_cells=((0, 1),), notes_label="Notes",
                    notes=(Footnote("¹", "Row <one>", "A note & more"),)),
        BarChart((Bar("Planned", 3, "#7f8ea3"), Bar("Overdue", 1, "#b3261e"))),
        Heading("Appendix"),
        SourceList((Source("A source", ("Publisher: Press",),
                           (Citation("Agreement: Row <one>", ("quoted <words>",)),)),)),
    )
    return Document(meta=meta, cover=cover, contents_title="Contents", body=body)


def test_a_document_renders_every_block_with_its_text_literal(tmp_path):
    out = tmp_path / "doc.pdf"
    pages = render.write(hand_made(), str(out))
    reader = PdfReader(out)
    assert pages == len(reader.pages) >= 3  # cover, contents, body
    texts = [page.extract_text() for page in reader.pages]
    whole = "\n".join(texts)
    assert "Talks <b>&</b> more" in texts[0] and "Here\nThere" in texts[0]
    assert all(t.count("RESTRICTED") >= 2 for t in texts)  # top and bottom of every page
    assert all(f"Page {i} of {pages}" in t for i, t in enumerate(texts, 1))
    for text in ("First <i>section</i>", "Body text a<b & c", "3 of 4", "Row <one> ¹",
                 "A note & more", "Planned", "Overdue", "Publisher: Press",
                 "Agreement: Row <one>", "“quoted <words>”"):
        assert text in whole, text
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        "First <i>section</i>", "Appendix"]
    assert abs(float(reader.pages[0].mediabox.width) - 612) < 1  # the meta's paper: Letter
    assert reader.metadata.title == "Talks <b>&</b> more"
    assert reader.metadata["/CreationDate"].startswith("D:20261127")


def test_a_bars_overdue_part_is_red_and_its_words_fit_the_page():
    """The overdue part of a status is drawn in red at its bar's start, and "6 (1 of them
    overdue)" after the longest bar stays on the page (it ran off the right edge)."""
    from reportlab.graphics.shapes import Rect

    from tracker.briefing.blocks import ALERT_COLOUR
    from tracker.briefing.pdf.chart import status_chart

    width = 450
    drawing = status_chart((Bar("Planned", 6, "#7f8ea3", part=1, note="1 of them overdue"),
                            Bar("Done", 0, "#2e7d32")), width)
    assert drawing.getBounds()[2] <= width
    chart = drawing.contents[0]
    bars = [s for s in chart.makeBars().getContents() if isinstance(s, Rect) and s.width > 0]
    red = [b for b in bars if b.fillColor.hexval().lower() == "0x" + ALERT_COLOUR[1:].lower()]
    assert len(red) == 1 and min(b.x for b in bars) == red[0].x  # the red part comes first
    assert abs(red[0].width * 6 - max(b.x + b.width for b in bars) + red[0].x) < 1e-6


def test_a_long_table_is_laid_out_holding_one_chunk_of_it_at_a_time(tmp_path, monkeypatch):
    """A long annex keeps in memory only the table of the rows being laid out (its wrapped
    cells and reportlab's style object per cell), not the tables of every page to come; the
    pages still carry every row under the header row repeated."""
    import gc
    import weakref

    from tracker.briefing.pdf import tables
    from tracker.briefing.progress import Progress

    made: weakref.WeakSet = weakref.WeakSet()
    init = tables.BriefingTable.__init__

    def tracked(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.add(self)

    monkeypatch.setattr(tables.BriefingTable, "__init__", tracked)
    rows = 4 * tables.CHUNK_ROWS
    document = replace(hand_made(), body=(
        Heading("Road map"),
        RecordTable(("Title", "Due date"), tuple((f"Item {i}", "1 May 2026") for i in range(rows)),
                    ("text", "date")),
    ))
    live: list[int] = []

    def sample() -> bool:  # asked after every flowable laid out
        gc.collect()
        live.append(len(made))
        return False

    out = tmp_path / "long.pdf"
    render.write(document, str(out), Progress(cancel=sample))
    # a chunk's table and what is left of it after a page's rows (reportlab's split)
    assert live and max(live) <= 3, max(live)
    texts = [p.extract_text() for p in PdfReader(out).pages]
    with_rows = [t for t in texts if "Item " in t]
    assert len(with_rows) > 20 and all("Title" in t and "Due date" in t for t in with_rows)
    found = [int(n) for n in re.findall(r"Item (\d+)\b", "\n".join(texts))]
    assert found == list(range(rows))  # every row once, in order


def test_finished_pages_wait_for_the_file_compressed(tmp_path, monkeypatch):
    """Every page's drawing operators are compressed as soon as the page is finished (as
    reportlab would compress them when writing the file), not all held until the end; the
    file reads the same."""
    from reportlab.pdfgen.canvas import Canvas

    held: list[int] = []
    save = Canvas.save

    def counting(self):  # the moment the whole file is written
        held.append(sum(len(p.stream or "") for p in self._doc.Pages.pages))
        save(self)

    monkeypatch.setattr(Canvas, "save", counting)
    document = replace(hand_made(), body=(RecordTable(
        ("Title",), tuple((f"Item {i}",) for i in range(600)), ("text",)),))
    out = tmp_path / "pages.pdf"
    pages = render.write(document, str(out))
    assert held == [0]
    reader = PdfReader(out)
    assert pages == len(reader.pages) > 5
    assert all(p["/Contents"].get_object().get("/Filter") == ["/FlateDecode"]
               for p in reader.pages)
    assert "Item 599" in reader.pages[-1].extract_text()


def _chart():
    from decimal import Decimal

    from tracker.briefing.blocks import ChartPoint, IndicatorChart

    day = dt.date(2020, 1, 1).toordinal()
    return IndicatorChart(
        title="Dairy exports", unit="Tonnes",
        values=tuple(ChartPoint(day + 365 * i, Decimal(100 + 10 * i), str(2020 + i), str(i))
                     for i in range(4)),
        target=ChartPoint(day + 365 * 6, Decimal(180), "Target: 180 t by 2026"),
        baseline=ChartPoint(None, Decimal(90), "Baseline: 90 t"),
        ticks=tuple((Decimal(v), str(v)) for v in (0, 100, 200)),
        facts=("Latest value: 130 t",), met=False, words=("Values", "Target", "Baseline"))


def test_an_indicators_dashed_levels_are_the_same_dashes_drawn_as_one_line_each(tmp_path):
    """In the PDF a dashed target or baseline is one line with a dash pattern (one operator,
    not one stroke per dash): the same dashes, from the same start to the same end, as the
    strokes the Word briefing's picture paints."""
    from reportlab.graphics.shapes import Line

    from tracker.briefing.blocks import IndicatorChart
    from tracker.briefing.pdf.indicator_chart import indicator_drawing

    def dashes(drawing):
        out = set()
        for s in drawing.contents:
            if not isinstance(s, Line) or s.y1 != s.y2:
                continue
            pattern = getattr(s, "strokeDashArray", None)
            if not pattern:
                out.add((round(s.x1, 6), round(s.x2, 6), s.y1, str(s.strokeColor)))
                continue
            on, off = pattern
            x = s.x1
            while x < s.x2:
                out.add((round(x, 6), round(min(x + on, s.x2), 6), s.y1, str(s.strokeColor)))
                x += on + off
        return out

    register_fonts()
    strokes = indicator_drawing(_chart(), 450)
    patterned = indicator_drawing(_chart(), 450, pattern=True)
    assert dashes(patterned) == dashes(strokes)
    assert len(patterned.contents) < len(strokes.contents) / 3
    out = tmp_path / "chart.pdf"
    document = replace(hand_made(), body=(Heading("Indicators"), _chart()))
    assert isinstance(document.body[1], IndicatorChart)
    render.write(document, str(out))
    content = b"".join(p.get_contents().get_data() for p in PdfReader(out).pages)
    assert b"[5 3] 0 d" in content and b"[1.2 2.2] 0 d" in content


def test_a_string_drawn_again_in_another_font_or_size_keeps_its_own(tmp_path):
    """The canvas reuses the text operators of a string it drew before (the running header,
    dates, statuses): only for the same font and size."""
    from tracker.briefing.pdf.fonts import FONT_BOLD
    from tracker.briefing.pdf.page import BriefingCanvas, Decor

    register_fonts()
    canv = BriefingCanvas(str(tmp_path / "c.pdf"), decor=Decor(
        title="T", sides="S", marking="M", level="internal", date="D",
        page_size=(595, 842), margin_x=50), today=TODAY)
    for font, size in ((FONT, 8), (FONT_BOLD, 8), (FONT, 9), (FONT, 8)):
        canv.setFont(font, size)
        canv.drawString(10, 10, "Дата")
    ops = [c for c in canv._code if "Tj" in c]  # noqa: SLF001 - the page's operators
    names = [op.split()[8] for op in ops]
    sizes = [op.split()[9] for op in ops]
    assert sizes == ["8", "8", "9", "8"]
    assert names[0] == names[3] != names[1] and names[2] == names[0]
