"""An import resolves the uids its records name: each link goes to a record earlier in the file,
later in the file (read a batch of the stage's records or more later) or already in the database,
and a uid found nowhere (or that no database can hold) is refused naming record and field."""

from __future__ import annotations

import pytest

from tracker import exchange as tio
from tracker.store.sqlite.stage import Stage

BOTH_ENGINES = True


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


def test_links_resolve_wherever_the_record_is_and_missing_uids_are_named(empty_repo, monkeypatch):
    repo = empty_repo
    monkeypatch.setattr(Stage, "BATCH", 7)  # the stage's records read back 7 at a time
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
