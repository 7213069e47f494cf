"""What ``normalize`` and ``validate`` say of a record, for every kind (the import checks each
record of a file with them: their shortcuts must not change a word)."""

from __future__ import annotations

import pytest

from tracker.model import KINDS, normalize, validate
from tracker.model.fields import LINKS, value_problem


@pytest.mark.parametrize("name", sorted(KINDS))
def test_validate_says_what_each_field_s_own_check_says_in_field_order(name):
    kind = KINDS[name]
    empty = dict.fromkeys(f.name for f in kind.fields)
    long_text = {f.name: "x" * (f.limit() + 1) for f in kind.fields
                 if f.type != LINKS and f.limit() is not None}
    for record in (empty, {}, {**empty, **long_text}):
        expected = {}
        for f in kind.fields:
            if f.type != LINKS and (p := value_problem(f, record.get(f.name))) is not None:
                expected[f.name] = p
        found = validate(kind, record)
        own = {k: v for k, v in found.items() if k in expected}
        assert own == expected
        assert list(own) == list(expected)  # the order the user reads them in
    assert any("required" in p for p in validate(kind, empty).values()) == any(
        f.required for f in kind.fields if f.type != LINKS)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_normalize_refuses_an_unknown_field_and_keeps_the_known_ones(name):
    kind = KINDS[name]
    first = kind.fields[0]
    clean, problems = normalize(kind, {"no_such": "1", first.name: None})
    assert problems == {"no_such": "no such field"}
    assert list(clean) == [first.name]
    assert kind.fields_by_name[first.name] is first
    with pytest.raises(TypeError):
        kind.fields_by_name["x"] = first  # read only
