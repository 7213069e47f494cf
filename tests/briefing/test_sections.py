"""From gathered data to the renderer-neutral Document: the sections a reader sees, in order,
and user text kept as plain text (each renderer escapes it its own way)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from pypdf import PdfReader

from tracker.briefing import BriefingOptions, build_briefing
from tracker.briefing.blocks import (
    BarChart,
    Document,
    Heading,
    IndicatorChart,
    KeyValueTable,
    Paragraph,
    RecordTable,
    SourceList,
)
from tracker.briefing.gather import gather
from tracker.briefing.sections import compose
from tracker.briefing.text import CONTROL_RE
from tracker.model.figures import DEADLINES_KIND, shown_beside

TODAY = dt.date(2026, 11, 27)


def document(repo, **options) -> Document:
    opts = BriefingOptions(language="en", **options)
    return compose(gather(repo, opts, TODAY), opts)


def strings(value) -> list[str]:
    """Every string anywhere in a document (metadata, cover, blocks, table cells)."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in strings(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [s for item in value for s in strings(item)]
    return []


def table_after(doc: Document, heading: str) -> RecordTable:
    """The first record table after a heading."""
    start = next(i for i, b in enumerate(doc.body) if isinstance(b, Heading) and b.text == heading)
    return next(b for b in doc.body[start:] if isinstance(b, RecordTable))


def outline_titles(items) -> list[str]:
    out = []
    for item in items:
        out += outline_titles(item) if isinstance(item, list) else [item.title]
    return out


def test_the_seeded_briefing_has_its_sections_in_order(repo, tmp_path):
    doc = document(repo)
    shape = [(type(b).__name__, b.text, b.level) if isinstance(b, Heading)
             else type(b).__name__ for b in doc.body]
    h, p, t = "Heading", Paragraph.__name__, RecordTable.__name__
    assert shape == [
        (h, "Executive summary", 1), p, KeyValueTable.__name__,
        (h, "Road-map status", 1), BarChart.__name__, p,
        (h, "Road-map timeline", 1), p, "Timeline", p,  # the seed's items have no dates
        (h, "Overdue and upcoming deadlines", 1), (h, "Overdue", 2), p,
        (h, "Due in the next 90 days", 2), p,
        (h, "Agreements", 1), p, t, (h, "Joint plants", 1), p, t, (h, "Farms", 1), p, t,
        (h, "Road map", 1), p, t, (h, "Indicators", 1), p, t, *[IndicatorChart.__name__] * 3,
        (h, "Meetings", 1), p, t, (h, "People", 1), p, t,
        (h, "Sources", 1), p, t,
        (h, "High-level contacts", 1), (h, "Upcoming", 2), p, (h, "Recent", 2), t,
        (h, "Appendix: sources", 1), SourceList.__name__,
    ]
    assert doc.meta.sides == "Belarus – Kazakhstan" and doc.meta.marking == "PUBLIC"
    assert doc.cover.facts == ("As of 27 November 2026", "Classification: Public")
    # The PDF's bookmarks are the document's headings, in the same order.
    out = tmp_path / "b.pdf"
    build_briefing(repo, BriefingOptions(language="en"), out, today=TODAY)
    assert outline_titles(PdfReader(out).outline) == [b.text for b in doc.headings()]


def test_sections_leave_out_what_the_options_leave_out(repo):
    doc = document(repo, sections=("roadmap",), include_sources=False, include_notes=False,
                   purpose="Why we meet")
    assert [b.text for b in doc.headings()] == ["Purpose", "Road map"]
    assert doc.body[1] == Paragraph("Why we meet")
    table = next(b for b in doc.body if isinstance(b, RecordTable))
    assert table.notes == () and not any("¹" in cell for row in table.rows for cell in row)


def test_user_text_stays_plain_text_in_the_document(repo):
    hostile = ["<b>x</b> & y", 'AT&T <a href="http://x">y</a>', "a<b", "<img src='e.png'/>"]
    for i, text in enumerate(hostile):
        repo.create("roadmap", {"title": f"R{i} {text}", "due_date": "2026-11-01",
                                "notes": f"note {i}: {text}\x07\nsecond line"})
    repo.set_settings({"relationship_title": 'Belarus <a href="http://evil">–</a> Kazakhstan'})
    doc = document(repo, title="<b>Bold?</b> & <i>x</i>", prepared_by='<img src="x.png"/> AT&T',
                   purpose="Talking points <br/> & <font size=40>x</font>")
    assert doc.meta.title == doc.cover.title == "<b>Bold?</b> & <i>x</i>"
    assert 'Prepared by <img src="x.png"/> AT&T' in doc.cover.facts
    assert doc.cover.sides == 'Belarus <a href="http://evil">–</a> Kazakhstan'
    assert Paragraph("Talking points <br/> & <font size=40>x</font>") in doc.body
    road_map = table_after(doc, "Road map")
    cells = {cell for row in road_map.rows for cell in row}
    notes = {note.title: note.text for note in road_map.notes}
    for i, text in enumerate(hostile):
        assert any(cell.startswith(f"R{i} {text} ") for cell in cells), text  # + footnote mark
        assert notes[f"R{i} {text}"] == f"note {i}: {text}\nsecond line"  # control char gone
    every = strings(doc)
    assert not [s for s in every if "&amp;" in s or "&lt;" in s or "&gt;" in s]
    assert not [s for s in every if CONTROL_RE.search(s)]


