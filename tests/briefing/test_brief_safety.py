"""What a desk relies on when a brief leaves the building: its text prints exactly as typed (never
as markup or a template), however long or odd; nothing classified above a briefing's limit
reaches it, in any part of either file; the marking is the one the desk sets (no Qt)."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from tracker.briefing import BriefingOptions, build_briefing
from tracker.briefing.brief import Brief
from tracker.briefing.docx import ooxml

TODAY = dt.date(2026, 11, 27)
HOSTILE = ("<b>not bold</b> &amp; {{ user.name }} {% if x %}x{% endif %} ]]> <w:t>x</w:t> "
           "$(rm -rf) =SUM(A1) \u200fמרחב\u200f \u202eoverride\u202c \u2066iso\u2069 "
           "\U0001f600 tab\there\x07\x1b")
#: What the hostile text reads as: control characters out; the bidi embeddings, overrides and
#: isolates out of the Word file (the PDF draws them as nothing); the rest literally.
SHOWN = ("<b>not bold</b> &amp; {{ user.name }} {% if x %}x{% endif %} ]]> <w:t>x</w:t> "
         "$(rm -rf) =SUM(A1)")


def talks(repo) -> int:
    return next(m["id"] for m in repo.list("meetings") if m["type"] == "talks")


def squash(text: str) -> str:
    return " ".join(text.split())


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def word_text(path: Path) -> str:
    doc = docx.Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [
        c.text for t in doc.tables for r in t.rows for c in r.cells])


def pdf_everything(path: Path) -> str:
    """Every piece of text a PDF holds for a reader: pages, bookmarks, metadata."""
    reader = PdfReader(path)

    def walk(items):
        for item in items:
            yield from (walk(item) if isinstance(item, list) else [item.title])
    meta = reader.metadata or {}
    return "\n".join([p.extract_text() for p in reader.pages] + list(walk(reader.outline))
                     + [str(v) for v in meta.values()])


# --- hostile text ---------------------------------------------------------------------------------

@pytest.mark.parametrize("template", ["note", "visit"])
def test_hostile_brief_text_prints_literally_in_both_formats(repo, tmp_path, template):
    brief = Brief(title="T " + HOSTILE, addressee=HOSTILE, drafted_by=HOSTILE,
                  critical_reason=HOSTILE, **{name: HOSTILE for name in (
                      "purpose", "objectives", "points", "if_raised", "background",
                      "background_secret", "issues", "recommendation", "next_steps")})
    options = BriefingOptions(template=template, meeting_id=talks(repo) if template == "visit"
                              else None)
    build_briefing(repo, options, tmp_path / "h.pdf", brief=brief, today=TODAY)
    build_briefing(repo, options, tmp_path / "h.docx", brief=brief, today=TODAY)
    pdf = squash(pdf_everything(tmp_path / "h.pdf"))
    assert pdf.count(SHOWN) >= 9  # each field, as typed; nothing interpreted
    assert "\x07" not in pdf and "\x1b" not in pdf
    word = word_text(tmp_path / "h.docx")
    assert word.count(SHOWN) >= 9
    assert ooxml.plain(squash(HOSTILE.replace("\x07", "").replace("\x1b", ""))).replace(
        "\t", " ") in squash(word.replace("\t", " "))
    for name, data in parts(tmp_path / "h.docx").items():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(data)  # well-formed: markup went in as text
            assert b"\x07" not in data and "\u202e".encode() not in data, name
    # No link, no field but ours (PAGE, NUMPAGES): "{{ }}" and "$( )" are only text.
    body = parts(tmp_path / "h.docx")["word/document.xml"]
    assert b"<w:hyperlink" not in body and b"instrText" not in body


@pytest.mark.slow
def test_a_million_characters_print_whole_in_both_formats(repo, tmp_path):
    words = " ".join(f"слово{i}" for i in range(120_000))
    big = (words + " ")[:999_990] + " КОНЕЦ-END"
    assert len(big) == 1_000_000
    rid = repo.create("briefs", {"title": "Big", "background": big}).record_id
    from tracker.briefing.brief import brief_of

    brief = brief_of(repo.get("briefs", rid))
    result = build_briefing(repo, BriefingOptions(template="note"), tmp_path / "b.pdf",
                            brief=brief, today=TODAY)
    assert result.pages > 100
    reader = PdfReader(tmp_path / "b.pdf")
    tail = " ".join(reader.pages[i].extract_text() for i in range(result.pages - 3,
                                                                   result.pages))
    assert "КОНЕЦ-END" in tail and "слово119" in squash(reader.pages[5].extract_text()) \
        or "слово" in reader.pages[5].extract_text()
    build_briefing(repo, BriefingOptions(template="note"), tmp_path / "b.docx", brief=brief,
                   today=TODAY)
    assert big in word_text(tmp_path / "b.docx")


# --- nothing above the limit ----------------------------------------------------------------------

SECRETS = ("SECRET-BIO", "SECRET-PERSON", "SECRET-ITEM", "SECRET-DRAFT", "SECRET-MEETING",
           "SECRET-CONTACT", "SECRET-UPCOMING", "RESTRICTED")
#: An internal item agreed at a restricted meeting: the annex lists it (it is internal), but a
#: visit brief cannot place that meeting before another, so it is no commitment of it.
HIDDEN_ITEM = "ITEM-AT-HIDDEN"


def plant_secrets(repo) -> int:
    """A planned meeting with restricted records around it, each carrying a marker; returns
    the meeting's id."""
    person = repo.create("people", {"title": "SECRET-PERSON", "biography": "SECRET-BIO",
                                    "position": "Envoy", "classification": "restricted"})
    lukashenko = repo.list("people", search="Lukashenko")[0]["id"]
    meeting_id = repo.create("meetings", {
        "title": "Next talks", "status": "planned", "start_date": "2026-12-15",
        "participants": [lukashenko, person.record_id]}).record_id
    repo.create("roadmap", {"title": "SECRET-ITEM", "meeting_id": meeting_id,
                            "classification": "restricted", "due_date": "2020-01-01"})
    repo.create("agreements", {"title": "SECRET-DRAFT", "status": "draft",
                               "classification": "restricted"})
    hidden = repo.create("meetings", {"title": "SECRET-MEETING", "status": "held",
                                      "start_date": "2015-01-01",
                                      "classification": "restricted"}).record_id
    repo.create("roadmap", {"title": HIDDEN_ITEM, "meeting_id": hidden,
                            "classification": "internal"})
    repo.create("people", {"title": "SECRET-CONTACT", "classification": "restricted"})
    repo.create("meetings", {"title": "SECRET-UPCOMING", "status": "planned",
                             "start_date": "2026-12-20", "classification": "restricted"})
    return meeting_id


