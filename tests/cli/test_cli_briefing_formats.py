"""The briefing command writes Word as well as PDF: by the file's suffix, or --format."""

from __future__ import annotations

import json

from cli_helpers import cli, fails, ok
from docx import Document


def test_briefing_writes_a_word_document_for_a_docx_name(seeded, tmp_path):
    out = tmp_path / "talks.docx"
    result = ok(cli(seeded, "briefing", "-o", str(out), "--title", "Talks in Astana"))
    assert result.stdout.strip() == str(out)
    assert "None" not in result.stderr and "records" in result.stderr  # no page count for Word
    headings = [p.text for p in Document(str(out)).paragraphs
                if p.style.name.startswith("Heading")]
    assert headings and "Executive summary" in headings


def test_format_names_the_kind_of_file_a_plain_name_gets(seeded, tmp_path):
    out = tmp_path / "talks.brief"
    ok(cli(seeded, "briefing", "-o", str(out), "--format", "docx"))
    assert out.read_bytes()[:2] == b"PK"  # a Word file is a zip
    fails(cli(seeded, "briefing", "-o", str(tmp_path / "x.pdf"), "--format", "docx"))


def test_a_timeline_only_briefing_counts_the_items_it_draws(seeded, tmp_path):
    # the road map's items drawn on the timeline are records of the briefing: "0 records" read
    # as if the file were empty
    items = len(json.loads(ok(cli(seeded, "list", "roadmap", "--json")).stdout))
    assert items > 0
    out = tmp_path / "plan.pdf"
    said = ok(cli(seeded, "briefing", "-o", str(out), "--section", "timeline")).stderr
    assert f", {items} records, marked " in said
    both = ok(cli(seeded, "briefing", "-o", str(out), "--section", "timeline",
                  "--section", "roadmap")).stderr
    assert f", {items} records, marked " in both  # (each record counted once)
