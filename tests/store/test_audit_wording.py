"""An audit entry stores what happened language-neutrally (a code and its parameters) and is
worded when shown, in the reader's language; entries written before (English or Russian
labels) read back the same way where they are ours, else as stored."""

from __future__ import annotations

import json

from tracker.i18n import set_language
from tracker.store.wording import Wording, from_label

BOTH_ENGINES = True


def _labels(repo, n: int) -> list[str]:
    return [e["label"] for e in repo.history(limit=n)]


def test_entries_are_worded_in_the_readers_language(engine, russian):
    set_language("en")
    with engine.open(user="tester") as repo:
        rid = repo.create("agreements", {"title": "Treaty"}).record_id
        repo.update("agreements", rid, {"title": "Treaty on trade"}, expected_version=1)
        repo.delete("agreements", rid)
        repo.undo()
        repo.set_settings({"partner_country": "Kazakhstan"})
        repo.save_preset("Weekly", {"kinds": ["roadmap"]})
        english = _labels(repo, 6)
        assert english == ["Save preset Weekly", "Change settings", "Undo Delete agreement",
                           "Delete agreement", "Edit agreement", "New agreement"]
        set_language("ru")
        assert _labels(repo, 6) == [
            "Сохранение набора параметров Weekly", "Изменение настроек",
            "Отменить «Удаление записи: соглашение»", "Удаление записи: соглашение",
            "Изменение записи: соглашение", "Новая запись: соглашение"]
        entry = repo.history(limit=3)[2]
        assert entry["wording"] == {"code": "undo", "kind": "agreements",
                                    "step": {"code": "delete", "kind": "agreements"}}
    # stored: the code and its parameters, and the English words for older programs
    stored = engine.sql("SELECT label, wording FROM audit ORDER BY id DESC LIMIT 1")[0]
    assert stored[0] == "Save preset Weekly"
    assert json.loads(stored[1]) == {"code": "save_preset", "name": "Weekly"}


def test_a_session_in_russian_stores_the_same_codes(engine, russian):
    with engine.open(user="tester") as repo:
        repo.create("people", {"title": "Посол"})
        assert _labels(repo, 1) == ["Новая запись: должностное лицо"]
        set_language("en")
        assert _labels(repo, 1) == ["New person"]
    assert engine.sql("SELECT label FROM audit ORDER BY id DESC LIMIT 1")[0][0] == "New person"


def test_older_entries_are_read_back_to_codes_where_they_are_ours(engine, russian):
    """Entries written before (no wording): English or Russian labels of ours are worded in
    the reader's language; a label of someone else's is shown as stored."""
    rows = [("agreements", "delete", "Delete agreement"),
            ("agreements", "create", "Seed from the article"),
            ("roadmap", "undo", "Undo Edit road-map item"),
            ("people", "create", "Заполнение по материалам статьи"),
            ("presets", "preset", "Delete preset Monthly"),
            ("generate", "generate", "Generate 700 synthetic records"),
            ("roadmap", "import", "Imported from the ministry's list")]
    with engine.open(user="tester") as repo:
        for kind, action, label in rows:
            engine.sql("INSERT INTO audit (at, \"user\", kind, record_id, action, label) "
                       "VALUES ('2024-01-01T00:00:00Z', 'old', ?, 1, ?, ?)",
                       (kind, action, label))
        shown = list(reversed(_labels(repo, len(rows))))
        assert shown == ["Удаление записи: соглашение", "Заполнение по материалам статьи",
                         "Отменить «Изменение записи: пункт дорожной карты»",
                         "Заполнение по материалам статьи",
                         "Удаление набора параметров Monthly",
                         "Создать синтетических записей: 700",
                         "Imported from the ministry's list"]
        set_language("en")
        assert list(reversed(_labels(repo, len(rows))))[:4] == [
            "Delete agreement", "Seed from the article", "Undo Edit road-map item",
            "Seed from the article"]


def test_wordings_survive_odd_input():
    assert from_label("") is None and from_label("Delete") is None
    assert from_label("Delete spaceship", "agreements") is None  # not a kind of ours
    assert from_label("Delete preset a {b}") == Wording("delete_preset", name="a {b}")
    assert Wording.from_json("not json") is None and Wording.from_json('{"code": 5}') is None
    assert str(Wording.from_json('{"code": "nothing we know", "text": "<b>x</b>"}')) == \
        "<b>x</b>"
    assert str(Wording("undo", step=Wording("text", text="Import x.json"))) == \
        "Undo Import x.json"
