"""Reading the text of attached files in the bounded worker: the formats read page by page, and
hostile files (a zip bomb inside a Word file, a PDF of 10,000 pages, an encrypted PDF, a PDF
whose page tree loops, garbage called .pdf, a worker that runs too long) end in a status and a
note, never an exception, within their bounds; the file stays stored and other files are read."""

from __future__ import annotations

import time

import pytest
from attachment_files import (
    docx,
    encrypted_pdf,
    looping_pdf,
    many_pages_pdf,
    odt,
    pdf,
    zip_bomb_docx,
)

from tracker.extract import Limits, extract, read_pending
from tracker.model.attachments import DOCX, HTML, ODT, PDF, TEXT, describe_text


def test_pdf_docx_odt_html_and_text_are_read_page_by_page(tmp_path):
    got = extract(pdf(tmp_path / "a.pdf", ["First page", "Second page"]), PDF)
    assert (got.status, [(p, t.strip()) for p, t in got.pages]) == (
        "done", [(1, "First page"), (2, "Second page")])
    got = extract(docx(tmp_path / "a.docx", ["Один", "Два"]), DOCX)
    assert got.status == "done" and [p for p, _t in got.pages] == [1, 2]
    assert "Два" in got.pages[1][1]
    got = extract(odt(tmp_path / "a.odt", ["Alpha", "Beta"]), ODT)
    assert got.status == "done" and [(p, t.strip()) for p, t in got.pages] == [
        (1, "Alpha"), (2, "Beta")]
    (tmp_path / "a.html").write_text("<p>Visible <script>alert(1)</script>text</p>")
    got = extract(tmp_path / "a.html", HTML)
    assert "Visible" in got.pages[0][1] and "alert" not in got.pages[0][1]
    (tmp_path / "a.txt").write_bytes("Минск и Астана".encode("cp1251"))
    assert "Минск и Астана" in extract(tmp_path / "a.txt", TEXT).pages[0][1]


@pytest.mark.slow
def test_a_zip_bomb_inside_a_word_file_stops_early_with_a_note(tmp_path):
    bomb = zip_bomb_docx(tmp_path / "bomb.docx", expanded_mb=300)
    assert bomb.stat().st_size < 3_000_000
    started = time.monotonic()
    got = extract(bomb, DOCX, Limits(seconds=30, memory_mb=512))
    assert time.monotonic() - started < 20
    assert (got.status in {"partial", "failed"}) and got.note == "expanded"
    assert "expand" in describe_text(got.status, got.note).lower()


@pytest.mark.slow
def test_a_pdf_of_ten_thousand_pages_is_read_up_to_the_page_bound(tmp_path):
    big = many_pages_pdf(tmp_path / "big.pdf", pages=10_000, text="treaty")
    got = extract(big, PDF, Limits(seconds=60, max_pages=50))
    assert (got.status, got.note, len(got.pages)) == ("partial", "pages", 50)
    assert got.pages[-1][0] == 50 and "treaty" in got.pages[0][1]


def test_an_encrypted_pdf_is_not_read_and_says_so(tmp_path):
    got = extract(encrypted_pdf(tmp_path / "locked.pdf", "secret text"), PDF)
    assert (got.status, got.note, got.pages) == ("failed", "encrypted", [])


@pytest.mark.parametrize("make", [
    looping_pdf,
    lambda p: (p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 400), p)[1],
    lambda p: (p.write_bytes(b"PK\x03\x04 not a zip at all"), p)[1],
    lambda p: (p.write_bytes(b""), p)[1],
], ids=["page-tree-loop", "garbage", "fake-zip", "empty"])
def test_a_malformed_file_ends_in_a_note_never_an_exception(tmp_path, make):
    bad = make(tmp_path / "bad.pdf")
    got = extract(bad, PDF, Limits(seconds=20))
    assert got.status in {"failed", "partial", "done"}
    assert got.status == "done" or got.note in {"damaged", "timeout", "memory", "crashed"}
    got = extract(bad, DOCX, Limits(seconds=20))  # the same bytes called a Word file
    assert got.status in {"failed", "partial", "done"}


def test_a_reading_that_runs_too_long_is_killed_at_its_time_bound(tmp_path, monkeypatch):
    import sys

    import tracker.extract as extract_module

    monkeypatch.setattr(extract_module, "worker_command",
                        lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    started = time.monotonic()
    got = extract(pdf(tmp_path / "a.pdf", ["x"]), PDF, Limits(seconds=1))
    assert time.monotonic() - started < 10
    assert (got.status, got.note) == ("failed", "timeout")


def test_a_worker_out_of_memory_is_stopped_by_its_own_limit(tmp_path):
    got = extract(many_pages_pdf(tmp_path / "big.pdf", pages=3000), PDF,
                  Limits(seconds=30, memory_mb=40))
    assert got.status in {"failed", "partial"} and got.note in {"memory", "crashed", "damaged"}


def test_hostile_files_are_stored_and_the_others_still_read(repo, tmp_path):
    rid = repo.ids("agreements")[0]
    repo.attach("agreements", rid, encrypted_pdf(tmp_path / "locked.pdf", "hidden"))
    repo.attach("agreements", rid, looping_pdf(tmp_path / "loop.pdf"))
    repo.attach("agreements", rid, pdf(tmp_path / "good.pdf", ["Kapshagay assembly plant"]))
    read_pending(repo, limits=Limits(seconds=20))
    rows = {a["name"]: a for a in repo.attachments("agreements", rid)}
    assert set(rows) == {"locked.pdf", "loop.pdf", "good.pdf"}
    assert (rows["locked.pdf"]["text_status"], rows["locked.pdf"]["text_note"]) == (
        "failed", "encrypted")
    assert rows["good.pdf"]["text_status"] == "done"
    assert rows["loop.pdf"]["text_status"] in {"failed", "partial"}
    assert [h.attachment for h in repo.search("kapshagay")] == ["good.pdf"]
    saved = repo.save_attachment(rows["locked.pdf"]["id"], tmp_path / "out.pdf")
    assert saved.read_bytes() == (tmp_path / "locked.pdf").read_bytes()
