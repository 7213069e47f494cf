"""Commands over records: list, show, search, history, fields; add, edit, delete, undelete."""

from __future__ import annotations

import json

import pytest
from cli_helpers import audit_count, cli, fails, ok
from click.testing import CliRunner

from tracker.cli.main import main
from tracker.model import KIND_ORDER, KINDS, SYSTEM_FIELDS


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


@pytest.mark.parametrize("kind", [k for k in KIND_ORDER if KINDS[k].data_section])  # seeded
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
    assert all(set(h) == {"kind", "id", "title", "status", "snippet", "file", "page"}
               for h in hits)
    assert ok(cli(seeded, "search", 'NEAR( "x AND col:')).exit_code == 0


def test_search_says_the_true_count_and_pages_with_offset_or_all(seeded):
    """'Almaty' in 70 records: the first 50 and "1–50 of 70 found", the rest with --offset,
    every one with --all (a search stopped at 50 and said "50 found")."""
    from tracker.model import get_kind
    from tracker.store.repository import Repository

    with Repository(seeded, user="tester") as repo, repo.batch() as b:
        kind = get_kind("meetings")
        for i in range(70):
            b.insert(kind, {**kind.defaults(), "title": f"Talks in Almaty no. {i}"})
    first = ok(cli(seeded, "search", "Almaty", "--json"))
    assert len(json.loads(first.stdout)) == 50
    assert "1–50 of 70 found; the next ones: --offset 50" in first.stderr
    rest = ok(cli(seeded, "search", "almaty", "--offset", "50", "--json"))
    assert len(json.loads(rest.stdout)) == 20 and "51–70 of 70 found" in rest.stderr
    ids = {h["id"] for h in json.loads(first.stdout) + json.loads(rest.stdout)}
    assert len(ids) == 70
    every = ok(cli(seeded, "search", "almaty", "--all"))
    assert every.stdout.count("Talks in Almaty") == 70 and "70 found" in every.stderr
    russian = ok(cli(seeded, "search", "Алматы", "--limit", "10", language="ru"))
    assert "1–10 из 70" in russian.stderr  # the Cyrillic name finds the Latin one
    assert "none from --offset 80" in ok(cli(seeded, "search", "almaty", "--offset", "80")
                                         ).stderr


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
    message = fails(cli(seeded, "add", "roadmap", "title=Bad date", "due_date=12/31/2026"))
    assert "due_date" in message and "YYYY-MM-DD" in message  # slashes are ambiguous
    message = fails(cli(seeded, "add", "roadmap", "title=Bad date", "due_date=31.02.2026"))
    assert "due_date" in message and "no such day" in message
    message = fails(cli(seeded, "add", "roadmap", "title=X", "colour=red"))
    assert "colour" in message
    assert "title" in fails(cli(seeded, "add", "roadmap", "status=planned"))
    fails(cli(seeded, "add", "roadmap", "title"), code=2)
    assert "--cite" in fails(cli(seeded, "add", "roadmap", "title=X", "--cite", "77=quote"))
    assert audit_count(seeded) == before


def test_dates_are_accepted_as_desks_write_them(seeded):
    """ISO, or day first with dots (31.12.2026) as desks in Russia, Belarus and Kazakhstan write
    dates; stored as ISO either way."""
    rid = int(ok(cli(seeded, "add", "roadmap", "title=Dotted date", "due_date=31.12.2026")
                 ).stdout.split()[0])
    record = json.loads(ok(cli(seeded, "show", "roadmap", str(rid), "--json")).stdout)
    assert record["due_date"] == "2026-12-31"


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


def test_an_edit_that_changes_nothing_says_so_and_writes_nothing(seeded):
    """`edit roadmap 1 "status=In progress"` on an item in progress made a new version and an
    empty history entry; it now changes nothing and says so (exit 0)."""
    ok(cli(seeded, "edit", "roadmap", "1", "status=In progress"))
    entries = audit_count(seeded)
    version = json.loads(ok(cli(seeded, "show", "roadmap", "1", "--json")).stdout)["version"]
    result = ok(cli(seeded, "edit", "roadmap", "1", "status=In progress"))
    assert result.stdout.strip() == \
        f"Nothing changed: roadmap 1 already has these values (version {version})"
    assert audit_count(seeded) == entries
    assert json.loads(ok(cli(seeded, "show", "roadmap", "1", "--json")).stdout)["version"] == \
        version
    cited = json.loads(ok(cli(seeded, "show", "people", "3", "--json")).stdout)["sources"]
    pairs = [f"--cite={s['source_id']}={s['quote']}" for s in cited]
    assert "Nothing changed" in ok(cli(seeded, "edit", "people", "3", *pairs)).stdout
    russian = ok(cli(seeded, "edit", "roadmap", "1", "status=in_progress", language="ru"))
    assert "Ничего не изменилось" in russian.stdout
    assert audit_count(seeded) == entries


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


def test_history_is_worded_in_the_readers_language(seeded):
    """Entries written by an English session read Russian in a Russian one (and back); the
    JSON says what was stored: a code and its parameters."""
    ok(cli(seeded, "delete", "agreements", "1"))
    russian = ok(cli(seeded, "history", "--limit", "2", language="ru")).stdout.splitlines()
    assert russian[0].endswith("Удаление записи: соглашение")
    assert "Заполнение по материалам статьи" in ok(cli(seeded, "history", "sources", "1",
                                                       language="ru")).stdout
    english = ok(cli(seeded, "history", "--limit", "1")).stdout
    assert english.splitlines()[0].endswith("Delete agreement")
    entry = json.loads(ok(cli(seeded, "history", "--limit", "1", "--json")).stdout)[0]
    assert entry["wording"] == {"code": "delete", "kind": "agreements"}


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


def test_list_overdue_road_map_items(tmp_path):


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


def test_add_says_when_the_title_is_already_there(seeded):
    title = json.loads(ok(cli(seeded, "show", "roadmap", "1", "--json")).stdout)["title"]
    result = ok(cli(seeded, "add", "roadmap", f"title={title.lower()}"))
    assert int(result.stdout.strip()) > 1  # added all the same
    assert "roadmap 1 has the same title" in result.stderr
    assert "same title" not in ok(cli(seeded, "add", "roadmap", "title=Brand new")).stderr


def test_history_filters_by_title_user_and_days_and_counts_them(seeded):
    from tracker.session import open_session

    with open_session(seeded, user="alice") as repo:
        rid = repo.create("agreements", {"title": "Соглашение о торговле"}).record_id
        repo.update("agreements", rid, {"title": "Agreement on trade"}, expected_version=1)
    out = ok(cli(seeded, "history", "--title", "СОГЛАШЕНИЕ", "--user", "alice", "--json"))
    assert [e["action"] for e in json.loads(out.stdout)] == ["update", "create"]
    res = ok(cli(seeded, "history", "--title", "trade", "--limit", "1"))
    assert "1 of 2 entries" in res.stderr
    assert "2 entries" in ok(cli(seeded, "history", "--user", "alice")).stderr
    res = ok(cli(seeded, "history", "--user", "alice", "--since", "2999-01-01"))
    assert res.stdout == "" and "no history" in res.stderr
    bad = cli(seeded, "history", "--since", "2024-02-30")
    assert bad.exit_code == 2 and "2024-02-30" in bad.stderr and "Traceback" not in bad.output