def test_restricted_content_never_reaches_a_note_or_a_visit_brief_below_it(repo, tmp_path):
    meeting_id = plant_secrets(repo)
    contact = repo.list("people", search="SECRET-CONTACT", max_classification="restricted")
    brief = Brief(title="Brief for the talks", contact_id=contact[0]["id"],
                  classification="internal", points="Trade")
    for template in ("note", "visit"):
        options = BriefingOptions(template=template, max_classification="internal",
                                  with_annex=True, meeting_id=meeting_id)
        for fmt in ("pdf", "docx"):
            out = tmp_path / f"{template}.{fmt}"
            result = build_briefing(repo, options, out, brief=brief, today=TODAY)
            assert result.classification == "internal"
            if fmt == "pdf":
                text = pdf_everything(out)
                for secret in SECRETS:
                    assert secret not in text, (template, secret)
                assert "INTERNAL" in text
            else:
                for name, data in parts(out).items():
                    for secret in SECRETS:
                        assert secret.encode() not in data, (template, name, secret)
                props = docx.Document(str(out)).core_properties
                assert not any(s in (props.title or "") + (props.subject or "")
                               for s in SECRETS)
    # Cleared for them, the same briefs show them: the markers were there to be found.
    options = BriefingOptions(template="visit", max_classification="restricted",
                              meeting_id=meeting_id)
    build_briefing(repo, options, tmp_path / "all.pdf", brief=brief, today=TODAY)
    text = pdf_everything(tmp_path / "all.pdf")
    for secret in ("SECRET-BIO", "SECRET-PERSON", "SECRET-ITEM", "SECRET-DRAFT",
                   "SECRET-MEETING", HIDDEN_ITEM, "SECRET-CONTACT", "RESTRICTED"):
        assert secret in text, secret
    options = BriefingOptions(template="visit", max_classification="internal",
                              meeting_id=meeting_id)
    build_briefing(repo, options, tmp_path / "visit.pdf", brief=brief, today=TODAY)
    assert HIDDEN_ITEM not in pdf_everything(tmp_path / "visit.pdf")


