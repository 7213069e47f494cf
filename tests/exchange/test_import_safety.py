"""Imports that must not hurt: bounded reading (zip bombs, huge files, streaming JSON), CSV files
that would silently lose rows, Russian Excel's CSV, old exports that would undo newer edits,
forged system fields, quotes that are not in their sources, and an import that must not make
another program's write fail."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import exchange as tio
from tracker.cli.main import main
from tracker.exchange import importer, json_format, reading
from tracker.exchange.csv_format import FORMULA_START, is_formula
from tracker.exchange.json_format import json_text
from tracker.exchange.planner import Planner
from tracker.model.catalogue import KIND_ORDER
from tracker.store.repository import Repository
from tracker.store.sqlite.stage import Stage

ROOT = Path(__file__).resolve().parents[2]


def cli(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), "--language", "en", *args])


def one_line_error(result) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


def state(repo) -> tuple:
    """Everything an import could change, to prove nothing was."""
    tables = [r[0] for r in repo.backend.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search%'")]
    return tuple(sorted(repo.backend.conn.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr)
                 for t in tables)


def make_zip(path: Path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a duplicate name, on purpose
        with zipfile.ZipFile(path, "w", method) as zf:
            for name, data in members.items() if isinstance(members, dict) else members:
                zf.writestr(name, data)
    return path


def patch_central(path: Path, offset: int, fmt: str, value: int) -> None:
    """Set a field of every central-directory entry (and its local header) of a zip."""
    data = bytearray(path.read_bytes())
    local = {8: 6, 10: 8, 24: 22}  # central field offset -> the same field, local header
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) >= 0:
        struct.pack_into(fmt, data, pos + offset, value)
        header = struct.unpack_from("<I", data, pos + 42)[0]
        struct.pack_into(fmt, data, header + local[offset], value)
        pos += 4
    path.write_bytes(bytes(data))


# --- bounded reading ------------------------------------------------------------------------------

def test_a_small_zip_that_expands_enormously_is_refused_before_it_is_read(empty_repo, tmp_path):
    body = b"title\n" + b"\n" * (30 * 1024 * 1024)  # 30 MB of nothing: ~30 KB compressed
    bomb = make_zip(tmp_path / "bomb.zip", {"people.csv": body})
    assert bomb.stat().st_size < 100_000
    before = state(empty_repo)
    with pytest.raises(tio.FileProblem) as info:
        tio.import_file(empty_repo, bomb)
    assert "people.csv" in str(info.value) and "expands" in str(info.value)
    assert state(empty_repo) == before


def test_a_zip_bomb_under_a_memory_cap_is_a_clean_error_not_a_memory_error(tmp_path):
    """The issue's case: a small zip whose member expands to 100 MB of rows, imported by a
    process with a memory cap, gave a MemoryError traceback."""
    db = tmp_path / "t.db"
    assert cli(db, "init", "--empty").exit_code == 0
    row = b"Person,Ambassador,notes notes notes notes\n"
    bomb = make_zip(tmp_path / "bomb.zip",
                    {"people.csv": b"title,position,notes\n" + row * (100_000_000 // len(row))})
    assert bomb.stat().st_size < 1_000_000
    script = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {str(ROOT)!r})
        resource.setrlimit(resource.RLIMIT_AS, (700 * 1024**2, 700 * 1024**2))
        from tracker.cli.main import main
        main(["--db", {str(db)!r}, "import", {str(bomb)!r}], prog_name="cli")
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    assert "people.csv" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_a_member_larger_than_it_declares_is_refused(empty_repo, tmp_path):
    path = make_zip(tmp_path / "liar.zip", {"people.csv": b"title\n" + b"Envoy\n" * 50_000})
    patch_central(path, 24, "<I", 10)  # the uncompressed size: 10 bytes, it says
    with pytest.raises(tio.FileProblem) as info:
        tio.import_file(empty_repo, path)
    assert "people.csv" in str(info.value)
    assert empty_repo.count("people") == 0


def test_limits_on_members_total_and_entries(empty_repo, tmp_path, monkeypatch):
    many = make_zip(tmp_path / "many.zip", {f"x{i}.txt": b"" for i in range(2000)})
    with pytest.raises(tio.FileProblem, match="2000 entries"):
        tio.import_file(empty_repo, many)
    monkeypatch.setattr(reading, "MAX_TOTAL_BYTES", 300_000)
    rows = b"title\n" + b"Someone\n" * 25_000  # 200 KB each: one fits, two do not
    two = make_zip(tmp_path / "two.zip", {"people.csv": rows, "sources.csv": rows},
                   zipfile.ZIP_STORED)
    with pytest.raises(tio.FileProblem, match="too large"):
        tio.import_file(empty_repo, two)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "people.csv").write_bytes(rows)
    monkeypatch.setattr(reading, "MAX_MEMBER_BYTES", 100_000)
    with pytest.raises(tio.FileProblem, match="people.csv is too large"):
        tio.import_file(empty_repo, folder)
    assert empty_repo.count("people") == 0 and empty_repo.count("sources") == 0


def test_a_nested_zip_is_not_expanded(empty_repo, tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("people.csv", b"title\n" + b"\n" * 20_000_000)
    outer = make_zip(tmp_path / "outer.zip", {"inner.zip": inner.getvalue()})
    with pytest.raises(tio.FileProblem, match="no CSV files"):
        tio.import_file(empty_repo, outer)


def _people_json(path: Path, n: int) -> Path:
    records = [{"uid": f"p-{i}", "title": f"Person {i}", "position": "Envoy",
                "notes": "Met at the talks in Astana. " * 40} for i in range(n)]
    path.write_text(json.dumps({"people": records}), encoding="utf-8")
    return path


def _peak(repo, path: Path, **kwargs) -> int:
    tracemalloc.start()
    try:
        tio.import_file(repo, path, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_json_import_memory_does_not_grow_with_the_file(tmp_path, monkeypatch):
    """Python's peak memory for importing 4 times as many records stays about the same (it grew
    44x the file size when the whole file and all its records were held)."""
    monkeypatch.setattr(Stage, "BATCH", 50)  # what is held at once: a batch of records
    small, large = _people_json(tmp_path / "s.json", 300), _people_json(tmp_path / "l.json", 1200)
    with Repository(tmp_path / "a.db") as a, Repository(tmp_path / "b.db") as b:
        peak_small, peak_large = _peak(a, small, dry_run=True), _peak(b, large, dry_run=True)
        assert peak_large < 1.5 * peak_small + 512 * 1024, (peak_small, peak_large)
        assert peak_large < large.stat().st_size  # never the whole file
        written = _peak(b, large)
        assert written < large.stat().st_size and b.count("people") == 1200


def test_json_records_too_large_or_too_deep_are_refused(empty_repo, tmp_path, monkeypatch):
    monkeypatch.setattr(json_format, "MAX_RECORD_CHARS", 1000)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"people": [{"title": "A"}, {"title": "B", "notes": "x" * 2000}]}))
    with pytest.raises(tio.FileProblem, match="people record #2 is too large"):
        tio.import_file(empty_repo, big)
    deep = tmp_path / "deep.json"
    deep.write_text('{"people": [{"title": "A", "notes": ' + "[" * 200 + "]" * 200 + "}]}")
    with pytest.raises(tio.FileProblem, match="nested too deeply"):
        tio.import_file(empty_repo, deep)
    twice = tmp_path / "twice.json"
    twice.write_text('{"people": [{"title": "A"}], "people": [{"title": "B"}]}')
    with pytest.raises(tio.FileProblem, match="people is in the file twice"):
        tio.import_file(empty_repo, twice)
    field = tmp_path / "field.json"
    field.write_text('{"people": [{"title": "A", "title": "B"}]}')
    with pytest.raises(tio.FileProblem, match="people record #1 gives title twice"):
        tio.import_file(empty_repo, field)
    assert empty_repo.count("people") == 0


# --- CSV that would lose data silently ------------------------------------------------------------

@pytest.mark.parametrize("text, line", [
    # the quote runs to the end of the file: 4 rows became 1 record
    ('title,notes\nFirst,"a stray quote\nSecond,x\nThird,y\nFourth,z\n', 2),
    # a later quote closes it, followed by text
    ('title,notes\nFirst,"a stray quote\nSecond,x\nThird,"y" z\nFourth,z\n', 4),
    # a later stray quote closes it at the end of a row: rows swallowed whole
    ('title,notes\nFirst,"a stray quote\nSecond,x\nThird,y\nFourth,z"\n', 2),
    ('title,position,notes\nFirst,Envoy,"stray\nSecond,Envoy,x\nThird,Envoy,y"\n', 2),
])
def test_a_stray_quote_is_refused_with_its_line(empty_repo, tmp_path, text, line):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_text(text, encoding="utf-8")
    with pytest.raises(tio.FileProblem) as info:
        tio.import_file(empty_repo, folder)
    assert f"people.csv line {line}:" in str(info.value) and '"' in str(info.value)
    assert empty_repo.count("people") == 0


def test_multi_line_notes_are_still_fine(empty_repo, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "people.csv").write_text(
        'title,position,notes\nFirst,Envoy,"Met twice:\nin Minsk, then\nin Astana"\n'
        'Second,Envoy,"He said ""yes"""\n', encoding="utf-8")
    tio.import_file(empty_repo, folder)
    notes = {r["title"]: r["notes"] for r in empty_repo.list("people",
                                                             columns=["title", "notes"])}
    assert notes == {"First": "Met twice:\nin Minsk, then\nin Astana",
                     "Second": 'He said "yes"'}


