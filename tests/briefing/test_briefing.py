"""PDF briefings: what an official relies on when printing one (no Qt)."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tracker import __version__
from tracker.briefing import (
    BriefingCancelled,
    BriefingError,
    BriefingOptions,
    build_briefing,
)
from tracker.briefing.pdf import render
from tracker.briefing.text import NOTES_LIMIT
from tracker.i18n import current_language
from tracker.model import KIND_ORDER, KINDS
from tracker.store.repository import Repository, ValidationError

TODAY = dt.date(2026, 11, 27)
ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str):
    """Run the CLI in a subprocess, as a user would (not imported from conftest: with tests/ui
    collected too, ``conftest`` may name the GUI one)."""
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "tracker", *args], capture_output=True,
                          text=True, env=dict(os.environ), timeout=120, cwd=ROOT)

RUSSIAN = "Дорожная карта сотрудничества: поставка тракторов «Беларус» в Астану"
BELARUSIAN = "Ўзаемадзеянне і супрацоўніцтва: Ў ў І і"
KAZAKH = "Ынтымақтастық: Ә Ғ Қ Ң Ө Ұ Ү Һ І"
MARKUP = ["<b>x</b>", "AT&T", '<a href="http://x">y</a>', '<img src="evil.png"/>',
          '<font color="red" size="40">big</font>', "a<b", "&amp; &lt;", "]]> <![CDATA[ x"]


def squash(text: str) -> str:
    return "".join(text.split())


def build(repo, path: Path, **options):
    options.setdefault("max_classification", "restricted")
    result = build_briefing(repo, BriefingOptions(**options), path, today=TODAY)
    reader = PdfReader(path)
    texts = [page.extract_text() for page in reader.pages]
    return result, reader, texts


def link_annotations(reader: PdfReader) -> list[dict]:
    out = []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Link":
                out.append(annot)
    return out


# --- content --------------------------------------------------------------------------------------

def test_every_included_record_title_is_printed(repo, tmp_path):
    result, reader, texts = build(repo, tmp_path / "b.pdf")
    whole = squash("".join(texts))
    titles = {kind: [r["title"] for r in repo.list(kind)] for kind in KIND_ORDER}
    assert sum(len(t) for t in titles.values()) == result.records > 10
    for kind, kind_titles in titles.items():
        for title in kind_titles:
            assert squash(title) in whole, (kind, title)


def test_cyrillic_prints_exactly(repo, tmp_path):
    repo.create("roadmap", {"title": RUSSIAN, "due_date": "2026-12-20"})
    repo.create("agreements", {"title": BELARUSIAN, "parties": KAZAKH})
    repo.create("people", {"title": KAZAKH + " (адказны)", "country": "Қазақстан"})
    _result, _reader, texts = build(repo, tmp_path / "b.pdf", title="Брифинг: Ўў Іі Әә Ққ")
    assert "Брифинг: Ўў Іі Әә Ққ" in texts[0]  # the cover title, on one line, exactly
    # Wrapped lines break at spaces: joined with one space, every phrase reads exactly.
    words = " ".join(" ".join(texts).split())
    for text in (RUSSIAN, BELARUSIAN, KAZAKH, KAZAKH + " (адказны)", "Қазақстан"):
        assert text in words, text


def test_markup_in_user_text_prints_literally_and_makes_no_links(repo, tmp_path):
    for i, text in enumerate(MARKUP):
        repo.create("roadmap", {"title": f"item {i}: {text}", "due_date": "2026-12-01",
                                "notes": text})
    repo.set_settings({"relationship_title": 'Belarus <a href="http://evil">–</a> Kazakhstan'})
    _result, reader, texts = build(repo, tmp_path / "b.pdf", title="<b>Bold?</b> & <i>x</i>",
                                   prepared_by='<img src="x.png"/> AT&T')
    whole = squash("".join(texts))
    for i, text in enumerate(MARKUP):
        assert squash(f"item {i}: {text}") in whole, text
    assert "<b>Bold?</b> & <i>x</i>" in texts[0]
    assert 'Prepared by <img src="x.png"/> AT&T' in texts[0]
    assert squash('Belarus <a href="http://evil">–</a> Kazakhstan') in squash(texts[0])
    links = link_annotations(reader)
    assert links, "the contents should link to the sections"
    for annot in links:
        action = annot.get("/A")
        assert action is None or action.get_object().get("/S") != "/URI", annot
        assert annot.get("/Dest") is not None  # internal destination only
    for page in reader.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        for xobj in xobjects.values():
            assert xobj.get_object().get("/Subtype") != "/Image"


def test_page_x_of_y_on_every_page(repo, tmp_path):
    for i in range(120):
        repo.create("roadmap", {"title": f"Item number {i}", "due_date": "2027-01-01"})
    result, reader, texts = build(repo, tmp_path / "b.pdf")
    n = len(reader.pages)
    assert result.pages == n > 5
    for i, text in enumerate(texts, 1):
        assert f"Page {i} of {n}" in text, i


def test_table_header_repeats_on_every_page_of_a_long_table(repo, tmp_path):
    for i in range(700):  # more than one chunk (500 rows) and many pages
        repo.create("roadmap", {"title": f"Long table row {i}", "due_date": "2027-01-01"})
    _result, _reader, texts = build(repo, tmp_path / "b.pdf", sections=("roadmap",),
                                    include_sources=False)
    pages = [t for t in texts if "Long table row" in t]
    assert len(pages) > 10
    for text in pages:
        assert "Title" in text and "Due date" in text
    whole = "".join(texts)
    assert all(f"Long table row {i}\n" in whole or f"Long table row {i} " in whole
               for i in range(700))


def test_contents_page_numbers_and_bookmarks_match_the_sections(repo, tmp_path):
    for i in range(80):
        repo.create("roadmap", {"title": f"Row {i}", "due_date": "2027-01-01"})
    _result, reader, texts = build(repo, tmp_path / "b.pdf")

    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item

    entries = list(walk(reader.outline))
    titles = [e.title for e in entries]
    for section in ("Executive summary", "Road-map status", "Agreements", "Road map",
                    "High-level contacts", "Appendix: sources"):
        assert section in titles
    pages = [reader.get_destination_page_number(e) + 1 for e in entries]
    assert pages == sorted(pages)
    toc = texts[1]
    assert "Contents" in toc
    # The contents' page numbers are drawn when the canvas saves, after the page's footer.
    tail = toc.split(f"Page 2 of {len(reader.pages)}", 1)[1]
    printed = [int(n) for n in re.findall(r"\d+", tail)]
    assert printed == pages
    for e, page in zip(entries, pages, strict=True):
        assert e.title in texts[page - 1]


def test_an_empty_database_still_gives_a_briefing(empty_repo, tmp_path):
    result, reader, texts = build(empty_repo, tmp_path / "b.pdf")
    whole = "".join(texts)
    assert result.records == 0 and result.classification == "public"
    assert "There are no road-map items." in whole
    assert whole.count("No records match the options.") == len(
        [k for k in KIND_ORDER if KINDS[k].data_section])  # every kind's section
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in texts[-1]


def test_summary_shows_the_core_figures(repo, tmp_path):
    f = repo.figures(TODAY, max_classification="internal")
    _result, _reader, texts = build(repo, tmp_path / "b.pdf", max_classification="internal")
    summary = next(t for t in texts if "Executive summary" in t and "Agreements in force" in t)
    assert f"{f['agreements_in_force']} of {f['agreements_total']}" in summary
    assert f"{f['plants_operating_sites']} of {f['plants_sites_total']}" in summary
    assert f"{f['roadmap_done']} of {f['roadmap_total']}" in summary


def test_overdue_items_listed(repo, tmp_path):
    repo.create("roadmap", {"title": "Late delivery of tractors", "due_date": "2026-11-01"})
    repo.create("roadmap", {"title": "Soon: dairy fair", "due_date": "2026-12-05"})
    _result, _reader, texts = build(repo, tmp_path / "b.pdf")
    page = next(t for t in texts if "Days overdue" in t)
    overdue_part, upcoming_part = page.split("Due in the next 90 days", 1)
    assert "Late delivery of tractors" in overdue_part and "26" in overdue_part
    assert "Soon: dairy fair" in upcoming_part


# --- record notes and purpose ---------------------------------------------------------------------

SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def section_text(texts: list[str], heading: str, next_heading: str) -> str:
    """The text from a section's heading to the next one (the contents page left out)."""
    body = "\n".join(texts[2:])
    start = body.index(f"\n{heading}\n")
    return body[start:body.index(f"\n{next_heading}\n", start + 1)]


