"""Moving a desk's records to another database (a file's to a server): the records keep their uids
and versions (a later export of the old file is then known as older), and with --with-history
their audit trail comes along, linked to the records as they are numbered there."""

from __future__ import annotations

import json

import pytest
from exchange_helpers import cli

from tracker import exchange as tio
from tracker.exchange.history import HISTORY_KEY
from tracker.exchange.json_format import json_text
from tracker.model import KIND_ORDER
from tracker.seed.article import RECORDS

SEEDED = len(RECORDS) + 1  # the article's records and the article itself


def _edited(repo):
    """A few versions of a road-map item, a deleted plant, a person linked to an agreement."""
    item = repo.get("roadmap", 1)
    repo.update("roadmap", 1, {"progress": 30}, expected_version=item["version"])
    repo.update("roadmap", 1, {"progress": 60, "status": "in_progress"},
                expected_version=item["version"] + 1)
    repo.delete("plants", 1)
    return repo.get("roadmap", 1)


def _by_uid(data):
    return {(kind, r["uid"]): {k: v for k, v in r.items() if k != "id"}
            for kind in KIND_ORDER for r in data[kind]}


def test_created_records_keep_the_files_version_and_last_change(repo, other):
    item = _edited(repo)
    assert item["version"] == 3
    data = json.loads(json_text(tio.export_data(repo)))
    tio.import_data(other, data)
    moved = other.get_by_uid("roadmap", item["uid"])
    assert (moved["version"], moved["updated_at"], moved["updated_by"]) == (
        3, item["updated_at"], item["updated_by"])
    assert _by_uid(tio.export_data(other)) == _by_uid(data)  # every field, version and stamp
    # an export of the file from before its last edit is now older than the moved record
    data["roadmap"][0]["version"] = 2
    data["roadmap"][0]["progress"] = 30
    with pytest.raises(tio.ImportConflict):
        tio.import_data(other, data)


def test_history_travels_with_the_records_it_belongs_to(repo, other, tmp_path):
    item = _edited(repo)
    out = tmp_path / "with-history.json"
    result = cli(repo.path, "export", "--with-history", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported[HISTORY_KEY], "no history in the export"
    assert all("id" not in (e["after"] or {}) for e in exported[HISTORY_KEY])  # ids by uid

    result = cli(other.path, "import", "--with-history", str(out))
    assert result.exit_code == 0, result.stderr
    assert "history" in result.stdout
    moved = other.get_by_uid("roadmap", item["uid"])
    theirs = repo.history("roadmap", 1)
    ours = other.history("roadmap", moved["id"])
    assert [e["action"] for e in ours] == ["import"] + [e["action"] for e in theirs]
    for mine, original in zip(ours[1:], theirs, strict=True):
        assert (mine["at"], mine["user"], mine["label"], mine["changes"]) == (
            original["at"], original["user"], original["label"], original["changes"])
        assert mine["record_id"] == moved["id"] and mine["after"]["id"] == moved["id"]
    # links in the snapshots name the records as they are numbered here
    created = ours[-1]["after"]
    agreement = other.get_by_uid("agreements", repo.get("agreements",
                                                        item["agreement_id"])["uid"])
    assert created["agreement_id"] == agreement["id"]
    assert [c["source_id"] for c in created["citations"]] == [
        other.get_by_uid("sources", repo.get("sources", c["source_id"])["uid"])["id"]
        for c in theirs[-1]["after"]["citations"]]


def test_without_the_option_the_history_stays_out(repo, other, tmp_path):
    _edited(repo)
    out = tmp_path / "with-history.json"
    assert cli(repo.path, "export", "--with-history", "-o", str(out)).exit_code == 0
    before = other.history_count()
    assert cli(other.path, "import", str(out)).exit_code == 0
    entries = [e for e in other.history(limit=10_000) if e["kind"] != "settings"]
    assert all(e["action"] == "import" for e in entries)  # (and the relationship named)
    assert other.history_count("settings") <= 1
    assert other.history_count() - before - other.history_count("settings") == SEEDED


def test_history_of_records_already_here_is_left_out(repo, other, tmp_path):
    _edited(repo)
    out = tmp_path / "with-history.json"
    assert cli(repo.path, "export", "--with-history", "-o", str(out)).exit_code == 0
    assert cli(other.path, "import", "--with-history", str(out)).exit_code == 0
    count = other.history_count()
    again = cli(other.path, "import", "--with-history", str(out))
    assert again.exit_code == 0, again.stderr
    assert other.history_count() == count  # nothing new: same records, their history is here


def test_a_bad_history_entry_refuses_the_file_and_writes_nothing(repo, other, tmp_path):
    data = json.loads(json_text(tio.export_data(repo)))
    data[HISTORY_KEY] = [{"kind": "roadmap", "record_uid": data["roadmap"][0]["uid"],
                          "at": "2025-01-01T00:00:00Z", "action": "update", "user": "x",
                          "label": "", "before": "not a record", "after": None}]
    before = other.history_count()
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(other, data, with_history=True)
    assert "before" in str(info.value)
    assert other.history_count() == before and sum(other.totals().values()) == 0


def test_history_needs_a_json_export(repo, tmp_path):
    result = cli(repo.path, "export", "--with-history", "-o", str(tmp_path / "x.zip"))
    assert result.exit_code == 2 and "--with-history" in result.stderr
