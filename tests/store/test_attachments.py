"""Files attached to records, on both engines: stored once inside the database, read back
checked against their SHA-256, removed to the trash with the record's other changes, undone,
audited with the file's name, size and SHA-256; refused with a clear message when too large, not
a file, the database itself or changed while read; searched inside (which file, which page); a
source made of their text, quoted by page."""

from __future__ import annotations

import hashlib
import os

import pytest
from attachment_files import docx, pdf

from tracker.errors import TrackerError
from tracker.extract import read_pending
from tracker.model import KINDS
from tracker.model.attachments import LIMIT_SETTING, page_at
from tracker.store.attachments import AttachmentError
from tracker.store.errors import ConflictError, StorageError

BOTH_ENGINES = True


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def agreement(repo):
    return repo.ids("agreements")[0]


def test_a_file_is_stored_once_however_often_attached_and_read_back_whole(repo, engine,
                                                                          tmp_path, agreement):
    data = os.urandom(700_000)  # three chunks
    (tmp_path / "scan.bin").write_bytes(data)
    plant = repo.ids("plants")[0]
    first = repo.attach("agreements", agreement, tmp_path / "scan.bin")
    repo.attach("plants", plant, tmp_path / "scan.bin", name="Скан соглашения.bin")
    assert engine.sql("SELECT count(*) FROM blobs") == [(1,)]
    assert engine.sql("SELECT count(*), sum(length(data)) FROM blob_chunks") == [(3, len(data))]
    attached = repo.attachments("agreements", agreement)
    assert [(a["name"], a["size"], a["sha256"]) for a in attached] == [
        ("scan.bin", len(data), sha(data))]
    assert b"".join(repo.attachment_chunks(attached[0]["id"])) == data
    assert first.record["version"] == 2 and first.record["attachments"][0]["sha256"] == sha(data)
    assert repo.attachments("plants", plant)[0]["name"] == "Скан соглашения.bin"
    saved = repo.save_attachment(attached[0]["id"], tmp_path / "copy.bin")
    assert saved.read_bytes() == data


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_record_can_hold_files(repo, tmp_path, kind):
    rid = repo.create(kind, {"title": f"A {kind} with a file"}).record_id
    (tmp_path / "note.txt").write_text("Ноты и протоколы", encoding="utf-8")
    repo.attach(kind, rid, tmp_path / "note.txt")
    assert [a["name"] for a in repo.attachments(kind, rid)] == ["note.txt"]


def test_attach_remove_undo_redo_are_audited_record_changes(repo, tmp_path, agreement):
    (tmp_path / "minutes.txt").write_bytes(b"minutes of the session")
    digest = sha(b"minutes of the session")
    change = repo.attach("agreements", agreement, tmp_path / "minutes.txt")
    entry = repo.history("agreements", agreement, limit=1)[0]
    assert entry["action"] == "update" and entry["label"] == "Attach minutes.txt"
    assert entry["after"]["attachments"] == [dict(change.record["attachments"][0])]
    assert {"name": "minutes.txt", "size": 22, "sha256": digest}.items() <= \
        entry["after"]["attachments"][0].items()
    aid = change.record["attachments"][0]["id"]
    removed = repo.remove_attachment("agreements", agreement, aid,
                                     expected_version=change.record["version"])
    assert repo.attachments("agreements", agreement) == []
    assert [a["id"] for a in repo.attachments("agreements", agreement, removed=True)] == [aid]
    entry = repo.history("agreements", agreement, limit=1)[0]
    assert entry["label"] == "Remove minutes.txt"
    assert entry["before"]["attachments"][0]["sha256"] == digest
    assert entry["after"]["attachments"] == []
    assert removed.record["version"] == change.record["version"] + 1
    repo.undo()
    assert [a["id"] for a in repo.attachments("agreements", agreement)] == [aid]
    repo.redo()
    assert repo.attachments("agreements", agreement) == []
    repo.undo()
    repo.undo()  # the attaching itself: the file goes to the trash, kept
    assert repo.attachments("agreements", agreement) == []
    assert b"".join(repo.attachment_chunks(aid)) == b"minutes of the session"


