"""Import and export: round trips, the all-or-nothing rule, updates by uid, hostile input."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import string
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import exchange as tio
from tracker.cli.main import main
from tracker.errors import TrackerError
from tracker.exchange.csv_format import FORMULA_START
from tracker.exchange.json_format import json_text
from tracker.model import KIND_ORDER, KINDS
from tracker.session import open_session
from tracker.store.repository import Repository

LOCAL = {"id", "updated_at", "updated_by", "version"}


def comparable(data):
    return {kind: [{k: v for k, v in r.items() if k not in LOCAL} for r in records]
            for kind, records in data.items()}


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


@pytest.fixture
def other(tmp_path):
    r = open_session(tmp_path / "other.db", seed=False, user="importer")
    yield r
    r.close()


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


def test_export_shape_is_the_list_json_shape_with_portable_links(repo):
    data = tio.export_data(repo)
    assert list(data) == list(KIND_ORDER)
    uid_of = {(k, r["id"]): r["uid"] for k in KIND_ORDER for r in tio.export_data(repo)[k]}
    listed = {r["id"]: r for r in (tio.record_json(repo, "meetings", m)
                                   for m in repo.list("meetings", with_links=True))}
    for record in data["meetings"]:
        local = listed[record["id"]]
        assert set(record) == set(local)
        assert record["participants"] == [uid_of[("people", i)] for i in local["participants"]]
        for portable, cited in zip(record["sources"], local["sources"]):
            assert portable["source_uid"] == uid_of[("sources", cited["source_id"])]
            assert portable["quote"] == cited["quote"]


def test_csv_round_trip_through_zip_and_folder(repo, tmp_path):
    repo.create("roadmap", {"title": "=HYPERLINK(\"http://x\")", "notes": "-2+3\nsecond line",
                            "due_date": "2027-01-31", "progress": 10})
    data = tio.export_data(repo)
    for target in (tmp_path / "all.zip", tmp_path / "folder"):
        tio.write_csv(target, data)
        with open_session(tmp_path / f"{target.stem}.db", seed=False) as fresh:
            tio.import_file(fresh, target)
            assert comparable(tio.export_data(fresh)) == comparable(data)


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

    real = Batch.audit

    def failing_audit(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 15:
            raise OSError("disk unplugged")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Batch, "audit", failing_audit)
    with pytest.raises(OSError):
        tio.import_data(repo, {"people": records})
    monkeypatch.undo()
    assert snapshot(repo) == before and audit_count(repo) == entries


def test_wrong_shapes_are_file_problems(other):
    for data in ([], "text", {"people": "x"}, {"planets": []}):
        with pytest.raises(tio.FileProblem):
            tio.import_data(other, data)


# --- files ----------------------------------------------------------------------------------------

def test_files_are_written_privately_and_atomically(repo, tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.json"
    target.write_text("previous export")
    data = tio.export_data(repo)

    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # fails after the bytes went to the temp file
    with pytest.raises(OSError):
        tio.write_json(target, data)
    monkeypatch.undo()
    assert target.read_text() == "previous export"
    assert [p.name for p in folder.iterdir()] == ["out.json"]  # no temporary left behind
    tio.write_json(target, data)
    assert json.loads(target.read_text(encoding="utf-8"))["people"]
    assert target.stat().st_mode & 0o077 == 0
    assert [p.name for p in folder.iterdir()] == ["out.json"]


@pytest.mark.parametrize("name, content", [
    ("garbage.zip", b"PK\x03\x04" + b"\x00" * 40),
    ("people.csv.zip", None),
])
def test_damaged_or_foreign_zips(other, tmp_path, name, content):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("planets.csv", "title\nMars\n")
    else:
        path.write_bytes(content)
    with pytest.raises(TrackerError):
        tio.import_file(other, path)
    assert other.count("people") == 0


# --- CSV formulas ---------------------------------------------------------------------------------

@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab1 ,\""), max_size=12))
def test_neutralising_is_reversible_and_safe(text):
    cell = tio.neutralise(text)
    assert not cell[:1] or cell[0] not in FORMULA_START
    assert tio.unneutralise(cell) == text


def test_csv_export_neutralises_formula_cells(repo, tmp_path):
    for title in ("=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "'=quoted"):
        repo.create("people", {"title": title, "position": "=1+1"})
    tio.write_csv(tmp_path / "x.zip", tio.export_data(repo, ["people"]))
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        text = zf.read("people.csv").decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell[:1] or cell[0] not in FORMULA_START, cell
    assert "'=cmd|' /C calc'!A0" in text and "''=quoted" in text


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
                values[f.name] = f.minimum or 1
            elif f.type == "link":
                values[f.name] = repo.ids(f.target)[0]
            elif f.type == "links":
                values[f.name] = repo.ids(f.target)[:2]
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


def test_csv_with_an_unknown_column_names_it(other, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_text("title,favourite_colour\nEnvoy,=red\n", encoding="utf-8")
    with pytest.raises(tio.ImportProblem) as info:
        tio.import_file(other, folder)
    assert info.value.problems[0][:3] == ("people", "#1 'Envoy'", "favourite_colour")
    (folder / "people.csv").write_text("title,position\nEnvoy,'=red\n", encoding="utf-8")
    tio.import_file(other, folder)
    assert other.list("people")[0]["position"] == "=red"


# --- one list as a spreadsheet --------------------------------------------------------------------

def _rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_list_csv_is_the_list_as_filtered_and_sorted_with_labels(repo):
    import datetime as dt

    repo.create("roadmap", {"title": "=HYPERLINK(\"http://x\")", "status": "in_progress",
                            "due_date": "2020-01-01", "progress": 10})
    repo.create("roadmap", {"title": "Late exhibition", "due_date": "2021-05-01"})
    text, n = tio.list_csv(repo, "roadmap", status="overdue", sort="due_date", descending=True)
    rows = _rows(text)
    assert rows[0] == ["#", "Title", "Status", "Area", "Due date", "Progress, %", "Overdue"]
    assert n == len(rows) - 1 == 2
    assert [r[1] for r in rows[1:]] == ["Late exhibition", "'=HYPERLINK(\"http://x\")"]
    assert rows[2][2] == "In progress" and rows[2][6] == "overdue"  # labels, not stored values
    assert dt.date.fromisoformat(rows[1][4]) > dt.date.fromisoformat(rows[2][4])
    searched, m = tio.list_csv(repo, "roadmap", search="exhibition")
    assert m == repo.count("roadmap", search="exhibition")
    assert all("xhibition" in r[1] for r in _rows(searched)[1:])


def test_list_csv_speaks_the_interface_language_and_keeps_cyrillic(repo, tmp_path):
    from tracker.i18n import language

    repo.create("people", {"title": "Нурсултан Назарбаев", "position": "Президент"})
    with language("ru"):
        text, _n = tio.list_csv(repo, "people", search="назарбаев")
    rows = _rows(text)
    assert rows[0][:3] == ["#", "Ф. И. О.", "Статус"]  # headers in the interface language
    assert rows[1][1] == "Нурсултан Назарбаев"
    path = tio.write_list_csv(tmp_path / "people.csv", text)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with this mark
    assert "Нурсултан Назарбаев" in raw.decode("utf-8-sig")


def test_record_text_for_a_message_has_filled_fields_titles_and_quotes(repo):
    from tracker.i18n import language

    change = repo.create("roadmap", {"title": "<b>Fair</b> & =SUM(A1)", "due_date": "2020-02-03",
                                     "agreement_id": 1, "notes": "line one\nline two"})
    record = repo.get("roadmap", change.record_id)
    text = tio.record_text(repo, "roadmap", record, for_mail=True)
    lines = text.splitlines()
    assert lines[0] == "Road-map item: <b>Fair</b> & =SUM(A1)"  # literal, as typed
    assert "Due date: 3 February 2020" in lines
    assert f"Agreement: {repo.get('agreements', 1)['title']}" in lines
    assert "Overdue: the due date has passed" in lines
    assert not any(line.startswith(("Completed on", "Home-side lead")) for line in lines)
    assert "Sources:" not in lines  # none cited
    person = tio.record_text(repo, "people", repo.get("people", 1), for_mail=True)
    assert person.startswith(f"Person: {repo.get('people', 1)['title']}\n")
    assert not any(line.startswith("Name:") for line in person.splitlines())  # not twice
    with language("ru"):
        russian = tio.record_text(repo, "roadmap", record, for_mail=True)
    assert russian.splitlines()[0].startswith("Пункт дорожной карты: ")
    assert "Срок исполнения: 3 февраля 2020 г." in russian
