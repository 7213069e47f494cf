"""A page of a table reads the titles its link-list column shows at once (both engines)."""

from __future__ import annotations

from tracker.model import get_kind

BOTH_ENGINES = True


def test_link_titles_read_a_page_of_link_lists_at_once(empty_repo):
    repo = empty_repo
    anna = repo.create("people", {"title": "Анна Иванова"}).record_id
    berik = repo.create("people", {"title": "Berik <b>&amp;"}).record_id
    first = repo.create("meetings", {"title": "First", "participants": [berik, anna]}).record_id
    second = repo.create("meetings", {"title": "Second", "participants": [anna]}).record_id
    none = repo.create("meetings", {"title": "Nobody"}).record_id
    found = repo.link_titles("meetings", "participants", [first, second, none, 10**12])
    assert found == {first: ["Анна Иванова", "Berik <b>&amp;"] if anna < berik
                     else ["Berik <b>&amp;", "Анна Иванова"],
                     second: ["Анна Иванова"]}
    assert repo.link_titles("meetings", "participants", []) == {}
    assert repo.backend.links_of(get_kind("meetings"), "participants", [first]) == \
        {first: sorted([anna, berik])}