def test_a_zip_holding_a_file_twice_is_refused(empty_repo, tmp_path):
    path = make_zip(tmp_path / "twice.zip", [("people.csv", b"title\nA\n"),
                                             ("old/people.csv", b"title\nB\n")])
    with pytest.raises(tio.FileProblem) as info:
        tio.import_file(empty_repo, path)
    assert "people.csv is in the zip twice" in str(info.value)
    assert "old/people.csv" in str(info.value)
    path = make_zip(tmp_path / "same.zip", [("people.csv", b"title\nA\n"),
                                            ("people.csv", b"title\nB\n")])
    with pytest.raises(tio.FileProblem, match="twice"):
        tio.import_file(empty_repo, path)
    assert empty_repo.count("people") == 0


def test_a_column_named_twice_is_refused(empty_repo, tmp_path):
    path = make_zip(tmp_path / "x.zip", {"people.csv": b"title,position,title\nA,Envoy,B\n"})
    with pytest.raises(tio.FileProblem) as info:
        tio.import_file(empty_repo, path)
    assert "people.csv line 1: the column title is there twice" in str(info.value)


def test_encrypted_and_unsupported_members_are_refused_cleanly(tmp_path):
    db = tmp_path / "t.db"
    assert cli(db, "init", "--empty").exit_code == 0
    encrypted = make_zip(tmp_path / "secret.zip", {"people.csv": b"title\nA\n"})
    patch_central(encrypted, 8, "<H", 0x1)  # "encrypted", as `zip -e` marks it
    message = one_line_error(cli(db, "import", str(encrypted)))
    assert "people.csv is encrypted" in message
    deflate64 = make_zip(tmp_path / "d64.zip", {"people.csv": b"title\nA\n"})
    patch_central(deflate64, 10, "<H", 9)  # Deflate64, which Python cannot read
    message = one_line_error(cli(db, "import", str(deflate64)))
    assert "people.csv is compressed in a way" in message and "method 9" in message


