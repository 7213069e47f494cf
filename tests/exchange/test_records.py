"""Records as people and programs see them: the export shape, a record as text."""

from __future__ import annotations

from tracker import exchange as tio
from tracker.model import KIND_ORDER


def test_export_shape_is_the_list_json_shape_with_portable_links(repo):
    data = tio.export_data(repo)
    assert list(data) == list(KIND_ORDER)
    uid_of = {(k, r["id"]): r["uid"] for k in KIND_ORDER for r in tio.export_data(repo)[k]}
    listed = {r["id"]: r for r in (tio.record_json(repo, "meetings", m)
                                   for m in repo.list("meetings", with_links=True))}
    for record in data["meetings"]:
        local = listed[record["id"]]
        assert set(record) == set(local) | {"attachments"}  # + the files (name, size, sha256)
        assert record["participants"] == [uid_of[("people", i)] for i in local["participants"]]
        for portable, cited in zip(record["sources"], local["sources"]):
            assert portable["source_uid"] == uid_of[("sources", cited["source_id"])]
            assert portable["quote"] == cited["quote"]


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
