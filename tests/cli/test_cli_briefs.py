"""The CLI's briefs and the names scripts rely on: briefing --template note|visit|annex,
--meeting, --brief, --with-annex, --copies, --marking; briefs as records; the marking settings."""

from __future__ import annotations

import json

import docx
from cli_helpers import cli, fails, ok
from pypdf import PdfReader

from tracker.model import KINDS, SYSTEM_FIELDS


def talks_id(db) -> int:
    meetings = json.loads(ok(cli(db, "list", "meetings", "--json")).stdout)
    return next(m["id"] for m in meetings if m["type"] == "talks")


def text_of(path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_the_note_and_the_visit_brief_as_the_issue_asks(seeded, tmp_path):
    out = tmp_path / "n.pdf"
    result = ok(cli(seeded, "briefing", "--template", "note", "-o", str(out)))
    assert result.stdout.strip() == str(out)
    assert len(PdfReader(out).pages) <= 2
    assert "pages" in result.stderr
    meeting = talks_id(seeded)
    for name in ("v.pdf", "v.docx"):
        ok(cli(seeded, "briefing", "--template", "visit", "--meeting", str(meeting), "-o",
               str(tmp_path / name)))
    whole = text_of(tmp_path / "v.pdf")
    assert "Alexander Lukashenko President of Belarus" in whole
    assert "Nursultan Nazarbayev President of Kazakhstan" in whole
    assert "Commitments from earlier meetings" in whole
    word = docx.Document(str(tmp_path / "v.docx"))
    assert "Commitments from earlier meetings" in [p.text for p in word.paragraphs]


def test_the_cli_refuses_bad_brief_options_in_one_line(seeded, tmp_path):
    out = str(tmp_path / "x.pdf")
    assert "--meeting" in fails(cli(seeded, "briefing", "--template", "visit", "-o", out))
    assert "no such record" in fails(cli(seeded, "briefing", "--template", "visit",
                                         "--meeting", "999", "-o", out))
    assert "99" in fails(cli(seeded, "briefing", "--brief", "99", "-o", out))
    fails(cli(seeded, "briefing", "--brief", "1", "--preset", "p", "-o", out), code=2)
    fails(cli(seeded, "briefing", "--copies", "0", "-o", out), code=2)
    fails(cli(seeded, "briefing", "--template", "memo", "-o", out), code=2)
    assert not (tmp_path / "x.pdf").exists()


def test_a_saved_brief_prints_with_its_options_and_the_flags_change_them(seeded, tmp_path):
    meeting = talks_id(seeded)
    ok(cli(seeded, "add", "briefs", "title=Talks <b>brief</b>", "template=visit",
           f"meeting_id={meeting}", "points=Trade is growing\nExpo 2017",
           "classification=internal", "paper=letter"))
    listed = json.loads(ok(cli(seeded, "list", "briefs", "--json")).stdout)
    assert set(listed[0]) >= {*SYSTEM_FIELDS, *KINDS["briefs"].field_names}
    rid = listed[0]["id"]
    out = tmp_path / "b.pdf"
    result = ok(cli(seeded, "briefing", "--brief", str(rid), "-o", str(out), "--copies", "2",
                    "--marking", "corner", "--today", "2026-11-27"))
    assert "marked internal" in result.stderr
    reader = PdfReader(out)
    assert abs(float(reader.pages[0].mediabox.width) - 612) < 1  # the brief's paper
    whole = text_of(out)
    assert "Talks <b>brief</b>" in whole and "• Trade is growing" in whole
    assert "Copy No. 1" in whole and "Copy No. 2" in whole
    # Below the brief's own level: refused, nothing written.
    fails(cli(seeded, "briefing", "--brief", str(rid), "--max-classification", "public", "-o",
              str(tmp_path / "p.pdf")))
    assert not (tmp_path / "p.pdf").exists()
    # As the full data briefing, with its title.
    ok(cli(seeded, "briefing", "--brief", str(rid), "--template", "annex", "-o",
           str(tmp_path / "a.pdf")))
    assert "Talks <b>brief</b>" in PdfReader(tmp_path / "a.pdf").pages[0].extract_text()
    ok(cli(seeded, "delete", "briefs", str(rid)))
    assert "trash" in fails(cli(seeded, "briefing", "--brief", str(rid), "-o", str(out)))


def test_the_marking_settings_are_listed_and_used(seeded, tmp_path):
    listed = ok(cli(seeded, "settings")).stdout
    assert "restricted_label:" in listed and "marking_style:" in listed
    ok(cli(seeded, "settings", "marking_style=corner", "restricted_label=Для служебного "
                                                        "пользования"))
    ok(cli(seeded, "add", "roadmap", "title=Quiet item", "classification=restricted"))
    out = tmp_path / "r.pdf"
    ok(cli(seeded, "briefing", "-o", str(out), "--max-classification", "restricted",
           "--section", "roadmap", "--copies", "2"))
    pages = [p.extract_text() for p in PdfReader(out).pages]
    assert "Для служебного пользования" in pages[0] and "Copy No. 1" in pages[0]
    assert "Для служебного пользования" not in pages[1]  # the corner: first pages only
    assert any("Copy No. 2" in p for p in pages[2:])


def test_the_briefing_help_names_the_new_options_in_both_languages(seeded):
    for language, word in (("en", "visit brief"), ("ru", "памятк")):
        shown = ok(cli(seeded, "briefing", "--help", language=language)).stdout
        for option in ("--template", "--meeting", "--brief", "--with-annex", "--copies",
                       "--marking", "--docx-template", "--format"):
            assert option in shown, (language, option)
        assert word in shown


def test_the_main_help_lists_every_kind_briefs_included_in_both_languages(seeded):
    for language in ("en", "ru"):
        shown = " ".join(ok(cli(seeded, "--help", language=language)).stdout.split())
        listed = shown.split("Kinds: " if language == "en" else "Виды записей: ")[1]
        assert all(name in listed.split(".")[0] for name in KINDS), (language, listed)