def test_encrypted_with_the_zip_tool(tmp_path):
    import shutil

    if not shutil.which("zip"):
        pytest.skip("no zip tool")
    (tmp_path / "people.csv").write_text("title\nA\n")
    subprocess.run(["zip", "-q", "-P", "secret", "secret.zip", "people.csv"], cwd=tmp_path,
                   check=True)
    with Repository(tmp_path / "t.db") as repo:
        with pytest.raises(tio.FileProblem, match="encrypted"):
            tio.import_file(repo, tmp_path / "secret.zip")


# --- Russian Excel --------------------------------------------------------------------------------

RUSSIAN_ROWS = [["title", "position", "country", "notes"],
                ["Пётр Ёлкин", "Посол", "Беларусь", "Встреча; «Астана» — итоги"],
                ["Айгерим Сәтбаева", "Советник", "Казахстан", ""]]


def _excel_csv(delimiter=";", encoding="cp1251", bom=False, rows=RUSSIAN_ROWS) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode(encoding, "replace")
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.mark.parametrize("encoding, bom, delimiter, understood", [
    ("cp1251", False, ";", "Windows-1251, semicolon-separated"),  # "CSV (разделители)"
    ("utf-8", True, ";", "UTF-8, semicolon-separated"),  # "CSV UTF-8" in a Russian locale
    ("utf-8", False, ";", "UTF-8, semicolon-separated"),
    ("utf-16", False, "\t", "UTF-16, tab-separated"),  # "Unicode text"
    ("utf-8", True, ",", "UTF-8, comma-separated"),
])
def test_csv_as_russian_excel_saves_it(empty_repo, tmp_path, encoding, bom, delimiter,
                                       understood):
    rows = RUSSIAN_ROWS if encoding != "cp1251" else [
        [cell.replace("ә", "а") for cell in row] for row in RUSSIAN_ROWS]  # not in cp1251
    path = make_zip(tmp_path / "ru.zip",
                    {"people.csv": _excel_csv(delimiter, encoding, bom, rows)})
    preview = tio.import_file(empty_repo, path, dry_run=True)
    assert [f.describe() for f in preview.files] == [f"people.csv: {understood}, 2 records"]
    tio.import_file(empty_repo, path)
    people = {p["title"]: p for p in empty_repo.list("people")}
    assert set(people) == {rows[1][0], rows[2][0]}
    assert people["Пётр Ёлкин"]["notes"] == "Встреча; «Астана» — итоги"
    assert people["Пётр Ёлкин"]["position"] == "Посол"