# --- the marking ----------------------------------------------------------------------------------

def test_the_restricted_label_is_a_setting_and_russian_defaults_to_dsp(repo, tmp_path):
    repo.create("roadmap", {"title": "Sensitive", "classification": "restricted"})
    options = BriefingOptions(template="note", language="ru", max_classification="restricted")
    build_briefing(repo, options, tmp_path / "d.pdf", today=TODAY)
    first = PdfReader(tmp_path / "d.pdf").pages[0].extract_text()
    assert first.count("ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ") >= 2  # top and bottom
    repo.set_settings({"restricted_label": "ДСП <b>"})
    for fmt in ("pdf", "docx"):
        build_briefing(repo, options, tmp_path / f"s.{fmt}", today=TODAY)
    first = PdfReader(tmp_path / "s.pdf").pages[0].extract_text()
    assert first.count("ДСП <b>") >= 3  # top, bottom, the heading block; as typed
    header = docx.Document(str(tmp_path / "s.docx")).sections[0].first_page_header
    assert "ДСП <b>" in "\n".join(p.text for p in header.paragraphs)
    options = BriefingOptions(template="note", max_classification="internal")
    build_briefing(repo, options, tmp_path / "i.pdf", today=TODAY)  # not restricted: no label
    assert "ДСП" not in PdfReader(tmp_path / "i.pdf").pages[0].extract_text()


def test_the_russian_corner_marking_numbers_copies_each_paged_on_its_own(repo, tmp_path):
    brief = Brief(title="Визит", classification="restricted", points="Тезис")
    options = BriefingOptions(template="visit", meeting_id=talks(repo), language="ru",
                              max_classification="restricted", marking="corner", copies=3)
    result = build_briefing(repo, options, tmp_path / "c.pdf", brief=brief, today=TODAY)
    texts = [p.extract_text() for p in PdfReader(tmp_path / "c.pdf").pages]
    per_copy = result.pages // 3
    assert result.pages == 3 * per_copy and per_copy >= 1
    for i, text in enumerate(texts):
        copy, page = divmod(i, per_copy)
        first = page == 0
        assert (f"Экз. № {copy + 1}" in text) is first, i
        # The first page's corner and its heading block; never on a banner.
        assert text.count("Для служебного пользования") == (2 if first else 0), i
        assert f"Страница {page + 1} из {per_copy}" in text, i
    build_briefing(repo, options, tmp_path / "c.docx", brief=brief, today=TODAY)
    doc = docx.Document(str(tmp_path / "c.docx"))
    assert len(doc.sections) == 3
    for section in doc.sections:
        number = section._sectPr.find(ooxml.w("pgNumType"))  # noqa: SLF001 - python-docx
        assert number is not None and number.get(ooxml.w("start")) == "1"
        head = section.first_page_header.paragraphs[0]
        assert head.text == "Для служебного пользования"
        assert head.paragraph_format.alignment is not None  # right, in the corner
        assert "Для служебного" not in "".join(p.text for p in section.header.paragraphs)
    copies = [p.text for p in doc.paragraphs if p.style.name == "Copy Number"]
    assert copies == ["Экз. № 1", "Экз. № 2", "Экз. № 3"]


def test_a_bad_marking_style_setting_is_one_clear_line(repo, tmp_path):
    from tracker.briefing import BriefingError

    repo.set_settings({"marking_style": "sideways"})
    with pytest.raises(BriefingError) as err:
        build_briefing(repo, BriefingOptions(template="note"), tmp_path / "x.pdf", today=TODAY)
    assert "marking_style" in str(err.value) and "banner, corner" in str(err.value)
    assert not (tmp_path / "x.pdf").exists()
    repo.set_settings({"marking_style": "corner"})
    build_briefing(repo, BriefingOptions(template="note"), tmp_path / "x.pdf", today=TODAY)
    first = PdfReader(tmp_path / "x.pdf").pages[0].extract_text()
    assert first.count("Public") == 2  # the corner and the heading block, not on a banner