def test_record_notes_print_under_their_kinds_table(repo, tmp_path):
    _result, _reader, texts = build(repo, tmp_path / "b.pdf", max_classification="internal")
    meetings = section_text(texts, "Meetings", "People")
    words = " ".join(meetings.split())
    # The seed explains its inferences in notes: an official must see them beside the records.
    assert "The year 2017 is inferred from “Expo 2017”" in words
    assert "\nNotes\n" in meetings
    table, notes = meetings.split("\nNotes\n", 1)
    for rec in repo.list("meetings"):
        if not rec["notes"]:
            continue
        # The title carries a footnote mark in the table; the notes repeat mark and title.
        mark = re.search(rf"{re.escape(squash(rec['title']))}([{SUPERSCRIPT}]+)", squash(table))
        assert mark, rec["title"]
        assert squash(mark.group(1) + rec["title"] + rec["notes"]) in squash(notes)
    # Every kind with notes gets them: the agreements' "inferred" statuses too.
    agreements = section_text(texts, "Agreements", "Joint plants")
    assert "Status “in force” is inferred" in " ".join(agreements.split())


def test_notes_of_left_out_records_never_print(repo, tmp_path):
    repo.create("roadmap", {"title": "Secret tractor deal", "classification": "restricted",
                            "due_date": "2026-12-01",
                            "notes": "Price agreed privately at 41 million"})
    repo.create("roadmap", {"title": "Open dairy fair", "classification": "internal",
                            "notes": "Stand size still to be confirmed"})
    gone = repo.create("roadmap", {"title": "Dropped item", "notes": "Trashed note text"})
    repo.delete("roadmap", gone.record_id)

    _r, _reader, texts = build(repo, tmp_path / "internal.pdf", max_classification="internal")
    whole = " ".join(" ".join(texts).split())
    assert "Stand size still to be confirmed" in whole
    assert "41 million" not in whole and "Secret tractor deal" not in whole
    assert "Trashed note text" not in whole

    _r, _reader, texts = build(repo, tmp_path / "public.pdf", max_classification="public")
    whole = " ".join(" ".join(texts).split())
    assert "Stand size" not in whole and "41 million" not in whole
    assert "The year 2017 is inferred" in whole  # the public seed's notes stay

    _r, _reader, texts = build(repo, tmp_path / "all.pdf", max_classification="restricted")
    assert "Price agreed privately at 41 million" in " ".join(" ".join(texts).split())


