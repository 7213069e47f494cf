"""An export names the relationship (home and partner country, title) and an import brings the
name to a desk that has none, without renaming a desk's own; audited, all or nothing."""

from __future__ import annotations

import json

import pytest

from tracker.exchange import ImportProblem
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
