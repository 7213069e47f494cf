"""Import and export: round trips, the all-or-nothing rule, updates by uid, hostile input."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import string
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from exchange_helpers import comparable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import exchange as tio
from tracker.cli.main import main
from tracker.exchange.csv_format import FORMULA_START
from tracker.exchange.json_format import json_text
from tracker.model import KIND_ORDER, KINDS
from tracker.session import open_session
from tracker.store.repository import Repository


def audit_count(repo):
    return repo.backend.conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def snapshot(repo):
    """Every row of every table, to prove nothing was written."""
    out = {}
    for (name,) in repo.backend.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search%'"):
        rows = repo.backend.conn.execute(f"SELECT * FROM [{name}]").fetchall()
        out[name] = sorted(rows, key=repr)
    return out


# --- round trips ----------------------------------------------------------------------------------

def test_json_round_trip_keeps_records_and_uids(repo, other):
    repo.delete("plants", 1)  # the trash travels too
    data = tio.export_data(repo)
    result = tio.import_data(other, json.loads(json_text(data)))
    assert sum(result.created.values()) == sum(len(v) for v in data.values())
    again = tio.export_data(other)
    assert comparable(again) == comparable(data)
    assert other.get("plants", other.get_by_uid("plants", data["plants"][0]["uid"])["id"])[
        "deleted_at"]
    # links point at the same records, by uid
    item = next(r for r in again["roadmap"] if r["agreement_id"])
    target = other.get_by_uid("agreements", item["agreement_id"])
    assert target is not None


def test_import_twice_changes_nothing_the_second_time(repo, other):
    data = json.loads(json_text(tio.export_data(repo)))
    tio.import_data(other, data)
    entries, before = audit_count(other), snapshot(other)
    result = tio.import_data(other, data)
    assert result.total == 0 and result.change is None
    assert audit_count(other) == entries
    assert snapshot(other) == before


# --- updates by uid -------------------------------------------------------------------------------

def test_import_updates_records_by_uid(repo):
    data = json.loads(json_text(tio.export_data(repo)))
    record = data["roadmap"][0]
    old = repo.get_by_uid("roadmap", record["uid"])
    record["progress"] = 60
    record["status"] = "in_progress"
    record["sources"] = record["sources"][:1]
    new = {"title": "A brand-new item", "agreement_id": record["agreement_id"]}
    result = tio.import_data(repo, {"roadmap": [record, new]})
    assert result.updated == {"roadmap": 1} and result.created == {"roadmap": 1}
    now = repo.get_by_uid("roadmap", record["uid"])
    assert now["id"] == old["id"]
    assert (now["progress"], now["status"]) == (60, "in_progress")
    assert now["version"] == old["version"] + 1
    assert len(now["citations"]) == 1
    entry = repo.history("roadmap", now["id"])[0]
    assert entry["action"] == "import"
    assert ("progress", 0, 60) in entry["changes"]
    created = repo.list("roadmap", search="brand-new")[0]
    assert created["agreement_id"] == now["agreement_id"]


def test_a_dry_run_counts_exactly_what_the_import_does_and_writes_nothing(repo, other):
    data = json.loads(json_text(tio.export_data(repo)))
    tio.import_data(other, data)
    data["agreements"][0]["notes"] = "changed in the other office"
    data["people"].append({"title": "A new contact"})
    entries, before = audit_count(other), snapshot(other)
    watcher = sqlite3.connect(other.path)  # another connection sees any commit
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    preview = tio.import_data(other, data, dry_run=True)
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == version
    watcher.close()
    assert snapshot(other) == before and audit_count(other) == entries
    assert preview.change is None
    assert (preview.created, preview.updated) == ({"people": 1}, {"agreements": 1})
    assert sum(preview.unchanged.values()) == sum(len(v) for v in data.values()) - 2
    done = tio.import_data(other, data)
    assert (done.created, done.updated, done.unchanged) == (
        preview.created, preview.updated, preview.unchanged)
    with pytest.raises(tio.ImportProblem):  # a bad file fails the dry run the same way
        tio.import_data(other, {"roadmap": [{"title": ""}]}, dry_run=True)
    again = json.loads(json_text(tio.export_data(other)))
    assert tio.import_data(other, again, dry_run=True).total == 0  # nothing left to do


def test_a_partial_record_updates_only_the_fields_it_names(repo):
    uid = repo.get("people", 3)["uid"]
    tio.import_data(repo, {"people": [{"uid": uid, "position": "Chair"}]})
    person = repo.get("people", 3)
    assert person["position"] == "Chair"
    assert person["title"] == "Alexander Shumilin"
    assert person["citations"]  # sources not given: left as they were


def test_citation_only_change_is_a_new_version(repo):
    data = json.loads(json_text(tio.export_data(repo, ["people"])))
    person = data["people"][0]
    before = repo.get_by_uid("people", person["uid"])
    person["sources"] = [{"source": before["citations"][0]["source"], "quote": "Lukashenko"}]
    tio.import_data(repo, {"people": [person]})
    after = repo.get_by_uid("people", person["uid"])
    assert [c["quote"] for c in after["citations"]] == ["Lukashenko"]
    assert after["version"] == before["version"] + 1


def test_new_records_may_link_to_each_other_inside_the_file(other):
    data = {
        "people": [{"uid": "p-1", "title": "Envoy"}],
        "agreements": [{"uid": "a-1", "title": "Memorandum", "type": "memorandum"}],
        "meetings": [{"uid": "m-1", "title": "Round table", "participants": ["p-1"]}],
        "roadmap": [{"title": "Follow-up", "agreement_id": "a-1", "meeting_id": "m-1"}],
        "sources": [{"uid": "s-1", "title": "Minutes"}],
    }
    data["people"][0]["sources"] = [{"source_uid": "s-1", "quote": "the envoy"}]
    tio.import_data(other, data)
    item = other.list("roadmap")[0]
    assert other.get("agreements", item["agreement_id"])["uid"] == "a-1"
    assert other.get("meetings", item["meeting_id"])["participants"] == [
        other.get_by_uid("people", "p-1")["id"]]
    assert other.get_by_uid("people", "p-1")["citations"][0]["quote"] == "the envoy"
    actions = {e["action"] for e in other.history()}
    assert actions == {"import"}


# --- all or nothing -------------------------------------------------------------------------------

def test_one_invalid_record_in_a_hundred_writes_nothing(repo):
    records = [{"title": f"Item {i}", "progress": i % 100} for i in range(100)]
    records[56]["due_date"] = "next Tuesday"
    before, entries = snapshot(repo), audit_count(repo)
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(repo, {"people": [{"title": "Fine person"}], "roadmap": records})
    message = str(info.value)
    assert "roadmap" in message and "#57 'Item 56'" in message and "due_date" in message
    assert info.value.problems[0][:3] == ("roadmap", "#57 'Item 56'", "due_date")
    assert snapshot(repo) == before and audit_count(repo) == entries


@pytest.mark.parametrize("record, field", [
    ({"title": ""}, "title"),
    ({"title": "x" * 301}, "title"),
    ({"title": "Plant", "count": 0}, "count"),
    ({"title": "Plant", "count": True}, "count"),
    ({"title": "Plant", "count": 2**70}, "count"),
    ({"title": "Plant", "count": float("nan")}, "count"),
    ({"title": "Plant", "status": "exploded"}, "status"),
    ({"title": "Plant", "started_on": "2024-02-30"}, "started_on"),
    ({"title": "Plant", "location": {"nested": "object"}}, "location"),
    ({"title": "Plant", "colour": "red"}, "colour"),
    ({"title": "Plant", "sources": [{"source": "No such source", "quote": "q"}]}, "sources"),
    ({"title": "Plant", "sources": "not a list"}, "sources"),
    ({"title": "Plant", "uid": 12}, "uid"),
])
def test_invalid_values_are_named(other, record, field):
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(other, {"plants": [record]})
    assert info.value.problems[0][0] == "plants"
    assert info.value.problems[0][2] == field
    assert other.count("plants") == 0


def test_links_to_unknown_uids_and_duplicate_uids_are_refused(repo):
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(repo, {"roadmap": [{"title": "X", "agreement_id": "no-such-uid"}]})
    assert info.value.problems[0][2] == "agreement_id"
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(repo, {"people": [{"uid": "u", "title": "A"}, {"uid": "u", "title": "B"}]})
    assert info.value.problems[0][2] == "uid"
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(repo, {"meetings": [{"title": "M", "participants": ["nobody"]}]})
    assert info.value.problems[0][2] == "participants"


def test_a_failure_while_writing_rolls_the_whole_import_back(repo, monkeypatch):
    records = [{"title": f"Person {i}"} for i in range(20)]
    before, entries = snapshot(repo), audit_count(repo)
    calls = {"n": 0}
    from tracker.store.batch import Batch

    real = Batch.audit_entries  # a chunk's audit entries, once its records are written

    def failing_audit(self, kind, action, label, items):
        calls["n"] += len(items)
        if calls["n"] >= 15:
            raise OSError("disk unplugged")
        return real(self, kind, action, label, items)

    monkeypatch.setattr(Batch, "audit_entries", failing_audit)
    with pytest.raises(OSError):
        tio.import_data(repo, {"people": records})
    monkeypatch.undo()
    assert snapshot(repo) == before and audit_count(repo) == entries


def test_wrong_shapes_are_file_problems(other):
    for data in ([], "text", {"people": "x"}, {"planets": []}):
        with pytest.raises(tio.FileProblem):
            tio.import_data(other, data)


# --- hostile text, property-based -----------------------------------------------------------------

HOSTILE = st.one_of(
    st.text(min_size=1, max_size=60),
    st.sampled_from([
        "\"quoted\" 'single'", "<b>bold</b> <script>alert(1)</script>", "AT&T &amp; &lt;",
        "=cmd|' /C calc'!A0", "+SUM(1)", "-1", "@x", "\tTAB", "\rCR", "Лукашенко и Назарбаев",
        "ёлка Ёж", "🇧🇾🤝🇰🇿", "NEAR(a b)", "title:x", "x AND", "\"", "*", "\x00nul\x1b[31m",
    ]),
    st.text(alphabet=string.printable + "ёЖ🙂<>&=\"'", min_size=1, max_size=400),
)
_SETTINGS = settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(title=HOSTILE, notes=HOSTILE)
def test_hostile_text_through_add_search_and_show(tmp_path, title, notes):
    db = tmp_path / "hostile.db"
    runner = CliRunner()
    added = runner.invoke(main, ["--db", str(db), "add", "people", f"title={title}",
                                 f"notes={notes}"])
    assert "Traceback" not in added.stderr
    if added.exit_code != 0:
        assert added.exit_code == 1 and isinstance(added.exception, SystemExit)
        assert "people" in added.stderr and "title" in added.stderr
        assert len(added.stderr.strip().splitlines()) == 1
        return
    rid = added.stdout.strip()
    shown = json.loads(runner.invoke(main, ["--db", str(db), "show", "people", rid,
                                            "--json"]).stdout)
    with Repository(db) as repo:
        expected, _problems = repo.check("people", {"title": title, "notes": notes})
    assert shown["title"] == expected["title"]
    assert shown["notes"] == expected["notes"]
    for text in (title, notes):
        found = runner.invoke(main, ["--db", str(db), "search", "--json", "--", text])
        assert found.exit_code == 0, found.stderr
        json.loads(found.stdout)


@_SETTINGS
@given(values=st.lists(HOSTILE, min_size=1, max_size=4))
def test_hostile_text_through_json_and_csv_import(values):
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        with open_session(tmp_path / "a.db", seed=False) as repo:
            records = [{"title": v, "position": v, "notes": v} for v in values]
            try:
                tio.import_data(repo, {"people": records})
            except tio.ImportProblem as exc:
                kind, record, field, _message = exc.problems[0]
                assert kind == "people" and field in ("title", "position", "notes")
                assert repo.count("people") == 0
                return
            data = tio.export_data(repo)
            tio.write_csv(tmp_path / "x.zip", data)
            with zipfile.ZipFile(tmp_path / "x.zip") as zf:
                rows = list(csv.reader(io.StringIO(zf.read("people.csv").decode("utf-8-sig"))))
            assert all(not c[:1] or c[0] not in FORMULA_START for row in rows for c in row)
            with open_session(tmp_path / "b.db", seed=False) as fresh:
                tio.import_file(fresh, tmp_path / "x.zip")
                assert comparable(tio.export_data(fresh)) == comparable(data)


def test_megabyte_strings(repo, tmp_path):
    big = ("Ж" * 1023 + "\n") * 1024  # 1 MB of Cyrillic
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_data(repo, {"farms": [{"title": "Big", "practices": big}]})
    assert info.value.problems[0][:3] == ("farms", "#1 'Big'", "practices")
    assert "too long" in str(info.value)
    tio.import_data(repo, {"sources": [{"uid": "big", "title": "Long report", "text": big}]})
    assert len(repo.get_by_uid("sources", "big")["text"]) == len(big.strip())
    tio.write_csv(tmp_path / "big", tio.export_data(repo, ["sources"]))
    assert (tmp_path / "big" / "sources.csv").stat().st_size > 2_000_000
    with open_session(tmp_path / "big.db", seed=False) as fresh:
        tio.import_file(fresh, tmp_path / "big")
        assert fresh.get_by_uid("sources", "big")["text"] == big.strip()
    message = CliRunner().invoke(main, ["--db", str(repo.path), "add", "roadmap",
                                        "title=" + "x" * 1_000_000])
    assert message.exit_code == 1 and "title" in message.stderr
    assert len(message.stderr) < 500


def test_every_kind_survives_a_round_trip_with_every_field_filled(repo, other):
    """Fill every declared field of every kind, so a field the export forgets shows up here."""
    for name in KIND_ORDER:
        kind = KINDS[name]
        values = {}
        for f in kind.fields:
            if f.type == "date":
                values[f.name] = "2026-05-01"
            elif f.type == "choice":
                values[f.name] = f.choices[-1][0]
            elif f.type == "integer":
                values[f.name] = f.minimum if f.minimum is not None else 1  # (treaty rules)
            elif f.type == "link":
                values[f.name] = repo.ids(f.target)[0]
            elif f.type == "links":
                values[f.name] = repo.ids(f.target)[:2]
            elif f.type == "decimal":
                values[f.name] = "-1234567.000001"
            elif f.type == "period":
                values[f.name] = "2026-05"
            elif f.type == "series":
                values[f.name] = [{"date": "2025", "value": "0.1"},
                                  {"date": "2026-05-01", "value": "-3", "source_id": 1,
                                   "quote": "joint assembly plants"}]
            else:
                values[f.name] = f"{f.name} of {name} <&> =1"
        repo.create(name, values, citations=[{"source_id": 1, "quote": "q"}])
    data = json.loads(json_text(tio.export_data(repo)))
    tio.import_data(other, data)
    assert comparable(tio.export_data(other)) == comparable(data)


def test_import_follows_the_files_trash_state(repo):
    data = json.loads(json_text(tio.export_data(repo, ["plants"])))
    repo.delete("plants", 1)
    # a file that knows the deletion (made from this version on) and says the plant is live
    data["plants"][0]["version"] = repo.get("plants", 1)["version"]
    result = tio.import_data(repo, data)  # the file says the plant is live
    assert result.updated == {"plants": 1}
    assert repo.get("plants", 1)["deleted_at"] is None
    data["plants"][0]["deleted_at"] = "2026-01-01T00:00:00Z"
    data["plants"][0]["version"] = repo.get("plants", 1)["version"]
    tio.import_data(repo, data)
    assert repo.get("plants", 1)["deleted_at"] == "2026-01-01T00:00:00Z"
    assert repo.count("plants") == 0 and repo.count("plants", trash=True) == 1


def test_an_import_written_a_chunk_at_a_time_is_still_all_or_nothing(repo, monkeypatch):
    """An import large enough to be read, staged and written in many chunks (made small here)
    that fails in a late chunk leaves nothing of the earlier ones behind: no record, no
    search text, no audit entry."""
    from tracker.exchange import importer
    from tracker.store.batch import Batch
    from tracker.store.sqlite.stage import Stage

    monkeypatch.setattr(importer, "LOAD_CHUNK", 3)
    monkeypatch.setattr(Stage, "BATCH", 4)
    records = {"people": [{"title": f"Chunked person {i}"} for i in range(30)],
               "roadmap": [{"title": f"Chunked item {i}"} for i in range(10)]}
    before, entries = snapshot(repo), audit_count(repo)
    calls = {"n": 0}
    real = Batch.audit_entries  # a chunk's entries at once

    def failing_audit(self, kind, action, label, items):
        calls["n"] += len(items)
        if calls["n"] >= 35:  # in the road map's chunks, after every person is written
            raise OSError("disk unplugged")
        return real(self, kind, action, label, items)

    monkeypatch.setattr(Batch, "audit_entries", failing_audit)
    with pytest.raises(OSError):
        tio.import_data(repo, records)
    monkeypatch.setattr(Batch, "audit_entries", real)
    assert calls["n"] == 38  # the road map's second chunk of 4
    assert snapshot(repo) == before and audit_count(repo) == entries
    assert repo.count("people", search="chunked") == 0
    result = tio.import_data(repo, records)  # and the same import, undisturbed, writes it all
    assert result.created == {"people": 30, "roadmap": 10}
    assert repo.count("people", search="chunked") == 30