def test_no_notes_leaves_every_note_and_mark_out(repo, tmp_path):
    _r, _reader, texts = build(repo, tmp_path / "b.pdf", include_notes=False)
    whole = "".join(texts)
    assert "inferred" not in whole
    assert "\nNotes\n" not in whole
    assert not set(SUPERSCRIPT) & set(whole)
    titles = squash(whole)
    assert all(squash(r["title"]) in titles for r in repo.list("meetings"))


def test_hostile_notes_print_literally_and_are_capped(repo, tmp_path):
    for i, text in enumerate(MARKUP):
        repo.create("agreements", {"title": f"Hostile {i}", "notes": f"note {i}: {text}"})
    repo.create("agreements", {"title": "Blank lines", "notes": "first\n\n\n\n   \nsecond\x07"})
    # Hundreds of short lines would make one entry taller than a page: they run on instead.
    repo.create("agreements", {"title": "Many lines",
                               "notes": "\n".join(f"line{i}" for i in range(600))})
    long_notes = " ".join(f"w{i}" for i in range(3000))
    repo.create("agreements", {"title": "Long notes", "notes": long_notes})
    _r, reader, texts = build(repo, tmp_path / "b.pdf", sections=("agreements",),
                              include_sources=False)
    body = "\n".join(texts)
    notes = squash(body.split("\nNotes\n", 1)[1])
    for i, text in enumerate(MARKUP):
        assert squash(f"note {i}: {text}") in notes, text
    assert "\nfirst\nsecond\n" in body  # blank lines and control characters dropped
    assert "\nline8\nline9 line10 line11" in body and "line599" not in body
    assert "w10 w11" in body and "w2999" not in body and "…" in body
    printed = body.split("w0 ", 1)[1].split("…", 1)[0]
    assert 800 < len(" ".join(printed.split())) < NOTES_LIMIT
    for annot in link_annotations(reader):
        assert annot.get("/Dest") is not None  # no link made from a note


