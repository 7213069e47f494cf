"""An export names the relationship (home and partner country, title) and an import brings the
name to a desk that has none, without renaming a desk's own; audited, all or nothing."""

from __future__ import annotations

import json

import pytest

from tracker.exchange import FileProblem, ImportProblem
from tracker.exchange.exporter import export_file
from tracker.exchange.importer import import_file
from tracker.session import open_session

BOTH_ENGINES = True

NAMED = {"home_country": "Беларусь", "partner_country": "Kazakhstan",
         "relationship_title": "Belarus – Kazakhstan"}


def test_a_json_export_carries_the_relationship_to_a_new_desk(engine, tmp_path):
    with engine.open(user="alice") as repo:
        repo.set_settings(NAMED)
        repo.create("agreements", {"title": "Treaty"})
        path, _n = export_file(repo, tmp_path / "desk.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["_settings"] == [{"key": k, "value": v} for k, v in NAMED.items()]
    with open_session(tmp_path / "new.db", seed=False, user="bob") as new:
        preview = import_file(new, path, dry_run=True)
        assert preview.settings == NAMED and new.settings()["home_country"] == ""
        result = import_file(new, path)
        assert result.settings == NAMED and result.settings_kept == {}
        assert {k: new.settings()[k] for k in NAMED} == NAMED
        entry = new.history("settings", limit=1)[0]
        assert entry["after"]["partner_country"] == "Kazakhstan" and entry["user"] == "bob"


def test_an_import_fills_what_is_empty_and_keeps_a_desks_own_name(engine, tmp_path):
    path = tmp_path / "colleague.json"
    path.write_text(json.dumps({"_settings": [
        {"key": "home_country", "value": "Belarus"},
        {"key": "partner_country", "value": "Uzbekistan"},
        {"key": "a_later_setting", "value": "ignored by this version"}]}), encoding="utf-8")
    with engine.open(user="alice") as repo:
        repo.set_settings({"partner_country": "Kazakhstan"})
        entries = repo.history_count()
        result = import_file(repo, path)  # a file of settings only still names the relationship
        assert result.settings == {"home_country": "Belarus"}
        assert result.settings_kept == {"partner_country": ("Kazakhstan", "Uzbekistan")}
        assert repo.sides() == ("Belarus", "Kazakhstan")
        assert repo.history_count() == entries + 1
        again = import_file(repo, path)  # nothing left to fill: nothing written
        assert again.settings == {} and again.change is None
        assert repo.history_count() == entries + 1


@pytest.mark.parametrize("entry", [["home_country", "X"], {"key": "home_country", "value": 5},
                                   {"key": "home_country", "value": "x" * 301}, "Belarus"])
def test_a_malformed_setting_refuses_the_file_and_writes_nothing(engine, tmp_path, entry):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"agreements": [{"title": "Treaty"}], "_settings": [entry]}),
                    encoding="utf-8")
    with engine.open(user="alice") as repo:
        with pytest.raises(ImportProblem) as caught:
            import_file(repo, path)
        assert "_settings" in str(caught.value) and "#1" in str(caught.value)
        assert repo.count("agreements") == 0 and repo.settings()["home_country"] == ""


# --- CSV: the zip or folder carries the same settings as _settings.txt ---------------------------

HOSTILE = {"home_country": "=cmd|' /C calc'!A0",
           "partner_country": "Казахстан;=1+1 <b>бold</b>",
           "relationship_title": "-2 @SUM(A1) \"quoted\", «ёлка»\x07\tend",
           "restricted_label": "'=already quoted"}


@pytest.mark.parametrize("target", ["desk.zip", "desk"])
def test_a_csv_export_carries_the_relationship_to_a_new_desk(engine, tmp_path, target):
    import csv
    import io
    import zipfile

    from tracker.exchange.csv_format import FORMULA_START

    with engine.open(user="alice") as repo:
        repo.set_settings(HOSTILE)
        stored = repo.settings()
        repo.create("agreements", {"title": "Treaty"})
        path, _n = export_file(repo, tmp_path / target, "csv")
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            text = zf.read("_settings.txt").decode("utf-8-sig")
    else:
        text = (path / "_settings.txt").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["key", "value"] and len(rows) == 1 + len(HOSTILE)
    for row in rows:  # no cell, nor a part of one a ";" spreadsheet splits off, is a formula
        for part in (p for cell in row for p in cell.split(";")):
            assert not part[:1] or part[0] not in FORMULA_START, part
    with open_session(tmp_path / "new.db", seed=False, user="bob") as new:
        preview = import_file(new, path, dry_run=True)
        assert preview.settings == {k: stored[k] for k in HOSTILE}
        assert new.settings()["home_country"] == ""
        result = import_file(new, path)
        assert new.count("agreements") == 1
        assert {k: new.settings()[k] for k in HOSTILE} == {k: stored[k] for k in HOSTILE}
        assert new.settings()["relationship_title"] == '-2 @SUM(A1) "quoted", «ёлка» end'
        assert result.settings_kept == {}
        entry = new.history("settings", limit=1)[0]
        assert entry["after"]["home_country"] == HOSTILE["home_country"]
        assert entry["user"] == "bob"
    with engine.open(user="own_partner_desk") as own:  # a desk with its own partner keeps it
        own.set_settings({"home_country": "", "partner_country": "Uzbekistan"})
        result = import_file(own, path, skip_older=True)
        assert result.settings_kept == {"partner_country": ("Uzbekistan",
                                                            stored["partner_country"])}
        assert own.sides() == (HOSTILE["home_country"], "Uzbekistan")


def test_a_settings_file_of_a_spreadsheet_is_read_and_a_malformed_one_refused(engine, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "agreements.csv").write_text("title\nTreaty\n", encoding="utf-8")
    settings = folder / "_settings.txt"
    # as a Russian spreadsheet saves it: Windows-1251, semicolons, a formula kept quoted
    settings.write_bytes("key;value\r\nhome_country;Беларусь\r\npartner_country;'=Казахстан\r\n"
                         "a_later_setting;x\r\n".encode("cp1251"))
    with open_session(tmp_path / "new.db", seed=False, user="bob") as new:
        result = import_file(new, folder, dry_run=True)
        assert result.settings == {"home_country": "Беларусь", "partner_country": "=Казахстан"}
    for text, where in (("name,value\nhome_country,Belarus\n", "line 1"),
                        ("key,value\nhome_country,Belarus,Minsk\n", "line 2")):
        settings.write_text(text, encoding="utf-8")
        with engine.open(user="alice") as repo:
            with pytest.raises(FileProblem, match=f"_settings.txt {where}"):
                import_file(repo, folder)
            assert repo.count("agreements") == 0
    settings.write_text("key,value\nhome_country," + "x" * 301 + "\n", encoding="utf-8")
    with engine.open(user="alice") as repo:
        with pytest.raises(ImportProblem) as caught:
            import_file(repo, folder)
        assert "_settings" in str(caught.value) and "#1" in str(caught.value)
        assert repo.count("agreements") == 0 and repo.settings()["home_country"] == ""
