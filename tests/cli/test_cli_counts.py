"""`list` ends with the count worded with the kind's noun, its number agreeing, in English and in
Russian (issue 18: "5 of 5 road-map items", not "5 of 5 road map")."""

from __future__ import annotations

import pytest
from cli_helpers import cli, ok

from tracker import i18n
from tracker.model import KIND_ORDER
from tracker.model.counting import OF_TOTAL, of_total


def test_list_says_how_many_road_map_items_in_both_languages(seeded):
    ok(cli(seeded, "add", "roadmap", "title=Grain corridor via Aktau"))
    english = ok(cli(seeded, "list", "roadmap", "--search", "Aktau")).stderr
    assert english.strip().endswith("1 of 1 road-map item")
    russian = ok(cli(seeded, "list", "roadmap", "--search", "Aktau", language="ru")).stderr
    assert russian.strip().endswith("1 из 1 пункта дорожной карты")
    every = ok(cli(seeded, "list", "roadmap", "--limit", "5")).stderr.strip()
    assert every.startswith("5 of ") and every.endswith(" road-map items")


@pytest.mark.parametrize(("n", "english", "russian"), [
    (1, "1 of 1 agreement", "1 из 1 соглашения"),
    (2, "2 of 2 agreements", "2 из 2 соглашений"),
    (5, "5 of 5 agreements", "5 из 5 соглашений"),
    (21, "21 of 21 agreements", "21 из 21 соглашения"),
])
def test_counts_take_the_plural_form_of_their_number(n, english, russian):
    assert of_total("agreements", n, n) == english
    i18n.set_language("ru")
    try:
        assert of_total("agreements", n, n) == russian
    finally:
        i18n.set_language("en")


def test_every_kind_has_its_count_in_both_languages():
    assert set(OF_TOTAL) == set(KIND_ORDER)
    i18n.set_language("ru")
    try:
        for kind in KIND_ORDER:  # translated: no English noun left in the Russian count
            assert of_total(kind, 3, 3).startswith("3 из 3 "), kind
    finally:
        i18n.set_language("en")