def test_long_notes_lists_start_pages_at_a_record(repo, tmp_path):
    for i in range(120):
        repo.create("roadmap", {"title": f"Item {i}", "due_date": "2027-01-01",
                                "notes": f"Note for item {i}: " + "context " * (i % 40)})
    _r, _reader, texts = build(repo, tmp_path / "b.pdf", sections=("roadmap",),
                               include_sources=False)
    whole = "\n".join(texts)
    found, pages = 0, 0
    for text in texts:
        numbers = re.findall(r"Note for item (\d+):", text)
        pages += bool(numbers)
        for n in numbers:
            found += 1
            # The mark and title are on the same page as the note they introduce.
            assert re.search(rf"\n[{SUPERSCRIPT}]+ Item {n}\n", text), n
    assert found == 120 and pages >= 3  # the list runs over several pages
    for i in range(120):  # the table's mark and the note's mark agree
        mark = re.search(rf"\nItem {i} ([{SUPERSCRIPT}]+)[ \n]", whole).group(1)
        assert f"\n{mark} Item {i}\nNote for item {i}:" in whole


def test_purpose_printed_first_and_escaped(repo, tmp_path):
    purpose = ("Talking points for the Minister's visit to Astana <b>not bold</b> & AT&T; "
               "Ўў Іі Әә Ққ. " * 4)
    _r, reader, texts = build(repo, tmp_path / "b.pdf", purpose=purpose)
    page = texts[2]  # the first page after the cover and contents
    assert page.index("Purpose") < page.index("Executive summary")
    assert " ".join(purpose.split()) in " ".join(page.split())
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0] == "Purpose" and "Purpose" in texts[1]  # bookmarked, in the contents
    for annot in link_annotations(reader):
        assert annot.get("/Dest") is not None

    _r, reader, texts = build(repo, tmp_path / "none.pdf")  # no purpose: no heading
    assert "Purpose" not in "".join(texts)
    # Without a summary it still comes first.
    _r, reader, texts = build(repo, tmp_path / "roadmap.pdf", sections=("roadmap",),
                              purpose="Why we meet")
    assert texts[2].index("Purpose") < texts[2].index("Road map") < texts[2].index("Why") + 100


# --- classification -------------------------------------------------------------------------------

def _markings(texts, level):
    return [t.count(level) for t in texts]


def test_restricted_records_left_out_and_pages_marked_with_highest_level(repo, tmp_path):
    repo.create("roadmap", {"title": "Secret tractor deal", "classification": "restricted",
                            "due_date": "2026-12-01"})
    repo.create("agreements", {"title": "Internal memo on dairy", "classification": "internal"})

    _r, _reader, texts = build(repo, tmp_path / "internal.pdf", max_classification="internal")
    whole = "".join(texts)
    assert "Secret tractor deal" not in whole
    assert "Internal memo on dairy" in whole
    assert all(n >= 2 for n in _markings(texts, "INTERNAL")), "top and bottom of every page"
    assert "RESTRICTED" not in whole

    _r, _reader, texts = build(repo, tmp_path / "public.pdf", max_classification="public")
    whole = "".join(texts)
    assert "Secret tractor deal" not in whole and "Internal memo on dairy" not in whole
    assert all(n >= 2 for n in _markings(texts, "PUBLIC"))
    assert "INTERNAL" not in whole

    result, _reader, texts = build(repo, tmp_path / "all.pdf", max_classification="restricted")
    assert result.classification == "restricted"
    assert "Secret tractor deal" in "".join(texts)
    assert all(n >= 2 for n in _markings(texts, "RESTRICTED"))


