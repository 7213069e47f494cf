"""Briefings list a record's documents under its kind's table: the record, the file's name (a
hostile name printed as plain text), its size and the day it was attached; removed files are
not listed."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from tracker.briefing import BriefingOptions, build_briefing
from tracker.briefing.blocks import Heading, RecordTable
from tracker.briefing.gather import gather
from tracker.briefing.sections import compose


def test_a_briefing_lists_the_documents_of_its_records(repo, tmp_path):
    rid = repo.ids("agreements")[0]
    title = repo.get("agreements", rid)["title"]
    (tmp_path / "a.txt").write_text("signed text")
    repo.attach("agreements", rid, tmp_path / "a.txt", name="Соглашение & «итоги» =1+2.pdf")
    (tmp_path / "b.txt").write_text("removed")
    change = repo.attach("agreements", rid, tmp_path / "b.txt", name="draft.txt")
    repo.remove_attachment("agreements", rid, change.record["attachments"][-1]["id"])
    opts = BriefingOptions(language="en")
    doc = compose(gather(repo, opts, dt.date(2026, 11, 27)), opts)
    at = next(i for i, b in enumerate(doc.body) if isinstance(b, Heading) and
              b.text == "Documents")
    table = doc.body[at + 1]
    assert isinstance(table, RecordTable)
    assert table.header[1:] == ("Document", "Size", "Attached")
    assert [(row[0], row[1], row[2]) for row in table.rows] == [
        (title, "Соглашение & «итоги» =1+2.pdf", "11 B")]
    out = tmp_path / "briefing.pdf"
    build_briefing(repo, opts, out)
    text = " ".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "Соглашение & «итоги» =1+2.pdf" in text and "draft.txt" not in text
