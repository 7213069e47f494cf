"""The road-map timeline in briefings (no Qt): the renderer-neutral block composed from data, the
rule for long road maps, hostile titles, and both renderers drawing it on a page."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tracker.briefing import BriefingOptions, BriefingOptionsError, build_briefing
from tracker.briefing.blocks import Timeline
from tracker.briefing.gather import TIMELINE_LIMIT, BriefingData, TimelineData, gather
from tracker.briefing.pdf import render
from tracker.briefing.pdf.timeline import (
    LEGEND,
    MARKS,
    ROW,
    TimelineFlowable,
    lines_of,
    parts,
    timeline_pngs,
)
from tracker.briefing.progress import Progress
from tracker.briefing.sections import compose, timeline, timeline_figure
from tracker.i18n import language
from tracker.model import timeline as tl

TODAY = dt.date(2026, 11, 27)
KIND = tl.TIMELINE_KIND
HOSTILE = ("\u202eevil\u202c <b>bold?</b> <a href='x'>link</a> &amp; =1+1\n"
           "Ёлка «Беларус» \u2066iso\u2069 ") + "Ж" * 1_000_000


def iso(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


def row(rid, title, start=None, due=None, status="planned", progress=0, **more):
    return {"id": rid, "title": title, "status": status, "planned_start": start,
            "due_date": due, "progress": progress, **more}


def data(rows, grouping="area", titles=None, limit=TIMELINE_LIMIT) -> TimelineData:
    by = tl.grouping(KIND, grouping)
    found = tl.items(KIND, rows, TODAY, by)
    groups = tl.group_items(KIND, tl.nearest(found, TODAY, limit), by, titles)
    return TimelineData(KIND, by, groups, len(found), sum(1 for i in found if i.first is None))


def briefing_data(t: TimelineData) -> BriefingData:
    return BriefingData(today=TODAY, settings={}, figures={}, rows={}, contacts={}, appendix=[],
                        level="public", record_count=0, timeline=t)


def add(repo, title, start=None, due=None, **values) -> int:
    values = {"title": title, "planned_start": start, "due_date": due, **values}
    return repo.create("roadmap", {k: v for k, v in values.items() if v is not None}).record_id


# --- the block, composed from data -------------------------------------------------------------

def test_the_block_is_composed_from_the_data():
    rows = [row(1, "Tractor plant", iso(-100), iso(-1), "in_progress", 40, area="industry"),
            row(2, "Milk supplies", iso(-10), iso(50), "in_progress", 25, area="agriculture"),
            row(3, "Due only", due=iso(20), area="industry"),
            row(4, "Start only", start=iso(5), area="industry"),
            row(5, "Undated", area="trade"),
            row(6, "Done early", iso(-60), iso(-30), "done", 100, area="industry")]
    block = timeline_figure(data(rows), TODAY)
    assert isinstance(block, Timeline)
    assert block.header == "Road-map item"
    assert [g.label for g in block.groups] == ["Industry", "Agriculture", "No dates"]
    industry = {r.label: r for r in block.groups[0].rows}
    assert [r.label for r in block.groups[0].rows] == [
        "Tractor plant", "Done early", "Start only", "Due only"]  # by first day
    late = industry["Tractor plant"]
    assert late.shape == "bar" and late.alert and late.colour == tl.OVERDUE_COLOUR
    assert late.progress == 40
    assert not industry["Done early"].alert  # done: closed by the declaration
    assert industry["Done early"].colour == tl.STATUS_COLOURS[2]
    assert industry["Due only"].shape == "due" and industry["Start only"].shape == "start"
    [undated] = block.groups[-1].rows
    assert (undated.label, undated.shape, undated.start, undated.end) == ("Undated", "none",
                                                                           None, None)
    assert block.undated == "No dates"
    # positions: fractions of an axis of whole months holding every item and today
    axis = tl.Axis(tl.month_start(TODAY.toordinal() - 100),
                   tl.next_month(TODAY.toordinal() + 50))
    assert late.start == pytest.approx(axis.fraction(TODAY.toordinal() - 100), abs=1e-6)
    assert late.end == pytest.approx(axis.fraction(TODAY.toordinal()), abs=1e-6)
    assert block.today == pytest.approx(axis.fraction(TODAY.toordinal() + 0.5), abs=1e-6)
    assert late.start < block.today and late.end < block.today  # overdue: ends before today
    assert all(0 <= m.at < 1 for m in block.upper + block.lower)
    assert [label for _c, label, _s in block.legend] == [
        "Planned", "In progress", "Done", "Cancelled", "Overdue", "Due date only", "No due date"]
    assert [shape for _c, _l, shape in block.legend][-2:] == ["due", "start"]


def test_the_axis_is_written_in_the_briefings_language():
    rows = [row(1, "Item", "2026-01-10", "2027-06-30", area="trade")]
    with language("en"):
        block = timeline_figure(data(rows), TODAY)
        assert [m.label for m in block.upper] == ["2026", "2027"]
        assert "Jan" in [m.label for m in block.lower] and block.today_label == "Today"
    with language("ru"):
        block = timeline_figure(data(rows), TODAY)
        assert "янв." in [m.label for m in block.lower] and block.today_label == "Сегодня"
        assert block.header == "Пункт дорожной карты"


def test_a_long_road_map_draws_the_items_nearest_to_today_and_says_so():
    rows = [row(i, f"Item {i:03d}", iso(-3000 + 20 * i), iso(-2900 + 20 * i), area="trade")
            for i in range(300)]
    rows += [row(1000 + i, f"Undated {i}", area="trade") for i in range(3)]
    t = data(rows)
    assert t.total == 303 and t.shown == TIMELINE_LIMIT and t.undated == 3
    drawn = {i.id for g in t.groups for i in g.items}
    under_way = {r["id"] for r in rows if r["planned_start"] and r["due_date"]
                 and r["planned_start"] <= TODAY.isoformat() <= r["due_date"]}
    assert under_way <= drawn  # under way today: always among those drawn
    distances = sorted(tl.distance(i, TODAY) for i in tl.items(KIND, rows, TODAY))
    assert max(tl.distance(i, TODAY) for g in t.groups for i in g.items) \
        == distances[TIMELINE_LIMIT - 1]
    blocks = timeline(briefing_data(t), BriefingOptions(sections=("timeline",)))
    notes = [b.text for b in blocks if type(b).__name__ == "Paragraph"][1:]
    assert notes == [
        "120 of 303 items are drawn: those whose dates are nearest to today (under way today "
        "first); a briefing with the Road map section lists every item.",
        "3 items have no dates: none of them is drawn."]
    # a short one draws every item, the undated listed last
    t = data(rows[:5] + rows[-3:])
    blocks = timeline(briefing_data(t), BriefingOptions(sections=("timeline", "roadmap")))
    notes = [b.text for b in blocks if type(b).__name__ == "Paragraph"][1:]
    assert notes == ["3 items have no dates: listed last, under “No dates”."]


def test_a_far_off_date_is_cut_at_the_edge_not_dropped_and_not_squeezing_the_rest():
    rows = [row(1, "Typo in the year", iso(-30), "2099-12-31", area="trade"),
            row(2, "Normal", iso(-30), iso(60), area="trade"),
            row(3, "Long ago", "1990-01-01", "1991-01-01", area="trade")]
    block = timeline_figure(data(rows), TODAY)
    by_label = {r.label: r for g in block.groups for r in g.rows}
    assert set(by_label) == {"Typo in the year", "Normal", "Long ago"}
    assert by_label["Typo in the year"].end > 1 and by_label["Long ago"].end < 0
    normal = by_label["Normal"]
    assert normal.end - normal.start > 90 / (21 * 366)  # the axis spans ~20 years, not 110
    # the PDF draws an arrow at the edge each runs past
    d = TimelineFlowable(block)
    d.wrap(480, 800)
    from tracker.briefing.pdf.timeline import drawing

    shapes = drawing(block, lines_of(block), 480, legend=True).contents
    arrows = [s for s in shapes if type(s).__name__ == "Polygon" and len(s.points) == 6]
    assert len(arrows) >= 2


def test_a_diamond_due_on_the_axis_last_day_stays_inside_the_figure():
    last = dt.date(TODAY.year + 3, 2, 1) - dt.timedelta(days=1)
    block = timeline_figure(data([row(1, "Due at the very end", due=last.isoformat(),
                                      area="trade")]), TODAY)
    [due] = block.groups[0].rows
    assert due.shape == "due" and due.end == pytest.approx(1.0)
    from tracker.briefing.pdf.timeline import drawing

    width = 480
    shapes = drawing(block, lines_of(block), width, legend=False).contents
    [diamond] = [s for s in shapes if type(s).__name__ == "Polygon" and len(s.points) == 8]
    assert max(diamond.points[0::2]) <= width


def test_no_grid_line_crosses_the_words_no_dates():
    rows = [row(1, "Dated", iso(-900), iso(900), area="trade"), row(2, "Undated", area="trade")]
    block = timeline_figure(data(rows), TODAY)
    from reportlab.lib import colors
    from reportlab.pdfbase import pdfmetrics

    from tracker.briefing.pdf.timeline import FONT, SIZE, drawing

    shapes = drawing(block, lines_of(block), 480, legend=False).contents
    [i] = [n for n, s in enumerate(shapes)  # the row's words (not its group's label)
           if getattr(s, "text", None) == "No dates" and s.x > 100]
    words = shapes[i]
    left, right = words.x, words.x + pdfmetrics.stringWidth("No dates", FONT, SIZE)
    crossing = [n for n, s in enumerate(shapes[:i]) if type(s).__name__ == "Line"
                and s.x1 == s.x2 and left <= s.x1 <= right
                and min(s.y1, s.y2) <= words.y <= max(s.y1, s.y2)]
    assert crossing  # the grid runs there (years two and a half apart on a ~5 year axis)
    grounds = [s for s in shapes[max(crossing) + 1:i] if type(s).__name__ == "Rect"
               and s.fillColor == colors.white and s.x <= left and s.x + s.width >= right
               and s.y <= words.y <= s.y + s.height]
    assert grounds


def test_hostile_titles_stay_one_literal_line_in_the_figure(tmp_path):
    from tracker.briefing.blocks import Cover, Document, Meta

    rows = [row(1, HOSTILE, iso(-10), iso(10), "in_progress", 50, area="trade"),
            row(2, "Обычный пункт", iso(-5), iso(30), area="trade")]
    block = timeline_figure(data(rows), TODAY)
    label = block.groups[0].rows[0].label
    assert len(label) == tl.LABEL_LIMIT and "\n" not in label
    assert "\u202e" not in label and "\u2066" not in label
    assert label.startswith("evil <b>bold?</b> <a href='x'>link</a> &amp; =1+1 Ёлка «Беларус»")
    meta = Meta("T", "A – B", "", "", "INTERNAL", "internal", "27 November 2026", TODAY, "en",
                "a4")
    doc = Document(meta, Cover("INTERNAL", "T", None, (), ()), "Contents", (block,))
    pdf = tmp_path / "hostile.pdf"
    render.write(doc, str(pdf))
    reader = PdfReader(pdf)
    text = "".join(p.extract_text() for p in reader.pages)
    assert "evil <b>bold?</b>" in text and "Обычный пункт" in text  # literal, not markup
    assert not any(p.get("/Annots") for p in reader.pages[2:])  # no link made from the title
    assert timeline_pngs(block, 480)  # the Word picture draws it too


# --- the renderers ----------------------------------------------------------------------------

def dated_road_map(repo, n=30) -> dict[str, int]:
    ids = {}
    areas = ["industry", "agriculture", "trade"]
    for i in range(n):
        ids[f"item {i}"] = add(repo, f"Пункт {i}: поставка тракторов", iso(-200 + 9 * i),
                               iso(-20 + 11 * i), area=areas[i % 3], progress=(i * 7) % 100,
                               status="in_progress")
    ids["undated"] = add(repo, "Без сроков")
    return ids


def page_png(pdf: Path, page: int, out: Path) -> Path:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(out)], check=True, timeout=60)
    return out.with_suffix(".png")


def red_pixels(png: Path) -> int:
    from PIL import Image

    data = Image.open(png).convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3)
               if data[i] > 150 and data[i + 1] < 80 and data[i + 2] < 80)


def test_the_pdf_draws_the_figure_on_its_page(repo, tmp_path):
    dated_road_map(repo)
    out = tmp_path / "t.pdf"
    result = build_briefing(repo, BriefingOptions(sections=("timeline",), include_sources=False),
                            out, today=TODAY)
    texts = [p.extract_text() for p in PdfReader(out).pages]
    page = next(i for i, t in enumerate(texts) if "Road-map timeline" in t and i > 1)
    text = texts[page]
    for needed in ("Road-map item", "Industry", "Agriculture", "Trade", "No dates", "Today",
                   "Пункт 0: поставка тракторов", "Без сроков", "2026", "Grouped by: Area"):
        assert needed in text, needed
    assert result.pages == len(texts)
    if shutil.which("pdftoppm"):  # the overdue bars, red on the page
        assert red_pixels(page_png(out, page + 1, tmp_path / "page")) > 50


def test_the_word_briefing_has_the_same_figure_as_pictures(repo, tmp_path):
    dated_road_map(repo)
    out = tmp_path / "t.docx"
    options = BriefingOptions(sections=("timeline",), include_sources=False, language="ru")
    build_briefing(repo, options, out, today=TODAY)
    with language("ru"):
        document = compose(gather(repo, options, TODAY, Progress()), options)
    block = next(b for b in document.body if isinstance(b, Timeline))
    word = docx.Document(str(out))
    section = word.sections[0]
    width = (section.page_width - section.left_margin - section.right_margin) / 12700
    with zipfile.ZipFile(out) as z:
        pictures = [z.read(n) for n in sorted(z.namelist()) if n.startswith("word/media/")]
    assert pictures == timeline_pngs(block, width)
    text = "\n".join(p.text for p in word.paragraphs)
    assert "График выполнения дорожной карты" in text  # the heading, in Russian


def test_a_long_figure_splits_over_pages_with_the_axis_on_each(repo, tmp_path):
    for i in range(TIMELINE_LIMIT + 30):
        add(repo, f"Item {i:03d}", iso(-300 + i), iso(i), area="trade")
    out = tmp_path / "long.pdf"
    build_briefing(repo, BriefingOptions(sections=("timeline",), include_sources=False), out,
                   today=TODAY)
    texts = [p.extract_text() for p in PdfReader(out).pages][2:]
    with_figure = [t for t in texts if "Road-map item" in t]
    assert len(with_figure) >= 2
    for t in with_figure:  # the axis and the group's label on every page of the figure
        assert "Today" in t and "Trade" in t
    drawn = [f"Item {i:03d}" for i in range(TIMELINE_LIMIT + 30)
             if any(f"Item {i:03d}" in t for t in texts)]
    assert len(drawn) == TIMELINE_LIMIT  # each drawn once; the rest said in numbers
    assert f"120 of {TIMELINE_LIMIT + 30 + 5} items are drawn" in "".join(texts)


def test_word_pictures_never_end_with_a_groups_label():
    # 28 rows of one group, then another: the 30th line would be the second group's label
    rows = [row(i, f"Item {i}", iso(i), iso(i + 10), area=["trade", "energy"][i // 28])
            for i in range(56)]
    block = timeline_figure(data(rows), TODAY)
    split = parts(block, first=30, rows=31)
    assert [len(part) for part in split] == [29, 29]
    for part in split:  # the second group's label moved to the next part, with its rows
        assert part[-1][0] == "row" and part[0][0] == "group"
    assert sum(1 for part in split for what, _v in part if what == "row") == 56


def test_the_pdf_figure_splits_between_rows_never_after_a_groups_label():
    rows = [row(i, f"Item {i}", iso(i), iso(i + 10), area=["trade", "energy"][i // 28])
            for i in range(56)]
    figure = TimelineFlowable(timeline_figure(data(rows), TODAY))
    figure.wrap(480, 10_000)
    head, rest = figure.split(480, LEGEND + 2 * MARKS + ROW * 30 + 1)  # room for 30 lines
    assert len(head.lines) == 29 and head.lines[-1][0] == "row"  # not the second label
    assert rest.lines[0] == ("group", "Energy") and not rest.first  # axis again, no legend
    assert len(rest.lines) == 29
    assert figure.split(480, LEGEND + 2 * MARKS + ROW * 2) == []  # too little room: next page


def test_the_same_data_gives_identical_bytes(repo, tmp_path):
    dated_road_map(repo)
    options = BriefingOptions(sections=("timeline",), include_sources=False)
    for suffix in ("pdf", "docx"):
        a = build_briefing(repo, options, tmp_path / f"a.{suffix}", today=TODAY).path
        b = build_briefing(repo, options, tmp_path / f"b.{suffix}", today=TODAY).path
        assert a.read_bytes() == b.read_bytes(), suffix
        c = build_briefing(repo, options.replace(timeline_group="agreement"),
                           tmp_path / f"c.{suffix}", today=TODAY).path
        assert c.read_bytes() != a.read_bytes()


def test_records_above_the_level_are_not_drawn_nor_their_agreements_named(repo, tmp_path):
    secret = repo.create("agreements", {"title": "Secret protocol",
                                        "classification": "restricted"}).record_id
    add(repo, "Visible item", iso(-5), iso(5), agreement_id=secret, classification="public")
    add(repo, "Restricted item", iso(-5), iso(5), classification="restricted")
    out = tmp_path / "t.pdf"
    result = build_briefing(repo, BriefingOptions(sections=("timeline",), include_sources=False,
                                                  timeline_group="agreement"), out, today=TODAY)
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Visible item" in text and "Linked to a record not in this briefing" in text
    assert "Secret protocol" not in text and "Restricted item" not in text
    assert result.classification != "restricted"


def test_the_grouping_option_is_checked_and_kept_in_presets():
    options = BriefingOptions(timeline_group="Agreement ")
    assert options.timeline_group == "agreement"
    assert BriefingOptions.from_dict(options.to_dict()).timeline_group == "agreement"
    with pytest.raises(BriefingOptionsError) as err:
        BriefingOptions(timeline_group="colour")
    assert err.value.option == "timeline_group"
    assert BriefingOptions.from_dict({"sections": ["summary"]}).timeline_group == "area"


def test_the_cli_writes_the_timeline_grouped_by_agreement(tmp_path):
    from clirun import run_cli  # tests/clirun.py

    db = tmp_path / "t.db"
    out = tmp_path / "plan.pdf"
    res = run_cli("--db", str(db), "briefing", "-o", str(out), "--section", "timeline",
                  "--timeline-group", "agreement", "--today", "2026-11-27")
    assert res.returncode == 0, res.stderr
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Road-map timeline" in text and "Grouped by: Agreement" in text
    res = run_cli("--db", str(db), "briefing", "-o", str(out), "--timeline-group", "colour")
    assert res.returncode == 2 and "--timeline-group" in res.stderr
    assert "Traceback" not in res.stderr