def test_marking_is_the_highest_level_actually_included_not_the_ceiling(repo, tmp_path):
    # The seed is all public: allowing "restricted" must not mark the pages restricted.
    result, _reader, texts = build(repo, tmp_path / "b.pdf", max_classification="restricted")
    assert result.classification == "public"
    assert all(n >= 2 for n in _markings(texts, "PUBLIC"))
    assert "RESTRICTED" not in "".join(texts)


# --- fonts, metadata, determinism -----------------------------------------------------------------

def test_fonts_are_embedded_dejavu_everywhere(repo, tmp_path):
    repo.create("roadmap", {"title": KAZAKH, "status": "done"})
    _r, reader, _texts = build(repo, tmp_path / "b.pdf")
    seen = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            seen.add(font["/BaseFont"])
            descendants = font.get("/DescendantFonts")
            desc = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            assert desc is not None, font["/BaseFont"]
            assert "/FontFile2" in desc.get_object(), font["/BaseFont"]
        # The chart is drawn in the page stream too: no standard (non-embedded) font anywhere.
    assert seen and all("DejaVuSans" in name for name in seen), seen
    assert any("Bold" in name for name in seen)


def test_metadata(repo, tmp_path):
    _r, reader, _t = build(repo, tmp_path / "b.pdf", title="Talks in Astana",
                           prepared_by="Desk officer")
    meta = reader.metadata
    assert meta.title == "Talks in Astana"
    assert meta.author == "Desk officer"
    assert "Belarus – Kazakhstan" in meta.subject
    assert __version__ in meta.creator
    assert meta["/CreationDate"].startswith("D:20261127")
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_same_data_and_options_give_identical_bytes(repo, tmp_path):
    opts = BriefingOptions(title="Same", prepared_by="Me", max_classification="restricted",
                           purpose="Talking points for the visit")
    assert opts.include_notes  # the seed's notes are printed in both
    a = build_briefing(repo, opts, tmp_path / "a.pdf", today=TODAY).path.read_bytes()
    b = build_briefing(repo, opts, tmp_path / "b.pdf", today=TODAY).path.read_bytes()
    assert a == b
    c = build_briefing(repo, opts.replace(title="Other"), tmp_path / "c.pdf", today=TODAY)
    assert c.path.read_bytes() != a
    d = build_briefing(repo, opts.replace(include_notes=False), tmp_path / "d.pdf", today=TODAY)
    assert d.path.read_bytes() != a


# --- writing safely -------------------------------------------------------------------------------

