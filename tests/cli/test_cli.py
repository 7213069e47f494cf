"""The command-line interface: every command, its JSON shapes, and clean one-line errors."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner
from clirun import run_cli

import tracker
from tracker.cli.main import main
from tracker.model import KIND_ORDER, KINDS, SYSTEM_FIELDS
from tracker.store.repository import Repository


def cli(db, *args, language="en", input=None):
    pre = ["--db", str(db), "--language", language]
    return CliRunner().invoke(main, [*pre, *args], input=input)


def ok(result):
    assert result.exit_code == 0, (result.exit_code, result.stdout, result.stderr,
                                   result.exception)
    return result


def fails(result, code=1):
    """A clean failure: the given exit status, one line on stderr, no traceback, no stdout."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    if code == 1:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("Error: ")
    return result.stderr.strip()


@pytest.fixture
def seeded(db_path):
    ok(cli(db_path, "init"))
    return db_path


def audit_count(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM audit").fetchone()[0]


# --- group options, init, settings ----------------------------------------------------------------

def test_version_prints_the_package_version():
    result = ok(CliRunner().invoke(main, ["--version"]))
    assert tracker.__version__ in result.stdout


def test_init_creates_and_seeds_then_changes_nothing(db_path):
    first = ok(cli(db_path, "init"))
    assert first.stdout.strip() == str(db_path)
    with Repository(db_path) as repo:
        counts = repo.totals()
    assert counts["roadmap"] == 5 and counts["people"] == 3 and counts["sources"] == 1
    entries = audit_count(db_path)
    second = ok(cli(db_path, "init"))
    assert second.stdout.strip() == str(db_path)
    with Repository(db_path) as repo:
        assert repo.totals() == counts
    assert audit_count(db_path) == entries


def test_init_empty_creates_no_records(db_path):
    ok(cli(db_path, "init", "--empty"))
    with Repository(db_path) as repo:
        assert sum(repo.totals().values()) == 0


def test_tracker_db_variable_chooses_the_file(tmp_path, monkeypatch):
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("TRACKER_DB", str(target))
    result = ok(CliRunner().invoke(main, ["init", "--empty"]))
    assert result.stdout.strip() == str(target)
    assert target.exists()


def test_settings_show_and_set(seeded):
    shown = ok(cli(seeded, "settings", "--json"))
    assert json.loads(shown.stdout)["partner_country"] == "Kazakhstan"
    ok(cli(seeded, "settings", "partner_country=Uzbekistan", "relationship_title=BY – UZ"))
    values = json.loads(ok(cli(seeded, "settings", "--json")).stdout)
    assert values["partner_country"] == "Uzbekistan"
    assert values["relationship_title"] == "BY – UZ"
    assert values["home_country"] == "Belarus"
    text = ok(cli(seeded, "settings")).stdout
    assert "partner_country: Uzbekistan" in text


def test_settings_refuses_unknown_keys(seeded):
    fails(cli(seeded, "settings", "capital=Minsk"), code=2)
    assert json.loads(ok(cli(seeded, "settings", "--json")).stdout).get("capital") is None


def test_fields_lists_the_declared_fields(seeded):
    rows = json.loads(ok(cli(seeded, "fields", "roadmap", "--json")).stdout)
    assert [r["name"] for r in rows] == list(KINDS["roadmap"].field_names)
    text = ok(cli(seeded, "fields", "agreements")).stdout
    assert "in_force" in text and "signed_on" in text


# --- list and show --------------------------------------------------------------------------------

def test_list_table_uses_translated_column_labels(seeded):
    english = ok(cli(seeded, "list", "roadmap")).stdout
    header = english.splitlines()[0]
    for f in KINDS["roadmap"].columns:
        assert f.label in header
    assert "Present 45 scientific" in english
    russian = ok(cli(seeded, "list", "roadmap", language="ru")).stdout
    assert "Срок исполнения" in russian.splitlines()[0]


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_list_json_has_every_field_and_the_sources(seeded, kind):
    records = json.loads(ok(cli(seeded, "list", kind, "--json")).stdout)
    assert records, kind
    expected = {*SYSTEM_FIELDS, *KINDS[kind].field_names, "sources"}
    if kind == "roadmap":
        expected.add("overdue")
    for record in records:
        assert expected <= set(record), expected - set(record)
        if kind != "sources":
            assert record["sources"], record["title"]
        for source in record["sources"]:
            assert set(source) >= {"source", "quote"}
            assert source["source"].startswith("Presidents of Belarus")
    if kind == "roadmap":
        assert all(r["overdue"] is False for r in records)  # the seed has no due dates


def test_list_json_marks_overdue_items(seeded):
    rid = ok(cli(seeded, "add", "roadmap", "title=Late item", "due_date=2000-01-01")
             ).stdout.strip()
    ok(cli(seeded, "add", "roadmap", "title=Finished late", "due_date=2000-01-01",
           "status=done"))
    records = {r["title"]: r for r in json.loads(ok(cli(seeded, "list", "roadmap",
                                                        "--json")).stdout)}
    assert records["Late item"]["overdue"] is True
    assert records["Late item"]["id"] == int(rid)
    assert records["Finished late"]["overdue"] is False
    table = ok(cli(seeded, "list", "roadmap")).stdout
    late_line = next(line for line in table.splitlines() if "Late item" in line)
    assert late_line.rstrip().endswith("overdue")


def test_list_filters_sorts_and_limits(seeded):
    for title, status, due in (("Alpha", "in_progress", "2030-01-01"),
                               ("Beta", "in_progress", "2031-01-01"),
                               ("Gamma", "done", "2029-01-01")):
        ok(cli(seeded, "add", "roadmap", f"title={title}", f"status={status}", f"due_date={due}"))
    by_status = json.loads(ok(cli(seeded, "list", "roadmap", "--status", "in_progress",
                                  "--json")).stdout)
    assert [r["title"] for r in by_status] == ["Alpha", "Beta"]
    by_label = json.loads(ok(cli(seeded, "list", "roadmap", "--status", "In progress",
                                 "--json")).stdout)
    assert by_label == by_status
    desc = json.loads(ok(cli(seeded, "list", "roadmap", "--sort", "due_date", "--desc",
                             "--limit", "2", "--json")).stdout)
    assert [r["title"] for r in desc] == ["Beta", "Alpha"]
    found = json.loads(ok(cli(seeded, "list", "roadmap", "--search", "gamm", "--json")).stdout)
    assert [r["title"] for r in found] == ["Gamma"]


def test_list_bad_options_are_clean_errors(seeded):
    message = fails(cli(seeded, "list", "treaties"))
    for kind in KIND_ORDER:
        assert kind in message
    fails(cli(seeded, "list", "roadmap", "--status", "finished"), code=2)
    assert "due_date" not in fails(cli(seeded, "list", "roadmap", "--sort", "nonsense"))


def test_show_json_matches_list_json(seeded):
    listed = json.loads(ok(cli(seeded, "list", "meetings", "--json")).stdout)
    for record in listed:
        shown = json.loads(ok(cli(seeded, "show", "meetings", str(record["id"]),
                                  "--json")).stdout)
        assert shown == record


def test_show_text_names_links_and_sources(seeded):
    text = ok(cli(seeded, "show", "roadmap", "1")).stdout
    assert "Belarus–Kazakhstan cooperation road map [2]" in text
    assert "Source [1]" in text and "exhibition cent" in text


def test_show_unknown_record(seeded):
    assert "roadmap 999: no such record" in fails(cli(seeded, "show", "roadmap", "999"))
    fails(cli(seeded, "show", "roadmap", "abc"), code=2)


def test_search_finds_across_kinds(seeded):
    hits = json.loads(ok(cli(seeded, "search", "Shumilin", "--json")).stdout)
    kinds = {h["kind"] for h in hits}
    assert "people" in kinds
    assert all(set(h) == {"kind", "id", "title", "status", "snippet"} for h in hits)
    assert ok(cli(seeded, "search", 'NEAR( "x AND col:')).exit_code == 0


# --- writes ---------------------------------------------------------------------------------------

def test_add_creates_a_record_and_prints_its_id(seeded):
    result = ok(cli(seeded, "add", "plants", "title=Tractor assembly", "count=3",
                    "status=Operating", "--cite", "1=joint assembly plants"))
    rid = int(result.stdout.strip())
    record = json.loads(ok(cli(seeded, "show", "plants", str(rid), "--json")).stdout)
    assert record["title"] == "Tractor assembly"
    assert record["count"] == 3 and record["status"] == "operating"
    assert record["sources"][0]["quote"] == "joint assembly plants"
    entry = json.loads(ok(cli(seeded, "history", "plants", str(rid), "--json")).stdout)[0]
    assert entry["action"] == "create"


def test_add_links_by_id(seeded):
    rid = ok(cli(seeded, "add", "meetings", "title=Commission", "participants=1,3")
             ).stdout.strip()
    record = json.loads(ok(cli(seeded, "show", "meetings", rid, "--json")).stdout)
    assert record["participants"] == [1, 3]
    message = fails(cli(seeded, "add", "meetings", "title=Ghosts", "participants=1,99"))
    assert "participants" in message and "99" in message


def test_add_validation_names_the_record_and_the_field(seeded):
    before = audit_count(seeded)
    message = fails(cli(seeded, "add", "roadmap", "title=Too much", "progress=150"))
    assert "roadmap" in message and "Too much" in message and "progress" in message
    message = fails(cli(seeded, "add", "roadmap", "title=Bad date", "due_date=31.12.2026"))
    assert "due_date" in message and "YYYY-MM-DD" in message
    message = fails(cli(seeded, "add", "roadmap", "title=X", "colour=red"))
    assert "colour" in message
    assert "title" in fails(cli(seeded, "add", "roadmap", "status=planned"))
    fails(cli(seeded, "add", "roadmap", "title"), code=2)
    assert "--cite" in fails(cli(seeded, "add", "roadmap", "title=X", "--cite", "77=quote"))
    assert audit_count(seeded) == before


def test_edit_changes_fields_and_refuses_a_stale_version(seeded):
    ok(cli(seeded, "edit", "roadmap", "3", "progress=40", "status=in_progress",
           "--version", "1"))
    record = json.loads(ok(cli(seeded, "show", "roadmap", "3", "--json")).stdout)
    assert (record["progress"], record["status"], record["version"]) == (40, "in_progress", 2)
    message = fails(cli(seeded, "edit", "roadmap", "3", "progress=90", "--version", "1"))
    assert "reload" in message
    again = json.loads(ok(cli(seeded, "show", "roadmap", "3", "--json")).stdout)
    assert again["progress"] == 40
    ok(cli(seeded, "edit", "roadmap", "3", "notes="))
    assert json.loads(ok(cli(seeded, "show", "roadmap", "3", "--json")).stdout)["notes"] is None
    fails(cli(seeded, "edit", "roadmap", "3"), code=2)
    assert "progress" in fails(cli(seeded, "edit", "roadmap", "3", "progress=-1"))


def test_edit_replaces_citations(seeded):
    ok(cli(seeded, "edit", "people", "3", "--cite", "1=Alexander Shumilin"))
    record = json.loads(ok(cli(seeded, "show", "people", "3", "--json")).stdout)
    assert [s["quote"] for s in record["sources"]] == ["Alexander Shumilin"]


def test_delete_and_undelete(seeded):
    ok(cli(seeded, "delete", "plants", "1"))
    assert json.loads(ok(cli(seeded, "list", "plants", "--json")).stdout) == []
    trash = json.loads(ok(cli(seeded, "list", "plants", "--trash", "--json")).stdout)
    assert [r["id"] for r in trash] == [1] and trash[0]["deleted_at"]
    table = ok(cli(seeded, "list", "plants", "--trash")).stdout
    assert "Deleted" in table.splitlines()[0] and trash[0]["deleted_at"] in table
    assert "already in the trash" in fails(cli(seeded, "delete", "plants", "1"))
    ok(cli(seeded, "undelete", "plants", "1"))
    assert len(json.loads(ok(cli(seeded, "list", "plants", "--json")).stdout)) == 1
    assert "not in the trash" in fails(cli(seeded, "undelete", "plants", "1"))
    actions = [e["action"] for e in json.loads(ok(cli(seeded, "history", "plants", "1",
                                                      "--json")).stdout)]
    assert actions[:2] == ["restore", "delete"]


def test_history_lists_changes_newest_first(seeded):
    ok(cli(seeded, "edit", "farms", "1", "region=Kostanay region"))
    text = ok(cli(seeded, "history", "farms", "1")).stdout
    first = text.splitlines()[0]
    assert "update" in first and "farms 1" in first
    assert "region: ∅ → Kostanay region" in text
    everything = json.loads(ok(cli(seeded, "history", "--limit", "3", "--json")).stdout)
    assert len(everything) == 3 and everything[0]["kind"] == "farms"
    assert "farms 999" in fails(cli(seeded, "history", "farms", "999"))


# --- export / import through the CLI --------------------------------------------------------------

def test_export_import_round_trip_through_the_cli(seeded, tmp_path):
    out = tmp_path / "all.json"
    assert ok(cli(seeded, "export", "-o", str(out))).stdout.strip() == str(out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == list(KIND_ORDER)
    fresh = tmp_path / "fresh.db"
    ok(cli(fresh, "init", "--empty"))
    preview = ok(cli(fresh, "import", "--dry-run", str(out)))
    assert "19 created" in preview.stdout and "nothing was written" in preview.stdout
    assert "0 created, 0 updated, 19 unchanged" not in preview.stdout
    assert ok(cli(fresh, "list", "agreements", "--json")).stdout.strip() == "[]"
    result = ok(cli(fresh, "import", str(out)))
    assert "19 created" in result.stdout
    assert "19 unchanged" in ok(cli(fresh, "import", "--dry-run", str(out))).stdout
    again = tmp_path / "again.json"
    ok(cli(fresh, "export", "-o", str(again)))
    assert _comparable(json.loads(again.read_text(encoding="utf-8"))) == _comparable(data)


def test_list_csv_through_the_cli(seeded):
    import csv
    import io

    out = ok(cli(seeded, "list", "roadmap", "--csv", "--sort", "title")).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["#", "Title", "Status"]
    assert [r[1] for r in rows[1:]] == sorted(r[1] for r in rows[1:])
    assert len(rows) - 1 == 5
    russian = ok(cli(seeded, "list", "roadmap", "--csv", language="ru")).stdout
    assert russian.splitlines()[0].startswith("#,Наименование")
    assert "--csv" in fails(cli(seeded, "list", "roadmap", "--csv", "--limit", "2"), code=2)


def test_list_csv_to_a_file_for_a_spreadsheet(seeded, tmp_path):
    out = tmp_path / "people.csv"
    result = ok(cli(seeded, "list", "people", "--csv", "-o", str(out), language="ru"))
    assert result.stdout.strip() == str(out) and "3 строки" in result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf#,") and b"\r\n" in raw  # BOM, RFC 4180 line ends
    assert "--csv" in fails(cli(seeded, "list", "people", "-o", str(out)), code=2)


def _comparable(data):
    local = {"id", "updated_at", "updated_by", "version"}
    return {kind: [{k: v for k, v in r.items() if k not in local} for r in records]
            for kind, records in data.items()}


def test_export_csv_zip_and_folder(seeded, tmp_path):
    import zipfile

    ok(cli(seeded, "export", "--format", "csv", "-o", str(tmp_path / "all.zip")))
    with zipfile.ZipFile(tmp_path / "all.zip") as zf:
        assert sorted(zf.namelist()) == sorted(f"{k}.csv" for k in KIND_ORDER)
    ok(cli(seeded, "export", "--format", "csv", "-o", str(tmp_path / "folder")))
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == sorted(
        f"{k}.csv" for k in KIND_ORDER)
    fresh = tmp_path / "fresh.db"
    ok(cli(fresh, "init", "--empty"))
    ok(cli(fresh, "import", str(tmp_path / "folder")))
    assert len(json.loads(ok(cli(fresh, "list", "roadmap", "--json")).stdout)) == 5


def test_export_to_a_folder_as_json_is_refused(seeded, tmp_path):
    assert "folder" in fails(cli(seeded, "export", "-o", str(tmp_path)))


@pytest.mark.parametrize("content", [
    b"\x00\xff\xfe garbage \x89PNG",
    b'{"agreements": [{"title": "cut off',
    b"",
    b"[1, 2, 3]",
    b'{"agreements": {"title": "not a list"}}',
    b'{"treaties": []}',
    b'{"agreements": ["just a string"]}',
    b"[" * 100_000,
    "{\"people\": [{\"title\": \"\u0416\"}]}".encode("cp1251"),
])
def test_import_of_unreadable_files_is_a_clean_error(seeded, tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = audit_count(seeded)
    fails(cli(seeded, "import", str(bad)))
    assert audit_count(seeded) == before


def test_import_of_a_folder_or_a_missing_file(seeded, tmp_path):
    assert "no CSV" in fails(cli(seeded, "import", str(tmp_path)))
    assert "no such file" in fails(cli(seeded, "import", str(tmp_path / "missing.json")))


def test_import_error_names_kind_record_and_field(seeded, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"roadmap": [{"title": "Fine"},
                                           {"title": "Broken", "progress": "lots"}]}))
    message = fails(cli(seeded, "import", str(bad)))
    assert "roadmap" in message and "#2 'Broken'" in message and "progress" in message
    assert "nothing was imported" in message
    titles = [r["title"] for r in json.loads(ok(cli(seeded, "list", "roadmap", "--json")).stdout)]
    assert "Fine" not in titles


# --- the database file itself ---------------------------------------------------------------------

def test_a_file_that_is_not_a_database(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("shopping list\n" * 10)
    assert "not a Bilateral Tracker database" in fails(cli(bogus, "list", "roadmap"))
    assert bogus.read_text() == "shopping list\n" * 10
    assert "folder" in fails(cli(tmp_path, "list", "roadmap"))


def test_a_read_only_database_refuses_writes_but_reads(seeded, tmp_path):
    export = tmp_path / "all.json"
    ok(cli(seeded, "export", "-o", str(export)))
    seeded.chmod(0o400)
    try:
        for args in (("add", "people", "title=Someone"), ("import", str(export)),
                     ("delete", "people", "1")):
            assert "read-only" in fails(cli(seeded, *args))
        assert len(json.loads(ok(cli(seeded, "list", "people", "--json")).stdout)) == 3
    finally:
        seeded.chmod(0o600)


# --- real processes: what a user sees ------------------------------------------------------------

def test_subprocess_errors_are_one_line_without_traceback(tmp_path):
    db = tmp_path / "p.db"
    assert run_cli("--db", str(db), "init").returncode == 0
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(bytes(range(256)) * 40)
    for args in (("list", "nothing"), ("import", str(garbage)), ("show", "people", "42"),
                 ("add", "roadmap", "title=x", "progress=101"), ("import", str(tmp_path))):
        proc = run_cli("--db", str(db), *args)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert proc.stdout == ""


def test_subprocess_python_dash_m_runs_the_cli(tmp_path):
    db = tmp_path / "p.db"
    proc = run_cli("--db", str(db), "list", "people", "--json")
    assert proc.returncode == 0, proc.stderr
    assert {r["title"] for r in json.loads(proc.stdout)} >= {"Alexander Lukashenko"}
    usage = run_cli("--db", str(db), "list")
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_language_follows_the_system_unless_given(seeded, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "ru")
    russian = ok(CliRunner().invoke(main, ["--db", str(seeded), "list", "roadmap"]))
    assert "Срок исполнения" in russian.stdout
    english = ok(CliRunner().invoke(main, ["--db", str(seeded), "--language", "en", "list",
                                           "roadmap"]))
    assert "Due date" in english.stdout
    message = fails(CliRunner().invoke(main, ["--db", str(seeded), "--language", "ru", "list",
                                              "nothing"]))
    assert "неизвестный вид" in message and "roadmap" in message


def test_db_option_wins_over_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "env.db"))
    result = ok(CliRunner().invoke(main, ["--db", str(tmp_path / "option.db"), "init"]))
    assert result.stdout.strip() == str(tmp_path / "option.db")
    assert not (tmp_path / "env.db").exists()


