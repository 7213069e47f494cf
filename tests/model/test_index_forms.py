"""The forms column of the search index (``index_forms``): each run of letters of the folded
text once, in the order the text first has it, with its stem and transliterations."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from tracker.model.text import fold, index_forms, word_forms

LETTER_RUNS = re.compile(r"[^\W\d_]+")  # a run of letters: what stems and transliterations see


def as_defined(body: str) -> str:
    out: dict[str, None] = {}
    for word in dict.fromkeys(LETTER_RUNS.findall(body)):
        if len(word) >= 2:
            out.update(dict.fromkeys(word_forms(word)))
    return " ".join(out)


@given(st.lists(st.sampled_from(
    list("заседание Назарбаев ёж-Минск2017_x,.;²½Ⅻ\u00a0\u2003\n\t«»'’") + ["ab", "де"]),
    max_size=80).map("".join).map(fold) | st.text(max_size=40))
@example("заседания,заседание заседание2017 минск_минск ²ёж «назарбаев»\u00a0x")
def test_the_forms_are_those_of_every_run_of_letters_in_first_order(body):
    assert index_forms(body) == as_defined(body)


def test_a_record_s_words_are_found_by_stem_and_transliteration():
    forms = index_forms(fold("Заседание межправкомиссии; Назарбаев, 2017-й год"))
    assert "zasedaniye" in forms.split()
    assert "nazarbayev" in forms.split() and "nazarbaev" in forms.split()
    assert "2017" not in forms