def test_a_failing_build_leaves_the_older_pdf_intact(repo, tmp_path, monkeypatch):
    out = tmp_path / "briefing.pdf"
    build_briefing(repo, BriefingOptions(), out, today=TODAY)
    before = out.read_bytes()
    names = sorted(p.name for p in tmp_path.iterdir())

    def boom(*_a, **_k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(render, "status_chart", boom)
    with pytest.raises(RuntimeError):
        build_briefing(repo, BriefingOptions(title="New"), out, today=TODAY)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no temporary file left


def test_new_briefings_are_private_and_overwrites_keep_permissions(repo, tmp_path):
    out = tmp_path / "b.pdf"
    build_briefing(repo, BriefingOptions(), out, today=TODAY)
    assert out.stat().st_mode & 0o777 == 0o600
    out.chmod(0o640)
    build_briefing(repo, BriefingOptions(title="Again"), out, today=TODAY)
    assert out.stat().st_mode & 0o777 == 0o640


def test_cancel_stops_the_build_and_writes_nothing(repo, tmp_path):
    for i in range(300):
        repo.create("roadmap", {"title": f"Row {i}", "due_date": "2027-01-01"})
    out = tmp_path / "briefing.pdf"
    out.write_bytes(b"%PDF-older")
    calls = []

    def progress(done, total):
        calls.append((done, total))

    with pytest.raises(BriefingCancelled):
        build_briefing(repo, BriefingOptions(), out, today=TODAY, progress=progress,
                       cancel=lambda: len(calls) > 3)
    assert out.read_bytes() == b"%PDF-older"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_progress_reports_reach_the_total_and_never_go_back(repo, tmp_path):
    source = repo.create("sources", {"title": "Desk notes"}).record_id  # no text: any quote
    for i in range(150):
        repo.create("roadmap", {"title": f"Row {i}", "due_date": "2020-01-01"},
                    citations=[{"source_id": source, "quote": f"quote {i}"}])
    calls = []
    build_briefing(repo, BriefingOptions(), tmp_path / "b.pdf", today=TODAY,
                   progress=lambda d, t: calls.append((d, t)))
    assert len(calls) > 20
    assert calls[-1][0] == calls[-1][1] > 0
    assert all(0 <= d <= t for d, t in calls)
    fractions = [d / t for d, t in calls]
    assert fractions == sorted(fractions)


def test_bad_destination_is_a_clear_error(repo, tmp_path):
    with pytest.raises(BriefingError, match="does not exist"):
        build_briefing(repo, BriefingOptions(), tmp_path / "missing" / "b.pdf", today=TODAY)
    with pytest.raises(BriefingError, match="folder"):
        build_briefing(repo, BriefingOptions(), tmp_path, today=TODAY)


# --- filters and language --------------------------------------------------------------------

def test_status_and_date_filters(repo, tmp_path):
    repo.create("roadmap", {"title": "Finished tractor project", "status": "done",
                            "due_date": "2017-05-01"})
    repo.create("roadmap", {"title": "Future dairy plan", "due_date": "2031-05-01"})
    _r, _reader, texts = build(repo, tmp_path / "a.pdf", sections=("roadmap",),
                               statuses={"roadmap": ["done"]}, include_sources=False)
    whole = "".join(texts)
    assert "Finished tractor project" in whole and "Future dairy plan" not in whole
    _r, _reader, texts = build(repo, tmp_path / "b.pdf", sections=("roadmap",),
                               date_from="2030-01-01", include_sources=False)
    whole = "".join(texts)
    assert "Future dairy plan" in whole and "Finished tractor project" not in whole


def test_russian_briefing_restores_the_language(repo, tmp_path):
    assert current_language() == "en"
    _r, _reader, texts = build(repo, tmp_path / "b.pdf", language="ru")
    assert current_language() == "en"
    assert "27 ноября 2026 г." in texts[0]
    assert PdfReader(tmp_path / "b.pdf").trailer["/Root"]["/Lang"] == "ru"


# --- hostile input --------------------------------------------------------------------------------

_hostile = st.lists(
    st.one_of(
        st.sampled_from(list("<>&\"'/=;#[]{}()\\ \n\t") + [
            "<b>", "</b>", "<a href='x'>", "</a>", "<img src=x/>", "&amp;", "<br/>", "<para>",
            "&#0;", "&#x41;", "<font name=Helvetica>", "<![CDATA[", "\u202e", "\U0001f600"]),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    min_size=1, max_size=120,
).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_hostile, notes=_hostile, word=st.text(alphabet="WЖ", min_size=250, max_size=300))
def test_hostile_titles_and_notes_never_break_the_export(title, notes, word):
    with tempfile.TemporaryDirectory() as folder:
        repo = Repository(Path(folder) / "t.db", user="tester")
        try:
            made = []
            for values in ({"title": title[:300], "notes": notes},
                           {"title": word},  # one unbroken word wider than any column
                           {"title": f"x {title[:290]}", "due_date": "2026-12-01"}):
                try:
                    made.append(repo.create("roadmap", values))
                except ValidationError:  # invalid after cleaning (e.g. blank): skip
                    continue
            try:
                repo.create("meetings", {"title": title[:300], "place": notes[:300],
                                         "start_date": "2027-01-01", "status": "planned"})
            except ValidationError:  # invalid after cleaning: skip
                pass
            out = Path(folder) / "b.pdf"
            result = build_briefing(repo, BriefingOptions(title=title[:300].strip() or "T",
                                                          prepared_by=notes[:200]),
                                    out, today=TODAY)
            reader = PdfReader(out)
            assert len(reader.pages) == result.pages >= 3
            text = squash("".join(p.extract_text() for p in reader.pages))
            assert squash(word) in text
            for annot in link_annotations(reader):
                assert annot.get("/Dest") is not None
        finally:
            repo.close()


# --- CLI ------------------------------------------------------------------------------------------

def test_cli_briefing_writes_the_pdf(tmp_path):
    db = tmp_path / "t.db"
    out = tmp_path / "cli.pdf"
    res = run_cli("--db", str(db), "briefing", "-o", str(out), "--max-classification",
                  "public", "--title", "CLI <b>briefing</b>", "--section", "summary",
                  "--section", "roadmap", "--paper", "letter", "--today", "2026-11-27")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == str(out)
    reader = PdfReader(out)
    text = "".join(p.extract_text() for p in reader.pages)
    assert "CLI <b>briefing</b>" in text and "Road map" in text and "Agreements\n" not in text
    assert abs(float(reader.pages[0].mediabox.width) - 612) < 1  # Letter
    again = tmp_path / "again.pdf"  # another process, same data and options: the same bytes
    res = run_cli("--db", str(db), "briefing", "-o", str(again), "--max-classification",
                  "public", "--title", "CLI <b>briefing</b>", "--section", "summary",
                  "--section", "roadmap", "--paper", "letter", "--today", "2026-11-27")
    assert res.returncode == 0, res.stderr
    assert again.read_bytes() == out.read_bytes()


def test_cli_purpose_and_notes(tmp_path):
    db = tmp_path / "t.db"
    out = tmp_path / "p.pdf"
    res = run_cli("--db", str(db), "briefing", "-o", str(out), "--purpose",
                  "Talking points <i>for</i> Astana", "--today", "2026-11-27")
    assert res.returncode == 0, res.stderr
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Talking points <i>for</i> Astana" in text and "Expo 2017" in text
    assert "The year 2017 is inferred" in " ".join(text.split())
    res = run_cli("--db", str(db), "briefing", "-o", str(out), "--no-notes", "--save-preset",
                  "quiet", "--today", "2026-11-27")
    assert res.returncode == 0, res.stderr
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "inferred" not in text and "Purpose" not in text
    repo = Repository(db)
    assert repo.presets()["quiet"]["include_notes"] is False
    repo.close()
    res = run_cli("--db", str(db), "briefing", "-o", str(tmp_path / "x.pdf"), "--purpose",
                  "x" * 2001)
    assert res.returncode == 1
    assert "--purpose: too long (2001 characters; at most 2000)" in res.stderr
    assert "Traceback" not in res.stderr and not (tmp_path / "x.pdf").exists()


def test_cli_presets_and_errors(tmp_path):
    db = tmp_path / "t.db"
    res = run_cli("--db", str(db), "briefing", "--save-preset", "talks", "--section", "roadmap",
                  "--status", "roadmap:planned", "--max-classification", "public")
    assert res.returncode == 0, res.stderr
    repo = Repository(db)
    assert repo.presets()["talks"]["sections"] == ["roadmap"]
    repo.close()
    out = tmp_path / "p.pdf"
    res = run_cli("--db", str(db), "briefing", "-o", str(out), "--preset", "talks")
    assert res.returncode == 0, res.stderr
    assert "Executive summary" not in "".join(p.extract_text() for p in PdfReader(out).pages)

    for args, needle in ((["--preset", "nope"], "no preset named 'nope'"),
                         (["--from", "2017-13-01"], "--from"),
                         (["--status", "roadmap:held"], "--status")):
        res = run_cli("--db", str(db), "briefing", "-o", str(tmp_path / "x.pdf"), *args)
        assert res.returncode == 1
        assert needle in res.stderr
        assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_briefing_import_is_lazy():
    import subprocess
    import sys

    code = ("import sys, tracker.briefing, tracker.cli.briefing, tracker.cli.main; "
            "print(any(m.startswith('reportlab') for m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert res.stdout.strip() == "False"