def test_the_cli_dry_run_shows_what_was_understood(tmp_path):
    db = tmp_path / "t.db"
    assert cli(db, "init", "--empty").exit_code == 0
    folder = tmp_path / "excel"
    folder.mkdir()
    (folder / "people.csv").write_bytes(_excel_csv())
    result = cli(db, "import", "--dry-run", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "people.csv: Windows-1251, semicolon-separated, 2 records" in result.stdout
    assert "would import: 2 created" in result.stdout


def test_bytes_that_are_neither_utf8_nor_cyrillic_are_refused_with_the_line(empty_repo,
                                                                            tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "people.csv").write_bytes(b"title\nOne\nTwo\n\x00\x01\xff\xfe garbage\n")
    with pytest.raises(tio.FileProblem, match="people.csv line 4: not UTF-8"):
        tio.import_file(empty_repo, folder)
    (folder / "people.csv").write_bytes("title\nCafé Zürich\n".encode("cp1252"))
    with pytest.raises(tio.FileProblem, match="not UTF-8"):  # Latin text is not cp1251
        tio.import_file(empty_repo, folder)


def test_formulas_are_neutralised_for_semicolon_spreadsheets_too(empty_repo, tmp_path):
    empty_repo.create("people", {"title": "x;=1+1;", "position": "a; +cmd|calc; @SUM(A1)"})
    tio.write_csv(tmp_path / "out.zip", tio.export_data(empty_repo, ["people"]))
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        text = zf.read("people.csv").decode("utf-8-sig")
    for delimiter in (",", ";"):  # however the spreadsheet splits the line
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            for cell in row:
                assert not cell.lstrip(" ")[:1] or cell.lstrip(" ")[0] not in FORMULA_START
    with Repository(tmp_path / "back.db") as back:
        tio.import_file(back, tmp_path / "out.zip")
        titles = {p["title"]: p["position"] for p in back.list("people")}
    assert titles["x;=1+1;"] == "a; +cmd|calc; @SUM(A1)"


@given(st.text(alphabet=st.sampled_from("'=+-@;, ab\t"), max_size=16))
def test_neutralising_every_part_is_reversible(text):
    cell = tio.neutralise(text)
    assert all(not is_formula(part) or part.startswith("'") for part in cell.split(";"))
    assert tio.unneutralise(cell) == text


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
    ("version", 0), ("version", "many"), ("version", True),
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
