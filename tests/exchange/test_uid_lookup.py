"""An import resolves the uids its records name a chunk of records at a time (one look-up of the
stage for many uids, not one a link), and each link still goes where it went: to a record earlier
in the file, later in the file, already in the database, or refused with the same message."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tracker import exchange as tio
from tracker.store.sqlite.stage import Stage

BOTH_ENGINES = True

# the stage's one-uid look-up (by_uid) and its many-uid one (find_uids), as SQLite traces them
ONE_UID = re.compile(r"FROM u WHERE kind = .* AND uid = ")
MANY_UIDS = re.compile(r"SELECT uid, seq, existing_id FROM u WHERE kind = .* AND uid IN \(")


@pytest.fixture
def stage_statements(monkeypatch):
    """The statements run on connections opened from now on (the stage's: the repository's
    is open already)."""
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        conn = connect(*args, **kwargs)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(sqlite3, "connect", traced)
    return statements


def linked_file(n: int) -> dict:
    """Roadmap items first, each linking its own meeting (later in the file) and one agreement,
    citing its own source."""
    return {
        "roadmap": [{"uid": f"item-{i}", "title": f"Item {i}", "meeting_id": f"m-{i}",
                     "agreement_id": "a-1", "reviewed_at": f"m-{i}; m-{(i + 1) % n}",
                     "sources": [{"source_uid": f"s-{i}", "quote": "words"}]}
                    for i in range(n)],
        "meetings": [{"uid": f"m-{i}", "title": f"Meeting {i}", "start_date": "2025-03-01"}
                     for i in range(n)],
        "sources": [{"uid": f"s-{i}", "title": f"Minutes {i}", "text": f"The words {i}."}
                    for i in range(n)],
    }


def test_an_import_looks_up_a_chunk_s_uids_at_once(empty_repo, stage_statements):
    repo = empty_repo
    n = 120
    tio.import_data(repo, {"agreements": [{"uid": "a-1", "title": "Agreement"}]})  # in the db
    result = tio.import_data(repo, linked_file(n))
    assert result.total == 3 * n
    singles = [s for s in stage_statements if ONE_UID.search(s)]
    batched = [s for s in stage_statements if MANY_UIDS.search(s)]
    assert singles == []  # before: one query a uid the file names (~3 n)
    assert 0 < len(batched) <= 6  # a chunk of records at a time (one chunk of each kind here)
    meetings = {m["uid"]: m["id"] for m in repo.list("meetings", columns=["uid"])}
    sources = {s["uid"]: s["id"] for s in repo.list("sources", columns=["uid"])}
    agreement = repo.get_by_uid("agreements", "a-1")["id"]
    for i in (0, 57, n - 1):
        item = repo.get_by_uid("roadmap", f"item-{i}")
        assert item["meeting_id"] == meetings[f"m-{i}"]
        assert item["agreement_id"] == agreement
        assert sorted(item["reviewed_at"]) == sorted({meetings[f"m-{i}"],
                                                      meetings[f"m-{(i + 1) % n}"]})
        assert [c["source_id"] for c in item["citations"]] == [sources[f"s-{i}"]]


def test_links_across_chunks_resolve_and_missing_uids_are_named(empty_repo, monkeypatch):
    repo = empty_repo
    monkeypatch.setattr(Stage, "BATCH", 7)  # many chunks, a chunk's names in repo chunks
    n = 40
    data = linked_file(n)
    data["roadmap"][33]["meeting_id"] = " m-3 "  # spaces around a uid
    tio.import_data(repo, {"agreements": [{"uid": "a-1", "title": "Agreement"}]})  # in the db
    tio.import_data(repo, data)
    item = repo.get_by_uid("roadmap", "item-33")
    assert item["meeting_id"] == repo.get_by_uid("meetings", "m-3")["id"]
    assert len(repo.list("roadmap")) == n

    bad = linked_file(n)
    bad["roadmap"][21]["meeting_id"] = "m-missing"
    bad["roadmap"][22]["reviewed_at"] = ["m-1", "\ud800"]  # not even encodable
    bad["roadmap"][23]["sources"] = [{"source_uid": "s-gone", "quote": "words"}]
    for item in bad["roadmap"]:
        item["uid"] = "new-" + item["uid"]
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(repo, bad)
    problems = [(p[1], p[2], p[3]) for p in info.value.problems]
    assert problems == [
        ("#22 'Item 21'", "meeting_id",
         "no meetings with uid m-missing in the file or the database"),
        ("#22 'Item 21'", "meeting_id", "'m-missing' is not a whole number"),  # as ever
        ("#23 'Item 22'", "reviewed_at", "no meetings with uid \ud800 in the file or the database"),
        ("#24 'Item 23'", "sources", "source 1: no sources with uid s-gone in the file or the "
                                     "database"),
    ]
    assert len(repo.list("roadmap")) == n  # nothing of the refused file written