def test_a_stale_version_or_a_trashed_record_changes_no_file(repo, tmp_path, agreement):
    (tmp_path / "a.txt").write_text("a")
    version = repo.get("agreements", agreement)["version"]
    repo.update("agreements", agreement, {"reference": "R-1"}, expected_version=version)
    with pytest.raises(ConflictError):
        repo.attach("agreements", agreement, tmp_path / "a.txt", expected_version=version)
    repo.delete("agreements", agreement)
    with pytest.raises(TrackerError, match="trash"):
        repo.attach("agreements", agreement, tmp_path / "a.txt")
    assert repo.attachments("agreements", agreement) == []


def test_a_file_above_the_limit_is_refused_naming_it_and_nothing_is_written(repo, engine,
                                                                           tmp_path, agreement):
    repo.set_settings({LIMIT_SETTING: "1"})
    (tmp_path / "Большой отчёт.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * (1024 * 1024))
    audits = repo.history_count()
    with pytest.raises(AttachmentError) as info:
        repo.attach("agreements", agreement, tmp_path / "Большой отчёт.pdf")
    message = str(info.value)
    assert "Большой отчёт.pdf" in message and "1 MB" in message and LIMIT_SETTING in message
    assert "\n" not in message
    assert repo.history_count() == audits
    assert engine.sql("SELECT count(*) FROM blobs") == [(0,)]
    repo.set_settings({LIMIT_SETTING: "2"})
    repo.attach("agreements", agreement, tmp_path / "Большой отчёт.pdf")


def test_a_folder_a_pipe_or_a_missing_file_is_refused_without_waiting(repo, tmp_path,
                                                                       agreement):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "folder").mkdir()
    for name, expected in (("pipe", "not a regular file"), ("folder", "folder"),
                           ("missing.pdf", "no such file")):
        with pytest.raises(AttachmentError, match=expected):
            repo.attach("agreements", agreement, tmp_path / name)


@pytest.mark.sqlite_only
def test_the_database_itself_is_refused(repo, agreement):
    with pytest.raises(AttachmentError, match="database itself"):
        repo.attach("agreements", agreement, repo.path)
    assert repo.backend.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_file_changed_while_attached_is_refused(repo, tmp_path, agreement, monkeypatch):
    from tracker.store import attachments

    path = tmp_path / "draft.txt"
    path.write_bytes(b"first text")
    real = attachments.incoming

    def then_changed(*args, **kwargs):
        found = real(*args, **kwargs)
        path.write_bytes(b"other text")
        return found

    monkeypatch.setattr(attachments, "incoming", then_changed)
    with pytest.raises(AttachmentError, match="changed while it was being attached"):
        repo.attach("agreements", agreement, path)
    assert repo.attachments("agreements", agreement) == []


def test_the_same_file_twice_on_one_record_is_refused(repo, tmp_path, agreement):
    (tmp_path / "a.txt").write_text("same")
    (tmp_path / "b.txt").write_text("same")
    repo.attach("agreements", agreement, tmp_path / "a.txt")
    with pytest.raises(AttachmentError, match="already attached.*a.txt"):
        repo.attach("agreements", agreement, tmp_path / "b.txt")


def test_hostile_names_are_made_safe_keeping_cyrillic(repo, tmp_path, agreement):
    (tmp_path / "f.txt").write_text("x")
    names = {"../../x": "x", "evil\x00\x07\x1b[31m.txt": "evil[31m.txt",
             "\u202etxt.exe": "txt.exe", "CON": "_CON", "Протокол: «итоги»?.pdf":
             "Протокол_ «итоги»_.pdf", "я" * 500_000 + ".pdf": "я" * 98 + ".pdf"}
    for given, stored in names.items():
        (tmp_path / "f.txt").write_text(given[:50])  # a new content each time
        change = repo.attach("agreements", agreement, tmp_path / "f.txt", name=given)
        assert change.record["attachments"][-1]["name"] == stored


def test_a_damaged_content_is_refused_when_read_and_saves_nothing(repo, engine, tmp_path,
                                                                  agreement):
    (tmp_path / "a.txt").write_text("the signed text")
    aid = repo.attach("agreements", agreement, tmp_path / "a.txt").record["attachments"][0]["id"]
    engine.sql("UPDATE blob_chunks SET data = ?", (b"the forged text",))
    with pytest.raises(StorageError, match="damaged"):
        repo.save_attachment(aid, tmp_path / "out.txt")
    assert not (tmp_path / "out.txt").exists()
    assert not list(tmp_path.glob(".out.txt*"))