def test_settings_values_are_bounded(seeded):
    message = fails(cli(seeded, "settings", "relationship_title=" + "x" * 301))
    assert "relationship_title" in message and "300" in message
    assert json.loads(ok(cli(seeded, "settings", "--json")).stdout)["relationship_title"] == (
        "Belarus – Kazakhstan")


def test_list_overdue_road_map_items(tmp_path):
    from click.testing import CliRunner

    from tracker.cli.main import main

    db = str(tmp_path / "od.db")
    runner = CliRunner()
    assert runner.invoke(main, ["--db", db, "add", "roadmap", "title=Late one",
                                "due_date=2020-02-02"]).exit_code == 0
    result = runner.invoke(main, ["--db", db, "list", "roadmap", "--status", "overdue", "--json"])
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.stdout)
    assert [r["title"] for r in rows] == ["Late one"] and rows[0]["overdue"] is True
    bad = runner.invoke(main, ["--db", db, "list", "people", "--status", "overdue"])
    assert bad.exit_code == 2


def test_cli_briefing_uses_tracker_db(tmp_path, monkeypatch):
    """Without --db, the briefing (like every command) reads $TRACKER_DB."""
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "env.db"))
    out = tmp_path / "s.pdf"
    res = CliRunner().invoke(main, ["briefing", "-o", str(out), "--today", "2026-11-27"])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF")


