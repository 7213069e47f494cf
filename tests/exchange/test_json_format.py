"""JSON exports read as a stream: records too large, too deep, or naming a field twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import exchange as tio
from tracker.exchange import json_format


def test_json_records_too_large_or_too_deep_are_refused(empty_repo, tmp_path, monkeypatch):
    monkeypatch.setattr(json_format, "MAX_RECORD_CHARS", 1000)
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"people": [{"title": "A"}, {"title": "B", "notes": "x" * 2000}]}))
    with pytest.raises(tio.FileProblem, match="people record #2 is too large"):
        tio.import_file(empty_repo, big)
    deep = tmp_path / "deep.json"
    deep.write_text('{"people": [{"title": "A", "notes": ' + "[" * 200 + "]" * 200 + "}]}")
    with pytest.raises(tio.FileProblem, match="nested too deeply"):
        tio.import_file(empty_repo, deep)
    twice = tmp_path / "twice.json"
    twice.write_text('{"people": [{"title": "A"}], "people": [{"title": "B"}]}')
    with pytest.raises(tio.FileProblem, match="people is in the file twice"):
        tio.import_file(empty_repo, twice)
    field = tmp_path / "field.json"
    field.write_text('{"people": [{"title": "A", "title": "B"}]}')
    with pytest.raises(tio.FileProblem, match="people record #1 gives title twice"):
        tio.import_file(empty_repo, field)
    assert empty_repo.count("people") == 0


_SCALARS = st.none() | st.booleans() | st.integers(-(2**62), 2**62) | st.floats(
    allow_nan=False, allow_infinity=False) | st.text(max_size=20)
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.text(max_size=5), inner, max_size=4), max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=8), _VALUES, max_size=6), max_size=4))
def test_records_read_as_a_stream_are_what_json_reads(records):
    """Each record (nested objects and lists of every JSON type) comes out of the streaming
    reader as ``json.loads`` reads it."""
    import tempfile

    text = json.dumps({"people": records}, ensure_ascii=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.json"
        path.write_text(text, encoding="utf-8")
        read = list(json_format.json_records(path, []))
    assert read == [("people", r) for r in json.loads(text)["people"]]


def test_the_depth_and_size_limits_are_exact(tmp_path, monkeypatch):
    """A record nested exactly ``MAX_DEPTH`` deep is read, one deeper is refused; likewise
    ``MAX_RECORD_VALUES`` values and ``MAX_RECORD_CHARS`` characters of text."""
    def read(record) -> list:
        path = tmp_path / "r.json"
        path.write_text(json.dumps({"people": [record]}))
        return [r for _k, r in json_format.json_records(path, [])]

    def nested(depth: int):
        value: list = []
        for _i in range(depth - 2):
            value = [value]
        return {"notes": value}  # the record itself is the first level

    limit = json_format.MAX_DEPTH
    assert read(nested(limit)) == [nested(limit)]
    with pytest.raises(tio.FileProblem, match="nested too deeply"):
        read(nested(limit + 1))
    monkeypatch.setattr(json_format, "MAX_RECORD_VALUES", 5)
    assert read({"a": [1, 2, 3], "b": None}) == [{"a": [1, 2, 3], "b": None}]  # 5 values
    with pytest.raises(tio.FileProblem, match="too large"):
        read({"a": [1, 2, 3], "b": None, "c": 1})
    monkeypatch.setattr(json_format, "MAX_RECORD_VALUES", 10**6)
    monkeypatch.setattr(json_format, "MAX_RECORD_CHARS", 6)
    assert read({"a": "abc", "b": ["def"]}) == [{"a": "abc", "b": ["def"]}]
    with pytest.raises(tio.FileProblem, match="too large"):
        read({"a": "abc", "b": ["defg"]})
