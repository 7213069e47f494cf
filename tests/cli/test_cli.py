"""The command-line interface as a whole: the group's options (--db, $TRACKER_DB, --language,
--version), the database file, real processes, and clean one-line errors for any number."""

from __future__ import annotations

import json

import pytest
from cli_helpers import audit_count, cli, fails, ok
from click.testing import CliRunner
from clirun import run_cli

import tracker
from tracker.cli.main import main
from tracker.store.repository import Repository

# --- group options ----------------------------------------------------------------------------

def test_version_prints_the_package_version():
    result = ok(CliRunner().invoke(main, ["--version"]))
    assert tracker.__version__ in result.stdout


def test_tracker_db_variable_chooses_the_file(tmp_path, monkeypatch):
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("TRACKER_DB", str(target))
    result = ok(CliRunner().invoke(main, ["init", "--empty"]))
    assert result.stdout.strip() == str(target)
    assert target.exists()


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


def test_cli_briefing_uses_tracker_db(tmp_path, monkeypatch):
    """Without --db, the briefing (like every command) reads $TRACKER_DB."""
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "env.db"))
    out = tmp_path / "s.pdf"
    res = CliRunner().invoke(main, ["briefing", "-o", str(out), "--today", "2026-11-27"])
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF")


# --- integers beyond SQLite's -------------------------------------------------------------------

# Every command taking a number: how to call it (ID stands for its integer argument).
NUMBER_TAKERS = {
    "list": ["roadmap"], "show": ["roadmap", "ID"], "search": ["expo"],
    "history": ["roadmap", "ID"],
    "edit": ["roadmap", "ID", "progress=5"], "delete": ["roadmap", "ID"],
    "undelete": ["roadmap", "ID"], "generate": ["--per-kind", "1"], "add": ["roadmap", "title=x"],
    "deadlines": [], "calendar": ["-o", "never-written.ics"], "report": ["roadmap", "ID", "x"],
    "value": ["indicators", "ID", "2018", "5"],
    "since": ["meetings", "ID"],
    "briefing": ["-o", "never-written.pdf"],  # --meeting, --brief, --copies
    "attach": ["agreements", "ID", "x.txt"], "attachments": ["agreements", "ID"],
    "detach": ["agreements", "ID", "ID"], "save-attachment": ["ID", "out.bin"],
    "attachment-source": ["agreements", "ID", "ID"], "read-texts": [],
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
