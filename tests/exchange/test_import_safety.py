"""Imports that must not hurt: hostile files refused cleanly, old exports that would undo newer
edits, forged system fields, quotes that are not in their sources, and an import that must not
make another program's write fail. (Bounded reading: test_reading.py; CSV as spreadsheets save
it: test_csv_format.py.)"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path

import pytest
from exchange_helpers import cli, excel_csv, make_zip, one_line_error, state
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import exchange as tio
from tracker.exchange import importer
from tracker.exchange.json_format import json_text
from tracker.exchange.planner import Planner
from tracker.model.catalogue import KIND_ORDER
from tracker.store.repository import Repository


def test_the_cli_dry_run_shows_what_was_understood(tmp_path):
    db = tmp_path / "t.db"
    assert cli(db, "init", "--empty").exit_code == 0
    folder = tmp_path / "excel"
    folder.mkdir()
    (folder / "people.csv").write_bytes(excel_csv())
    result = cli(db, "import", "--dry-run", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "people.csv: Windows-1251, semicolon-separated, 2 records" in result.stdout
    assert "would import: 2 created" in result.stdout


# --- hostile files never give a traceback ---------------------------------------------------------

FUZZ = settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CSV_BYTES = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from([b"title", b",", b";", b"\t", b'"', b"\n", b"\r\n", b"=1+1",
                              "Ёлка".encode(), "Ёлка".encode("cp1251"), b"\xef\xbb\xbf",
                              b"uid", b"p-1", b"version", b"2", b"sources", b"[]", b"\x00",
                              b"deleted_at", b"yes", b"title,title"]),
             max_size=40).map(b"".join))


def _refused_cleanly(repo, path, before):
    try:
        tio.import_file(repo, path)
    except (tio.FileProblem, tio.ImportProblem, tio.ImportConflict) as exc:
        assert str(exc) and "\n" not in str(exc).strip()
        assert state(repo) == before
        return False
    return True


@FUZZ
@given(data=CSV_BYTES, kind=st.sampled_from(KIND_ORDER), zipped=st.booleans())
def test_random_csv_bytes_import_or_are_refused_cleanly(data, kind, zipped):
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if zipped:
            path = make_zip(tmp_path / "x.zip", {f"{kind}.csv": data})
        else:
            path = tmp_path / "folder"
            path.mkdir()
            (path / f"{kind}.csv").write_bytes(data)
        with Repository(tmp_path / "t.db") as repo:
            _refused_cleanly(repo, path, state(repo))


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
              st.sampled_from(["2026-01-01T00:00:00Z", "p-1", "zzz", "", "\x00", "\ud800"])),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(
                                   ["title", "uid", "version", "deleted_at", "created_at",
                                    "created_by", "sources", "participants", "quote",
                                    "source_uid", "x"]), children, max_size=5)),
    max_leaves=20)


@FUZZ
@given(shape=st.dictionaries(st.sampled_from([*KIND_ORDER, "_meta", "planets"]), JSON_VALUES,
                             max_size=3),
       raw=st.one_of(st.none(), st.binary(max_size=60)))
def test_random_json_shapes_import_or_are_refused_cleanly(shape, raw):
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        path = tmp_path / "x.json"
        path.write_bytes(raw if raw is not None else json.dumps(shape).encode())
        with Repository(tmp_path / "t.db") as repo:
            _refused_cleanly(repo, path, state(repo))


# --- older than ours ------------------------------------------------------------------------------

def test_an_old_export_never_undoes_newer_edits_or_deletes(repo, tmp_path):
    old = tmp_path / "old.json"
    tio.write_json(old, tio.export_data(repo))
    item = repo.list("roadmap")[0]
    repo.update("roadmap", item["id"], {"progress": 80}, expected_version=item["version"])
    repo.delete("plants", 1)
    data = json.loads(old.read_text(encoding="utf-8"))
    data["people"].append({"title": "A new contact"})
    tio.write_json(old, data)
    before = state(repo)
    with pytest.raises(tio.ImportConflict) as info:
        tio.import_file(repo, old)
    assert info.value.count == 2 and "nothing was imported" in str(info.value)
    assert state(repo) == before
    preview = tio.import_file(repo, old, dry_run=True)
    assert preview.older == {"roadmap": 1, "plants": 1} and preview.created == {"people": 1}
    listed = {(c.kind, c.record_id): c for c in preview.conflicts}
    assert listed[("plants", 1)].in_trash
    assert (listed[("roadmap", item["id"])].file_version,
            listed[("roadmap", item["id"])].version) == (item["version"], item["version"] + 1)
    assert state(repo) == before
    done = tio.import_file(repo, old, skip_older=True)
    assert done.created == {"people": 1} and done.updated == {} and done.older_total == 2
    assert repo.get("roadmap", item["id"])["progress"] == 80
    assert repo.get("plants", 1)["deleted_at"]


def test_the_cli_refuses_an_old_export_unless_told_to_skip(seeded_db, tmp_path):
    old = tmp_path / "old.json"
    assert cli(seeded_db, "export", "-o", str(old)).exit_code == 0
    assert cli(seeded_db, "edit", "people", "1", "position=Former president").exit_code == 0
    data = json.loads(old.read_text(encoding="utf-8"))
    data["people"][1]["position"] = "President (from the file)"
    tio.write_json(old, data)
    message = one_line_error(cli(seeded_db, "import", str(old)))
    assert "1 record in the file is older" in message and "--skip-older" in message
    preview = cli(seeded_db, "import", "--dry-run", str(old))
    assert preview.exit_code == 0
    assert "older than ours: people 1 #1 'Alexander Lukashenko': version 1 in the file, 2 " \
           "here" in preview.stdout
    assert "would import: 0 created, 1 updated" in preview.stdout
    done = cli(seeded_db, "import", "--skip-older", str(old))
    assert done.exit_code == 0, done.stderr
    assert "1 record older than ours was skipped" in done.stdout
    shown = json.loads(cli(seeded_db, "show", "people", "1", "--json").stdout)
    assert shown["position"] == "Former president"
    second = json.loads(cli(seeded_db, "show", "people", "2", "--json").stdout)
    assert second["position"] == "President (from the file)"


@pytest.fixture
def seeded_db(tmp_path):
    db = tmp_path / "seeded.db"
    assert cli(db, "init").exit_code == 0
    return db


def test_a_write_between_the_check_and_the_import_is_not_overwritten(repo, monkeypatch):
    """The plan is made without the write lock; if another program writes meanwhile, it is made
    again inside the transaction, so the newer edit is seen (here: as older-than-ours)."""
    data = json.loads(json_text(tio.export_data(repo, ["people"])))
    data["people"][0]["position"] = "From the file"
    real = Planner.run
    calls = []

    def run_then_another_program_writes(self):
        real(self)
        if not calls:
            calls.append(1)
            with Repository(repo.path, user="colleague") as other:
                other.update("people", 1, {"position": "Edited meanwhile"}, expected_version=1)

    monkeypatch.setattr(Planner, "run", run_then_another_program_writes)
    with pytest.raises(tio.ImportConflict):
        tio.import_data(repo, data)
    assert repo.get("people", 1)["position"] == "Edited meanwhile"


def test_a_record_created_meanwhile_with_a_uid_of_the_file_is_updated_not_doubled(
        empty_repo, monkeypatch):
    real = Planner.run
    calls = []

    def run_then_another_program_creates(self):
        real(self)
        if not calls:
            calls.append(1)
            with Repository(empty_repo.path, user="colleague") as other:
                tio.import_data(other, {"people": [{"uid": "p-1", "title": "Envoy"}]})

    monkeypatch.setattr(Planner, "run", run_then_another_program_creates)
    result = tio.import_data(empty_repo, {"people": [{"uid": "p-1", "title": "Envoy",
                                                      "position": "Ambassador"}]})
    assert (result.created, result.updated) == ({}, {"people": 1})
    assert [p["position"] for p in empty_repo.list("people")] == ["Ambassador"]


# --- system fields --------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("created_at", "zzz"), ("created_at", "2026-13-45T99:00:00Z"), ("updated_at", 12),
    ("deleted_at", "yes"), ("deleted_at", ""), ("created_by", "two\nlines"),
    ("created_by", "x" * 101), ("created_by", ""), ("created_by", 42),
    ("version", 0), ("version", "many"), ("version", True), ("version", "²"), ("version", "٣"),
])
def test_forged_system_fields_are_problems_naming_the_field(empty_repo, field, value):
    before = state(empty_repo)
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(empty_repo, {"people": [{"title": "Fine"},
                                                {"title": "Forged", field: value}]})
    assert info.value.problems[0][:3] == ("people", "#2 'Forged'", field)
    assert state(empty_repo) == before


def test_valid_system_fields_are_kept_in_the_apps_form(empty_repo):
    tio.import_data(empty_repo, {"people": [
        {"uid": "a", "title": "A", "created_at": "2025-03-01T12:00:00+03:00",
         "created_by": "Office of the Ambassador", "deleted_at": "2025-04-01"},
        {"uid": "b", "title": "B", "created_at": "2025-03-01T09:00:00Z", "version": "3"}]})
    a = empty_repo.get_by_uid("people", "a")
    assert (a["created_at"], a["created_by"], a["deleted_at"]) == (
        "2025-03-01T09:00:00Z", "Office of the Ambassador", "2025-04-01T00:00:00Z")
    assert empty_repo.get_by_uid("people", "b")["created_at"] == "2025-03-01T09:00:00Z"


# --- quotes: an import is held to the rule the repository keeps ----------------------------------

def test_an_import_refuses_a_quote_that_is_not_in_its_source(repo, other_repo):
    data = json.loads(json_text(tio.export_data(repo)))
    data["people"][0]["sources"][0]["quote"] = "The President said something else"
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(other_repo, data)
    kind, record, field, message = info.value.problems[0]
    assert (kind, field) == ("people", "sources") and "source 1:" in message
    assert "not in the source's text" in message
    assert other_repo.count("people") == 0
    # a source the file brings: its quotes are checked against the file's text
    tio.import_data(other_repo, {
        "sources": [{"uid": "s", "title": "Minutes", "text": "The sides   agreed on a fair."}],
        "people": [{"title": "Envoy", "sources": [{"source_uid": "s",
                                                   "quote": "sides agreed on a fair"}]}]})
    with pytest.raises(tio.ImportProblem, match="not in the source's text"):
        tio.import_data(other_repo, {"people": [{"title": "Envoy 2", "sources": [
            {"source_uid": "s", "quote": "the sides disagreed"}]}]})


@pytest.fixture
def other_repo(tmp_path):
    with Repository(tmp_path / "other.db", user="importer") as r:
        yield r


# --- the write lock ------------------------------------------------------------------------------

def test_a_real_import_leaves_its_note_only_while_it_writes(repo, tmp_path, monkeypatch):
    data = {"people": [{"title": f"Person {i}"} for i in range(5)]}
    seen = []
    real = importer.write_plans

    def write(*args, **kwargs):
        from tracker.store.sqlite.notes import read_note

        seen.append(read_note(repo.path))
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "write_plans", write)
    tio.import_data(repo, data)
    assert seen[0]["activity"] == "importing the data (5 records)"
    assert seen[0]["pid"] == os.getpid()
    assert not Path(str(repo.path) + ".writing").exists()


def test_a_dry_run_takes_no_write_lock(repo, tmp_path, monkeypatch):
    from tracker.store.sqlite import connect as dbmod

    data = json.loads(json_text(tio.export_data(repo)))
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(repo.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        with Repository(repo.path, user="reader") as mine:
            preview = tio.import_data(mine, data, dry_run=True)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert preview.total == 0 and sum(preview.unchanged.values()) > 0
