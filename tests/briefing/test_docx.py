"""Word briefings: what an official relies on when a briefing goes out as a .docx (no Qt).

python-docx and lxml read the files back; one slow test has LibreOffice (the stand-in for
Word) lay them out and print them to PDF."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import zipfile
from pathlib import Path

import docx
import docx_files  # tests/briefing/docx_files.py
import pytest
from docx.shared import Cm
from lxml import etree

from tracker.briefing import BriefingError, BriefingOptions, build_briefing
from tracker.briefing.blocks import ALERT_COLOUR
from tracker.briefing.docx import ooxml
from tracker.briefing.docx.page import FIRST_PAGE_CORNER, MarkingLayout
from tracker.briefing.docx.render import DocxRenderer
from tracker.briefing.gather import gather
from tracker.briefing.job import output_format
from tracker.briefing.pdf.chart import chart_png, drawing_png
from tracker.briefing.pdf.indicator_chart import indicator_drawing
from tracker.briefing.pdf.timeline import timeline_pngs
from tracker.briefing.progress import Progress
from tracker.briefing.sections import compose
from tracker.briefing.text import notes_text
from tracker.i18n import language

TODAY = dt.date(2026, 11, 27)
W = ooxml.W_NS
NS = {"w": W}
RUSSIAN = "Дорожная карта: поставка тракторов «Беларус» в Астану, ёлка"
BELARUSIAN = "Ўзаемадзеянне і супрацоўніцтва: Ў ў І і"
KAZAKH = "Ынтымақтастық: Ә Ғ Қ Ң Ө Ұ Ү Һ І"
HOSTILE = ("<b>not bold</b> &amp; {{ user.name }} {% if x %} ]]> <w:t>x</w:t> "
           "\u200fמרחב\u200f \u202eoverride\u202c \u2066iso\u2069 \U0001f600 tab\there\x07\x1b")


def build(repo, path: Path, **kwargs):
    """Build a briefing; the file read back with python-docx, and the Document it renders."""
    template = kwargs.pop("docx_template", None)
    fmt = kwargs.pop("format", None)
    kwargs.setdefault("max_classification", "restricted")
    options = BriefingOptions(**kwargs)
    result = build_briefing(repo, options, path, today=TODAY, docx_template=template,
                            format=fmt)
    with language(options.language):
        document = compose(gather(repo, options, TODAY, Progress()), options)
    return result, docx.Document(str(path)), document


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def table_text(doc) -> str:
    return "\n".join(cell.text for table in doc.tables for row in table.rows
                     for cell in row.cells)


def all_text(doc) -> str:
    return "\n".join([p.text for p in doc.paragraphs] + [table_text(doc)])


def shown_text(el) -> str:
    """The text a reader shows (not the fields' instructions)."""
    return "".join(t.text or "" for t in el.iter(f"{{{W}}}t"))


def story_text(story) -> str:
    return "\n".join(shown_text(p) for p in story.part.element.iter(f"{{{W}}}p"))


def instructions(story) -> list[str]:
    return [e.text.strip() for e in story.part.element.iter(f"{{{W}}}instrText")]


# --- structure ------------------------------------------------------------------------------------

def test_headings_are_word_headings_in_the_documents_order(repo, tmp_path):
    for i in range(30):
        repo.create("roadmap", {"title": f"Item {i}", "due_date": "2027-01-01"})
    result, doc, document = build(repo, tmp_path / "b.docx", purpose="Why we meet")
    assert result.path == tmp_path / "b.docx" and result.pages is None
    found = [(p.text, int(p.style.name[-1])) for p in doc.paragraphs
             if p.style.name in ("Heading 1", "Heading 2")]
    expected = [(h.text, h.level) for h in document.headings()]
    assert found == expected and len(found) > 10
    # Real headings: Word's built-in styles with their outline level (navigation pane, TOC).
    for name, level in (("Heading 1", "0"), ("Heading 2", "1")):
        style = doc.styles[name]
        assert style.builtin
        assert style.element.find("w:pPr/w:outlineLvl", NS).get(f"{{{W}}}val") == level
    # The cover comes first, on a page of its own; then the contents, linking every heading.
    texts = [p.text for p in doc.paragraphs]
    assert texts.index(document.cover.title) < texts.index("Contents") < texts.index(
        expected[0][0])
    body = doc.element.body
    links = body.findall(".//w:hyperlink", NS)
    assert [link.get(f"{{{W}}}anchor") for link in links] == [
        b.get(f"{{{W}}}name") for b in body.findall(".//w:bookmarkStart", NS)]
    assert [shown_text(link.find("w:r", NS)) for link in links] == [
        text for text, _level in expected]
    assert len(body.findall(".//w:instrText", NS)) == len(expected)  # a PAGEREF per line
    assert doc.settings.element.find("w:updateFields", NS) is not None


def test_tables_repeat_their_header_row_never_split_and_fit_their_columns(repo, tmp_path):
    repo.create("roadmap", {"title": "Late delivery of tractors", "due_date": "2026-11-01"})
    _r, doc, _d = build(repo, tmp_path / "b.docx")
    section = doc.sections[0]
    width = round((section.page_width - section.left_margin - section.right_margin) / 635)
    record_tables = 0
    elements = doc.element.body.findall("w:tbl", NS)
    assert len(elements) == len(doc.tables)
    for table, element in zip(doc.tables, elements, strict=True):
        rows = element.findall("w:tr", NS)
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
        assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
        grid = [int(g.get(f"{{{W}}}w")) for g in element.findall("w:tblGrid/w:gridCol", NS)]
        assert sum(grid) == width
        assert table.style.name == "Briefing Table"
        if rows[0].find("w:trPr/w:tblHeader", NS) is not None:
            record_tables += 1
            header = [c.text for c in table.rows[0].cells]
            if header[:2] == ["Title", "Due date"]:  # the Road map: title wide, dates not
                assert grid[0] > 2.5 * grid[1]
    assert record_tables >= 5
    # Overdue cells in the alert style, red as in the PDF; the style is Word's to change.
    alert = doc.styles["Alert"]
    assert str(alert.font.color.rgb) == ALERT_COLOUR.lstrip("#").upper()
    overdue = [run.text for table in doc.tables for row in table.rows for cell in row.cells
               for p in cell.paragraphs for run in p.runs if run.style.name == "Alert"]
    assert "Late delivery of tractors" in overdue  # the overdue list: whole rows
    assert "1 November 2026" in overdue  # the Road map: the due date cell
    for name in ("Table Text", "Table Heading", "Small", "Normal"):
        assert doc.styles[name] is not None


def test_marking_and_page_numbers_in_every_header_and_footer(repo, tmp_path):
    _r, doc, document = build(repo, tmp_path / "b.docx", max_classification="internal")
    marking = document.meta.marking
    section = doc.sections[0]
    assert section.different_first_page_header_footer  # the cover has no running title
    for header in (section.header, section.first_page_header):
        assert story_text(header).split("\n")[0] == marking
    for footer in (section.footer, section.first_page_footer):
        assert instructions(footer) == ["PAGE", "NUMPAGES"]
        assert story_text(footer).split("\n")[-1] == marking
        assert "Page 1 of 1" in story_text(footer)  # the fields' last results
    assert document.meta.title in story_text(section.header)
    assert document.meta.sides in story_text(section.footer)

    _r, doc, _d = build(repo, tmp_path / "ru.docx", language="ru")
    footer = doc.sections[0].footer
    assert "Страница 1 из 1" in story_text(footer)
    assert instructions(footer) == ["PAGE", "NUMPAGES"]


def test_page_x_of_y_keeps_a_translations_order():
    p = ooxml.element("p")
    ooxml.add_page_x_of_y(p, "{pages} беттің {page}-беті")
    assert [e.text.strip() for e in p.iter(f"{{{W}}}instrText")] == ["NUMPAGES", "PAGE"]
    assert shown_text(p) == "1 беттің 1-беті"


def test_a_first_page_corner_marking_with_a_copy_number_is_a_layout(repo, tmp_path):
    with language("ru"):
        options = BriefingOptions(language="ru")
        document = compose(gather(repo, options, TODAY, Progress()), options)
        layout = MarkingLayout(FIRST_PAGE_CORNER.every_page, FIRST_PAGE_CORNER.align, 3)
        DocxRenderer(layout=layout).write(document, str(tmp_path / "r.docx"))
    section = docx.Document(str(tmp_path / "r.docx")).sections[0]
    first = section.first_page_header.paragraphs
    assert [p.text for p in first[:2]] == [document.meta.marking, "Экз. № 3"]
    assert all(p.alignment == 2 for p in first[:2])  # right
    assert document.meta.marking not in story_text(section.header)
    assert document.meta.marking not in story_text(section.footer)
    assert instructions(section.first_page_footer) == ["PAGE", "NUMPAGES"]


def test_the_charts_are_the_pdfs_drawings_as_pictures(repo, tmp_path):
    _r, doc, document = build(repo, tmp_path / "b.docx")
    bars = next(b for b in document.body if type(b).__name__ == "BarChart").bars
    indicators = [b for b in document.body if type(b).__name__ == "IndicatorChart"]
    assert len(indicators) == 3  # the article's three figures
    section = doc.sections[0]
    width = (section.page_width - section.left_margin - section.right_margin) / 12700
    pictures = sorted((int(re.sub(r"\D", "", name) or 0), p)
                      for name, p in parts(tmp_path / "b.docx").items()
                      if name.startswith("word/media/"))
    # in the body's order: the status chart, the road-map timeline
    # (tests/briefing/test_timeline_figure.py), the indicators' charts
    expected = []
    for block in document.body:
        match type(block).__name__:
            case "BarChart":
                expected.append(chart_png(bars, width))
            case "Timeline":
                expected += timeline_pngs(block, width)
            case "IndicatorChart":
                expected.append(drawing_png(indicator_drawing(block, width)))
    assert [p for _n, p in pictures] == expected
    assert doc.inline_shapes[0].width == round(width * 12700)


def test_notes_and_sources_follow_their_tables(repo, tmp_path):
    _r, doc, document = build(repo, tmp_path / "b.docx")
    texts = [(p.style.name, p.text) for p in doc.paragraphs]
    notes = [t for s, t in texts if s == "Note"]
    assert any("The year 2017 is inferred" in t for t in notes)
    titles = [t for s, t in texts if s == "Note Title"]
    assert titles and all(re.match(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+ ", t) for t in titles)
    sources = [t for s, t in texts if s == "Source"]
    expected = next(b for b in document.body if type(b).__name__ == "SourceList").sources
    assert sources == [s.title for s in expected]
    assert any(s == "Quotation" and t.startswith("“") for s, t in texts)


# --- text -----------------------------------------------------------------------------------------

def test_cyrillic_is_intact(repo, tmp_path):
    repo.create("roadmap", {"title": RUSSIAN, "due_date": "2026-12-20"})
    repo.create("agreements", {"title": BELARUSIAN, "parties": KAZAKH})
    _r, doc, _d = build(repo, tmp_path / "b.docx", title="Брифинг: Ўў Іі Әә Ққ", language="ru")
    assert "Брифинг: Ўў Іі Әә Ққ" in [p.text for p in doc.paragraphs]
    cells = table_text(doc).split("\n")
    for text in (RUSSIAN, BELARUSIAN, KAZAKH):
        assert text in cells, text
    assert "Содержание" in [p.text for p in doc.paragraphs]
    assert doc.core_properties.language == "ru-RU"


def test_hostile_text_is_literal_and_every_part_is_valid_xml(repo, tmp_path):
    repo.create("roadmap", {"title": "Hostile " + HOSTILE[:200], "due_date": "2026-12-01",
                            "notes": HOSTILE})
    repo.set_settings({"relationship_title": "Belarus <a href='x'>&</a> Kazakhstan"})
    _r, doc, document = build(repo, tmp_path / "b.docx", title="<i>T</i> & {{ t }}",
                              prepared_by="<img src=x/> AT&T")
    shown = ("Hostile <b>not bold</b> &amp; {{ user.name }} {% if x %} ]]> <w:t>x</w:t> "
             "\u200fמרחב\u200f override iso \U0001f600 tab here")
    assert shown in table_text(doc).split("\n")  # no markup, no template, no bidi override
    texts = [p.text for p in doc.paragraphs]
    assert "<i>T</i> & {{ t }}" in texts and "Prepared by <img src=x/> AT&T" in texts
    assert ooxml.plain(notes_text(HOSTILE)) in texts  # the note: control characters gone
    assert notes_text(HOSTILE).startswith("<b>not bold</b> &amp; {{ user.name }}")
    assert "Belarus <a href='x'>&</a> Kazakhstan" in story_text(doc.sections[0].footer)
    for name, data in parts(tmp_path / "b.docx").items():
        if name.endswith((".xml", ".rels")):
            root = etree.fromstring(data)  # well-formed
            assert not root.xpath("//w:hyperlink[@r:id]", namespaces={
                **NS, "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"})
            assert b"\x07" not in data and "\u202e".encode() not in data


def test_restricted_records_never_reach_a_briefing_below_them(repo, tmp_path):
    repo.create("roadmap", {"title": "Secret tractor deal", "classification": "restricted",
                            "due_date": "2026-12-01", "notes": "Price agreed at 41 million"})
    repo.create("agreements", {"title": "Internal memo on dairy", "classification": "internal"})
    for level, secret in (("internal", ("Secret tractor deal", "41 million", "RESTRICTED")),
                          ("public", ("Secret tractor deal", "41 million", "Internal memo",
                                      "INTERNAL", "RESTRICTED"))):
        out = tmp_path / f"{level}.docx"
        result, doc, _d = build(repo, out, max_classification=level,
                                title=f"{level} briefing")
        assert result.classification == level
        for name, data in parts(out).items():
            for text in secret:
                assert text.encode() not in data, (level, name, text)
        props = doc.core_properties
        for value in (props.title, props.subject, props.author, props.comments,
                      props.keywords, props.category):
            assert not any(text in (value or "") for text in secret)
    _r, doc, _d = build(repo, tmp_path / "all.docx", max_classification="restricted")
    assert "Secret tractor deal" in table_text(doc)
    assert story_text(doc.sections[0].header).startswith("RESTRICTED")


# --- the file -------------------------------------------------------------------------------------

def test_same_data_and_options_give_identical_bytes(repo, tmp_path):
    docx_files.letterhead(tmp_path / "letterhead.docx")
    for template in (None, tmp_path / "letterhead.docx"):
        _r, _doc, _d = build(repo, tmp_path / "a.docx", title="Same", docx_template=template)
        first = (tmp_path / "a.docx").read_bytes()
        if template is None:  # python-docx stamps the zip's members with the time (2 s steps)
            time.sleep(2.1)
        _r, doc, _d = build(repo, tmp_path / "b.docx", title="Same", docx_template=template)
        assert (tmp_path / "b.docx").read_bytes() == first
        with zipfile.ZipFile(tmp_path / "b.docx") as z:
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
            assert not [n for n in z.namelist() if "thumbnail" in n]
            assert b"<Application>Bilateral Tracker</Application>" in z.read(
                "docProps/app.xml")
        props = doc.core_properties
        assert props.created == props.modified == dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
        assert props.title == "Same" and props.comments == "" and props.revision == 1
    _r, _doc, _d = build(repo, tmp_path / "c.docx", title="Other")
    assert (tmp_path / "c.docx").read_bytes() != first


def test_the_format_follows_the_suffix_or_the_argument(repo, tmp_path):
    assert output_format("b.DOCX") == "docx" and output_format("b.pdf") == "pdf"
    assert output_format("b") == "pdf" and output_format("b.out", "docx") == "docx"
    build_briefing(repo, BriefingOptions(), tmp_path / "word.out", format="docx", today=TODAY)
    assert zipfile.ZipFile(tmp_path / "word.out").read("word/document.xml")
    build_briefing(repo, BriefingOptions(), tmp_path / "plain", today=TODAY)
    assert (tmp_path / "plain").read_bytes().startswith(b"%PDF")
    for kwargs, needle in (({"format": "odt"}, "'odt' is not one of: pdf, docx"),
                           ({"format": "pdf", "docx_template": None}, "ends in .docx, not .pdf"),
                           ):
        with pytest.raises(BriefingError, match=re.escape(needle)):
            build_briefing(repo, BriefingOptions(), tmp_path / "x.docx", today=TODAY,
                           **kwargs)
    with pytest.raises(BriefingError, match=r"Word \(\.docx\) briefings only"):
        build_briefing(repo, BriefingOptions(), tmp_path / "x.pdf", today=TODAY,
                       docx_template=tmp_path / "letterhead.docx")
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.pdf").exists()
    docx_files.letterhead(tmp_path / "letterhead.docx")
    before = (tmp_path / "letterhead.docx").read_bytes()
    with pytest.raises(BriefingError, match="would be replaced by the briefing"):
        build_briefing(repo, BriefingOptions(), tmp_path / "letterhead.docx", today=TODAY,
                       docx_template=tmp_path / "letterhead.docx")
    assert (tmp_path / "letterhead.docx").read_bytes() == before


def test_a_cancelled_or_failing_build_leaves_the_older_file(repo, tmp_path, monkeypatch):
    out = tmp_path / "b.docx"
    out.write_bytes(b"older")
    for i in range(300):
        repo.create("roadmap", {"title": f"Row {i}", "due_date": "2027-01-01"})
    calls = []
    with pytest.raises(BriefingError):
        build_briefing(repo, BriefingOptions(), out, today=TODAY,
                       progress=lambda d, t: calls.append((d, t)),
                       cancel=lambda: len(calls) > 3)
    assert out.read_bytes() == b"older"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("tracker.db")] == [
        "b.docx"]

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    from tracker.briefing.pdf import chart

    monkeypatch.setattr(chart, "chart_png", boom)
    with pytest.raises(RuntimeError):
        build_briefing(repo, BriefingOptions(), out, today=TODAY)
    assert out.read_bytes() == b"older"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("tracker.db")] == [
        "b.docx"]
    monkeypatch.undo()
    calls.clear()
    build_briefing(repo, BriefingOptions(), out, today=TODAY,
                   progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == calls[-1][1] and len(calls) > 10
    assert [d / t for d, t in calls] == sorted(d / t for d, t in calls)


def test_a_file_the_build_cannot_read_is_named_not_blamed_on_the_output(repo, tmp_path,
                                                                          monkeypatch):
    """A missing template of the Word library (as in a bundle that lacked it) is named as the
    file that could not be read; the output is not said to be unwritable, and nothing is left."""
    from tracker.briefing.pdf import chart

    missing = tmp_path / "templates" / "default-header.xml"

    def unreadable(*_args, **_kwargs):
        return missing.read_bytes()

    monkeypatch.setattr(chart, "chart_png", unreadable)
    out = tmp_path / "b.docx"
    with pytest.raises(BriefingError) as refused:
        build_briefing(repo, BriefingOptions(), out, today=TODAY)
    assert str(missing) in str(refused.value)
    assert "cannot write" not in str(refused.value)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("tracker.db")] == []


# --- letterheads ----------------------------------------------------------------------------------

def test_a_letterhead_keeps_its_page_headers_and_look(repo, tmp_path):
    template = tmp_path / "letterhead.docx"
    data = docx_files.letterhead(template)
    raw = docx.Document(str(template))
    with pytest.raises(KeyError):  # what python-docx alone would do with it
        raw.add_heading("x", 1)
    docx_files.relabel(data, tmp_path / "letterhead.dotx", docx_files.DOTX)
    for source in (template, tmp_path / "letterhead.dotx"):
        _r, doc, document = build(repo, tmp_path / "b.docx", docx_template=source,
                                  max_classification="internal")
        section = doc.sections[0]
        assert abs(section.left_margin - Cm(3)) < Cm(0.01)  # its page setup
        assert doc.styles["Normal"].font.name == "Times New Roman"  # its look
        first = story_text(section.first_page_header).split("\n")
        assert first[0] == document.meta.marking  # ours above its letterhead
        assert first[-len(docx_files.LETTERHEAD_LINES):] == list(docx_files.LETTERHEAD_LINES)
        assert section.first_page_header.part.element.findall(".//w:drawing", NS)  # emblem
        first_footer = story_text(section.first_page_footer)
        assert first_footer.startswith(docx_files.LETTERHEAD_FOOTER)
        assert instructions(section.first_page_footer) == ["PAGE", "NUMPAGES"]
        assert story_text(section.header).startswith(document.meta.marking)
        headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
        assert headings == [h.text for h in document.headings() if h.level == 1]
        assert doc.styles["Heading 1"].font.name is None  # added: its Normal's font
        assert docx_files.LETTERHEAD_BODY not in all_text(doc)


def test_a_letterhead_with_even_page_headers_gets_the_marking_there_too(repo, tmp_path):
    docx_files.letterhead(tmp_path / "plain.docx")
    doc = docx.Document(str(tmp_path / "plain.docx"))
    doc.settings.odd_and_even_pages_header_footer = True
    doc.sections[0].even_page_header.paragraphs[0].add_run("Even page letterhead")
    doc.save(tmp_path / "even.docx")
    _r, doc, document = build(repo, tmp_path / "b.docx", docx_template=tmp_path / "even.docx")
    section = doc.sections[0]
    even = story_text(section.even_page_header).split("\n")
    assert even[0] == document.meta.marking and even[-1] == "Even page letterhead"
    assert instructions(section.even_page_footer) == ["PAGE", "NUMPAGES"]
    assert story_text(section.even_page_footer).endswith(document.meta.marking)


def test_an_older_briefing_as_letterhead_loses_its_marking_and_title(repo, tmp_path):
    repo.create("roadmap", {"title": "Restricted item", "classification": "restricted"})
    build(repo, tmp_path / "old.docx", title="Old secret title")
    _r, doc, document = build(repo, tmp_path / "new.docx", title="New",
                              max_classification="public", docx_template=tmp_path / "old.docx")
    for story in (doc.sections[0].header, doc.sections[0].first_page_header,
                  doc.sections[0].footer, doc.sections[0].first_page_footer):
        text = story_text(story)
        assert "RESTRICTED" not in text and "Old secret title" not in text
        assert text.count(document.meta.marking) == 1
    assert instructions(doc.sections[0].footer) == ["PAGE", "NUMPAGES"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    base = docx_files.letterhead(folder / "base.docx")
    docx_files.relabel(base, folder / "macros.docm", docx_files.DOCM)
    docx_files.relabel(base, folder / "vba.docx", b"application/vnd.openxmlformats-"
                       b"officedocument.wordprocessingml.document.main+xml",
                       {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    (folder / "pdf.docx").write_bytes(b"%PDF-1.4 not a zip\n" * 100)
    (folder / "empty.docx").write_bytes(b"")
    with zipfile.ZipFile(folder / "sheet.docx", "w") as z:
        z.writestr("[Content_Types].xml", b"<Types>spreadsheetml</Types>")
    docx_files.zip_bomb(folder / "bomb.docx")
    docx_files.lying_sizes(folder / "lying.docx")
    docx_files.billion_laughs(folder / "laughs.docx", base)
    (folder / "folder.docx").mkdir()
    return folder


@pytest.mark.parametrize("name, needle", [
    ("macros.docm", "contains macros"),
    ("vba.docx", "contains macros"),
    ("pdf.docx", "is not a Word document"),
    ("empty.docx", "is not a Word document"),
    ("sheet.docx", "is not a Word document"),
    ("bomb.docx", "unpacks to more than 64 MB"),
    ("lying.docx", "is damaged"),
    ("laughs.docx", "cannot be read as a Word document"),
    ("folder.docx", "is a folder"),
    ("missing.docx", "cannot read the letterhead"),
])
def test_hostile_letterheads_are_refused_in_one_line(repo, tmp_path, hostile, name, needle):
    out = tmp_path / "b.docx"
    started = time.perf_counter()
    with pytest.raises(BriefingError) as caught:
        build_briefing(repo, BriefingOptions(), out, today=TODAY,
                       docx_template=hostile / name)
    message = str(caught.value)
    assert needle in message and str(hostile / name) in message
    assert "\n" not in message
    assert time.perf_counter() - started < 2
    assert not out.exists() and not list(tmp_path.glob("*.tmp"))


# --- LibreOffice (Word's stand-in) ----------------------------------------------------------------

@pytest.mark.slow
def test_libreoffice_lays_out_the_headings_marking_and_page_numbers(repo, tmp_path):
    from pypdf import PdfReader

    if docx_files.soffice() is None:
        if os.environ.get("TRACKER_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required but not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    for i in range(120):
        repo.create("roadmap", {"title": f"Поставка тракторов, пункт {i}",
                                "due_date": "2027-01-01"})
    for lang, page_of in (("ru", "Страница {i} из {n}"), ("en", "Page {i} of {n}")):
        out = tmp_path / f"{lang}.docx"
        _r, _doc, document = build(repo, out, language=lang, max_classification="internal")
        pdf = docx_files.to_pdf(out, tmp_path)
        texts = [page.extract_text() for page in PdfReader(pdf).pages]
        n = len(texts)
        assert n >= 6
        whole = "\n".join(texts[2:])
        at = 0
        for heading in document.headings():  # in the Document's order
            at = f"\n{whole}".index(f"\n{heading.text}\n", at) + 1
        for i, text in enumerate(texts, 1):
            assert page_of.format(i=i, n=n) in text, (lang, i)
            assert text.count(document.meta.marking) >= 2, (lang, i)  # top and bottom
        # The contents' page numbers were laid out (PAGEREF fields), and the table's header
        # row is repeated on the Road map's later pages.
        assert re.search(r"\.{5,}\s*\d+", texts[1])
        body = list(document.body)
        longest = max((b for b in body if type(b).__name__ == "RecordTable"),
                      key=lambda b: len(b.rows))
        at = body.index(longest)
        start = next(b for b in reversed(body[:at]) if type(b).__name__ == "Heading")
        end = next(b for b in body[at:] if type(b).__name__ == "Heading")
        first = next(i for i, t in enumerate(texts) if i > 1 and f"\n{start.text}\n" in t)
        last = next(i for i, t in enumerate(texts) if i > first and f"\n{end.text}\n" in t)
        assert last - first >= 2
        # every later page the table's rows run onto repeats its header (the next section's
        # heading may start a fresh page of its own: indicators keep heading and chart together)
        # (a title may wrap in its cell: the road map's annex shows both sides' leads too)
        continued = [t for t in texts[first + 1:last + 1]
                     if re.search(r"Поставка\s+тракторов,\s+пункт", t)]
        assert len(continued) >= 2
        for text in continued:
            assert longest.header[0] in text and longest.header[1] in text