def test_search_finds_a_word_in_an_attached_pdf_and_docx_with_file_and_page(repo, tmp_path,
                                                                           agreement):
    pdf(tmp_path / "signed.pdf", ["Preamble", "Article 1", "The Zhetysu corridor opens"])
    docx(tmp_path / "minutes.docx", ["Opening", "Протокол о Капшагайском заводе"])
    plant = repo.ids("plants")[0]
    repo.attach("agreements", agreement, tmp_path / "signed.pdf")
    repo.attach("plants", plant, tmp_path / "minutes.docx")
    assert repo.search("zhetysu") == []  # not read yet
    assert [r.status for r in read_pending(repo)] == ["done", "done"]
    [hit] = repo.search("zhetysu corridor")
    assert (hit.kind, hit.record_id, hit.attachment, hit.page) == (
        "agreements", agreement, "signed.pdf", 3)
    assert "Zhetysu corridor" in hit.snippet
    [hit] = repo.search("капшагайском")
    assert (hit.kind, hit.record_id, hit.attachment, hit.page) == (
        "plants", plant, "minutes.docx", 2)
    assert agreement in repo.ids("agreements", search="zhetysu")  # the list's filter too
    aid = repo.attachments("agreements", agreement)[0]["id"]
    repo.remove_attachment("agreements", agreement, aid)
    assert repo.search("zhetysu") == []
    repo.undo()
    assert [h.attachment for h in repo.search("zhetysu")] == ["signed.pdf"]
    repo.update("agreements", agreement, {"notes": "edited"},
                expected_version=repo.get("agreements", agreement)["version"])
    assert [h.attachment for h in repo.search("zhetysu")] == ["signed.pdf"]  # kept on edits


def test_a_record_found_by_its_own_text_and_its_file_is_listed_once(repo, tmp_path, agreement):
    repo.update("agreements", agreement, {"notes": "Zvezda memo"},
                expected_version=repo.get("agreements", agreement)["version"])
    (tmp_path / "zvezda.txt").write_text("zvezda " * 50)
    repo.attach("agreements", agreement, tmp_path / "zvezda.txt")
    read_pending(repo)
    assert [h.record_id for h in repo.search("zvezda")] == [agreement]


def test_hits_in_files_keep_true_counts_paging_and_the_trash_out(repo, tmp_path, agreement):
    """A record found by its own text and its file counts once; pages of one hit add up to the
    total; a record in the trash is not found by its file's text (nor counted) until restored."""
    plant = repo.ids("plants")[0]
    repo.update("agreements", agreement, {"notes": "Zvezda memo"},
                expected_version=repo.get("agreements", agreement)["version"])
    (tmp_path / "zvezda.txt").write_text("zvezda " * 50)
    repo.attach("agreements", agreement, tmp_path / "zvezda.txt")
    repo.attach("plants", plant, tmp_path / "zvezda.txt")
    read_pending(repo)
    both = {("agreements", agreement), ("plants", plant)}
    found = repo.search("zvezda")
    assert found.total == 2 and {(h.kind, h.record_id) for h in found} == both
    assert [h.attachment for h in found if h.kind == "plants"] == ["zvezda.txt"]
    first, second = repo.search("zvezda", limit=1), repo.search("zvezda", limit=1, offset=1)
    assert (first.total, first.more, second.total, second.more) == (2, 1, 2, 0)
    assert {(h.kind, h.record_id) for h in [*first, *second]} == both
    repo.delete("plants", plant)
    found = repo.search("zvezda")
    assert (found.total, [(h.kind, h.record_id) for h in found]) == (
        1, [("agreements", agreement)])
    repo.restore("plants", plant)
    assert repo.search("zvezda").total == 2


def _files_with_word(repo, tmp_path, n: int, kinds: tuple[str, ...] = (
        "agreements", "plants", "farms", "meetings")) -> dict[str, tuple[str, int, int]]:
    """``n`` records of ``kinds`` in turn, each with a text file holding "Капшагай" on page
    1 + i % 3 (among other pages without it): file name -> (kind, record id, page)."""
    out = {}
    for i in range(n):
        kind = kinds[i % len(kinds)]
        rid = repo.create(kind, {"title": f"Запись {i}"}).record_id
        pages = [f"Страница {p} протокола {i}." for p in range(1, 4)]
        pages[i % 3] += f" Завод в Капшагае, участок {i}."
        name = f"file-{i}.txt"
        (tmp_path / name).write_text("\f".join(pages), encoding="utf-8")
        repo.attach(kind, rid, tmp_path / name)
        out[name] = (kind, rid, 1 + i % 3)
    while read_pending(repo):  # a batch at a time
        pass
    return out


