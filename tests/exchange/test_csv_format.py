"""CSV: formulas neutralised (and back), the list for a spreadsheet, and CSV files read as
spreadsheets save them (Russian Excel, stray quotes, columns named twice, encodings)."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from exchange_helpers import RUSSIAN_ROWS, excel_csv, make_zip
from hypothesis import given
from hypothesis import strategies as st

from tracker import exchange as tio
from tracker.exchange.csv_format import FORMULA_START, is_formula
from tracker.store.repository import Repository

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
    # the seeded "Nursultan Nazarbayev" is found too (by transliteration), listed by name
    assert [r[1] for r in rows[1:]] == ["Nursultan Nazarbayev", "Нурсултан Назарбаев"]
    path = tio.write_list_csv(tmp_path / "people.csv", text)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with this mark
    assert "Нурсултан Назарбаев" in raw.decode("utf-8-sig")


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


def test_a_column_named_twice_is_refused(empty_repo, tmp_path):
    path = make_zip(tmp_path / "x.zip", {"people.csv": b"title,position,title\nA,Envoy,B\n"})
    with pytest.raises(tio.FileProblem) as info:
        tio.import_file(empty_repo, path)
    assert "people.csv line 1: the column title is there twice" in str(info.value)


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
                    {"people.csv": excel_csv(delimiter, encoding, bom, rows)})
    preview = tio.import_file(empty_repo, path, dry_run=True)
    assert [f.describe() for f in preview.files] == [f"people.csv: {understood}, 2 records"]
    tio.import_file(empty_repo, path)
    people = {p["title"]: p for p in empty_repo.list("people")}
    assert set(people) == {rows[1][0], rows[2][0]}
    assert people["Пётр Ёлкин"]["notes"] == "Встреча; «Астана» — итоги"
    assert people["Пётр Ёлкин"]["position"] == "Посол"


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


@given(st.text(max_size=300) | st.text(alphabet=st.sampled_from("'=+-@;, \t\r\n\"|ёЁab<>"),
                                        max_size=40))
def test_any_setting_survives_the_csv_settings_file_and_is_no_formula(value):
    """A relationship setting as stored (one printable line: ``checked_settings``) comes back
    from ``_settings.txt`` unchanged, and no cell of the file (nor a part a ";" spreadsheet
    splits off) starts a formula."""
    from pathlib import Path

    from tracker.exchange.csv_format import csv_settings, settings_lines
    from tracker.store.settings import checked_settings

    stored = checked_settings({"relationship_title": value})["relationship_title"]
    text = settings_lines([{"key": "relationship_title", "value": stored}])
    for row in csv.reader(io.StringIO(text)):
        for part in (p for cell in row for p in cell.split(";")):
            assert not is_formula(part) or part.startswith("'"), part
    data = ("\ufeff" + text).encode("utf-8")
    rows = list(csv_settings(Path("desk.zip"), "_settings.txt", lambda _first: io.BytesIO(data)))
    assert rows == [{"key": "relationship_title", "value": stored}]