def test_add_says_when_the_title_is_already_there(seeded):
    title = json.loads(ok(cli(seeded, "show", "roadmap", "1", "--json")).stdout)["title"]
    result = ok(cli(seeded, "add", "roadmap", f"title={title.lower()}"))
    assert int(result.stdout.strip()) > 1  # added all the same
    assert "roadmap 1 has the same title" in result.stderr
    assert "same title" not in ok(cli(seeded, "add", "roadmap", "title=Brand new")).stderr


# --- integers beyond SQLite's -------------------------------------------------------------------

# Every command taking a number: how to call it (ID stands for its integer argument).
NUMBER_TAKERS = {
    "list": ["roadmap"], "show": ["roadmap", "ID"], "search": ["expo"],
    "history": ["roadmap", "ID"],
    "edit": ["roadmap", "ID", "progress=5"], "delete": ["roadmap", "ID"],
    "undelete": ["roadmap", "ID"], "generate": ["--per-kind", "1"], "add": ["roadmap", "title=x"],
}
HUGE = [str(2**63), str(10**20), str(-(2**63) - 1), "9" * 400]
ANY_SIZE = {("generate", "--seed")}  # a seed of any size works: it is never stored as a number


def _number_params():
    import click

    for name, command in sorted(main.commands.items()):
        for param in command.params:
            if isinstance(param.type, click.types.IntParamType):
                yield name, param


