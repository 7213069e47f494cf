"""Briefing notes and visit briefs: what a minister reads, filled from the records, in PDF and
Word from the same document (no Qt)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tracker.briefing import BriefingError, BriefingOptions, build_briefing
from tracker.briefing.blocks import Heading, RecordTable
from tracker.briefing.brief import Brief, brief_of, options_of
from tracker.briefing.facts import earlier
from tracker.briefing.progress import Progress
from tracker.briefing.templates import make_document
from tracker.i18n import language

TODAY = dt.date(2026, 11, 27)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def talks(repo) -> dict:
    """The presidents' talks in Astana (the seed's meeting of type "talks")."""
    [meeting] = [m for m in repo.list("meetings") if m["type"] == "talks"]
    return meeting


def build(repo, path: Path, brief: Brief | None = None, **options):
    options.setdefault("max_classification", "internal")
    return build_briefing(repo, BriefingOptions(**options), path, brief=brief, today=TODAY)


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def squash(text: str) -> str:
    return " ".join(text.split())


def outline(path: Path) -> list[str]:
    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title
    return list(walk(PdfReader(path).outline))


def word_headings(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs
            if p.style.name in ("Heading 1", "Heading 2")]


def document(repo, brief: Brief | None = None, **options):
    options.setdefault("max_classification", "internal")
    o = BriefingOptions(**options)
    with language(o.language):
        return make_document(repo, o, brief, TODAY, Progress()).document


# --- the note -------------------------------------------------------------------------------------

def test_a_note_on_the_seeded_database_is_two_pages_at_most_without_cover_or_contents(
        repo, tmp_path):
    result = build(repo, tmp_path / "n.pdf", template="note")
    assert result.pages <= 2
    texts = pdf_text(tmp_path / "n.pdf")
    first = squash(texts[0])
    # The first page: the marking and the sides at its edges, the note itself from its top.
    assert first.startswith("PUBLIC PUBLIC Belarus – Kazakhstan Briefing note Date ")
    assert "Contents" not in first
    # The figures that matter, in prose: not every count, no empty columns.
    whole = squash(" ".join(texts))
    assert "Agreements in force: 4 of 4" in whole
    assert "Road map: 5 items (planned 5); none overdue" in whole
    assert "Nothing is overdue or due in the next 90 days." in whole
    for absent in ("Executive summary", "Expires on", "Region", "Publisher",
                   "Appendix: sources"):
        assert absent not in whole, absent


def a_full_brief(repo, **values) -> Brief:
    person = repo.list("people")[0]
    text = {
        "purpose": "To brief the Minister before the talks in Astana and seek agreement to "
                   "the line on the exhibition centre.",
        "objectives": "Agree a date for the next intergovernmental commission\n"
                      "Secure Kazakhstan's help with the exhibition centre project",
        "points": "- We value the annual meetings of the presidents\n"
                  "- The road map is on track: five items planned\n"
                  "- We welcome Kazakhstan's interest in our farming experience",
        "if_raised": "Customs Union: we keep to the rules agreed by all members\n"
                     "Expo 2017: Belarus will present 45 developments",
        "background": "The presidents meet every year under an agreement on annual "
                      "meetings. " * 4,
        "background_secret": "The partner side may ask for better prices for tractors.",
        "issues": "No lead is named for three of the road-map items.",
        "recommendation": "That the Minister agrees the points to make above.",
        "next_steps": "Send the points to the Embassy\nPrepare a press line",
    }
    text.update(values)
    return Brief(title="Talks in Astana", addressee="The Minister", drafted_by="Desk officer",
                 contact_id=person["id"], critical_date="2026-12-01",
                 critical_reason="the Minister leaves on 2 December", **text)


def test_a_written_note_reads_in_the_briefing_note_shape_and_still_fits_two_pages(
        repo, tmp_path):
    brief = a_full_brief(repo)
    result = build(repo, tmp_path / "n.pdf", brief, template="note")
    assert result.pages <= 2
    whole = squash(" ".join(pdf_text(tmp_path / "n.pdf")))
    order = ["Briefing note", "To The Minister", "From Desk officer", "Date 27 November 2026",
             "Subject Talks in Astana", "Critical date 1 December 2026 — the Minister leaves",
             "Purpose", "Summary", "Objectives", "Points to make",
             "• We value the annual meetings", "If raised", "Customs Union: we keep",
             "Background", "Background not for disclosure", "Where things stand",
             "Issues and risks", "Recommendation / decision sought", "☐ Agreed",
             "☐ Not agreed", "☐ Noted", "Next steps", "Contact officer",
             "Alexander Lukashenko, President of Belarus"]
    at = 0
    for text in order:
        at = whole.index(text, at)


def test_a_note_with_the_annex_puts_the_data_briefing_after_it_on_new_pages(repo, tmp_path):
    plain = build(repo, tmp_path / "n.pdf", template="note")
    annexed = build(repo, tmp_path / "a.pdf", template="note", with_annex=True)
    texts = pdf_text(tmp_path / "a.pdf")
    assert annexed.pages > plain.pages
    starts = [i for i, t in enumerate(texts) if "Annex: data" in t]
    assert starts and starts[0] >= plain.pages  # on a page of its own
    assert "Help with architectural projects" in squash(" ".join(texts[starts[0]:]))
    assert annexed.records > plain.records


# --- the annex ------------------------------------------------------------------------------------

def test_the_annex_drops_columns_empty_in_every_row_and_shows_the_leads(repo, tmp_path):
    doc = document(repo, template="annex")
    tables = {}
    blocks = list(doc.body)
    for at, block in enumerate(blocks):
        if isinstance(block, RecordTable):
            heading = next(b for b in reversed(blocks[:at]) if isinstance(b, Heading))
            tables.setdefault(heading.text, block)
    for kind, empty in (("Agreements", "Expires on"), ("Farms", "Region"),
                        ("Sources", "Publisher"), ("Road map", "Due date")):
        assert empty not in tables[kind].header, kind
        assert all(any(row[c] for row in tables[kind].rows)
                   for c in range(len(tables[kind].header))), kind
    road = tables["Road map"]
    leads = road.header.index("Leads: home / partner side")
    cells = {row[0].split(" ¹")[0].rstrip("¹²³⁴⁵ "): row[leads] for row in road.rows}
    assert cells["Present 45 scientific and technical developments at Expo 2017"] == (
        "State Committee for Science and Technology of the Republic of Belarus / —")
    assert list(cells.values()).count("") == 4  # the items naming nobody on either side
    build(repo, tmp_path / "a.pdf")  # the same in print
    whole = squash(" ".join(pdf_text(tmp_path / "a.pdf")))
    assert "Expires on" not in whole and "Leads: home / partner side" in whole


# --- the visit brief ------------------------------------------------------------------------------

def test_a_visit_brief_names_the_presidents_and_the_commitments_of_earlier_meetings(
        repo, tmp_path):
    meeting = talks(repo)
    result = build(repo, tmp_path / "v.pdf", template="visit", meeting_id=meeting["id"])
    whole = squash(" ".join(pdf_text(tmp_path / "v.pdf")))
    assert whole.startswith("PUBLIC PUBLIC Belarus – Kazakhstan Visit brief")
    for name, position in (("Alexander Lukashenko", "President of Belarus"),
                           ("Nursultan Nazarbayev", "President of Kazakhstan")):
        assert f"{name} {position}" in whole
    # The items agreed at the talks (undated, held), each with its progress; not the item
    # agreed at the Expo visit (planned: after the talks), nor the one agreed at no meeting.
    doc = document(repo, template="visit", meeting_id=meeting["id"])
    tables = [b for b in doc.body if isinstance(b, RecordTable)]
    commitments = next(t for t in tables if "Progress, %" in t.header)
    titles = [row[0] for row in commitments.rows]
    assert titles == ["Study Kazakhstan's experience with new exhibition centres",
                      "Help with architectural projects and advice on experts for the "
                      "Belarusian exhibition centre",
                      "Materials for a Belarusian exhibition at the ALZhIR museum"]
    progress = commitments.header.index("Progress, %")
    assert [row[progress] for row in commitments.rows] == ["0", "0", "0"]
    leads = commitments.header.index("Leads: home / partner side")  # nobody named yet
    assert [row[leads] for row in commitments.rows] == ["— / —"] * 3
    assert "Present 45 scientific" not in whole and "agro-towns" not in whole
    assert "Road-map items agreed at Talks of the presidents of Belarus and Kazakhstan in " \
           "Astana." in whole
    assert "No agreement is in draft or under negotiation." in whole
    assert result.records >= 1 + 2 + 4 + 3


def test_earlier_meetings_are_dated_before_or_held_before_a_planned_one(repo, tmp_path):
    m = {"id": 10, "start_date": "2026-05-01", "status": "planned"}
    assert earlier(dict(m), m)  # the visited meeting itself
    assert earlier({"id": 1, "start_date": "2026-04-30", "status": "held"}, m)
    assert earlier({"id": 2, "start_date": "2026-04-30", "status": "planned"}, m)
    assert not earlier({"id": 3, "start_date": "2026-05-02", "status": "held"}, m)
    assert earlier({"id": 4, "start_date": None, "status": "held"}, m)  # held before planned
    assert not earlier({"id": 5, "start_date": None, "status": "planned"}, m)  # not ordered
    assert not earlier({"id": 6, "start_date": "2026-01-01", "status": "cancelled"}, m)
    undated_held = {"id": 11, "start_date": None, "status": "held"}
    assert not earlier({"id": 7, "start_date": "2020-01-01", "status": "held"}, undated_held)

    visit = repo.create("meetings", {"title": "Commission in Minsk", "start_date": "2026-12-10",
                                     "status": "planned", "type": "commission"}).record_id
    before = repo.create("meetings", {"title": "Commission in Astana", "status": "held",
                                      "start_date": "2025-10-01"}).record_id
    after = repo.create("meetings", {"title": "Summit next year", "status": "planned",
                                     "start_date": "2027-03-01"}).record_id
    repo.create("roadmap", {"title": "Late tractor deliveries", "meeting_id": before,
                            "due_date": "2026-06-30", "progress": 40, "status": "in_progress",
                            "home_lead": "MTZ", "partner_lead": "KazAgro"})
    repo.create("roadmap", {"title": "Dairy exports", "meeting_id": before,
                            "due_date": "2027-06-30", "progress": 10, "status": "in_progress"})
    repo.create("roadmap", {"title": "Summit follow-up", "meeting_id": after})
    doc = document(repo, template="visit", meeting_id=visit)
    table = next(b for b in doc.body if isinstance(b, RecordTable)
                 and "Progress, %" in b.header)
    rows = {row[0]: row for row in table.rows}
    # The seed's talks (held, undated) count as earlier than a planned meeting too.
    assert set(rows) == {"Late tractor deliveries", "Dairy exports",
                         "Study Kazakhstan's experience with new exhibition centres",
                         "Help with architectural projects and advice on experts for the "
                         "Belarusian exhibition centre",
                         "Materials for a Belarusian exhibition at the ALZhIR museum"}
    late = rows["Late tractor deliveries"]
    assert table.rows[0] == late  # overdue first, in red, and said in words
    assert {c for r, c in table.alert_cells if r == 0} == set(range(len(table.header)))
    assert "In progress, overdue" in late and "40" in late and "MTZ / KazAgro" in late
    assert "Commission in Astana (1 October 2025)" in late
    issues = [b for b in doc.body if isinstance(b, Heading) and b.text == "Open issues"]
    assert issues


def test_a_visit_brief_prints_biographies_and_names_in_both_languages(repo, tmp_path):
    person = repo.list("people", search="Nazarbayev")[0]
    repo.update("people", person["id"], {"biography": "A biography the desk wrote.",
                                         "name_other": "Нұрсұлтан Назарбаев"},
                expected_version=person["version"])
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"v.{fmt}"
        build(repo, out, template="visit", meeting_id=talks(repo)["id"])
        text = squash(" ".join(pdf_text(out))) if fmt == "pdf" else "\n".join(
            [p.text for p in docx.Document(str(out)).paragraphs] + [
                c.text for t in docx.Document(str(out)).tables for r in t.rows
                for c in r.cells])
        assert "Nursultan Nazarbayev / Нұрсұлтан Назарбаев" in text, fmt
        assert "A biography the desk wrote." in text, fmt


def test_a_visit_brief_needs_a_meeting_the_briefing_may_show(repo, tmp_path):
    with pytest.raises(BriefingError, match="visit brief needs the meeting"):
        build(repo, tmp_path / "v.pdf", template="visit")
    secret = repo.create("meetings", {"title": "Secret talks", "classification": "restricted"})
    with pytest.raises(BriefingError) as err:
        build(repo, tmp_path / "v.pdf", template="visit", meeting_id=secret.record_id)
    assert "Secret" not in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "v.pdf").exists()


# --- PDF and Word from the same document ----------------------------------------------------------

@pytest.mark.parametrize("template", ["note", "visit"])
def test_the_word_file_has_the_pdfs_headings_and_both_are_byte_identical_again(
        repo, tmp_path, template):
    options = {"template": template, "meeting_id": talks(repo)["id"] if template == "visit"
               else None}
    brief = a_full_brief(repo)
    for fmt in ("pdf", "docx"):
        build(repo, tmp_path / f"a.{fmt}", brief, **options)
        build(repo, tmp_path / f"b.{fmt}", brief, **options)
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()
    expected = [b.text for b in document(repo, brief, **options).body
                if isinstance(b, Heading)]
    assert word_headings(tmp_path / "a.docx") == expected == outline(tmp_path / "a.pdf")
    assert len(expected) >= 8
    doc = docx.Document(str(tmp_path / "a.docx"))
    assert doc.paragraphs[0].text in ("Briefing note", "Visit brief")
    assert doc.paragraphs[0].style.name == "Brief Title"
    points = [p.text for p in doc.paragraphs if p.style.name == "Point"]
    assert "•\tWe value the annual meetings of the presidents" in points


@pytest.mark.parametrize("template", ["note", "visit"])
def test_russian_notes_and_visit_briefs_print_in_russian(repo, tmp_path, template):
    options = {"template": template, "language": "ru",
               "meeting_id": talks(repo)["id"] if template == "visit" else None}
    brief = a_full_brief(repo, points="Товарооборот растёт: ёмкость рынка\nЎ ў І і Ә Қ")
    build(repo, tmp_path / "r.pdf", brief, **options)
    build(repo, tmp_path / "r.docx", brief, **options)
    whole = squash(" ".join(pdf_text(tmp_path / "r.pdf")))
    title = "Справка" if template == "note" else "Памятка к визиту"
    assert whole.startswith("ОБЩЕДОСТУПНО ОБЩЕДОСТУПНО Belarus – Kazakhstan " + title)
    assert "Товарооборот растёт: ёмкость рынка" in whole and "Ў ў І і Ә Қ" in whole
    assert "Тезисы" in whole and "Page" not in whole and "Страница 1 из" in whole
    assert word_headings(tmp_path / "r.docx")[0] in ("Цели", "Цель", "Основные положения",
                                                     "Программа")


# --- briefs saved as records ----------------------------------------------------------------------

def test_a_saved_brief_gives_its_text_and_options(repo, tmp_path):
    meeting = talks(repo)
    rid = repo.create("briefs", {
        "title": "Talks brief", "template": "visit", "meeting_id": meeting["id"],
        "points": "Trade is growing", "paper": "letter", "language": "ru",
        "sections": "summary, roadmap, notes", "annex": "data",
        "classification": "internal", "max_classification": "internal"}).record_id
    record = repo.get("briefs", rid)
    options, brief = options_of(record), brief_of(record)
    assert (options.template, options.meeting_id, options.paper, options.language) == (
        "visit", meeting["id"], "letter", "ru")
    assert options.sections == ("summary", "roadmap") and options.include_notes
    assert not options.include_sources and options.with_annex
    assert brief.points == "Trade is growing" and brief.record_id == rid
    result = build_briefing(repo, options, tmp_path / "b.pdf", brief=brief, today=TODAY)
    assert result.classification == "internal"  # the brief's own level marks the pages
    reader = PdfReader(tmp_path / "b.pdf")
    assert abs(float(reader.pages[0].mediabox.width) - 612) < 1
    whole = squash(" ".join(p.extract_text() for p in reader.pages))
    assert "Trade is growing" in whole and "ДЛЯ ВНУТРЕННЕГО ПОЛЬЗОВАНИЯ" in whole


def test_a_brief_with_bad_saved_options_is_refused_naming_the_brief_and_the_field(repo):
    rid = repo.create("briefs", {"title": "x", "sections": "summary, gossip"}).record_id
    with pytest.raises(BriefingError) as err:
        options_of(repo.get("briefs", rid))
    message = str(err.value)
    assert message.startswith(f"brief {rid}: Annex sections: 'gossip' is not one of")
    assert "\n" not in message
    rid = repo.create("briefs", {"title": "y", "template": "visit"}).record_id
    with pytest.raises(BriefingError, match=f"brief {rid}: Meeting prepared: a visit brief"):
        options_of(repo.get("briefs", rid))


def test_a_brief_above_the_briefings_limit_is_refused_before_anything_is_written(
        repo, tmp_path):
    brief = a_full_brief(repo, background_secret="Tractor price 41 million")
    restricted = Brief(**{**brief.__dict__, "classification": "restricted", "record_id": 4})
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"x.{fmt}"
        with pytest.raises(BriefingError) as err:
            build(repo, out, restricted, template="note", max_classification="internal")
        assert str(err.value).startswith("brief 4 is classified “Restricted”, above")
        assert not out.exists()
        build(repo, out, restricted, template="note", max_classification="restricted")
        with zipfile.ZipFile(out) if fmt == "docx" else open(out, "rb"):
            pass
    assert "RESTRICTED" in pdf_text(tmp_path / "x.pdf")[0]


# --- LibreOffice ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_libreoffice_opens_the_word_note_and_visit_brief_in_both_languages(repo, tmp_path):
    import os

    import docx_files  # tests/briefing/docx_files.py

    if docx_files.soffice() is None:
        if os.environ.get("TRACKER_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required but not installed")
        pytest.skip("LibreOffice (soffice) is not installed")
    brief = a_full_brief(repo)
    for lang, page_one in (("en", "Page 1 of"), ("ru", "Страница 1 из")):
        for template in ("note", "visit"):
            options = {"template": template, "language": lang, "marking": "banner",
                       "meeting_id": talks(repo)["id"] if template == "visit" else None}
            out = tmp_path / f"{template}-{lang}.docx"
            build(repo, out, brief, **options)
            folder = tmp_path / f"{template}-{lang}"
            folder.mkdir()
            texts = pdf_text(docx_files.to_pdf(out, folder))
            whole = squash(" ".join(texts))
            at = 0
            for heading in word_headings(out):  # laid out, in order
                at = whole.index(squash(heading), at)
            assert page_one in texts[0]
            assert "PUBLIC" in texts[0] or "ОБЩЕДОСТУПНО" in texts[0]
            assert "Alexander Lukashenko" in whole
            if template == "note":
                assert len(texts) <= 2, (lang, len(texts))  # Word lays it out as the PDF