def test_key_figures_and_alerts_come_from_the_declarations(repo):
    repo.create("roadmap", {"title": "Late delivery", "due_date": "2026-11-01"})
    doc = document(repo)
    summary = next(b for b in doc.body if isinstance(b, KeyValueTable))
    assert [r.label for r in summary.rows] == [f.label for f in shown_beside()] + ["Next meeting"]
    # the planned items' row says one of them is overdue, in red
    assert [r.alert for r in summary.rows[:-1]] == [f.status == "planned" for f in shown_beside()]
    overdue_table = table_after(doc, "Overdue")
    assert overdue_table.alert
    assert [row[0] for row in overdue_table.rows] == ["Late delivery"]
    road_map = table_after(doc, "Road map")
    row = next(i for i, r in enumerate(road_map.rows) if r[0].startswith("Late delivery"))
    assert road_map.alert_cells == ((row, road_map.header.index("Due date")),)


def test_overdue_items_are_a_part_of_their_status_not_a_bar_or_row_beside_it(repo):
    """Issue 18: with planned items of which one is overdue, the chart and the summary said
    "Planned 6" and "Overdue 1" side by side, as if they were 7."""
    repo.create("roadmap", {"title": "Late delivery", "due_date": "2026-11-01"})
    repo.create("roadmap", {"title": "Late works", "due_date": "2026-10-01",
                            "status": "in_progress"})
    f = repo.figures(TODAY)
    doc = document(repo)
    chart = next(b for b in doc.body if isinstance(b, BarChart))
    assert [b.label for b in chart.bars] == [label for _v, label in DEADLINES_KIND.statuses]
    assert sum(b.value for b in chart.bars) == f["roadmap_total"]
    assert {b.label: (b.value, b.part, b.note) for b in chart.bars if b.part} == {
        "Planned": (f["roadmap_planned"], 1, "1 of them overdue"),
        "In progress": (f["roadmap_in_progress"], 1, "1 of them overdue")}
    summary = {r.label: r.value for r in next(b for b in doc.body
                                             if isinstance(b, KeyValueTable)).rows}
    assert "Road-map items overdue" not in summary
    assert summary["Road-map items planned"] == f"{f['roadmap_planned']} (1 of them overdue)"


def test_sections_need_only_the_gathered_data(repo):
    opts = BriefingOptions(language="en")
    data = gather(repo, opts, TODAY)
    repo.close()  # the sections never read the repository
    doc = compose(data, opts)
    assert len(doc.headings()) > 10 and doc.meta.level == data.level


def test_a_long_road_maps_repeated_values_are_held_once(repo):
    """Memory of a long annex: a status, an area, a date or a lead repeated in every row is
    one string read from the repository and one cell in the document, not one per row; the
    cells still read as before."""
    for i in range(30):
        repo.create("roadmap", {"title": f"Item {i}", "status": "planned",
                                "due_date": "2027-03-01", "home_lead": "Ministry of Trade"})
    opts = BriefingOptions(sections=("roadmap",), include_sources=False,
                           max_classification="restricted")
    data = gather(repo, opts, TODAY)
    rows = [r for r in data.rows["roadmap"] if r["title"].startswith("Item ")]
    assert len(rows) == 30
    for name in ("status", "due_date", "home_lead"):
        assert len({id(r[name]) for r in rows}) == 1, name
    table = next(b for b in compose(data, opts).body if isinstance(b, RecordTable))
    cells = [row for row in table.rows if row[0].startswith("Item ")]
    due = table.header.index("Due date")
    assert {row[due] for row in cells} == {"1 March 2027"}
    assert len({id(row[due]) for row in cells}) == 1
    assert len({id(row[-1]) for row in cells}) == 1 and cells[0][-1].startswith("Ministry")