def test_every_command_taking_a_number_is_covered_below():
    assert {name for name, _p in _number_params()} <= set(NUMBER_TAKERS)


@pytest.mark.parametrize("huge", HUGE)
def test_a_huge_number_anywhere_is_a_clean_error_not_a_traceback(seeded, huge):
    """``list --limit 99999999999999999999`` once printed an OverflowError traceback."""
    calls = []
    for name, param in _number_params():
        template = NUMBER_TAKERS[name]
        if (name, param.opts[0]) in ANY_SIZE:
            continue
        if isinstance(param, __import__("click").Option):
            calls.append(([name, *(a.replace("ID", "1") for a in template), param.opts[0],
                           huge], 2))
        else:
            calls.append(([name, *(huge if a == "ID" else a for a in template)], None))
    calls.append((["add", "roadmap", "title=x", "--cite", f"{huge.lstrip('-')}=quote"], 2))
    before = audit_count(seeded)
    for args, code in calls:
        result = cli(seeded, *args)
        assert isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.exit_code in ((1, 2) if code is None else (code,)), (args, result.stderr)
        assert "Traceback" not in result.stderr and "Overflow" not in result.stderr, args
    assert audit_count(seeded) == before  # nothing was written


def test_the_largest_limit_sqlite_takes_still_works(seeded):
    listed = json.loads(ok(cli(seeded, "list", "roadmap", "--limit", str(2**63 - 1),
                               "--json")).stdout)
    assert len(listed) == Repository(seeded).count("roadmap")
