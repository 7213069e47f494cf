"""Briefs are records like every other kind: created, edited, searched, audited, trashed, undone,
exported and imported on both engines; a person carries a biography and the name in the other
language. An older file (or a backup made before briefs existed) upgrades in place."""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from tracker.exchange import export_data, import_file, write_json
from tracker.model import KINDS
from tracker.session import open_session
from tracker.store.errors import ValidationError
from tracker.store.repository import Repository
from tracker.store.sqlite import restore as restoring
from tracker.store.sqlite import schema

BOTH_ENGINES = True

HOSTILE = "<b>{{ x }}</b> \u202eabc\u202c ёлка"


def a_brief(repo, **values):
    meeting = next(m for m in repo.list("meetings") if m["type"] == "talks")
    person = repo.list("people")[0]
    record = {"title": "Talks in Astana", "template": "visit", "meeting_id": meeting["id"],
              "contact_id": person["id"], "points": "Trade\nExpo 2017",
              "background_secret": "Not for the other side", "critical_date": "2026-12-01",
              **values}
    return repo.create("briefs", record).record_id


def test_a_brief_is_a_record_with_links_search_history_trash_and_undo(repo):
    rid = a_brief(repo, addressee=HOSTILE)
    brief = repo.get("briefs", rid)
    assert brief["template"] == "visit" and brief["status"] == "draft"
    assert brief["annex"] == "none" and brief["paper"] == "a4"
    assert brief["max_classification"] == "internal"
    assert brief["addressee"] == HOSTILE  # stored as typed
    assert [h.record_id for h in repo.search("Expo 2017", kinds=["briefs"])] == [rid]
    repo.update("briefs", rid, {"status": "cleared"}, expected_version=brief["version"])
    assert [e["action"] for e in repo.history("briefs", rid)][:2] == ["update", "create"]
    repo.delete("briefs", rid)
    assert repo.count("briefs") == 0 and repo.count("briefs", trash=True) == 1
    repo.undo()
    assert repo.get("briefs", rid)["status"] == "cleared"
    # The meeting and the contact officer know who links to them.
    assert ("briefs", rid, "Talks in Astana") in repo.linked_from(
        "meetings", brief["meeting_id"])


def test_a_brief_refuses_bad_values_naming_the_field(repo):
    with pytest.raises(ValidationError) as err:
        repo.create("briefs", {"title": "x", "template": "memo"})
    assert "template" in str(err.value) and "\n" not in str(err.value)
    with pytest.raises(ValidationError) as err:
        repo.create("briefs", {"title": "x", "date_from": "2026-02-01",
                               "date_to": "2026-01-01"})
    assert "date_to" in str(err.value)
    with pytest.raises(ValidationError) as err:
        repo.create("briefs", {"title": "x", "meeting_id": 999_999})
    assert "999999" in str(err.value)
    with pytest.raises(ValidationError) as err:
        repo.create("briefs", {"title": "x", "background": "x" * 1_000_001})
    assert "background" in str(err.value)


def test_a_brief_holds_a_million_characters_of_text(repo):
    rid = a_brief(repo, background="ж" * 999_999 + "!")
    assert len(repo.get("briefs", rid)["background"]) == 1_000_000


def test_people_carry_a_biography_and_the_name_in_the_other_language(repo):
    person = repo.list("people")[0]
    repo.update("people", person["id"], {"biography": "Born in 1954.",
                                         "name_other": "Аляксандр Лукашэнка"},
                expected_version=person["version"])
    got = repo.get("people", person["id"])
    assert got["biography"] == "Born in 1954." and got["name_other"] == "Аляксандр Лукашэнка"
    # the name as written is found in the person's own text (its other forms also find the
    # seeded meeting and source that write "Lukashenka": word forms, transliteration)
    hits = repo.search("Лукашэнка")
    assert [(h.kind, h.record_id) for h in hits if "Лукашэнка" in h.snippet] == [
        ("people", person["id"])]


def test_briefs_go_out_and_come_back_with_their_links(repo, tmp_path):
    rid = a_brief(repo, objectives="Agree on the road map")
    before = repo.get("briefs", rid)
    out = write_json(tmp_path / "out.json", export_data(repo))
    with Repository(tmp_path / "fresh.db") as fresh:
        import_file(fresh, out)
        [back] = fresh.list("briefs")
        brief = fresh.get("briefs", back["id"])
        for name in ("title", "objectives", "points", "template", "background_secret",
                     "critical_date", "uid"):
            assert brief[name] == before[name], name
        assert fresh.get("meetings", brief["meeting_id"])["title"] == repo.get(
            "meetings", before["meeting_id"])["title"]
        assert fresh.get("people", brief["contact_id"])["title"] == repo.get(
            "people", before["contact_id"])["title"]


# --- the files' schema -----------------------------------------------------------------------

def file_before_briefs(path):
    """A database as the release before briefs wrote it (migrations up to 0007), with a
    person in it."""
    conn = sqlite3.connect(path)
    db = Database(conn)
    schema.migrations.apply(db, stop_before="0008_briefs_and_biographies")
    conn.execute("INSERT INTO people (uid, title, status, classification, created_at, "
                 "updated_at) VALUES ('p-1', 'Old Person', 'active', 'internal', "
                 "'2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z')")
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only
def test_a_file_from_before_briefs_upgrades_in_place(tmp_path):
    path = tmp_path / "old.db"
    file_before_briefs(path)
    repo = Repository(path)
    try:
        person = repo.list("people")[0]
        assert person["title"] == "Old Person"
        repo.update("people", person["id"], {"biography": "Kept"},
                    expected_version=person["version"])
        rid = repo.create("briefs", {"title": "First brief", "contact_id": person["id"]}
                          ).record_id
        assert repo.get("briefs", rid)["contact_id"] == person["id"]
        assert [h.title for h in repo.search("old person")] == ["Old Person"]
    finally:
        repo.close()


@pytest.mark.sqlite_only
def test_a_backup_from_before_briefs_is_restored_and_upgraded(tmp_path):
    old = tmp_path / "old.db"
    file_before_briefs(old)
    desk = tmp_path / "desk.db"
    open_session(desk, seed=True).close()
    restoring.restore(desk, old)
    repo = Repository(desk)
    try:
        assert [p["title"] for p in repo.list("people")] == ["Old Person"]
        assert repo.count("briefs") == 0
    finally:
        repo.close()


def test_every_kind_but_the_briefs_is_a_section_of_a_data_briefing():
    assert [k for k, kind in KINDS.items() if not kind.data_section] == ["briefs"]