def test_a_page_of_hits_in_files_names_each_file_page_and_line(repo, tmp_path):
    """Every hit of a page found in files names its own record, file, page and a line of the
    page around the word; pages of hits add up to the whole, each record once."""
    files = _files_with_word(repo, tmp_path, 24)
    found = repo.search("капшагае")
    assert found.total == 24 and len(found) == 24
    for hit in found:
        kind, rid, page = files[hit.attachment]
        i = int(hit.attachment.split("-")[1].split(".")[0])
        assert (hit.kind, hit.record_id, hit.page, hit.title) == (kind, rid, page, f"Запись {i}")
        assert f"Завод в Капшагае, участок {i}." in hit.snippet
    pages = [repo.search("капшагае", limit=5, offset=o) for o in range(0, 25, 5)]
    assert sorted(h.attachment for p in pages for h in p) == sorted(files)


def test_a_page_of_hits_in_files_is_read_in_as_many_queries_however_many_hits(
        repo, tmp_path, monkeypatch):
    """A search reads a page of hits with a fixed number of queries (one per kind of record on
    the page, one for the files), not a few for each hit."""
    _files_with_word(repo, tmp_path, 24, ("plants",))
    run = repo.backend._execute  # noqa: SLF001 - counted, not changed
    calls = []

    def counted(*args, **kwargs):
        calls.append(args[0])
        return run(*args, **kwargs)

    monkeypatch.setattr(repo.backend, "_execute", counted)
    counts = []
    for limit in (4, 24):
        calls.clear()
        assert len(repo.search("капшагае", limit=limit)) == limit
        counts.append(len(calls))
    assert counts[0] == counts[1], counts



def test_a_page_of_hits_in_files_and_its_count_are_read_in_one_pass(repo, tmp_path,
                                                                    monkeypatch):
    """The page of hits and the true count come from one pass over the matches (not a second
    counting one), on both engines; a page past the end still says the count, and all hits
    (``limit=None``) are the count."""
    _files_with_word(repo, tmp_path, 7, ("plants", "farms"))
    run = repo.backend._execute  # noqa: SLF001 - counted, not changed
    passes = []

    def counted(*args, **kwargs):
        if "MATCH" in args[0] or "search_matches" in args[0]:
            passes.append(args[0])
        return run(*args, **kwargs)

    monkeypatch.setattr(repo.backend, "_execute", counted)
    found = repo.search("капшагае", limit=3)
    assert (found.total, len(found), len(passes)) == (7, 3, 1)
    passes.clear()
    rest = repo.search("капшагае", limit=3, offset=6)
    assert (rest.total, len(rest), len(passes)) == (7, 1, 1)
    beyond = repo.search("капшагае", limit=3, offset=10)
    assert (beyond.total, len(beyond)) == (7, 0)
    everything = repo.search("капшагае", limit=None)
    assert (everything.total, len(everything)) == (7, 7)
    assert repo.search("капшагае", limit=None, offset=5).total == 7

def test_an_attachment_becomes_a_source_quoted_by_its_page(repo, tmp_path, agreement):
    text = "\f".join(f"Page {n} of the agreement. Article {n} says: clause {n * 11}."
                     for n in range(1, 6))
    (tmp_path / "agreement.txt").write_text(text, encoding="utf-8")
    aid = repo.attach("agreements", agreement, tmp_path / "agreement.txt").record[
        "attachments"][0]["id"]
    with pytest.raises(AttachmentError, match="not been read yet"):
        repo.source_from_attachment("agreements", agreement, aid)
    read_pending(repo)
    source = repo.source_from_attachment("agreements", agreement, aid).record
    assert source["title"] == "agreement.txt" and "SHA-256" in source["notes"]
    assert source["classification"] == repo.get("agreements", agreement)["classification"]
    quote = "Article 4 says: clause 44."
    change = repo.set_citations("agreements", agreement, [{"source_id": source["id"],
                                                            "quote": quote}],
                                expected_version=repo.get("agreements", agreement)["version"])
    assert change.record["citations"][0]["quote"] == quote
    assert page_at(source["text"], source["text"].index(quote)) == 4
    with pytest.raises(TrackerError, match="not in the source"):
        repo.set_citations("agreements", agreement, [{"source_id": source["id"],
                                                      "quote": "Article 9 says"}],
                           expected_version=change.record["version"])
